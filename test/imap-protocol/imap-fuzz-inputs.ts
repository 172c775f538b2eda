// fast-check generators for fuzzing the IMAP command parser and live sessions (RFC 3501 §9 `command`,
// RFC 7888 LITERAL+, RFC 3516 `literal8`): well-formed commands as token trees (so a test knows what the
// parser must hand back), realistic verb-aware commands for sessions, byte-level mutations of rendered
// streams, and chunkings of a stream into the partial reads a TCP peer may produce.
import fc from 'fast-check';
import type { ParseResult, Token } from '../../src/postoffice/imap/protocol/protocol-types.ts';

/** One argument as the generator builds it; rendering picks its wire form. */
export type FuzzArgument =
  | { kind: 'atom'; value: string }
  | { kind: 'quoted'; value: Buffer }
  | { kind: 'literal'; value: Buffer; form: 'synchronizing' | 'non-synchronizing' | 'literal8' }
  | { kind: 'nil' }
  | { kind: 'list'; items: FuzzArgument[] };

export interface FuzzCommand {
  tag: string;
  uid: boolean;
  verb: string;
  args: FuzzArgument[];
}

/** `tag = 1*<any ASTRING-CHAR except "+">`, kept short and printable. */
const TAG_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_!#&\'<>@^|~$:,;=?`/'];
/** Atom characters the parser has always taken as plain atom bytes (no brackets, braces, quotes or specials). */
const ATOM_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_!#&\'<>@^|~$:,;=?`/+*%'];

export const IMAP_VERBS = [
  'CAPABILITY', 'NOOP', 'LOGOUT', 'ID', 'ENABLE', 'NAMESPACE', 'LIST', 'LSUB', 'CREATE', 'DELETE', 'RENAME', 'SUBSCRIBE',
  'UNSUBSCRIBE', 'STATUS', 'SELECT', 'EXAMINE', 'APPEND', 'CLOSE', 'UNSELECT', 'CHECK', 'FETCH', 'STORE', 'SEARCH', 'COPY',
  'MOVE', 'EXPUNGE', 'IDLE', 'AUTHENTICATE', 'STARTTLS',
  // Extensions of issue 13; answered BAD until they exist, fuzzed from the day they do.
  'SORT', 'THREAD', 'GETQUOTA', 'GETQUOTAROOT', 'SETQUOTA', 'NOTIFY',
] as const;

/** Words real clients put in arguments; they drive the argument grammars past their first check. */
const ARGUMENT_WORDS = [
  'INBOX', 'Sent', 'Trash', 'Journal', 'fuzz', 'fuzz/child', '1', '2', '3', '*', '1:*', '2:4', '1,3:*', '0', '4294967296', '$',
  'FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT',
  'FAST', 'ALL', 'FULL', 'BODY[]', 'BODY.PEEK[]', 'BODY[TEXT]', 'BODY[1]', 'BODY[1.MIME]', 'BODY.PEEK[HEADER]',
  'BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)]', 'BODY[HEADER.FIELDS.NOT (DATE)]<0.20>', 'BINARY[1]', 'MODSEQ',
  '+FLAGS', '-FLAGS', 'FLAGS.SILENT', '+FLAGS.SILENT', '\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft', '\\Recent',
  '$Forwarded', '$label1', 'NOT', 'OR', 'FROM', 'TO', 'SUBJECT', 'TEXT', 'HEADER', 'SINCE', 'BEFORE', 'ON', 'SENTSINCE',
  '1-Feb-2026', '31-Dec-1999', 'LARGER', 'SMALLER', 'KEYWORD', 'UNKEYWORD', 'SEEN', 'UNSEEN', 'NEW', 'OLD', 'DELETED',
  'CHARSET', 'UTF-8', 'US-ASCII', 'MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'RECENT', 'HIGHESTMODSEQ', 'SIZE',
  'CONDSTORE', 'UNCHANGEDSINCE', 'CHANGEDSINCE', 'QRESYNC', 'SUBSCRIBED', 'RETURN', 'CHILDREN', 'SPECIAL-USE', 'PLAIN', 'DONE',
  '%', '*', 'fuzz%', '&ZeVnLIqe-', '&', '&-', 'alice', 'alice-secret',
  'REFERENCES', 'ORDEREDSUBJECT', 'ARRIVAL', 'REVERSE', 'DISPLAYFROM', 'SAVE', 'MIN', 'MAX', 'COUNT', 'STORAGE', 'SELECTED',
  'MAILBOXES', 'VANISHED', 'PARTIAL', '1:100',
];

