// imapflow with `qresync: true` (RFC 7162 §3.2) against our server: it ENABLEs QRESYNC by itself, resyncs a
// mailbox with mailboxOpen(path, { uidValidity, changedSince }) and learns expunges from `* VANISHED (EARLIER)`,
// flag changes from the FETCHes that follow, and later expunges from plain `* VANISHED` while selected.
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import { appendCommand, REFERENCE_PASSWORD, startMailswarmTarget, type ScriptTarget } from './reference-sessions.ts';

let target: ScriptTarget | undefined;
const clients: ImapFlow[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.logout().catch(() => client.close());
  await target?.close();
  target = undefined;
});

function connectImapflow(server: ScriptTarget): ImapFlow {
  const client = new ImapFlow({
    host: '127.0.0.1', port: server.port, secure: false, doSTARTTLS: false, qresync: true,
    auth: { user: server.login, pass: REFERENCE_PASSWORD }, logger: false, disableAutoIdle: true,
  });
  clients.push(client);
  return client;
}

interface ExpungeEvent {
  uid?: number;
  seq?: number;
  vanished: boolean;
  earlier?: boolean;
}

describe('imapflow with QRESYNC', () => {
  it('resyncs a mailbox from its last MODSEQ and follows expunges as VANISHED', async () => {
    target = await startMailswarmTarget();
    const writer = await target.session();
    for (let index = 1; index <= 5; index++) {
      await writer.command('a', appendCommand('INBOX', `Subject: m${index}\r\n\r\nbody ${index}\r\n`));
    }

    const first = connectImapflow(target);
    await first.connect();
    expect(first.enabled.has('QRESYNC')).toBe(true);
    const opened = await first.mailboxOpen('INBOX');
    const uidValidity = opened.uidValidity;
    const changedSince = opened.highestModseq!;
    await first.logout();

    await writer.command('s', 'SELECT INBOX');
    await writer.command('d', 'UID STORE 2,4 +FLAGS.SILENT (\\Deleted)');
    await writer.command('e', 'EXPUNGE');
    await writer.command('f', 'UID STORE 3 +FLAGS.SILENT ($Important)');

    const second = connectImapflow(target);
    const expunges: ExpungeEvent[] = [];
    const flagUpdates: Array<{ uid?: number; flags: Set<string> }> = [];
    second.on('expunge', (event: ExpungeEvent) => expunges.push(event));
    second.on('flags', (event: { uid?: number; flags: Set<string> }) => flagUpdates.push(event));
    await second.connect();
    const reopened = await second.mailboxOpen('INBOX', { uidValidity, changedSince });
    expect(reopened.exists).toBe(3);
    expect(expunges).toEqual([
      { path: 'INBOX', uid: 2, vanished: true, earlier: true },
      { path: 'INBOX', uid: 4, vanished: true, earlier: true },
    ]);
    expect(flagUpdates.map((update) => [update.uid, [...update.flags]])).toEqual([[3, ['$Important']]]);

    // While selected, another session's expunge arrives as a plain VANISHED.
    expunges.length = 0;
    await writer.command('d', 'UID STORE 5 +FLAGS.SILENT (\\Deleted)');
    await writer.command('e', 'EXPUNGE');
    await second.noop();
    await waitFor(() => expunges.length === 1, { what: 'the VANISHED of uid 5' });
    expect(expunges).toEqual([{ path: 'INBOX', uid: 5, vanished: true, earlier: false }]);
    expect(second.mailbox && second.mailbox.exists).toBe(2);
  });
});
