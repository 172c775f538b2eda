// Unit tests of the parsed-message LRU and the COPYUID/MODIFIED set formatter.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MailStoreApi } from '../../src/postoffice/store/store-types.ts';
import { MessageCache } from '../../src/postoffice/imap/messages/message-cache.ts';
import { formatNumberSet } from '../../src/postoffice/imap/messages/format-number-set.ts';

const plain = readFileSync(new URL('./fixtures/plain.eml', import.meta.url));

/** Just enough store for the cache: getRaw, counting reads. */
function fakeStore(present: Set<number>): { store: MailStoreApi; reads: number[] } {
  const reads: number[] = [];
  const store = {
    getRaw(_mailboxId: number, uid: number) {
      reads.push(uid);
      return present.has(uid) ? plain : undefined;
    },
  } as unknown as MailStoreApi;
  return { store, reads };
}

describe('MessageCache', () => {
  it('reads and parses each message once, evicting the least recently used', () => {
    const { store, reads } = fakeStore(new Set([1, 2, 3]));
    const cache = new MessageCache({ maxEntries: 2 });
    const first = cache.load(store, 5, 100, 1);
    expect(first?.analysis.envelope).toBeTruthy();
    expect(cache.load(store, 5, 100, 1)).toBe(first);
    cache.load(store, 5, 100, 2);
    cache.load(store, 5, 100, 1); // 1 is now most recent
    cache.load(store, 5, 100, 3); // evicts 2
    cache.load(store, 5, 100, 1);
    cache.load(store, 5, 100, 2);
    expect(reads).toEqual([1, 2, 3, 2]);
    expect(cache.size).toBe(2);
  });

  it('keys by UIDVALIDITY and reports vanished messages as undefined', () => {
    const { store, reads } = fakeStore(new Set([1]));
    const cache = new MessageCache();
    cache.load(store, 5, 100, 1);
    cache.load(store, 5, 101, 1);
    expect(reads).toEqual([1, 1]);
    expect(cache.load(store, 5, 100, 9)).toBeUndefined();
  });

  it('respects the byte budget', () => {
    const { store } = fakeStore(new Set([1, 2, 3]));
    const cache = new MessageCache({ maxBytes: plain.length * 2 });
    for (const uid of [1, 2, 3]) cache.load(store, 1, 1, uid);
    expect(cache.size).toBe(2);
  });
});

describe('formatNumberSet', () => {
  it('folds ascending runs and keeps order', () => {
    expect(formatNumberSet([])).toBe('');
    expect(formatNumberSet([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10');
    expect(formatNumberSet([5, 3, 4])).toBe('5,3:4');
  });
});
