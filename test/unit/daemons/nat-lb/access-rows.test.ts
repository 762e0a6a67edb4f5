import { strict as assert } from 'node:assert';
import { importLine, parseConntrackLine, parseConntrackListing } from '../../../../src/daemons/nat-lb/balancer/conntrack-rows.js';
import { SnapshotTracker } from '../../../../src/daemons/nat-lb/balancer/copy-snapshots.js';
import { copyReadDue } from '../../../../src/daemons/nat-lb/balancer/copy-push.js';
import { accessRowSchema } from '../../../../src/daemons/nat-lb/protocol.js';

// Lines as `conntrack -L -o extended` prints them on the lab's balancers.
const DNAT = 'ipv4     2 tcp      6 431999 ESTABLISHED src=198.18.20.1 dst=198.18.20.101 sport=34962 dport=7000 src=198.18.21.11 dst=198.18.20.1 sport=7000 dport=34962 [ASSURED] mark=0 delta-time=12 use=1';
const FULLNAT = 'ipv4     2 tcp      6 599 ESTABLISHED src=198.18.20.1 dst=198.18.20.101 sport=1029 dport=80 src=198.18.21.11 dst=198.18.21.101 sport=80 dport=2011 [ASSURED] mark=0 use=1';
const UNREPLIED = 'ipv4     2 tcp      6 119 SYN_SENT src=198.18.20.2 dst=198.18.20.102 sport=5000 dport=7000 [UNREPLIED] src=198.18.21.12 dst=198.18.20.2 sport=7000 dport=5000 mark=0 use=1';
const UDP = 'ipv4     2 udp      17 29 src=198.18.20.1 dst=198.18.20.103 sport=4000 dport=53 [UNREPLIED] src=198.18.21.13 dst=198.18.20.1 sport=53 dport=4000 mark=0 use=1';
const ENDED = DNAT.replace('ESTABLISHED', 'TIME_WAIT').replace(/34962/g, '34963');
const ICMP = 'ipv4     2 icmp     1 29 src=198.18.20.1 dst=198.18.20.101 type=8 code=0 id=7 src=198.18.21.11 dst=198.18.20.1 type=0 code=0 id=7 mark=0 use=1';

describe('nat-balancer access rows from conntrack', () => {
  it('reads a destination-NAT row: real client, VIP, server, state, creation time', () => {
    assert.deepEqual(parseConntrackLine(DNAT, 100_000), {
      clientIp: '198.18.20.1', clientPort: 34962, vip: '198.18.20.101', vipPort: 7000, serverIp: '198.18.21.11', serverPort: 7000,
      protocol: 'tcp', state: 'ESTABLISHED', delta: 0, timestampMs: 88_000,
    });
  });
  it('reads a full-NAT row: the inside address and port are the reply destination (Fig. 12)', () => {
    const row = parseConntrackLine(FULLNAT, 0)!;
    assert.deepEqual([row.insideIp, row.insidePort, row.serverIp, row.serverPort], ['198.18.21.101', 2011, '198.18.21.11', 80]);
    assert.equal(row.timestampMs, undefined);
  });
  it('keeps live tcp and udp rows of the VIPs asked for; skips ended accesses (TIME_WAIT), ICMP and other destinations; rows match the protocol schema', () => {
    const rows = parseConntrackListing([DNAT, ENDED, FULLNAT, UNREPLIED, UDP, ICMP, ''].join('\n'), new Set(['198.18.20.101', '198.18.20.103']), 1_000_000);
    assert.deepEqual(rows.map((r) => `${r.protocol} ${r.clientPort} ${r.state ?? '-'}`), ['tcp 34962 ESTABLISHED', 'tcp 1029 ESTABLISHED', 'udp 4000 -']);
    for (const r of rows) accessRowSchema.parse(r);
  });
  it('recreates rows as NAT\'d conntrack entries for `conntrack -R`', () => {
    assert.equal(importLine(parseConntrackLine(DNAT, 0)!),
      '-I -s 198.18.20.1 -d 198.18.20.101 -p tcp --sport 34962 --dport 7000 --state ESTABLISHED -u SEEN_REPLY,ASSURED -t 432000 --dst-nat 198.18.21.11:7000');
    assert.match(importLine(parseConntrackLine(FULLNAT, 0)!), /--dst-nat 198\.18\.21\.11:80 --src-nat 198\.18\.21\.101:2011$/);
    assert.match(importLine(parseConntrackLine(UNREPLIED, 0)!), /--state SYN_SENT -t 120 --dst-nat/);
    assert.match(importLine(parseConntrackLine(UDP, 0)!), /-p udp --sport 4000 --dport 53 -u SEEN_REPLY,ASSURED -t 180 /);
  });
});

