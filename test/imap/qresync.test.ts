// QRESYNC (RFC 7162 §3.2) and the CONDSTORE details it builds on, over raw sessions, after the RFC's examples:
// ENABLE QRESYNC (§3.2.3), SELECT/EXAMINE (QRESYNC (uidvalidity modseq [known-uids [seq-match]])) with
// `* VANISHED (EARLIER)` and `* n FETCH (UID FLAGS MODSEQ)` (§3.2.5), UID FETCH (CHANGEDSINCE n VANISHED)
// (§3.2.6), `* VANISHED` instead of EXPUNGE with HIGHESTMODSEQ in the tagged OK (§3.2.7, §3.2.10), CLOSED
// (§3.2.11) and HIGHESTMODSEQ on the first CONDSTORE enabling command (§3.1). Where Debian's Dovecot is
// installed the same script runs on it and the observable answers (which UIDs, which status) must agree.
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImapClient } from './imap-test-server.ts';
import { appendCommand, dovecotUnavailable, startDovecotTarget, startMailswarmTarget, type ScriptTarget } from './reference-sessions.ts';

let target: ScriptTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

function message(subject: string): string {
  return `From: carol@swarm.local\r\nTo: alice@swarm.local\r\nSubject: ${subject}\r\n\r\n${subject}\r\n`;
}

/** The UIDs of a sequence set such as `2,4:6`. */
function expandSet(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [start, end = start] = part.split(':').map(Number);
    return Array.from({ length: end! - start! + 1 }, (_, index) => start! + index);
  });
}

