// The SSH workload in the lab: an sshd per server node (host key made in that node at start,
// keepalives off), a key pair made in the client node and authorised on every server node, and
// the ssh2 client's command line. Pure argv builders plus the few execs that set keys up.
import type { StartedLab } from '../../lab/lab.js';
import type { SshWorkload, Workload } from '../scenario/parse-scenario.js';
import { LAB_PROJECT_DIR, STREAM_ID_STRIDE } from './probe-commands.js';

export const SSH_CLIENT_MAIN = `${LAB_PROJECT_DIR}/dist/src/probe/ssh/main.js`;
export const PATTERN_SOURCE = `node ${LAB_PROJECT_DIR}/dist/src/probe/ssh/pattern-source.js`;
/** Per-run SSH files in a node: host keys, the client's key pair. */
const SSH_DIR = '/run/fl-ssh';

export interface SshdInstance {
  node: string;
  listen: string;
}

/** One sshd per (node, listen address), however many ssh workloads use it. */
export const sshdInstances = (workloads: readonly Workload[]): SshdInstance[] => {
  const seen = new Map<string, SshdInstance>();
  for (const w of workloads) {
    if (w.kind !== 'ssh') continue;
    for (const node of w.server.node) seen.set(`${node} ${w.server.listen}`, { node, listen: w.server.listen });
  }
  return [...seen.values()];
};

const hostKeyFile = (s: SshdInstance): string => `${SSH_DIR}/host-${s.listen.replace(/[.:]/g, '-')}_ed25519`;

/**
 * sshd in the foreground, configured wholly on its command line (`-f /dev/null`: the image's
 * sshd_config does not matter). MaxStartups is raised so that many sessions authenticating at
 * once are not dropped at random (default 10:30:100); ClientAliveInterval 0 and TCPKeepAlive no:
 * the server sends nothing of its own, so a session lives as long as its TCP connection.
 */
export const sshdArgv = (s: SshdInstance): string[] => [
  '/usr/sbin/sshd',
  '-D',
  '-e',
  '-f',
  '/dev/null',
  ...[
    `ListenAddress=${s.listen}`,
    `HostKey=${hostKeyFile(s)}`,
    'PidFile=none',
    'PermitRootLogin=prohibit-password',
    'PubkeyAuthentication=yes',
    'PasswordAuthentication=no',
    'KbdInteractiveAuthentication=no',
    'UsePAM=no',
    'UseDNS=no',
    'ClientAliveInterval=0',
    'TCPKeepAlive=no',
    'MaxStartups=1000',
    'MaxSessions=10',
    'Subsystem=sftp internal-sftp',
    'LogLevel=ERROR',
  ].flatMap((o) => ['-o', o]),
];

/** The node's own host key for this sshd, made at its first start (a restarted node keeps it). */
export const prepareSshd = async (lab: StartedLab, s: SshdInstance): Promise<void> => {
  const key = hostKeyFile(s);
  const r = await lab.exec(s.node, [
    'sh',
    '-c',
    `mkdir -p /run/sshd ${SSH_DIR} && chmod 700 ${SSH_DIR} && { test -f ${key} || ssh-keygen -q -t ed25519 -N '' -C "$0" -f ${key}; }`,
    `host key of ${s.node}`,
  ]);
  if (r.exitCode !== 0) throw new Error(`cannot make an SSH host key on ${s.node}: ${(r.stderr || r.stdout).trim()}`);
};

export const clientKeyFile = (w: SshWorkload): string => `${SSH_DIR}/client-${w.name}_ed25519`;

/** A fresh key pair in the client node; its public half goes into root's authorized_keys on every server node. */
export const authorizeClient = async (lab: StartedLab, w: SshWorkload): Promise<void> => {
  const key = clientKeyFile(w);
  const made = await lab.exec(w.client.node, [
    'sh',
    '-c',
    `mkdir -p ${SSH_DIR} && chmod 700 ${SSH_DIR} && rm -f ${key} ${key}.pub && ssh-keygen -q -t ed25519 -N '' -C "$0" -f ${key} && cat ${key}.pub`,
    `failover-lab ${w.name}@${w.client.node}`,
  ]);
  const pub = made.stdout.trim();
  if (made.exitCode !== 0 || !pub.startsWith('ssh-ed25519 '))
    throw new Error(`cannot make the SSH client key on ${w.client.node}: ${(made.stderr || made.stdout).trim()}`);
  for (const node of w.server.node) {
    const r = await lab.exec(node, [
      'sh',
      '-c',
      'mkdir -p /root/.ssh && chmod 700 /root/.ssh && printf "%s\\n" "$0" >> /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys',
      pub,
    ]);
    if (r.exitCode !== 0) throw new Error(`cannot authorise the SSH client key on ${node}: ${(r.stderr || r.stdout).trim()}`);
  }
};

export const sshClientArgv = (w: SshWorkload, index: number): string[] => [
  'node',
  SSH_CLIENT_MAIN,
  '--connect',
  w.client.connect,
  '--key',
  clientKeyFile(w),
  '--sessions',
  String(w.sessions),
  '--first-stream-id',
  String(index * STREAM_ID_STRIDE + 1),
  '--mode',
  w.mode,
  '--rate',
  String(w.rate),
  '--duration-s',
  String(w.duration / 1000),
  '--stall-ms',
  String(w.stall),
  '--gap-threshold-ms',
  String(w.gapThreshold),
  '--keepalive-ms',
  String(w.keepalive),
  '--file-size',
  String(w.fileSize),
  '--source-command',
  PATTERN_SOURCE,
  '--node',
  w.client.node,
];
