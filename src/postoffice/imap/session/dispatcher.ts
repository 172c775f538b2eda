// Runs one parsed command (RFC 3501 §2.2.2, §6): looks the verb up in the command table, checks the session
// state and the UID prefix, runs it, turns thrown errors into the tagged NO/BAD (the only place that does),
// flushes pending mailbox changes (holding EXPUNGE back per RFC 3501 §7.4.1) and writes the tagged reply.
import type { Logger } from '../../../logger.ts';
import { MailboxNameError } from '../protocol/mailbox-name-error.ts';
import { ProtocolSyntaxError } from '../protocol/protocol-syntax-error.ts';
import type { CommandRequest } from '../protocol/protocol-types.ts';
import { tagged } from '../protocol/response-writer.ts';
import { StoreError, type StoreErrorCode } from '../../store/store-types.ts';
import type { CommandContext, CommandResult, ImapCommandSpec, SessionState } from './command-context.ts';
import { ImapError } from './imap-error.ts';

/** What the dispatcher needs from the connection that owns it. */
export interface DispatchHost {
  readonly table: ReadonlyMap<string, ImapCommandSpec>;
  readonly state: SessionState;
  readonly logger: Logger;
  createContext(request: CommandRequest, spec: ImapCommandSpec): CommandContext;
  write(bytes: Buffer): void;
  /**
   * Writes queued mailbox changes; `allowExpunge` false while EXPUNGE responses must be held back. May return
   * a response code for the tagged OK (`HIGHESTMODSEQ n` after VANISHED, RFC 7162 §3.2.7).
   */
  flushChanges(allowExpunge: boolean): string | undefined;
}

/** Thrown into a running command when its connection went away; it ends the command without a reply. */
export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
  constructor() {
    super('connection closed');
  }
}

const STORE_CODE_TO_IMAP: Record<StoreErrorCode, string> = {
  NONEXISTENT: 'NONEXISTENT',
  ALREADYEXISTS: 'ALREADYEXISTS',
  CANNOT: 'CANNOT',
  INUSE: 'INUSE',
  LIMIT: 'LIMIT',
  BADNAME: 'CANNOT',
};

export async function dispatchCommand(host: DispatchHost, request: CommandRequest): Promise<void> {
  const { tag } = request;
  const spec = host.table.get(request.name);
  if (!spec) {
    host.write(tagged(tag, 'BAD', `Unknown command ${sanitize(request.uid ? `UID ${request.name}` : request.name)}`));
    return;
  }
  if (request.uid && !spec.uid) {
    host.write(tagged(tag, 'BAD', `UID ${request.name} is not a valid command`));
    return;
  }
  if (!spec.states.includes(host.state)) {
    host.write(tagged(tag, 'BAD', wrongStateText(host.state, spec)));
    return;
  }
  // RFC 3501 §7.4.1: no EXPUNGE while (or right after) FETCH/STORE/SEARCH by sequence number.
  const allowExpunge = !(spec.holdsExpunge === true && !request.uid);
  let reply: Buffer;
  try {
    const context = host.createContext(request, spec);
    const result: CommandResult = (await spec.run(context)) ?? {};
    const flushCode = host.state !== 'logout' ? host.flushChanges(allowExpunge) : undefined;
    reply = tagged(tag, 'OK', result.text ?? `${request.uid ? 'UID ' : ''}${spec.name} completed`, result.code ?? flushCode);
  } catch (error) {
    if (error instanceof ConnectionClosedError) throw error;
    reply = failureReply(host.logger, tag, request, error);
    if (host.state !== 'logout') host.flushChanges(allowExpunge);
  }
  host.write(reply);
}

function failureReply(logger: Logger, tag: string, request: CommandRequest, error: unknown): Buffer {
  if (error instanceof ImapError) return tagged(tag, error.status, sanitize(error.message), error.code);
  // Understood but unusable as a name: no mailbox can have it (RFC 5530 NONEXISTENT), or none can get it (CANNOT).
  if (error instanceof MailboxNameError) return tagged(tag, 'NO', sanitize(error.message), error.role === 'new' ? 'CANNOT' : 'NONEXISTENT');
  if (error instanceof ProtocolSyntaxError) return tagged(tag, 'BAD', sanitize(error.message));
  if (error instanceof StoreError) return tagged(tag, 'NO', sanitize(error.message), STORE_CODE_TO_IMAP[error.code]);
  // A bug on our side: say so to the client, keep the session alive, and log it loudly.
  logger.error({ err: error, command: request.name }, 'IMAP command failed unexpectedly');
  return tagged(tag, 'NO', 'Internal server error', 'SERVERBUG');
}

function wrongStateText(state: SessionState, spec: ImapCommandSpec): string {
  if (state === 'not-authenticated') return `${spec.name} requires authentication first`;
  if (spec.states.includes('selected') && !spec.states.includes('authenticated')) return 'No mailbox selected';
  if (spec.states.includes('not-authenticated')) return 'Already authenticated';
  return `${spec.name} is not valid in this state`;
}

/** Response text must stay on one line and in 7-bit (RFC 3501 §9 `text`). */
function sanitize(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}
