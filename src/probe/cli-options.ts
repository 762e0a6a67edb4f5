// Pure parsing of the probe's command-line values, so bad input fails before any socket opens
// (exit code 2) with a message that names the flag.
import { InvalidArgumentError } from 'commander';
import { errorMessage, TestbedError } from '../common/errors.js';
import type { Direction } from './probe-report.js';

export class ProbeUsageError extends TestbedError {
  constructor(message: string) {
    super('PROBE_USAGE', message);
  }
}

export interface HostPort {
  host: string;
  port: number;
}

/** `198.18.4.2:5000`, `[::1]:5000` or `:5000` (all addresses). */
export const parseHostPort = (text: string): HostPort => {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ProbeUsageError(`expected ADDR:PORT, got '${text}'`);
  }
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
};

const SUFFIX: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/** A byte rate: `250000`, `100k`, `1.5M` (decimal multiples). */
export const parseRate = (text: string): number => {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(text.trim());
  const value = m ? Math.round(Number(m[1]) * SUFFIX[m[2]!.toLowerCase()]!) : NaN;
  if (!Number.isSafeInteger(value) || value > 0xffffffff * 1000) throw new ProbeUsageError(`expected a rate in bytes/s, got '${text}'`);
  return value;
};

export const parseIntIn =
  (min: number, max: number) =>
  (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ProbeUsageError(`expected an integer in [${min}, ${max}], got '${text}'`);
    }
    return value;
  };

/** Seconds, fractions allowed, > 0 and at most a day (everything the probe does is bounded). */
export const parseSeconds = (text: string): number => {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0) || value > 86_400) {
    throw new ProbeUsageError(`expected seconds in (0, 86400], got '${text}'`);
  }
  return value;
};

export const parseDirection = (text: string): Direction => {
  if (text === 's2c' || text === 'c2s' || text === 'echo') return text;
  throw new ProbeUsageError(`expected s2c, c2s or echo, got '${text}'`);
};

/** A parser as a commander value parser: commander wants InvalidArgumentError to report the flag. */
export const arg =
  <T>(parse: (text: string) => T) =>
  (text: string): T => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError(errorMessage(error));
    }
  };
