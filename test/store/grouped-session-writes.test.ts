// The IMAP sessions' writes through the group commit (appendGrouped, storeFlagsGrouped, expungeGrouped): each
// resolves once committed (a reopened store has it; when each waits for its fdatasync: group-commit.test.ts),
// after its change event, in commit order with ordinary
// transactions; a failing one fails alone; and the store's cached listing (message-listings.ts) always equals
// the rows, through flag changes, expunges, arrivals and a rolled-back unit; MULTIAPPEND, COPY and MOVE go the
// same way (a failing series stores none of its messages).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import type { MailboxChange } from '../../src/postoffice/store/store-types.ts';
import { ALICE, openStoreFixture, rawMessage, type StoreFixture } from './store-fixture.ts';

let fixture: StoreFixture;

beforeEach(() => {
  fixture = openStoreFixture();
  fixture.store.ensureAccount(ALICE);
});
afterEach(() => fixture.cleanup());

function inboxId(): number {
  return fixture.store.getMailbox(ALICE, 'INBOX')!.id;
}

function describeChange(change: MailboxChange): string {
  if (change.kind === 'flags') return `flags ${change.messages.map((message) => `${message.uid}:${message.flags.join('+')}`).join(',')}`;
  if (change.kind === 'expunge' || change.kind === 'exists') return `${change.kind} ${change.uids.join(',')}`;
  return change.kind;
}

