// What every bench hands to docs/measurements.md: the machine it ran on (captured when the
// bench starts, load average included: a busy machine explains a slow figure), and each
// measured figure as its raw values over the repeats. The page is generated from these files
// (bench/write-measurements.ts); no figure is copied into the docs by hand.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The file's shape is defined once, where `compare --bench` reads it.
import type { BenchResult, Machine, Series } from '../src/orchestrator/report/bench-figures.js';
export type { BenchResult, Machine, Series };

export const BENCH_RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../runs/bench');

export const thisMachine = (): Machine => {
  const [a, b, c] = os.loadavg();
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    kernel: os.release(),
    loadAverage: [a!, b!, c!],
    node: process.versions.node,
  };
};

export interface BenchRecorder {
  add(label: string, unit: string, values: readonly number[], target?: string): void;
  note(text: string): void;
  /** Writes runs/bench/<bench>.json and returns its path. */
  write(): Promise<string>;
}

export function startBench(bench: string, method: string, dir = BENCH_RESULTS_DIR): BenchRecorder {
  const startedAt = new Date().toISOString();
  const machine = thisMachine();
  const series: Series[] = [];
  const notes: string[] = [];
  return {
    add: (label, unit, values, target) => void series.push({ label, unit, values: [...values], ...(target ? { target } : {}) }),
    note: (text) => void notes.push(text),
    write: async () => {
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${bench}.json`);
      const result: BenchResult = { bench, startedAt, finishedAt: new Date().toISOString(), machine, method, series, notes };
      await writeFile(file, JSON.stringify(result, null, 2) + '\n');
      process.stderr.write(`bench result: ${file}\n`);
      return file;
    },
  };
}
