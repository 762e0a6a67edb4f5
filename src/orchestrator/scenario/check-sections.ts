// The `checks:` section's rules beyond its schema: a scenario must check something (a verdict
// over no checks is vacuous), no check section may be empty (`invariants: []` reads as a check
// and is none), and no check may be weaker than the survival class the scenario declares.
import type { YamlPath, YamlSource } from '../../common/yaml-source.js';
import { classContradiction } from '../checker/class-contradictions.js';
import { checksFromConfig, type ChecksConfig } from '../checker/checks-from-config.js';
import type { SurvivalClass } from '../checker/survival-class.js';
import { ScenarioError } from './scenario-error.js';

const showPath = (p: YamlPath): string =>
  p
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
    .join('')
    .replace(/^\./, '');

/** The first empty list or map at or under `path` in the raw data, depth first. */
function firstEmpty(value: unknown, path: YamlPath): YamlPath | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) return path;
    for (const [i, item] of value.entries()) {
      const found = firstEmpty(item, [...path, i]);
      if (found !== undefined) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return path;
    for (const [key, item] of entries) {
      const found = firstEmpty(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The section is there and nothing in it is empty (also where the schema fails: its union errors would say less). */
export function requireCheckSection(raw: unknown, source: YamlSource): void {
  // Not a map at all: the schema says so.
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
  if (!('checks' in raw)) {
    throw new ScenarioError(source.positionOf([]), 'no checks: section; a scenario must say what it checks (see docs/scenario-checks.md)');
  }
  const checks = raw.checks;
  // `checks:` with nothing after it is null in YAML: as empty as `checks: {}`.
  const empty = checks === null ? ['checks'] : firstEmpty(checks, ['checks']);
  if (empty === undefined) return;
  const problem =
    empty.length === 1
      ? 'checks: is empty; a scenario must say what it checks (see docs/scenario-checks.md)'
      : `${showPath(empty)} is empty; give at least one entry or remove the key`;
  throw new ScenarioError(source.positionOf(empty, { key: true }), problem);
}

/** After the schema: the section asks for at least one check, and none is weaker than `expect`. */
export function checkAgainstClass(expect: SurvivalClass, checks: ChecksConfig, source: YamlSource): void {
  if (checksFromConfig(checks).length === 0) {
    const problem = 'checks: asks for nothing (only switched-off checks); a scenario must say what it checks';
    throw new ScenarioError(source.positionOf(['checks'], { key: true }), problem);
  }
  const contradiction = classContradiction(expect, checks);
  if (contradiction === undefined) return;
  const declared =
    source.scalarSourceAt(['expect']) === undefined
      ? `expect: ${expect} (the default; the file has no expect: line)`
      : `expect: ${expect} (line ${source.positionOf(['expect']).line})`;
  throw new ScenarioError(
    source.positionOf(['checks', contradiction.key], { key: true }),
    `checks.${contradiction.key} contradicts ${declared}: ${contradiction.problem}, which the class rules out; ` +
      'a check may be stricter than the class, never weaker — tighten the check or change expect:',
  );
}
