// QUOTA (RFC 9208) over raw sessions, after the RFC's examples: GETQUOTAROOT and GETQUOTA (§4.1.1, §4.1.2) with
// one "User quota" root per account and the STORAGE resource in KiB (§5.1), `NO [OVERQUOTA]` for APPEND and COPY
// that would pass the limit (§4.3.1) while MOVE and expunging stay possible, delivery that is never refused (the
// account then shows usage above its limit), the read-only Journal left out of the usage, the STATUS items SIZE,
// DELETED and DELETED-STORAGE (§4.1.4), SETQUOTA refused, and imapflow's getQuota(). Where Debian's Dovecot is installed,
// its quota plugin (count backend, same limit) answers the same script.
import { appendFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { dovecotPostfixUnavailable, startDovecotPostfix, type DovecotPostfix } from '../helpers/dovecot-postfix.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';
import { appendCommand } from './reference-sessions.ts';

let server: TestServer | undefined;
let dovecot: DovecotPostfix | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await dovecot?.close();
  dovecot = undefined;
});

/** A message of exactly `size` octets. */
function messageOfSize(subject: string, size: number): string {
  const head = `Subject: ${subject}\r\n\r\n`;
  return head + 'x'.repeat(size - head.length);
}

async function session(port: number, login = 'alice', password = 'alice-secret'): Promise<RawImapClient> {
  const client = await RawImapClient.connect(port);
  expect((await client.command('l', `LOGIN ${login} ${password}`)).at(-1)).toMatch(/^l OK/);
  return client;
}

/** Replies that both servers must give alike, for a 3 KiB limit and 1500-octet messages. */
async function quotaScript(client: RawImapClient): Promise<Record<string, string[]>> {
  const answers: Record<string, string[]> = {};
  // Tagged lines without their text; mailbox names in QUOTAROOT as we write them (quoted; Dovecot sends atoms).
  const untaggedAndStatus = (lines: string[]): string[] => [
    ...lines.slice(0, -1).map((line) => line.replace(/^\* QUOTAROOT (\w+) /, '* QUOTAROOT "$1" ')),
    lines.at(-1)!.replace(/^(\S+ (?:OK|NO|BAD)(?: \[[^\]]*\])?).*$/, '$1'),
  ];
  answers.rootOfInbox = untaggedAndStatus(await client.command('r', 'GETQUOTAROOT INBOX'));
  answers.rootOfMissing = untaggedAndStatus(await client.command('r', 'GETQUOTAROOT Nowhere'));
  answers.otherRoot = untaggedAndStatus(await client.command('q', 'GETQUOTA ""'));
  answers.firstAppend = untaggedAndStatus(await client.command('a', appendCommand('INBOX', messageOfSize('one', 1500))).then((lines) => lines.map((line) => line.replace(/APPENDUID \d+ /, 'APPENDUID v '))));
  answers.usage = untaggedAndStatus(await client.command('q', 'GETQUOTA "User quota"'));
  answers.secondAppend = untaggedAndStatus(await client.command('a', appendCommand('INBOX', messageOfSize('two', 1500))).then((lines) => lines.map((line) => line.replace(/APPENDUID \d+ /, 'APPENDUID v '))));
  answers.thirdAppend = untaggedAndStatus(await client.command('a', appendCommand('INBOX', messageOfSize('three', 1500))));
  await client.command('s', 'SELECT INBOX');
  answers.copy = untaggedAndStatus(await client.command('c', 'COPY 1 Archive'));
  return answers;
}

