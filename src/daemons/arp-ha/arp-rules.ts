// Pure: the nftables `arp` family table that makes a node silent about the VIPs it does not
// own. A VIP in the `standby_vips` set: ARP requests for it are dropped on input (so the kernel
// never answers), and no ARP packet with it as sender leaves (so the kernel never announces
// it, e.g. as the source of its own requests). Mode changes are one set element add/delete.
import { replaceTableLines, scriptOf } from '../../kernel/nft-script.js';
import { ipv4Element, ipv4PortElement, type SetElementChange } from '../../kernel/nft-set-elements.js';

const ARP_TABLE = 'arpha';

export const arpTableScript = (standbyVips: readonly string[]): string =>
  scriptOf([
    ...replaceTableLines('arp', ARP_TABLE, [
      '  set standby_vips { type ipv4_addr; }',
      '  chain in { type filter hook input priority 0; policy accept; arp operation request arp daddr ip @standby_vips counter drop; }',
      '  chain out { type filter hook output priority 0; policy accept; arp saddr ip @standby_vips counter drop; }',
    ]),
    ...(standbyVips.length > 0 ? [`add element arp ${ARP_TABLE} standby_vips { ${standbyVips.join(', ')} }`] : []),
  ]);

/** ACTIVE leaves the set (answers, may announce); anything else joins it (silent). */
export const arpModeChange = (vip: string, active: boolean): SetElementChange =>
  ipv4Element(!active, 'arp', ARP_TABLE, 'standby_vips', vip);

/**
 * Transparent takeover: while a new active rebuilds the old active's connections, its kernel
 * (which has no socket for them yet) must not reset the clients that answer it. A service
 * (VIP . port) in `held` has the kernel's outgoing RSTs from it dropped; one element per service.
 */
const HOLD_TABLE = 'arpha_hold';

export const holdTableScript = (): string =>
  scriptOf(
    replaceTableLines('ip', HOLD_TABLE, [
      '  set held { type ipv4_addr . inet_service; }',
      '  chain out { type filter hook output priority 0; policy accept; ip saddr . tcp sport @held tcp flags rst counter drop; }',
    ]),
  );

export const holdChange = (vip: string, port: number, hold: boolean): SetElementChange =>
  ipv4PortElement(hold, HOLD_TABLE, 'held', vip, port);
