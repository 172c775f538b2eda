// Table tests for the incremental IMAP command parser (RFC 3501 §9, RFC 7888 LITERAL+): the command
// forms real clients send, each also fed one byte at a time, literal handshakes, error recovery, fuzz.
import { describe, expect, it } from 'vitest';
import { CommandParser } from '../../src/postoffice/imap/protocol/command-parser.ts';
import { feed, feedPlain, plainResult, type PlainToken } from './parser-harness.ts';

interface TableCase {
  name: string;
  input: string;
  tag: string;
  verb: string;
  uid?: boolean;
  args: PlainToken[];
  literals?: number[];
}

const thunderbirdHeaderFetch = 'BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)]';

const table: TableCase[] = [
  { name: 'CAPABILITY', input: 'a1 CAPABILITY\r\n', tag: 'a1', verb: 'CAPABILITY', args: [] },
  { name: 'verb upper-cased', input: 'a1 noop\r\n', tag: 'a1', verb: 'NOOP', args: [] },
  { name: 'bare LF', input: 'a1 NOOP\n', tag: 'a1', verb: 'NOOP', args: [] },
  { name: 'Thunderbird UID fetch', input: '5 UID fetch 1:* (FLAGS)\r\n', tag: '5', verb: 'FETCH', uid: true, args: ['1:*', ['FLAGS']] },
  {
    name: 'Thunderbird header fetch',
    input: `6 UID FETCH 5 (UID RFC822.SIZE FLAGS ${thunderbirdHeaderFetch})\r\n`,
    tag: '6', verb: 'FETCH', uid: true, args: ['5', ['UID', 'RFC822.SIZE', 'FLAGS', thunderbirdHeaderFetch]],
  },
  {
    name: 'partial body fetch atom',
    input: 'A3 FETCH 1 BODY.PEEK[HEADER.FIELDS (From To)]<0.100>\r\n',
    tag: 'A3', verb: 'FETCH', args: ['1', 'BODY.PEEK[HEADER.FIELDS (From To)]<0.100>'],
  },
  { name: 'BODY[] then more items', input: 'A3 FETCH 1:3 (BODY[] FLAGS)\r\n', tag: 'A3', verb: 'FETCH', args: ['1:3', ['BODY[]', 'FLAGS']] },
  {
    name: 'APPEND with flags, date and non-synchronizing literal',
    input: 'A4 APPEND "Sent Items" (\\Seen $Forwarded) "05-Dec-2026 10:11:12 +0100" {10+}\r\nHello\r\nBye\r\n',
    tag: 'A4', verb: 'APPEND', args: [{ str: 'Sent Items' }, ['\\Seen', '$Forwarded'], { str: '05-Dec-2026 10:11:12 +0100' }, { lit: 'Hello\r\nBye' }],
  },
  {
    name: 'APPEND with synchronizing literal',
    input: 'A4 APPEND INBOX {5}\r\nHello\r\n',
    tag: 'A4', verb: 'APPEND', args: ['INBOX', { lit: 'Hello' }], literals: [5],
  },
  {
    name: 'literal8 accepted',
    input: 'A4 APPEND INBOX ~{3+}\r\na\0b\r\n',
    tag: 'A4', verb: 'APPEND', args: ['INBOX', { lit: 'a\0b' }],
  },
  {
    name: 'LOGIN with escapes',
    input: 'a001 LOGIN "joe\\\\smith" "pa\\"ss word"\r\n',
    tag: 'a001', verb: 'LOGIN', args: [{ str: 'joe\\smith' }, { str: 'pa"ss word' }],
  },
  {
    name: 'LOGIN with two synchronizing literals',
    input: 'a002 LOGIN {3}\r\nbob {4}\r\nsecr\r\n',
    tag: 'a002', verb: 'LOGIN', args: [{ lit: 'bob' }, { lit: 'secr' }], literals: [3, 4],
  },
  { name: 'LIST "" "*"', input: 'A5 LIST "" "*"\r\n', tag: 'A5', verb: 'LIST', args: [{ str: '' }, { str: '*' }] },
  { name: 'LIST % atom', input: 'A5 LIST "" %\r\n', tag: 'A5', verb: 'LIST', args: [{ str: '' }, '%'] },
  {
    name: 'LIST-EXTENDED',
    input: 'A6 LIST (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)\r\n',
    tag: 'A6', verb: 'LIST', args: [['SUBSCRIBED'], { str: '' }, { str: '*' }, 'RETURN', ['SPECIAL-USE']],
  },
  {
    name: 'ID with list',
    input: 'A7 ID ("name" "Thunderbird" "version" "128.0" "vendor" NIL)\r\n',
    tag: 'A7', verb: 'ID', args: [[{ str: 'name' }, { str: 'Thunderbird' }, { str: 'version' }, { str: '128.0' }, { str: 'vendor' }, null]],
  },
  { name: 'ID NIL', input: 'A7 ID NIL\r\n', tag: 'A7', verb: 'ID', args: [null] },
  {
    name: 'SEARCH nested OR/NOT',
    input: 'A8 UID SEARCH CHARSET UTF-8 OR (FROM "bob" NOT SEEN) (SINCE 1-Feb-1994 NOT (SUBJECT "x y")) UNDELETED\r\n',
    tag: 'A8', verb: 'SEARCH', uid: true,
    args: ['CHARSET', 'UTF-8', 'OR', ['FROM', { str: 'bob' }, 'NOT', 'SEEN'], ['SINCE', '1-Feb-1994', 'NOT', ['SUBJECT', { str: 'x y' }]], 'UNDELETED'],
  },
  { name: 'AUTHENTICATE PLAIN SASL-IR', input: 'A9 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\r\n', tag: 'A9', verb: 'AUTHENTICATE', args: ['PLAIN', 'AGJvYgBzZWNyZXQ='] },
  { name: 'AUTHENTICATE empty initial response', input: 'A9 AUTHENTICATE PLAIN =\r\n', tag: 'A9', verb: 'AUTHENTICATE', args: ['PLAIN', '='] },
  {
    name: 'STORE with flags and UNCHANGEDSINCE',
    input: 'B1 UID STORE 1:5,7 (UNCHANGEDSINCE 12) +FLAGS.SILENT (\\Deleted \\Seen)\r\n',
    tag: 'B1', verb: 'STORE', uid: true, args: ['1:5,7', ['UNCHANGEDSINCE', '12'], '+FLAGS.SILENT', ['\\Deleted', '\\Seen']],
  },
  { name: 'SELECT with CONDSTORE', input: 'B2 SELECT INBOX (CONDSTORE)\r\n', tag: 'B2', verb: 'SELECT', args: ['INBOX', ['CONDSTORE']] },
  { name: 'empty list', input: 'B3 X ()\r\n', tag: 'B3', verb: 'X', args: [[]] },
  { name: 'nested lists', input: 'B3 X ((a (b)) c)\r\n', tag: 'B3', verb: 'X', args: [[['a', ['b']], 'c']] },
  { name: 'UTF-8 in quoted string', input: 'B4 SEARCH SUBJECT "Grüße"\r\n', tag: 'B4', verb: 'SEARCH', args: ['SUBJECT', { str: 'Grüße' }] },
  { name: 'tag with dots and digits', input: '1.2.3 NOOP\r\n', tag: '1.2.3', verb: 'NOOP', args: [] },
  { name: 'list then literal inside list', input: 'B5 X (a {1}\r\nb)\r\n', tag: 'B5', verb: 'X', args: [['a', { lit: 'b' }]], literals: [1] },
  { name: 'MOVE', input: 'B6 UID MOVE 4:2 Trash\r\n', tag: 'B6', verb: 'MOVE', uid: true, args: ['4:2', 'Trash'] },
];

