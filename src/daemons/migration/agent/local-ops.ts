// The real LocalOps: CRIU, the VIP (rtnetlink), signals, and the image stream (tar over one TCP
// connection on the migration network, received by a one-shot listener).
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { criuDump, criuRestore, type CriuOptions } from '../../../kernel/criu.js';
import { queuedBytes } from '../../../kernel/proc-net-tcp.js';
import { runCommand } from '../../../kernel/run-command.js';
import { AddressControl } from '../../../kernel/rtnetlink-addr.js';
import type { LocalOps } from './agent-ops.js';

const EXIT_POLL_MS = 5;

/** /proc/PID/stat's fields after the command name (which may hold spaces and parentheses): state first. */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/** The process group when `pid` leads one (a daemonised server and its children), else the process alone. */
const target = async (pid: number): Promise<number> => {
  const pgid = Number(statFields(await readFile(`/proc/${pid}/stat`, 'utf8'))[2]);
  return pgid === pid ? -pid : pid;
};

/**
 * What `pgrep -f PATTERN` finds, without a process spawned: the processes (other than this one)
 * whose command line, its arguments joined by spaces, matches the regular expression.
 */
const pidsMatching = async (pattern: string): Promise<number[]> => {
  const re = new RegExp(pattern);
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const lines = await Promise.all(
    pids.map(async (pid) => ({ pid, line: (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim() })),
  );
  return lines.filter((l) => l.pid !== process.pid && l.line !== '' && re.test(l.line)).map((l) => l.pid);
};

export const localOps = (o: { imagesDir: string; vipDevice: string; bindHost: string; criu: CriuOptions }): LocalOps => {
  const addresses = new AddressControl();
  return {
    findPid: async (p) => {
      if ('pid' in p) {
        await readFile(`/proc/${p.pid}/stat`, 'utf8').catch(() => {
          throw new Error(`no process ${p.pid} on this server`);
        });
        return p.pid;
      }
      const pids = await pidsMatching(p.match);
      // A service in a pid namespace of its own (how CRIU can restore it elsewhere) is that
      // namespace's init; else the first that is not a shell that merely mentions the pattern.
      const described = await Promise.all(
        pids.map(async (pid) => {
          const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
          const nspid = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/) ?? [];
          const comm = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '';
          return { pid, nsInit: nspid.length > 1 && nspid[nspid.length - 1] === '1', shell: /^(sh|bash|dash)$/.test(comm) };
        }),
      );
      const pick = described.find((d) => d.nsInit) ?? described.find((d) => !d.shell);
      if (!pick) throw new Error(`no process matches '${p.match}' on this server`);
      return pick.pid;
    },
    signal: async (pid, signal) => {
      process.kill(await target(pid), `SIG${signal}`);
    },
    dump: async (pid, dir, leaveRunning) => {
      await runCommand('sh', ['-ec', 'rm -rf "$1"; mkdir -p "$1"', 'sh', dir]);
      await criuDump(pid, dir, leaveRunning, o.criu);
    },
    restore: (dir) => criuRestore(dir, o.criu),
    exited: async (pid, timeoutMs) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
        if (stat === undefined || statFields(stat)[0] === 'Z') return;
        if (Date.now() >= until) throw new Error(`process ${pid} has not exited ${timeoutMs} ms after criu dump ended it`);
        await new Promise((r) => setTimeout(r, EXIT_POLL_MS));
      }
    },
    // In-process (rtnetlink): S705 and the backup's VIP are inside the pause, where a spawned
    // `ip` cost 25–40 ms on a loaded host.
    vip: async (action, vip) => {
      if (action === 'add') addresses.add(vip, o.vipDevice);
      else addresses.remove(vip, o.vipDevice);
    },
    sendImages: async (dir, to) => {
      await runCommand('sh', ['-ec', 'tar -C "$1" -c . | socat -u - "TCP:$2:$3"', 'sh', dir, to.host, String(to.port)], {
        timeoutMs: 60_000,
      });
    },
    receiveImages: async (dir) => {
      await runCommand('sh', ['-ec', 'rm -rf "$1"; mkdir -p "$1"', 'sh', dir]);
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, o.bindHost, () => resolve());
      });
      const done = new Promise<void>((resolve, reject) => {
        server.once('connection', (socket) => {
          server.close();
          const tar = spawn('tar', ['-C', dir, '-x'], { stdio: ['pipe', 'ignore', 'pipe'] });
          let stderr = '';
          tar.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
          socket.pipe(tar.stdin);
          socket.on('error', reject);
          tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar -x into ${dir} failed (${code}): ${stderr.trim()}`))));
        });
      });
      return { port: (server.address() as net.AddressInfo).port, done };
    },
    imagesDir: (migration) => path.join(o.imagesDir, migration),
    bytesIn: async (dir) => Number((await runCommand('du', ['-sb', dir])).split('\t')[0]),
    queuedBytes,
  };
};
