// The probe server's control port (src/probe/control-port.ts): one JSON request line, one reply
// line. The probe path of the agent reads the main server's checkpoints and has the backup's
// probe server rebuild the connections with TCP_REPAIR.
import net from 'node:net';
import { splitHostPort } from '../../../common/host-port.js';
import { ipv4Element, ipv4PortElement, type SetElementChange } from '../../../kernel/nft-set-elements.js';

export const probeRequest = (control: string, request: object, timeoutMs: number): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const { host, port } = splitHostPort(control);
    const socket = net.connect(port, host);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`probe control ${control}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify(request) + '\n'));
    socket.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        const reply = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
        if (reply.ok !== true) reject(new Error(`probe control ${control}: ${JSON.stringify(reply.error)}`));
        else resolve(reply);
      } catch (e) {
        reject(new Error(`probe control ${control}: a reply that is not JSON (${String(e)})`));
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`probe control ${control}: ${e.message}`));
    });
  });

export const HOLD_TABLE = 'fl_migration_hold';

/**
 * How much of a VIP and port is held: `all` drops what arrives for them but SYNs, and every reset
 * the kernel would send from them, while no socket owns the connections; `resets` only drops the
 * resets, while the backup's probe server rebuilds the connections one after another: a client
 * whose connection is not rebuilt yet (1,000 took 0.5-0.8 s) may already be sending (its PING
 * after a second of silence), and the listener's answer, a reset, is dropped instead of breaking
 * it; the client sends again once the connection exists. Dropping its segments instead would
 * also drop the first ACKs of the connections already rebuilt, leaving them to a 1 s RTO.
 */
export type HoldMode = 'all' | 'resets' | 'off';

/**
 * The hold's table, installed once at the agent's start with nothing held (replacing one an
 * earlier run left). Holding is then set elements (holdChanges), added and removed in-process
 * inside the pause: an `nft` spawned there cost 37–49 ms on a loaded host.
 */
export const holdTableScript = (): string =>
  [
    `table ip ${HOLD_TABLE}`,
    `delete table ip ${HOLD_TABLE}`,
    `table ip ${HOLD_TABLE} {`,
    '  set held { type ipv4_addr . inet_service; }',
    '  set quiet { type ipv4_addr . inet_service; }',
    '  set muted { type ipv4_addr; }',
    '  set vip_held { type ipv4_addr; }',
    '  chain in {',
    '    type filter hook input priority -150; policy accept;',
    '    ip daddr . tcp dport @held tcp flags & (syn | ack) != syn drop',
    '    ip daddr @vip_held tcp flags & (syn | ack) != syn drop',
    '  }',
    '  chain out {',
    '    type filter hook output priority -150; policy accept;',
    '    ip saddr . tcp sport @held tcp flags & rst == rst drop',
    '    ip saddr . tcp sport @quiet tcp flags & rst == rst drop',
    '    ip saddr @muted drop',
    '    ip saddr @vip_held tcp flags & rst == rst drop',
    '  }',
    '}',
  ].join('\n') + '\n';

/** Pure: the set element changes, one transaction, that hold `vip`:`port` as `mode` says. */
export const holdChanges = (vip: string, port: number, mode: HoldMode): SetElementChange[] => [
  ipv4PortElement(mode === 'all', HOLD_TABLE, 'held', vip, port),
  ipv4PortElement(mode === 'resets', HOLD_TABLE, 'quiet', vip, port),
];

/**
 * Pure: the change that mutes (or unmutes) everything this server sends from `vip`. The backup
 * mutes a restored copy until it is thawed: CRIU's restore ends each socket's repair mode with
 * a window probe, sent before the user's port has moved. The site's router then asks for the
 * user's address on a VLAN the user is not on yet, gets no answer, and asks again only after its
 * 1 s retransmit time, holding the thawed service's first segments until then (docs/migration.md).
 */
export const muteChange = (vip: string, on: boolean): SetElementChange => ipv4Element(on, 'ip', HOLD_TABLE, 'muted', vip);

/**
 * Pure: the change that holds (or releases) every TCP port of `vip` as `held` holds one: the
 * CRIU path's network lock at the main server, in place of CRIU's own. CRIU's iptables lock runs
 * a command per connection (a dump of 1,000 took 10 s, its restore 8 s), and its nftables lock
 * aborts past 1,024 descriptors (`bit out of range 0 - FD_SETSIZE`).
 */
export const vipHoldChange = (vip: string, on: boolean): SetElementChange => ipv4Element(on, 'ip', HOLD_TABLE, 'vip_held', vip);
