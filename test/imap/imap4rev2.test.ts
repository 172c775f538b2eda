// IMAP4rev2 (RFC 9051) advertised next to IMAP4rev1 (Appendix A): a session stays IMAP4rev1 until it sends
// ENABLE IMAP4rev2; then mailbox names are UTF-8 (§5.1), SELECT also answers the mailbox's LIST and no longer the
// removed UNSEEN code (§6.3.2, Appendix E item 10-11), a SEARCH without RETURN is answered by ESEARCH (§6.4.4, as in
// its examples), and UTF-8 header fields may be appended. Another session on the same mailboxes keeps rev1 answers.
// imapflow enables IMAP4rev2 by itself whenever it is advertised.
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';
import { appendCommand } from './reference-sessions.ts';

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

async function utf8Command(client: RawImapClient, tag: string, text: string | Buffer): Promise<string[]> {
  const lines = await client.command(tag, typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
  return lines.map((line) => Buffer.from(line, 'latin1').toString('utf8'));
}

function message(subject: string): string {
  return `From: carol@swarm.local\r\nSubject: ${subject}\r\n\r\n${subject}\r\n`;
}

describe('IMAP4rev2 next to IMAP4rev1 (RFC 9051 Appendix A)', () => {
  it('switches only the session that sends ENABLE IMAP4rev2', async () => {
    server = await startTestServer();
    const rev1 = await session(server.port);
    const rev2 = await session(server.port);
    for (const subject of ['one', 'two', 'three']) await rev1.command('a', appendCommand('INBOX', message(subject)));
    await rev1.command('c', 'CREATE "Entw&APw-rfe"');
    expect(await rev2.command('e', 'ENABLE IMAP4rev2')).toEqual(['* ENABLED IMAP4rev2', 'e OK ENABLE completed']);

    const selected = await rev2.command('s', 'SELECT INBOX');
    expect(selected).toContain('* LIST (\\HasNoChildren) "/" "INBOX"');
    expect(selected.some((line) => line.includes('[UNSEEN'))).toBe(false);
    expect(selected.at(-1)).toBe('s OK [READ-WRITE] SELECT completed');
    const rev1Selected = await rev1.command('s', 'SELECT INBOX');
    expect(rev1Selected).toContain('* OK [UNSEEN 1] Message 1 is first unseen');
    expect(rev1Selected.some((line) => line.startsWith('* LIST'))).toBe(false);

    // RFC 9051 §6.4.4 examples: ESEARCH with the command's tag, UID for UID SEARCH, nothing after the tag when empty.
    expect(await rev2.command('A282', 'SEARCH NOT DELETED')).toEqual(['* ESEARCH (TAG "A282") ALL 1:3', 'A282 OK SEARCH completed']);
    expect(await rev2.command('A283', 'UID SEARCH 2:*')).toEqual(['* ESEARCH (TAG "A283") UID ALL 2:3', 'A283 OK UID SEARCH completed']);
    expect(await rev2.command('A284', 'SEARCH SUBJECT nowhere')).toEqual(['* ESEARCH (TAG "A284")', 'A284 OK SEARCH completed']);
    expect(await rev1.command('r', 'SEARCH NOT DELETED')).toEqual(['* SEARCH 1 2 3', 'r OK SEARCH completed']);

    expect(await utf8Command(rev2, 'l', 'LIST "" "Entw*"')).toEqual(['* LIST (\\HasNoChildren) "/" "Entwürfe"', 'l OK LIST completed']);
    const sent = await utf8Command(rev2, 'x', 'EXAMINE "Sent"');
    expect(sent[0]).toBe('* OK [CLOSED] Previous mailbox closed.');
    expect(sent).toContain('* LIST (\\HasNoChildren \\Sent) "/" "Sent"');

    // UTF-8 header fields are part of IMAP4rev2 (Appendix E item 16).
    const utf8 = Buffer.from(message('Grüße'), 'utf8');
    expect((await rev2.command('a', Buffer.concat([Buffer.from(`APPEND INBOX {${utf8.length}+}\r\n`), utf8]))).at(-1)).toMatch(/^a OK \[APPENDUID/);
    expect((await rev1.command('a', Buffer.concat([Buffer.from(`APPEND INBOX {${utf8.length}+}\r\n`), utf8]))).at(-1)).toMatch(/^a NO /);
  });

  it('is enabled by imapflow, which then lists, searches and fetches as before', async () => {
    server = await startTestServer();
    const writer = await session(server.port);
    for (const subject of ['alpha', 'beta']) await writer.command('a', appendCommand('INBOX', message(subject)));
    const client = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, logger: false, auth: { user: 'alice', pass: 'alice-secret' } });
    await client.connect();
    try {
      expect(client.enabled.has('IMAP4REV2')).toBe(true);
      const lock = await client.getMailboxLock('INBOX');
      try {
        expect(await client.search({ subject: 'beta' }, { uid: true })).toEqual([2]);
        expect(await client.search({ all: true })).toEqual([1, 2]);
        const subjects: string[] = [];
        for await (const fetched of client.fetch('1:*', { envelope: true })) subjects.push(fetched.envelope?.subject ?? '');
        expect(subjects).toEqual(['alpha', 'beta']);
      } finally {
        lock.release();
      }
      const status = await client.status('INBOX', { messages: true, unseen: true });
      expect(status).toMatchObject({ messages: 2, unseen: 2 });
    } finally {
      await client.logout();
    }
  });
});
