// Bad input never crashes the server (RFC 3501 §7.1.3 BAD, §7.1.5 BYE): every malformed command gets a
// tagged BAD (untagged `* BAD` when it has no usable tag) or a NO, the session goes on, and a second
// session is never affected. Oversized literals are refused before their bytes are read (RFC 7888 §4).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer;
let bystander: RawImapClient;
beforeAll(async () => {
  server = await startTestServer({ maxLiteralBytes: 1024 * 1024 });
  bystander = await RawImapClient.connect(server.port);
  await bystander.command('b0', 'LOGIN bob bob-secret');
  await bystander.command('b1', 'SELECT INBOX');
});
afterAll(async () => {
  bystander.close();
  await server.close();
});

/** True once the "messages" helper replaced the FETCH placeholder with the real verb. */
const messageVerbsLanded = !readFileSync(new URL('../../src/postoffice/imap/commands/fetch.ts', import.meta.url), 'utf8').includes('PLACEHOLDER');

const garbage = Buffer.from(Array.from({ length: 600 }, (_, index) => (index * 37 + 11) % 256).filter((byte) => byte !== 0x0a && byte !== 0x7b));

interface Case {
  name: string;
  state: 'fresh' | 'authenticated' | 'selected';
  send: string | Buffer;
  /** The last line of the reply. */
  expect: RegExp;
  skip?: boolean;
}

const cases: Case[] = [
  { name: 'no tag, only a verb', state: 'fresh', send: 'NOOP\r\n', expect: /^(\* BAD|NOOP BAD) / },
  { name: 'a line of parentheses', state: 'fresh', send: '((((\r\n', expect: /^\* BAD / },
  { name: 'tag without a command', state: 'fresh', send: 'x1\r\n', expect: /^(x1|\*) BAD / },
  { name: 'unknown verb', state: 'fresh', send: 'x2 FROBNICATE now\r\n', expect: /^x2 BAD Unknown command FROBNICATE/ },
  { name: 'UID with a verb that has no UID form', state: 'selected', send: 'x3 UID LIST "" *\r\n', expect: /^x3 BAD / },
  { name: 'unbalanced parentheses', state: 'authenticated', send: 'x4 LIST (SUBSCRIBED "" "*"\r\n', expect: /^x4 BAD / },
  { name: 'extra closing parenthesis', state: 'authenticated', send: 'x5 STATUS INBOX (MESSAGES))\r\n', expect: /^x5 BAD / },
  { name: 'FETCH before SELECT', state: 'authenticated', send: 'x6 FETCH 1 (FLAGS)\r\n', expect: /^x6 BAD No mailbox selected/ },
  { name: 'SELECT before LOGIN', state: 'fresh', send: 'x7 SELECT INBOX\r\n', expect: /^x7 BAD / },
  { name: 'LOGIN with three arguments', state: 'fresh', send: 'x8 LOGIN a b c\r\n', expect: /^x8 BAD / },
  { name: 'AUTHENTICATE with broken base64', state: 'fresh', send: 'x9 AUTHENTICATE PLAIN !!!!\r\n', expect: /^x9 BAD / },
  { name: 'SELECT without a mailbox', state: 'authenticated', send: 'y1 SELECT\r\n', expect: /^y1 BAD / },
  { name: 'STATUS with an unknown item', state: 'authenticated', send: 'y2 STATUS INBOX (SIZE NONSENSE)\r\n', expect: /^y2 BAD / },
  { name: 'APPEND with a broken date', state: 'authenticated', send: 'y3 APPEND INBOX "99-Foo-2026 10:00:00 +0000" {5+}\r\nhello\r\n', expect: /^y3 BAD / },
  { name: 'APPEND without a message', state: 'authenticated', send: 'y4 APPEND INBOX\r\n', expect: /^y4 BAD / },
  { name: 'synchronizing literal too big', state: 'authenticated', send: 'y5 APPEND INBOX {5000000}\r\n', expect: /^y5 BAD .*literal/ },
  { name: '70 KiB command line', state: 'authenticated', send: `y6 NOOP ${'x'.repeat(70 * 1024)}\r\n`, expect: /^y6 BAD .*too long/ },
  { name: 'binary garbage', state: 'authenticated', send: Buffer.concat([garbage, Buffer.from('\r\n')]), expect: /BAD / },
  { name: 'NUL bytes inside a command', state: 'authenticated', send: Buffer.from('y7 LIST "" "\0"\r\n'), expect: /^y7 (BAD|OK) / },
  { name: 'ENABLE with a list', state: 'authenticated', send: 'y8 ENABLE (CONDSTORE)\r\n', expect: /^y8 BAD / },
  { name: 'CREATE with a wildcard name', state: 'authenticated', send: 'y9 CREATE "a*b"\r\n', expect: /^y9 (NO|BAD) / },
  { name: 'bad sequence set', state: 'selected', send: 'z1 FETCH 1:x (FLAGS)\r\n', expect: /^z1 BAD /, skip: !messageVerbsLanded },
  { name: 'sequence number beyond the mailbox', state: 'selected', send: 'z2 FETCH 99 (FLAGS)\r\n', expect: /^z2 BAD /, skip: !messageVerbsLanded },
  { name: 'CHECK outside the selected state', state: 'authenticated', send: 'z3 CHECK\r\n', expect: /^z3 BAD / },
  { name: 'IDLE with arguments', state: 'authenticated', send: 'z4 IDLE now\r\n', expect: /^z4 BAD / },
];

