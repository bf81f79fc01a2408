import winston from 'winston';
import { redact, redactText } from './redact.js';
import { currentTraceId } from './trace.js';

/** Structured logger: JSON lines on stdout, trace id on every line, PII masked. */
export type Logger = winston.Logger;

const redactFormat = winston.format((info) => {
  const traceId = currentTraceId();
  if (traceId && info['traceId'] === undefined) info['traceId'] = traceId;
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    info[key] = key === 'message' && typeof info[key] === 'string' ? redactText(info[key] as string) : redact(info[key]);
  }
  return info;
});

export interface LoggerOptions {
  /** Lowest level written; `silent` writes nothing. Default `info`. */
  level?: string;
  /** Where lines go; default stdout. Tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
}

/** Creates the JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
    transports: [options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console()],
  });
}
