// Live-session fuzzing (issue 13 robustness): a real IMAP server on a real store (127.0.0.1, port 0) and a
// runner that plays one generated case over a TCP socket: an optional LOGIN/SELECT prefix, then generated
// and mutated command bytes in random partial writes, then a resynchronising line and a sentinel NOOP.
// Up to three cases run at once on the same mailbox, so expunges, flag changes and appends of one session
// reach the others while they are in the middle of their own commands.
// The case passes when the session answers the sentinel or ends with `* BYE` (RFC 3501 §7.1.5), every
// response is well formed (RFC 3501 §7), nothing says SERVERBUG, and the server logged no error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import fc from 'fast-check';
import pino from 'pino';
import { startImapServer, type ImapServerHandle } from '../../src/postoffice/imap/imap-server.ts';
import { isJournalMailbox } from '../../src/postoffice/journal/journal-folder.ts';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';
import { DEFAULT_MAILBOXES } from '../../src/postoffice/store/store-types.ts';
import { encodedRfc822, rfc2231 } from '../mime/edge-fixtures.ts';
import { forwarded, groups, mixedWithAttachment, nested, simpleText } from '../mime/fixtures.ts';
import { chunkSizesArbitrary, fuzzStreamArbitrary, splitIntoChunks, type FuzzStream } from '../imap-protocol/imap-fuzz-inputs.ts';
import { DOMAIN, TestAccounts } from './imap-test-server.ts';

const USER = `alice@${DOMAIN}`;
const PASSWORD = 'alice-secret';
/** Literal limit of the fuzz server: small, so a pending literal can always be flushed (see FLUSH_LINE). */
const MAX_LITERAL_BYTES = 4096;
/**
 * Longer than the literals one command may still be waiting for (2 x MAX_LITERAL_BYTES): whatever state the
 * fuzz bytes left the session in (inside a literal, IDLE, AUTHENTICATE, a skipped line), this line ends it,
 * so the sentinel after it is read as a new command. `x` cannot be a separator or an announcement.
 */
const FLUSH_LINE = Buffer.from(`${'x'.repeat(2 * MAX_LITERAL_BYTES + 100)}\r\n`);
const SENTINEL_TAG = 'ZZQ9';
const SEED_MESSAGES = [simpleText, mixedWithAttachment, nested, forwarded, groups, rfc2231, encodedRfc822];
const MAX_EXTRA_MAILBOXES = 40;

export type SessionStart = 'fresh' | 'authenticated' | 'selected' | 'examined' | 'journal';

export interface SessionCase {
  start: SessionStart;
  stream: FuzzStream;
  chunkSizes: readonly number[];
  /** Let the server read between writes, so partial reads really happen. */
  yieldBetweenChunks: boolean;
}

export const sessionCaseArbitrary: fc.Arbitrary<SessionCase> = fc.record({
  start: fc.constantFrom<SessionStart>('fresh', 'authenticated', 'selected', 'selected', 'examined', 'journal'),
  stream: fuzzStreamArbitrary({ maxCommands: 8 }),
  chunkSizes: chunkSizesArbitrary,
  yieldBetweenChunks: fc.boolean(),
});

/** Sessions played at the same time against the same account. */
export const concurrentCasesArbitrary: fc.Arbitrary<SessionCase[]> = fc.array(sessionCaseArbitrary, { minLength: 1, maxLength: 3 });

const PREFIXES: Record<SessionStart, string> = {
  fresh: '',
  authenticated: `P1 LOGIN alice ${PASSWORD}\r\n`,
  selected: `P1 LOGIN alice ${PASSWORD}\r\nP2 SELECT INBOX\r\n`,
  examined: `P1 LOGIN alice ${PASSWORD}\r\nP2 EXAMINE INBOX\r\n`,
  journal: `P1 LOGIN alice ${PASSWORD}\r\nP2 SELECT Journal\r\n`,
};

export interface FuzzPostOffice {
  port: number;
  /** Error-level log lines of the server (a command that failed unexpectedly logs one). */
  readonly errorLogs: string[];
  /** Keeps the mailbox interesting between cases: messages to fetch, not too many fuzz folders. */
  prepareCase(): void;
  close(): Promise<void>;
}

