// Captures the ctnetlink bytes table 111 is built from, for the unit tests' fixture
// test/fixtures/ctnetlink/redirector-dump-events.json. Run as root inside a scratch network
// namespace whose conntrack table is empty:
//
//   ip netns add ctnl-cap && ip netns exec ctnl-cap node dist/bench/ctnetlink-capture.js FILE; ip netns del ctnl-cap
//
// Joins conntrack's event groups, creates redirector-shaped entries (DNAT'd to the VIP's
// services, one TIME_WAIT, one to another port, one to another address, one UDP), dumps the
// VIP's entries, then moves one entry to TIME_WAIT, deletes another and creates a new one; writes
// the dump's datagrams and every event datagram, hex, with what was done.
import { readFileSync, writeFileSync } from 'node:fs';
import { Conntrack } from '../src/kernel/ctnetlink.js';
import {
  CTA_PROTOINFO,
  CTA_PROTOINFO_TCP,
  CTA_PROTOINFO_TCP_STATE,
  CTA_TUPLE_ORIG,
  header,
  IPCTNL_MSG_CT_NEW,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPS_ASSURED,
  IPS_SEEN_REPLY,
  TCP_STATES,
} from '../src/kernel/ctnetlink-attributes.js';
import { dumpMessage, eachEntry, EntryFields, tupleKey, type ConntrackNew, type TcpState } from '../src/kernel/ctnetlink-codec.js';
import { NETLINK_NETFILTER, NetlinkSocket } from '../src/kernel/netlink-socket.js';
import { NetlinkWriter, NLM_F_ACK, NLM_F_REQUEST } from '../src/kernel/nfnetlink-attrs.js';

const VIP = '198.18.30.100';
const out = process.argv[2];
if (!out) throw new Error('usage: ctnetlink-capture.js FILE');
if (Number(readFileSync('/proc/sys/net/netfilter/nf_conntrack_count', 'utf8')) !== 0)
  throw new Error('run in a scratch netns: conntrack is not empty');
writeFileSync('/proc/sys/net/netfilter/nf_conntrack_events', '1');

const entry = (
  src: string,
  sport: number,
  dst: string,
  dport: number,
  to: string,
  state?: TcpState,
  protocol = IPPROTO_TCP,
): ConntrackNew => ({
  orig: { src, dst, protocol, sport, dport },
  status: state === 'SYN_SENT' ? 0 : IPS_SEEN_REPLY | IPS_ASSURED,
  timeoutS: 3600,
  ...(state ? { tcpState: state } : {}),
  dnat: { ip: to, port: dport },
});
const initial = [
  entry('198.18.30.1', 40000, VIP, 8080, '198.18.31.11', 'ESTABLISHED'),
  entry('198.18.30.1', 40001, VIP, 8080, '198.18.31.12', 'ESTABLISHED'),
  entry('198.18.30.3', 40000, VIP, 8082, '198.18.31.15', 'ESTABLISHED'),
  entry('198.18.30.2', 40002, VIP, 8080, '198.18.31.12', 'TIME_WAIT'),
  entry('198.18.30.2', 40003, VIP, 9999, '198.18.31.12', 'ESTABLISHED'),
  entry('198.18.30.2', 40004, '198.18.30.22', 8080, '198.18.31.11', 'ESTABLISHED'),
  entry('198.18.30.1', 5353, VIP, 8080, '198.18.31.11', undefined, IPPROTO_UDP),
];
const later = entry('198.18.30.4', 40005, VIP, 8081, '198.18.31.13', 'SYN_SENT');

const events = new NetlinkSocket(NETLINK_NETFILTER, 1 << 20, undefined, { groups: 7, reportOverruns: true });
const conntrack = new Conntrack();
conntrack.create(initial);

const dumpSeq = 100;
const dumper = new NetlinkSocket(NETLINK_NETFILTER);
dumper.send(dumpMessage(dumpSeq, { origDst: VIP }));
const dump: string[] = [];
const scratch = new EntryFields();
const ended = dumper.receiveUntil(2000, (d) => {
  dump.push(d.toString('hex'));
  return eachEntry(d, dumpSeq, scratch, () => undefined).done || undefined;
});
if (!ended) throw new Error('the dump did not end within 2 s');

// An update: CT_NEW on the existing entry without CREATE, its TCP state moved to TIME_WAIT.
const w = new NetlinkWriter();
const m = w.message(header(IPCTNL_MSG_CT_NEW, NLM_F_REQUEST | NLM_F_ACK, 200));
const tuple = w.nest(CTA_TUPLE_ORIG);
w.raw(tupleKey(initial[1]!.orig));
w.endNest(tuple);
const info = w.nest(CTA_PROTOINFO);
const tcp = w.nest(CTA_PROTOINFO_TCP);
w.u8(CTA_PROTOINFO_TCP_STATE, TCP_STATES.indexOf('TIME_WAIT'));
w.endNest(tcp);
w.endNest(info);
w.endMessage(m);
dumper.send(w.take());
conntrack.delete([tupleKey(initial[0]!.orig)]);
conntrack.create([later]);

const eventDatagrams: string[] = [];
for (let d = events.receive(); d; d = events.receive()) eventDatagrams.push(d.toString('hex'));
writeFileSync(
  out,
  JSON.stringify(
    {
      capturedAtMs: Date.now(),
      kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
      vip: VIP,
      dumpSeq,
      dump,
      events: eventDatagrams,
    },
    null,
    1,
  ) + '\n',
);
process.stdout.write(`dump: ${dump.length} datagrams; events: ${eventDatagrams.length} datagrams\n`);