const tagArbitrary = fc.string({ unit: fc.constantFrom(...TAG_CHARS), minLength: 1, maxLength: 8 });
const atomTextArbitrary = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ARGUMENT_WORDS) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...ATOM_CHARS), minLength: 1, maxLength: 12 }) },
);
const bytesArbitrary = (maxLength: number) => fc.uint8Array({ maxLength }).map((bytes) => Buffer.from(bytes));
/** Quoted strings hold any byte but CR, LF and NUL (RFC 3501 `QUOTED-CHAR`, 8-bit tolerated as real clients send it). */
const quotedArbitrary = fc.oneof(
  fc.constantFrom(...ARGUMENT_WORDS).map((word) => Buffer.from(word)),
  bytesArbitrary(24).map((bytes) => Buffer.from(bytes.filter((byte) => byte !== 0x0d && byte !== 0x0a && byte !== 0))),
);
const quotedArgument = quotedArbitrary.map((value): FuzzArgument => ({ kind: 'quoted', value }));

export const argumentArbitrary: fc.Arbitrary<FuzzArgument> = fc.letrec<{ argument: FuzzArgument }>((tie) => ({
  argument: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: atomTextArbitrary.map((value): FuzzArgument => ({ kind: 'atom', value })) },
    { weight: 2, arbitrary: quotedArgument },
    {
      weight: 1,
      arbitrary: fc
        .record({ value: bytesArbitrary(40), form: fc.constantFrom('synchronizing', 'non-synchronizing', 'literal8') })
        .map(({ value, form }): FuzzArgument => ({ kind: 'literal', value, form })),
    },
    { weight: 1, arbitrary: fc.constant<FuzzArgument>({ kind: 'nil' }) },
    { weight: 2, arbitrary: fc.array(tie('argument'), { maxLength: 4 }).map((items): FuzzArgument => ({ kind: 'list', items })) },
  ),
})).argument;

/** A well-formed command with any verb-looking word and arbitrary well-formed arguments. */
export const commandArbitrary: fc.Arbitrary<FuzzCommand> = fc.record({
  tag: tagArbitrary,
  uid: fc.boolean(),
  verb: fc.oneof(fc.constantFrom(...IMAP_VERBS), fc.string({ unit: fc.constantFrom(...TAG_CHARS), minLength: 1, maxLength: 10 })).filter((verb) => verb.toUpperCase() !== 'UID'),
  args: fc.array(argumentArbitrary, { maxLength: 6 }),
});

const atom = (value: string): FuzzArgument => ({ kind: 'atom', value });
const words = (...choices: string[]) => fc.constantFrom(...choices).map(atom);
const sequenceSet = words('1', '2', '3', '*', '1:*', '2:4', '1,3:*', '4:2', '0', '99', '1:4294967295', '$');
const flagList = fc.array(words('\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft', '$Forwarded', '$label1', 'custom'), { maxLength: 3 })
  .map((items): FuzzArgument => ({ kind: 'list', items }));
