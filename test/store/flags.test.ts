// STORE semantics of the store: set/add/remove, canonical system flags, case-insensitive keywords, MODSEQ
// bumps only for real changes, and CONDSTORE UNCHANGEDSINCE (RFC 3501 §6.4.6, RFC 7162 §3.2).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../src/postoffice/store/store-types.ts';
import { ALICE, openStoreFixture, rawMessage, type StoreFixture } from './store-fixture.ts';

let fixture: StoreFixture;
let mailboxId: number;

beforeEach(() => {
  fixture = openStoreFixture();
  fixture.store.ensureAccount(ALICE);
  mailboxId = fixture.store.getMailbox(ALICE, 'INBOX')!.id;
  fixture.store.append(mailboxId, rawMessage('one@test'), []);
  fixture.store.append(mailboxId, rawMessage('two@test'), ['\\Seen']);
});
afterEach(() => fixture.cleanup());

describe('storeFlags', () => {
  it('adds, removes and sets flags with canonical system-flag case', () => {
    let result = fixture.store.storeFlags(mailboxId, [1], 'add', ['\\seen', '\\FLAGGED', '$Forwarded']);
    expect(result.updated[0]!.flags).toEqual(['\\Seen', '\\Flagged', '$Forwarded']);
    result = fixture.store.storeFlags(mailboxId, [1], 'remove', ['\\Flagged', '$forwarded']);
    expect(result.updated[0]!.flags).toEqual(['\\Seen']);
    result = fixture.store.storeFlags(mailboxId, [1, 2], 'set', ['\\Answered', 'Work']);
    expect(result.updated.map((record) => record.flags)).toEqual([['\\Answered', 'Work'], ['\\Answered', 'Work']]);
    expect(fixture.store.getMessage(mailboxId, 2)!.flags).toEqual(['\\Answered', 'Work']);
  });

  it('dedupes keywords case-insensitively, keeping the stored spelling', () => {
    fixture.store.storeFlags(mailboxId, [1], 'add', ['$Label1']);
    const { updated } = fixture.store.storeFlags(mailboxId, [1], 'add', ['$LABEL1', '$label1']);
    expect(updated[0]!.flags).toEqual(['$Label1']);
  });

  it('bumps MODSEQ only for messages whose flags changed and reports only those in the event', () => {
    const changes: MailboxChange[] = [];
    fixture.store.subscribe(mailboxId, (change) => changes.push(change));
    const before = fixture.store.listMessages(mailboxId);
    const { updated } = fixture.store.storeFlags(mailboxId, [1, 2], 'add', ['\\Seen'], 'session-1');
    expect(updated.map((record) => record.uid)).toEqual([1, 2]);
    expect(updated[0]!.modseq).toBeGreaterThan(before[0]!.modseq);
    expect(updated[1]!.modseq).toBe(before[1]!.modseq);
    expect(changes).toEqual([
      { kind: 'flags', mailboxId, messages: [{ uid: 1, flags: ['\\Seen'], modseq: updated[0]!.modseq }], origin: 'session-1' },
    ]);
    const highest = fixture.store.getMailboxById(mailboxId)!.highestModseq;
    fixture.store.storeFlags(mailboxId, [1, 2], 'add', ['\\Seen']);
    expect(fixture.store.getMailboxById(mailboxId)!.highestModseq).toBe(highest);
    expect(changes).toHaveLength(1);
  });

  it('keeps unseenCount in step with \\Seen', () => {
    expect(fixture.store.getMailboxById(mailboxId)).toMatchObject({ messageCount: 2, unseenCount: 1 });
    fixture.store.storeFlags(mailboxId, [1], 'add', ['\\Seen']);
    expect(fixture.store.getMailboxById(mailboxId)).toMatchObject({ messageCount: 2, unseenCount: 0 });
    fixture.store.storeFlags(mailboxId, [1, 2], 'set', []);
    expect(fixture.store.getMailboxById(mailboxId)).toMatchObject({ messageCount: 2, unseenCount: 2 });
  });

  it('fails messages modified since UNCHANGEDSINCE and changes the others', () => {
    const [first, second] = fixture.store.listMessages(mailboxId);
    fixture.store.storeFlags(mailboxId, [2], 'add', ['$Changed']);
    const { updated, failedUids } = fixture.store.storeFlags(mailboxId, [1, 2], 'add', ['\\Flagged'], undefined, second!.modseq);
    expect(failedUids).toEqual([2]);
    expect(updated.map((record) => record.uid)).toEqual([1]);
    expect(updated[0]!.modseq).toBeGreaterThan(first!.modseq);
    expect(fixture.store.getMessage(mailboxId, 2)!.flags).not.toContain('\\Flagged');
    const zero = fixture.store.storeFlags(mailboxId, [1, 2], 'add', ['\\Draft'], undefined, 0);
    expect(zero).toEqual({ updated: [], failedUids: [1, 2] });
  });

  it('ignores unknown uids and rejects unknown mailboxes', () => {
    expect(fixture.store.storeFlags(mailboxId, [42], 'add', ['\\Seen'])).toEqual({ updated: [], failedUids: [] });
    expect(() => fixture.store.storeFlags(9999, [1], 'add', ['\\Seen'])).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
  });
});
