// Durations and rates as people write them in scenario files: `2s`, `500ms`, `1.5m`, plain
// numbers meaning ms; `1MB/s`, `100KiB/s`, plain numbers meaning bytes per second.

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/;
const RATE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\/s$/;
const RATE_UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Milliseconds, or undefined when the text is not a duration. */
export const parseDurationMs = (value: string | number): number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
};

/** Bytes per second (0 = unlimited), or undefined when the text is not a rate. */
export const parseRate = (value: string | number): number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (value.trim() === 'max') return 0;
  const m = RATE.exec(value.trim());
  return m ? Math.round(Number(m[1]) * RATE_UNITS[m[2] ?? 'B']!) : undefined;
};