const mailboxName = fc.oneof(
  words('INBOX', 'Sent', 'Trash', 'Journal', 'fuzz', 'fuzz/child', 'fuzz-&ZeVnLIqe-', 'nonexistent', '%', '*'),
  quotedArgument,
);
const fetchItems = fc.oneof(
  words('FAST', 'ALL', 'FULL', 'FLAGS', 'BODY[]', 'BODYSTRUCTURE', 'ENVELOPE'),
  fc.array(words('FLAGS', 'UID', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'BODY[]', 'BODY.PEEK[TEXT]<0.10>',
    'BODY[1]', 'BODY[2.MIME]', 'BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]', 'RFC822.HEADER', 'BINARY.PEEK[1]', 'MODSEQ'), { minLength: 1, maxLength: 5 })
    .map((items): FuzzArgument => ({ kind: 'list', items })),
);
/** One search key: a bare word or a key with its argument (RFC 3501 §6.4.4). */
const searchKey: fc.Arbitrary<FuzzArgument[]> = fc.oneof(
  words('ALL', 'SEEN', 'UNSEEN', 'NEW', 'OLD', 'DELETED', 'FLAGGED', 'RECENT', 'ANSWERED', 'DRAFT', '1:*', '2', 'NOT', 'OR').map((key) => [key]),
  fc.tuple(words('FROM', 'TO', 'CC', 'BCC', 'SUBJECT', 'BODY', 'TEXT'), quotedArgument),
  fc.tuple(words('SINCE', 'BEFORE', 'ON', 'SENTSINCE'), words('1-Feb-2026', '31-Dec-1999', '30-Feb-2026', 'yesterday')),
  fc.tuple(words('LARGER', 'SMALLER', 'UID', 'KEYWORD', 'HEADER'), words('10', '100000', '1:*', '$Forwarded', 'X-Test')),
);
const searchKeys = fc.array(searchKey, { minLength: 1, maxLength: 4 }).map((keys) => keys.flat());
const message = fc.oneof(
  fc.constant(Buffer.from('From: fuzz@swarm.local\r\nSubject: fuzz\r\n\r\nbody\r\n')),
  bytesArbitrary(60),
).map((value): FuzzArgument => ({ kind: 'literal', value, form: 'synchronizing' }));

