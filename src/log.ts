// Logging: one line per record on stderr. JSON lines for the daemon (machines read them), plain text
// for interactive commands. Warnings about input name the file and line.
import { UserError } from './errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function parseLogLevel(v: string): LogLevel {
  if (v in ORDER) return v as LogLevel;
  throw new UserError(`--log-level must be one of ${Object.keys(ORDER).join(', ')} (got "${v}")`);
}

/** A URL as it may be shown: user-info (`http://user:token@host`) removed. */
export function displayUrl(u: string): string {
  try {
    const url = new URL(u);
    if (!url.username && !url.password) return u;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return stripUserInfo(u);
  }
}

/** Removes user-info from every URL in a text: credentials never reach a log line. */
export function stripUserInfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']*@/gi, '$1');
}

export function createLogger(opts: { level: LogLevel; json: boolean; write?: (line: string) => void }): Logger {
  const out = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const write = (line: string): void => out(stripUserInfo(line));
  const min = ORDER[opts.level];
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[level] < min) return;
    if (opts.json) {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
    } else {
      const extra = fields && Object.keys(fields).length > 0 ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
      write(`${level === 'info' ? '' : level + ': '}${msg}${extra}`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
