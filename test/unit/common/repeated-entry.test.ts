import { strict as assert } from 'node:assert';
import { repeatedEntry } from '../../../src/common/repeated-entry.js';
import { parseYaml } from '../../../src/common/yaml-source.js';

const FILE = '/labs/x.yml';
const TEXT = [
  'groups:', //           1
  '  - name: a', //       2
  '    vip: 1', //        3
  '  - name: b', //       4
  '  - name: a', //       5
  '  - name: b', //       6
  '  - name: a', //       7
].join('\n');

describe('repeatedEntry', () => {
  const source = parseYaml(TEXT, FILE);
  const names = (source.value as { groups: { name: string }[] }).groups.map((g) => g.name);

  it('names the first value that repeats an earlier one, at the repeat', () => {
    assert.deepEqual(repeatedEntry(source, ['groups'], 'name', names), { value: 'a', position: { file: FILE, line: 5, column: 11 } });
  });

  it('finds nothing when every value differs', () => {
    assert.equal(repeatedEntry(source, ['groups'], 'name', names.slice(0, 2)), undefined);
    assert.equal(repeatedEntry(source, ['groups'], 'name', []), undefined);
  });

  it('points at the repeat in a later pair when the first values differ', () => {
    assert.deepEqual(repeatedEntry(source, ['groups'], 'name', ['a', 'b', 'c', 'b']), {
      value: 'b',
      position: { file: FILE, line: 6, column: 11 },
    });
  });
});
