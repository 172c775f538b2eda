// MULTIAPPEND (RFC 3502), BINARY (RFC 3516) and LITERAL- (RFC 7888 §5) over raw sessions, and imapflow using
// BINARY as it does when the server advertises it (literal8 APPEND of NUL bytes, FETCH BINARY of a part): the RFC
// 3502 example with synchronizing literals, all-or-nothing APPENDs, APPENDUID with every new uid, literal8 data
// stored so BODY stays NUL-free and BINARY gives the bytes back, UNKNOWN-CTE, and the 4096-byte LITERAL- limit.
import { afterEach, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { DOMAIN, RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer | undefined;
const clients: ImapFlow[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) if (client.usable) await client.logout();
  await server?.close();
  server = undefined;
});

async function session(options: Parameters<typeof startTestServer>[0] = {}): Promise<RawImapClient> {
  server = await startTestServer(options);
  const client = await RawImapClient.connect(server.port);
  expect((await client.command('l', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^l OK/);
  return client;
}

function inboxUids(): number[] {
  const inbox = server!.store.getMailbox(`alice@${DOMAIN}`, 'INBOX')!;
  return server!.store.listMessages(inbox.id).map((record) => record.uid);
}

const first = 'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example.COM>\r\nSubject: afternoon meeting\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n';
const second = 'Date: Mon, 7 Feb 1994 22:43:04 -0800 (PST)\r\nFrom: Joe Mooch <mooch@OWaTaGu.example.net>\r\nSubject: Re: afternoon meeting\r\n\r\n3:30 is fine with me.\r\n';

describe('MULTIAPPEND (RFC 3502)', () => {
  it('runs the RFC example: two messages, synchronizing literals, one APPENDUID naming both', async () => {
    const client = await session();
    expect((await client.command('c', 'CREATE saved-messages')).at(-1)).toMatch(/^c OK/);
    client.write(`A003 APPEND saved-messages (\\Seen) {${first.length}}\r\n`);
    expect(await client.readLine()).toMatch(/^\+ /);
    client.write(`${first} (\\Seen) " 7-Feb-1994 22:43:04 -0800" {${second.length}}\r\n`);
    expect(await client.readLine()).toMatch(/^\+ /);
    client.write(`${second}\r\n`);
    const reply = await client.readUntilTagged('A003');
    expect(reply.at(-1)).toMatch(/^A003 OK \[APPENDUID \d+ 1:2\] APPEND completed$/);
    expect((await client.command('s', 'SELECT saved-messages')).filter((line) => /EXISTS/.test(line))).toEqual(['* 2 EXISTS']);
    expect((await client.command('f', 'FETCH 1:2 (FLAGS INTERNALDATE RFC822.SIZE)')).slice(0, -1)).toEqual([
      expect.stringMatching(new RegExp(`^\\* 1 FETCH \\(FLAGS \\(\\\\Seen \\\\Recent\\) INTERNALDATE "[^"]+" RFC822\\.SIZE ${first.length}\\)$`)),
      // The date-time given for the second message is its INTERNALDATE (shown in UTC).
      `* 2 FETCH (FLAGS (\\Seen \\Recent) INTERNALDATE "08-Feb-1994 06:43:04 +0000" RFC822.SIZE ${second.length})`,
    ]);
    expect((await client.command('A004', `APPEND bogusname (\\Flagged) {1+}\r\nx`)).at(-1)).toMatch(/^A004 NO \[TRYCREATE\]/);
  });

  it('works with LITERAL+ and tells a selected session of every new message', async () => {
    const client = await session();
    await client.command('s', 'SELECT INBOX');
    const reply = await client.command('A1', 'APPEND INBOX {3+}\r\nfoo {4+}\r\nbaar ~{3+}\r\nbaz');
    expect(reply).toEqual(['* 3 EXISTS', '* 3 RECENT', expect.stringMatching(/^A1 OK \[APPENDUID \d+ 1:3\] APPEND completed$/)]);
  });

  it('stores all messages or none: an empty literal, a bad flag or a bad date leaves the mailbox as it was', async () => {
    const client = await session();
    expect((await client.command('a', `APPEND INBOX {3+}\r\nfoo {0+}\r\n`)).at(-1)).toMatch(/^a NO /);
    expect((await client.command('b', `APPEND INBOX {3+}\r\nfoo (\\Bogus) {3+}\r\nbar`)).at(-1)).toMatch(/^b BAD /);
    expect((await client.command('c', `APPEND INBOX {3+}\r\nfoo "bad date" {3+}\r\nbar`)).at(-1)).toMatch(/^c BAD /);
    expect(inboxUids()).toEqual([]);
    // The next APPEND gets the next uid as if nothing had been tried.
    expect((await client.command('d', `APPEND INBOX {3+}\r\nfoo`)).at(-1)).toMatch(/^d OK \[APPENDUID \d+ 1\]/);
  });
});

const nulBytes = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x41]);
const binaryMessage = Buffer.concat([
  Buffer.from('From: a@x.org\r\nSubject: nul\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nh=C3=A9llo\r\n--B\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
  nulBytes,
  Buffer.from('\r\n--B\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n--B--\r\n'),
]);

describe('BINARY (RFC 3516)', () => {
  it('appends a literal8, keeps BODY free of NUL (base64) and gives the bytes back through BINARY', async () => {
    const client = await session();
    const appended = await client.command('a', Buffer.concat([Buffer.from(`APPEND INBOX ~{${binaryMessage.length}+}\r\n`), binaryMessage]));
    expect(appended.at(-1)).toMatch(/^a OK \[APPENDUID/);
    await client.command('s', 'SELECT INBOX');
    const structure = await client.command('f', 'FETCH 1 (BODYSTRUCTURE BODY.PEEK[2])');
    expect(structure[0]).toContain('("application" "octet-stream" NIL NIL NIL "base64" 12 NIL NIL NIL NIL)');
    expect(structure[1]).toBe('AAEC/w0KQQ==)');
    client.socket.setEncoding('latin1');
    const binary = await client.command('g', 'FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[1])');
    // literal8 for the NUL bytes; a plain literal for the decoded quoted-printable text.
    expect(binary.join('\r\n')).toBe(`* 1 FETCH (BINARY[2] ~{7}\r\n${nulBytes.toString('latin1')} BINARY.SIZE[2] 7 BINARY[1] {6}\r\nh\u00c3\u00a9llo)\r\ng OK FETCH completed`);
    expect((await client.command('h', 'FETCH 1 (BINARY.PEEK[3])')).at(-1)).toMatch(/^h NO \[UNKNOWN-CTE\]/);
    expect((await client.command('i', 'FETCH 1 (BINARY.PEEK[1.MIME])')).at(-1)).toMatch(/^i BAD /);
  });

  it('sets \\Seen for BINARY without PEEK and answers partial fetches of decoded data', async () => {
    const client = await session();
    const single = 'Subject: single\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=';
    expect((await client.command('a', `APPEND INBOX {${single.length}+}\r\n${single}`)).at(-1)).toMatch(/^a OK/);
    await client.command('s', 'SELECT INBOX');
    expect(await client.command('f', 'FETCH 1 (BINARY[1]<6.100>)')).toEqual(['* 1 FETCH (BINARY[1]<6> {5}', 'world FLAGS (\\Seen \\Recent))', 'f OK FETCH completed']);
  });
});

describe('LITERAL- (RFC 7888 §5)', () => {
  it('is advertised instead of LITERAL+ when configured, and answers BAD [TOOBIG] past 4096 bytes', async () => {
    const client = await session({ literalMinus: true });
    const capability = (await client.command('c', 'CAPABILITY'))[0]!.split(' ');
    expect(capability).toContain('LITERAL-');
    expect(capability).not.toContain('LITERAL+');
    const body = `Subject: big\r\n\r\n${'x'.repeat(5000)}`;
    expect((await client.command('a', `APPEND INBOX {${body.length}+}\r\n${body}`)).at(-1)).toMatch(/^a BAD \[TOOBIG\] /);
    const small = `Subject: small\r\n\r\n${'x'.repeat(4000)}`;
    expect((await client.command('b', `APPEND INBOX {${small.length}+}\r\n${small}`)).at(-1)).toMatch(/^b OK /);
    expect(inboxUids()).toEqual([1]);
  });
});

describe('imapflow with BINARY advertised', () => {
  it('appends NUL bytes as literal8 and fetches the part back through BINARY', async () => {
    server = await startTestServer();
    const client = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, doSTARTTLS: false, auth: { user: 'alice', pass: 'alice-secret' }, logger: false });
    clients.push(client);
    await client.connect();
    expect(client.capabilities.has('BINARY')).toBe(true);
    const appended = await client.append('INBOX', binaryMessage);
    expect(appended && appended.uid).toBe(1);
    await client.mailboxOpen('INBOX');
    const message = await client.fetchOne('1', { bodyParts: ['2', '1'] }, { uid: true, binary: true });
    expect(message && message.bodyParts?.get('2')).toEqual(nulBytes);
    expect(message && message.bodyParts?.get('1')?.toString('utf8')).toBe('héllo');
  });
});