function expected(testCase: TableCase) {
  return [
    ...(testCase.literals ?? []).map((size) => ({ kind: 'need-literal', size })),
    { kind: 'request', tag: testCase.tag, name: testCase.verb, uid: testCase.uid ?? false, args: testCase.args },
  ];
}

describe('CommandParser table', () => {
  for (const testCase of table) {
    it(testCase.name, () => {
      expect(feedPlain(testCase.input)).toEqual(expected(testCase));
    });
    it(`${testCase.name} (one byte at a time)`, () => {
      expect(feedPlain(testCase.input, 1)).toEqual(expected(testCase));
    });
  }

  it('parses the whole table as one pipelined stream, in chunks of every size', () => {
    const stream = table.map((testCase) => testCase.input).join('');
    const all = table.flatMap(expected);
    for (const chunkSize of [1, 2, 3, 7, 13, 64, 1000]) expect(feedPlain(stream, chunkSize)).toEqual(all);
  });
});

describe('literals', () => {
  it('emits need-literal exactly once for a synchronizing literal, before its bytes arrive', () => {
    const parser = new CommandParser();
    parser.push(Buffer.from('A1 APPEND INBOX {5}\r\n'));
    expect(parser.next()).toEqual({ kind: 'need-literal', size: 5 });
    expect(parser.next()).toEqual({ kind: 'need-more' });
    parser.push(Buffer.from('Hel'));
    expect(parser.next()).toEqual({ kind: 'need-more' });
    parser.push(Buffer.from('lo\r\n'));
    const result = parser.next();
    expect(result.kind).toBe('request');
    expect(parser.next()).toEqual({ kind: 'need-more' });
  });

  it('never emits need-literal for a non-synchronizing literal', () => {
    const results = feedPlain('A1 APPEND INBOX {5+}\r\nHello\r\n', 1);
    expect(results.map((result) => result.kind)).toEqual(['request']);
  });

  it('keeps literal bytes verbatim, including CRLF, NUL and 8-bit', () => {
    const body = Buffer.from([0x0d, 0x0a, 0x00, 0xff, 0x7b, 0x31, 0x7d, 0x0a]);
    const input = Buffer.concat([Buffer.from(`A1 APPEND INBOX {${body.length}+}\r\n`), body, Buffer.from('\r\n')]);
    const [result] = feed(input, 1);
    expect(result.kind === 'request' && result.request.args[1]).toEqual({ type: 'string', value: body, literal: true });
  });

  it('accepts a zero-length literal', () => {
    expect(feedPlain('A1 LOGIN {0}\r\n {0+}\r\n\r\n')).toEqual([
      { kind: 'need-literal', size: 0 },
      { kind: 'request', tag: 'A1', name: 'LOGIN', uid: false, args: [{ lit: '' }, { lit: '' }] },
    ]);
  });

  it('rejects a synchronizing literal over the limit without fatality, then goes on', () => {
    const results = feedPlain('A1 APPEND INBOX {100}\r\nA2 NOOP\r\n', Infinity, { maxLiteralBytes: 10 });
    expect(results).toEqual([
      { kind: 'error', tag: 'A1', fatal: false },
      { kind: 'request', tag: 'A2', name: 'NOOP', uid: false, args: [] },
    ]);
  });

  it('fails fatally on a non-synchronizing literal over the limit', () => {
    const results = feedPlain('A1 APPEND INBOX {100+}\r\nxxxxxxxxxxxxxxxxxx\r\nA2 NOOP\r\n', 1, { maxLiteralBytes: 10 });
    expect(results).toEqual([{ kind: 'error', tag: 'A1', fatal: true }]);
  });

  it('limits the total literal bytes of one command', () => {
    const options = { maxLiteralBytes: 10, maxCommandLiteralBytes: 15 };
    expect(feedPlain('A1 X {8}\r\n12345678 {8}\r\nA2 NOOP\r\n', Infinity, options)).toEqual([
      { kind: 'need-literal', size: 8 },
      { kind: 'error', tag: 'A1', fatal: false },
      { kind: 'request', tag: 'A2', name: 'NOOP', uid: false, args: [] },
    ]);
    expect(feedPlain('A1 X {8+}\r\n12345678 {8+}\r\n12345678\r\n', Infinity, options)).toEqual([{ kind: 'error', tag: 'A1', fatal: true }]);
  });

  it('takes a large literal delivered in many chunks', () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const input = Buffer.concat([Buffer.from(`A1 APPEND INBOX {${body.length}+}\r\n`), body, Buffer.from('\r\n')]);
    const [result] = feed(input, 65536);
    expect(result.kind === 'request' && (result.request.args[1] as { value: Buffer }).value.equals(body)).toBe(true);
  });
});

