import { strict as assert } from 'node:assert';
import { CommandSplitError, splitCommandLine } from '../../../src/lab/split-command.js';

describe('splitCommandLine (shell word splitting, no expansion)', () => {
  const cases: [string, string[]][] = [
    ['ip addr add 198.18.1.1/24 dev eth1', ['ip', 'addr', 'add', '198.18.1.1/24', 'dev', 'eth1']],
    ['  sh   -c  "echo a b"  ', ['sh', '-c', 'echo a b']],
    ['sh -c \'echo "$HOME"\'', ['sh', '-c', 'echo "$HOME"']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo "a\\"b" \'\'', ['echo', 'a"b', '']],
    ['echo $(date)', ['echo', '$(date)']],
    ['', []],
  ];
  for (const [line, words] of cases) {
    it(`splits ${JSON.stringify(line)}`, () => assert.deepEqual(splitCommandLine(line), words));
  }
  it('rejects an unterminated quote', () => {
    assert.throws(() => splitCommandLine('echo "oops'), CommandSplitError);
  });
});
