// Unit tests of the SEARCH evaluator (RFC 3501 §6.4.4, RFC 7162 §3.1.5) on fixture messages: every key kind,
// sequence vs uid sets, date semantics, and that metadata keys decide without reading message bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeMessage, foldedFieldValues } from '../../src/postoffice/mime/index.ts';
import { parseSearchKeys } from '../../src/postoffice/imap/protocol/argument-parsers.ts';
import type { SearchKey, Token } from '../../src/postoffice/imap/protocol/protocol-types.ts';
import type { MessageRecord } from '../../src/postoffice/store/store-types.ts';
import { compileSearch, planSearch, searchKeyCost, usesModseq, type SearchCandidate } from '../../src/postoffice/imap/messages/search-evaluator.ts';

const plain = readFileSync(new URL('./fixtures/plain.eml', import.meta.url));
const multipart = readFileSync(new URL('./fixtures/multipart.eml', import.meta.url));

interface Fixture extends SearchCandidate {
  reads: number;
}

function candidate(raw: Buffer, seq: number, overrides: Partial<MessageRecord> = {}, recent = false): Fixture {
  const record: MessageRecord = {
    uid: seq * 10, modseq: seq * 100, flags: [], internalDate: new Date('2026-12-01T23:59:00Z'), size: raw.length,
    messageId: null, ...overrides,
  };
  const fixture: Fixture = {
    seq, record, isRecent: () => recent, reads: 0,
    content: () => {
      fixture.reads++;
      return { raw, analysis: analyzeMessage(raw) };
    },
    headers: () => {
      fixture.reads++;
      return analyzeMessage(raw).tree.headers;
    },
    foldedHeader: (lowerName) => {
      fixture.reads++;
      return foldedFieldValues(analyzeMessage(raw).tree.headers, lowerName);
    },
  };
  return fixture;
}

/** Tokenizes simple search text: atoms and "quoted strings", parenthesized groups. */
function tokens(text: string): Token[] {
  const stack: Token[][] = [[]];
  const pattern = /"((?:[^"\\]|\\.)*)"|\(|\)|[^\s()"]+/g;
  for (const match of text.matchAll(pattern)) {
    const current = stack[stack.length - 1]!;
    if (match[0] === '(') {
      const list: Token = { type: 'list', items: [] };
      current.push(list);
      stack.push(list.items);
    } else if (match[0] === ')') {
      stack.pop();
    } else if (match[1] !== undefined) {
      current.push({ type: 'string', value: Buffer.from(match[1]), literal: false });
    } else {
      current.push({ type: 'atom', value: match[0] });
    }
  }
  return stack[0]!;
}

function key(text: string): SearchKey {
  return planSearch(parseSearchKeys(tokens(text)).key);
}

const messages = [
  candidate(plain, 1, { flags: ['\\Seen'] }, true),
  candidate(multipart, 2, { flags: ['\\Flagged', '$Label1'], internalDate: new Date('2026-11-20T08:00:00Z') }),
  candidate(plain, 3, { flags: ['\\Deleted', '\\Seen'], internalDate: new Date('2026-12-02T00:00:01Z') }),
];
const scope = { maxSequence: 3, maxUid: 30 };

function search(text: string): number[] {
  const parsed = key(text);
  return messages.filter((message) => compileSearch(parsed, scope)(message)).map((message) => message.seq);
}

describe('compileSearch', () => {
  it('matches flags, keywords and \\Recent', () => {
    expect(search('ALL')).toEqual([1, 2, 3]);
    expect(search('SEEN')).toEqual([1, 3]);
    expect(search('UNSEEN')).toEqual([2]);
    expect(search('FLAGGED')).toEqual([2]);
    expect(search('DELETED')).toEqual([3]);
    expect(search('UNDELETED')).toEqual([1, 2]);
    expect(search('KEYWORD $label1')).toEqual([2]);
    expect(search('UNKEYWORD $Label1')).toEqual([1, 3]);
    expect(search('RECENT')).toEqual([1]);
    expect(search('OLD')).toEqual([2, 3]);
    expect(search('NEW')).toEqual([]);
  });

  it('matches sequence and uid sets with *', () => {
    expect(search('2:*')).toEqual([2, 3]);
    expect(search('*')).toEqual([3]);
    expect(search('UID 10,30')).toEqual([1, 3]);
    expect(search('UID 25:*')).toEqual([3]);
    expect(search('UID 99:*')).toEqual([3]); // `*` is the highest uid, so 99:* is 30:99
  });

  it('matches headers, text and body case-insensitively', () => {
    expect(search('SUBJECT quarterly')).toEqual([1, 3]);
    expect(search('SUBJECT "café"')).toEqual([2]); // encoded-word subject
    expect(search('FROM alice')).toEqual([1, 3]);
    expect(search('TO carol@swarm.local')).toEqual([1, 3]);
    expect(search('HEADER X-Priority ""')).toEqual([1, 3]);
    expect(search('HEADER In-Reply-To plan-1')).toEqual([2]);
    expect(search('BODY banana')).toEqual([2]);
    expect(search('BODY quarterly')).toEqual([]);
    expect(search('TEXT quarterly')).toEqual([1, 3]);
  });

  it('matches sizes, dates (UTC calendar days) and sent dates as written', () => {
    expect(search(`LARGER ${plain.length}`)).toEqual([2]);
    expect(search(`SMALLER ${multipart.length}`)).toEqual([1, 3]);
    expect(search('ON 1-Dec-2026')).toEqual([1]);
    expect(search('SINCE 1-Dec-2026')).toEqual([1, 3]);
    expect(search('BEFORE 1-Dec-2026')).toEqual([2]);
    // The plain fixture's Date is "Mon, 30 Nov 2026 23:30:00 -0500": the day as written counts, not UTC's.
    expect(search('SENTON 30-Nov-2026')).toEqual([1, 3]);
    expect(search('SENTSINCE 1-Dec-2026')).toEqual([2]);
    expect(search('SENTBEFORE 1-Dec-2026')).toEqual([1, 3]);
  });

  it('combines keys with AND, OR, NOT and groups; MODSEQ', () => {
    expect(search('OR FLAGGED DELETED')).toEqual([2, 3]);
    expect(search('NOT SEEN')).toEqual([2]);
    expect(search('SEEN NOT DELETED')).toEqual([1]);
    expect(search('(OR SUBJECT plan BODY banana) UNDELETED')).toEqual([1, 2]);
    expect(search('MODSEQ 200')).toEqual([2, 3]);
    expect(usesModseq(key('OR MODSEQ 5 SEEN'))).toBe(true);
    expect(usesModseq(key('SEEN'))).toBe(false);
  });

  it('decides metadata keys first and never reads bytes when they suffice', () => {
    for (const message of messages) message.reads = 0;
    const parsed = key('SUBJECT plan FLAGGED SEEN');
    expect(searchKeyCost(parsed)).toBe(1);
    expect(parsed.kind === 'and' && parsed.keys.map((inner) => inner.kind)).toEqual(['flag', 'flag', 'header']);
    expect(messages.filter((message) => compileSearch(parsed, scope)(message))).toEqual([]);
    expect(messages.map((message) => message.reads)).toEqual([0, 0, 0]);
    expect(compileSearch(key('OR BODY nothing SEEN'), scope)(messages[0]!)).toBe(true);
    expect(messages[0]!.reads).toBe(0);
  });
});
