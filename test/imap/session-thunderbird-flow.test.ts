// The command sequence Thunderbird sends (see /work/shared/notes/mail-clients.md), replayed over a raw
// socket: login with AUTHENTICATE PLAIN, NAMESPACE, ID, LIST (SUBSCRIBED) ... RETURN (SPECIAL-USE), LSUB,
// SELECT, UID FETCH sync and header fetch, UID STORE, UID MOVE to Trash, APPEND with LITERAL+, STATUS, IDLE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, RawImapClient, sampleMessage, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  for (const subject of ['first', 'second', 'third']) server.store.deliver([{ account: `alice@${DOMAIN}` }], sampleMessage(subject));
});
afterAll(async () => {
  await server.close();
});

describe('Thunderbird-like session', () => {
  it('logs in, discovers folders, syncs, marks read, deletes to Trash, saves to Sent and idles', async () => {
    const client = await RawImapClient.connect(server.port);
    const plain = Buffer.from(`\0alice@${DOMAIN}\0alice-secret`).toString('base64');
    expect((await client.command('1', `authenticate PLAIN ${plain}`)).at(-1)).toMatch(/^1 OK \[CAPABILITY IMAP4rev1 /);
    expect((await client.command('2', 'namespace')).at(-1)).toBe('2 OK NAMESPACE completed');
    expect((await client.command('3', 'ID ("name" "Thunderbird" "version" "128.0")')).at(-1)).toBe('3 OK ID completed');

    const folders = await client.command('4', 'LIST (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)');
    expect(folders).toContain('* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" "Trash"');
    expect(folders.filter((line) => line.startsWith('* LIST'))).toHaveLength(6);
    expect((await client.command('5', 'lsub "" "*"')).filter((line) => line.startsWith('* LSUB'))).toHaveLength(6);

    const selected = await client.command('6', 'select "INBOX"');
    expect(selected).toContain('* 3 EXISTS');
    expect(selected.at(-1)).toBe('6 OK [READ-WRITE] SELECT completed');

    const sync = await client.command('7', 'UID fetch 1:* (FLAGS)');
    expect(sync.filter((line) => /^\* \d+ FETCH /.test(line))).toHaveLength(3);
    expect(sync[0]).toMatch(/^\* 1 FETCH \(.*UID 1.*\)$/);
    const headers = await client.command(
      '8',
      'UID fetch 1:3 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)])',
    );
    expect(headers.at(-1)).toMatch(/^8 OK /);
    expect(headers.join('\n')).toContain('Subject: second');

    expect((await client.command('9', 'UID store 1 +FLAGS (\\Seen)')).at(-1)).toMatch(/^9 OK /);
    expect((await client.command('10', 'CHECK')).at(-1)).toBe('10 OK CHECK completed');

    const moved = await client.command('11', 'UID move 2 "Trash"');
    expect(moved.some((line) => /^\* OK \[COPYUID \d+ 2 1\]/.test(line))).toBe(true);
    expect(moved).toContain('* 2 EXPUNGE');
    expect(moved.at(-1)).toMatch(/^11 OK /);

    const raw = sampleMessage('my reply', 'Thanks!\r\n', `alice@${DOMAIN}`, `carol@${DOMAIN}`);
    const appended = await client.command('12', Buffer.concat([Buffer.from(`APPEND "Sent" (\\Seen) "01-Dec-2026 11:00:00 +0100" {${raw.length}+}\r\n`), raw]));
    expect(appended.at(-1)).toMatch(/^12 OK \[APPENDUID \d+ 1\] APPEND completed$/);

    const status = await client.command('13', 'STATUS "Trash" (UIDNEXT MESSAGES UNSEEN RECENT)');
    expect(status[0]).toBe('* STATUS "Trash" (UIDNEXT 2 MESSAGES 1 UNSEEN 1 RECENT 1)');

    client.write('14 IDLE\r\n');
    expect(await client.readLine()).toBe('+ idling');
    server.store.deliver([{ account: `alice@${DOMAIN}` }], sampleMessage('fourth'));
    expect(await client.readLine()).toBe('* 3 EXISTS');
    client.write('DONE\r\n');
    const rest = await client.readUntilTagged('14');
    expect(rest.at(-1)).toBe('14 OK IDLE terminated');
    expect((await client.command('15', 'logout'))[0]).toMatch(/^\* BYE /);
  });
});
