// A scenario's own `reruns:` field: read by the parser, refused past the policy's maximum with
// file and line, and ranked below --reruns and $FAILOVER_LAB_RERUNS.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { InputFileError } from '../../../../src/common/errors.js';
import { MAX_RERUNS, resolveReruns } from '../../../../src/orchestrator/runner/rerun-policy.js';
import { parseScenarioText } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const file = path.join(repoRoot, 'scenarios/x/test.yml');
const text = (reruns: string) => `topology: ../../topologies/client-server.clab.yml
${reruns}
workloads:
  - server: { node: srv, listen: "198.18.5.2:7000" }
    client: { node: cli, connect: "198.18.5.2:7000" }
    duration: 5s
checks:
  resets: 0
`;

describe("a scenario's reruns", () => {
  it('is read from the file and used unless --reruns or the environment say otherwise', async () => {
    const s = await parseScenarioText(text('reruns: 1'), file, {});
    assert.equal(s.reruns, 1);
    assert.equal(resolveReruns({ scenario: s.reruns }), 1);
    assert.equal(resolveReruns({ env: '3', scenario: s.reruns }), 3);
    assert.equal((await parseScenarioText(text(''), file, {})).reruns, undefined);
  });

  it("is refused with file and line past the policy's maximum", async () => {
    await parseScenarioText(text(`reruns: ${MAX_RERUNS}`), file, {});
    await assert.rejects(
      parseScenarioText(text(`reruns: ${MAX_RERUNS + 1}`), file, {}),
      (e: unknown) => e instanceof InputFileError && e.message.startsWith(`${file}:2:`),
    );
  });
});
