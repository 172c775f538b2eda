// Atoms and odd mailbox names over a real socket (RFC 3501 §9 ATOM-CHAR, §5.1.3 modified UTF-7): `[` is an atom
// character, so `SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}` is understood and answered NO (no such mailbox: the
// `&` run is not valid modified UTF-7), `LIST "" <that>%*` answers OK with nothing, and names with brackets work.
// Malformed commands get one BAD each and the session goes on; a session never ends without `* BYE` saying why.
// Commands are sent one byte per write. SELECT and LIST are also compared with Debian's Dovecot when installed.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';
import { dovecotUnavailable, startDovecotTarget, taggedStatus, type ScriptTarget } from './reference-sessions.ts';

const ATOM_SPECIMEN = "!#$&'+,-.0123456789:;<=>?@^_`|[}";

/** Writes the bytes one at a time, letting the server read between them. */
async function trickle(client: RawImapClient, bytes: string | Buffer): Promise<void> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1');
  for (const byte of buffer) {
    client.write(Buffer.from([byte]));
    await nextTurn();
  }
}

async function trickleCommand(client: RawImapClient, tag: string, text: string): Promise<string[]> {
  await trickle(client, `${tag} ${text}\r\n`);
  return client.readUntilTagged(tag);
}

let server: TestServer;
let client: RawImapClient;
beforeAll(async () => {
  server = await startTestServer({ maxLiteralBytes: 4096 });
  client = await RawImapClient.connect(server.port);
  await client.command('l', 'LOGIN alice alice-secret');
});
afterAll(async () => {
  client.close();
  await server.close();
});

describe('atom characters in mailbox names', () => {
  it('answers SELECT of the ATOM-CHAR specimen with NO, not BAD, and goes on', async () => {
    const reply = await trickleCommand(client, 's1', `SELECT ${ATOM_SPECIMEN}`);
    expect(taggedStatus(reply)).toEqual({ status: 'NO', code: 'NONEXISTENT' });
    expect((await trickleCommand(client, 's2', `SELECT ${ATOM_SPECIMEN.replace('&', '&-')}`)).at(-1)).toMatch(/^s2 NO \[NONEXISTENT\] Mailbox does not exist/);
    expect((await client.command('n', 'NOOP')).at(-1)).toBe('n OK NOOP completed');
  });

  it('answers LIST and LSUB with the specimen and wildcards: OK, nothing listed', async () => {
    expect(await trickleCommand(client, 'l1', `LIST "" ${ATOM_SPECIMEN}%*`)).toEqual(['l1 OK LIST completed']);
    expect(await trickleCommand(client, 'l2', `LSUB "" ${ATOM_SPECIMEN}%*`)).toEqual(['l2 OK LSUB completed']);
    expect(await client.command('l3', `LIST (SUBSCRIBED) "" (${ATOM_SPECIMEN} INBOX) RETURN (CHILDREN)`)).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"',
      'l3 OK LIST completed',
    ]);
  });

  it('creates, lists, selects and examines names with brackets', async () => {
    expect((await trickleCommand(client, 'c1', 'CREATE a[b]c')).at(-1)).toBe('c1 OK CREATE completed');
    expect(await trickleCommand(client, 'c2', 'LIST "" a[*')).toEqual(['* LIST (\\HasNoChildren) "/" "a[b]c"', 'c2 OK LIST completed']);
    expect((await trickleCommand(client, 'c3', 'SELECT a[b]c')).at(-1)).toBe('c3 OK [READ-WRITE] SELECT completed');
    expect((await client.command('c4', 'STATUS a]b (MESSAGES)')).at(-1)).toMatch(/^c4 NO \[NONEXISTENT\]/);
    expect((await client.command('c5', 'CREATE &')).at(-1)).toMatch(/^c5 NO \[CANNOT\] Invalid mailbox name/);
    expect((await client.command('c6', 'UNSELECT')).at(-1)).toBe('c6 OK UNSELECT completed');
  });
});

describe('malformed commands', () => {
  const broken: Array<[string, string | Buffer]> = [
    ['unterminated section', 'm1 FETCH 1 BODY[HEADER\r\n'],
    ['unterminated quote', 'm2 SELECT "INBOX\r\n'],
    ['unbalanced parenthesis', 'm3 LIST ( "" *\r\n'],
    ['brace inside an atom', 'm4 SELECT a{b\r\n'],
    ['control characters', Buffer.from('m5 SELECT a\x01b\r\n', 'latin1')],
    ['8-bit garbage', Buffer.from([0x6d, 0x36, 0x20, 0xff, 0xfe, 0x80, 0x0d, 0x0a])],
    ['only parentheses', ')))(((\r\n'],
    ['unknown verb with a bracket', 'm8 X[ [ ]\r\n'],
  ];

  it.each(broken)('%s: one BAD, then the session goes on', async (_name, input) => {
    await trickle(client, input);
    const line = await client.readLine();
    expect(line).toMatch(/^(\S+) BAD /);
    expect(await client.command('ok', 'NOOP')).toEqual(['ok OK NOOP completed']);
    expect(client.closed).toBe(false);
  });

  it('ends a session only with a * BYE that says why (literal too big to skip)', async () => {
    const victim = await RawImapClient.connect(server.port);
    await victim.command('l', 'LOGIN alice alice-secret');
    victim.write('big APPEND INBOX {999999999+}\r\n');
    const lines: string[] = [];
    for (;;) {
      try {
        lines.push(await victim.readLine());
      } catch {
        break; // closed: every line sent before is in `lines`
      }
    }
    expect(lines[0]).toMatch(/^big BAD .*limit/);
    expect(lines.at(-1)).toMatch(/^\* BYE \S/);
    victim.close();
  });
});

const unavailable = dovecotUnavailable();
describe.skipIf(unavailable !== undefined)(`the specimen against Dovecot${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let dovecot: ScriptTarget;
  beforeAll(async () => {
    dovecot = await startDovecotTarget();
  }, 60_000);
  afterAll(async () => {
    await dovecot?.close();
  });

  it('answers SELECT with NO and LIST with OK, as we do', async () => {
    const session = await dovecot.session();
    expect(taggedStatus(await session.command('s', `SELECT ${ATOM_SPECIMEN}`)).status).toBe('NO');
    expect(await session.command('l', `LIST "" ${ATOM_SPECIMEN}%*`)).toEqual([expect.stringMatching(/^l OK /)]);
    expect(taggedStatus(await session.command('c', 'CREATE &')).status).toBe('NO');
  });
});
