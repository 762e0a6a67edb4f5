// Pure: each server's weight from the runtime API's `show servers state`, and what changed
// between two readings. HAProxy logs no line when an agent-check lowers a weight (the
// redirector's load step), so the adapter reads the weights and writes the redirector's
// `ratio-lowered` / `ratio-raised` events itself. Weights are the user weights (srv_uweight,
// what agent-check and `set server … weight` change); the configured one is srv_iweight.
import { serverOf } from './haproxy-log.js';

export interface ServerWeight {
  service: string;
  backend: string;
  weight: number;
}

export interface WeightChange {
  event: 'ratio-lowered' | 'ratio-raised';
  service: string;
  port?: number;
  backend: string;
  from: number;
  to: number;
}

/** The rows of `show servers state` (a version line, a `# ` header naming the columns, then one line per server). */
export const parseServersState = (text: string): ServerWeight[] => {
  const lines = text.split('\n').map((l) => l.trim());
  const header = lines
    .find((l) => l.startsWith('# '))
    ?.slice(2)
    .split(/\s+/);
  if (!header) throw new Error(`'show servers state' answered without its '# be_id …' header: ${JSON.stringify(text.slice(0, 120))}`);
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`'show servers state' has no column ${name} (columns: ${header.join(' ')})`);
    return i;
  };
  const [service, backend, weight] = [col('be_name'), col('srv_name'), col('srv_uweight')];
  return lines
    .filter((l) => l !== '' && !l.startsWith('#') && /\s/.test(l))
    .map((l) => l.split(/\s+/))
    .map((f) => ({ service: f[service]!, backend: f[backend]!, weight: Number(f[weight]) }));
};

const key = (w: ServerWeight) => `${w.service}/${w.backend}`;

/** The weights that moved from `before` to `after` (a server in only one reading is not a change). */
export const weightChanges = (before: readonly ServerWeight[], after: readonly ServerWeight[]): WeightChange[] => {
  const old = new Map(before.map((w) => [key(w), w.weight]));
  return after.flatMap((w) => {
    const from = old.get(key(w));
    if (from === undefined || from === w.weight) return [];
    return [
      {
        event: w.weight < from ? ('ratio-lowered' as const) : ('ratio-raised' as const),
        ...serverOf(w.service, w.backend),
        from,
        to: w.weight,
      },
    ];
  });
};
