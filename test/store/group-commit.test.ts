// Group commit of deliveries (store/group-commit.ts): deliveries of one event-loop turn share one COMMIT
// and one fdatasync of the WAL; each caller hears only about its own delivery (RFC 5321 §6.1: the 250
// after ITS data is durable), one failing delivery does not fail the others, and change events are emitted
// only once the batch is durable, in commit order also when an ordinary transaction commits in between.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxChange } from '../../src/postoffice/store/store-types.ts';
import { ALICE, BOB, openStoreFixture, rawMessage, type StoreFixture } from './store-fixture.ts';

let fixture: StoreFixture;

beforeEach(() => {
  fixture = openStoreFixture();
  fixture.store.ensureAccount(ALICE);
  fixture.store.ensureAccount(BOB);
});
afterEach(() => fixture.cleanup());

function inboxId(account = ALICE): number {
  return fixture.store.getMailbox(account, 'INBOX')!.id;
}

describe('deliverGrouped', () => {
  it('commits concurrent deliveries together; a failing one fails alone', async () => {
    const results = await Promise.allSettled([
      fixture.store.deliverGrouped([{ account: ALICE }], rawMessage('g1@test')),
      fixture.store.deliverGrouped([{ account: ALICE }, { account: 'ghost@swarm.local' }], rawMessage('g2@test')),
      fixture.store.deliverGrouped([{ account: ALICE }, { account: BOB }], rawMessage('g3@test')),
    ]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: [{ account: ALICE, uid: 1 }] });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ code: 'NONEXISTENT' }) });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: [{ account: ALICE, uid: 2 }, { account: BOB, uid: 1 }] });
    // The failed delivery left nothing behind, not even its first (valid) copy.
    expect(fixture.store.listMessages(inboxId()).map((message) => message.messageId)).toEqual(['g1@test', 'g3@test']);
    expect(fixture.reopen().listMessages(inboxId(BOB)).map((message) => message.messageId)).toEqual(['g3@test']);
  });

  it('rolls back a failing delivery that had the batch to itself, and the next batch commits', async () => {
    const marker = (sql: { statement(sql: string): { run(...values: string[]): unknown } }) =>
      sql.statement("INSERT INTO store_meta (key, value) VALUES ('alone', 1)").run();
    await expect(fixture.store.deliverGrouped([{ account: ALICE }], rawMessage('a1@test'), new Date(), (_copies, sql) => {
      marker(sql);
      throw new Error('hook refused');
    })).rejects.toThrow('hook refused');
    expect(fixture.store.listMessages(inboxId())).toEqual([]);
    await expect(fixture.store.deliverGrouped([{ account: ALICE }], rawMessage('a2@test'), new Date(), (_copies, sql) => marker(sql))).resolves.toHaveLength(1);
    const reopened = fixture.reopen();
    expect(reopened.listMessages(inboxId()).map((message) => message.messageId)).toEqual(['a2@test']);
  });

  it('rolls back the rows a failing hook wrote together with its delivery', async () => {
    const marker = (sql: { statement(sql: string): { run(...values: string[]): unknown } }, name: string) =>
      sql.statement('INSERT INTO store_meta (key, value) VALUES (?, 1)').run(name);
    const results = await Promise.allSettled([
      fixture.store.deliverGrouped([{ account: ALICE }], rawMessage('h1@test'), new Date(), (_copies, sql) => marker(sql, 'hook-1')),
      fixture.store.deliverGrouped([{ account: ALICE }], rawMessage('h2@test'), new Date(), (_copies, sql) => {
        marker(sql, 'hook-2');
        throw new Error('hook refused');
      }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(fixture.store.listMessages(inboxId()).map((message) => message.messageId)).toEqual(['h1@test']);
    // A hook sees every copy with its mailbox name and UIDVALIDITY.
    let seen: unknown;
    await fixture.store.deliverGrouped([{ account: BOB, mailbox: 'Archive' }], rawMessage('h3@test'), new Date(), (copies) => {
      seen = copies;
    });
    const archive = fixture.store.getMailbox(BOB, 'Archive')!;
    expect(seen).toEqual([{ account: BOB, mailboxId: archive.id, uid: 1, mailbox: 'Archive', uidValidity: archive.uidValidity }]);
  });

  it('emits change events only after the batch is durable, in commit order', async () => {
    const events: string[] = [];
    fixture.store.subscribe(inboxId(), (change: MailboxChange) => events.push(`${change.kind} ${change.kind === 'exists' ? change.uids.join(',') : ''}`));
    const grouped = fixture.store.deliverGrouped([{ account: ALICE }], rawMessage('e1@test'));
    expect(events).toEqual([]); // not even committed yet
    await new Promise((resolve) => setImmediate(resolve)); // committed; its fdatasync may still run
    // An ordinary (fsync'd) transaction now: the batch before it is released first.
    fixture.store.deliver([{ account: ALICE }], rawMessage('e2@test'));
    await grouped;
    expect(events).toEqual(['exists 1', 'exists 2']);
  });

  it('leaves nothing queued at close', async () => {
    const pending = fixture.store.deliverGrouped([{ account: ALICE }], rawMessage('c1@test'));
    const store = fixture.reopen(); // close() runs the queue and syncs before closing
    await expect(pending).resolves.toMatchObject([{ uid: 1 }]);
    expect(store.listMessages(inboxId()).map((message) => message.messageId)).toEqual(['c1@test']);
  });
});

describe('store.fsync: which grouped writes wait for their fdatasync', () => {
  /** A store whose fdatasyncs of the WAL are held until the test lets them run. */
  function storeWithHeldSyncs(fsync: 'optimized' | 'always'): { held: Array<() => void>; inbox: number } {
    const held: Array<() => void> = [];
    fixture.cleanup();
    fixture = openStoreFixture({ fsync, walSync: (_descriptor, done) => held.push(() => done(null)) });
    fixture.store.ensureAccount(ALICE);
    const inbox = inboxId();
    fixture.store.append(inbox, rawMessage('m1@test'), []);
    return { held, inbox };
  }

  /** Lets the group commit flush (it runs on setImmediate) and any promise settled by it resolve. */
  async function nextTurn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }

  it('optimized: a flag change is acknowledged at COMMIT, before any fdatasync, and its event is out', async () => {
    const { held, inbox } = storeWithHeldSyncs('optimized');
    const events: string[] = [];
    fixture.store.subscribe(inbox, (change) => events.push(change.kind));
    const updated = await fixture.store.storeFlagsGrouped(inbox, [1], 'add', ['\\Flagged']);
    expect(updated.updated.map((record) => record.flags)).toEqual([['\\Flagged']]);
    await expect(fixture.store.expungeGrouped(inbox)).resolves.toEqual([]);
    expect(events).toEqual(['flags']);
    // Its fdatasync follows moments later (put off a little to be shared), and is held here.
    const deadline = Date.now() + 5000;
    while (held.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(held.length).toBeGreaterThan(0);
    // Written to the WAL: a restart of the process (no power loss) keeps it.
    expect(fixture.reopen().listMessages(inbox).map((record) => record.flags)).toEqual([['\\Flagged']]);
  });

  it('optimized: an APPEND waits for its fdatasync, and a flag change committed after it waits in line', async () => {
    const { held, inbox } = storeWithHeldSyncs('optimized');
    const events: string[] = [];
    fixture.store.subscribe(inbox, (change) => events.push(change.kind));
    const settled: string[] = [];
    const appended = fixture.store.appendGrouped(inbox, rawMessage('m2@test'), []).then(() => settled.push('append'));
    await nextTurn(); // the APPEND is committed; its fdatasync is held
    const flagged = fixture.store.storeFlagsGrouped(inbox, [1], 'add', ['\\Seen']).then(() => settled.push('store'));
    await nextTurn();
    expect(settled).toEqual([]);
    expect(events).toEqual([]);
    for (const release of held.splice(0)) release();
    await Promise.all([appended, flagged]);
    expect(settled).toEqual(['append', 'store']);
    expect(events).toEqual(['exists', 'flags']);
  });

  it('optimized: a flag change in another mailbox is not held up by an APPEND waiting for its fdatasync', async () => {
    const { held, inbox } = storeWithHeldSyncs('optimized');
    const archive = fixture.store.createMailbox(ALICE, 'Projects').id;
    fixture.store.append(archive, rawMessage('a1@test'), []);
    const events: string[] = [];
    fixture.store.subscribe(inbox, (change) => events.push(`inbox ${change.kind}`));
    fixture.store.subscribe(archive, (change) => events.push(`archive ${change.kind}`));
    const settled: string[] = [];
    const appended = fixture.store.appendGrouped(inbox, rawMessage('m2@test'), []).then(() => settled.push('inbox append'));
    await nextTurn(); // the APPEND is committed; its fdatasync is held
    const inboxFlag = fixture.store.storeFlagsGrouped(inbox, [1], 'add', ['\\Seen']).then(() => settled.push('inbox store'));
    await nextTurn(); // a batch of its own (one batch shares the order of every mailbox its writes name)
    const archiveFlag = fixture.store.storeFlagsGrouped(archive, [1], 'add', ['\\Seen']).then(() => settled.push('archive store'));
    await nextTurn();
    await archiveFlag;
    // The archive's change went out; the INBOX's waits behind the INBOX's APPEND, in commit order.
    expect(settled).toEqual(['archive store']);
    expect(events).toEqual(['archive flags']);
    const archiveExpunge = fixture.store.expungeGrouped(archive, [1]).then(() => settled.push('archive expunge'));
    await nextTurn();
    await archiveExpunge;
    expect(settled).toEqual(['archive store', 'archive expunge']); // still ahead of the INBOX's writes
    for (const release of held.splice(0)) release();
    await Promise.all([appended, inboxFlag]);
    expect(settled).toEqual(['archive store', 'archive expunge', 'inbox append', 'inbox store']);
    expect(events).toEqual(['archive flags', 'inbox exists', 'inbox flags']);
  });

  it('optimized: a delivery names no mailbox, so every flag change committed after it waits for it', async () => {
    const { held, inbox } = storeWithHeldSyncs('optimized');
    const archive = fixture.store.createMailbox(ALICE, 'Projects').id;
    fixture.store.append(archive, rawMessage('a1@test'), []);
    const settled: string[] = [];
    const delivered = fixture.store.deliverGrouped([{ account: ALICE }], rawMessage('d1@test')).then(() => settled.push('delivery'));
    await nextTurn();
    const archiveFlag = fixture.store.storeFlagsGrouped(archive, [1], 'add', ['\\Flagged']).then(() => settled.push('archive store'));
    await nextTurn();
    expect(settled).toEqual([]);
    for (const release of held.splice(0)) release();
    await Promise.all([delivered, archiveFlag]);
    expect(settled).toEqual(['delivery', 'archive store']);
    expect(fixture.store.listMessages(inbox)).toHaveLength(2);
  });

  it('always: a flag change waits for its fdatasync too', async () => {
    const { held, inbox } = storeWithHeldSyncs('always');
    let acknowledged = false;
    const flagged = fixture.store.storeFlagsGrouped(inbox, [1], 'add', ['\\Seen']).then(() => (acknowledged = true));
    await nextTurn();
    expect(acknowledged).toBe(false);
    expect(held).toHaveLength(1);
    held.splice(0)[0]!();
    await flagged;
    expect(acknowledged).toBe(true);
  });
});
