// Change propagation to selected sessions (RFC 3501 §7.4 unilateral responses, §7.4.1 EXPUNGE timing,
// RFC 2177 IDLE, RFC 7162 §3.2.4 MODSEQ in unsolicited FETCH): store events from deliveries and other
// sessions reach a client as EXISTS / RECENT / FETCH / EXPUNGE, immediately while it idles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, RawImapClient, sampleMessage, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function login(user = 'alice'): Promise<RawImapClient> {
  const client = await RawImapClient.connect(server.port);
  expect((await client.command('login', `LOGIN ${user} ${user}-secret`)).at(-1)).toMatch(/^login OK /);
  return client;
}

describe('IDLE', () => {
  it('pushes EXISTS for a delivery at once and ends on DONE', async () => {
    const account = `alice@${DOMAIN}`;
    const mailbox = server.store.createMailbox(account, 'Idling');
    const client = await login();
    expect((await client.command('a1', 'SELECT Idling')).at(-1)).toMatch(/^a1 OK \[READ-WRITE\]/);
    client.write('a2 IDLE\r\n');
    expect(await client.readLine()).toBe('+ idling');
    server.store.deliver([{ account, mailbox: 'Idling' }], sampleMessage('wake up'));
    expect(await client.readLine()).toBe('* 1 EXISTS');
    expect(await client.readLine()).toBe('* 1 RECENT');
    server.store.storeFlags(mailbox.id, [1], 'add', ['\\Flagged']);
    expect(await client.readLine()).toMatch(/^\* 1 FETCH \(FLAGS \(\\Flagged \\Recent\) UID 1\)$/);
    server.store.storeFlags(mailbox.id, [1], 'add', ['\\Deleted']);
    await client.readLine();
    server.store.expunge(mailbox.id);
    expect(await client.readLine()).toBe('* 1 EXPUNGE');
    client.write('DONE\r\n');
    expect(await client.readLine()).toBe('a2 OK IDLE terminated');
    client.close();
  });

  it('sends changes that arrived before IDLE right after the continuation, and BAD for anything but DONE', async () => {
    const account = `alice@${DOMAIN}`;
    server.store.createMailbox(account, 'Early');
    const client = await login();
    await client.command('a1', 'SELECT Early');
    server.store.deliver([{ account, mailbox: 'Early' }], sampleMessage('early bird'));
    client.write('a2 IDLE\r\n');
    expect(await client.readLine()).toBe('+ idling');
    expect(await client.readLine()).toBe('* 1 EXISTS');
    await client.readLine(); // RECENT
    client.write('NOT DONE\r\n');
    expect(await client.readLine()).toBe('a2 BAD Expected DONE to end IDLE');
    expect(await client.command('a3', 'NOOP')).toEqual(['a3 OK NOOP completed']);
    client.close();
  });

  it('IDLE in the authenticated state just waits for DONE', async () => {
    const client = await login();
    client.write('a1 IDLE\r\n');
    expect(await client.readLine()).toBe('+ idling');
    client.write('done\r\n');
    expect(await client.readLine()).toBe('a1 OK IDLE terminated');
    client.close();
  });
});

describe('two sessions on one mailbox', () => {
  it('reports another session\'s flag change with MODSEQ once CONDSTORE is enabled, and its expunge on NOOP', async () => {
    const account = `alice@${DOMAIN}`;
    const mailbox = server.store.createMailbox(account, 'Shared');
    server.store.append(mailbox.id, sampleMessage('first'), []);
    server.store.append(mailbox.id, sampleMessage('second'), []);
    const watcher = await login();
    await watcher.command('w0', 'ENABLE CONDSTORE');
    await watcher.command('w1', 'SELECT Shared');
    const updated = server.store.storeFlags(mailbox.id, [2], 'add', ['\\Seen']).updated[0]!;
    expect(await watcher.command('w2', 'NOOP')).toEqual([`* 2 FETCH (FLAGS (\\Seen \\Recent) UID 2 MODSEQ (${updated.modseq}))`, 'w2 OK NOOP completed']);
    server.store.storeFlags(mailbox.id, [1], 'add', ['\\Deleted']);
    server.store.expunge(mailbox.id);
    const lines = await watcher.command('w3', 'NOOP');
    expect(lines).toContain('* 1 EXPUNGE');
    watcher.close();
  });

  it('holds EXPUNGE back during FETCH/STORE/SEARCH by sequence number but sends it on NOOP', async () => {
    const account = `alice@${DOMAIN}`;
    const mailbox = server.store.createMailbox(account, 'Held');
    for (const subject of ['a', 'b', 'c']) server.store.append(mailbox.id, sampleMessage(subject), []);
    const client = await login();
    await client.command('a1', 'SELECT Held');
    server.store.storeFlags(mailbox.id, [2], 'add', ['\\Deleted']);
    server.store.expunge(mailbox.id);
    for (const [tag, command] of [['a2', 'FETCH 1 (FLAGS)'], ['a3', 'SEARCH ALL'], ['a4', 'STORE 3 +FLAGS.SILENT (\\Seen)']]) {
      const lines = await client.command(tag!, command!);
      expect(lines.some((line) => line.endsWith('EXPUNGE'))).toBe(false);
    }
    expect(await client.command('a5', 'NOOP')).toContain('* 2 EXPUNGE');
    client.close();
  });

  it('disconnects a session whose selected mailbox another session deleted', async () => {
    const first = await login();
    const second = await login();
    await first.command('c1', 'CREATE Doomed');
    await second.command('s1', 'SELECT Doomed');
    expect((await first.command('c2', 'DELETE Doomed')).at(-1)).toBe('c2 OK DELETE completed');
    second.write('s2 NOOP\r\n');
    expect(await second.readLine()).toBe('* BYE Selected mailbox was deleted, have to disconnect');
    await new Promise<void>((resolve) => (second.closed ? resolve() : second.socket.once('close', () => resolve())));
    expect(await first.command('c3', 'NOOP')).toEqual(['c3 OK NOOP completed']);
    first.close();
  });
});
