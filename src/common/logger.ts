// One injected logger (no global): human lines on stderr for the CLI, JSON lines when asked,
// so that long-running tools and tests can fold output into a history.
import { systemClock, type Clock } from './clock.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines carry `namespace` (e.g. `lab`, `kernel`). */
  child(namespace: string): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface StreamLoggerOptions {
  level?: LogLevel;
  json?: boolean;
  namespace?: string;
  write?: (line: string) => void;
  clock?: Clock;
}

export const createLogger = (options: StreamLoggerOptions = {}): Logger => {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (at: LogLevel, message: string, fields?: LogFields): void => {
    if (ORDER[at] < ORDER[level]) return;
    if (options.json) {
      write(JSON.stringify({ t: (options.clock ?? systemClock).nowMs(), level: at, ns: options.namespace, msg: message, ...fields }));
      return;
    }
    const tail =
      fields && Object.keys(fields).length > 0
        ? ' ' +
          Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ')
        : '';
    const tag = at === 'info' ? '' : `${at}: `;
    write(`${tag}${message}${tail}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (ns) => createLogger({ ...options, namespace: options.namespace ? `${options.namespace}:${ns}` : ns }),
  };
};

/** For tests and library callers that want silence. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

export const logLevelFromEnv = (env: NodeJS.ProcessEnv = process.env): LogLevel => (env.FAILOVER_LAB_DEBUG ? 'debug' : 'info');
