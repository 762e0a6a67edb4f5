// Lists in input files whose entries must differ (group names, workload names, VIPs): the
// first repeat is reported at its own position, so the error points at the line to change.
import type { SourcePosition } from './errors.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

export interface RepeatedEntry {
  value: string;
  /** Where the repeat stands: the list at `listPath`, entry `index`, its `field`. */
  position: SourcePosition;
}

/**
 * The first entry of `values` (the `field` of each entry of the list at `listPath`, in order)
 * that repeats an earlier one, or undefined when all differ.
 */
export const repeatedEntry = (
  source: YamlSource,
  listPath: YamlPath,
  field: string,
  values: readonly string[],
): RepeatedEntry | undefined => {
  const seen = new Set<string>();
  for (const [index, value] of values.entries()) {
    if (seen.has(value)) return { value, position: source.positionOf([...listPath, index, field]) };
    seen.add(value);
  }
  return undefined;
};
