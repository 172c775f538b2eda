// Byte-level grammar of the search, sort, append and binary extensions: the parser turns the RFCs' example command
// lines into the arguments the verbs expect, and refuses what the grammars do not allow. RFC 4731 / RFC 4466
// `RETURN (...)`, RFC 5182 `$`, RFC 5256 / RFC 5957 sort criteria and THREAD arguments, RFC 5267 PARTIAL,
// RFC 3502 MULTIAPPEND, RFC 3516 `~{n}` literal8 and BINARY fetch items, RFC 7888 LITERAL-.
import { describe, expect, it } from 'vitest';
import {
  ProtocolSyntaxError, fetchResponseLabel, parseAppendMessages, parseFetchItems, parseSearchKeys, parseSearchReturn, parseSequenceSet,
  parseSortArguments, parseThreadArguments,
} from '../../src/postoffice/imap/protocol/argument-parsers.ts';
import type { CommandRequest, Token } from '../../src/postoffice/imap/protocol/protocol-types.ts';
import { feed, feedPlain } from './parser-harness.ts';

/** The one request a complete command line parses to. */
function request(line: string | Buffer): CommandRequest {
  const results = feed(line);
  const found = results.find((result) => result.kind === 'request');
  if (found?.kind !== 'request') throw new Error(`no request in ${JSON.stringify(results)}`);
  return found.request;
}

function args(text: string): Token[] {
  return request(`T X ${text}\r\n`).args;
}

describe('RETURN options (RFC 4731 §3.1, RFC 5182, RFC 5267 §4)', () => {
  it('reads the RFC 4731 examples', () => {
    const a282 = parseSearchReturn(args('RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"'));
    expect([...a282.searchReturn!.options]).toEqual(['MIN', 'COUNT']);
    expect(parseSearchKeys(a282.rest).key).toMatchObject({ kind: 'and' });
    // RETURN () is (ALL); RETURN (CONTEXT) is a hint and still means ALL.
    expect([...parseSearchReturn(args('RETURN () FLAGGED')).searchReturn!.options]).toEqual(['ALL']);
    expect([...parseSearchReturn(args('RETURN (CONTEXT) FLAGGED')).searchReturn!.options]).toEqual(['CONTEXT', 'ALL']);
    expect(parseSearchReturn(args('FLAGGED')).searchReturn).toBeUndefined();
  });

  it('reads SAVE, UPDATE and PARTIAL in any case', () => {
    const parsed = parseSearchReturn(args('RETURN (save Update partial 501:1000) ALL')).searchReturn!;
    expect([...parsed.options]).toEqual(['SAVE', 'UPDATE']);
    expect(parsed.partial).toEqual({ low: 501, high: 1000 });
    expect(parseSearchReturn(args('RETURN (PARTIAL 9:3) ALL')).searchReturn!.partial).toEqual({ low: 3, high: 9 });
  });

  it('refuses unknown options, PARTIAL with ALL, a second PARTIAL or UPDATE, and bad ranges', () => {
    for (const text of ['RETURN (FIRST) ALL', 'RETURN (PARTIAL 1:5 ALL) ALL', 'RETURN (PARTIAL 1:5 PARTIAL 6:9) ALL', 'RETURN (UPDATE UPDATE) ALL',
      'RETURN (PARTIAL 0:5) ALL', 'RETURN (PARTIAL -1:5) ALL', 'RETURN (PARTIAL) ALL', 'RETURN ("MIN") ALL', 'RETURN MIN ALL']) {
      expect(() => parseSearchReturn(args(text)), text).toThrow(ProtocolSyntaxError);
    }
  });
});

