// report.json is the contract CI reads (report-types.ts); pretty-printed so a human can diff
// two runs, with a trailing newline for POSIX tools.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from './report-types.js';

export const reportJson = (report: RunReport): string => `${JSON.stringify(report, null, 2)}\n`;

export async function writeReportJson(dir: string, report: RunReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'report.json');
  await writeFile(path, reportJson(report), 'utf8');
  return path;
}