describe('grouped session writes', () => {
  it('resolve after their event, durable, in commit order with ordinary transactions', async () => {
    const inbox = inboxId();
    for (const id of ['a', 'b', 'c']) fixture.store.append(inbox, rawMessage(`${id}@test`), []);
    const events: string[] = [];
    fixture.store.subscribe(inbox, (change) => events.push(describeChange(change)));
    const stored = fixture.store.storeFlagsGrouped(inbox, [1, 2], 'add', ['\\Deleted']);
    const appended = fixture.store.appendGrouped(inbox, rawMessage('d@test'), ['$label1']);
    expect(events).toEqual([]); // queued for the next turn: nothing committed, nobody told
    const flagsResult = await stored;
    expect(events).toEqual(['flags 1:\\Deleted,2:\\Deleted', 'exists 4']);
    expect(flagsResult.updated.map((record) => record.flags)).toEqual([['\\Deleted'], ['\\Deleted']]);
    await expect(appended).resolves.toMatchObject({ uid: 4, flags: ['$label1'] });

    const expunged = fixture.store.expungeGrouped(inbox, [1, 2, 3]);
    await new Promise((resolve) => setImmediate(resolve)); // committed; its fdatasync may still run
    fixture.store.storeFlags(inbox, [3], 'add', ['\\Seen']); // an fsync'd transaction releases the batch first
    await expect(expunged).resolves.toEqual([1, 2]);
    expect(events.slice(2)).toEqual(['expunge 1,2', 'flags 3:\\Seen']);

    const reopened = fixture.reopen();
    expect(reopened.listMessages(inbox).map((record) => [record.uid, record.flags])).toEqual([[3, ['\\Seen']], [4, ['$label1']]]);
  });

  it('fails one unit alone', async () => {
    const inbox = inboxId();
    fixture.store.append(inbox, rawMessage('a@test'), []);
    const results = await Promise.allSettled([
      fixture.store.storeFlagsGrouped(inbox, [1], 'add', ['\\Flagged']),
      fixture.store.storeFlagsGrouped(9999, [1], 'add', ['\\Flagged']),
      fixture.store.expungeGrouped(inbox),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: expect.objectContaining({ code: 'NONEXISTENT' }) });
    expect(fixture.reopen().listMessages(inbox).map((record) => record.flags)).toEqual([['\\Flagged']]);
  });

  it('keeps the cached listing equal to the rows', async () => {
    const inbox = inboxId();
    for (const id of ['a', 'b', 'c', 'd']) fixture.store.append(inbox, rawMessage(`${id}@test`), []);
    // A second connection reads the rows themselves, past the first store's cached listing.
    const rows = (): unknown => {
      const reader = MailStore.open(fixture.dataDir);
      try {
        return reader.listMessages(inbox);
      } finally {
        reader.close();
      }
    };
    const cached = (): unknown => fixture.store.listMessages(inbox).map((record) => ({ ...record, flags: [...record.flags] }));
    expect(cached()).toEqual(rows()); // fills the cache
    await fixture.store.storeFlagsGrouped(inbox, [2, 3], 'add', ['\\Deleted', 'Work']);
    expect(cached()).toEqual(rows());
    await fixture.store.expungeGrouped(inbox, [2]);
    expect(cached()).toEqual(rows());
    await fixture.store.appendGrouped(inbox, rawMessage('e@test'), ['\\Seen']);
    expect(cached()).toEqual(rows());
    // A batch with a failing unit (rolled back to its savepoint) beside one that changed flags.
    await Promise.allSettled([
      fixture.store.storeFlagsGrouped(inbox, [1], 'add', ['\\Answered']),
      fixture.store.storeFlagsGrouped(9999, [1], 'add', ['\\Draft']),
    ]);
    expect(cached()).toEqual(rows());
    // The listing is a copy: changing it changes nothing in the store.
    const listing = fixture.store.listMessages(inbox);
    listing.pop();
    expect(fixture.store.listMessages(inbox)).toHaveLength(listing.length + 1);
    expect(Object.isFrozen(listing[0])).toBe(true);
  });

  it('stores a MULTIAPPEND series whole or not at all, and copies and moves durably, in one shared commit', async () => {
    const inbox = inboxId();
    const archive = fixture.store.createMailbox(ALICE, 'Filed').id;
    const seen: string[] = [];
    fixture.store.subscribe(inbox, (change) => seen.push(`inbox ${describeChange(change)}`));
    fixture.store.subscribe(archive, (change) => seen.push(`archive ${describeChange(change)}`));
    const [good, bad, other] = await Promise.allSettled([
      fixture.store.appendManyGrouped(inbox, [{ raw: rawMessage('a@test'), flags: [] }, { raw: rawMessage('b@test'), flags: ['\\Seen'] }]),
      // The second message's date is invalid: the first of this series must not stay either.
      fixture.store.appendManyGrouped(inbox, [{ raw: rawMessage('c@test'), flags: [] }, { raw: rawMessage('d@test'), flags: [], internalDate: new Date(Number.NaN) }]),
      fixture.store.appendGrouped(archive, rawMessage('e@test'), []),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    expect(other.status).toBe('fulfilled');
    expect(fixture.store.listMessages(inbox).map((record) => record.messageId)).toEqual(['a@test', 'b@test']);
    expect(await fixture.store.copyGrouped(inbox, [1], archive)).toEqual([{ sourceUid: 1, targetUid: 2 }]);
    expect(await fixture.store.moveGrouped(inbox, [2], archive)).toEqual([{ sourceUid: 2, targetUid: 3 }]);
    expect(seen).toEqual(['inbox exists 1', 'inbox exists 2', 'archive exists 1', 'archive exists 2', 'archive exists 3', 'inbox expunge 2']);
    const reopened = fixture.reopen();
    expect(reopened.listMessages(inbox).map((record) => record.uid)).toEqual([1]);
    expect(reopened.listMessages(archive).map((record) => record.messageId)).toEqual(['e@test', 'a@test', 'b@test']);
  });

  it('answers mailbox rows, counts and single messages from memory as the database would', async () => {
    const inbox = inboxId();
    for (const id of ['a', 'b', 'c']) fixture.store.append(inbox, rawMessage(`${id}@test`), id === 'b' ? ['\\Seen'] : []);
    // What a second connection reads from the rows themselves, past every in-memory copy of the first store.
    const fromRows = (): unknown => {
      const reader = MailStore.open(fixture.dataDir);
      try {
        const { firstRecentUid: _claims, ...mailbox } = reader.getMailboxById(inbox)!;
        return { mailbox, byName: reader.getMailbox(ALICE, 'inbox')!.uidNext, message2: reader.getMessage(inbox, 2) ?? null, message9: reader.getMessage(inbox, 9) ?? null };
      } finally {
        reader.close();
      }
    };
    const fromMemory = (): unknown => {
      const { firstRecentUid: _claims, ...mailbox } = fixture.store.getMailboxById(inbox)!;
      const message2 = fixture.store.getMessage(inbox, 2);
      return { mailbox, byName: fixture.store.getMailbox(ALICE, 'inbox')!.uidNext, message2: message2 ? { ...message2, flags: [...message2.flags] } : null, message9: fixture.store.getMessage(inbox, 9) ?? null };
    };
    fixture.store.listMessages(inbox); // the listing is held from here on
    expect(fromMemory()).toEqual(fromRows());
    await fixture.store.storeFlagsGrouped(inbox, [1, 2], 'add', ['\\Seen']);
    expect(fromMemory()).toEqual(fromRows());
    await fixture.store.storeFlagsGrouped(inbox, [2], 'set', ['\\Deleted']);
    expect(fromMemory()).toEqual(fromRows());
    await fixture.store.expungeGrouped(inbox, [2]);
    expect(fromMemory()).toEqual(fromRows());
    await Promise.all([fixture.store.appendGrouped(inbox, rawMessage('d@test'), []), fixture.store.appendGrouped(inbox, rawMessage('e@test'), ['\\Seen'])]);
    expect(fromMemory()).toEqual(fromRows());
    fixture.store.deliver([{ account: ALICE }], rawMessage('f@test'));
    expect(fromMemory()).toEqual(fromRows());
    fixture.store.renameMailbox(ALICE, 'INBOX', 'Old');
    expect(fromMemory()).toEqual(fromRows());
  });
});
