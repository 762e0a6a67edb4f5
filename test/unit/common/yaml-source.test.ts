import { strict as assert } from 'node:assert';
import { InputFileError } from '../../../src/common/errors.js';
import { decodeYamlBytes, parseYaml } from '../../../src/common/yaml-source.js';

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
    assert.deepEqual(
      [s.scalarSourceAt(['a']), s.scalarSourceAt(['b']), s.scalarSourceAt(['c']), s.scalarSourceAt(['d'])],
      ['1.10', 'q', '', undefined],
    );
  });

  it('reports malformed YAML and unknown tags with the parser position', () => {
    assert.throws(
      () => parseYaml('a: 1\nb: [1, 2\nc: 3\n', FILE),
      (e: unknown) => e instanceof InputFileError && e.position.line >= 2 && /invalid YAML/.test(e.problem),
    );
    assert.throws(
      () => parseYaml('a: 1\nb: !weird x\n', FILE),
      (e: unknown) => e instanceof InputFileError && e.position.line === 2 && /Unresolved tag/.test(e.problem),
    );
    assert.throws(() => parseYaml('a: 1\n---\nb: 2\n', FILE), /multiple documents/);
  });

  describe('refuses what would make the data differ from the text, at its place', () => {
    const refused: [string, string, number, number, RegExp][] = [
      ['an alias without an anchor', 'a: 1\nb: *nowhere\n', 2, 4, /alias \*nowhere refers to no anchor defined before it/],
      ['an alias before its anchor', 'a: *x\nb: &x 1\n', 1, 4, /alias \*x refers to no anchor/],
      ['an alias inside its own anchor', 'a: &x [1, *x]\n', 1, 11, /alias \*x is inside the value it refers to/],
      ['an anchor defined twice', 'a: &x 1\nb: &x 2\n', 2, 4, /anchor &x is defined twice \(first on line 1\)/],
      ['a binary tag', 'a: 1\nb: !!binary aGk=\n', 2, 4, /tag !!binary is not supported/],
      ['a set tag', 'a: !!set {x, y}\n', 1, 4, /tag !!set is not supported/],
      ['an unknown local tag', 'a: !foo x\n', 1, 4, /Unresolved tag: !foo/],
      ['a merge of a scalar', 'b: &b 1\na:\n  <<: *b\n', 3, 7, /merge key \(<<\) takes a map/],
      ['a key that is a map', 'a: 1\n{x: 1}: 2\n', 2, 1, /map key must be a plain value/],
      ['a duplicate key, named', 'name: a\nlist: 1\nlist: 2\n', 3, 1, /duplicate key 'list'/],
      ['a tab as indentation', 'a:\n\tb: 1\n', 2, 1, /Tabs are not allowed as indentation/],
      ['a control character', 'a: 1\nb: x\u0007y\n', 2, 5, /control character U\+0007/],
      ['a byte-order mark after the start', 'a: 1\n\uFEFFb: 2\n', 2, 1, /byte-order mark \(U\+FEFF\) inside the file/],
      ['an empty file', '', 1, 1, /the file is empty/],
      ['a file of comments only', '# nothing\n\n', 1, 1, /the file is empty/],
      ['two documents', 'a: 1\n---\nb: 2\n', 2, 1, /multiple documents/],
      ['aliases that expand past the limit', billionLaughs(), 1, 1, /Excessive alias count/],
    ];
    for (const [what, text, line, column, problem] of refused) {
      it(what, () => {
        assert.throws(
          () => parseYaml(text, FILE),
          (e: unknown) => {
            assert.ok(e instanceof InputFileError, String(e));
            assert.deepEqual([e.position.file, e.position.line, e.position.column], [FILE, line, column], e.message);
            assert.match(e.problem, problem);
            return true;
          },
        );
      });
    }

    it('accepts a leading byte-order mark, plain tags and anchors used once', () => {
      assert.deepEqual(parseYaml('\uFEFFa: !!str 5\nb: &n {x: 1}\nc: *n\n', FILE).value, { a: '5', b: { x: 1 }, c: { x: 1 } });
    });
  });

  describe('decodeYamlBytes', () => {
    const bytes = (...parts: (string | number[])[]) =>
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    it('decodes UTF-8 and drops a leading byte-order mark', () => {
      assert.equal(decodeYamlBytes(bytes([0xef, 0xbb, 0xbf], 'a: é\n'), FILE), 'a: é\n');
    });
    const bad: [string, Buffer, number, number][] = [
      ['a stray continuation byte', bytes('a: 1\nb: x', [0x80], '\n'), 2, 5],
      ['a Latin-1 byte after multi-byte text', bytes('a: é', [0xe9], '\n'), 1, 5],
      ['a truncated sequence at the end', bytes('a: ', [0xe2, 0x82]), 1, 4],
      ['an overlong encoding', bytes('a: ', [0xc0, 0xaf]), 1, 4],
      ['an encoded surrogate', bytes('a: ', [0xed, 0xa0, 0x80]), 1, 4],
    ];
    for (const [what, input, line, column] of bad) {
      it(`refuses ${what} at its line and column`, () => {
        assert.throws(
          () => decodeYamlBytes(input, FILE),
          (e: unknown) => {
            assert.ok(e instanceof InputFileError, String(e));
            assert.deepEqual([e.position.line, e.position.column], [line, column], e.message);
            assert.match(e.problem, /is not UTF-8/);
            return true;
          },
        );
      });
    }
  });
});

function billionLaughs(): string {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 6; i++)
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}
