// Types shared by the pure IMAP protocol layer (parser, argument grammars, serializer) and the commands.
// Grammar: RFC 3501 §9 (formal syntax), RFC 7888 (LITERAL+), RFC 4315 (UIDPLUS), RFC 6851 (MOVE).
// Nothing here touches sockets: bytes go in, requests come out; values go in, bytes come out.

/** One argument token of a command line, as the incremental parser produced it. */
export type Token =
  /** An atom, kept as written (case preserved). Fetch attributes such as `BODY.PEEK[HEADER.FIELDS (A B)]<0.10>`
   *  are ONE atom: text inside `[...]` (spaces and parentheses included) belongs to the atom. */
  | { type: 'atom'; value: string }
  /** A quoted string or a literal (`{n}` / `{n+}` / `~{n}`), as raw bytes; `binary` marks a literal8 `~{n}` (RFC 3516). */
  | { type: 'string'; value: Buffer; literal: boolean; binary?: boolean }
  | { type: 'list'; items: Token[] }
  | { type: 'nil' };

/** A complete command: `tag SP name SP args CRLF` with literals already joined in. */
export interface CommandRequest {
  tag: string;
  /** Upper-cased verb; `UID FETCH` etc. keep the prefix as a separate flag. */
  name: string;
  uid: boolean;
  args: Token[];
}

/** What the incremental parser hands back on each step. */
export type ParseResult =
  /** Not enough bytes buffered yet. */
  | { kind: 'need-more' }
  /** A synchronizing literal `{n}` was announced: the server must send `+ ...` before the client goes on. */
  | { kind: 'need-literal'; size: number }
  | { kind: 'request'; request: CommandRequest }
  /** A raw line (CRLF stripped), returned only while the parser is in line mode (IDLE's DONE, AUTHENTICATE). */
  | { kind: 'line'; text: string }
  /** The command is broken; the rest of its line was skipped. `tag` is known when the line began with one; `code`
   *  is a response code for the BAD (`TOOBIG`). */
  | { kind: 'error'; tag: string | undefined; message: string; fatal?: boolean; code?: string };

/** A value the serializer writes into a response (RFC 3501 §4). */
export type ImapValue =
  | null // NIL
  | number
  | bigint
  | string // quoted string, or a literal when it contains CR/LF/8-bit/`"`-heavy content
  | Buffer // always a literal
  | { atom: string } // written verbatim: flags, `BODY[HEADER]<0>`, section labels
  | { literal8: Buffer } // `~{n}` literal8 (RFC 3516 §4.2): decoded BINARY content holding NUL bytes
  | ImapValue[]; // parenthesized list

/** A sequence set (`1:3,7,9:*`); `*` is resolved against the mailbox when used. */
export interface SequenceSet {
  ranges: Array<{ start: number | '*'; end: number | '*' }>;
  /** True when the set was `$` (RFC 5182 SEARCHRES): the saved search result; `ranges` is then empty. */
  saved?: boolean;
}

export interface BodySection {
  /** Part path, e.g. [1, 2] for `1.2`; empty for the whole message. */
  part: number[];
  specifier: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | null;
  /** Field names for HEADER.FIELDS (NOT), as written (compare case-insensitively). */
  fields?: string[];
}

export type FetchItem =
  | { kind: 'FLAGS' }
  | { kind: 'UID' }
  | { kind: 'INTERNALDATE' }
  | { kind: 'RFC822.SIZE' }
  | { kind: 'ENVELOPE' }
  | { kind: 'BODYSTRUCTURE' }
  /** `BODY` without a section: the non-extensible body structure. */
  | { kind: 'BODY' }
  | { kind: 'RFC822' }
  | { kind: 'RFC822.HEADER' }
  | { kind: 'RFC822.TEXT' }
  | { kind: 'MODSEQ' }
  | { kind: 'BODY[]'; peek: boolean; section: BodySection; partial?: { offset: number; length: number } }
  /** RFC 3516 `BINARY[part]<partial>` / `BINARY.PEEK[...]`: the part with its Content-Transfer-Encoding undone. */
  | { kind: 'BINARY[]'; peek: boolean; part: number[]; partial?: { offset: number; length: number } }
  /** RFC 3516 `BINARY.SIZE[part]`: the size of the decoded part. */
  | { kind: 'BINARY.SIZE'; part: number[] };

export type SearchKey =
  | { kind: 'all' }
  | { kind: 'and'; keys: SearchKey[] }
  | { kind: 'or'; left: SearchKey; right: SearchKey }
  | { kind: 'not'; key: SearchKey }
  | { kind: 'sequence'; set: SequenceSet }
  | { kind: 'uid'; set: SequenceSet }
  /** ANSWERED, DELETED, DRAFT, FLAGGED, SEEN, RECENT, NEW, OLD and their UN- forms map here or to not/and. */
  | { kind: 'flag'; flag: string; set: boolean }
  | { kind: 'keyword'; keyword: string; set: boolean }
  | { kind: 'header'; field: string; value: string }
  | { kind: 'text'; where: 'BODY' | 'TEXT'; value: string }
  | { kind: 'date'; which: 'internal' | 'sent'; op: 'before' | 'on' | 'since'; date: string /* YYYY-MM-DD */ }
  | { kind: 'size'; op: 'larger' | 'smaller'; size: number }
  | { kind: 'modseq'; modseq: number };

export interface StoreAction {
  mode: 'set' | 'add' | 'remove';
  silent: boolean;
  flags: string[];
  unchangedSince?: number;
}
