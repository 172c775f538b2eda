// UTF8=ACCEPT (RFC 6855) over raw sessions: after ENABLE UTF8=ACCEPT (§3) mailbox names go both ways as
// UTF-8 quoted strings (`&` is just a character), while a session that did not enable it keeps modified
// UTF-7 for the same mailboxes; invalid UTF-8 is BAD (§3); an APPEND whose header holds 8-bit octets is NO
// unless the session enabled UTF-8, which may send it as `UTF8 (~{n}...)` (§4). imapflow enables it by itself.
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function session(port: number): Promise<RawImapClient> {
  const client = await RawImapClient.connect(port);
  expect((await client.command('l', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^l OK/);
  return client;
}

/** The reply as UTF-8 text (RawImapClient reads octets as latin1). */
async function command(client: RawImapClient, text: string | Buffer): Promise<string[]> {
  const lines = await client.command('c', typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  return lines.map((line) => Buffer.from(line, 'latin1').toString('utf8'));
}

const MESSAGE = 'From: Jürgen <juergen@swarm.local>\r\nSubject: Grüße aus Köln\r\n\r\nHallo\r\n';

describe('UTF8=ACCEPT (RFC 6855)', () => {
  it('switches one session to UTF-8 mailbox names and leaves the others in modified UTF-7', async () => {
    server = await startTestServer();
    const legacy = await session(server.port);
    const modern = await session(server.port);
    expect((await command(legacy, 'CREATE "Entw&APw-rfe"')).at(-1)).toMatch(/^c OK/);
    expect(await command(modern, 'ENABLE UTF8=ACCEPT')).toEqual(['* ENABLED UTF8=ACCEPT', 'c OK ENABLE completed']);

    expect(await command(modern, 'LIST "" "Entw*"')).toEqual(['* LIST (\\HasNoChildren) "/" "Entwürfe"', 'c OK LIST completed']);
    expect(await command(legacy, 'LIST "" "Entw*"')).toEqual(['* LIST (\\HasNoChildren) "/" "Entw&APw-rfe"', 'c OK LIST completed']);

    // In UTF-8, "&" is an ordinary character; the legacy session sees it escaped.
    expect((await command(modern, 'CREATE "R&D/Überblick"')).at(-1)).toMatch(/^c OK/);
    expect(await command(modern, 'LIST "" "R&D/*"')).toEqual(['* LIST (\\HasNoChildren) "/" "R&D/Überblick"', 'c OK LIST completed']);
    expect(await command(legacy, 'LIST "" "R&-D/*"')).toEqual(['* LIST (\\HasNoChildren) "/" "R&-D/&ANw-berblick"', 'c OK LIST completed']);
    expect(await command(modern, 'STATUS "Entwürfe" (MESSAGES)')).toEqual(['* STATUS "Entwürfe" (MESSAGES 0)', 'c OK STATUS completed']);
    expect((await command(modern, 'SELECT "R&D/Überblick"')).at(-1)).toMatch(/^c OK \[READ-WRITE\]/);
    expect(await command(modern, 'GETQUOTAROOT "Entwürfe"')).toContain('* QUOTAROOT "Entwürfe" "User quota"');
  });

  it('answers BAD to a mailbox name that is not UTF-8 (§3)', async () => {
    server = await startTestServer();
    const client = await session(server.port);
    await command(client, 'ENABLE UTF8=ACCEPT');
    const invalid = Buffer.concat([Buffer.from('CREATE "bad'), Buffer.from([0xc3, 0x28]), Buffer.from('"')]);
    expect((await command(client, invalid)).at(-1)).toMatch(/^c BAD .*not valid UTF-8/);
    expect((await command(client, 'CREATE "tab\there"')).at(-1)).toMatch(/^c (NO|BAD)/);
  });

  it('takes UTF-8 header fields in APPEND only from a session that enabled it (§4)', async () => {
    server = await startTestServer();
    const client = await session(server.port);
    const bytes = Buffer.from(MESSAGE, 'utf8');
    const refused = await command(client, Buffer.concat([Buffer.from(`APPEND INBOX {${bytes.length}+}\r\n`), bytes]));
    expect(refused.at(-1)).toMatch(/^c NO .*ENABLE UTF8=ACCEPT/);
    expect(server.store.getMailbox('alice@swarm.local', 'INBOX')!.messageCount).toBe(0);

    await command(client, 'ENABLE UTF8=ACCEPT');
    const accepted = await command(client, Buffer.concat([Buffer.from(`APPEND INBOX (\\Seen) UTF8 (~{${bytes.length}+}\r\n`), bytes, Buffer.from(')')]));
    expect(accepted.at(-1)).toMatch(/^c OK \[APPENDUID \d+ 1\]/);
    // A plain literal is taken as well once UTF-8 is enabled (imapflow sends it so).
    const plain = await command(client, Buffer.concat([Buffer.from(`APPEND INBOX {${bytes.length}+}\r\n`), bytes]));
    expect(plain.at(-1)).toMatch(/^c OK \[APPENDUID \d+ 2\]/);
    const inbox = server.store.getMailbox('alice@swarm.local', 'INBOX')!;
    expect(server.store.getRaw(inbox.id, 1)?.equals(bytes)).toBe(true);
    expect(server.store.getMessage(inbox.id, 1)?.flags).toEqual(['\\Seen']);
    expect((await command(client, 'APPEND INBOX UTF8 ("not a literal")')).at(-1)).toMatch(/^c BAD .*UTF8 expects one literal8/);
  });

  it('is enabled by imapflow, which then names and fills UTF-8 mailboxes', async () => {
    server = await startTestServer();
    const client = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, logger: false, auth: { user: 'alice', pass: 'alice-secret' } });
    await client.connect();
    try {
      expect(client.enabled.has('UTF8=ACCEPT')).toBe(true);
      await client.mailboxCreate('Überblick/Daten & Fakten');
      const paths = (await client.list()).map((mailbox) => mailbox.path);
      expect(paths).toContain('Überblick/Daten & Fakten');
      await client.append('Überblick/Daten & Fakten', Buffer.from(MESSAGE, 'utf8'));
      await client.mailboxOpen('Überblick/Daten & Fakten');
      const message = await client.fetchOne('1', { envelope: true });
      expect(message && message.envelope?.subject).toBe('Grüße aus Köln');
    } finally {
      await client.logout();
    }
    const legacy = await session(server.port);
    expect(await command(legacy, 'LIST "" "&ANw-berblick/*"')).toEqual([
      '* LIST (\\HasNoChildren) "/" "&ANw-berblick/Daten &- Fakten"',
      'c OK LIST completed',
    ]);
  });
});
