// Real client bytes: imapflow (the library our agents use) talks to a minimal loopback responder built
// on the CommandParser. Checks LITERAL+ APPEND, IDLE's DONE in line mode, and the command forms imapflow
// generates. The responder answers OK to everything and knows no mailbox semantics.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDateTime, parseSearchKeys } from '../../src/postoffice/imap/protocol/argument-parsers.ts';
import { CommandParser } from '../../src/postoffice/imap/protocol/command-parser.ts';
import { continuation, tagged, untagged } from '../../src/postoffice/imap/protocol/response-writer.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { plainResult, type PlainResult } from './parser-harness.ts';

const capabilities = ['IMAP4rev1', 'LITERAL+', 'IDLE'].map((atom) => ({ atom }));

function serve(socket: Socket, log: PlainResult[]): void {
  const parser = new CommandParser();
  let idleTag: string | undefined;
  socket.on('error', () => socket.destroy());
  socket.write(untagged({ atom: 'OK' }, { atom: 'ready' }));
  socket.on('data', (chunk: Buffer) => {
    parser.push(chunk);
    for (let result = parser.next(); result.kind !== 'need-more'; result = parser.next()) {
      log.push(plainResult(result));
      if (result.kind === 'need-literal') {
        socket.write(continuation('Ready'));
      } else if (result.kind === 'line') {
        parser.setLineMode(false);
        socket.write(tagged(idleTag as string, result.text.toUpperCase() === 'DONE' ? 'OK' : 'BAD', 'idle ended'));
      } else if (result.kind === 'error') {
        socket.write(tagged(result.tag ?? '*', 'BAD', result.message));
      } else {
        const { tag, name } = result.request;
        if (name === 'IDLE') {
          idleTag = tag;
          parser.setLineMode(true);
          socket.write(continuation('idling'));
        } else if (name === 'CAPABILITY') {
          socket.write(Buffer.concat([untagged({ atom: 'CAPABILITY' }, ...capabilities), tagged(tag, 'OK', 'done')]));
        } else if (name === 'SELECT') {
          socket.write(Buffer.concat([untagged(0, { atom: 'EXISTS' }), untagged({ atom: 'OK' }, { atom: '[UIDVALIDITY 1] ok' }),
            untagged({ atom: 'OK' }, { atom: '[UIDNEXT 1] ok' }), tagged(tag, 'OK', 'selected', 'READ-WRITE')]));
        } else if (name === 'LOGOUT') {
          socket.end(Buffer.concat([untagged({ atom: 'BYE' }, { atom: 'bye' }), tagged(tag, 'OK', 'done')]));
        } else {
          socket.write(tagged(tag, 'OK', 'done'));
        }
      }
    }
  });
}

describe('bytes from imapflow', () => {
  const log: PlainResult[] = [];
  const server = createServer((socket) => serve(socket, log));

  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('parses login, LITERAL+ append, select, search, store and IDLE/DONE', async () => {
    const { port } = server.address() as AddressInfo;
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'bob', pass: 'pa"ss\\word' }, logger: false });
    await client.connect();
    const message = Buffer.from('Subject: hi\r\n\r\nGrüße\r\n');
    await client.append('INBOX', message, ['\\Seen'], new Date('2026-12-05T09:11:12Z'));
    await client.mailboxOpen('INBOX');
    await client.search({ or: [{ from: 'bob' }, { seen: false }] }, { uid: true });
    await client.messageFlagsAdd('1:3', ['\\Deleted'], { uid: true });
    const idling = client.idle();
    await waitFor(() => log.some((entry) => entry.kind === 'request' && entry.name === 'IDLE'), { what: 'IDLE to arrive' });
    await client.noop(); // breaks IDLE with DONE
    await idling;
    await client.logout();

    const requests = log.filter((entry) => entry.kind !== 'request' || entry.name !== 'CAPABILITY');
    expect(requests.every((entry) => entry.kind !== 'error')).toBe(true);
    expect(requests.some((entry) => entry.kind === 'need-literal')).toBe(false);
    const byName = (name: string) => requests.find((entry) => entry.kind === 'request' && entry.name === name);
    expect(byName('LOGIN')).toMatchObject({ args: [{ str: 'bob' }, { str: 'pa"ss\\word' }] });
    // imapflow space-pads the day (RFC 3501 date-day-fixed), which parseDateTime accepts.
    expect(byName('APPEND')).toMatchObject({ args: ['INBOX', ['\\Seen'], { str: ' 5-Dec-2026 09:11:12 +0000' }, { lit: message.toString() }] });
    expect(parseDateTime(' 5-Dec-2026 09:11:12 +0000').toISOString()).toBe('2026-12-05T09:11:12.000Z');
    expect(byName('SELECT')).toMatchObject({ args: ['INBOX'] });
    expect(byName('SEARCH')).toMatchObject({ uid: true, args: ['OR', 'FROM', 'bob', 'UNSEEN'] });
    const search = requests.find((entry) => entry.kind === 'request' && entry.name === 'SEARCH');
    expect(search?.kind === 'request' && parseSearchKeys(search.args.map((value) => ({ type: 'atom' as const, value: value as string }))).key)
      .toEqual({ kind: 'or', left: { kind: 'header', field: 'From', value: 'bob' }, right: { kind: 'flag', flag: '\\Seen', set: false } });
    expect(byName('STORE')).toMatchObject({ uid: true, args: ['1:3', '+FLAGS', ['\\Deleted']] });
    const idleIndex = requests.findIndex((entry) => entry.kind === 'request' && entry.name === 'IDLE');
    expect(requests[idleIndex + 1]).toEqual({ kind: 'line', text: 'DONE' });
  });
});
