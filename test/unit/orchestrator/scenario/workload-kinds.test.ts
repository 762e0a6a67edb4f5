import { strict as assert } from 'node:assert';
import path from 'node:path';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseScenarioText, workloadMs } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const file = path.join(repoRoot, 'scenarios/x/kinds.yml');
const top = 'topology: ../../topologies/client-server.clab.yml\nworkloads:\n';
const tail = 'checks:\n  noFailedStreams: true\n';
const parse = (workloads: string) => parseScenarioText(`${top}${workloads}${tail}`, file);

const rejects = async (workloads: string, line: number, problem: RegExp) => {
  await assert.rejects(parse(workloads), (error: unknown) => {
    assert.ok(error instanceof InputFileError, String(error));
    assert.equal(error.position.line, line, error.message);
    assert.match(error.message, problem);
    assert.ok(error.message.startsWith(`${file}:${line}:`), error.message);
    return true;
  });
};

const ssh = `  - kind: ssh
    server: { node: srv, listen: "198.18.5.2:22" }
    client: { node: cli, connect: "198.18.5.2:22" }
    duration: 3s
`;
const command = `  - kind: command
    name: iperf
    server: { node: srv, run: "iperf3 -s -1", ready: { port: 5201 } }
    client: { node: cli, run: "iperf3 -c 198.18.5.2 -t 2" }
`;

