// A bystander on the LAN for the split-brain-heal scenario: asks who has the VIP, by broadcast
// ARP request, every INTERVAL ms for at most 60 s, so that any node still answering for the VIP
// shows in the capture. Usage: arp-asker.mjs IFACE VIP INTERVAL_MS
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { arpFrame, BROADCAST } from '/opt/failover-lab/dist/src/kernel/arp-frame.js';
import { packetSocketFor } from '/opt/failover-lab/dist/src/kernel/packet-socket.js';

const [iface, vip, interval] = process.argv.slice(2);
const intervalMs = Number(interval);
if (!iface || !vip || !(intervalMs >= 1)) {
  console.error('usage: arp-asker.mjs IFACE VIP INTERVAL_MS (interval ≥ 1 ms)');
  process.exit(2);
}
const mac = readFileSync(`/sys/class/net/${iface}/address`, 'utf8').trim();
const own = networkInterfaces()[iface]?.find((a) => a.family === 'IPv4')?.address;
if (!own) {
  console.error(`arp-asker: ${iface} has no IPv4 address`);
  process.exit(2);
}
const request = arpFrame({
  op: 'request',
  ethSrc: mac,
  ethDst: BROADCAST,
  senderMac: mac,
  senderIp: own,
  targetMac: '00:00:00:00:00:00',
  targetIp: vip,
});
const socket = packetSocketFor(iface);
console.log(JSON.stringify({ t: Date.now(), event: 'asking', iface, vip, intervalMs }));
let sent = 0;
const started = Date.now();
const timer = setInterval(() => {
  if (Date.now() - started > 60_000) return void clearInterval(timer);
  socket.send(request);
  sent++;
}, intervalMs);
process.on('SIGTERM', () => {
  console.log(JSON.stringify({ t: Date.now(), event: 'asked', count: sent }));
  process.exit(0);
});
