// `--privileged` asks runc for every capability the engine knows. Where the host's bounding
// set lacks one (here: CAP_SYS_RESOURCE) runc fails with "unable to apply caps". We predict
// that from the bounding set and fall back to "all caps the host has" plus unconfined
// /proc/sys, seccomp and AppArmor, which is what the lab needs (sysctls, nft, raw sockets).
import { readFileSync, existsSync } from 'node:fs';

/** Capabilities 0..37, the set every Docker engine since 20.10 knows by name. */
const KNOWN_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
] as const;

export type PrivilegeMode = { kind: 'privileged' } | { kind: 'fallback'; capDrop: string[]; securityOpt: string[]; devices: string[] };

/** Pure: decides from the `CapBnd` hex mask of /proc/self/status. */
export const privilegeModeFromBoundingSet = (capBndHex: string, deviceExists: (path: string) => boolean): PrivilegeMode => {
  const mask = BigInt('0x' + capBndHex.trim());
  const missing = KNOWN_CAPABILITIES.filter((_, bit) => (mask & (1n << BigInt(bit))) === 0n);
  if (missing.length === 0) return { kind: 'privileged' };
  return {
    kind: 'fallback',
    capDrop: [...missing],
    // The CLI's `systempaths=unconfined` is, in the API, empty MaskedPaths and ReadonlyPaths.
    securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    devices: ['/dev/net/tun'].filter(deviceExists),
  };
};

export const detectPrivilegeMode = (): PrivilegeMode => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const capBnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? 'ffffffffff';
  return privilegeModeFromBoundingSet(capBnd, existsSync);
};

export const describePrivilegeMode = (mode: PrivilegeMode): string =>
  mode.kind === 'privileged'
    ? 'containers run --privileged'
    : `this host refuses --privileged (its capability bounding set lacks ${mode.capDrop.map((c) => 'CAP_' + c).join(', ')}); ` +
      `containers get every other capability, with /proc/sys writable and ${mode.securityOpt.join(', ')}`;
