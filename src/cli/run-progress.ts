// Live progress of a scenario run: faults, resets and repeat results as lines; on a terminal a
// spinner line also shows streams up, bytes verified and time since the workload started.
import ora, { type Ora } from 'ora';
import { systemClock, type Clock } from '../common/clock.js';
import type { HistoryEntry } from '../orchestrator/history/history-types.js';
import type { RepeatReport } from '../orchestrator/report/report-types.js';

export interface RunProgress {
  onEntry(repeat: number, entry: HistoryEntry): void;
  onRepeat(report: RepeatReport): void;
  onRerun(failed: RepeatReport, attempt: number): void;
  stop(): void;
}

const fmtBytes = (n: number): string =>
  n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(0)} kB`;

export const createRunProgress = (stream: NodeJS.WriteStream = process.stderr, clock: Clock = systemClock): RunProgress => {
  const spinner: Ora | undefined = stream.isTTY ? ora({ stream, text: 'deploying' }).start() : undefined;
  let workloadStart = 0;
  let repeat = 0;
  const up = new Set<number>();
  const bytes = new Map<number, number>();
  let resets = 0;
  const line = (text: string) => {
    if (spinner) {
      spinner.clear();
      stream.write(text + '\n');
      spinner.render();
    } else {
      stream.write(text + '\n');
    }
  };
  const since = (t: number) => (workloadStart ? `t+${((t - workloadStart) / 1000).toFixed(1)}s` : '');
  const timer = spinner
    ? setInterval(() => {
        const total = [...bytes.values()].reduce((a, b) => a + b, 0);
        spinner.text = `repeat ${repeat} · ${up.size} streams up · ${fmtBytes(total)} verified · ${resets} resets · ${since(clock.nowMs())}`;
      }, 250)
    : undefined;
  return {
    onEntry(r, e) {
      if (r !== repeat) {
        repeat = r;
        up.clear();
        bytes.clear();
        resets = 0;
        workloadStart = 0;
      }
      if (e.kind === 'runner') {
        if (e.event === 'workload-started') workloadStart = e.t;
        if (['deployed', 'workload-started', 'workload-stopped', 'warning'].includes(e.event))
          line(`  [repeat ${r}] ${e.event}${e.detail ? `: ${e.detail}` : ''}`);
      } else if (e.kind === 'fault') {
        line(`  [repeat ${r}] ${since(e.t)} ${e.phase === 'start' ? '⚡' : '✓ healed'} ${e.id}: ${e.detail ?? e.fault}`);
      } else if (e.kind === 'probe') {
        const ev = e.event;
        if (ev.event === 'established') up.add(ev.stream);
        if (ev.event === 'progress') bytes.set(ev.stream, ev.bytes);
        if (ev.event === 'reset' || ev.event === 'failed') {
          resets += ev.event === 'reset' ? 1 : 0;
          if (resets <= 5 || ev.event === 'failed')
            line(
              `  [repeat ${r}] ${since(e.t)} stream ${ev.stream}: ${ev.event} ${'error' in ev ? ev.error : 'reason' in ev ? ev.reason : ''}`,
            );
        }
      } else if (e.kind === 'daemon') {
        const d = e.data;
        const what =
          e.event === 'mode'
            ? `${String(d.group)} ${String(d.from)} → ${String(d.to)} (${String(d.reason)})`
            : ['peer-down', 'peer-up', 'path-down', 'path-up'].includes(e.event)
              ? `${String(d.peer)}${typeof d.path === 'string' ? ` via ${d.path}` : ''}`
              : e.event === 'garp-sent'
                ? `${String(d.vip)} is at ${String(d.mac)}`
                : '';
        line(`  [repeat ${r}] ${since(e.t)} ${e.node}/${e.daemon}: ${e.event}${what ? ` ${what}` : ''}`);
      }
    },
    onRepeat(report) {
      const maxGap = Math.max(0, ...report.streams.map((s) => s.maxGapMs));
      const sum = (k: 'resets' | 'reconnects' | 'bytesLost' | 'bytesDuplicated' | 'bytesCorrupt') =>
        report.streams.reduce((a, s) => a + s[k], 0);
      line(
        `repeat ${report.index}: ${report.passed ? 'PASS' : 'FAIL'} — ${report.streams.length} streams, max gap ${Math.round(maxGap)} ms, ` +
          `resets ${sum('resets')}, reconnects ${sum('reconnects')}, lost/dup/corrupt ${sum('bytesLost')}/${sum('bytesDuplicated')}/${sum('bytesCorrupt')}` +
          (report.error ? `\n  error: ${report.error}` : ''),
      );
    },
    onRerun(failed, attempt) {
      const why =
        failed.error ??
        failed.checks
          .filter((c) => c.valid !== true)
          .map((c) => `${c.name}: ${c.detail}`)
          .join('; ');
      line(`repeat ${failed.index}: attempt ${attempt} FAIL (${why}) — running it again`);
      repeat = 0; // the rerun's first entry starts the live counters afresh
    },
    stop() {
      if (timer) clearInterval(timer);
      spinner?.stop();
    },
  };
};
