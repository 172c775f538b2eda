// The API every IMAP verb is written against (RFC 3501 §6, session states of §3): a command spec declares
// the states it runs in and gets a CommandContext when the dispatcher runs it. The dispatcher alone checks
// states and the UID prefix, turns thrown ImapError/ProtocolSyntaxError into tagged NO/BAD, flushes pending
// mailbox changes before the tagged reply and runs one command at a time per connection.
//
// ─── Rules for verb authors (the "messages" helper: FETCH STORE SEARCH COPY MOVE EXPUNGE) ──────────────────
// 1. Throw `new ImapError('NO' | 'BAD', text, code?)` for failures; never write a tagged line yourself.
//    Return `{ code: 'COPYUID 7 1:3 10:12' }` (no brackets) and/or `{ text }` for the tagged OK.
// 2. Pass `context.session.origin` as the `origin` argument of every store mutation. Use the grouped ones
//    (storeFlagsGrouped, expungeGrouped, appendGrouped, appendManyGrouped, copyGrouped, moveGrouped): they share
//    one commit and fsync with the other sessions' writes off the event loop. The session uses `origin` to avoid
//    echoing your own FLAGS changes.
// 3. NEVER write `* n EXISTS`, `* n RECENT` or `* n EXPUNGE` yourself — not even for your own EXPUNGE/MOVE.
//    The SelectedMailbox receives every store event (yours included) and the dispatcher flushes them, in
//    order and with correct sequence numbers, after your run() returns and before the tagged reply. So
//    EXPUNGE is just `await store.expungeGrouped(id, uids, origin)`; MOVE is `await store.moveGrouped(...)`, then
//    `context.sendStatus('OK', 'Moved', 'COPYUID ...')` (RFC 6851 §4.3 untagged COPYUID) and return.
// 4. DO write the FETCH responses your command produces (FETCH; STORE without .SILENT; FETCH of BODY[] that
//    sets \Seen must include FLAGS). Your own `flags` store events are NOT echoed by the session; flag
//    changes made by OTHER sessions are flushed as `* n FETCH (FLAGS (...) UID n [MODSEQ (n)])`.
// 5. Sequence numbers: use `selected.resolve(set, byUid)` and `selected.sequenceOf(uid)` only — they reflect
//    what this client has been told (a message expunged by another session keeps its number until the
//    EXPUNGE is flushed). `store.getMessage()` returning undefined for a resolved uid means it was expunged
//    meanwhile: leave it out and answer OK (FETCH: `OK [EXPUNGEISSUED]`, messages/expunge-issued.ts; STORE:
//    plain OK), never NO, as Dovecot answers. Before writing FLAGS that may hold a keyword, call
//    `selected.announceKeywords(...)` so `* FLAGS` names it first (RFC 3501 §7.2.6).
//    `selected.recentUids` tells which messages carry `\Recent` for this session (add it to FLAGS output).
// 6. CONDSTORE (RFC 7162) IS ADVERTISED: the store's MODSEQs are real. Verbs must support:
//    FETCH ... (CHANGEDSINCE n) and the MODSEQ fetch item; STORE ... (UNCHANGEDSINCE n) with `[MODIFIED set]`
//    in the tagged OK; SEARCH MODSEQ n with `(MODSEQ n)` at the end of `* SEARCH`. Using any of them enables
//    CONDSTORE for the session: call `context.session.enableCondstore()`. While `session.condstore` is true,
//    every FETCH response (solicited and unsolicited) carries `MODSEQ (n)` (RFC 7162 §3.2.4). Once QRESYNC is
//    enabled (`session.enabled.has('QRESYNC')`) the flush writes `* VANISHED uids` instead of EXPUNGE and FETCHes
//    a STORE causes carry UID too; the store remembers every expunge's MODSEQ (store.expungedSince).
// 7. `holdsExpunge: true` for FETCH, STORE and SEARCH: the dispatcher then holds other sessions' EXPUNGEs
//    back when the command ran without the UID prefix (RFC 3501 §7.4.1). COPY/MOVE/EXPUNGE: false.
// 8. Read-only (EXAMINE): STORE/EXPUNGE/MOVE throw `new ImapError('NO', '...', 'READ-ONLY')` when
//    `selected.readOnly`; FETCH BODY[] must not set \Seen there (RFC 3501 §6.3.2).
import type { Logger } from '../../../logger.ts';
import type { AccountDirectoryApi } from '../../accounts/account-types.ts';
import type { CommandRequest, ImapValue } from '../protocol/protocol-types.ts';
import type { MailboxNameCodec } from '../protocol/mailbox-name-codec.ts';
import type { MailStoreApi } from '../../store/store-types.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';
import type { NotifyHook } from './notify-gate.ts';

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface ImapCommandSpec {
  /** Upper-case verb as it appears on the wire (`FETCH`, `EXAMINE`). */
  name: string;
  /** States in which the verb is allowed (RFC 3501 §6). */
  states: readonly SessionState[];
  /** True: also allowed with the UID prefix (`UID FETCH`). */
  uid?: boolean;
  /** True: may not send EXPUNGE responses while running (FETCH/STORE/SEARCH without UID, RFC 3501 §7.4.1). */
  holdsExpunge?: boolean;
  run(context: CommandContext): Promise<CommandResult | void> | CommandResult | void;
}

