// New connections per second through a front end, with a load generator and a server that cost
// little CPU each: ApacheBench (`ab`, one TCP connection per request without -k) on one or more
// client nodes at once, against nginx (one worker, `Connection: close`) on the back ends. On a
// 2-core host one Node client process was itself the bottleneck (a core at 100%, whatever the
// front end), so two front ends of different cost measured the same; with ab from two clients
// the front end is what saturates first.
import type { StartedLab } from '../src/lab/lab.js';
import { background } from './lab-bench-kit.js';

/** The nginx config the back ends run (bench/topologies/nginx-bench.conf): `port` answers every request with the host's name. */
export const NGINX_CONFIG = '/opt/failover-lab/bench/topologies/nginx-bench.conf';

/** Starts nginx in the foreground on each node (its port is in NGINX_CONFIG); returns the PIDs. */
export const startNginx = async (lab: StartedLab, nodes: readonly string[]): Promise<string[]> =>
  Promise.all(nodes.map((n) => background(lab, n, `exec nginx -c ${NGINX_CONFIG}`, '/tmp/nginx-bench.log')));

export interface AbReport {
  complete: number;
  failed: number;
  non2xx: number;
  seconds: number;
}

export class AbReportError extends Error {}

/** Pure: ab's summary (its "Complete requests", "Failed requests", "Non-2xx responses" and "Time taken for tests" lines). */
export const parseAbReport = (text: string): AbReport => {
  const number = (label: string, required: boolean): number => {
    const m = new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(text);
    if (m) return Number(m[1]);
    if (required)
      throw new AbReportError(`ab's report has no '${label}' line: ${text.trim().split('\n').slice(-3).join(' | ') || '(empty)'}`);
    return 0;
  };
  return {
    complete: number('Complete requests', true),
    failed: number('Failed requests', true),
    non2xx: number('Non-2xx responses', false),
    seconds: number('Time taken for tests', true),
  };
};

/**
 * Pure: the connections per second of several ab runs started together: every completed
 * connection over the longest run (the others finished sooner, so this never overstates).
 */
export const combinedRate = (reports: readonly AbReport[]): number => {
  const bad = reports.find((r) => r.failed > 0 || r.non2xx > 0 || r.complete === 0);
  if (bad) throw new AbReportError(`an ab run had ${bad.failed} failed requests, ${bad.non2xx} non-2xx and ${bad.complete} complete`);
  return reports.reduce((n, r) => n + r.complete, 0) / Math.max(...reports.map((r) => r.seconds));
};

/** `total` connections from each client node at once, `width` at a time each, to http://host:port/; connections per second over all. */
export const connectionLoad = async (
  lab: StartedLab,
  clients: readonly string[],
  target: { host: string; port: number },
  total: number,
  width: number,
): Promise<number> => {
  const runs = await Promise.all(
    clients.map(async (node) => {
      const r = await lab.exec(node, ['ab', '-q', '-n', String(total), '-c', String(width), `http://${target.host}:${target.port}/`]);
      if (r.exitCode !== 0) throw new AbReportError(`ab on ${node}: exit ${r.exitCode}: ${(r.stderr || r.stdout).trim().slice(-300)}`);
      return parseAbReport(r.stdout);
    }),
  );
  return combinedRate(runs);
};