export async function startFuzzPostOffice(): Promise<FuzzPostOffice> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailswarm-imap-fuzz-'));
  const store = MailStore.open(dataDir);
  const accounts = new TestAccounts();
  accounts.add(USER, PASSWORD);
  store.ensureAccount(USER);
  store.createMailbox(USER, 'Journal', null);
  const errorLogs: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void errorLogs.push(line) });
  let server: ImapServerHandle;
  try {
    server = await startImapServer({
      host: '127.0.0.1',
      port: 0,
      store,
      accounts,
      logger,
      maxLiteralBytes: MAX_LITERAL_BYTES,
      readOnlyMailboxes: isJournalMailbox,
      // Fuzzed LOGINs fail often; the anti-guessing delay would only make the run slow.
      loginThrottle: { baseDelayMs: 0, maxDelayMs: 0 },
    });
  } catch (error) {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const defaults = new Set(DEFAULT_MAILBOXES.map((mailbox) => mailbox.name));
  return {
    port: server.port,
    errorLogs,
    prepareCase() {
      for (const name of ['INBOX', 'Journal']) {
        const mailbox = store.getMailbox(USER, name) ?? store.createMailbox(USER, name, null);
        for (let index = mailbox.messageCount; index < SEED_MESSAGES.length; index++) store.append(mailbox.id, SEED_MESSAGES[index]!, index % 2 === 0 ? ['\\Seen'] : []);
      }
      const extra = store.listMailboxes(USER).filter((mailbox) => !defaults.has(mailbox.name) && mailbox.name !== 'Journal');
      if (extra.length <= MAX_EXTRA_MAILBOXES) return;
      // Children first, so a parent is never refused for having them.
      for (const mailbox of extra.sort((left, right) => right.name.length - left.name.length)) store.deleteMailbox(USER, mailbox.name);
    },
    async close() {
      await server.close();
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type SessionVerdict = { ok: true; endedWithBye: boolean } | { ok: false; problem: string; transcript: string };

/** Plays one case on a fresh connection; never throws for what the server does (that is the verdict). */
export async function runSessionCase(port: number, sessionCase: SessionCase, options: { deadlineMs: number }): Promise<SessionVerdict> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const received: Buffer[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  socket.on('data', (chunk: Buffer) => {
    received.push(chunk);
    notify();
  });
  socket.on('close', () => {
    closed = true;
    notify();
  });
  // Writes after the server closed fail with EPIPE/ECONNRESET; the close event is what the verdict uses.
  socket.on('error', () => undefined);
  const deadline = Date.now() + options.deadlineMs;
  const timer = setTimeout(notify, options.deadlineMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const bytes = Buffer.concat([Buffer.from(PREFIXES[sessionCase.start]), sessionCase.stream.bytes]);
    for (const chunk of splitIntoChunks(bytes, sessionCase.chunkSizes)) {
      if (closed) break;
      socket.write(chunk);
      if (sessionCase.yieldBetweenChunks) await new Promise((resolve) => setImmediate(resolve));
    }
    if (!closed) socket.write(Buffer.concat([FLUSH_LINE, Buffer.from(`${SENTINEL_TAG} NOOP\r\n`)]));
    for (;;) {
      const scan = scanResponses(Buffer.concat(received));
      const transcript = () => describeTranscript(bytes, Buffer.concat(received));
      if (scan.problem !== undefined) return { ok: false, problem: scan.problem, transcript: transcript() };
      if (scan.sentinelAnswered) return { ok: true, endedWithBye: scan.bye };
      if (closed) {
        return scan.bye ? { ok: true, endedWithBye: true } : { ok: false, problem: 'the server closed the connection without * BYE', transcript: transcript() };
      }
      if (Date.now() >= deadline) {
        return { ok: false, problem: `no answer to the sentinel ${SENTINEL_TAG} NOOP within ${options.deadlineMs} ms (the session hangs)`, transcript: transcript() };
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

interface ResponseScan {
  sentinelAnswered: boolean;
  bye: boolean;
  problem: string | undefined;
}

const STATUS_LINE = /^[^ ]+ (OK|NO|BAD) /;

/**
 * Splits the server's bytes into responses (a line ending in `{n}` or `~{n}` continues after n literal
 * bytes, RFC 3501 §4.3) and checks each: `* ...`, `+ ...`, or `tag OK|NO|BAD text`; no SERVERBUG.
 */
export function scanResponses(bytes: Buffer): ResponseScan {
  const scan: ResponseScan = { sentinelAnswered: false, bye: false, problem: undefined };
  let offset = 0;
  while (offset < bytes.length && scan.problem === undefined) {
    let response = '';
    let complete = false;
    for (;;) {
      const lineEnd = bytes.indexOf('\r\n', offset);
      if (lineEnd === -1) break;
      const line = bytes.toString('latin1', offset, lineEnd);
      offset = lineEnd + 2;
      response += line;
      const literal = /~?\{(\d+)\}$/.exec(line);
      if (literal === null) {
        complete = true;
        break;
      }
      offset += Number(literal[1]);
      if (offset > bytes.length) break;
    }
    if (!complete) break; // the rest has not arrived yet
    if (response.startsWith('* BYE ')) scan.bye = true;
    if (response.startsWith(`${SENTINEL_TAG} `)) scan.sentinelAnswered = true;
    if (!response.startsWith('* ') && !response.startsWith('+ ') && !STATUS_LINE.test(response)) {
      scan.problem = `malformed response line: ${JSON.stringify(response.slice(0, 200))}`;
    } else if (/\[SERVERBUG\]|Internal server error/.test(response)) {
      scan.problem = `the server reported its own failure: ${JSON.stringify(response.slice(0, 200))}`;
    }
  }
  return scan;
}

function describeTranscript(sent: Buffer, received: Buffer): string {
  return `sent ${JSON.stringify(sent.toString('latin1').slice(0, 2000))}\nreceived ${JSON.stringify(received.toString('latin1').slice(-2000))}`;
}
