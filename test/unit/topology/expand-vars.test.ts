import { strict as assert } from 'node:assert';
import { TopologyError } from '../../../src/common/errors.js';
import { expandVariables } from '../../../src/topology/expand-vars.js';

const FILE = '/labs/t.clab.yml';
const expand = (text: string, env: Record<string, string | undefined> = {}) => expandVariables(text, FILE, env);

describe('expandVariables', () => {
  it('substitutes set variables and applies defaults to unset or empty ones', () => {
    const env = { A: 'a', EMPTY: '' };
    assert.equal(expand('${A} ${A:=x} ${A:-x}', env), 'a a a');
    assert.equal(expand('${B:=dflt} ${B:-other}', env), 'dflt other');
    assert.equal(expand('${EMPTY:=dflt}|${EMPTY:-dflt}|${EMPTY}', env), 'dflt|dflt|');
    assert.equal(expand('image: ${IMG:=repo/img:1.2}', env), 'image: repo/img:1.2');
    assert.equal(expand('${B:=}', env), '');
  });

  it('leaves bare $VAR, $(...) and unclosed ${ alone, and turns $${ into ${', () => {
    const text = 'sh -c "echo $HOME $(id -u) $$" ${ and $${NOT_A_VAR}';
    assert.equal(expand(text), 'sh -c "echo $HOME $(id -u) $$" ${ and ${NOT_A_VAR}');
  });

  it('keeps line numbers: the number of lines never changes', () => {
    const text = 'a: ${A}\r\nb: ${B:=2}\n\nc: 3\n';
    const out = expand(text, { A: '1' });
    assert.equal(out, 'a: 1\r\nb: 2\n\nc: 3\n');
  });

  it('names file, line, column and variable when a variable is unset', () => {
    assert.throws(
      () => expand('name: x\nimage: "${IMAGE}"\n'),
      (error: unknown) =>
        error instanceof TopologyError &&
        error.message === `${FILE}:2:9: variable IMAGE is not set and has no default; set it or write \${IMAGE:=value}`,
    );
  });

  it('rejects expressions it does not understand instead of passing them on', () => {
    assert.throws(() => expand('x: ${A-b}'), /1:4: unsupported variable expression '\$\{A-b\}'/);
    assert.throws(() => expand('\n\nx: ${1}'), /3:4: unsupported variable expression/);
  });

  it('does not let a default span lines', () => {
    assert.throws(() => expand('x: ${A:=multi\nline}'), /1:4: variable expression '\$\{A:=multi' has no closing '\}' on its line/);
  });
});