describe('one byte per chunk at scale', () => {
  // A peer may trickle single bytes; the parser must stay linear (a quadratic one would not finish).
  it('parses a 60 KB line and a 300 KB literal delivered one byte at a time', () => {
    const input = `A1 X ${'y'.repeat(60_000)}\r\nA2 APPEND INBOX {300000+}\r\n${'z'.repeat(300_000)}\r\n`;
    const results = feed(input, 1);
    expect(results.map((result) => result.kind)).toEqual(['request', 'request']);
    const append = results[1];
    expect(append.kind === 'request' && (append.request.args[1] as { value: Buffer }).value.length).toBe(300_000);
  });
});

describe('broken commands', () => {
  const next = 'Z9 NOOP\r\n';
  const noop = { kind: 'request', tag: 'Z9', name: 'NOOP', uid: false, args: [] };
  const cases: Array<{ name: string; input: string; tag: string | undefined }> = [
    { name: 'missing tag', input: ' NOOP\r\n', tag: undefined },
    { name: 'untagged star', input: '* NOOP\r\n', tag: undefined },
    { name: 'missing command', input: 'A1\r\n', tag: 'A1' },
    { name: 'missing command after space', input: 'A1 \r\n', tag: 'A1' },
    { name: 'UID without command', input: 'A1 UID\r\n', tag: 'A1' },
    { name: 'unbalanced open paren', input: 'A1 FETCH 1 (FLAGS\r\n', tag: 'A1' },
    { name: 'unbalanced close paren', input: 'A1 FETCH 1 FLAGS)\r\n', tag: 'A1' },
    { name: 'unterminated quote', input: 'A1 LOGIN "bob\r\n', tag: 'A1' },
    { name: 'bad escape', input: 'A1 LOGIN "b\\ob" x\r\n', tag: 'A1' },
    { name: 'bad literal size', input: 'A1 LOGIN {abc}\r\n', tag: 'A1' },
    { name: 'negative literal size', input: 'A1 LOGIN {-1}\r\n', tag: 'A1' },
    { name: 'literal not at end of line', input: 'A1 LOGIN {3} x\r\n', tag: 'A1' },
    { name: 'literal glued to atom', input: 'A1 LOGIN bob{3}\r\n', tag: 'A1' },
    { name: 'unterminated bracket', input: 'A1 FETCH 1 BODY[HEADER\r\n', tag: 'A1' },
    { name: 'control character', input: 'A1 NO\x01OP x\x01\r\n', tag: 'A1' },
    { name: 'tokens without space', input: 'A1 LOGIN "a""b"\r\n', tag: 'A1' },
    { name: 'literal in the verb position', input: 'A1 {3}\r\n', tag: 'A1' },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} -> error, then the next command parses`, () => {
      const expectedResults = [{ kind: 'error', tag: testCase.tag, fatal: false }, noop];
      expect(feedPlain(testCase.input + next)).toEqual(expectedResults);
      expect(feedPlain(testCase.input + next, 1)).toEqual(expectedResults);
    });
  }

  it('reports a message saying what is wrong', () => {
    const [result] = feed('A1 LOGIN "bob\r\n');
    expect(result).toMatchObject({ kind: 'error', tag: 'A1', message: 'unterminated quoted string' });
  });

  it('skips the non-synchronizing literal of a broken line', () => {
    const results = feedPlain('A1 APPEND "a"b {11+}\r\nZ1 NOOP\r\nX\r\n' + next, 1);
    expect(results).toEqual([{ kind: 'error', tag: 'A1', fatal: false }, noop]);
  });

  it('skips a broken continuation after a literal, and the literal after it', () => {
    const results = feedPlain('A1 X {1+}\r\na"b {2+}\r\nzz more\r\n' + next);
    expect(results).toEqual([{ kind: 'error', tag: 'A1', fatal: false }, noop]);
  });

  it('does not expect the synchronizing literal of a broken line', () => {
    expect(feedPlain('A1 LOGIN ) {5}\r\n' + next)).toEqual([{ kind: 'error', tag: 'A1', fatal: false }, noop]);
  });

  it('line too long -> error with the tag, resynchronises at the next line', () => {
    const long = `A1 LOGIN ${'x'.repeat(5000)}\r\n`;
    for (const chunkSize of [1, 100, Infinity]) {
      expect(feedPlain(long + next, chunkSize, { maxLineBytes: 1000 })).toEqual([{ kind: 'error', tag: 'A1', fatal: false }, noop]);
    }
  });

  it('line too long ending in a non-synchronizing literal skips that literal too', () => {
    const long = `A1 APPEND ${'x'.repeat(5000)} {4+}\r\nZ1 X\r\n`;
    for (const chunkSize of [1, 7, Infinity]) {
      expect(feedPlain(long + next, chunkSize, { maxLineBytes: 1000 })).toEqual([{ kind: 'error', tag: 'A1', fatal: false }, noop]);
    }
  });

  it('counts all segments of a command against the line limit', () => {
    const segment = 'x'.repeat(400);
    const input = `A1 X ${segment} {1+}\r\na ${segment} {1+}\r\nb ${segment}\r\n`;
    expect(feedPlain(input + next, Infinity, { maxLineBytes: 1000 })).toEqual([{ kind: 'error', tag: 'A1', fatal: false }, noop]);
  });

  it('ignores blank lines between commands', () => {
    expect(feedPlain('\r\n\r\n' + next)).toEqual([noop]);
  });
});

describe('line mode', () => {
  it('returns raw lines while on, commands again when off', () => {
    const parser = new CommandParser();
    parser.push(Buffer.from('A1 IDLE\r\n'));
    expect(plainResult(parser.next())).toMatchObject({ kind: 'request', name: 'IDLE' });
    parser.setLineMode(true);
    parser.push(Buffer.from('do'));
    expect(parser.next()).toEqual({ kind: 'need-more' });
    parser.push(Buffer.from('ne\r\n\r\nA2 NOOP\r\n'));
    expect(parser.next()).toEqual({ kind: 'line', text: 'done' });
    expect(parser.next()).toEqual({ kind: 'line', text: '' });
    parser.setLineMode(false);
    expect(plainResult(parser.next())).toMatchObject({ kind: 'request', tag: 'A2', name: 'NOOP' });
  });

  it('reports over-long lines in line mode and resynchronises', () => {
    const parser = new CommandParser({ maxLineBytes: 100 });
    parser.setLineMode(true);
    for (const chunkSize of [10, Infinity]) {
      const results = feed(`${'A'.repeat(500)}\r\nDONE\r\n`, chunkSize, undefined, parser);
      expect(results.map((result) => result.kind)).toEqual(['error', 'line']);
      expect(results[0]).toMatchObject({ tag: undefined });
      expect(results[1]).toEqual({ kind: 'line', text: 'DONE' });
    }
  });
});

describe('fuzz', () => {
  // A small deterministic PRNG keeps failures reproducible.
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 0x100000000;
    };
  }
  const alphabet = Buffer.from('A1 ()[]{}<>"\\*%+~.:,0123456789\r\n\r\nFETCH BODY[] {3} {2+} NIL\x00\xff');

  it('gives the same results whatever the chunking (random streams, whole vs one byte at a time)', () => {
    const next = random(7);
    for (let round = 0; round < 500; round++) {
      const length = Math.floor(next() * 300);
      const bytes = Buffer.alloc(length);
      for (let index = 0; index < length; index++) {
        bytes[index] = next() < 0.1 ? Math.floor(next() * 256) : alphabet[Math.floor(next() * alphabet.length)];
      }
      const options = { maxLineBytes: 100, maxLiteralBytes: 50 };
      expect(feedPlain(bytes, 1, options)).toEqual(feedPlain(bytes, Infinity, options));
    }
  });

  it('never throws on random bytes and stays usable afterwards', () => {
    const next = random(42);
    for (let round = 0; round < 300; round++) {
      const length = Math.floor(next() * 400);
      const bytes = Buffer.alloc(length);
      for (let index = 0; index < length; index++) {
        bytes[index] = next() < 0.5 ? Math.floor(next() * 256) : alphabet[Math.floor(next() * alphabet.length)];
      }
      const parser = new CommandParser({ maxLineBytes: 200, maxLiteralBytes: 50 });
      const chunkSize = 1 + Math.floor(next() * 20);
      const results = feed(bytes, chunkSize, undefined, parser);
      for (const result of results) expect(['request', 'error', 'need-literal', 'line']).toContain(result.kind);
      // Whatever state the garbage left behind, a fatal error or a clean command must come out eventually
      // once the peer finishes any literal and line it may have announced.
      const fatal = results.some((result) => result.kind === 'error' && result.fatal);
      if (!fatal) {
        const recovery = feed(`${'x'.repeat(60)}\r\nZ1 NOOP\r\n`, Infinity, undefined, parser);
        expect(recovery.some((result) => result.kind === 'request' || result.kind === 'error')).toBe(true);
      }
    }
  });
});