/** UIDs named by `* VANISHED (EARLIER)` (earlier) or plain `* VANISHED` lines. */
function vanished(lines: readonly string[], earlier: boolean): number[] {
  const pattern = earlier ? /^\* VANISHED \(EARLIER\) (\S+)$/ : /^\* VANISHED (?!\()(\S+)$/;
  return lines.flatMap((line) => {
    const match = pattern.exec(line);
    return match ? expandSet(match[1]!) : [];
  });
}

/** The UIDs of the `* n FETCH (... UID n ...)` lines. */
function fetchedUids(lines: readonly string[]): number[] {
  return lines.flatMap((line) => {
    const match = /^\* \d+ FETCH \(.*\bUID (\d+)/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

function responseCode(lines: readonly string[], name: string): number | undefined {
  for (const line of lines) {
    const match = new RegExp(`\\[${name} (\\d+)\\]`).exec(line);
    if (match) return Number(match[1]);
  }
  return undefined;
}

function status(lines: readonly string[]): string {
  return /^\S+ (OK|NO|BAD)/.exec(lines.at(-1) ?? '')?.[1] ?? 'none';
}

async function ok(session: RawImapClient, command: string | Buffer): Promise<string[]> {
  const reply = await session.command('c', command);
  expect(reply.at(-1), reply.join('\n')).toMatch(/^c OK/);
  return reply;
}

interface Prepared {
  writer: RawImapClient;
  uidValidity: number;
  /** HIGHESTMODSEQ right after the eight messages were appended. */
  modseqAfterAppend: number;
}

/** INBOX with uids 1..8; then 2 and 4 expunged and uid 1 flagged, all after `modseqAfterAppend`. */
async function prepare(server: ScriptTarget): Promise<Prepared> {
  const writer = await server.session();
  await ok(writer, 'ENABLE CONDSTORE');
  for (let index = 1; index <= 8; index++) await ok(writer, appendCommand('INBOX', message(`m${index}`)));
  const selected = await ok(writer, 'SELECT INBOX');
  const uidValidity = responseCode(selected, 'UIDVALIDITY')!;
  const modseqAfterAppend = responseCode(selected, 'HIGHESTMODSEQ')!;
  await ok(writer, 'STORE 2,4 +FLAGS.SILENT (\\Deleted)');
  await ok(writer, 'EXPUNGE');
  await ok(writer, 'STORE 1 +FLAGS.SILENT (\\Flagged)');
  return { writer, uidValidity, modseqAfterAppend };
}

/** What a script sees, in terms both servers must agree on (UIDs and statuses, not MODSEQ values). */
async function resyncScript(server: ScriptTarget): Promise<Record<string, unknown>> {
  const { writer, uidValidity, modseqAfterAppend } = await prepare(server);
  const reader = await server.session();
  const results: Record<string, unknown> = {};
  results.selectBeforeEnable = status(await reader.command('s', `SELECT INBOX (QRESYNC (${uidValidity} ${modseqAfterAppend}))`));
  results.enabled = (await ok(reader, 'ENABLE QRESYNC')).filter((line) => line.startsWith('* ENABLED'));

  const full = await ok(reader, `SELECT INBOX (QRESYNC (${uidValidity} ${modseqAfterAppend}))`);
  results.fullVanished = vanished(full, true);
  results.fullFetched = fetchedUids(full);

  const known = await ok(reader, `EXAMINE INBOX (QRESYNC (${uidValidity} ${modseqAfterAppend} 1:3))`);
  results.knownClosed = known.includes('* OK [CLOSED] Previous mailbox closed.');
  results.knownVanished = vanished(known, true);
  results.knownFetched = fetchedUids(known);

  const mismatch = await ok(reader, `SELECT INBOX (QRESYNC (${uidValidity + 1} ${modseqAfterAppend}))`);
  results.mismatch = [vanished(mismatch, true), fetchedUids(mismatch)];
  results.starInKnownUids = status(await reader.command('s', `SELECT INBOX (QRESYNC (${uidValidity} 1 1:*))`));
  results.missingModseq = status(await reader.command('s', `SELECT INBOX (QRESYNC (${uidValidity}))`));

  await ok(reader, 'SELECT INBOX');
  const uidFetch = await ok(reader, `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseqAfterAppend} VANISHED)`);
  results.uidFetchVanished = vanished(uidFetch, true);
  results.uidFetchFetched = fetchedUids(uidFetch);
  results.fetchWithVanished = status(await reader.command('f', `FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseqAfterAppend} VANISHED)`));
  results.vanishedWithoutChangedSince = status(await reader.command('f', 'UID FETCH 1:* (FLAGS) (VANISHED)'));

  // Expunges of another session arrive as one `* VANISHED` (never EARLIER) with HIGHESTMODSEQ in the tagged OK.
  await ok(writer, 'UID STORE 6:7 +FLAGS.SILENT (\\Deleted)');
  await ok(writer, 'EXPUNGE');
  const noop = await ok(reader, 'NOOP');
  results.noopVanished = vanished(noop, false);
  results.noopHighestModseq = responseCode(noop.slice(-1), 'HIGHESTMODSEQ') !== undefined;
  // ... and its own EXPUNGE likewise.
  await ok(reader, 'STORE 1 +FLAGS.SILENT (\\Deleted)');
  const expunge = await ok(reader, 'EXPUNGE');
  results.expungeVanished = vanished(expunge, false);
  results.expungeLines = expunge.filter((line) => / EXPUNGE$/.test(line)).length;
  results.expungeHighestModseq = responseCode(expunge.slice(-1), 'HIGHESTMODSEQ') !== undefined;
  // `n:*` also covers expunged uids above the last message (8 is gone, 7 too).
  const tail = await ok(reader, `UID FETCH 5:* (FLAGS) (CHANGEDSINCE ${modseqAfterAppend} VANISHED)`);
  results.tailVanished = vanished(tail, true);
  return results;
}

describe('QRESYNC on our server (RFC 7162 §3.2)', () => {
  it('answers the RFC 7162 §3.2.5 and §3.2.6 resynchronisations', async () => {
    target = await startMailswarmTarget();
    expect(await resyncScript(target)).toEqual({
      selectBeforeEnable: 'BAD',
      enabled: ['* ENABLED QRESYNC'],
      fullVanished: [2, 4],
      fullFetched: [1],
      knownClosed: true,
      knownVanished: [2],
      knownFetched: [1],
      mismatch: [[], []],
      starInKnownUids: 'BAD',
      missingModseq: 'BAD',
      uidFetchVanished: [2, 4],
      uidFetchFetched: [1],
      fetchWithVanished: 'BAD',
      vanishedWithoutChangedSince: 'BAD',
      noopVanished: [6, 7],
      noopHighestModseq: true,
      expungeVanished: [1],
      expungeLines: 0,
      expungeHighestModseq: true,
      tailVanished: [6, 7],
    });
  });

  it('sends one `* OK [CLOSED]` when SELECT replaces a selection, even when the new one fails (RFC 7162 §3.2.11)', async () => {
    target = await startMailswarmTarget();
    const session = await target.session();
    expect((await ok(session, 'SELECT INBOX')).some((line) => line.includes('[CLOSED]'))).toBe(false);
    const reselect = await ok(session, 'EXAMINE INBOX');
    expect(reselect[0]).toBe('* OK [CLOSED] Previous mailbox closed.');
    const failed = await session.command('s', 'SELECT Nowhere');
    expect(failed[0]).toBe('* OK [CLOSED] Previous mailbox closed.');
    expect(failed.at(-1)).toMatch(/^s NO \[NONEXISTENT\]/);
    expect(status(await session.command('f', 'FETCH 1 (FLAGS)'))).toBe('BAD');
  });

  it('reports HIGHESTMODSEQ on the first CONDSTORE enabling command with a mailbox selected (RFC 7162 §3.1, Example 5)', async () => {
    target = await startMailswarmTarget();
    const session = await target.session();
    await ok(session, appendCommand('INBOX', message('one')));
    const selected = await ok(session, 'SELECT INBOX');
    const highest = responseCode(selected, 'HIGHESTMODSEQ');
    const first = await ok(session, 'STORE 1 (UNCHANGEDSINCE 1000) +FLAGS.SILENT (\\Seen)');
    expect(first[0]).toBe(`* OK [HIGHESTMODSEQ ${highest}] Highest`);
    expect(first[1]).toMatch(/^\* 1 FETCH \(UID 1 MODSEQ \(\d+\)\)$/);
    const again = await ok(session, 'ENABLE CONDSTORE');
    expect(again.filter((line) => line.includes('HIGHESTMODSEQ'))).toEqual([]);
  });

  it('puts UID in every FETCH a STORE causes once QRESYNC is on (RFC 7162 §3.2.4)', async () => {
    target = await startMailswarmTarget();
    const session = await target.session();
    await ok(session, appendCommand('INBOX', message('one')));
    await ok(session, 'ENABLE QRESYNC');
    await ok(session, 'SELECT INBOX');
    const stored = await ok(session, 'STORE 1 +FLAGS (\\Answered)');
    expect(stored[0]).toMatch(/^\* 1 FETCH \(FLAGS \(\\Answered \\Recent\) UID 1 MODSEQ \(\d+\)\)$/);
    const seen = await ok(session, 'FETCH 1 (BODY[TEXT])');
    // The FETCH carries a literal, so it spans lines: UID first, then the body, MODSEQ and the new FLAGS.
    expect(seen.slice(0, 3)).toEqual(['* 1 FETCH (UID 1 BODY[TEXT] {5}', 'one', expect.stringMatching(/^ MODSEQ \(\d+\) FLAGS \(\\Answered \\Seen \\Recent\)\)$/)]);
  });

  it('never names in `* VANISHED` a message the session was not told of (RFC 7162 §3.2.10.2)', async () => {
    target = await startMailswarmTarget();
    const watcher = await target.session();
    const writer = await target.session();
    await ok(watcher, 'ENABLE QRESYNC');
    await ok(writer, appendCommand('INBOX', message('known')));
    await ok(watcher, 'SELECT INBOX');
    await ok(writer, appendCommand('INBOX', message('arrives and goes'), '\\Deleted'));
    await ok(writer, 'SELECT INBOX');
    await ok(writer, 'EXPUNGE');
    const noop = await ok(watcher, 'NOOP');
    expect(noop.filter((line) => line.startsWith('*'))).toEqual([]);
  });
});

describe.skipIf(dovecotUnavailable() !== undefined)(`QRESYNC next to Dovecot ${dovecotUnavailable() ?? ''}`, () => {
  it('answers the same resynchronisation script as Dovecot', async () => {
    target = await startMailswarmTarget();
    const ours = await resyncScript(target);
    await target.close();
    target = await startDovecotTarget();
    const dovecot = await resyncScript(target);
    expect(ours).toEqual(dovecot);
  });
});