describe('the saved result $ (RFC 5182 §3 seq-last-command)', () => {
  it('is a sequence set of its own, in FETCH, UID FETCH and search keys', () => {
    expect(parseSequenceSet('$')).toEqual({ ranges: [], saved: true });
    expect(request('A283 FETCH $ (UID INTERNALDATE FLAGS RFC822.HEADER)\r\n').args[0]).toEqual({ type: 'atom', value: '$' });
    expect(parseSearchKeys(args('UID $ SMALLER 4096')).key).toEqual({
      kind: 'and', keys: [{ kind: 'uid', set: { ranges: [], saved: true } }, { kind: 'size', op: 'smaller', size: 4096 }],
    });
    // Example 4: `$` combined with other numbers through OR.
    expect(parseSearchKeys(args('CHARSET UTF-8 (OR $ 1,3000:3021) TEXT {8+}\r\nYYYYYYYY')).key).toMatchObject({
      kind: 'and', keys: [{ kind: 'or', left: { kind: 'sequence', set: { saved: true } } }, { kind: 'text' }],
    });
  });

  it('may not be mixed into a set', () => {
    for (const text of ['1,$', '$:5', '$,$', '$$']) expect(() => parseSequenceSet(text), text).toThrow(ProtocolSyntaxError);
  });
});

describe('SORT and THREAD arguments (RFC 5256 §5, RFC 5957 §5, RFC 5267 §3)', () => {
  it('reads the RFC examples', () => {
    expect(parseSortArguments(args('(SUBJECT REVERSE DATE) UTF-8 ALL'))).toEqual({
      searchReturn: undefined,
      criteria: [{ key: 'SUBJECT', reverse: false }, { key: 'DATE', reverse: true }],
      charset: 'UTF-8',
      key: { kind: 'all' },
    });
    const e01 = parseSortArguments(request('E01 UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk\r\n').args);
    expect([...e01.searchReturn!.options]).toEqual(['ALL']);
    expect(e01.criteria).toEqual([{ key: 'DATE', reverse: true }]);
    expect(parseSortArguments(args('(DISPLAYFROM reverse displayto) "us-ascii" TEXT "not in mailbox"')).criteria).toEqual([
      { key: 'DISPLAYFROM', reverse: false }, { key: 'DISPLAYTO', reverse: true },
    ]);
    expect(parseThreadArguments(args('ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000'))).toMatchObject({ algorithm: 'ORDEREDSUBJECT', charset: 'UTF-8' });
    expect(parseThreadArguments(args('references us-ascii TEXT "gewp"')).algorithm).toBe('REFERENCES');
  });

  it('refuses empty or unknown criteria, a dangling REVERSE, a missing charset or criteria, and CHARSET', () => {
    for (const text of ['() UTF-8 ALL', '(FOO) UTF-8 ALL', '(REVERSE) UTF-8 ALL', '(REVERSE REVERSE DATE) UTF-8 ALL', '(DATE)', '(DATE) UTF-8',
      'DATE UTF-8 ALL', '(DATE) CHARSET UTF-8 ALL', '(DATE) UTF-8 CHARSET UTF-8 ALL', '("DATE") UTF-8 ALL']) {
      expect(() => parseSortArguments(args(text)), text).toThrow(ProtocolSyntaxError);
    }
    for (const text of ['FOO UTF-8 ALL', 'REFERENCES', 'REFERENCES UTF-8', '(REFERENCES) UTF-8 ALL', 'REFERENCES UTF-8 CHARSET UTF-8 ALL']) {
      expect(() => parseThreadArguments(args(text)), text).toThrow(ProtocolSyntaxError);
    }
  });
});

describe('BINARY fetch items (RFC 3516 §4.2, §7)', () => {
  it('reads BINARY, BINARY.PEEK with partials and BINARY.SIZE, named in responses as Dovecot names them', () => {
    const items = parseFetchItems(args('(BINARY[1.2] BINARY.PEEK[]<0.1024> binary.size[3] BINARY.PEEK[2]<10.5>)'));
    expect(items).toEqual([
      { kind: 'BINARY[]', peek: false, part: [1, 2] },
      { kind: 'BINARY[]', peek: true, part: [], partial: { offset: 0, length: 1024 } },
      { kind: 'BINARY.SIZE', part: [3] },
      { kind: 'BINARY[]', peek: true, part: [2], partial: { offset: 10, length: 5 } },
    ]);
    expect(items.map(fetchResponseLabel)).toEqual(['BINARY[1.2]', 'BINARY[]<0>', 'BINARY.SIZE[3]', 'BINARY[2]<10>']);
  });

  it('allows part numbers only (section-binary), and no partial on BINARY.SIZE', () => {
    for (const text of ['BINARY[TEXT]', 'BINARY[1.MIME]', 'BINARY[HEADER]', 'BINARY[0]', 'BINARY[1.]', 'BINARY.SIZE[1]<0.5>', 'BINARY[1]<0.0>', 'BINARY']) {
      expect(() => parseFetchItems(args(text)), text).toThrow(ProtocolSyntaxError);
    }
  });
});