async function sessionIn(state: Case['state']): Promise<RawImapClient> {
  const client = await RawImapClient.connect(server.port);
  if (state !== 'fresh') await client.command('s0', 'LOGIN alice alice-secret');
  if (state === 'selected') await client.command('s1', 'SELECT INBOX');
  return client;
}

describe('malformed input', () => {
  for (const testCase of cases) {
    it.skipIf(testCase.skip === true)(`${testCase.name} → BAD/NO, and both sessions keep working`, async () => {
      const client = await sessionIn(testCase.state);
      client.write(testCase.send);
      let line = await client.readLine();
      while (line.startsWith('+ ') || (!testCase.expect.test(line) && line.startsWith('* ') && !line.startsWith('* BAD'))) line = await client.readLine();
      expect(line).toMatch(testCase.expect);
      // The session survives: the next command is parsed normally.
      expect(await client.command('n1', 'NOOP')).toEqual(['n1 OK NOOP completed']);
      expect(await bystander.command('b9', 'NOOP')).toEqual(['b9 OK NOOP completed']);
      client.close();
    });
  }

  it('a non-synchronizing literal that is too big ends that session only, with BAD then BYE', async () => {
    const client = await sessionIn('authenticated');
    client.write('big APPEND INBOX {5000000+}\r\n');
    expect(await client.readLine()).toMatch(/^big BAD .*literal/);
    expect(await client.readLine()).toMatch(/^\* BYE /);
    await new Promise<void>((resolve) => (client.closed ? resolve() : client.socket.once('close', () => resolve())));
    expect(await bystander.command('b8', 'NOOP')).toEqual(['b8 OK NOOP completed']);
  });

  it('survives a few hundred lines of seeded random bytes and still answers', async () => {
    let seed = 20261201;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const client = await sessionIn('authenticated');
    const lines: Buffer[] = [];
    for (let line = 0; line < 300; line++) {
      const length = Math.floor(random() * 200);
      // No `{`: a random literal announcement would legitimately swallow the lines after it.
      const bytes = Array.from({ length }, () => Math.floor(random() * 256)).filter((byte) => byte !== 0x0a && byte !== 0x7b);
      lines.push(Buffer.from(bytes), Buffer.from('\r\n'));
    }
    client.write(Buffer.concat(lines));
    client.write('last NOOP\r\n');
    const replies = await client.readUntilTagged('last');
    expect(replies.at(-1)).toBe('last OK NOOP completed');
    expect(replies.every((line) => / (BAD|NO|OK) /.test(line) || line.startsWith('* '))).toBe(true);
    expect(await bystander.command('b6', 'NOOP')).toEqual(['b6 OK NOOP completed']);
    client.close();
  });

  it('a client that vanishes mid-literal or mid-IDLE leaves the server serving others', async () => {
    const half = await sessionIn('authenticated');
    half.write('h1 APPEND INBOX {100+}\r\nonly a part');
    const idler = await sessionIn('selected');
    idler.write('i1 IDLE\r\n');
    expect(await idler.readLine()).toBe('+ idling');
    half.close();
    idler.close();
    const fresh = await sessionIn('selected');
    expect(await fresh.command('f1', 'NOOP')).toEqual(['f1 OK NOOP completed']);
    fresh.close();
    expect(await bystander.command('b7', 'NOOP')).toEqual(['b7 OK NOOP completed']);
  });
});
