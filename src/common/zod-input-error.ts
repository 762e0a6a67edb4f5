// One way to turn a schema problem in a YAML input file (scenario, daemon config) into an error
// that names file, line and column: unknown keys point at the key, missing keys at their
// parent's key, everything else at the offending value.
import { z } from 'zod';
import type { InputErrorFactory, YamlPath, YamlSource } from './yaml-source.js';

const showPath = (p: YamlPath): string =>
  p
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
    .join('')
    .replace(/^\./, '') || 'the file';

export interface ZodInputErrorOptions {
  /** What the discriminator of a discriminated union selects, e.g. `fault` ("unknown fault"). */
  unionLabel?: string;
}

export const zodInputError = (issue: z.ZodIssue, source: YamlSource, makeError: InputErrorFactory, options: ZodInputErrorOptions = {}) => {
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    const key = issue.keys[0]!;
    return makeError(source.positionOf([...issue.path, key], { key: true }), `unknown key '${key}' in ${showPath(issue.path)}`);
  }
  if (issue.code === z.ZodIssueCode.invalid_union_discriminator) {
    return makeError(
      source.positionOf(issue.path),
      `${showPath(issue.path)}: unknown ${options.unionLabel ?? 'kind'}; supported: ${issue.options.join(', ')}`,
    );
  }
  // A missing value of a union type (a duration: string or number) fails every member as undefined.
  const missingUnion =
    issue.code === z.ZodIssueCode.invalid_union &&
    issue.unionErrors.every((e) => e.issues.every((i) => i.code === z.ZodIssueCode.invalid_type && i.received === 'undefined'));
  if ((issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') || missingUnion) {
    const parent = issue.path.slice(0, -1);
    return makeError(
      source.positionOf(parent, { key: true }),
      `missing required key '${String(issue.path.at(-1))}' in ${showPath(parent)}`,
    );
  }
  return makeError(source.positionOf(issue.path), `${showPath(issue.path)}: ${issue.message}`);
};
