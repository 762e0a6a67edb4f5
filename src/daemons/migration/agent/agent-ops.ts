// What a migration agent does to its own server, and the calls it makes to the other agent
// over the migration network: interfaces, so the sequence (switching.ts) is tested with fakes
// that refuse what the real thing refuses. main.ts wires the real ones (CRIU, ip, kill).
import type { QueuedBytes } from '../../../kernel/proc-net-tcp.js';
import type { ProcessRef, SwitchEnd, SwitchStart } from '../protocol.js';
import type { HandoverLog } from './handover-log.js';

export interface LocalOps {
  /** The pid of the service process: the given one if it runs, else the oldest whose command line matches. */
  findPid(process: { pid: number } | { match: string }): Promise<number>;
  signal(pid: number, signal: 'STOP' | 'CONT' | 'KILL' | 'TERM'): Promise<void>;
  /** Checkpoint the process tree with its established TCP sockets into `dir`; unless left running, it is gone after. */
  dump(pid: number, dir: string, leaveRunning: boolean): Promise<void>;
  /** Restore a process tree from `dir`, detached; returns its root pid (a new one when it is its pid namespace's init). */
  restore(dir: string): Promise<number>;
  /** Resolves once `pid` has exited (gone, or a zombie: its files closed); rejects after `timeoutMs`. */
  exited(pid: number, timeoutMs: number): Promise<void>;
  vip(action: 'add' | 'del', vip: string): Promise<void>;
  /** Streams `dir` to the peer's one-shot receiver. */
  sendImages(dir: string, to: { host: string; port: number }): Promise<void>;
  /** A one-shot receiver on the migration network that unpacks into `dir`; `done` settles when it has. */
  receiveImages(dir: string): Promise<{ port: number; done: Promise<void> }>;
  imagesDir(migration: string): string;
  bytesIn(dir: string): Promise<number>;
  /** What the service's connections (local address `vip`) hold in their kernel queues: what a hand-over must carry. */
  queuedBytes(vip: string): Promise<QueuedBytes>;
}

/** The other agent's migration-network API (peer-api.ts). */
export interface PeerCalls {
  receive(migration: string, timeoutMs: number): Promise<{ host: string; port: number }>;
  restore(migration: string, vip: string | undefined, timeoutMs: number): Promise<{ pid: number; restoreMs: number }>;
  thaw(migration: string, pids: number[], timeoutMs: number): Promise<void>;
  discard(migration: string, pid: number | undefined, vip: string | undefined, timeoutMs: number): Promise<void>;
}

/** What the coordinator-facing API drives: the CRIU hand-over (switching.ts), the probe's state path (probe-switching.ts) or the cold baseline (cold-switching.ts). */
export interface Handover {
  start(req: SwitchStart): Promise<SwitchEnd>;
  resume(migration: string, processes: readonly ProcessRef[], mainRealIp: string): Promise<(ProcessRef & { atMs: number })[]>;
  rollback(migration: string, vip: string): Promise<string[]>;
  current(): HandoverLog | undefined;
}
