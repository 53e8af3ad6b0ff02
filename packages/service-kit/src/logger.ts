import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  readonly service: string;
  readonly level: string;
}

/** JSON logs, one line per event, with the service name on every line. */
export function createLogger({ service, level }: LoggerOptions): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
