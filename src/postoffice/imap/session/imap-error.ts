// The one error type IMAP commands throw to answer a command with a tagged NO or BAD (RFC 3501 §7.1,
// response codes of RFC 3501 §7.1 and RFC 5530). Only the dispatcher turns it into bytes.

/** Response codes we send (RFC 3501 §7.1, RFC 4315, RFC 5530, RFC 6851). Written without brackets. */
export type ImapResponseCode =
  | 'TRYCREATE'
  | 'NONEXISTENT'
  | 'EXPUNGEISSUED'
  | 'CANNOT'
  | 'ALREADYEXISTS'
  | 'AUTHENTICATIONFAILED'
  | 'CLIENTBUG'
  | 'READ-ONLY'
  | 'INUSE'
  | 'LIMIT'
  | 'TOOBIG'
  | 'SERVERBUG'
  | 'PRIVACYREQUIRED'
  | 'NOPERM'
  | 'BADCHARSET'
  | 'MODIFIED'
  | 'UNAVAILABLE';

export class ImapError extends Error {
  override name = 'ImapError';
  readonly status: 'NO' | 'BAD';
  /** Response code without brackets, e.g. `TRYCREATE` or `MODIFIED 7,9` (RFC 7162 §3.1.3). */
  readonly code: ImapResponseCode | (string & {}) | undefined;
  constructor(status: 'NO' | 'BAD', message: string, code?: ImapResponseCode | (string & {})) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
