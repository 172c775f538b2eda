// A keyword first set by STORE or APPEND is announced with `* FLAGS` and `* OK [PERMANENTFLAGS ...]` to every
// session that has the mailbox selected, before any FETCH response of that session names it (RFC 3501 §7.2.6,
// §7.4.2) — the storing session included, even for .SILENT, and an EXAMINE session (with `PERMANENTFLAGS ()`).
// One imapflow client sets the keywords; three raw sessions watch, one of them in IDLE. The same scenario runs
// against Debian's Dovecot when it is installed, so the transcript checker is known to be fair.
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImapClient } from './imap-test-server.ts';
import {
  appendCommand, dovecotUnavailable, REFERENCE_PASSWORD, startDovecotTarget, startMailswarmTarget, type ScriptTarget,
} from './reference-sessions.ts';

/** Replays one session's untagged lines and reports every FETCH that names a keyword FLAGS had not announced. */
class KeywordTranscript {
  readonly known = new Set<string>();
  readonly violations: string[] = [];
  readonly permanentFlags: string[] = [];
  #fetches = 0;

  read(lines: readonly string[]): void {
    for (const line of lines) {
      const flags = /^\* FLAGS \(([^)]*)\)/i.exec(line);
      if (flags) for (const flag of words(flags[1]!)) this.known.add(flag.toLowerCase());
      const permanent = /^\* OK \[PERMANENTFLAGS \(([^)]*)\)\]/i.exec(line);
      if (permanent) this.permanentFlags.push(permanent[1]!);
      const fetch = /^\* \d+ FETCH \(.*\bFLAGS \(([^)]*)\)/i.exec(line);
      if (!fetch) continue;
      this.#fetches++;
      for (const flag of words(fetch[1]!)) {
        if (!flag.startsWith('\\') && !this.known.has(flag.toLowerCase())) this.violations.push(`${flag} in "${line}" before any FLAGS named it`);
      }
    }
  }

  get fetchesSeen(): number {
    return this.#fetches;
  }
}

function words(list: string): string[] {
  return list.split(/\s+/).filter(Boolean);
}

function message(subject: string): string {
  return `From: carol@swarm.local\r\nTo: alice@swarm.local\r\nSubject: ${subject}\r\n\r\n${subject}\r\n`;
}

async function readUntil(client: RawImapClient, pattern: RegExp): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const line = await client.readLine();
    lines.push(line);
    if (pattern.test(line)) return lines;
  }
}

interface ScenarioResult {
  watcher: KeywordTranscript;
  storer: KeywordTranscript;
  examiner: KeywordTranscript;
  silentStoreReply: string[];
}

