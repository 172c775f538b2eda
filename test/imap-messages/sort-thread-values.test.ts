// The pure pieces of SORT and THREAD: the base subject of RFC 5256 §2.1 (its steps one by one, and the reply or
// forward marks REFERENCES step 5 needs), the i;unicode-casemap collation (RFC 5051, RFC 5256 §7), sort values and
// their order (RFC 5256 §3, RFC 5957 §3: empty first, REVERSE only flips its own criterion, ties in mailbox order),
// and Message-ID normalisation (RFC 5256 §3: quoting does not make two ids different).
import { describe, expect, it } from 'vitest';
import { baseSubject } from '../../src/postoffice/imap/messages/base-subject.ts';
import { compareCodePoints, unicodeCasemap } from '../../src/postoffice/imap/messages/collation.ts';
import { messageIdsIn } from '../../src/postoffice/imap/messages/message-ids.ts';
import { sortSubjects, sortValue, type SortSubject } from '../../src/postoffice/imap/messages/sort-order.ts';
import { analyzeMessage } from '../../src/postoffice/mime/index.ts';
import type { MessageRecord } from '../../src/postoffice/store/store-types.ts';

describe('base subject (RFC 5256 §2.1)', () => {
  const cases: Array<[string | undefined, string, boolean]> = [
    [undefined, '', false],
    ['hello', 'HELLO', false],
    // (1) encoded-words decoded, tabs and runs of white space packed
    ['=?UTF-8?Q?gr=C3=BC=C3=9Fe?=\t  aus   Bern', 'GRU\u0308ßE AUS BERN', false],
    // (2) trailers, repeatedly
    ['Report (fwd) (FWD)   ', 'REPORT', true],
    // (3) leaders: re, fw, fwd, with blobs before and inside, repeatedly
    ['Re: Re: hello', 'HELLO', true],
    ['RE[2]: Fwd: hello', 'HELLO', true],
    ['re : hello', 'HELLO', true],
    ['[list] Re: hello', 'HELLO', true],
    ['Fw:hello', 'HELLO', true],
    // (4) a blob goes only when something is left
    ['[announce] news', 'NEWS', false],
    ['[announce]', '[ANNOUNCE]', false],
    ['[a] [b]', '[B]', false],
    // Not a leader: "re" must be followed by ":" (after an optional blob)
    ['Rebecca: hi', 'REBECCA: HI', false],
    ['Re hello', 'RE HELLO', false],
    // (6) [fwd: ...] wrappers, then again from (2)
    ['[Fwd: Re: lunch (fwd)]', 'LUNCH', true],
    ['[fwd: [fwd: deep]]', 'DEEP', true],
    ['Re: [Fwd: x]', 'X', true],
  ];
  it.each(cases)('%j -> %j', (subject, text, replyOrForward) => {
    expect(baseSubject(subject)).toEqual({ text, replyOrForward });
  });
});

describe('i;unicode-casemap (RFC 5051)', () => {
  it('titlecases, decomposes, and orders by code point', () => {
    expect(unicodeCasemap('abc')).toBe('ABC');
    expect(unicodeCasemap('émile')).toBe('E\u0301MILE');
    expect(unicodeCasemap('ǆ')).toBe('Dz\u030c'); // titlecase ǅ, then decomposed
    expect(unicodeCasemap('straße')).toBe('STRAßE'); // ß has no simple uppercase
    expect(unicodeCasemap('ﬁle')).toBe('fiLE'); // no simple titlecase for the ligature; decomposition comes after
    const sorted = ['zebra', 'Émile', 'emile', 'ERIC', '', 'éclair'].map(unicodeCasemap).sort(compareCodePoints);
    expect(sorted).toEqual(['', 'E\u0301CLAIR', 'E\u0301MILE', 'EMILE', 'ERIC', 'ZEBRA'].sort(compareCodePoints));
    expect(compareCodePoints('\u{1F600}', '\uffff')).toBeGreaterThan(0); // UTF-8 order, not UTF-16 order
  });
});

