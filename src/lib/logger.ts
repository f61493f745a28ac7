// Structured logging to a writable (stderr by default): JSON lines for collectors, or readable
// `time LEVEL message key=value` text for people at a terminal. Callers pass fields, never secrets.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: { level?: LogLevel; format?: LogFormat; write?: (line: string) => void; fields?: LogFields } = {}): Logger {
  const min = order[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const base = options.fields ?? {};
  const render = options.format === 'text' ? textLine : jsonLine;
  const log = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (order[level] < min) return;
    write(render(new Date().toISOString(), level, msg, { ...base, ...fields }));
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    with: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  with() {
    return silentLogger;
  },
};

function jsonLine(time: string, level: LogLevel, msg: string, fields: LogFields): string {
  return JSON.stringify({ time, level, msg, ...fields }, errorReplacer) + '\n';
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** `2026-01-02T03:04:05.678Z INFO  request method=GET status=200 user=admin`; an error's stack follows, indented, only at level error. */
function textLine(time: string, level: LogLevel, msg: string, fields: LogFields): string {
  let stack = '';
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      if (value instanceof Error) {
        if (level === 'error' && value.stack) stack += value.stack.replace(/^/gm, '    ') + '\n';
        return `${key}=${textValue(`${value.name}: ${value.message}`)}`;
      }
      return `${key}=${textValue(value)}`;
    });
  return `${time} ${level.toUpperCase().padEnd(5)} ${msg}${pairs.length ? ' ' + pairs.join(' ') : ''}\n${stack}`;
}

/** Bare when it cannot be misread (no space, quote or `=`), else quoted as JSON. */
function textValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value, errorReplacer);
  return typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : typeof value === 'string' ? JSON.stringify(text) : text;
}
