// What the lab benches share: their bounded knobs from the environment, a bounded wait, processes
// started in the background inside a node (and stopped by PID), iperf3 between two nodes, and
// the two small servers and clients of the connection-rate figures. Every loop is bounded.
import { createLogger } from '../src/common/logger.js';
import { silentProgress } from '../src/common/progress.js';
import { Lab, type StartedLab } from '../src/lab/lab.js';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.js';
import { parseTopologyFile } from '../src/topology/parse-topology.js';
import type { Topology } from '../src/topology/types.js';

/** The lab of `file` (its ${VAR} from the environment), deployed afresh: a lab left over by an interrupted bench goes first. */
export const freshLab = async (file: string): Promise<{ lab: StartedLab; topology: Topology }> => {
  const ctx = { runtime: new DockerRuntime({ logger: createLogger() }), logger: createLogger(), progress: silentProgress() };
  const topology = await parseTopologyFile(file, process.env);
  await new Lab(topology, ctx).destroy();
  return { lab: await new Lab(topology, ctx).deploy(), topology };
};

/** A positive integer knob from the environment, at most `max` (a typo falls back to the default). */
export const bounded = (name: string, fallback: number, max: number): number =>
  Math.max(1, Math.min(Number(process.env[name] ?? fallback) || fallback, max));

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bounded wait for `check` (every `everyMs`, at most `ms`). */
export const waitFor = async (what: string, check: () => Promise<boolean>, ms = 15_000, everyMs = 100): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
};

/** Runs `command` in the background on `node`, output to `log`; returns its PID. */
export const background = async (lab: StartedLab, node: string, command: string, log: string): Promise<string> =>
  (await lab.execOk(node, ['sh', '-c', `${command} > ${log} 2>&1 & echo $!`])).trim();

/** SIGTERM to `pid` on `node`, then up to 5 s for it to be gone. */
export const stopBackground = async (lab: StartedLab, node: string, pid: string): Promise<void> => {
  await lab.exec(node, [
    'sh',
    '-c',
    `kill ${pid}; i=0; while kill -0 ${pid} 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done`,
  ]);
};

interface IperfJson {
  error?: string;
  end?: { sum_received?: { bits_per_second: number } };
}

/**
 * One iperf3 TCP stream from `node` to `target` for `seconds`; Gbit/s received. iperf3's server
 * takes one test at a time and may still be closing the last one: a refused test is tried again
 * (at most `attempts` times, 1 s apart), then its own error message is thrown.
 */
export const iperfGbits = async (lab: StartedLab, node: string, target: string, seconds: number, attempts = 3): Promise<number> => {
  let error = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(1000);
    const result = await lab.exec(node, ['iperf3', '-c', target, '-t', String(seconds), '-J']);
    const json = JSON.parse(result.stdout || '{}') as IperfJson;
    const bps = json.end?.sum_received?.bits_per_second;
    if (bps !== undefined) return bps / 1e9;
    error = json.error ?? (result.stderr.trim() || `exit code ${result.exitCode}`);
  }
  throw new Error(`iperf3 ${node} → ${target}: ${error} (${attempts} attempts)`);
};

/**
 * A server that writes its node's name and closes, on `port`. A client that resets at once (a
 * TCP health check) must not take it down: an unhandled socket error would end the process.
 */
export const nameServer = (port: number): string =>
  `node -e "require('net').createServer((s) => { s.on('error', () => {}); s.end(require('os').hostname()); }).listen(${port})"`;

/** `total` connections to host:port, `width` at a time, each read to its end; prints connections per second. */
export const connectionRate = (host: string, port: number, total: number, width: number): string =>
  `node -e "const net=require('net');let started=0,done=0;const t0=Date.now();const one=()=>{if(started>=${total})return;started++;const s=net.connect(${port},'${host}');s.on('data',()=>{});s.on('close',()=>{done++;if(done===${total})console.log((${total}*1000/(Date.now()-t0)).toFixed(0));else one()});s.on('error',()=>{})};for(let i=0;i<${width};i++)one()"`;
