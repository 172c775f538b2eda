// The one pino logger of the process; components take a child with their own structured fields.
// Prompts and message bodies are never logged unless config.logContent is set.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.MAILSWARM_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'mailswarm' } }, pino.destination({ dest: 2, sync: false }));
}

/** A logger that writes nothing: the default in tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
