// Writes every artifact of a run into one folder: report.json (the contract), junit.xml (CI),
// report.html (people) and each repeat's history.jsonl (re-running analysis offline). The
// histories go first, so a crash while rendering still leaves the evidence on disk.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeHistory } from '../history/history-store.js';
import type { RunHistory } from '../history/history-types.js';
import { historyPathFor } from './build-report.js';
import { junitXml } from './junit.js';
import { reportHtml } from './report-html.js';
import { writeReportJson } from './report-json.js';
import type { RunReport } from './report-types.js';

export interface WrittenReport {
  reportJson: string;
  junitXml: string;
  reportHtml: string;
  /** Absolute-or-as-given paths of the history files, in repeat order (absent history: none). */
  histories: string[];
}

/**
 * `histories[i]` is the history of `report.repeats[i]`; it is written to
 * `<dir>/repeat-<index>/history.jsonl`, and report.json records exactly that path.
 */
export async function writeRunReport(
  dir: string,
  report: RunReport,
  histories: readonly (RunHistory | undefined)[],
): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const repeats = report.repeats.map((r) => ({ ...r, history: historyPathFor(r.index) }));
  for (const [i, r] of repeats.entries()) {
    const history = histories[i];
    if (!history) continue;
    const path = join(dir, r.history);
    await writeHistory(path, history);
    written.push(path);
  }
  const final: RunReport = { ...report, repeats };
  const reportJson = await writeReportJson(dir, final);
  const junit = join(dir, 'junit.xml');
  await writeFile(junit, junitXml(final), 'utf8');
  const html = join(dir, 'report.html');
  await writeFile(html, reportHtml(final, histories), 'utf8');
  return { reportJson, junitXml: junit, reportHtml: html, histories: written };
}
