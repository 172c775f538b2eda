// The store's record of expunges (RFC 7162 §3.2: every expunge gets a MODSEQ, remembered with its UIDs, for
// QRESYNC's VANISHED (EARLIER)), its fallback for MODSEQs older than the record (§3.2.6: report every missing
// UID), the version-2 → 3 migration that starts the record, the retention that keeps the record bounded
// (pruneExpungeHistory), and the usage figures of QUOTA and STATUS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import type { MailboxChange } from '../../src/postoffice/store/store-types.ts';

const ALICE = 'alice@swarm.local';
let dataDir: string;
let store: MailStore;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'mailswarm-expunge-history-'));
  store = MailStore.open(dataDir);
  store.ensureAccount(ALICE);
});
afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function message(subject: string, body = 'body\r\n'): Buffer {
  return Buffer.from(`From: carol@swarm.local\r\nSubject: ${subject}\r\n\r\n${body}`);
}

function fill(mailboxId: number, count: number): void {
  for (let index = 1; index <= count; index++) store.append(mailboxId, message(`m${index}`), []);
}

function expungeUids(mailboxId: number, uids: number[]): number {
  store.storeFlags(mailboxId, uids, 'add', ['\\Deleted']);
  store.expunge(mailboxId, uids);
  return store.getMailboxById(mailboxId)!.highestModseq;
}

describe('expungedSince', () => {
  it('returns the uids expunged after a MODSEQ, as ranges, each with the MODSEQ of its expunge', () => {
    const inbox = store.getMailbox(ALICE, 'INBOX')!.id;
    fill(inbox, 9);
    const beforeFirst = store.getMailboxById(inbox)!.highestModseq;
    const afterFirst = expungeUids(inbox, [2, 3, 4]);
    expungeUids(inbox, [7]);
    expect(store.expungedSince(inbox, beforeFirst)).toEqual([{ start: 2, end: 4 }, { start: 7, end: 7 }]);
    expect(store.expungedSince(inbox, afterFirst)).toEqual([{ start: 7, end: 7 }]);
    expect(store.expungedSince(inbox, store.getMailboxById(inbox)!.highestModseq)).toEqual([]);
  });

  it('records MOVE (source side) and tells sessions the MODSEQ of every expunge and arrival', () => {
    const inbox = store.getMailbox(ALICE, 'INBOX')!.id;
    const archive = store.getMailbox(ALICE, 'Archive')!.id;
    fill(inbox, 3);
    const changes: MailboxChange[] = [];
    const stopInbox = store.subscribe(inbox, (change) => changes.push(change));
    const stopArchive = store.subscribe(archive, (change) => changes.push(change));
    const before = store.getMailboxById(inbox)!.highestModseq;
    store.move(inbox, [1, 3], archive);
    stopInbox();
    stopArchive();
    expect(store.expungedSince(inbox, before)).toEqual([{ start: 1, end: 1 }, { start: 3, end: 3 }]);
    const expunge = changes.find((change) => change.kind === 'expunge');
    const exists = changes.find((change) => change.kind === 'exists');
    expect(expunge).toMatchObject({ uids: [1, 3], modseq: store.getMailboxById(inbox)!.highestModseq });
    expect(exists).toMatchObject({ uids: [1, 2], modseq: store.getMailboxById(archive)!.highestModseq });
  });

  it('answers every missing uid for a MODSEQ older than the record (RFC 7162 §3.2.6)', () => {
    const inbox = store.getMailbox(ALICE, 'INBOX')!.id;
    fill(inbox, 6);
    expungeUids(inbox, [2]);
    // A store migrated from version 2 knows nothing of expunges before the migration.
    store.close();
    const database = new DatabaseSync(join(dataDir, 'mail.sqlite'));
    const { highest_modseq: highest } = database.prepare('SELECT highest_modseq FROM mailboxes WHERE id = ?').get(inbox) as { highest_modseq: number };
    database.prepare('UPDATE mailboxes SET expunge_history_from = ? WHERE id = ?').run(highest, inbox);
    database.prepare('DELETE FROM expunged_messages').run();
    database.close();
    store = MailStore.open(dataDir);
    expungeUids(inbox, [5]);
    expect(store.expungedSince(inbox, highest)).toEqual([{ start: 5, end: 5 }]);
    // Older than the record: the gaps below UIDNEXT (2 and 5) instead.
    expect(store.expungedSince(inbox, 1)).toEqual([{ start: 2, end: 2 }, { start: 5, end: 5 }]);
    store.append(inbox, message('m7'), []);
    store.append(inbox, message('m8'), []);
    expungeUids(inbox, [8]);
    expect(store.expungedSince(inbox, 0)).toEqual([{ start: 2, end: 2 }, { start: 5, end: 5 }, { start: 8, end: 8 }]);
  });

  it('starts the record at migration: expunges from before count as unknown', () => {
    const inbox = store.getMailbox(ALICE, 'INBOX')!.id;
    fill(inbox, 3);
    store.close();
    // Turn the file back into a version-2 store and let the migration run again.
    const database = new DatabaseSync(join(dataDir, 'mail.sqlite'));
    database.exec('DROP TABLE expunged_messages; ALTER TABLE mailboxes DROP COLUMN expunge_history_from; PRAGMA user_version = 2');
    database.close();
    store = MailStore.open(dataDir);
    const reopened = new DatabaseSync(join(dataDir, 'mail.sqlite'));
    const row = reopened.prepare('SELECT highest_modseq, expunge_history_from FROM mailboxes WHERE id = ?').get(inbox) as { highest_modseq: number; expunge_history_from: number };
    reopened.close();
    expect(row.expunge_history_from).toBe(row.highest_modseq);
    expect(store.getMailbox(ALICE, 'Sent')).toBeDefined();
  });

  it('forgets the record of a deleted mailbox', () => {
    const folder = store.createMailbox(ALICE, 'Scratch').id;
    fill(folder, 2);
    expungeUids(folder, [1]);
    store.deleteMailbox(ALICE, 'Scratch');
    expect(() => store.expungedSince(folder, 0)).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
  });
});