describe('APPEND with MULTIAPPEND and literal8 (RFC 3502, RFC 3516 §4.4)', () => {
  it('reads the RFC 3502 example: two messages with flags and a date', () => {
    const first = 'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nSubject: afternoon meeting\r\n\r\nHello Joe\r\n';
    const second = 'Subject: Re: afternoon meeting\r\n\r\n3:30 is fine with me.\r\n';
    const input = `A003 APPEND saved-messages (\\Seen) {${first.length}}\r\n${first} (\\Seen) " 7-Feb-1994 22:43:04 -0800" {${second.length}}\r\n${second}\r\n`;
    const results = feedPlain(input, 7);
    expect(results.map((result) => result.kind)).toEqual(['need-literal', 'need-literal', 'request']);
    const parsed = parseAppendMessages(request(input).args.slice(1));
    expect(parsed.map((message) => [message.flags, message.internalDate?.toISOString(), message.data])).toEqual([
      [['\\Seen'], undefined, { kind: 'literal', bytes: Buffer.from(first), binary: false }],
      [['\\Seen'], '1994-02-08T06:43:04.000Z', { kind: 'literal', bytes: Buffer.from(second), binary: false }],
    ]);
  });

  it('marks ~{n} and ~{n+} data as literal8, NUL bytes and all', () => {
    const data = Buffer.from([0x41, 0x00, 0x0d, 0x0a, 0xff]);
    const line = Buffer.concat([Buffer.from('A1 APPEND INBOX ~{5+}\r\n'), data, Buffer.from(' ~{2}\r\n'), Buffer.from([0, 0]), Buffer.from('\r\n')]);
    const results = feed(line, 3);
    expect(results.map((result) => result.kind)).toEqual(['need-literal', 'request']);
    expect(parseAppendMessages(request(line).args.slice(1)).map((message) => message.data)).toEqual([
      { kind: 'literal', bytes: data, binary: true },
      { kind: 'literal', bytes: Buffer.from([0, 0]), binary: true },
    ]);
  });

  it('hands CATENATE (RFC 4469) on unparsed and refuses a quoted message or a missing literal', () => {
    expect(parseAppendMessages(args('CATENATE (URL "/INBOX;UID=1")')).map((message) => message.data.kind)).toEqual(['catenate']);
    for (const text of ['"x"', '(\\Seen)', '(\\Seen) " 7-Feb-1994 22:43:04 -0800"', 'FOO']) {
      expect(() => parseAppendMessages(args(text)), text).toThrow(ProtocolSyntaxError);
    }
    expect(() => parseAppendMessages([])).toThrow(ProtocolSyntaxError);
  });
});

describe('LITERAL- (RFC 7888 §5)', () => {
  const options = { maxNonSynchronizingLiteralBytes: 4096 };

  it('accepts non-synchronizing literals up to 4096 bytes', () => {
    const results = feed(`A1 APPEND INBOX {4096+}\r\n${'x'.repeat(4096)}\r\n`, 1000, options);
    expect(results.map((result) => result.kind)).toEqual(['request']);
  });

  it('reads and skips a larger one, answers BAD [TOOBIG], and parses the next command normally', () => {
    const results = feed(`A1 APPEND INBOX {4097+}\r\n${'x'.repeat(4097)} {3+}\r\nabc\r\nA2 NOOP\r\n`, 999, options);
    expect(results).toEqual([
      { kind: 'error', tag: 'A1', message: expect.stringContaining('4096'), code: 'TOOBIG' },
      { kind: 'request', request: { tag: 'A2', name: 'NOOP', uid: false, args: [] } },
    ]);
  });

  it('still takes a synchronizing literal of any size', () => {
    expect(feed(`A1 APPEND INBOX {5000}\r\n`, Infinity, options).map((result) => result.kind)).toEqual(['need-literal']);
  });
});