describe('workload kinds', () => {
  it('reads an ssh workload with its defaults: one streaming session, keepalives off', async () => {
    const w = (await parse(ssh)).workloads[0]!;
    assert.ok(w.kind === 'ssh');
    assert.deepEqual(
      [w.name, w.sessions, w.mode, w.rate, w.duration, w.stall, w.gapThreshold, w.keepalive, w.fileSize],
      ['main', 1, 'stream', 100_000, 3000, 10_000, 100, 0, 262_144],
    );
    assert.deepEqual(w.server.node, ['srv']);
    assert.equal(workloadMs(w), 3000);
  });
  it('reads a command workload: server with a readiness port, 60 s timeout by default', async () => {
    const w = (await parse(command)).workloads[0]!;
    assert.ok(w.kind === 'command');
    assert.deepEqual(w.server, { node: 'srv', run: 'iperf3 -s -1', ready: { port: 5201, timeout: 10_000 } });
    assert.equal(w.client.run, 'iperf3 -c 198.18.5.2 -t 2');
    assert.equal(workloadMs(w), 60_000);
  });
  it('reads a command workload without a server', async () => {
    const w = (await parse('  - { kind: command, client: { node: cli, run: "true" }, timeout: 2s }\n')).workloads[0]!;
    assert.ok(w.kind === 'command' && w.server === undefined && w.timeout === 2000);
  });
  it('mixes kinds; names stay unique across them', async () => {
    const s = await parse(`${ssh}${command}`);
    assert.deepEqual(
      s.workloads.map((w) => w.kind),
      ['ssh', 'command'],
    );
    await rejects(`${ssh}${ssh}`, 7, /two workloads are named 'main'/);
  });
  it('reads a pacer tick and rejects one the probe cannot keep, at its line', async () => {
    const probe = (tick: string) =>
      `  - server: { node: srv, listen: "198.18.5.2:7000" }\n    client: { node: cli, connect: "198.18.5.2:7000" }\n    duration: 2s\n    pacerTick: ${tick}\n`;
    const s = await parse(probe('15ms'));
    const w = s.workloads[0]!;
    assert.equal(w.kind === 'probe' ? w.pacerTick : undefined, 15);
    await rejects(probe('1ms'), 6, /pacerTick: expected a whole number of ms from 2 to 20/);
    await rejects(probe('30ms'), 6, /pacerTick/);
  });
  it('reads a server run for CRIU, and refuses one that is also in takeover mode, at its line', async () => {
    const probe = (server: string) =>
      `  - server: { node: srv, listen: "198.18.5.2:7000"${server} }\n    client: { node: cli, connect: "198.18.5.2:7000" }\n    duration: 2s\n`;
    const s = await parse(probe(', criu: true'));
    const w = s.workloads[0]!;
    assert.equal(w.kind === 'probe' ? w.server.criu : undefined, true);
    await rejects(probe(', criu: true, takeover: true'), 3, /server.criu: criu and takeover exclude each other/);
  });
  it('refuses a gap limit the workload cannot see, at the limit, saying how to see it', async () => {
    const echo = (streams: number, extra = '') =>
      `${top}  - server: { node: srv, listen: "198.18.5.2:7000" }\n    client: { node: cli, connect: "198.18.5.2:7000" }\n    duration: 2s\n    direction: echo\n    rate: 10KB/s\n    gapThreshold: 20ms\n    streams: ${streams}\n${extra}checks:\n  gapPercentile: { percentile: 100, maxMs: 50 }\n`;
    await assert.rejects(parseScenarioText(echo(200), file), (e: unknown) => {
      assert.ok(e instanceof InputFileError);
      assert.equal(e.position.line, 11);
      assert.match(e.message, /sees gaps from 60 ms on, so a limit of 50 ms cannot fail between them: .* set pacerTick to 16ms or less/);
      return true;
    });
    await parseScenarioText(echo(200, '    pacerTick: 15ms\n'), file);
    await parseScenarioText(echo(50), file);
    const s2c = `${top}  - server: { node: srv, listen: "198.18.5.2:7000" }\n    client: { node: cli, connect: "198.18.5.2:7000" }\n    duration: 2s\n    gapThreshold: 100ms\n${tail.replace('noFailedStreams: true', 'maxGapMs: 80')}`;
    await assert.rejects(parseScenarioText(s2c, file), /lower its gapThreshold \(100 ms\) to 80ms or less/);
  });
  it('rejects an unknown kind at its line, naming the kinds', () =>
    rejects(ssh.replace('kind: ssh', 'kind: telnet'), 3, /workloads\[0\]\.kind: unknown workload kind; supported: probe, ssh, command/));
  it("rejects a probe field in an ssh workload at the field's line", () =>
    rejects(ssh.replace('    duration: 3s', '    duration: 3s\n    streams: 4'), 7, /unknown key 'streams' in workloads\[0\]/));
  it('rejects an unknown ssh mode', () => rejects(`${ssh}    mode: scp\n`, 7, /mode: Invalid enum value.*'stream' \| 'shell' \| 'sftp'/));
  it('rejects an ssh workload without a duration', () =>
    rejects(ssh.replace('    duration: 3s\n', ''), 3, /missing required key 'duration' in workloads\[0\]/));
  it('rejects a command workload without a client command', () =>
    rejects('  - kind: command\n    client: { node: cli }\n', 4, /missing required key 'run' in workloads\[0\]\.client/));
  it('rejects a command workload with an empty command', () =>
    rejects('  - kind: command\n    client: { node: cli, run: "" }\n', 4, /client\.run: String must contain at least 1 character/));
  it('rejects a readiness port out of range', () =>
    rejects(command.replace('port: 5201', 'port: 70000'), 5, /ready\.port: Number must be less than or equal to 65535/));
  it('rejects a command node the topology does not have', () =>
    rejects(command.replace('node: cli', 'node: ghost'), 6, /node 'ghost' is not in topology client-server/));
  it('rejects an ssh server node the topology does not have', () =>
    rejects(ssh.replace('node: srv', 'node: [srv, ghost]'), 4, /node 'ghost' is not in topology/));
});

describe('command checks in a scenario', () => {
  it('reads them and refuses one naming no command workload, at its line', async () => {
    const text = `${top}${command}checks:\n  commands:\n    - { workload: iperf, role: server, exitCode: 0 }\n    - { workload: iperf, stdout: "sent (\\\\d+)" }\n`;
    const s = await parseScenarioText(text, file);
    assert.equal(s.checks.commands?.length, 2);
    await assert.rejects(
      parseScenarioText(text.replace('workload: iperf, stdout', 'workload: iperff, stdout'), file),
      /kinds\.yml:10:.*no command workload 'iperff' \(command workloads: iperf\)/,
    );
  });
  it('refuses an output pattern that is not a regular expression', () =>
    assert.rejects(
      parseScenarioText(`${top}${command}checks:\n  commands:\n    - { workload: iperf, stdout: "(" }\n`, file),
      /kinds\.yml:9:.*not a regular expression/,
    ));
});
