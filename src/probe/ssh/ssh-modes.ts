// What an SSH session does once authenticated, one function per mode. Each reports received
// bytes (checked against the probe's pattern by the caller), progress (for gaps and the stall
// watch) and its end: `stream` runs the pattern source remotely and reads its output; `shell`
// opens a shell without a terminal, turns it into `cat` and checks the echo of the pattern it
// types; `sftp` uploads pattern files, downloads them and compares SHA-256, cycle after cycle.
import { createHash } from 'node:crypto';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { MAX_SLICE, patternSlice, streamShift } from '../byte-pattern.js';
import { RateBudget } from './rate-budget.js';

export const SSH_SESSION_MODES = ['stream', 'shell', 'sftp'] as const;
export type SshMode = (typeof SSH_SESSION_MODES)[number];

export interface ModeContext {
  stream: number;
  rate: number;
  durationMs: number;
  fileSize: number;
  /** The remote command that streams the pattern: `<sourceCommand> STREAM RATE SECONDS`. */
  sourceCommand: string;
  now(): number;
  /** Bytes of the pattern received, in order from the session's first byte. */
  received(chunk: Buffer): void;
  /** Something moved (bytes sent and acknowledged, or received). */
  progressed(): void;
  /** The mode's work is over; `failure` says why it did not complete. */
  finished(failure?: string): void;
  /** Extra figures for the summary. */
  note(key: string, value: number | string | boolean): void;
}

const TICK_MS = 5;

const channelEnd = (ch: ClientChannel, ctx: ModeContext, what: string): void => {
  let code: number | undefined;
  let stderr = '';
  ch.on('exit', (c: number | null) => {
    code = c ?? undefined;
    if (code !== undefined) ctx.note('exitCode', code);
  });
  ch.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 500) stderr += d.toString('utf8');
  });
  ch.on('close', () => {
    if (code === 0) ctx.finished();
    else
      ctx.finished(
        `${what} ended with ${code === undefined ? 'no exit status' : `exit status ${code}`}${stderr ? `: ${stderr.trim().slice(0, 200)}` : ''}`,
      );
  });
};

const runStream = (conn: Client, ctx: ModeContext): void => {
  const command = `${ctx.sourceCommand} ${ctx.stream} ${ctx.rate} ${ctx.durationMs / 1000}`;
  conn.exec(command, (err, ch) => {
    if (err) return ctx.finished(`exec failed: ${err.message}`);
    ch.on('data', (d: Buffer) => ctx.received(d));
    channelEnd(ch, ctx, 'the remote pattern source');
  });
};

const runShell = (conn: Client, ctx: ModeContext): void => {
  conn.shell(false, (err, ch) => {
    if (err) return ctx.finished(`shell failed: ${err.message}`);
    const shift = streamShift(ctx.stream);
    const budget = new RateBudget(ctx.rate, ctx.now());
    const start = ctx.now();
    let offset = 0;
    let blocked = false;
    // Without a terminal the shell reads its input a byte at a time, so `cat` gets every byte after this line.
    ch.write('exec cat\n');
    ch.on('data', (d: Buffer) => ctx.received(d));
    channelEnd(ch, ctx, 'the remote shell');
    const timer = setInterval(() => {
      if (blocked) return;
      if (ctx.now() - start >= ctx.durationMs) {
        clearInterval(timer);
        ctx.note('bytesTyped', offset);
        ch.end();
        return;
      }
      for (let n = budget.take(ctx.now(), 16 * MAX_SLICE); n > 0;) {
        const len = Math.min(n, MAX_SLICE);
        const more = ch.write(patternSlice(ctx.stream, offset, len, shift));
        offset += len;
        n -= len;
        if (!more) {
          blocked = true;
          ch.once('drain', () => (blocked = false));
          return;
        }
      }
    }, TICK_MS);
    ch.on('close', () => clearInterval(timer));
  });
};

const call = <T>(f: (cb: (err: Error | undefined | null, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => f((err, value) => (err ? reject(err) : resolve(value))));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Paced chunk sizes: what the budget allows, waiting a tick when it allows nothing. */
const nextChunk = async (budget: RateBudget, ctx: ModeContext, left: number): Promise<number> => {
  for (;;) {
    // Requests of at least 4 KiB: a round trip per few bytes would measure sftp's overhead, not the path.
    const n = budget.take(ctx.now(), Math.min(left, 32 * 1024), 4096);
    if (n > 0) return n;
    await sleep(TICK_MS);
  }
};

/** One upload then download of `fileSize` pattern bytes starting at `base`; true when the hashes agree. */
const sftpCycle = async (sftp: SFTPWrapper, ctx: ModeContext, path: string, base: number, budget: RateBudget): Promise<boolean> => {
  const shift = streamShift(ctx.stream);
  const sent = createHash('sha256');
  const w = await call<Buffer>((cb) => sftp.open(path, 'w', cb));
  for (let at = 0; at < ctx.fileSize;) {
    const n = await nextChunk(budget, ctx, ctx.fileSize - at);
    const piece = Buffer.alloc(n);
    for (let done = 0; done < n; done += MAX_SLICE)
      patternSlice(ctx.stream, base + at + done, Math.min(MAX_SLICE, n - done), shift).copy(piece, done);
    sent.update(piece);
    await call<void>((cb) => sftp.write(w, piece, 0, n, at, (e) => cb(e, undefined)));
    ctx.progressed();
    at += n;
  }
  await call<void>((cb) => sftp.close(w, (e) => cb(e, undefined)));
  const got = createHash('sha256');
  const r = await call<Buffer>((cb) => sftp.open(path, 'r', cb));
  for (let at = 0; at < ctx.fileSize;) {
    const n = await nextChunk(budget, ctx, ctx.fileSize - at);
    const buf = Buffer.alloc(n);
    const read = await new Promise<number>((resolve, reject) =>
      sftp.read(r, buf, 0, n, at, (e, bytes) => (e ? reject(e) : resolve(bytes))),
    );
    if (read === 0) break;
    const piece = buf.subarray(0, read);
    got.update(piece);
    ctx.received(piece);
    at += read;
  }
  await call<void>((cb) => sftp.close(r, (e) => cb(e, undefined)));
  return sent.digest('hex') === got.digest('hex');
};

const runSftp = (conn: Client, ctx: ModeContext): void => {
  conn.sftp((err, sftp) => {
    if (err) return ctx.finished(`sftp failed: ${err.message}`);
    const path = `/tmp/fl-sftp-${ctx.stream}`;
    const budget = new RateBudget(ctx.rate, ctx.now());
    const start = ctx.now();
    void (async () => {
      let cycles = 0;
      let mismatches = 0;
      try {
        // At least one whole cycle, however short the duration.
        do {
          if (!(await sftpCycle(sftp, ctx, path, cycles * ctx.fileSize, budget))) mismatches++;
          cycles++;
          ctx.note('sftpCycles', cycles);
          ctx.note('sftpHashMismatches', mismatches);
        } while (ctx.now() - start < ctx.durationMs);
        await call<void>((cb) => sftp.unlink(path, (e) => cb(e, undefined)));
        sftp.end();
        ctx.finished(mismatches === 0 ? undefined : `${mismatches} of ${cycles} sftp downloads differ from their upload (SHA-256)`);
      } catch (e) {
        ctx.finished(`sftp: ${(e as Error).message}`);
      }
    })();
  });
};

export const runMode = (mode: SshMode, conn: Client, ctx: ModeContext): void =>
  mode === 'stream' ? runStream(conn, ctx) : mode === 'shell' ? runShell(conn, ctx) : runSftp(conn, ctx);
