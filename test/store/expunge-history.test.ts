// The expunge record behind QRESYNC (RFC 7162 §3.2.5-§3.2.6) stays bounded: pruneExpungeHistory keeps the newest
// records of each mailbox; a resync from after the oldest record kept is still answered from the record, one
// from before it with every UID missing below UIDNEXT (never fewer UIDs than were expunged).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, openStoreFixture, rawMessage, type StoreFixture } from './store-fixture.ts';

let fixture: StoreFixture;

beforeEach(() => {
  fixture = openStoreFixture();
  fixture.store.ensureAccount(ALICE);
});
afterEach(() => fixture.cleanup());

describe('expunge history retention', () => {
  it('forgets all but the newest records and answers older resyncs with every missing UID', () => {
    const store = fixture.store;
    const inbox = store.getMailbox(ALICE, 'INBOX')!.id;
    const other = store.createMailbox(ALICE, 'Other').id;
    for (let index = 1; index <= 8; index++) store.append(inbox, rawMessage(`m${index}@test`), []);
    store.append(other, rawMessage('o1@test'), []);
    const modseqBefore = (): number => store.getMailboxById(inbox)!.highestModseq;
    const expungeOne = (uid: number): number => {
      store.storeFlags(inbox, [uid], 'add', ['\\Deleted']);
      store.expunge(inbox, [uid]);
      return modseqBefore();
    };
    const start = modseqBefore();
    const afterFirst = expungeOne(2);
    expungeOne(4);
    const afterThird = expungeOne(5);
    expungeOne(7);
    store.storeFlags(other, [1], 'add', ['\\Deleted']);
    store.expunge(other, [1]);

    expect(store.expungedSince(inbox, start)).toEqual([{ start: 2, end: 2 }, { start: 4, end: 5 }, { start: 7, end: 7 }]);
    expect(store.pruneExpungeHistory(2)).toBe(2);
    // From after the oldest record kept: the record itself answers, exactly.
    expect(store.expungedSince(inbox, afterThird)).toEqual([{ start: 7, end: 7 }]);
    expect(store.expungedSince(inbox, afterThird - 1)).toEqual([{ start: 5, end: 5 }, { start: 7, end: 7 }]);
    // From before it: every UID missing below UIDNEXT, which covers all that were expunged.
    expect(store.expungedSince(inbox, afterFirst)).toEqual([{ start: 2, end: 2 }, { start: 4, end: 5 }, { start: 7, end: 7 }]);
    // The other mailbox had one record: nothing to forget there.
    expect(store.expungedSince(other, 0)).toEqual([{ start: 1, end: 1 }]);
    expect(store.pruneExpungeHistory(2)).toBe(0);
    // It holds across a restart.
    expect(fixture.reopen().expungedSince(inbox, afterThird)).toEqual([{ start: 7, end: 7 }]);
  });
});
