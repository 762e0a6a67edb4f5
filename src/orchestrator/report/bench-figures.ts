// A bench's figures beside a comparison (`compare --bench FILE`): the result file `make bench`
// writes (runs/bench/<bench>.json) read, checked, and shown as median and spread per figure, so
// what the scenarios show a mechanism doing and how fast its bench measured it sit on one page.
// The schema is the file's one definition: bench/bench-result.ts writes this type.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { errorMessage } from '../../common/errors.js';
import { percentile } from '../checker/stats.js';
import { fmt, table } from './html-kit.js';
import { escapeHtml as h } from './xml-escape.js';

const machineSchema = z
  .object({
    cores: z.number().int().positive(),
    cpu: z.string(),
    kernel: z.string(),
    /** 1, 5 and 15 minute load averages when the bench started. */
    loadAverage: z.tuple([z.number(), z.number(), z.number()]),
    node: z.string(),
  })
  .strict();

const seriesSchema = z
  .object({
    label: z.string().min(1),
    unit: z.string(),
    /** One value per repeat (or per stream, per move: the method says which). */
    values: z.array(z.number()),
    target: z.string().optional(),
  })
  .strict();

export const benchResultSchema = z
  .object({
    bench: z.string().min(1),
    startedAt: z.string(),
    finishedAt: z.string(),
    machine: machineSchema,
    /** How the figures were taken, in one or two sentences. */
    method: z.string(),
    series: z.array(seriesSchema),
    notes: z.array(z.string()),
  })
  .strict();

export type Machine = z.infer<typeof machineSchema>;
export type Series = z.infer<typeof seriesSchema>;
export type BenchResult = z.infer<typeof benchResultSchema>;

export class BenchFileError extends Error {}

/** Reads and checks one result file; the error names the file and, for a wrong shape, the field. */
export const readBenchResult = async (file: string): Promise<BenchResult> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new BenchFileError(`${file}: cannot read it (${errorMessage(e)}); \`make bench\` writes runs/bench/<bench>.json`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BenchFileError(`${file}: not JSON: ${errorMessage(e)}`);
  }
  const parsed = benchResultSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BenchFileError(`${file}: not a bench result: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
};

/** Pure: one figure as the page shows it. */
export const seriesSummary = (s: Series) => ({
  label: s.label,
  unit: s.unit,
  n: s.values.length,
  ...(s.values.length > 0 ? { spread: { median: percentile(s.values, 50), min: Math.min(...s.values), max: Math.max(...s.values) } } : {}),
  ...(s.target ? { target: s.target } : {}),
});

/** Pure: the bench's section of the comparison page. */
export const benchFiguresHtml = (r: BenchResult): string => {
  const m = r.machine;
  const rows = r.series.map(seriesSummary).map((s) => ({
    cells: [
      s.label,
      s.unit,
      s.spread ? fmt(s.spread.median) : '–',
      s.spread ? `${fmt(s.spread.min)} – ${fmt(s.spread.max)}` : '–',
      s.n,
      s.target ?? '',
    ],
  }));
  return (
    `<h2>Bench: ${h(r.bench)}</h2>` +
    `<p class="meta">Measured ${h(r.startedAt.slice(0, 16).replace('T', ' '))} UTC on ${m.cores} cores (${h(m.cpu)}), Linux ${h(m.kernel)}, ` +
    `load average at start ${h(m.loadAverage.map((l) => l.toFixed(2)).join(' / '))}. ${h(r.method)}</p>` +
    table(['figure', 'unit', 'median', 'min – max', 'n', 'target'], rows) +
    (r.notes.length > 0 ? `<ul>${r.notes.map((n) => `<li class="small">${h(n)}</li>`).join('')}</ul>` : '')
  );
};
