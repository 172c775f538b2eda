// Session-layer behaviour over a raw socket: greeting and capabilities, LOGIN/AUTHENTICATE, NAMESPACE, ID,
// ENABLE, LOGOUT, pipelining (RFC 3501 §6.1-§6.2, RFC 4959, RFC 2971, RFC 5161, RFC 2342).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function connect(): Promise<RawImapClient> {
  return RawImapClient.connect(server.port);
}

describe('greeting and capabilities', () => {
  it('greets with IMAP4rev1 (and IMAP4rev2 next to it) capabilities and never LOGINDISABLED', async () => {
    const client = new Promise<string>((resolve) => {
      import('node:net').then(({ connect: open }) => {
        const socket = open(server.port, '127.0.0.1');
        socket.setEncoding('latin1');
        socket.once('data', (text: string) => {
          resolve(text);
          socket.destroy();
        });
      });
    });
    const greeting = await client;
    expect(greeting).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 [^\]]*\] mailswarm ready\r\n$/);
    for (const token of ['LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'CHILDREN', 'UNSELECT', 'AUTH=PLAIN', 'CONDSTORE', 'QRESYNC', 'COMPRESS=DEFLATE', 'QUOTA', 'QUOTA=RES-STORAGE', 'STATUS=SIZE', 'UTF8=ACCEPT', 'IMAP4rev2', 'CATENATE']) {
      expect(greeting.split(/[\s\]]/)).toContain(token);
    }
    for (const token of ['LOGINDISABLED', 'STARTTLS', 'QUOTASET', 'ACL']) {
      expect(greeting.split(/[\s\]]/)).not.toContain(token);
    }
  });

  it('answers CAPABILITY with an untagged list before the OK', async () => {
    const client = await connect();
    const lines = await client.command('a1', 'CAPABILITY');
    expect(lines[0]).toMatch(/^\* CAPABILITY IMAP4rev1 /);
    expect(lines[1]).toBe('a1 OK CAPABILITY completed');
    client.close();
  });
});

describe('authentication', () => {
  it('LOGIN with the bare local part re-sends capabilities in the tagged OK', async () => {
    const client = await connect();
    const lines = await client.command('a1', 'LOGIN alice alice-secret');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a1 OK \[CAPABILITY IMAP4rev1 .*\] Logged in$/);
    expect(lines[0]).not.toContain('AUTH=PLAIN');
    const again = await client.command('a2', 'LOGIN alice alice-secret');
    expect(again.at(-1)).toMatch(/^a2 BAD /);
    client.close();
  });

  it('LOGIN with a wrong password is NO [AUTHENTICATIONFAILED]', async () => {
    const client = await connect();
    const lines = await client.command('a1', 'LOGIN "alice@swarm.local" wrong');
    expect(lines.at(-1)).toBe('a1 NO [AUTHENTICATIONFAILED] Invalid user name or password');
    const ok = await client.command('a2', 'LOGIN "alice@swarm.local" {11}\r\nalice-secret'.replace('{11}', '{12}'));
    // A synchronizing literal is acknowledged with a continuation first.
    expect(ok[0]).toBe('+ Ready for literal data');
    expect(ok.at(-1)).toMatch(/^a2 OK /);
    client.close();
  });

  it('AUTHENTICATE PLAIN with SASL-IR, with a continuation, and cancelled by *', async () => {
    const credentials = Buffer.from('\0bob@swarm.local\0bob-secret').toString('base64');
    const first = await connect();
    expect((await first.command('a1', `AUTHENTICATE PLAIN ${credentials}`)).at(-1)).toMatch(/^a1 OK \[CAPABILITY /);
    first.close();

    const second = await connect();
    second.write('a1 AUTHENTICATE PLAIN\r\n');
    expect(await second.readLine()).toBe('+ ');
    second.write(`${credentials}\r\n`);
    expect((await second.readUntilTagged('a1')).at(-1)).toMatch(/^a1 OK /);
    second.close();

    const third = await connect();
    third.write('a1 AUTHENTICATE PLAIN\r\n');
    expect(await third.readLine()).toBe('+ ');
    third.write('*\r\n');
    expect((await third.readUntilTagged('a1')).at(-1)).toBe('a1 BAD Authentication cancelled');
    expect((await third.command('a2', 'AUTHENTICATE CRAM-MD5')).at(-1)).toMatch(/^a2 NO /);
    const wrong = Buffer.from('\0bob\0nope').toString('base64');
    expect((await third.command('a3', `AUTHENTICATE PLAIN ${wrong}`)).at(-1)).toMatch(/^a3 NO \[AUTHENTICATIONFAILED\]/);
    third.close();
  });

  it('refuses commands that need a login, and STARTTLS when no TLS is configured', async () => {
    const client = await connect();
    expect((await client.command('a1', 'SELECT INBOX')).at(-1)).toMatch(/^a1 BAD /);
    expect((await client.command('a2', 'STARTTLS')).at(-1)).toMatch(/^a2 NO /);
    client.close();
  });
});

describe('authenticated state', () => {
  it('answers NAMESPACE, ID and ENABLE', async () => {
    const client = await connect();
    await client.command('a0', 'LOGIN alice alice-secret');
    expect(await client.command('a1', 'NAMESPACE')).toEqual(['* NAMESPACE (("" "/")) NIL NIL', 'a1 OK NAMESPACE completed']);
    expect(await client.command('a2', 'ID ("name" "test" "version" NIL)')).toEqual(['* ID ("name" "mailswarm" "version" "0.1.0")', 'a2 OK ID completed']);
    expect(await client.command('a3', 'ENABLE CONDSTORE UTF8=ACCEPT')).toEqual(['* ENABLED CONDSTORE UTF8=ACCEPT', 'a3 OK ENABLE completed']);
    expect(await client.command('a4', 'ENABLE CONDSTORE')).toEqual(['* ENABLED', 'a4 OK ENABLE completed']);
    client.close();
  });

  it('processes pipelined commands in order and answers LOGOUT with BYE before OK', async () => {
    const client = await connect();
    client.write('p1 LOGIN alice alice-secret\r\np2 NOOP\r\np3 CAPABILITY\r\np4 LOGOUT\r\n');
    const lines = await client.readUntilTagged('p4');
    const tagged = lines.filter((line) => !line.startsWith('*')).map((line) => line.split(' ')[0]);
    expect(tagged).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(lines.at(-2)).toMatch(/^\* BYE /);
    expect(lines.at(-1)).toBe('p4 OK LOGOUT completed');
    await new Promise<void>((resolve) => (client.closed ? resolve() : client.socket.once('close', () => resolve())));
  });
});
