import { strict as assert } from 'node:assert';
import path from 'node:path';
import { ScenarioError } from '../../../../src/orchestrator/scenario/scenario-error.js';
import { parseScenarioText } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const file = path.join(repoRoot, 'scenarios/x/checks.yml');
const head = `topology: ../../topologies/client-server.clab.yml
workloads:
  - server: { node: srv, listen: "198.18.5.2:7000" }
    client: { node: cli, connect: "198.18.5.2:7000" }
    duration: 5s
`;

const refusedAt = async (text: string, line: number, problem: RegExp) => {
  await assert.rejects(parseScenarioText(text, file), (error: unknown) => {
    assert.ok(error instanceof ScenarioError, String(error));
    assert.equal(error.position.file, file);
    assert.equal(error.position.line, line, error.message);
    assert.match(error.problem, problem);
    return true;
  });
};

describe('scenario checks: no vacuous verdicts', () => {
  it('refuses a scenario without a checks section', () => refusedAt(head, 1, /no checks: section; a scenario must say what it checks/));
  it('refuses `checks: {}` at its line', () => refusedAt(`${head}checks: {}\n`, 6, /checks: is empty/));
  it('refuses `checks:` with nothing under it', () => refusedAt(`${head}seed: 3\nchecks:\n`, 7, /checks: is empty/));
  it('refuses an empty invariant list, naming its place', () =>
    refusedAt(`${head}checks:\n  resets: 0\n  invariants: []\n`, 8, /checks\.invariants is empty/));
  it("refuses an empty percentile list (where the schema's union error would say less)", () =>
    refusedAt(`${head}checks:\n  gapPercentile: []\n`, 7, /checks\.gapPercentile is empty/));
  it('refuses a percentile with neither bound, or a minimum above its maximum', async () => {
    await refusedAt(`${head}checks:\n  gapPercentile: { percentile: 95 }\n`, 7, /give maxMs, minMs or both/);
    await refusedAt(`${head}checks:\n  gapPercentile: { percentile: 95, minMs: 500, maxMs: 100 }\n`, 7, /minMs is above maxMs/);
  });
  it('refuses an empty map deep inside a check', () =>
    refusedAt(
      `${head}checks:\n  invariants:\n    - { name: n, count: { kind: probe, where: {} }, max: 1 }\n`,
      8,
      /checks\.invariants\[0\]\.count\.where is empty/,
    ));
  it('refuses a section that switches every check off', () =>
    refusedAt(`${head}checks:\n  noFailedStreams: false\n`, 6, /asks for nothing/));
  it('accepts a scenario with one real check', async () => {
    const s = await parseScenarioText(`${head}checks:\n  bytesLost: 0\n`, file);
    assert.deepEqual(s.checks, { bytesLost: 0 });
  });
});

describe('scenario checks: never weaker than expect:', () => {
  it('refuses transparent with reconnects allowed, naming the check and the expect line', () =>
    refusedAt(
      `name: t\nexpect: transparent\n${head}checks:\n  bytesLost: 0\n  reconnects: { max: 4 }\n`,
      10,
      /checks\.reconnects contradicts expect: transparent \(line 2\): reconnects allows up to 4 per stream/,
    ));
  it('refuses a check weaker than the default class, saying it is the default', () =>
    refusedAt(
      `${head}checks:\n  bytesCorrupt: 100\n`,
      7,
      /contradicts expect: session \(the default; the file has no expect: line\): bytesCorrupt allows up to 100/,
    ));
  it('accepts checks stricter than the class, and anything under none', async () => {
    await parseScenarioText(`expect: session\n${head}checks:\n  reconnects: 0\n  resets: 0\n`, file);
    await parseScenarioText(`expect: none\n${head}checks:\n  reconnects: { min: 1, max: 9 }\n  bytesLost: 4096\n`, file);
  });
});
