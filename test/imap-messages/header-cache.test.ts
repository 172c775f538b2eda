// The header cache behind SEARCH's header keys (header-cache.ts): a mailbox larger than the parse cache is read
// from the store once, not on every header SEARCH; a message FETCH already parsed is not read again; an expunged
// one is undefined.
import { describe, expect, it } from 'vitest';
import { HeaderCache } from '../../src/postoffice/imap/messages/header-cache.ts';
import { messageCacheFor, messageKey } from '../../src/postoffice/imap/messages/message-cache.ts';
import { BoundedLru } from '../../src/postoffice/imap/messages/bounded-lru.ts';
import type { MailStoreApi } from '../../src/postoffice/store/store-types.ts';

function message(uid: number): Buffer {
  return Buffer.from(`From: a@x.org\r\nSubject: number ${uid}\r\nMessage-ID: <m${uid}@x.org>\r\n\r\nbody\r\n`);
}

/** Just enough store: getRaw for uids 1..count, counting reads. */
function countingStore(count: number): { store: MailStoreApi; reads: () => number } {
  let reads = 0;
  const store = {
    getRaw(_mailboxId: number, uid: number) {
      reads += 1;
      return uid >= 1 && uid <= count ? message(uid) : undefined;
    },
  } as unknown as MailStoreApi;
  return { store, reads: () => reads };
}

describe('HeaderCache', () => {
  it('reads each message of a mailbox larger than the parse cache once across repeated searches', () => {
    const { store, reads } = countingStore(3000);
    const cache = new HeaderCache();
    const subjects = (): string[] => Array.from({ length: 3000 }, (_, index) => cache.load(store, 1, 7, index + 1)!.find((field) => field.name === 'Subject')!.value);
    expect(subjects()[2999]).toBe('number 3000');
    expect(reads()).toBe(3000);
    expect(subjects()[0]).toBe('number 1');
    expect(reads()).toBe(3000);
    expect(cache.load(store, 1, 7, 5000)).toBeUndefined(); // expunged elsewhere
  });

  it('keeps a re-created mailbox that reuses a row id (new UIDVALIDITY) apart from the old one', () => {
    const { store } = countingStore(3);
    const cache = new HeaderCache();
    expect(cache.load(store, 1, 7, 2)).toBeDefined();
    const other = { getRaw: (_mailboxId: number, uid: number) => Buffer.from(`Subject: again ${uid}\r\n\r\n`) } as unknown as MailStoreApi;
    expect(cache.load(other, 1, 8, 2)!.find((field) => field.name === 'Subject')!.value).toBe('again 2');
    expect(cache.load(other, 2, 7, 2)!.find((field) => field.name === 'Subject')!.value).toBe('again 2');
    expect(cache.load(store, 1, 7, 2)!.find((field) => field.name === 'Subject')!.value).toBe('number 2');
    expect(messageKey(1, 7, 2)).not.toBe(messageKey(1, 8, 2));
    expect(messageKey(1, 7, 2)).toBe(messageKey(1, 7, 2));
    expect(messageKey(1, 7, 2)).not.toBe(messageKey(1, 7, 3));
  });

  it('keeps the folded values SEARCH asks for by uid, reading each message once, per mailbox and field', () => {
    const { store, reads } = countingStore(3);
    const cache = new HeaderCache();
    const subjects = cache.foldedColumn(store, 1, 7, 'subject');
    expect([1, 2, 3].map((uid) => subjects(uid))).toEqual([['number 1'], ['number 2'], ['number 3']]);
    expect(subjects(4)).toBeUndefined(); // expunged elsewhere
    expect(reads()).toBe(4);
    expect(cache.foldedColumn(store, 1, 7, 'subject')(2)).toBe(subjects(2));
    expect(cache.foldedColumn(store, 1, 7, 'message-id')(2)).toEqual(['<m2@x.org>']);
    expect(cache.foldedColumn(store, 1, 7, 'cc')(3)).toEqual([]);
    expect(reads()).toBe(4); // the other fields come from the kept header fields
    const other = { getRaw: (_mailboxId: number, uid: number) => Buffer.from(`Subject: Again ${uid}\r\n\r\n`) } as unknown as MailStoreApi;
    expect(cache.foldedColumn(other, 1, 8, 'subject')(2)).toEqual(['again 2']); // a re-created mailbox
  });

  it('takes the fields of a message the parse cache already holds without reading the store', () => {
    const { store, reads } = countingStore(2);
    const parsed = messageCacheFor(store).load(store, 1, 7, 2)!;
    expect(reads()).toBe(1);
    expect(new HeaderCache().load(store, 1, 7, 2)).toBe(parsed.analysis.tree.headers);
    expect(reads()).toBe(1);
  });
});

describe('BoundedLru', () => {
  it('drops the least recently used past its entry or size limit and never keeps an oversized value', () => {
    const lru = new BoundedLru<string>({ maxEntries: 2, maxSize: 10 });
    lru.set('a', 'A', 4);
    lru.set('b', 'B', 4);
    expect(lru.get('a')).toBe('A'); // a is now the most recent
    lru.set('c', 'C', 4); // past 10: b, the least recently used, goes
    expect([lru.peek('a'), lru.peek('b'), lru.peek('c')]).toEqual(['A', undefined, 'C']);
    lru.set('huge', 'H', 11);
    expect(lru.peek('huge')).toBeUndefined();
    expect(lru.size).toBe(2);
  });
});
