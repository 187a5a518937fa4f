import { LoggerService } from '@nestjs/common';
import { currentCorrelationId } from '../context/request-context';

const LEVELS = { debug: 10, verbose: 10, log: 20, info: 20, warn: 30, error: 40, fatal: 50 } as const;
type Level = keyof typeof LEVELS;

/** One JSON object per line on stdout, so logs can be shipped and queried without parsing prose. */
export class JsonLogger implements LoggerService {
  private readonly min: number;

  constructor(
    private readonly service: string,
    level: 'debug' | 'info' | 'warn' | 'error' = 'info',
  ) {
    this.min = LEVELS[level];
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (LEVELS[level] < this.min) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, service: this.service };
    const correlationId = currentCorrelationId();
    if (correlationId) entry.correlationId = correlationId;
    // Nest passes the context name last; an Error or a stack string may come before it.
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    if (context) entry.context = context;
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, message);
    } else {
      entry.msg = String(message);
    }
    for (const r of rest) {
      if (r instanceof Error) entry.stack = r.stack;
      else if (typeof r === 'string') entry.stack = r;
      else if (r && typeof r === 'object') Object.assign(entry, r);
    }
    process.stdout.write(`${JSON.stringify(entry)}\n`);
  }
}
