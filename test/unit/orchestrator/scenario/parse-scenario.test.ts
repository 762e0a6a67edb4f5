import { strict as assert } from 'node:assert';
import path from 'node:path';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseScenarioText } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { parseDurationMs, parseRate } from '../../../../src/orchestrator/scenario/duration.js';
import { repoRoot } from '../../../helpers/repo-root.js';

// Scenario files resolve their topology relative to themselves: pretend to live in scenarios/x/.
const file = path.join(repoRoot, 'scenarios/x/test.yml');
const head = `topology: ../../topologies/client-server.clab.yml
workloads:
  - server: { node: srv, listen: "198.18.5.2:7000" }
    client: { node: cli, connect: "198.18.5.2:7000" }
    duration: 5s
`;

// Every scenario must check something: texts without a checks section get one at the end,
// where it moves no line the tests point at.
const withChecks = (text: string): string => (/^checks:/m.test(text) ? text : `${text}checks:\n  noFailedStreams: true\n`);
const parse = (text: string) => parseScenarioText(withChecks(text), file);

const rejects = async (text: string, line: number, problem: RegExp) => {
  await assert.rejects(parse(text), (error: unknown) => {
    assert.ok(error instanceof InputFileError, String(error));
    assert.equal(error.code, 'SCENARIO_INVALID');
    assert.equal(error.position.line, line, error.message);
    assert.match(error.message, problem);
    assert.ok(error.message.startsWith(`${file}:${line}:`), error.message);
    return true;
  });
};

