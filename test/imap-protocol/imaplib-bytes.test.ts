// Real client bytes: Python's imaplib talks to a minimal loopback responder built on the CommandParser,
// and the parsed requests must be exactly what imaplib meant (quoted escapes, a synchronizing APPEND
// literal with its `+` handshake, AUTHENTICATE's continuation line in line mode). The responder is test
// scaffolding only: it answers OK to everything and knows no mailbox semantics.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandParser } from '../../src/postoffice/imap/protocol/command-parser.ts';
import { continuation, tagged, untagged } from '../../src/postoffice/imap/protocol/response-writer.ts';
import { plainResult, type PlainResult } from './parser-harness.ts';

const hasPython = spawnSync('python3', ['-c', 'import imaplib'], { stdio: 'ignore' }).status === 0;

const script = String.raw`
import imaplib, sys
port = int(sys.argv[1])
first = imaplib.IMAP4('127.0.0.1', port)
first.authenticate('PLAIN', lambda challenge: b'\0bob\0secret')
first.logout()
second = imaplib.IMAP4('127.0.0.1', port)
second.login('bob', 'pa"ss\\word x')
second.list('""', '*')
second.select('INBOX')
second.uid('FETCH', '1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (From Subject)])')
second.append('INBOX', '(\\Seen)', '"05-Dec-2026 10:11:12 +0100"', 'Subject: hi\n\nGrüße\n'.encode())
second.uid('SEARCH', 'CHARSET', 'UTF-8', 'OR', '(FROM "bob" UNSEEN)', 'SEEN')
second.store('1:3', '+FLAGS', '(\\Deleted)')
second.logout()
`;

function serve(socket: Socket, log: PlainResult[]): void {
  const parser = new CommandParser();
  let authenticatingTag: string | undefined;
  socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test responder ready\r\n');
  socket.on('data', (chunk: Buffer) => {
    parser.push(chunk);
    for (let result = parser.next(); result.kind !== 'need-more'; result = parser.next()) {
      log.push(plainResult(result));
      if (result.kind === 'need-literal') {
        socket.write(continuation('Ready'));
      } else if (result.kind === 'line') {
        parser.setLineMode(false);
        socket.write(tagged(authenticatingTag as string, 'OK', 'authenticated'));
      } else if (result.kind === 'error') {
        socket.write(tagged(result.tag ?? '*', 'BAD', result.message));
      } else if (result.request.name === 'AUTHENTICATE') {
        authenticatingTag = result.request.tag;
        parser.setLineMode(true);
        socket.write(continuation(''));
      } else if (result.request.name === 'CAPABILITY') {
        socket.write(Buffer.concat([untagged({ atom: 'CAPABILITY' }, { atom: 'IMAP4rev1' }), tagged(result.request.tag, 'OK', 'done')]));
      } else if (result.request.name === 'LOGOUT') {
        socket.end(Buffer.concat([untagged({ atom: 'BYE' }, { atom: 'bye' }), tagged(result.request.tag, 'OK', 'done')]));
      } else {
        socket.write(tagged(result.request.tag, 'OK', 'done'));
      }
    }
  });
}

describe.skipIf(!hasPython)('bytes from Python imaplib', () => {
  const log: PlainResult[] = [];
  const server = createServer((socket) => serve(socket, log));

  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('parses every command imaplib sends', async () => {
    const { port } = server.address() as AddressInfo;
    const child = spawn('python3', ['-c', script, String(port)], { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);

    const withoutTags = log
      .filter((entry) => !(entry.kind === 'request' && entry.name === 'CAPABILITY'))
      .map((entry) => {
        if (entry.kind !== 'request') return entry;
        expect(entry.tag).toMatch(/^[A-Z]{4}[0-9]+$/);
        const { tag: _tag, ...rest } = entry;
        return rest;
      });
    const request = (name: string, args: unknown[], uid = false) => ({ kind: 'request', name, uid, args });
    const message = 'Subject: hi\r\n\r\nGrüße\r\n';
    expect(withoutTags).toEqual([
      request('AUTHENTICATE', ['PLAIN']),
      { kind: 'line', text: Buffer.from('\0bob\0secret').toString('base64') },
      request('LOGOUT', []),
      request('LOGIN', ['bob', { str: 'pa"ss\\word x' }]),
      request('LIST', [{ str: '' }, '*']),
      request('SELECT', ['INBOX']),
      request('FETCH', ['1:*', ['FLAGS', 'BODY.PEEK[HEADER.FIELDS (From Subject)]']], true),
      { kind: 'need-literal', size: Buffer.byteLength(message) },
      request('APPEND', ['INBOX', ['\\Seen'], { str: '05-Dec-2026 10:11:12 +0100' }, { lit: message }]),
      request('SEARCH', ['CHARSET', 'UTF-8', 'OR', ['FROM', { str: 'bob' }, 'UNSEEN'], 'SEEN'], true),
      request('STORE', ['1:3', '+FLAGS', ['\\Deleted']]),
      request('LOGOUT', []),
    ]);
  });
});
