// CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4) over raw sessions: the examples of §4.2-§4.3.5 (CONTEXT hint,
// UPDATE with ADDTO after the causing FETCH/EXISTS and REMOVEFROM before the EXPUNGE, tag reuse, NOUPDATE past the
// limit, CANCELUPDATE), positions in sorted contexts, frozen message numbers (§4.3), updates during IDLE and PARTIAL.
// A second session makes the changes, as another client would.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UPDATE_CONTEXTS } from '../../src/postoffice/imap/messages/search-contexts.ts';
import { DOMAIN, RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';
import { appendCommand } from './reference-sessions.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server with `count` INBOX messages dated one hour apart (message n at n:00), and two selected sessions. */
async function twoSessions(count: number): Promise<{ watcher: RawImapClient; changer: RawImapClient }> {
  server = await startTestServer();
  const inbox = server.store.getMailbox(`alice@${DOMAIN}`, 'INBOX')!;
  for (let number = 1; number <= count; number++) {
    const raw = Buffer.from(`Subject: message ${number}\r\nDate: 1 Jan 2025 ${String(number).padStart(2, '0')}:00:00 +0000\r\n\r\nbody\r\n`);
    server.store.append(inbox.id, raw, [], new Date('2025-03-01T00:00:00Z'));
  }
  const open = async () => {
    const client = await RawImapClient.connect(server!.port);
    expect((await client.command('l', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^l OK/);
    expect((await client.command('s', 'SELECT INBOX')).at(-1)).toMatch(/^s OK/);
    return client;
  };
  return { watcher: await open(), changer: await open() };
}

/** The lines of a command that matter here: ESEARCH, EXPUNGE, EXISTS and status lines; must end OK. */
async function relevant(client: RawImapClient, tag: string, command: string | Buffer): Promise<string[]> {
  const reply = await client.command(tag, command);
  expect(reply.at(-1), String(command)).toMatch(new RegExp(`^${tag} OK`));
  return reply.slice(0, -1).filter((line) => /^\* (ESEARCH|NO|\d+ EXPUNGE|\d+ EXISTS)/.test(line));
}

async function ok(client: RawImapClient, tag: string, command: string | Buffer): Promise<void> {
  expect((await client.command(tag, command)).at(-1), String(command)).toMatch(new RegExp(`^${tag} OK`));
}

describe('update contexts of SEARCH (RFC 5267 §4.3)', () => {
  it('follows the §4.2-§4.3.5 examples: COUNT, ADDTO after FETCH, BAD on tag reuse, REMOVEFROM before EXPUNGE, CANCELUPDATE', async () => {
    const { watcher, changer } = await twoSessions(6);
    expect(await relevant(watcher, 'A01', 'SEARCH RETURN (CONTEXT COUNT) UNDELETED UNKEYWORD $Junk')).toEqual(['* ESEARCH (TAG "A01") COUNT 6']);
    expect(await relevant(watcher, 'B01', 'UID SEARCH RETURN (UPDATE COUNT) DELETED KEYWORD $Junk')).toEqual(['* ESEARCH (TAG "B01") UID COUNT 0']);
    expect((await watcher.command('B01', 'SORT RETURN (UPDATE) (DATE) UTF-8 FLAGGED')).at(-1)).toMatch(/^B01 BAD /);

    await ok(changer, 'c1', 'STORE 2:3 +FLAGS.SILENT (\\Deleted $Junk)');
    const noop = await watcher.command('B02', 'NOOP');
    // The FETCH responses that cause the change come first, then the ADDTO (§4.3.3 example).
    expect(noop.filter((line) => /FETCH|ESEARCH/.test(line))).toEqual([
      expect.stringMatching(/^\* 2 FETCH \(FLAGS \(\\Deleted \$Junk\b/),
      expect.stringMatching(/^\* 3 FETCH \(FLAGS \(\\Deleted \$Junk\b/),
      '* ESEARCH (TAG "B01") UID ADDTO (0 2:3)',
    ]);

    await ok(changer, 'c2', 'UID EXPUNGE 2');
    // REMOVEFROM while the expunged message still has its number, then the EXPUNGE (§4.3.4 example).
    expect(await relevant(watcher, 'B03', 'NOOP')).toEqual(['* ESEARCH (TAG "B01") UID REMOVEFROM (0 2)', '* 2 EXPUNGE']);

    expect(await relevant(watcher, 'B04', 'CANCELUPDATE "B01"')).toEqual([]);
    await ok(changer, 'c3', 'STORE 1 +FLAGS.SILENT (\\Deleted $Junk)');
    expect(await relevant(watcher, 'B05', 'NOOP')).toEqual([]);
    expect((await watcher.command('B06', 'CANCELUPDATE "B01"')).at(-1)).toMatch(/^B06 NO /);
    expect((await watcher.command('B07', 'CANCELUPDATE B01')).at(-1)).toMatch(/^B07 BAD /);
  });

  it('answers with message numbers for SEARCH: REMOVEFROM before EXPUNGE, ADDTO after EXISTS', async () => {
    const { watcher, changer } = await twoSessions(4);
    expect(await relevant(watcher, 'w1', 'SEARCH RETURN (UPDATE) UNSEEN')).toEqual(['* ESEARCH (TAG "w1")']);
    await ok(changer, 'c1', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
    await ok(changer, 'c2', 'EXPUNGE');
    await ok(changer, 'c3', appendCommand('INBOX', 'Subject: new\r\n\r\nnew\r\n'));
    expect(await relevant(watcher, 'w2', 'NOOP')).toEqual(['* ESEARCH (TAG "w1") REMOVEFROM (0 2)', '* 2 EXPUNGE', '* 4 EXISTS', '* ESEARCH (TAG "w1") ADDTO (0 4)']);
    // The session's own STORE counts too.
    expect(await relevant(watcher, 'w3', 'STORE 1,3 +FLAGS.SILENT (\\Seen)')).toEqual(['* ESEARCH (TAG "w1") REMOVEFROM (0 1,3)']);
  });

  it('keeps the messages that message numbers named when the command ran (§4.3)', async () => {
    const { watcher, changer } = await twoSessions(4);
    await relevant(watcher, 'w1', 'SEARCH RETURN (UPDATE) 3:4 FLAGGED');
    await ok(changer, 'c1', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await ok(changer, 'c2', 'EXPUNGE');
    // The message that was number 4 is number 3 now; it is still the one the context watches.
    await ok(changer, 'c3', 'STORE 3 +FLAGS.SILENT (\\Flagged)');
    await ok(changer, 'c4', 'STORE 1 +FLAGS.SILENT (\\Flagged)');
    expect(await relevant(watcher, 'w2', 'NOOP')).toEqual(['* 1 EXPUNGE', '* ESEARCH (TAG "w1") ADDTO (0 3)']);
  });

  it('pushes updates during IDLE', async () => {
    const { watcher, changer } = await twoSessions(2);
    await relevant(watcher, 'w1', 'UID SEARCH RETURN (UPDATE) FLAGGED');
    watcher.write('w2 IDLE\r\n');
    expect(await watcher.readLine()).toMatch(/^\+ /);
    await ok(changer, 'c1', 'STORE 2 +FLAGS.SILENT (\\Flagged)');
    const seen: string[] = [];
    while (!seen.some((line) => line.startsWith('* ESEARCH'))) seen.push(await watcher.readLine());
    expect(seen.at(-1)).toBe('* ESEARCH (TAG "w1") UID ADDTO (0 2)');
    watcher.write('DONE\r\n');
    expect((await watcher.readUntilTagged('w2')).at(-1)).toMatch(/^w2 OK/);
  });

  it(`refuses more than ${MAX_UPDATE_CONTEXTS} contexts with NOUPDATE, still answering the search (§4.3.1)`, async () => {
    const { watcher } = await twoSessions(3);
    for (let index = 0; index < MAX_UPDATE_CONTEXTS; index++) await relevant(watcher, `u${index}`, 'SEARCH RETURN (UPDATE) ALL');
    expect(await relevant(watcher, 'B02', 'UID SORT RETURN (UPDATE COUNT) (DATE) UTF-8 KEYWORD $Junk')).toEqual([
      '* ESEARCH (TAG "B02") UID COUNT 0',
      '* NO [NOUPDATE "B02"] At most 10 update contexts; cancel one with CANCELUPDATE',
    ]);
    await ok(watcher, 'x', 'CANCELUPDATE "u0" "u1"');
    expect(await relevant(watcher, 'B03', 'SEARCH RETURN (UPDATE) ALL')).toEqual(['* ESEARCH (TAG "B03")']);
  });
});

describe('update contexts of SORT (RFC 5267 §4.3.3, §4.3.4)', () => {
  it('gives positions in the sorted result, one pair per run', async () => {
    const { watcher, changer } = await twoSessions(6);
    await ok(changer, 'c0', 'STORE 1:6 +FLAGS.SILENT (\\Seen)');
    await relevant(watcher, 'n', 'NOOP');
    // Sorted by REVERSE DATE: 6 5 4 3 2 1; none unseen yet.
    expect(await relevant(watcher, 'C01', 'UID SORT RETURN (UPDATE ALL) (REVERSE DATE) UTF-8 UNSEEN')).toEqual(['* ESEARCH (TAG "C01") UID']);
    await ok(changer, 'c1', 'STORE 2:4 -FLAGS.SILENT (\\Seen)');
    // 4 3 2 go in at positions 1, 2, 3: one pair (§4.3.3's preferred form); the set keeps the sort order.
    expect(await relevant(watcher, 'w1', 'NOOP')).toEqual(['* ESEARCH (TAG "C01") UID ADDTO (1 4,3,2)']);
    await ok(changer, 'c2', 'STORE 6,1 -FLAGS.SILENT (\\Seen)');
    expect(await relevant(watcher, 'w2', 'NOOP')).toEqual(['* ESEARCH (TAG "C01") UID ADDTO (1 6 5 1)']);
    await ok(changer, 'c3', 'STORE 3:4 +FLAGS.SILENT (\\Seen)');
    // Result was 6 4 3 2 1: both leave from position 2.
    expect(await relevant(watcher, 'w3', 'NOOP')).toEqual(['* ESEARCH (TAG "C01") UID REMOVEFROM (2 4,3)']);
    await ok(changer, 'c4', appendCommand('INBOX', 'Subject: later\r\nDate: 1 Jan 2025 23:00:00 +0000\r\n\r\nx\r\n'));
    expect(await relevant(watcher, 'w4', 'NOOP')).toEqual(['* 7 EXISTS', '* ESEARCH (TAG "C01") UID ADDTO (1 7)']);
    expect(await relevant(watcher, 'w5', 'UID SORT RETURN (ALL) (REVERSE DATE) UTF-8 UNSEEN')).toEqual(['* ESEARCH (TAG "w5") UID ALL 7,6,2,1']);
  });
});

describe('PARTIAL (RFC 5267 §4.4)', () => {
  it('returns windows of the result, in mailbox order for SEARCH and sort order for SORT', async () => {
    const { watcher } = await twoSessions(8);
    expect(await relevant(watcher, 'p1', 'SEARCH RETURN (PARTIAL 1:3) ALL')).toEqual(['* ESEARCH (TAG "p1") PARTIAL (1:3 1:3)']);
    expect(await relevant(watcher, 'p2', 'SEARCH RETURN (PARTIAL 7:500 COUNT) ALL')).toEqual(['* ESEARCH (TAG "p2") PARTIAL (7:500 7:8) COUNT 8']);
    expect(await relevant(watcher, 'p3', 'SORT RETURN (PARTIAL 1:3) (REVERSE DATE) UTF-8 ALL')).toEqual(['* ESEARCH (TAG "p3") PARTIAL (1:3 8,7,6)']);
    expect(await relevant(watcher, 'p4', 'SEARCH RETURN (PARTIAL 9:10) ALL')).toEqual(['* ESEARCH (TAG "p4") PARTIAL (9:10 NIL)']);
    expect((await watcher.command('p5', 'SEARCH RETURN (PARTIAL 1:3 ALL) ALL')).at(-1)).toMatch(/^p5 BAD /);
  });
});