describe('scenario parser', () => {
  it('fills defaults and resolves the topology', async () => {
    const s = await parse(head);
    assert.equal(s.name, 'test');
    assert.equal(s.topology.name, 'client-server');
    assert.equal(s.repeat, 1);
    assert.equal(s.seed, 1);
    assert.equal(s.expect, 'session');
    const w = s.workloads[0]!;
    assert.ok(w.kind === 'probe', 'a workload without kind is a probe');
    assert.deepEqual(
      [w.name, w.streams, w.direction, w.rate, w.duration, w.stall, w.gapThreshold, w.reconnect],
      ['main', 1, 's2c', 1_000_000, 5000, 1000, 100, true],
    );
    assert.deepEqual(s.schedule, []);
    assert.deepEqual(s.checks, { noFailedStreams: true });
  });

  it('reads a start condition with its defaults, and refuses a filter key its kind does not have', async () => {
    const s = await parse(`startWhen: { count: { kind: daemon, daemon: shared-nic, event: registered } }\n${head}`);
    assert.deepEqual(s.startWhen, { count: { kind: 'daemon', daemon: 'shared-nic', event: 'registered' }, min: 1, timeout: 30_000 });
    await rejects(`startWhen: { count: { kind: daemon, workload: main }, min: 2 }\n${head}`, 1, /workload does not apply to kind 'daemon'/);
  });

  it('reads every fault kind, durations, rates and conditions', async () => {
    const s = await parse(`${head}schedule:
  - { at: 1s, fault: crash, node: srv, restartAfter: 2s }
  - { at: [1s, 3s], fault: kill, node: srv }
  - { at: 500ms, fault: stop, node: srv, restartAfter: 1s }
  - { at: 1.5s, fault: pause, node: srv, duration: 300 }
  - { when: { streamsEstablished: 1 }, fault: kill-process, node: srv, match: probe-server, restartAfter: 1s }
  - { at: 1s, fault: link-down, node: cli, iface: eth1, duration: 1s }
  - { at: 1s, fault: link-flap, node: cli, iface: eth1, down: 2s, up: 1s, count: 3 }
  - { at: 1s, fault: partition, from: [cli], to: [srv], oneWay: true, protocol: udp, port: 5405, duration: 2s }
  - { at: 1s, fault: loss, node: srv, iface: eth1, percent: 12.5, direction: in }
  - { at: 1s, fault: command, node: srv, run: "true", undo: "true" }
checks:
  maxGapMs: 500
  resets: 0
`);
    assert.equal(s.schedule.length, 10);
    assert.deepEqual(s.schedule[1]!.at, [1000, 3000]);
    const flap = s.schedule[6]!;
    assert.ok(flap.fault === 'link-flap' && flap.down === 2000 && flap.count === 3);
    assert.deepEqual(s.schedule[4]!.when, { streamsEstablished: 1 });
    assert.equal(s.checks.maxGapMs, 500);
    assert.equal(parseRate('1MB/s'), 1e6);
    assert.equal(parseRate('64KiB/s'), 65536);
    assert.equal(parseRate('max'), 0);
    assert.equal(parseDurationMs('1.5m'), 90_000);
    assert.equal(parseDurationMs('soon'), undefined);
  });

  it('reads daemons, stopFirst defaulting to false', async () => {
    const s = await parse(
      `${head}daemons:\n  - { node: srv, name: watcher, stopFirst: true, command: "exec sleep 9" }\n  - { node: cli, name: worker, command: "exec sleep 9" }\n`,
    );
    assert.deepEqual(
      s.daemons.map((d) => [d.name, d.stopFirst]),
      [
        ['watcher', true],
        ['worker', false],
      ],
    );
    await rejects(`${head}daemons:\n  - { node: srv, name: w, stopFirst: yes please, command: x }\n`, 7, /stopFirst/);
  });
  it('rejects malformed YAML with its line', () => rejects(`${head}schedule: [\n`, 7, /invalid YAML/));
  it('rejects an unknown top-level key at its line', () => rejects(`${head}repeats: 3\n`, 6, /unknown key 'repeats'/));
  it('rejects an unknown workload key', () =>
    rejects(head.replace('    duration: 5s', '    duration: 5s\n    streamz: 4'), 6, /unknown key 'streamz' in workloads\[0\]/));
  it('rejects an unknown fault kind, listing the supported ones', () =>
    rejects(
      `${head}schedule:\n  - { at: 1s, fault: meteor, node: srv }\n`,
      7,
      /unknown fault; supported: crash, kill, stop, pause, kill-process/,
    ));
  it('rejects a bad duration', () =>
    rejects(`${head}schedule:\n  - at: soon\n    fault: crash\n    node: srv\n`, 7, /'soon' is not a duration/));
  it('rejects a bad rate', () => rejects(head.replace('    duration: 5s', '    duration: 5s\n    rate: fast'), 6, /'fast' is not a rate/));
  it('rejects a node the topology does not have', () =>
    rejects(
      `${head}schedule:\n  - { at: 1s, fault: crash, node: ghost }\n`,
      7,
      /node 'ghost' is not in topology client-server \(nodes: sw1, cli, srv\)/,
    ));
  it('rejects a fault with no trigger or two', async () => {
    await rejects(`${head}schedule:\n  - { fault: crash, node: srv }\n`, 7, /exactly one trigger/);
    await rejects(`${head}schedule:\n  - { at: 1s, when: { streamsEstablished: 2 }, fault: crash, node: srv }\n`, 7, /exactly one trigger/);
  });
  it('rejects a capture on an interface that is not a link', () =>
    rejects(`${head}capture:\n  links: ["cli:eth9"]\n`, 7, /cli:eth9 is not a link endpoint/));
  it('rejects an unknown check', () => rejects(`${head}checks:\n  maxGap: 100\n`, 7, /unknown key 'maxGap' in checks/));
  it('rejects a missing workload list', () =>
    rejects('topology: ../../topologies/client-server.clab.yml\n', 1, /missing required key 'workloads'/));
  it('rejects a bad listen address', () =>
    rejects(head.replace('"198.18.5.2:7000" }\n    client', '"srv:7000" }\n    client'), 3, /expected IPV4:PORT/));
  it('reports a broken topology file as a topology error', async () => {
    const text = head.replace('../../topologies/client-server.clab.yml', '../../test/fixtures/scenarios/missing-node.yml');
    await assert.rejects(parse(text), /missing-node\.yml:1:1: .*unknown key 'topology'|missing-node\.yml:\d+:\d+/);
    await rejects(head.replace('client-server.clab.yml', 'nope.clab.yml'), 1, /cannot read topology/);
  });
});