describe('QUOTA on our server (RFC 9208)', () => {
  it('answers GETQUOTAROOT and GETQUOTA, refuses APPEND and COPY past the limit, and lets MOVE and EXPUNGE make room', async () => {
    server = await startTestServer({ storageQuotaBytes: 3 * 1024 });
    const client = await session(server.port);
    expect(await quotaScript(client)).toEqual({
      rootOfInbox: ['* QUOTAROOT "INBOX" "User quota"', '* QUOTA "User quota" (STORAGE 0 3)', 'r OK'],
      rootOfMissing: ['* QUOTAROOT "Nowhere" "User quota"', '* QUOTA "User quota" (STORAGE 0 3)', 'r OK'],
      otherRoot: ['q NO [NONEXISTENT]'],
      firstAppend: ['a OK [APPENDUID v 1]'],
      usage: ['* QUOTA "User quota" (STORAGE 2 3)', 'q OK'],
      secondAppend: ['a OK [APPENDUID v 2]'],
      thirdAppend: ['a NO [OVERQUOTA]'],
      copy: ['c NO [OVERQUOTA]'],
    });
    expect(server.store.accountUsage('alice@swarm.local').find((mailbox) => mailbox.name === 'INBOX')).toEqual({ name: 'INBOX', bytes: 3000, messages: 2 });
    // MOVE adds nothing to the account: filing mail away works even when full.
    expect((await client.command('m', 'MOVE 1 Archive')).at(-1)).toMatch(/^m OK/);
    expect((await client.command('n', 'NOOP')).at(-1)).toMatch(/^n OK/);
    // Freeing space makes APPEND possible again; the tagged NO said how much is used.
    expect((await client.command('d', 'STORE 1 +FLAGS.SILENT (\\Deleted)')).at(-1)).toMatch(/^d OK/);
    expect((await client.command('e', 'EXPUNGE')).at(-1)).toMatch(/^e OK/);
    expect((await client.command('a', appendCommand('INBOX', messageOfSize('four', 1500)))).at(-1)).toMatch(/^a OK \[APPENDUID/);
    const refusal = await client.command('a', appendCommand('INBOX', messageOfSize('five', 1500)));
    expect(refusal.at(-1)).toBe('a NO [OVERQUOTA] Quota exceeded: 2.9 KB of 3.0 KB used, 1.5 KB more would not fit; expunge or move mail to make room');
    expect((await client.command('q', 'SETQUOTA "User quota" (STORAGE 100)')).at(-1)).toMatch(/^q NO \[NOPERM\] .*quota\.storageMb/);
  });

  it('reports SIZE, DELETED and DELETED-STORAGE in STATUS and LIST-STATUS (RFC 9208 §4.1.4, RFC 9051 §6.3.11)', async () => {
    server = await startTestServer({ storageQuotaBytes: 1024 * 1024 });
    const client = await session(server.port);
    for (const size of [100, 200, 400]) await client.command('a', appendCommand('INBOX', messageOfSize(`m${size}`, size)));
    await client.command('s', 'SELECT INBOX');
    await client.command('d', 'STORE 2:3 +FLAGS.SILENT (\\Deleted)');
    expect(await client.command('t', 'STATUS INBOX (MESSAGES SIZE DELETED DELETED-STORAGE)')).toEqual([
      '* STATUS "INBOX" (MESSAGES 3 SIZE 700 DELETED 2 DELETED-STORAGE 600)',
      't OK STATUS completed',
    ]);
    const listed = await client.command('l', 'LIST "" "Junk" RETURN (STATUS (SIZE DELETED))');
    expect(listed).toContain('* STATUS "Junk" (SIZE 0 DELETED 0)');
  });

  it('does not count the read-only Journal, which the user could never empty', async () => {
    server = await startTestServer({ storageQuotaBytes: 3 * 1024, readOnlyMailboxes: (_account, mailbox) => mailbox === 'Journal' });
    server.store.deliver([{ account: 'alice@swarm.local', mailbox: 'Journal' }], Buffer.from(messageOfSize('journal copy', 10_000)));
    const client = await session(server.port);
    expect(await client.command('q', 'GETQUOTA "User quota"')).toEqual(['* QUOTA "User quota" (STORAGE 0 3)', 'q OK GETQUOTA completed']);
    expect((await client.command('a', appendCommand('INBOX', messageOfSize('fits', 1500)))).at(-1)).toMatch(/^a OK/);
  });

  it('lets delivery pass the limit (mail is never bounced for quota) and then refuses what the user adds', async () => {
    server = await startTestServer({ storageQuotaBytes: 3 * 1024 });
    // The SMTP delivery path stores through deliver()/deliverGrouped(), which know nothing of quotas.
    await server.store.deliverGrouped([{ account: 'alice@swarm.local' }], Buffer.from(messageOfSize('delivered', 5000)));
    const client = await session(server.port);
    expect(await client.command('q', 'GETQUOTA "User quota"')).toEqual(['* QUOTA "User quota" (STORAGE 5 3)', 'q OK GETQUOTA completed']);
    expect((await client.command('a', appendCommand('INBOX', messageOfSize('one more', 100)))).at(-1)).toMatch(/^a NO \[OVERQUOTA\]/);
  });

  it('shows an unlimited account with an empty resource list (§4.2.1)', async () => {
    server = await startTestServer();
    const client = await session(server.port);
    expect(await client.command('r', 'GETQUOTAROOT INBOX')).toEqual([
      '* QUOTAROOT "INBOX" "User quota"',
      '* QUOTA "User quota" ()',
      'r OK GETQUOTAROOT completed',
    ]);
    expect((await client.command('a', appendCommand('INBOX', messageOfSize('big', 100_000)))).at(-1)).toMatch(/^a OK/);
  });

  it('gives imapflow its usage and limit in bytes', async () => {
    server = await startTestServer({ storageQuotaBytes: 10 * 1024 });
    const writer = await session(server.port);
    await writer.command('a', appendCommand('INBOX', messageOfSize('one', 2048)));
    const client = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, logger: false, auth: { user: 'alice', pass: 'alice-secret' } });
    await client.connect();
    try {
      const quota = await client.getQuota('INBOX');
      expect(quota).toMatchObject({ path: 'INBOX', quotaRoot: 'User quota', storage: { usage: 2048, limit: 10 * 1024, status: '20%' } });
    } finally {
      await client.logout();
    }
  });
});

const dovecotMissing = dovecotPostfixUnavailable();
describe.skipIf(dovecotMissing !== undefined)(`QUOTA next to Dovecot's quota plugin ${dovecotMissing ?? ''}`, () => {
  it('answers the same quota script', async () => {
    server = await startTestServer({ storageQuotaBytes: 3 * 1024 });
    const ours = await quotaScript(await session(server.port));

    dovecot = await startDovecotPostfix({ domain: 'swarm.local', users: [{ name: 'alice', password: 'alice-secret' }] });
    const configFile = `${dovecot.directory}/dovecot.conf`;
    appendFileSync(configFile, [
      'mail_plugins = $mail_plugins quota',
      'protocol imap {', '  mail_plugins = $mail_plugins imap_quota', '}',
      'plugin {', '  quota = count:User quota', '  quota_rule = *:storage=3K', '  quota_vsizes = yes', '}', '',
    ].join('\n'));
    execFileSync('/usr/bin/doveadm', ['-c', configFile, 'reload']);
    const port = dovecot.imapPort;
    // Dovecot lists plugin capabilities only after login.
    const reference = await waitFor(async () => {
      const probe = await session(port, 'alice@swarm.local');
      const capabilities = await probe.command('c', 'CAPABILITY');
      if (capabilities[0]!.split(' ').includes('QUOTA')) return probe;
      probe.close();
      return undefined;
    }, { what: 'Dovecot to reload with the quota plugin' });
    const theirs = await quotaScript(reference);
    reference.close();
    // Dovecot has no quota root for "" either, but names no response code for it.
    expect({ ...ours, otherRoot: ['q NO'] }).toEqual(theirs);
  });
});
