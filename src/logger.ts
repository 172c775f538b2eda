// The one pino logger of the process; components take a child with their own structured fields.
// Prompts and message bodies are never logged unless config.logContent is set.
// Format: JSON lines on stderr (for files, journald, docker), or one readable line per event when stderr is
// a terminal; MAILSWARM_LOG_FORMAT=json|pretty overrides the choice.
import pino, { type Logger } from 'pino';
import prettyStream from 'pino-pretty';

export type { Logger };

export function createLogger(level: string = process.env.MAILSWARM_LOG_LEVEL ?? 'info'): Logger {
  const format = process.env.MAILSWARM_LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json');
  const destination =
    format === 'pretty'
      ? prettyStream({ destination: 2, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app', singleLine: true })
      : pino.destination({ dest: 2, sync: false });
  return pino({ level, base: { app: 'mailswarm' } }, destination);
}

/** A logger that writes nothing: the default in tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
