// COPY, MOVE and EXPUNGE in the store, and the change events they emit after commit (RFC 3501 §6.4.3,
// §6.4.7, RFC 6851, RFC 4315 UID pairs): origin passed through, listeners isolated from each other.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../src/postoffice/store/store-types.ts';
import { ALICE, openStoreFixture, rawMessage, type StoreFixture } from './store-fixture.ts';

let fixture: StoreFixture;
let inboxId: number;
let archiveId: number;
let listenerErrors: unknown[];

beforeEach(() => {
  listenerErrors = [];
  fixture = openStoreFixture({ onListenerError: (error) => listenerErrors.push(error) });
  fixture.store.ensureAccount(ALICE);
  inboxId = fixture.store.getMailbox(ALICE, 'INBOX')!.id;
  archiveId = fixture.store.getMailbox(ALICE, 'Archive')!.id;
  fixture.store.append(inboxId, rawMessage('one@test', 'first'), ['\\Seen', '$Work'], new Date('2026-01-02T03:04:05Z'));
  fixture.store.append(inboxId, rawMessage('two@test', 'second'), []);
  fixture.store.append(inboxId, rawMessage('three@test', 'third'), ['\\Flagged']);
});
afterEach(() => fixture.cleanup());

function record(mailboxId: number): MailboxChange[] {
  const changes: MailboxChange[] = [];
  fixture.store.subscribe(mailboxId, (change) => changes.push(change));
  return changes;
}

