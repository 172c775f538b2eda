// UID, UIDVALIDITY, MODSEQ and \Recent rules of the store (RFC 3501 §2.3.1, RFC 7162 §3) across restarts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('UIDs and UIDVALIDITY', () => {
  it('keeps UIDVALIDITY and uidNext across close and reopen', () => {
    const before = fixture.store.getMailbox(ALICE, 'INBOX')!;
    fixture.store.deliver([{ account: ALICE }], rawMessage('one@test'));
    fixture.store.deliver([{ account: ALICE }], rawMessage('two@test'));
    const store = fixture.reopen();
    const after = store.getMailbox(ALICE, 'INBOX')!;
    expect(after.uidValidity).toBe(before.uidValidity);
    expect(after.uidNext).toBe(3);
    expect(store.listMessages(after.id).map((message) => message.uid)).toEqual([1, 2]);
    const [next] = store.deliver([{ account: ALICE }], rawMessage('three@test'));
    expect(next!.uid).toBe(3);
  });

  it('gives every mailbox a distinct UIDVALIDITY, even within one second, and a new one after re-creation', () => {
    const values = fixture.store.listMailboxes(ALICE).map((mailbox) => mailbox.uidValidity);
    const created = fixture.store.createMailbox(ALICE, 'Projects');
    values.push(created.uidValidity);
    fixture.store.deleteMailbox(ALICE, 'Projects');
    const store = fixture.reopen();
    const recreated = store.createMailbox(ALICE, 'Projects');
    values.push(recreated.uidValidity);
    expect(new Set(values).size).toBe(values.length);
    expect(recreated.uidValidity).toBeGreaterThan(created.uidValidity);
    for (const value of values) expect(value).toBeLessThanOrEqual(0xffff_ffff);
  });

  it('never reuses UIDs after expunge, also across a restart', () => {
    const mailboxId = inboxId();
    fixture.store.deliver([{ account: ALICE }], rawMessage('a@test'));
    fixture.store.deliver([{ account: ALICE }], rawMessage('b@test'));
    fixture.store.storeFlags(mailboxId, [1, 2], 'add', ['\\Deleted']);
    expect(fixture.store.expunge(mailboxId)).toEqual([1, 2]);
    expect(fixture.store.getMailboxById(mailboxId)!.uidNext).toBe(3);
    const store = fixture.reopen();
    expect(store.getMailboxById(mailboxId)!.uidNext).toBe(3);
    expect(store.append(mailboxId, rawMessage('c@test'), []).uid).toBe(3);
  });

  it('raises HIGHESTMODSEQ on append, flag change and expunge, and keeps it across restarts', () => {
    const mailboxId = inboxId();
    const initial = fixture.store.getMailboxById(mailboxId)!.highestModseq;
    const appended = fixture.store.append(mailboxId, rawMessage('m@test'), []);
    expect(appended.modseq).toBeGreaterThan(initial);
    const { updated } = fixture.store.storeFlags(mailboxId, [appended.uid], 'add', ['\\Deleted']);
    expect(updated[0]!.modseq).toBeGreaterThan(appended.modseq);
    const afterFlags = fixture.store.getMailboxById(mailboxId)!.highestModseq;
    expect(afterFlags).toBe(updated[0]!.modseq);
    fixture.store.expunge(mailboxId);
    const afterExpunge = fixture.store.getMailboxById(mailboxId)!.highestModseq;
    expect(afterExpunge).toBeGreaterThan(afterFlags);
    expect(fixture.reopen().getMailboxById(mailboxId)!.highestModseq).toBe(afterExpunge);
  });
});

describe('\\Recent', () => {
  it('is claimed by exactly one session and persists unclaimed across restarts', () => {
    const mailboxId = inboxId();
    fixture.store.deliver([{ account: ALICE }], rawMessage('r1@test'));
    fixture.store.deliver([{ account: ALICE }], rawMessage('r2@test'));
    const store = fixture.reopen();
    expect(store.getMailboxById(mailboxId)!.firstRecentUid).toBe(1);
    expect(store.claimRecent(mailboxId)).toEqual([1, 2]);
    expect(store.claimRecent(mailboxId)).toEqual([]);
    store.deliver([{ account: ALICE }], rawMessage('r3@test'));
    expect(store.claimRecent(mailboxId)).toEqual([3]);
    expect(store.getMailboxById(mailboxId)!.firstRecentUid).toBe(4);
    expect(store.getMessage(mailboxId, 3)!.flags).not.toContain('\\Recent');
  });

  it('never stores \\Recent as a flag', () => {
    const mailboxId = inboxId();
    const appended = fixture.store.append(mailboxId, rawMessage('x@test'), ['\\Recent', '\\Seen']);
    expect(appended.flags).toEqual(['\\Seen']);
    fixture.store.storeFlags(mailboxId, [appended.uid], 'add', ['\\recent']);
    expect(fixture.store.getMessage(mailboxId, appended.uid)!.flags).toEqual(['\\Seen']);
  });

  it('rejects claims on unknown mailboxes', () => {
    expect(() => fixture.store.claimRecent(9999)).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
  });
});

describe('schema versions', () => {
  it('refuses a database written by a newer program', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const { MailStore } = await import('../../src/postoffice/store/mail-store.ts');
    const { SCHEMA_VERSION } = await import('../../src/postoffice/store/schema.ts');
    fixture.store.close();
    const database = new DatabaseSync(`${fixture.dataDir}/mail.sqlite`);
    database.exec('PRAGMA user_version = 999');
    database.close();
    expect(() => MailStore.open(fixture.dataDir)).toThrow(/newer than this program/);
    database.open();
    database.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    database.close();
    fixture.reopen();
    expect(fixture.store.accountExists(ALICE)).toBe(true);
  });
});

describe('internal dates', () => {
  it('rejects an invalid date without storing anything', () => {
    const mailboxId = inboxId();
    expect(() => fixture.store.append(mailboxId, rawMessage('bad-date@test'), [], new Date(Number.NaN))).toThrow(
      expect.objectContaining({ code: 'CANNOT' }),
    );
    expect(fixture.store.getMailboxById(mailboxId)).toMatchObject({ messageCount: 0, uidNext: 1 });
  });
});
