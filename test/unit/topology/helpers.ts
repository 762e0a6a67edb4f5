// Shared by the topology tests: parse an inline text, and assert that a text fails at a given line.
import { strict as assert } from 'node:assert';
import { TopologyError } from '../../../src/common/errors.js';
import { parseTopologyText } from '../../../src/topology/parse-topology.js';
import type { Topology } from '../../../src/topology/types.js';

export const FILE = '/repo/topologies/t.clab.yml';

/**
 * Template tag that drops the first line break, so line 1 of the text is the line after the
 * backtick. Write `\${VAR}` for a literal `${VAR}`.
 */
export const yaml = (strings: TemplateStringsArray, ...values: unknown[]): string =>
  strings.reduce((text, part, i) => text + part + (i < values.length ? String(values[i]) : ''), '').replace(/^\n/, '');

export const parse = (text: string, env: Record<string, string | undefined> = {}): Topology => parseTopologyText(text, FILE, env);

/** Asserts a TopologyError at `line` of FILE whose problem matches `problem`; returns it. */
export const assertFailsAt = (text: string, line: number, problem: RegExp, env: Record<string, string | undefined> = {}): TopologyError => {
  let caught: unknown;
  try {
    parse(text, env);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TopologyError, `expected a TopologyError, got ${String(caught)}`);
  assert.equal(caught.position.file, FILE);
  assert.equal(caught.position.line, line, `wrong line in: ${caught.message}`);
  assert.ok(caught.message.startsWith(`${FILE}:${line}:`), caught.message);
  assert.match(caught.problem, problem);
  return caught;
};
