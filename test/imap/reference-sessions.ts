// Raw IMAP sessions against our server and, when it is installed, Debian's Dovecot (the reference server of
// issue 13): the same script of commands runs on both so a test can compare the answers. Dovecot runs as a
// private instance on loopback (test/helpers/dovecot-postfix.ts); a test that needs it skips without it.
import { dovecotPostfixUnavailable, startDovecotPostfix } from '../helpers/dovecot-postfix.ts';
import { DOMAIN, RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';

export const REFERENCE_PASSWORD = 'alice-secret';

/** One server the script runs on, with a way to open logged-in sessions. */
export interface ScriptTarget {
  name: 'mailswarm' | 'dovecot';
  /** Where and as whom other clients (imapflow) log in; the password is REFERENCE_PASSWORD. */
  port: number;
  login: string;
  session(): Promise<RawImapClient>;
  close(): Promise<void>;
}

/** Why Dovecot cannot be compared with here, or undefined when it can. */
export function dovecotUnavailable(): string | undefined {
  return dovecotPostfixUnavailable();
}

async function loggedIn(port: number, login: string): Promise<RawImapClient> {
  const client = await RawImapClient.connect(port);
  const reply = await client.command('login', `LOGIN ${login} ${REFERENCE_PASSWORD}`);
  if (!reply.at(-1)?.startsWith('login OK')) throw new Error(`login as ${login} failed: ${reply.join(' | ')}`);
  return client;
}

/** Our server with account alice (its default folders, INBOX subscribed). */
export async function startMailswarmTarget(): Promise<ScriptTarget & { server: TestServer }> {
  const server = await startTestServer();
  const clients: RawImapClient[] = [];
  return {
    name: 'mailswarm',
    port: server.port,
    login: 'alice',
    server,
    async session() {
      const client = await loggedIn(server.port, 'alice');
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await server.close();
    },
  };
}

/** A private Dovecot with account alice@swarm.local. */
export async function startDovecotTarget(): Promise<ScriptTarget> {
  const dovecot = await startDovecotPostfix({ domain: DOMAIN, users: [{ name: 'alice', password: REFERENCE_PASSWORD }] });
  const clients: RawImapClient[] = [];
  return {
    name: 'dovecot',
    port: dovecot.imapPort,
    login: `alice@${DOMAIN}`,
    async session() {
      const client = await loggedIn(dovecot.imapPort, `alice@${DOMAIN}`);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await dovecot.close();
    },
  };
}

/** `APPEND mailbox [(flags)] {n+}` with the message as a non-synchronizing literal (RFC 7888), ready for command(). */
export function appendCommand(mailbox: string, message: string | Buffer, flags?: string): Buffer {
  const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message.replace(/\r?\n/g, '\r\n'), 'utf8');
  return Buffer.concat([Buffer.from(`APPEND ${mailbox}${flags ? ` (${flags})` : ''} {${bytes.length}+}\r\n`), bytes]);
}

/** A command whose last argument is a UTF-8 string sent as a non-synchronizing literal. */
export function withLiteral(prefix: string, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`${prefix} {${bytes.length}+}\r\n`), bytes]);
}

/** The numbers of the `* SEARCH` response among the lines of one command's reply. */
export function searchResult(lines: string[]): number[] {
  const line = lines.find((candidate) => /^\* SEARCH\b/i.test(candidate));
  if (line === undefined) throw new Error(`no SEARCH response in ${JSON.stringify(lines)}`);
  return line.slice('* SEARCH'.length).trim().split(/\s+/).filter(Boolean).map(Number);
}

/** The tagged status (`OK`, `NO`, `BAD`) and response code of the last line, e.g. `{status:'OK', code:'EXPUNGEISSUED'}`. */
export function taggedStatus(lines: string[]): { status: string; code: string | undefined } {
  const match = /^\S+ (OK|NO|BAD)(?: \[([^\]]*)\])?/.exec(lines.at(-1) ?? '');
  if (!match) throw new Error(`no tagged status in ${JSON.stringify(lines)}`);
  return { status: match[1]!, code: match[2]?.split(' ')[0] };
}
