import { strict as assert } from 'node:assert';
import { InputFileError } from '../../../src/common/errors.js';
import { parseYaml } from '../../../src/common/yaml-source.js';

const FILE = '/labs/t.clab.yml';
const TEXT = [
  'top:', //                  1
  '  list:', //               2
  '    - a', //               3
  '    - {k: v, n: 2}', //    4
  '  base: &b', //            5
  '    inherited: 1', //      6
  '  merged:', //             7
  '    <<: *b', //            8
  '    own: 2', //            9
  '  alias: *b', //           10
].join('\n');

describe('parseYaml', () => {
  const source = parseYaml(TEXT, FILE);
  const at = (path: (string | number)[], key = false) => {
    const { line, column } = source.positionOf(path, { key });
    return [line, column];
  };

  it('returns plain data with merge keys applied', () => {
    assert.deepEqual(source.value, {
      top: { list: ['a', { k: 'v', n: 2 }], base: { inherited: 1 }, merged: { inherited: 1, own: 2 }, alias: { inherited: 1 } },
    });
  });

  it('maps paths to 1-based value positions, or key positions on request', () => {
    assert.deepEqual(at(['top', 'list', 0]), [3, 7]);
    assert.deepEqual(at(['top', 'list', 1, 'n']), [4, 17]);
    assert.deepEqual(at(['top', 'list', 1, 'n'], true), [4, 14]);
    assert.deepEqual(at(['top', 'list'], true), [2, 3]);
  });

  it('follows merge keys and aliases into the anchored map', () => {
    assert.deepEqual(at(['top', 'merged', 'inherited']), [6, 16]);
    assert.deepEqual(at(['top', 'merged', 'own']), [9, 10]);
    assert.deepEqual(at(['top', 'alias', 'inherited'], true), [6, 5]);
  });

  it('falls back to the deepest existing ancestor for a missing path', () => {
    assert.deepEqual(at(['top', 'list', 1, 'missing']), [4, 7]);
    assert.deepEqual(at(['top', 'nothing', 'here'], true), [2, 3]);
  });

  it('gives scalars as written', () => {
    const s = parseYaml('a: 1.10\nb: "q"\nc:\n', FILE);
    assert.deepEqual([s.scalarSourceAt(['a']), s.scalarSourceAt(['b']), s.scalarSourceAt(['c']), s.scalarSourceAt(['d'])], ['1.10', 'q', '', undefined]);
  });

  it('reports malformed YAML and unknown tags with the parser position', () => {
    assert.throws(() => parseYaml('a: 1\nb: [1, 2\nc: 3\n', FILE), (e: unknown) => e instanceof InputFileError && e.position.line >= 2 && /invalid YAML/.test(e.problem));
    assert.throws(() => parseYaml('a: 1\nb: !weird x\n', FILE), (e: unknown) => e instanceof InputFileError && e.position.line === 2 && /Unresolved tag/.test(e.problem));
    assert.throws(() => parseYaml('a: 1\n---\nb: 2\n', FILE), /multiple documents/);
  });
});