/** Commands a real client would send in some state, with plausible (sometimes wrong) arguments. */
export const realisticCommandArbitrary: fc.Arbitrary<FuzzCommand> = fc
  .record({
    tag: tagArbitrary,
    uid: fc.boolean(),
    shape: fc.oneof(
      fc.tuple(fc.constant('FETCH'), fc.tuple(sequenceSet, fetchItems)),
      fc.tuple(fc.constant('STORE'), fc.tuple(sequenceSet, words('FLAGS', '+FLAGS', '-FLAGS.SILENT', '+FLAGS.SILENT'), flagList)),
      fc.tuple(fc.constant('SEARCH'), searchKeys),
      fc.tuple(fc.constantFrom('COPY', 'MOVE'), fc.tuple(sequenceSet, mailboxName)),
      fc.tuple(fc.constant('EXPUNGE'), fc.oneof(fc.constant([] as FuzzArgument[]), fc.tuple(sequenceSet))),
      fc.tuple(fc.constantFrom('SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'SUBSCRIBE', 'UNSUBSCRIBE'), fc.tuple(mailboxName)),
      fc.tuple(fc.constant('RENAME'), fc.tuple(mailboxName, mailboxName)),
      fc.tuple(fc.constantFrom('LIST', 'LSUB'), fc.tuple(fc.oneof(fc.constant<FuzzArgument>({ kind: 'quoted', value: Buffer.alloc(0) }), words('fuzz/')), mailboxName)),
      fc.tuple(fc.constant('STATUS'), fc.tuple(mailboxName, fc.array(words('MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'RECENT', 'SIZE'), { maxLength: 4 })
        .map((items): FuzzArgument => ({ kind: 'list', items })))),
      fc.tuple(fc.constant('APPEND'), fc.tuple(mailboxName, flagList, message)),
      fc.tuple(fc.constantFrom('NOOP', 'CHECK', 'CAPABILITY', 'NAMESPACE', 'UNSELECT', 'CLOSE', 'IDLE'), fc.constant([] as FuzzArgument[])),
      fc.tuple(fc.constant('ENABLE'), fc.array(words('CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4rev2'), { minLength: 1, maxLength: 2 })),
      fc.tuple(fc.constant('ID'), fc.constantFrom([{ kind: 'nil' }] as FuzzArgument[], [{ kind: 'list', items: [{ kind: 'quoted', value: Buffer.from('name') }, { kind: 'quoted', value: Buffer.from('fuzz') }] }] as FuzzArgument[])),
      fc.tuple(fc.constant('LOGIN'), fc.tuple(words('alice', 'bob', 'nobody'), words('alice-secret', 'wrong'))),
      fc.tuple(fc.constant('AUTHENTICATE'), fc.oneof(
        fc.tuple(words('PLAIN', 'XOAUTH2'), words('AGFsaWNlAGFsaWNlLXNlY3JldA==', '=', '!!')),
        // Without an initial response the next line is read as the SASL answer (line mode).
        fc.tuple(words('PLAIN')),
      )),
      fc.tuple(fc.constantFrom('SORT', 'THREAD'), fc.tuple(
        fc.oneof(words('REFERENCES', 'ORDEREDSUBJECT'), fc.array(words('ARRIVAL', 'REVERSE', 'SUBJECT', 'FROM', 'DISPLAYFROM', 'SIZE'), { maxLength: 3 })
          .map((items): FuzzArgument => ({ kind: 'list', items }))),
        words('UTF-8', 'US-ASCII'),
        words('ALL', 'SEEN', '1:*'),
      )),
      fc.tuple(fc.constant('SEARCH'), fc.tuple(words('RETURN'), fc.array(words('MIN', 'MAX', 'COUNT', 'ALL', 'SAVE'), { maxLength: 3 })
        .map((items): FuzzArgument => ({ kind: 'list', items })), words('ALL', 'UNSEEN', '$'))),
    ),
  })
  .map(({ tag, uid, shape: [verb, args] }) => ({
    tag,
    uid: uid && ['FETCH', 'STORE', 'SEARCH', 'COPY', 'MOVE', 'EXPUNGE'].includes(verb),
    verb,
    args: [...(args as readonly FuzzArgument[])],
  }));

/** The wire bytes of one command, CRLF included. */
export function renderCommand(command: FuzzCommand): Buffer {
  const parts: Buffer[] = [Buffer.from(`${command.tag} ${command.uid ? 'UID ' : ''}${command.verb}`, 'latin1')];
  for (const argument of command.args) {
    parts.push(Buffer.from(' '));
    renderArgument(argument, parts);
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

function renderArgument(argument: FuzzArgument, parts: Buffer[]): void {
  switch (argument.kind) {
    case 'atom':
      parts.push(Buffer.from(argument.value, 'latin1'));
      return;
    case 'nil':
      parts.push(Buffer.from('NIL'));
      return;
    case 'quoted': {
      const escaped = Buffer.from(argument.value.toString('latin1').replace(/["\\]/g, (special) => `\\${special}`), 'latin1');
      parts.push(Buffer.from('"'), escaped, Buffer.from('"'));
      return;
    }
    case 'literal': {
      const size = argument.value.length;
      const announcement = argument.form === 'synchronizing' ? `{${size}}` : argument.form === 'literal8' ? `~{${size}+}` : `{${size}+}`;
      parts.push(Buffer.from(`${announcement}\r\n`), argument.value);
      return;
    }
    case 'list':
      parts.push(Buffer.from('('));
      argument.items.forEach((item, index) => {
        if (index > 0) parts.push(Buffer.from(' '));
        renderArgument(item, parts);
      });
      parts.push(Buffer.from(')'));
      return;
  }
}

/** A token with its bytes exact (hex), so results compare byte for byte: atom -> text, NIL -> null. */
export type ExactToken = string | null | { quoted: string } | { literal: string } | ExactToken[];

/** A parser result in comparable form (need-more is never collected). */
export type ExactResult =
  | { kind: 'need-literal'; size: number }
  | { kind: 'request'; tag: string; name: string; uid: boolean; args: ExactToken[] }
  | { kind: 'line'; text: string }
  | { kind: 'error'; tag: string | undefined; message: string; fatal: boolean };

export function exactToken(token: Token): ExactToken {
  switch (token.type) {
    case 'atom': return token.value;
    case 'nil': return null;
    case 'list': return token.items.map(exactToken);
    case 'string': return token.literal ? { literal: token.value.toString('hex') } : { quoted: token.value.toString('hex') };
  }
}

export function exactResult(result: ParseResult): ExactResult {
  switch (result.kind) {
    case 'request': {
      const { tag, name, uid, args } = result.request;
      return { kind: 'request', tag, name, uid, args: args.map(exactToken) };
    }
    case 'error': return { kind: 'error', tag: result.tag, message: result.message, fatal: result.fatal === true };
    case 'need-literal': return { kind: 'need-literal', size: result.size };
    case 'line': return { kind: 'line', text: result.text };
    case 'need-more': throw new Error('need-more is not a result to compare');
  }
}

/** What the parser must return for a well-formed command: one need-literal per `{n}`, then the request. */
export function expectedResults(command: FuzzCommand): ExactResult[] {
  const literals: ExactResult[] = [];
  const toExact = (argument: FuzzArgument): ExactToken => {
    switch (argument.kind) {
      case 'atom': return argument.value.toUpperCase() === 'NIL' ? null : argument.value;
      case 'nil': return null;
      case 'quoted': return { quoted: argument.value.toString('hex') };
      case 'literal':
        if (argument.form === 'synchronizing') literals.push({ kind: 'need-literal', size: argument.value.length });
        return { literal: argument.value.toString('hex') };
      case 'list': return argument.items.map(toExact);
    }
  };
  const args = command.args.map(toExact);
  return [...literals, { kind: 'request', tag: command.tag, name: command.verb.toUpperCase(), uid: command.uid, args }];
}

/** Bytes that make grammars and the literal machinery take unusual paths. */
const INTERESTING_BYTES = [
  '{', '}', '{0}', '{99}', '{5+}', '~{3}', '{4294967296}', '{99999999999999999999+}', '\r\n', '\n', '\r', '"', '\\', '(', ')', '[', ']',
  '<', '>', '\0', ' ', '  ', 'NIL', '*', '%', '\xff', '\x7f', 'UID ', 'DONE\r\n', '+', '&', '&-',
].map((text) => Buffer.from(text, 'latin1'));

export type Mutation =
  | { kind: 'insert'; at: number; bytes: Buffer }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; byte: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'truncate'; at: number };

/** Positions are fractions of the length, so a mutation lands inside whatever stream it is applied to. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), bytesArbitrary(6)) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

export function applyMutations(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let bytes = input;
  for (const mutation of mutations) {
    const at = Math.min(bytes.length, Math.floor(mutation.at * (bytes.length + 1)));
    switch (mutation.kind) {
      case 'insert': bytes = Buffer.concat([bytes.subarray(0, at), mutation.bytes, bytes.subarray(at)]); break;
      case 'delete': bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + mutation.length)]); break;
      case 'replace': if (at < bytes.length) { bytes = Buffer.from(bytes); bytes[at] = mutation.byte; } break;
      case 'duplicate': bytes = Buffer.concat([bytes.subarray(0, at + mutation.length), bytes.subarray(at)]); break;
      case 'truncate': bytes = bytes.subarray(0, at); break;
    }
  }
  return bytes;
}

/** A line of raw bytes (no LF inside), as a confused or hostile peer might send. */
const garbageLineArbitrary = bytesArbitrary(80).map((bytes) => Buffer.concat([Buffer.from(bytes.filter((byte) => byte !== 0x0a)), Buffer.from('\r\n')]));

export interface FuzzStream {
  bytes: Buffer;
  /** How many command lines went into it before mutation (for the summary). */
  commandLines: number;
}

/** Several commands (well-formed, realistic or garbage) rendered back to back, then mutated. */
export function fuzzStreamArbitrary(options: { maxCommands?: number; maxMutations?: number } = {}): fc.Arbitrary<FuzzStream> {
  const piece = fc.oneof(
    { weight: 6, arbitrary: realisticCommandArbitrary.map(renderCommand) },
    { weight: 3, arbitrary: commandArbitrary.map(renderCommand) },
    { weight: 1, arbitrary: garbageLineArbitrary },
  );
  // Half the streams stay unmutated, so whole sessions of plausible commands get deep into the server too.
  const mutations = fc.oneof(fc.constant([] as Mutation[]), fc.array(mutationArbitrary, { minLength: 1, maxLength: options.maxMutations ?? 4 }));
  return fc
    .record({ pieces: fc.array(piece, { minLength: 1, maxLength: options.maxCommands ?? 6 }), mutations })
    .map(({ pieces, mutations }) => ({ bytes: applyMutations(Buffer.concat(pieces), mutations), commandLines: pieces.length }));
}

/** Chunk sizes (cycled) for feeding a stream as partial reads; mostly small, sometimes one byte at a time. */
export const chunkSizesArbitrary = fc.oneof(
  fc.constant([1]),
  fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 }),
  fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 4 }),
);

/** Splits `bytes` into consecutive chunks of the given sizes, cycling through them. */
export function splitIntoChunks(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (let index = 0; offset < bytes.length; index++) {
    const size = Math.max(1, sizes[index % sizes.length]!);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}
