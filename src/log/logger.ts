import winston from 'winston';
import { redact, redactText } from './redact.js';
import { currentTraceId } from './trace.js';

/** Structured logger: JSON lines on stdout, trace id on every line, PII masked. */
export type Logger = winston.Logger;

const UNREDACTED = new Set(['level', 'timestamp', 'message']);

const redactFormat = winston.format((info) => {
  const traceId = currentTraceId();
  if (traceId && info['traceId'] === undefined) info['traceId'] = traceId;
  if (typeof info.message === 'string') info.message = redactText(info.message);
  // The metadata as one object, so that its top-level fields are judged like nested ones (`{ name: '张三' }`).
  const fields = Object.fromEntries(Object.entries(info).filter(([key]) => !UNREDACTED.has(key)));
  Object.assign(info, redact(fields));
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