describe('copy', () => {
  it('copies flags, internal date and bytes to new uids and announces them on the target', () => {
    fixture.store.append(archiveId, rawMessage('old@test'), []);
    const targetChanges = record(archiveId);
    const sourceChanges = record(inboxId);
    const pairs = fixture.store.copy(inboxId, [3, 1, 99], archiveId, 'session-a');
    expect(pairs).toEqual([
      { sourceUid: 1, targetUid: 2 },
      { sourceUid: 3, targetUid: 3 },
    ]);
    const copied = fixture.store.getMessage(archiveId, 2)!;
    expect(copied.flags).toEqual(['\\Seen', '$Work']);
    expect(copied.internalDate.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(copied.messageId).toBe('one@test');
    expect(fixture.store.getRaw(archiveId, 2)).toEqual(fixture.store.getRaw(inboxId, 1));
    expect(targetChanges).toEqual([{ kind: 'exists', mailboxId: archiveId, uids: [2, 3], modseq: expect.any(Number), origin: 'session-a' }]);
    expect(sourceChanges).toEqual([]);
    expect(fixture.store.listMessages(inboxId)).toHaveLength(3);
  });

  it('keeps a copy readable after the original is expunged (shared bodies)', () => {
    fixture.store.copy(inboxId, [2], archiveId);
    fixture.store.storeFlags(inboxId, [2], 'add', ['\\Deleted']);
    fixture.store.expunge(inboxId);
    expect(fixture.store.getRaw(archiveId, 1)!.toString()).toContain('second');
  });

  it('rejects an unknown target mailbox without changing anything', () => {
    expect(() => fixture.store.copy(inboxId, [1], 9999)).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
    expect(() => fixture.store.copy(inboxId, [], 9999)).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
  });
});

describe('move', () => {
  it('moves in one transaction: exists on the target, expunge on the source, same origin', () => {
    const targetChanges = record(archiveId);
    const sourceChanges = record(inboxId);
    const pairs = fixture.store.move(inboxId, [1, 2], archiveId, 'session-b');
    expect(pairs).toEqual([
      { sourceUid: 1, targetUid: 1 },
      { sourceUid: 2, targetUid: 2 },
    ]);
    expect(targetChanges).toEqual([{ kind: 'exists', mailboxId: archiveId, uids: [1, 2], modseq: expect.any(Number), origin: 'session-b' }]);
    expect(sourceChanges).toEqual([{ kind: 'expunge', mailboxId: inboxId, uids: [1, 2], modseq: expect.any(Number), origin: 'session-b' }]);
    expect(fixture.store.listMessages(inboxId).map((message) => message.uid)).toEqual([3]);
    expect(fixture.store.getRaw(archiveId, 1)!.toString()).toContain('first');
    expect(fixture.store.getMessage(archiveId, 1)!.flags).toEqual(['\\Seen', '$Work']);
  });

  it('rolls back entirely when the target does not exist', () => {
    expect(() => fixture.store.move(inboxId, [1], 9999)).toThrow(expect.objectContaining({ code: 'NONEXISTENT' }));
    expect(fixture.store.listMessages(inboxId)).toHaveLength(3);
  });
});

describe('expunge', () => {
  it('removes only \\Deleted messages, restricted to the given uids, and emits once', () => {
    fixture.store.storeFlags(inboxId, [1, 2, 3], 'add', ['\\Deleted']);
    const changes = record(inboxId);
    expect(fixture.store.expunge(inboxId, [2, 3], 'session-c')).toEqual([2, 3]);
    expect(changes).toEqual([{ kind: 'expunge', mailboxId: inboxId, uids: [2, 3], modseq: expect.any(Number), origin: 'session-c' }]);
    expect(fixture.store.listMessages(inboxId).map((message) => message.uid)).toEqual([1]);
    expect(fixture.store.getRaw(inboxId, 2)).toBeUndefined();
    expect(fixture.store.expunge(inboxId, [2, 3])).toEqual([]);
    expect(changes).toHaveLength(1);
    expect(fixture.store.expunge(inboxId)).toEqual([1]);
  });

  it('leaves messages without \\Deleted alone', () => {
    expect(fixture.store.expunge(inboxId)).toEqual([]);
    expect(fixture.store.getMailboxById(inboxId)!.messageCount).toBe(3);
  });
});

describe('change events', () => {
  it('are emitted after commit, so a listener sees the new state', () => {
    let seenCount = -1;
    fixture.store.subscribe(inboxId, () => {
      seenCount = fixture.store.getMailboxById(inboxId)!.messageCount;
    });
    fixture.store.deliver([{ account: ALICE }], rawMessage('four@test'));
    expect(seenCount).toBe(4);
  });

  it('survive a throwing listener: the others still run, the error goes to onListenerError', () => {
    const failure = new Error('listener broke');
    fixture.store.subscribe(inboxId, () => {
      throw failure;
    });
    const changes = record(inboxId);
    const [result] = fixture.store.deliver([{ account: ALICE }], rawMessage('five@test'));
    expect(result!.uid).toBe(4);
    expect(changes).toHaveLength(1);
    expect(listenerErrors).toEqual([failure]);
    expect(fixture.store.getMessage(inboxId, 4)).toBeDefined();
  });

  it('stop after unsubscribe, per subscription', () => {
    const changes: MailboxChange[] = [];
    const listener = (change: MailboxChange) => changes.push(change);
    const unsubscribeFirst = fixture.store.subscribe(inboxId, listener);
    fixture.store.subscribe(inboxId, listener);
    unsubscribeFirst();
    fixture.store.append(inboxId, rawMessage('six@test'), []);
    expect(changes).toHaveLength(1);
  });

  it('reach every listener even when one unsubscribes while being called', () => {
    const calls: string[] = [];
    const unsubscribeFirst = fixture.store.subscribe(inboxId, () => {
      calls.push('first');
      unsubscribeFirst();
    });
    fixture.store.subscribe(inboxId, () => calls.push('second'));
    fixture.store.append(inboxId, rawMessage('seven@test'), []);
    fixture.store.append(inboxId, rawMessage('eight@test'), []);
    expect(calls).toEqual(['first', 'second', 'second']);
  });

  it('are not emitted for a rolled-back transaction', () => {
    const changes = record(inboxId);
    expect(() => fixture.store.deliver([{ account: ALICE }, { account: 'nobody@swarm.local' }], rawMessage('x@test'))).toThrow();
    expect(changes).toEqual([]);
  });
});
