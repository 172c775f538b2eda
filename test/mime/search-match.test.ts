// SEARCH helpers (RFC 3501 §6.4.4): decoded header and text matching, sent date.

import { describe, expect, it } from 'vitest';
import { foldedFieldValues, headerFieldMatcher, headerMatches, parseMimeTree, sentDate, sentDay, textMatches } from '../../src/postoffice/mime/index.ts';
import { alternative, crlf, forwarded, groups, mixedWithAttachment, simpleText } from './fixtures.ts';

function header(raw: Buffer, field: string, needle: string): boolean {
  return headerMatches(raw, parseMimeTree(raw), field, needle);
}

function text(raw: Buffer, needle: string, where: 'BODY' | 'TEXT'): boolean {
  return textMatches(raw, parseMimeTree(raw), needle, where);
}

describe('headerMatches (SEARCH HEADER/SUBJECT/FROM...)', () => {
  it('matches decoded encoded-words case-insensitively, joining adjacent words', () => {
    expect(header(groups, 'subject', 'CAFÉ MENU')).toBe(true);
    expect(header(groups, 'Reply-To', 'jörg')).toBe(true);
    expect(header(groups, 'Subject', 'tea')).toBe(false);
  });

  it('matches addresses as written and requires only presence for an empty needle', () => {
    expect(header(simpleText, 'FROM', 'alice@EXAMPLE')).toBe(true);
    expect(header(simpleText, 'Cc', '')).toBe(false);
    expect(header(simpleText, 'To', '')).toBe(true);
  });

  it('decodes ISO-8859-1 and split multi-byte UTF-8 words', () => {
    const raw = crlf([
      'Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= and =?UTF-8?B?4pyI?= =?UTF-8?B?77iP?=',
      '',
      '',
    ]);
    expect(header(raw, 'subject', 'grüße and')).toBe(true);
    expect(header(raw, 'subject', '✈️')).toBe(true);
  });
});

describe('textMatches (SEARCH BODY/TEXT)', () => {
  it('searches decoded quoted-printable text parts', () => {
    expect(text(alternative, 'CAFÉ MENU', 'BODY')).toBe(true);
    expect(text(alternative, 'preamble', 'BODY')).toBe(false);
  });

  it('searches base64 text and skips non-text attachments', () => {
    const raw = crlf([
      'Content-Type: multipart/mixed; boundary=B',
      '',
      '--B',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Grüße aus Köln\r\n').toString('base64'),
      '--B',
      'Content-Type: application/octet-stream',
      '',
      'secret-binary-marker',
      '--B--',
    ]);
    expect(text(raw, 'KÖLN', 'BODY')).toBe(true);
    expect(text(raw, 'secret-binary-marker', 'BODY')).toBe(false);
    expect(text(mixedWithAttachment, 'see attached', 'BODY')).toBe(true);
  });

  it('TEXT covers headers too, BODY does not', () => {
    expect(text(simpleText, 'alice', 'TEXT')).toBe(true);
    expect(text(simpleText, 'alice', 'BODY')).toBe(false);
    expect(text(simpleText, 'second LINE', 'BODY')).toBe(true);
  });

  it('searches inside attached messages', () => {
    expect(text(forwarded, 'inner text', 'BODY')).toBe(true);
    expect(text(forwarded, 'orig@example.com', 'BODY')).toBe(true);
  });

  it('decodes legacy charsets', () => {
    const raw = Buffer.concat([
      crlf(['Content-Type: text/plain; charset=windows-1252', 'Content-Transfer-Encoding: 8bit', '', '']),
      Buffer.from([0x93, 0x71, 0x75, 0x6f, 0x74, 0x65, 0x94, 0x20, 0x80]),
    ]);
    expect(text(raw, '“quote” €', 'BODY')).toBe(true);
  });
});

describe('sentDate / sentDay', () => {
  it('reads the Date header and its calendar day as written', () => {
    const raw = crlf(['Date: Tue, 1 Dec 2026 23:30:00 -0800 (PST)', '', '']);
    const tree = parseMimeTree(raw);
    expect(sentDate(tree, raw)!.toISOString()).toBe('2026-12-02T07:30:00.000Z');
    expect(sentDay(tree, raw)).toBe('2026-12-01');
  });

  it('returns null without a usable Date', () => {
    expect(sentDate(parseMimeTree(simpleText), simpleText)).not.toBeNull();
    const raw = crlf(['Date: not a date', '', '']);
    expect(sentDate(parseMimeTree(raw), raw)).toBeNull();
    expect(sentDay(parseMimeTree(raw), raw)).toBeNull();
    const none = crlf(['Subject: x', '', '']);
    expect(sentDate(parseMimeTree(none), none)).toBeNull();
  });
});

describe('foldedFieldValues (what the IMAP header cache keeps for SEARCH)', () => {
  it('decodes and folds the values of every field of a name, in order', () => {
    const raw = crlf(['Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= AUS Berlin', 'X-Tag: One', 'x-tag: TWO', '', 'body']);
    const headers = parseMimeTree(raw).headers;
    expect(foldedFieldValues(headers, 'subject')).toEqual(['grüße aus berlin']);
    expect(foldedFieldValues(headers, 'x-tag')).toEqual(['one', 'two']);
    expect(foldedFieldValues(headers, 'cc')).toEqual([]);
    expect(headerFieldMatcher('X-TAG', 'Two')(headers)).toBe(true);
    expect(headerFieldMatcher('Cc', '')(headers)).toBe(false);
    expect(headerFieldMatcher('Subject', '')(headers)).toBe(true);
  });
});
