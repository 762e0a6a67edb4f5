// Forged arp-ha heartbeats for the rogue-heartbeats scenario: an "ACTIVE, priority 255" node,
// signed with the wrong key, sent every 20 ms to each target for at most 60 s.
import { createSocket } from 'node:dgram';
import { encodeHeartbeat } from '/opt/failover-lab/dist/src/daemons/arp-ha/heartbeat-codec.js';

const targets = process.argv.slice(2);
const socket = createSocket('udp4');
const key = Buffer.from('not-the-group-key');
let seq = 0;
const started = Date.now();
const timer = setInterval(() => {
  if (Date.now() - started > 60_000) return void (clearInterval(timer), socket.close());
  const packet = encodeHeartbeat(
    {
      v: 1,
      node: 'rogue',
      boot: 'r',
      seq: ++seq,
      sentMs: Date.now(),
      groups: [{ group: 'web', mode: 'ACTIVE', priority: 255, mac: '00:00:00:00:00:01', eligible: true }],
    },
    key,
  );
  for (const t of targets) socket.send(packet, 7946, t);
  if (seq % 50 === 1) console.log(JSON.stringify({ t: Date.now(), event: 'sent', count: seq }));
}, 20);
process.on('SIGTERM', () => process.exit(0));
