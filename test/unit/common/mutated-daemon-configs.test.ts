// The same property as mutated-inputs.test.ts for the daemons' YAML configs in topologies/:
// they go through the same YAML reader, so a damaged config must name its file, line and column.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputFileError } from '../../../src/common/errors.js';
import { decodeYamlBytes } from '../../../src/common/yaml-source.js';
import { parseArpHaConfig } from '../../../src/daemons/arp-ha/arp-ha-config.js';
import { parseBalancerConfig } from '../../../src/daemons/nat-lb/balancer/balancer-config.js';
import { parseControllerConfig } from '../../../src/daemons/nat-lb/controller/controller-config.js';
import { parseCopyStoreConfig } from '../../../src/daemons/nat-lb/copy-store/copy-store-config.js';
import { parseAgentConfig } from '../../../src/daemons/shared-nic/agent/agent-config.js';
import { parseSharedNicConfig } from '../../../src/daemons/shared-nic/device/shared-nic-config.js';
import { repoRoot } from '../../helpers/repo-root.js';
import { mutate, seededRandom } from './mutate-text.js';

const MUTANTS_PER_FILE = 30;

const parserFor = (file: string): ((text: string, file: string) => unknown) => {
  const name = path.basename(file);
  if (file.includes('/arp-ha/')) return parseArpHaConfig;
  if (file.includes('/shared-nic/')) return name.startsWith('dev') ? parseSharedNicConfig : parseAgentConfig;
  if (name.startsWith('controller')) return parseControllerConfig;
  if (name.startsWith('copy-')) return parseCopyStoreConfig;
  return parseBalancerConfig;
};

describe('mutated daemon configs: every refusal is the input error with file, line and column', function () {
  this.timeout(60_000);

  it('the arp-ha, nat-lb and shared-nic configs under topologies/', () => {
    const files = ['arp-ha', 'nat-lb', 'shared-nic']
      .map((dir) => path.join(repoRoot, 'topologies', dir))
      .flatMap((dir) =>
        readdirSync(dir)
          .filter((n) => n.endsWith('.yml'))
          .map((n) => path.join(dir, n)),
      );
    assert.ok(files.length >= 15, `found only ${files.length} daemon configs`);
    const wrong: string[] = [];
    let refused = 0;
    for (const [f, file] of files.entries()) {
      const parse = parserFor(file);
      parse(readFileSync(file, 'utf8'), file);
      for (let n = 0; n < MUTANTS_PER_FILE; n++) {
        const seed = f * MUTANTS_PER_FILE + n + 1;
        const mutant = mutate(readFileSync(file, 'utf8'), seededRandom(seed));
        try {
          parse(decodeYamlBytes(mutant.bytes, file), file);
        } catch (error) {
          refused++;
          const placed =
            error instanceof InputFileError && error.position.file === file && error.position.line >= 1 && error.position.column >= 1;
          if (!placed) wrong.push(`${path.relative(repoRoot, file)} seed ${seed} (${mutant.applied.join(', ')}): ${String(error)}`);
        }
      }
    }
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${refused} refusals lacked the input error with a place`);
    assert.ok(refused > files.length * MUTANTS_PER_FILE * 0.3, `only ${refused} mutants were refused`);
  });
});