/** What a command returns for its tagged OK. */
export interface CommandResult {
  /** Human text of the tagged OK; defaults to `<NAME> completed`. */
  text?: string;
  /** Response code without brackets: `APPENDUID 123 4`, `COPYUID ...`, `READ-ONLY`. */
  code?: string;
}

/** The session as commands see it. Verbs of the "messages" helper only read it (plus enableCondstore). */
export interface ImapSessionView {
  /** Short id for logs. */
  readonly id: string;
  /** Identifies this session in store events: pass it as `origin` to store mutations. */
  readonly origin: object;
  readonly remoteAddress: string;
  readonly state: SessionState;
  /** The logged-in account (full lower-case address); undefined before login. */
  readonly account: string | undefined;
  /** Extensions turned on by ENABLE (RFC 5161), upper case. */
  readonly enabled: ReadonlySet<string>;
  /** True once CONDSTORE is enabled for the session (ENABLE, SELECT (CONDSTORE) or a CONDSTORE command). */
  readonly condstore: boolean;
  /** The selected mailbox; set exactly when state is 'selected'. */
  readonly selected: SelectedMailbox | undefined;
  /** True when the connection runs over TLS (implicit or after STARTTLS). */
  readonly secure: boolean;
  /** RFC 7162 §3.1: the first CONDSTORE-using command turns CONDSTORE on for the rest of the session. */
  enableCondstore(): void;
}

/** Session transitions; only the connection-level verbs of imap/commands use them. */
export interface SessionControl extends ImapSessionView {
  /** LOGIN/AUTHENTICATE succeeded: move to 'authenticated' as `account`. */
  authenticate(account: string): void;
  /** Counts a failed login and waits the growing anti-guessing delay (per connection and per IP). */
  loginFailed(login: string): Promise<void>;
  /** True when STARTTLS can be offered: TLS is configured and not active yet. */
  readonly tlsAvailable: boolean;
  /** Non-synchronizing literals are limited to 4096 bytes: LITERAL- is advertised instead of LITERAL+ (RFC 7888 §5). */
  readonly literalMinus: boolean;
  /** How often IDLE sends `* OK Still here` (rarely: Thunderbird leaves IDLE on every untagged line). */
  readonly idleKeepaliveMs: number;
  /** Makes `mailbox` the selected one (closing any previous selection without expunging). */
  select(mailbox: SelectedMailbox): void;
  /** Leaves the selected state (CLOSE/UNSELECT/failed SELECT); returns the mailbox that was selected. */
  deselect(): SelectedMailbox | undefined;
  /** Records ENABLEd extensions. */
  enable(extension: string): void;
  /** STARTTLS: after the tagged OK is written, upgrade the socket in place. */
  startTlsAfterReply(): void;
  /** COMPRESS DEFLATE (RFC 4978): after the tagged OK is written, compress both directions. */
  compressAfterReply(): void;
  /** True once COMPRESS is active. */
  readonly compressed: boolean;
  /** LOGOUT: state 'logout'; the connection closes after the tagged OK. */
  logout(): void;
  /** The NOTIFY settings in force (RFC 5465), undefined without NOTIFY or after NOTIFY NONE. */
  readonly notify: NotifyHook | undefined;
  /** NOTIFY SET installs a hook, NOTIFY NONE removes it (the previous one is closed). */
  setNotify(hook: NotifyHook | undefined): void;
  /** The hook queued responses: the session writes them now, or after the running command. */
  notifyPending(): void;
  /** IDLE is waiting: NOTIFY's responses go out at once meanwhile. */
  setIdling(idling: boolean): void;
}

export interface CommandContext {
  readonly request: CommandRequest;
  readonly store: MailStoreApi;
  readonly accounts: AccountDirectoryApi;
  readonly session: SessionControl;
  readonly logger: Logger;
  /** Writes one untagged response: `* ` + values separated by spaces + CRLF (`send(3, {atom:'EXISTS'})`). */
  send(...values: ImapValue[]): void;
  /** Writes an untagged status response: `* OK [code] text` (code without brackets). */
  sendStatus(status: 'OK' | 'NO' | 'BAD' | 'BYE', text: string, code?: string): void;
  /** Writes bytes as they are (must be complete CRLF-terminated responses). */
  sendRaw(bytes: Buffer): void;
  /** The selected mailbox, or `BAD No mailbox selected` (the dispatcher already checked the state). */
  selected(): SelectedMailbox;
  /** Sends `+ text` and resolves the client's next raw line (parser line mode: AUTHENTICATE, IDLE's DONE). */
  continueAndReadLine(prompt: string): Promise<string>;
  /** Writes the pending mailbox changes now (IDLE pushes them as they arrive). */
  flushChanges(): void;
  /**
   * True for a mailbox of the logged-in account that nobody may change (the humans' Journal): SELECT opens
   * it READ-ONLY; APPEND/COPY/MOVE into it, DELETE/RENAME of it fail with NO [NOPERM] (session/read-only-mailbox.ts).
   */
  isReadOnlyMailbox(name: string): boolean;
  /** Mailbox names on the wire: modified UTF-7, or UTF-8 after ENABLE UTF8=ACCEPT / IMAP4rev2 (RFC 6855 §3). */
  readonly mailboxNames: MailboxNameCodec;
  /** The account's storage limit in bytes (RFC 9208 STORAGE, session/storage-quota.ts); undefined: none. */
  readonly storageQuotaBytes: number | undefined;
}
