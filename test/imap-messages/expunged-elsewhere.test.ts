// FETCH and STORE naming messages another session expunged, before this session was told (RFC 2180 §4, RFC 5530
// EXPUNGEISSUED): never a NO in this normal concurrent use. FETCH returns what still exists and leaves the gone
// messages out (`OK [EXPUNGEISSUED]`), STORE changes nothing for them (plain OK), by sequence number and by UID,
// as Dovecot answers. Sequence-number commands hold the EXPUNGE back (RFC 3501 §7.4.1); the next NOOP brings it.
// The same steps run against Debian's Dovecot when it is installed.
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImapClient } from '../imap/imap-test-server.ts';
import {
  appendCommand, dovecotUnavailable, REFERENCE_PASSWORD, startDovecotTarget, startMailswarmTarget, taggedStatus, type ScriptTarget,
} from '../imap/reference-sessions.ts';

function message(subject: string): string {
  return `From: carol@swarm.local\r\nTo: alice@swarm.local\r\nSubject: ${subject}\r\n\r\n${subject} body\r\n`;
}

/** A mailbox with `count` messages, selected by a reader and by an expunger. */
async function twoSessions(target: ScriptTarget, count: number): Promise<{ reader: RawImapClient; expunger: RawImapClient }> {
  const expunger = await target.session();
  for (let index = 1; index <= count; index++) await expunger.command('a', appendCommand('INBOX', message(`message ${index}`)));
  const reader = await target.session();
  await reader.command('s', 'SELECT INBOX');
  await expunger.command('s', 'SELECT INBOX');
  return { reader, expunger };
}

async function expungeElsewhere(expunger: RawImapClient, set: string): Promise<void> {
  await expunger.command('d', `UID STORE ${set} +FLAGS.SILENT (\\Deleted)`);
  expect((await expunger.command('e', 'EXPUNGE')).at(-1)).toMatch(/^e OK/);
}

interface Observed {
  command: string;
  status: string;
  lines: string[];
}

/** The steps, on any server: every reply must be a tagged OK. */
async function runSteps(target: ScriptTarget): Promise<Observed[]> {
  const { reader, expunger } = await twoSessions(target, 5);
  const observed: Observed[] = [];
  const run = async (command: string) => {
    const lines = await reader.command('r', command);
    observed.push({ command, status: taggedStatus(lines).status, lines });
  };
  await expungeElsewhere(expunger, '1:2');
  await run('FETCH 1:3 (UID FLAGS)');
  await run('FETCH 1:2 (BODY.PEEK[] RFC822.SIZE)');
  await run('STORE 1:3 +FLAGS (\\Flagged)');
  await run('STORE 2 +FLAGS.SILENT (\\Seen)');
  await run('NOOP');
  await expungeElsewhere(expunger, '3');
  await run('UID FETCH 1:5 (FLAGS)');
  await expungeElsewhere(expunger, '4');
  await run('UID STORE 4:5 +FLAGS (\\Answered)');
  await run('UID FETCH 4 (BODY.PEEK[])');
  await run('NOOP');
  await run('FETCH 1:* (UID FLAGS)');
  return observed;
}

function step(observed: Observed[], command: string, index = 0): Observed {
  const found = observed.filter((entry) => entry.command === command)[index];
  if (!found) throw new Error(`step ${command} did not run`);
  return found;
}

