// Ten sessions on one INBOX doing a seeded random mix (STORE flags and keywords, EXPUNGE and UID EXPUNGE,
// APPEND, FETCH, SEARCH, NOOP) at once. Each session checks every untagged response against its own view of
// the mailbox (mailbox-view-client.ts: RFC 3501 §7.4.1 renumbering, EXISTS never shrinking, FETCH only for
// known numbers, keywords announced before use, no NO/BAD a correct client did not cause); at the end each
// view after a NOOP must equal the store (UIDs and flags), no APPENDUID may be missing unless it was expunged,
// and a fresh session can still change and expunge everything (nothing left locked).
// The seed is printed; MAILSWARM_CONCURRENCY_SEED=<seed> replays it, MAILSWARM_CONCURRENCY_SECONDS=<n> runs
// longer (the default keeps `npm test` short; `npm run test:concurrency` runs five minutes).
import { performance } from 'node:perf_hooks';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleMessage, startTestServer, type TestServer } from './imap-test-server.ts';
import { MailboxViewClient } from './mailbox-view-client.ts';
import { runMix, seededRandom } from './mixed-workload.ts';

const CLIENTS = 10;
const SECONDS = Number(process.env.MAILSWARM_CONCURRENCY_SECONDS ?? 15);
const SEED = Number(process.env.MAILSWARM_CONCURRENCY_SEED ?? Math.floor(Math.random() * 2 ** 31));

let target: TestServer | undefined;
const clients: MailboxViewClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await target?.close();
  target = undefined;
});

/** Every difference between a client's view and the store's messages, in words. */
function differences(client: MailboxViewClient, stored: ReadonlyArray<{ uid: number; flags: string[] }>): string[] {
  const found: string[] = [];
  if (client.messages.length !== stored.length) found.push(`${client.name} sees ${client.messages.length} messages, the store has ${stored.length}`);
  client.messages.forEach((view, index) => {
    const record = stored[index];
    if (!record) return;
    if (view.uid !== undefined && view.uid !== record.uid) found.push(`${client.name}: seq ${index + 1} is UID ${view.uid} in its view, ${record.uid} in the store`);
    if (view.flags !== undefined && !sameFlagSet(view.flags, record.flags)) {
      found.push(`${client.name}: UID ${record.uid} has (${view.flags.join(' ')}) in its view, (${record.flags.join(' ')}) in the store`);
    }
  });
  return found;
}

function sameFlagSet(left: readonly string[], right: readonly string[]): boolean {
  const normalise = (flags: readonly string[]): string => flags.map((flag) => flag.toLowerCase()).sort().join(' ');
  return normalise(left) === normalise(right);
}

describe('flag changes of two sessions on one message', () => {
  // Found by the random mix: another session's change, still queued here, was flushed after this session's own
  // STORE answer and rolled its view back to the older flags; nothing later corrected it.
  it('never rolls a session back to flags older than its own STORE', async () => {
    target = await startTestServer();
    const inbox = target.store.getMailbox('alice@swarm.local', 'INBOX')!;
    target.store.append(inbox.id, sampleMessage('shared'), []);
    const [first, second] = await Promise.all(['first', 'second'].map((name) => MailboxViewClient.login('127.0.0.1', target!.port, name, 'alice@swarm.local', 'alice-secret')));
    clients.push(first!, second!);
    for (const client of clients) await client.select();
    await second!.command('STORE 1 +FLAGS (Work)');
    await first!.command('STORE 1 +FLAGS (\\Answered)');
    await first!.command('NOOP');
    await first!.command('FETCH 1 (UID)');
    const stored = target.store.listMessages(inbox.id);
    expect(differences(first!, stored)).toEqual([]);
    expect(first!.messages[0]!.flags).toBeDefined();
    expect([...first!.violations, ...second!.violations]).toEqual([]);
  });
});

describe(`${CLIENTS} sessions on one INBOX, random mix for ${SECONDS} s (seed ${SEED})`, () => {
  it('keeps every session consistent with its view and the store', async () => {
    console.log(`concurrent-sessions: seed ${SEED} (replay with MAILSWARM_CONCURRENCY_SEED=${SEED})`);
    target = await startTestServer();
    const account = 'alice@swarm.local';
    const inbox = target.store.getMailbox(account, 'INBOX')!;
    for (let index = 0; index < 30; index++) target.store.append(inbox.id, sampleMessage(`seed ${index}`), index % 3 === 0 ? ['\\Seen'] : []);

    for (let index = 0; index < CLIENTS; index++) {
      const client = await MailboxViewClient.login('127.0.0.1', target.port, `client${index}`, account, 'alice-secret');
      clients.push(client);
      await client.select();
    }
    const deadline = performance.now() + SECONDS * 1000;
    const now = (): number => performance.now();
    const sent = await Promise.all(clients.map((client, index) => runMix(client, seededRandom(SEED + index), deadline, now)));
    console.log(`concurrent-sessions: ${sent.reduce((sum, count) => sum + count, 0)} commands (${sent.join(' ')})`);

    // Every session catches up, then must see exactly the store; a full FETCH then checks the UIDs it had not learned.
    for (const client of clients) await client.command('NOOP');
    const stored = target.store.listMessages(inbox.id);
    // The store's listing is kept up to date from its change events (message-listings.ts): it must equal the rows.
    const reader = MailStore.open(target.dataDir);
    try {
      expect(stored.map((record) => ({ ...record, flags: [...record.flags] }))).toEqual(reader.listMessages(inbox.id));
    } finally {
      reader.close();
    }
    const mismatches = clients.flatMap((client) => differences(client, stored));
    for (const client of clients) {
      await client.command('FETCH 1:* (UID FLAGS)');
      mismatches.push(...differences(client, stored));
    }
    expect(clients.flatMap((client) => client.violations)).toEqual([]);
    expect(mismatches).toEqual([]);

    // No lost APPEND: every APPENDUID is in the store or was expunged (the store's expunge record says which).
    const present = new Set(stored.map((record) => record.uid));
    const expunged = target.store.expungedSince(inbox.id, 0);
    const wasExpunged = (uid: number): boolean => expunged.some((range) => uid >= range.start && uid <= range.end);
    const appended = clients.flatMap((client) => client.appended);
    expect(appended.length).toBeGreaterThan(0);
    expect(appended.filter((entry) => entry.uidValidity !== inbox.uidValidity || (!present.has(entry.uid) && !wasExpunged(entry.uid)))).toEqual([]);

    // Nothing left locked: a fresh session deletes everything, and every session sees the mailbox empty.
    const fresh = await MailboxViewClient.login('127.0.0.1', target.port, 'fresh', account, 'alice-secret');
    clients.push(fresh);
    await fresh.select();
    await fresh.command('STORE 1:* +FLAGS.SILENT (\\Deleted)');
    await fresh.command('EXPUNGE');
    for (const client of clients) await client.command('NOOP');
    expect(target.store.listMessages(inbox.id)).toEqual([]);
    expect(clients.map((client) => client.messages.length)).toEqual(clients.map(() => 0));
    expect(fresh.violations).toEqual([]);
  }, (SECONDS + 60) * 1000);
});
