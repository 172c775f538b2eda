// Tests for the RFC 3501 §9 argument grammars: sequence sets, fetch items, search keys, STORE actions,
// flag lists, dates and token helpers.
import { describe, expect, it } from 'vitest';
import {
  ProtocolSyntaxError, fetchResponseLabel, formatDateTime, formatSequenceSet, parseDateTime, parseFetchItems, parseFetchModifiers, parseFlagList,
  parseSearchDate, parseSearchKeys, parseSequenceSet, parseStoreAction, resolveSequenceSet, sequenceSetContains,
  sequenceSetExceeds, tokenToAstring, tokenToMailbox, tokenToNstring, tokenToNumber, tokenToString,
} from '../../src/postoffice/imap/protocol/argument-parsers.ts';
import type { Token } from '../../src/postoffice/imap/protocol/protocol-types.ts';
import { feed } from './parser-harness.ts';

/** The argument tokens of `X <text>` as the real parser produces them. */
function args(text: string): Token[] {
  const [result] = feed(`T X ${text}\r\n`);
  if (result?.kind !== 'request') throw new Error(`test input did not parse: ${text}`);
  return result.request.args;
}

describe('sequence sets', () => {
  it('parses ranges and stars', () => {
    expect(parseSequenceSet('1:3,7,9:*')).toEqual({ ranges: [{ start: 1, end: 3 }, { start: 7, end: 7 }, { start: 9, end: '*' }] });
    expect(parseSequenceSet('*')).toEqual({ ranges: [{ start: '*', end: '*' }] });
  });

  it('rejects malformed sets', () => {
    for (const text of ['', '0', '1:0', '1,', ',1', '1::2', 'a', '1:2:3', '4294967296', '1,$', '$:3', '01']) {
      expect(() => parseSequenceSet(text), text).toThrow(ProtocolSyntaxError);
    }
  });

  it('resolves ascending, unique, either order, clamped to max', () => {
    expect(resolveSequenceSet(parseSequenceSet('5:3,1,4,9:*'), 10)).toEqual([1, 3, 4, 5, 9, 10]);
    expect(resolveSequenceSet(parseSequenceSet('*:8'), 10)).toEqual([8, 9, 10]);
    expect(resolveSequenceSet(parseSequenceSet('12:*'), 10)).toEqual([10]);
    expect(resolveSequenceSet(parseSequenceSet('1:4294967295'), 3)).toEqual([1, 2, 3]);
  });

  it('resolves * to nothing in an empty mailbox', () => {
    expect(resolveSequenceSet(parseSequenceSet('1:*'), 0)).toEqual([]);
    expect(resolveSequenceSet(parseSequenceSet('*'), 0)).toEqual([]);
  });

  it('tests membership without enumerating', () => {
    const set = parseSequenceSet('2:4,100:*');
    expect(sequenceSetContains(set, 3, 200)).toBe(true);
    expect(sequenceSetContains(set, 5, 200)).toBe(false);
    expect(sequenceSetContains(set, 150, 200)).toBe(true);
    expect(sequenceSetContains(parseSequenceSet('*'), 7, 7)).toBe(true);
    expect(sequenceSetContains(parseSequenceSet('*'), 1, 0)).toBe(false);
  });

  it('detects numbers beyond the message count', () => {
    expect(sequenceSetExceeds(parseSequenceSet('1:5'), 4)).toBe(true);
    expect(sequenceSetExceeds(parseSequenceSet('1:*'), 4)).toBe(false);
  });

  it('formats compact sets', () => {
    expect(formatSequenceSet([7, 1, 2, 3, 9, 10])).toBe('1:3,7,9:10');
  });
});