describe('nat-balancer copy-store snapshots', () => {
  const row = (clientPort: number, serverIp = '198.18.21.11', state = 'ESTABLISHED') =>
    ({ ...parseConntrackLine(DNAT, 0)!, clientPort, serverIp, state });
  it('pushes per (server, VIP) only what changed, then an empty snapshot once when rows go', () => {
    const t = new SnapshotTracker();
    const first = t.changed([row(1), row(2), row(3, '198.18.21.12')]);
    assert.deepEqual(first.map((s) => `${s.server} ${s.rows.length}`).sort(), ['198.18.21.11 2', '198.18.21.12 1']);
    first.forEach((s) => t.acknowledge(s));
    assert.deepEqual(t.changed([row(2), row(1), row(3, '198.18.21.12')]), [], 'same rows in another order');
    const closed = t.changed([row(1, '198.18.21.11', 'TIME_WAIT'), row(2)]);
    assert.deepEqual(closed.map((s) => `${s.server} ${s.rows.length}`), ['198.18.21.11 2', '198.18.21.12 0']);
    closed.forEach((s) => t.acknowledge(s));
    assert.deepEqual(t.changed([row(1, '198.18.21.11', 'TIME_WAIT'), row(2)]), []);
  });
  it('keeps pushing a snapshot the store has not acknowledged', () => {
    const t = new SnapshotTracker();
    assert.equal(t.changed([row(1)]).length, 1);
    assert.equal(t.changed([row(1)]).length, 1);
  });
});

describe('nat-balancer copy push: when to list conntrack', () => {
  const base = { now: 10_000, lastRead: 9_750, count: 5, countAtRead: 5, countAtTick: 5, retryAt: 0, msSinceRowStep: 60_000 };
  it('lists nothing while the entry count stands still (a balancer that only carries data spawns nothing)', () => {
    assert.equal(copyReadDue(base), false);
  });
  it('lists once the count moved and then held still for a tick; not while it is still moving, unless for 1 s', () => {
    assert.equal(copyReadDue({ ...base, count: 6, countAtTick: 5 }), false, 'still moving');
    assert.equal(copyReadDue({ ...base, count: 6, countAtTick: 6 }), true, 'settled');
    assert.equal(copyReadDue({ ...base, count: 9, countAtTick: 8, lastRead: 8_900 }), true, 'churning for over 1 s');
  });
  it('lists every 5 s whatever the count (state changes), and when the count cannot be read', () => {
    assert.equal(copyReadDue({ ...base, lastRead: 4_999 }), true);
    assert.equal(copyReadDue({ ...base, count: undefined, countAtTick: undefined, lastRead: 8_999 }), true);
  });
  it('waits while a step 3 runs here, and after a refusing store until its pause is over', () => {
    assert.equal(copyReadDue({ ...base, count: 6, countAtTick: 6, msSinceRowStep: 200 }), false);
    assert.equal(copyReadDue({ ...base, count: 6, countAtTick: 6, msSinceRowStep: 200, lastRead: 4_000 }), true, 'not for longer than 5 s');
    assert.equal(copyReadDue({ ...base, retryAt: 10_500 }), false);
    assert.equal(copyReadDue({ ...base, retryAt: 9_900 }), true, 'retry due');
  });
});
