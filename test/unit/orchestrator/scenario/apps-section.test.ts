import { strict as assert } from 'node:assert';
import path from 'node:path';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseScenarioText } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { repoRoot } from '../../../helpers/repo-root.js';

// Scenario files resolve their topology and binds relative to themselves: pretend to live in scenarios/x/.
const file = path.join(repoRoot, 'scenarios/x/test.yml');
const head = `topology: ../../topologies/client-server.clab.yml
workloads:
  - server: { node: srv, listen: "198.18.5.2:7000" }
    client: { node: cli, connect: "198.18.5.2:7000" }
    duration: 5s
checks:
  noFailedStreams: true
apps:
`;
const parse = (apps: string) => parseScenarioText(head + apps, file);

const rejects = async (apps: string, line: number, problem: RegExp) => {
  await assert.rejects(parse(apps), (error: unknown) => {
    assert.ok(error instanceof InputFileError, String(error));
    assert.equal(error.code, 'SCENARIO_INVALID');
    assert.match(error.message, problem);
    assert.ok(error.message.startsWith(`${file}:${line}:`), error.message);
    return true;
  });
};

// `head` has 8 lines: the first app entry is on line 9.
describe('scenario apps: section', () => {
  it('is empty by default', async () => {
    const s = await parseScenarioText(head.replace('apps:\n', ''), file);
    assert.deepEqual(s.apps, []);
  });

  it('reads every field, with binds made absolute and the source lines kept', async () => {
    const s = await parse(`  - name: web
    node: srv
    image: nginx:local
    command: ["nginx", "-g", "daemon off;"]
    env: { PORT: 8080, DEBUG: true }
    binds: ["./site:/usr/share/nginx/html:ro", "/tmp/x:/x"]
    wait: { logLine: "ready .*", times: 2 }
    startupTimeout: 5s
`);
    const app = s.apps[0]!;
    assert.deepEqual(app.env, { PORT: '8080', DEBUG: 'true' });
    assert.deepEqual(app.binds, [`${path.join(repoRoot, 'scenarios/x/site')}:/usr/share/nginx/html:ro`, '/tmp/x:/x']);
    assert.equal(app.startupTimeout, 5000);
    assert.deepEqual(app.wait, { logLine: 'ready .*', times: 2 });
    assert.deepEqual([app.at.app.line, app.at.image.line, app.at.wait.line], [9, 11, 15]);
  });

  it('defaults the start-up timeout to 30 s and has no wait', async () => {
    const s = await parse('  - { name: a, node: srv, image: x }\n');
    assert.equal(s.apps[0]!.startupTimeout, 30_000);
    assert.equal(s.apps[0]!.wait, undefined);
  });

  it('refuses a node that is not in the topology, naming the nodes', async () => {
    await rejects('  - name: a\n    node: db\n    image: x\n', 10, /node 'db' is not in the topology \(nodes: sw1, cli, srv\)/);
  });

  it('refuses a missing node or image', async () => {
    await rejects('  - { name: a, image: x }\n', 9, /node/);
    await rejects('  - { name: a, node: srv }\n', 9, /image/);
  });

  it('refuses a wait with none or two conditions, times without logLine, and a bad regex', async () => {
    await rejects('  - name: a\n    node: srv\n    image: x\n    wait: {}\n', 12, /exactly one of port, logLine or command \(got none\)/);
    await rejects('  - name: a\n    node: srv\n    image: x\n    wait: { port: 80, command: "true" }\n', 12, /got port, command/);
    await rejects('  - name: a\n    node: srv\n    image: x\n    wait:\n      port: 80\n      times: 2\n', 14, /times counts logLine/);
    await rejects('  - name: a\n    node: srv\n    image: x\n    wait: { logLine: "(" }\n', 12, /not a regular expression/);
  });

  it('refuses unknown wait keys, a bad port, a bad bind, a bad timeout and two apps of one name', async () => {
    await rejects('  - { name: a, node: srv, image: x, wait: { http: / } }\n', 9, /http/);
    await rejects('  - { name: a, node: srv, image: x, wait: { port: 70000 } }\n', 9, /65535/);
    await rejects('  - { name: a, node: srv, image: x, binds: [data] }\n', 9, /HOST:\/CONTAINER/);
    await rejects('  - { name: a, node: srv, image: x, startupTimeout: soon }\n', 9, /'soon' is not a duration/);
    await rejects('  - { name: a, node: srv, image: x }\n  - { name: a, node: cli, image: x }\n', 10, /two apps are named 'a'/);
  });
});
