// imapflow (our agents' client) against the real server and store: login forms, LIST with special-use,
// mailboxOpen, STATUS, APPEND with APPENDUID, CREATE/RENAME/DELETE, IDLE woken by a delivery (awaited as
// an `exists` event), an expunge in one session seen by another, and STARTTLS (RFC 3501, 2177, 4315, 6154).
import { ImapFlow } from 'imapflow';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from '../helpers/wait-for.ts';
import { DOMAIN, sampleMessage, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer;
const clients: ImapFlow[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

async function connect(user: string, password: string, extra: Partial<ConstructorParameters<typeof ImapFlow>[0]> = {}, port = server.port): Promise<ImapFlow> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false, ...extra });
  clients.push(client);
  // A failed connection must fail the test, not crash the worker with an unhandled 'error'.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('imapflow', () => {
  it('logs in with the full address and with the bare local part, and is refused a wrong password', async () => {
    const full = await connect(`alice@${DOMAIN}`, 'alice-secret');
    expect(full.authenticated).toBeTruthy();
    await full.logout();
    const bare = await connect('alice', 'alice-secret');
    expect(bare.authenticated).toBeTruthy();
    await bare.logout();
    const wrong = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, auth: { user: 'alice', pass: 'nope' }, logger: false });
    wrong.on('error', () => undefined);
    await expect(wrong.connect()).rejects.toThrow();
  });

  it('lists folders with special-use flags, opens INBOX, reads STATUS and appends to Sent with APPENDUID', async () => {
    server.store.deliver([{ account: `alice@${DOMAIN}` }], sampleMessage('seed one'));
    server.store.deliver([{ account: `alice@${DOMAIN}` }], sampleMessage('seed two'));
    const client = await connect(`alice@${DOMAIN}`, 'alice-secret');
    const folders = await client.list();
    const bySpecialUse = Object.fromEntries(folders.filter((folder) => folder.specialUse).map((folder) => [folder.specialUse, folder.path]));
    // imapflow marks INBOX with \Inbox itself; the rest comes from our LIST attributes.
    expect(bySpecialUse).toEqual({ '\\Inbox': 'INBOX', '\\Sent': 'Sent', '\\Drafts': 'Drafts', '\\Trash': 'Trash', '\\Archive': 'Archive', '\\Junk': 'Junk' });
    expect(folders.find((folder) => folder.path === 'INBOX')?.subscribed).toBe(true);

    const inbox = await client.mailboxOpen('INBOX');
    expect(inbox.exists).toBe(2);
    expect(inbox.uidValidity).toBeGreaterThan(0n);
    expect(inbox.uidNext).toBe(3);
    const status = await client.status('INBOX', { messages: true, unseen: true, uidNext: true, recent: true });
    expect(status).toMatchObject({ messages: 2, unseen: 2, uidNext: 3 });

    const appended = await client.append('Sent', sampleMessage('my answer'), ['\\Seen'], new Date('2026-12-01T12:00:00Z'));
    const sent = server.store.getMailbox(`alice@${DOMAIN}`, 'Sent')!;
    expect(appended).toMatchObject({ destination: 'Sent', uid: 1, uidValidity: BigInt(sent.uidValidity) });
    expect(server.store.getMessage(sent.id, 1)?.flags).toEqual(['\\Seen']);
    await client.logout();
  });

  it('creates, renames and deletes folders', async () => {
    const client = await connect('bob', 'bob-secret');
    const created = await client.mailboxCreate(['Projects', 'Zürich']);
    expect(created.path).toBe('Projects/Zürich');
    expect(server.store.getMailbox(`bob@${DOMAIN}`, 'Projects/Zürich')).toBeDefined();
    const renamed = await client.mailboxRename('Projects/Zürich', 'Projects/Basel');
    expect(renamed.newPath).toBe('Projects/Basel');
    expect((await client.list()).map((folder) => folder.path)).toContain('Projects/Basel');
    await client.mailboxDelete('Projects/Basel');
    expect(server.store.getMailbox(`bob@${DOMAIN}`, 'Projects/Basel')).toBeUndefined();
    await client.logout();
  });

  it('wakes an idling client with an exists event when mail is delivered', async () => {
    const client = await connect('bob', 'bob-secret');
    await client.mailboxOpen('INBOX');
    const before = client.mailbox ? client.mailbox.exists : 0;
    const idling = client.idle();
    const exists = nextEvent<{ path: string; count: number; prevCount: number }>(client, 'exists');
    // Deliver only once the server has said `+ idling`, so the push really happens during IDLE.
    await waitForIdle(client);
    server.store.deliver([{ account: `bob@${DOMAIN}` }], sampleMessage('wake the agent'));
    const event = await exists;
    expect(event).toMatchObject({ path: 'INBOX', count: before + 1, prevCount: before });
    const [message] = await client.fetchAll(`${event.count}`, { envelope: true, bodyStructure: true, flags: true });
    expect(message?.envelope?.subject).toBe('wake the agent');
    expect(message?.bodyStructure?.type).toBe('text/plain');
    await idling;
    await client.logout();
  });

  it('shows an expunge made in one session to another idling session', async () => {
    const account = `alice@${DOMAIN}`;
    const mailbox = server.store.createMailbox(account, 'Together');
    for (const subject of ['keep', 'remove', 'keep too']) server.store.append(mailbox.id, sampleMessage(subject), []);
    const actor = await connect(account, 'alice-secret');
    const watcher = await connect(account, 'alice-secret');
    await actor.mailboxOpen('Together');
    await watcher.mailboxOpen('Together');
    watcher.idle().catch(() => undefined);
    await waitForIdle(watcher);
    const expunged = nextEvent<{ path: string; seq: number }>(watcher, 'expunge');
    expect(await actor.messageDelete('2', { uid: true })).toBe(true);
    expect(await expunged).toMatchObject({ path: 'Together', seq: 2 });
    expect(server.store.listMessages(mailbox.id).map((message) => message.uid)).toEqual([1, 3]);
    await actor.logout();
    await watcher.logout();
  });

  it('upgrades with STARTTLS when the server has a certificate', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 });
    const tlsServer = await startTestServer({ tls: { key: pems.private, cert: pems.cert } });
    try {
      const client = await connect('alice', 'alice-secret', { tls: { rejectUnauthorized: false } }, tlsServer.port);
      expect(client.secureConnection).toBe(true);
      await client.mailboxOpen('INBOX');
      await client.logout();
    } finally {
      await tlsServer.close();
    }
  });
});

/** imapflow sets `idling` once the server answered `+ idling`; poll it with a deadline. */
async function waitForIdle(client: ImapFlow): Promise<void> {
  const { waitFor } = await import('../helpers/wait-for.ts');
  await waitFor(() => (client as unknown as { idling: boolean }).idling === true, { what: 'imapflow to enter IDLE' });
}