/** The same steps on any server: imapflow writes keywords, raw sessions watch. */
async function runScenario(target: ScriptTarget): Promise<ScenarioResult> {
  const watcherSession = await target.session();
  const storerSession = await target.session();
  const examinerSession = await target.session();
  for (const subject of ['one', 'two', 'three']) expect((await storerSession.command('a', appendCommand('INBOX', message(subject)))).at(-1)).toMatch(/^a OK/);

  const watcher = new KeywordTranscript();
  const storer = new KeywordTranscript();
  const examiner = new KeywordTranscript();
  watcher.read(await watcherSession.command('s', 'SELECT INBOX'));
  storer.read(await storerSession.command('s', 'SELECT INBOX'));
  examiner.read(await examinerSession.command('s', 'EXAMINE INBOX'));

  const writer = new ImapFlow({
    host: '127.0.0.1', port: target.port, secure: false, doSTARTTLS: false,
    auth: { user: target.login, pass: REFERENCE_PASSWORD }, logger: false, disableAutoIdle: true,
  });
  await writer.connect();
  try {
    await writer.mailboxOpen('INBOX');
    // STORE by another client, then a .SILENT STORE by the storing session itself.
    await writer.messageFlagsAdd('1', ['$label1']);
    const silentStoreReply = await storerSession.command('t', 'STORE 2 +FLAGS.SILENT ($Forwarded)');
    storer.read(silentStoreReply);
    watcher.read(await watcherSession.command('n', 'NOOP'));
    examiner.read(await examinerSession.command('n', 'NOOP'));

    // APPEND with a new keyword, then the watchers fetch the flags of everything.
    await writer.append('INBOX', message('four'), ['$Junk']);
    watcher.read(await watcherSession.command('n', 'NOOP'));
    watcher.read(await watcherSession.command('f', 'FETCH 1:* (FLAGS)'));
    examiner.read(await examinerSession.command('f', 'FETCH 1:* (UID FLAGS)'));
    storer.read(await storerSession.command('f', 'UID FETCH 1:* (FLAGS)'));

    // A session in IDLE hears of a keyword set by STORE from another session, FLAGS first.
    watcherSession.write('i IDLE\r\n');
    watcher.read(await readUntil(watcherSession, /^\+/));
    storer.read(await storerSession.command('t', 'STORE 3 +FLAGS ($label2)'));
    watcher.read(await readUntil(watcherSession, /^\* 3 FETCH .*\$label2/i));
    watcherSession.write('DONE\r\n');
    watcher.read(await readUntil(watcherSession, /^i /));
    return { watcher, storer, examiner, silentStoreReply };
  } finally {
    await writer.logout();
  }
}

function expectEveryKeywordAnnounced(result: ScenarioResult): void {
  for (const [name, transcript] of Object.entries({ watcher: result.watcher, storer: result.storer, examiner: result.examiner })) {
    expect({ session: name, violations: transcript.violations }).toEqual({ session: name, violations: [] });
    expect(transcript.fetchesSeen).toBeGreaterThan(0);
  }
  for (const keyword of ['$label1', '$forwarded', '$junk', '$label2']) expect(result.watcher.known).toContain(keyword);
  for (const keyword of ['$label1', '$forwarded', '$junk']) expect(result.examiner.known).toContain(keyword);
  // The storing session is told of its own new keyword even though .SILENT sends no FETCH.
  expect(result.silentStoreReply.some((line) => /^\* FLAGS \(.*\$Forwarded/i.test(line))).toBe(true);
  // Read-write sessions may set any keyword; the EXAMINE session may set nothing.
  expect(result.watcher.permanentFlags.at(-1)).toMatch(/\$label2 .*\\\*$/i);
  expect(result.examiner.permanentFlags.every((flags) => flags === '')).toBe(true);
}

describe('keyword announcement', () => {
  let target: ScriptTarget | undefined;
  afterEach(async () => {
    await target?.close();
    target = undefined;
  });

  it('sends FLAGS and PERMANENTFLAGS before any FETCH names a new keyword, to every session', async () => {
    target = await startMailswarmTarget();
    expectEveryKeywordAnnounced(await runScenario(target));
  });

  it('lists the keywords already in use when a mailbox is selected, in FLAGS and PERMANENTFLAGS', async () => {
    target = await startMailswarmTarget();
    const session = await target.session();
    await session.command('a', appendCommand('INBOX', message('tagged'), '$Important \\Seen'));
    const reply = await session.command('s', 'SELECT INBOX');
    expect(reply).toContain('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)');
    expect(reply).toContain('* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important \\*)] Flags permitted');
    // A known keyword in another spelling is not announced again (keywords compare case-insensitively).
    const store = await session.command('t', 'STORE 1 +FLAGS ($IMPORTANT)');
    expect(store.some((line) => line.startsWith('* FLAGS'))).toBe(false);
  });

  const unavailable = dovecotUnavailable();
  it.skipIf(unavailable !== undefined)(`Dovecot passes the same transcript check${unavailable ? ` (skipped: ${unavailable})` : ''}`, async () => {
    target = await startDovecotTarget();
    expectEveryKeywordAnnounced(await runScenario(target));
  }, 60_000);
});