function subject(uid: number, headers: string, internalDate = '2025-01-01T00:00:00Z', size = 100): SortSubject {
  const raw = Buffer.from(`${headers.replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`);
  const record: MessageRecord = { uid, modseq: 1, flags: [], internalDate: new Date(internalDate), size, messageId: null };
  return { uid, record, content: () => ({ raw, analysis: analyzeMessage(raw) }) };
}

describe('sort values (RFC 5256 §3, RFC 5957 §3)', () => {
  it('FROM/TO/CC are the first addr-mailbox; DISPLAY* the decoded name, else mailbox@host, else mailbox', () => {
    const message = subject(1, 'From: =?UTF-8?Q?=C3=89mile?= <emile@x.org>, bob@y.org\nTo: plain@x.org\nCc: Team: a@x.org, b@x.org;');
    expect(sortValue(message, 'FROM')).toBe('EMILE');
    expect(sortValue(message, 'DISPLAYFROM')).toBe('E\u0301MILE');
    expect(sortValue(message, 'DISPLAYTO')).toBe('PLAIN@X.ORG');
    expect(sortValue(message, 'CC')).toBe('TEAM'); // a group's start is the first ENVELOPE address
    expect(sortValue(message, 'DISPLAYFROM')).not.toBe(sortValue(subject(2, 'From: emile@x.org'), 'DISPLAYFROM'));
    expect(sortValue(subject(3, 'Subject: none'), 'FROM')).toBe('');
  });

  it('DATE is the Date header in whole seconds, else INTERNALDATE; ARRIVAL is INTERNALDATE', () => {
    const dated = subject(1, 'Date: Tue, 01 Dec 2026 10:00:00 +0100', '2026-12-05T00:00:00.750Z');
    expect(sortValue(dated, 'DATE')).toBe(Date.parse('2026-12-01T09:00:00Z') / 1000);
    expect(sortValue(dated, 'ARRIVAL')).toBe(Date.parse('2026-12-05T00:00:00Z') / 1000);
    expect(sortValue(subject(2, 'Date: garbage', '2026-12-05T00:00:00Z'), 'DATE')).toBe(Date.parse('2026-12-05T00:00:00Z') / 1000);
  });

  it('sorts by criteria in priority order, REVERSE flips one criterion only, ties stay in mailbox order', () => {
    // RFC 5256 §3 example A283: SORT (SUBJECT REVERSE DATE) answers 5 3 4 1 2 for this mailbox.
    const mailbox = [
      subject(1, 'Subject: beta\nDate: 1 Jan 2025 10:00:00 +0000'),
      subject(2, 'Subject: Re: beta\nDate: 1 Jan 2025 09:00:00 +0000'),
      subject(3, 'Subject: alpha\nDate: 1 Jan 2025 12:00:00 +0000'),
      subject(4, 'Subject: [x] alpha\nDate: 1 Jan 2025 11:00:00 +0000'),
      subject(5, 'Date: 1 Jan 2025 08:00:00 +0000'),
    ];
    const order = (criteria: Parameters<typeof sortSubjects>[1]) => sortSubjects(mailbox, criteria).map((entry) => entry.uid);
    expect(order([{ key: 'SUBJECT', reverse: false }, { key: 'DATE', reverse: true }])).toEqual([5, 3, 4, 1, 2]);
    expect(order([{ key: 'SUBJECT', reverse: false }])).toEqual([5, 3, 4, 1, 2]);
    // REVERSE SUBJECT keeps mailbox order inside each subject: not the reverse of a SUBJECT sort.
    expect(order([{ key: 'SUBJECT', reverse: true }])).toEqual([1, 2, 3, 4, 5]);
    expect(order([{ key: 'SIZE', reverse: false }])).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('Message-IDs (RFC 5256 §3)', () => {
  it('normalises quoting, comments and white space; skips ids without "@"', () => {
    expect(messageIdsIn('<"01KF8JCEOCBS0045PS"@xxx.yyy.com>')).toEqual(['01KF8JCEOCBS0045PS@xxx.yyy.com']);
    expect(messageIdsIn('<a@b> (comment) <c (x) @ d>\r\n <bad> <@x> <e@f>')).toEqual(['a@b', 'c@d', 'e@f']);
    expect(messageIdsIn('no id here')).toEqual([]);
  });
});
