// \Recent claims without a commit each (store/recent-claims.ts, RFC 3501 §2.3.2): exactly one claimer per
// message, visible at once in firstRecentUid (STATUS RECENT, EXAMINE), written with the next transaction
// or at close, and never inherited by a re-created mailbox that SQLite gives the same id.
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALICE, openStoreFixture, rawMessage, type StoreFixture } from './store-fixture.ts';

let fixture: StoreFixture;

beforeEach(() => {
  fixture = openStoreFixture();
  fixture.store.ensureAccount(ALICE);
});
afterEach(() => fixture.cleanup());

function persistedFirstRecentUid(mailboxId: number): number {
  const database = new DatabaseSync(path.join(fixture.dataDir, 'mail.sqlite'), { readOnly: true });
  try {
    return (database.prepare('SELECT first_recent_uid FROM mailboxes WHERE id = ?').get(mailboxId) as { first_recent_uid: number }).first_recent_uid;
  } finally {
    database.close();
  }
}

describe('\\Recent claims in memory', () => {
  it('hands each message to one claimer and shows the claim at once, written with the next transaction', () => {
    const mailboxId = fixture.store.getMailbox(ALICE, 'INBOX')!.id;
    fixture.store.deliver([{ account: ALICE }], rawMessage('c1@test'));
    fixture.store.deliver([{ account: ALICE }], rawMessage('c2@test'));
    expect(fixture.store.claimRecent(mailboxId)).toEqual([1, 2]);
    expect(fixture.store.claimRecent(mailboxId)).toEqual([]);
    expect(fixture.store.getMailboxById(mailboxId)!.firstRecentUid).toBe(3);
    expect(fixture.store.listMailboxes(ALICE).find((mailbox) => mailbox.id === mailboxId)!.firstRecentUid).toBe(3);
    expect(persistedFirstRecentUid(mailboxId)).toBe(1); // no commit of its own
    fixture.store.deliver([{ account: ALICE }], rawMessage('c3@test'));
    expect(persistedFirstRecentUid(mailboxId)).toBe(3); // rode along with the delivery
    expect(fixture.store.claimRecent(mailboxId)).toEqual([3]);
    const store = fixture.reopen(); // close() writes the last claim
    expect(store.getMailboxById(mailboxId)!.firstRecentUid).toBe(4);
    expect(store.claimRecent(mailboxId)).toEqual([]);
  });

  it('does not carry a claim over to a re-created mailbox', () => {
    const first = fixture.store.createMailbox(ALICE, 'Projects');
    fixture.store.deliver([{ account: ALICE, mailbox: 'Projects' }], rawMessage('p1@test'));
    expect(fixture.store.claimRecent(first.id)).toEqual([1]);
    fixture.store.deleteMailbox(ALICE, 'Projects');
    const second = fixture.store.createMailbox(ALICE, 'Projects');
    fixture.store.deliver([{ account: ALICE, mailbox: 'Projects' }], rawMessage('p2@test'));
    expect(second.uidValidity).not.toBe(first.uidValidity);
    expect(fixture.store.getMailboxById(second.id)!.firstRecentUid).toBe(1);
    expect(fixture.store.claimRecent(second.id)).toEqual([1]);
  });
});
