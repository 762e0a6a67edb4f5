// containerlab bind syntax `host:container[:options]`, with the host side resolved against the
// topology file's folder so that a lab behaves the same whatever the current directory is.
import { posix, resolve } from 'node:path';
import { TopologyError, type SourcePosition } from '../common/errors.js';
import type { BindSpec } from './types.js';

// What Docker accepts after the second colon of a bind.
const BIND_OPTIONS = new Set([
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  'shared',
  'rshared',
  'slave',
  'rslave',
  'private',
  'rprivate',
  'consistent',
  'cached',
  'delegated',
]);

export const parseBind = (text: string, dir: string, position: SourcePosition): BindSpec => {
  const fail = (problem: string): never => {
    throw new TopologyError(position, `bind '${text}' ${problem}`);
  };
  const [host, target, options, ...rest] = text.split(':');
  if (host === undefined || target === undefined || rest.length > 0 || [host, target, options].includes('')) {
    return fail('is not host-path:container-path[:options]');
  }
  // The shell is not involved, so `~` would become a folder literally named `~`.
  if (host.startsWith('~'))
    return fail(`starts with '~', which is not expanded; write an absolute path, a path relative to the topology file, or \${HOME}`);
  if (!target.startsWith('/')) return fail(`has container path '${target}'; it must be absolute (start with '/')`);
  const unknown = options?.split(',').find((option) => !BIND_OPTIONS.has(option));
  if (unknown !== undefined) return fail(`has unknown option '${unknown}'; known options: ${[...BIND_OPTIONS].join(', ')}`);
  return { source: resolve(dir, host), target: normalizeTarget(target), ...(options === undefined ? {} : { options }) };
};

// So that `/data` and `/data/` count as the same mount point when layers are merged.
const normalizeTarget = (target: string): string => {
  const normalized = posix.normalize(target);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
};