describe('usage', () => {
  it('sums an account over all its mailboxes, and one mailbox with its \\Deleted share', () => {
    const inbox = store.getMailbox(ALICE, 'INBOX')!.id;
    const sent = store.getMailbox(ALICE, 'Sent')!.id;
    const first = message('one', 'x'.repeat(1000));
    const second = message('two');
    store.append(inbox, first, []);
    store.append(inbox, second, ['\\Deleted']);
    store.append(sent, second, []);
    expect(store.accountUsage(ALICE)).toEqual([
      { name: 'Archive', bytes: 0, messages: 0 },
      { name: 'Drafts', bytes: 0, messages: 0 },
      { name: 'INBOX', bytes: first.length + second.length, messages: 2 },
      { name: 'Junk', bytes: 0, messages: 0 },
      { name: 'Sent', bytes: second.length, messages: 1 },
      { name: 'Trash', bytes: 0, messages: 0 },
    ]);
    expect(store.accountUsage('nobody@swarm.local')).toEqual([]);
    expect(store.mailboxSizes(inbox)).toEqual({ bytes: first.length + second.length, deletedMessages: 1, deletedBytes: second.length });
    expect(store.mailboxSizes(store.getMailbox(ALICE, 'Junk')!.id)).toEqual({ bytes: 0, deletedMessages: 0, deletedBytes: 0 });
  });
});

describe('pruneExpungeHistory (retention.expungeHistory)', () => {
  it('keeps the newest records; a resync from before them gets every missing uid, from after them the record', () => {
    const inbox = store.getMailbox(ALICE, 'INBOX')!.id;
    const other = store.createMailbox(ALICE, 'Other').id;
    fill(inbox, 8);
    fill(other, 1);
    const start = store.getMailboxById(inbox)!.highestModseq;
    const afterFirst = expungeUids(inbox, [2]);
    expungeUids(inbox, [4]);
    const afterThird = expungeUids(inbox, [5]);
    expungeUids(inbox, [7]);
    expungeUids(other, [1]);

    expect(store.expungedSince(inbox, start)).toEqual([{ start: 2, end: 2 }, { start: 4, end: 5 }, { start: 7, end: 7 }]);
    expect(store.pruneExpungeHistory(2)).toBe(2);
    // From after the oldest record kept: the record itself answers, exactly.
    expect(store.expungedSince(inbox, afterThird)).toEqual([{ start: 7, end: 7 }]);
    expect(store.expungedSince(inbox, afterThird - 1)).toEqual([{ start: 5, end: 5 }, { start: 7, end: 7 }]);
    // From before it: every uid missing below UIDNEXT, which covers all that were expunged.
    expect(store.expungedSince(inbox, afterFirst)).toEqual([{ start: 2, end: 2 }, { start: 4, end: 5 }, { start: 7, end: 7 }]);
    // The other mailbox had one record: nothing forgotten there, and a second pass forgets nothing more.
    expect(store.expungedSince(other, 0)).toEqual([{ start: 1, end: 1 }]);
    expect(store.pruneExpungeHistory(2)).toBe(0);
    // It holds across a restart.
    store.close();
    store = MailStore.open(dataDir);
    expect(store.expungedSince(inbox, afterThird)).toEqual([{ start: 7, end: 7 }]);
  });
});