describe('FETCH and STORE of messages expunged by another session', () => {
  let target: ScriptTarget | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('answers OK: FETCH leaves them out, STORE does nothing for them, by sequence number and by UID', async () => {
    const ours = await startMailswarmTarget();
    target = ours;
    const observed = await runSteps(ours);
    for (const entry of observed) expect({ command: entry.command, status: entry.status }).toEqual({ command: entry.command, status: 'OK' });

    const fetch = step(observed, 'FETCH 1:3 (UID FLAGS)');
    expect(fetch.lines.filter((line) => /^\* \d+ FETCH \(UID/.test(line))).toEqual(['* 3 FETCH (UID 3 FLAGS (\\Recent))']);
    expect(fetch.lines.some((line) => / EXPUNGE$/.test(line))).toBe(false); // held back (RFC 3501 §7.4.1)
    expect(taggedStatus(fetch.lines).code).toBe('EXPUNGEISSUED');
    const bodies = step(observed, 'FETCH 1:2 (BODY.PEEK[] RFC822.SIZE)');
    expect(bodies.lines.some((line) => /^\* \d+ FETCH/.test(line))).toBe(false);
    expect(taggedStatus(bodies.lines).code).toBe('EXPUNGEISSUED');

    const store = step(observed, 'STORE 1:3 +FLAGS (\\Flagged)');
    expect(store.lines.filter((line) => /Flagged/.test(line))).toEqual(['* 3 FETCH (FLAGS (\\Flagged \\Recent))']);
    expect(store.lines.at(-1)).toBe('r OK STORE completed');
    expect(step(observed, 'STORE 2 +FLAGS.SILENT (\\Seen)').lines).toEqual(['r OK STORE completed']);
    expect(step(observed, 'NOOP').lines).toEqual(['* 2 EXPUNGE', '* 1 EXPUNGE', 'r OK NOOP completed']);

    // By UID the gone message is skipped and the EXPUNGE may follow at once (RFC 3501 §7.4.1).
    const uidFetch = step(observed, 'UID FETCH 1:5 (FLAGS)');
    expect(uidFetch.lines.filter((line) => /FETCH \(UID/.test(line))).toEqual(['* 2 FETCH (UID 4 FLAGS (\\Recent))', '* 3 FETCH (UID 5 FLAGS (\\Recent))']);
    expect(uidFetch.lines).toContain('* 1 EXPUNGE');
    const uidStore = step(observed, 'UID STORE 4:5 +FLAGS (\\Answered)');
    expect(uidStore.lines.filter((line) => /Answered/.test(line))).toEqual(['* 2 FETCH (FLAGS (\\Answered \\Recent) UID 5)']);
    expect(uidStore.lines.at(-1)).toBe('r OK UID STORE completed');
    expect(step(observed, 'FETCH 1:* (UID FLAGS)').lines).toEqual(['* 1 FETCH (UID 5 FLAGS (\\Answered \\Recent))', 'r OK FETCH completed']);
    // The store never saw a change for the gone messages, and the survivor got exactly what was asked.
    expect(ours.server.store.listMessages(ours.server.store.getMailbox('alice@swarm.local', 'INBOX')!.id).map((record) => [record.uid, record.flags])).toEqual([
      [5, ['\\Answered']],
    ]);
  });

  it('lets imapflow fetch and flag a sequence range holding a message another session expunged', async () => {
    const ours = await startMailswarmTarget();
    target = ours;
    const { expunger } = await twoSessions(ours, 3);
    const client = new ImapFlow({
      host: '127.0.0.1', port: ours.port, secure: false, doSTARTTLS: false,
      auth: { user: ours.login, pass: REFERENCE_PASSWORD }, logger: false, disableAutoIdle: true,
    });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      await expungeElsewhere(expunger, '2');
      const messages = await client.fetchAll('1:3', { uid: true, flags: true });
      // imapflow also collects the unsolicited `* 2 FETCH (FLAGS (\Deleted) UID 2)` of the other session's STORE.
      expect(messages.filter((entry) => !entry.flags?.has('\\Deleted')).map((entry) => entry.uid)).toEqual([1, 3]);
      expect(await client.messageFlagsAdd('1:3', ['$seen-by-agent'])).toBe(true);
      await client.noop();
      expect(client.mailbox && client.mailbox.exists).toBe(2);
    } finally {
      await client.logout();
    }
  });

  const unavailable = dovecotUnavailable();
  it.skipIf(unavailable !== undefined)(`Dovecot answers every step OK too${unavailable ? ` (skipped: ${unavailable})` : ''}`, async () => {
    target = await startDovecotTarget();
    for (const entry of await runSteps(target)) expect({ command: entry.command, status: entry.status }).toEqual({ command: entry.command, status: 'OK' });
  }, 60_000);
});