describe('fetch items', () => {
  it('expands macros', () => {
    expect(parseFetchItems(args('FAST')).map((item) => item.kind)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE']);
    expect(parseFetchItems(args('all')).map((item) => item.kind)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE']);
    expect(parseFetchItems(args('FULL')).map((item) => item.kind)).toEqual(['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY']);
  });

  it('parses simple items in a list', () => {
    const items = parseFetchItems(args('(UID flags INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY RFC822 RFC822.HEADER RFC822.TEXT MODSEQ)'));
    expect(items.map((item) => item.kind)).toEqual(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY',
      'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'MODSEQ']);
  });

  it('parses the Thunderbird header fetch', () => {
    const [, , , item] = parseFetchItems(args('(UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)])'));
    expect(item).toEqual({
      kind: 'BODY[]', peek: true,
      section: { part: [], specifier: 'HEADER.FIELDS', fields: ['From', 'To', 'Cc', 'Bcc', 'Subject', 'Date', 'Message-ID', 'Priority',
        'X-Priority', 'References', 'Newsgroups', 'In-Reply-To', 'Content-Type', 'Reply-To', 'Received'] },
    });
  });

  it('parses sections and partials', () => {
    const section = (text: string) => {
      const [item] = parseFetchItems(args(text));
      return item.kind === 'BODY[]' ? item : undefined;
    };
    expect(section('BODY[]')).toEqual({ kind: 'BODY[]', peek: false, section: { part: [], specifier: null } });
    expect(section('body.peek[1.2.HEADER]')?.section).toEqual({ part: [1, 2], specifier: 'HEADER' });
    expect(section('BODY[1.2.MIME]')?.section).toEqual({ part: [1, 2], specifier: 'MIME' });
    expect(section('BODY[3]')?.section).toEqual({ part: [3], specifier: null });
    expect(section('BODY[TEXT]<0.2048>')).toMatchObject({ section: { specifier: 'TEXT' }, partial: { offset: 0, length: 2048 } });
    expect(section('BODY[HEADER.FIELDS.NOT (Received "X-Spam")]')?.section).toEqual({ part: [], specifier: 'HEADER.FIELDS.NOT', fields: ['Received', 'X-Spam'] });
    expect(section('BODY[2.header.fields (from)]')?.section).toEqual({ part: [2], specifier: 'HEADER.FIELDS', fields: ['from'] });
  });

  it('rejects bad fetch items', () => {
    for (const text of ['(FLAGS ALL)', 'BODY[0]', 'BODY[MIME]', 'BODY[1.]', 'BODY[HEADER.FIELDS ()]', 'BODY[HEADER.FIELDS]', 'BODY[TEXT]<0.0>',
      'BODY[]<5>', 'BINARY[TEXT]', 'BINARY.SIZE[1]<0.5>', 'FOO', '()', '"FLAGS"', 'BODY[FOO]']) {
      expect(() => parseFetchItems(args(text)), text).toThrow(ProtocolSyntaxError);
    }
    expect(() => parseFetchItems([])).toThrow(ProtocolSyntaxError);
  });

  it('names items in FETCH responses as RFC 3501 §7.4.2 requires', () => {
    const labels = parseFetchItems(args('(FLAGS BODY.PEEK[] body[1.2.mime] BODY.PEEK[HEADER.FIELDS (From "X Y")]<10.20> BODY[2.TEXT] RFC822.HEADER)'))
      .map(fetchResponseLabel);
    expect(labels).toEqual(['FLAGS', 'BODY[]', 'BODY[1.2.MIME]', 'BODY[HEADER.FIELDS (From "X Y")]<10>', 'BODY[2.TEXT]', 'RFC822.HEADER']);
  });

  it('parses CONDSTORE modifiers', () => {
    expect(parseFetchModifiers(args('(CHANGEDSINCE 12345 VANISHED)')[0])).toEqual({ changedSince: 12345, vanished: true });
    expect(parseFetchModifiers(undefined)).toEqual({ vanished: false });
    expect(() => parseFetchModifiers(args('(FOO 1)')[0])).toThrow(ProtocolSyntaxError);
  });
});

describe('search keys', () => {
  it('parses every RFC 3501 key', () => {
    const { charset, key } = parseSearchKeys(args('ALL ANSWERED BCC "b" BEFORE 1-Feb-1994 BODY x CC c DELETED DRAFT FLAGGED FROM f ' +
      'HEADER X-Tag v KEYWORD $Work LARGER 100 NEW NOT SEEN OLD ON 2-Mar-2020 OR SEEN FLAGGED RECENT SEEN SENTBEFORE 1-Jan-2000 ' +
      'SENTON 1-Jan-2000 SENTSINCE 1-Jan-2000 SINCE 31-Dec-1999 SMALLER 9 SUBJECT s TEXT t TO o UID 1:* UNANSWERED UNDELETED ' +
      'UNDRAFT UNFLAGGED UNKEYWORD $Junk UNSEEN 1,3:4 MODSEQ 77'));
    expect(charset).toBeUndefined();
    expect(key.kind).toBe('and');
    const keys = key.kind === 'and' ? key.keys : [];
    expect(keys).toEqual([
      { kind: 'all' },
      { kind: 'flag', flag: '\\Answered', set: true },
      { kind: 'header', field: 'Bcc', value: 'b' },
      { kind: 'date', which: 'internal', op: 'before', date: '1994-02-01' },
      { kind: 'text', where: 'BODY', value: 'x' },
      { kind: 'header', field: 'Cc', value: 'c' },
      { kind: 'flag', flag: '\\Deleted', set: true },
      { kind: 'flag', flag: '\\Draft', set: true },
      { kind: 'flag', flag: '\\Flagged', set: true },
      { kind: 'header', field: 'From', value: 'f' },
      { kind: 'header', field: 'X-Tag', value: 'v' },
      { kind: 'keyword', keyword: '$Work', set: true },
      { kind: 'size', op: 'larger', size: 100 },
      { kind: 'and', keys: [{ kind: 'flag', flag: '\\Recent', set: true }, { kind: 'flag', flag: '\\Seen', set: false }] },
      { kind: 'not', key: { kind: 'flag', flag: '\\Seen', set: true } },
      { kind: 'flag', flag: '\\Recent', set: false },
      { kind: 'date', which: 'internal', op: 'on', date: '2020-03-02' },
      { kind: 'or', left: { kind: 'flag', flag: '\\Seen', set: true }, right: { kind: 'flag', flag: '\\Flagged', set: true } },
      { kind: 'flag', flag: '\\Recent', set: true },
      { kind: 'flag', flag: '\\Seen', set: true },
      { kind: 'date', which: 'sent', op: 'before', date: '2000-01-01' },
      { kind: 'date', which: 'sent', op: 'on', date: '2000-01-01' },
      { kind: 'date', which: 'sent', op: 'since', date: '2000-01-01' },
      { kind: 'date', which: 'internal', op: 'since', date: '1999-12-31' },
      { kind: 'size', op: 'smaller', size: 9 },
      { kind: 'header', field: 'Subject', value: 's' },
      { kind: 'text', where: 'TEXT', value: 't' },
      { kind: 'header', field: 'To', value: 'o' },
      { kind: 'uid', set: { ranges: [{ start: 1, end: '*' }] } },
      { kind: 'flag', flag: '\\Answered', set: false },
      { kind: 'flag', flag: '\\Deleted', set: false },
      { kind: 'flag', flag: '\\Draft', set: false },
      { kind: 'flag', flag: '\\Flagged', set: false },
      { kind: 'keyword', keyword: '$Junk', set: false },
      { kind: 'flag', flag: '\\Seen', set: false },
      { kind: 'sequence', set: { ranges: [{ start: 1, end: 1 }, { start: 3, end: 4 }] } },
      { kind: 'modseq', modseq: 77 },
    ]);
  });

  it('parses nested OR/NOT groups with CHARSET', () => {
    const result = parseSearchKeys(args('CHARSET UTF-8 OR (FROM "bob" NOT SEEN) (SINCE "1-Feb-1994" NOT (SUBJECT "Grüße")) UNDELETED'));
    expect(result).toEqual({
      charset: 'UTF-8',
      key: { kind: 'and', keys: [
        { kind: 'or',
          left: { kind: 'and', keys: [{ kind: 'header', field: 'From', value: 'bob' }, { kind: 'not', key: { kind: 'flag', flag: '\\Seen', set: true } }] },
          right: { kind: 'and', keys: [
            { kind: 'date', which: 'internal', op: 'since', date: '1994-02-01' },
            { kind: 'not', key: { kind: 'header', field: 'Subject', value: 'Grüße' } },
          ] } },
        { kind: 'flag', flag: '\\Deleted', set: false },
      ] },
    });
  });

  it('returns a single key unwrapped and accepts literals and MODSEQ entries', () => {
    expect(parseSearchKeys(args('UNSEEN')).key).toEqual({ kind: 'flag', flag: '\\Seen', set: false });
    expect(parseSearchKeys(feedArgs('T X TEXT {4+}\r\nnaïve'.replace('{4+}', `{${Buffer.byteLength('naïve')}+}`))).key)
      .toEqual({ kind: 'text', where: 'TEXT', value: 'naïve' });
    expect(parseSearchKeys(args('MODSEQ "/flags/\\\\draft" all 620162338')).key).toEqual({ kind: 'modseq', modseq: 620162338 });
  });

  it('rejects bad criteria', () => {
    for (const text of ['', 'FOO', 'FROM', 'OR SEEN', 'NOT', 'LARGER x', 'BEFORE 31-Feb-2020', 'SINCE 2020-01-01', '()', 'UID x', 'UID 1,$', 'CHARSET']) {
      expect(() => parseSearchKeys(text === '' ? [] : args(text)), text).toThrow(ProtocolSyntaxError);
    }
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(() => parseSearchKeys(args(`${'NOT '.repeat(5000)}SEEN`))).toThrow(ProtocolSyntaxError);
  });
});

function feedArgs(line: string): Token[] {
  const [result] = feed(`${line}\r\n`);
  if (result?.kind !== 'request') throw new Error(`test input did not parse: ${line}`);
  return result.request.args;
}

describe('STORE actions and flags', () => {
  it('parses the forms of STORE', () => {
    expect(parseStoreAction(args('FLAGS (\\seen $Label)'))).toEqual({ mode: 'set', silent: false, flags: ['\\Seen', '$Label'] });
    expect(parseStoreAction(args('+FLAGS.SILENT \\Deleted \\Flagged'))).toEqual({ mode: 'add', silent: true, flags: ['\\Deleted', '\\Flagged'] });
    expect(parseStoreAction(args('-flags \\Answered'))).toEqual({ mode: 'remove', silent: false, flags: ['\\Answered'] });
    expect(parseStoreAction(args('(UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)')))
      .toEqual({ mode: 'add', silent: true, flags: ['\\Deleted'], unchangedSince: 320162338 });
    expect(parseStoreAction(args('FLAGS ()'))).toEqual({ mode: 'set', silent: false, flags: [] });
  });

  it('rejects bad STORE arguments', () => {
    for (const text of ['FLAGS', 'LABELS (a)', '+FLAGS (\\Recent)', 'FLAGS (\\Bogus)', '(FOO 1) FLAGS (a)', 'FLAGS ("quoted")',
      'FLAGS (a) (b)', 'FLAGS ((a))']) {
      expect(() => parseStoreAction(args(text)), text).toThrow(ProtocolSyntaxError);
    }
  });

  it('validates flag lists', () => {
    expect(parseFlagList(args('(\\SEEN \\answered \\Flagged \\deleted \\DRAFT Junk NIL junk)'))).toEqual(
      ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', 'Junk', 'NIL']);
    expect(() => parseFlagList(args('(\\Recent)'))).toThrow(/Recent/);
    expect(() => parseFlagList(args('(a[b c])'))).toThrow(ProtocolSyntaxError);
  });
});

describe('dates', () => {
  it('parses APPEND date-times with zones', () => {
    expect(parseDateTime('05-Dec-2026 10:11:12 +0100').toISOString()).toBe('2026-12-05T09:11:12.000Z');
    expect(parseDateTime(' 5-Dec-2026 10:11:12 -0230').toISOString()).toBe('2026-12-05T12:41:12.000Z');
    expect(parseDateTime('5-dec-2026 00:00:00 +0000').toISOString()).toBe('2026-12-05T00:00:00.000Z');
  });

  it('rejects malformed date-times', () => {
    for (const text of ['2026-12-05T10:11:12Z', '32-Dec-2026 10:11:12 +0100', '05-Foo-2026 10:11:12 +0100', '05-Dec-2026 24:00:00 +0000',
      '05-Dec-2026 10:11 +0100', '29-Feb-2023 10:11:12 +0000']) {
      expect(() => parseDateTime(text), text).toThrow(ProtocolSyntaxError);
    }
  });

  it('formats INTERNALDATE and round-trips', () => {
    const date = new Date('2026-03-04T05:06:07Z');
    expect(formatDateTime(date)).toBe('04-Mar-2026 05:06:07 +0000');
    expect(parseDateTime(formatDateTime(date)).getTime()).toBe(date.getTime());
  });

  it('parses SEARCH dates to calendar days', () => {
    expect(parseSearchDate('1-Feb-1994')).toBe('1994-02-01');
    expect(parseSearchDate('29-feb-2024')).toBe('2024-02-29');
    expect(() => parseSearchDate('29-Feb-2023')).toThrow(ProtocolSyntaxError);
  });
});

describe('token helpers', () => {
  it('reads strings, astrings, nstrings and numbers, naming the argument in errors', () => {
    const [atom, quoted, nil, list] = args('bob "Grüße" NIL (x)');
    expect(tokenToString(atom, 'user name')).toBe('bob');
    expect(tokenToAstring(quoted, 'password')).toBe('Grüße');
    expect(tokenToNstring(nil, 'value')).toBeNull();
    expect(() => tokenToString(list, 'user name')).toThrow(/user name/);
    expect(() => tokenToString(undefined, 'password')).toThrow(/password/);
    expect(tokenToNumber(args('42')[0], 'size')).toBe(42);
    expect(() => tokenToNumber(args('4294967296')[0], 'size')).toThrow(ProtocolSyntaxError);
  });

  it('decodes mailbox names and canonicalises INBOX', () => {
    const [inbox, japanese, plainName, raw] = args('inbox "&ZeVnLIqe-" Sent&-Archive "Entwürfe"');
    expect(tokenToMailbox(inbox)).toBe('INBOX');
    expect(tokenToMailbox(japanese)).toBe('日本語');
    expect(tokenToMailbox(plainName)).toBe('Sent&Archive');
    expect(tokenToMailbox(raw)).toBe('Entwürfe');
    expect(() => tokenToMailbox(args('"&Jjo"')[0])).toThrow(ProtocolSyntaxError);
  });
});
