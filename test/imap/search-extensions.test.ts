// ESEARCH (RFC 4731), SEARCHRES (RFC 5182), SORT and THREAD (RFC 5256), SORT=DISPLAY (RFC 5957) and ESORT (RFC 5267
// §3) over raw sessions, replaying the RFCs' examples on mailboxes built so the examples' answers are the right ones
// (sequence numbers are kept; uids start at 1 here, so UID examples keep their shape, not their numbers).
import { afterEach, describe, expect, it } from 'vitest';
import { ImapFlow } from 'imapflow';
import { DOMAIN, RawImapClient, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Seed {
  headers: string;
  flags?: string[];
  internalDate?: string;
}

/** A server whose alice INBOX holds `messages` (in order), and a session that SELECTed it. */
async function mailbox(messages: Seed[]): Promise<RawImapClient> {
  server = await startTestServer();
  const inbox = server.store.getMailbox(`alice@${DOMAIN}`, 'INBOX')!;
  for (const message of messages) {
    const raw = Buffer.from(`${message.headers.replace(/\n/g, '\r\n')}\r\n\r\nbody\r\n`);
    server.store.append(inbox.id, raw, message.flags ?? [], new Date(message.internalDate ?? '2025-03-01T00:00:00Z'));
  }
  const client = await RawImapClient.connect(server.port);
  expect((await client.command('l', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^l OK/);
  expect((await client.command('s', 'SELECT INBOX')).at(-1)).toMatch(/^s OK/);
  return client;
}

/** The untagged lines of a command that must complete OK. */
async function untagged(client: RawImapClient, tag: string, command: string | Buffer): Promise<string[]> {
  const reply = await client.command(tag, command);
  expect(reply.at(-1), String(command)).toMatch(new RegExp(`^${tag} OK`));
  return reply.slice(0, -1).filter((line) => !/^\* \d+ (EXISTS|RECENT)$/.test(line));
}

/** RFC 4731's mailbox: FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith" is 2, 10, 11; the first unseen is 4; 5 deleted. */
function rfc4731Mailbox(): Seed[] {
  return Array.from({ length: 12 }, (_, index) => {
    const number = index + 1;
    const flags: string[] = [];
    if ([2, 3, 10, 11].includes(number)) flags.push('\\Flagged');
    if (number <= 3) flags.push('\\Seen');
    if ([5, 6, 7, 8, 9].includes(number)) flags.push('\\Deleted');
    return {
      headers: `From: ${number === 3 ? 'Mr Smith <smith@example.org>' : `user${number}@example.org`}\nSubject: message ${number}`,
      flags,
      internalDate: number === 1 ? '1993-06-01T00:00:00Z' : '2025-03-01T00:00:00Z',
    };
  });
}

describe('ESEARCH (RFC 4731 §3.1 examples)', () => {
  it('answers A282 to A286', async () => {
    const client = await mailbox(rfc4731Mailbox());
    expect(await untagged(client, 'A282', 'SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toEqual(['* ESEARCH (TAG "A282") MIN 2 COUNT 3']);
    expect(await untagged(client, 'A283', 'SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toEqual(['* ESEARCH (TAG "A283") ALL 2,10:11']);
    expect(await untagged(client, 'A284', 'SEARCH RETURN (MIN) UNSEEN')).toEqual(['* ESEARCH (TAG "A284") MIN 4']);
    expect(await untagged(client, 'A285', 'UID SEARCH RETURN (MIN MAX) 1:5000')).toEqual(['* ESEARCH (TAG "A285") UID MIN 1 MAX 12']);
    expect(await untagged(client, 'A286', 'SEARCH RETURN (COUNT) DELETED')).toEqual(['* ESEARCH (TAG "A286") COUNT 5']);
    // Without RETURN the answer stays the classic one.
    expect(await untagged(client, 'A287', 'SEARCH FLAGGED')).toEqual(['* SEARCH 2 3 10 11']);
  });

  it('adds MODSEQ for MODSEQ criteria (§3.2) and answers an empty result with COUNT only', async () => {
    const client = await mailbox(rfc4731Mailbox());
    // MODSEQ turns CONDSTORE on, which also announces HIGHESTMODSEQ (RFC 7162 §3.1).
    const line = (await untagged(client, 'a1', 'SEARCH RETURN (MIN COUNT) MODSEQ 1')).find((reply) => reply.startsWith('* ESEARCH'));
    expect(line).toMatch(/^\* ESEARCH \(TAG "a1"\) MIN 1 COUNT 12 MODSEQ \d+$/);
    expect(await untagged(client, 'a2', 'SEARCH RETURN (MIN MAX ALL COUNT) KEYWORD nothing')).toEqual(['* ESEARCH (TAG "a2") COUNT 0']);
    expect((await client.command('a3', 'SEARCH RETURN (FIRST) ALL')).at(-1)).toMatch(/^a3 BAD /);
  });
});

describe('SEARCHRES (RFC 5182 §2.2 examples)', () => {
  it('FETCH $ after SEARCH RETURN (SAVE), sent one after the other or pipelined (examples 1, 2)', async () => {
    const client = await mailbox(rfc4731Mailbox());
    expect(await untagged(client, 'A282', 'SEARCH RETURN (SAVE) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"')).toEqual([]);
    expect(await untagged(client, 'A283', 'FETCH $ (UID)')).toEqual(['* 2 FETCH (UID 2)', '* 10 FETCH (UID 10)', '* 11 FETCH (UID 11)']);
    client.write('B282 SEARCH RETURN (SAVE) FLAGGED\r\nB283 FETCH $ (UID)\r\n');
    expect(await client.readUntilTagged('B282')).toEqual(['B282 OK SEARCH completed']);
    expect(await client.readUntilTagged('B283')).toEqual(['* 2 FETCH (UID 2)', '* 3 FETCH (UID 3)', '* 10 FETCH (UID 10)', '* 11 FETCH (UID 11)', 'B283 OK FETCH completed']);
  });

  it('$ as search input, with UID or without, and inside OR (examples 3, 4)', async () => {
    const client = await mailbox(rfc4731Mailbox());
    await untagged(client, 'A300', 'SEARCH RETURN (SAVE) SINCE 1-Jan-2004 NOT FROM "Smith"');
    expect(await untagged(client, 'A301', 'UID SEARCH UID $ SMALLER 4096')).toEqual([`* SEARCH ${[2, 4, 5, 6, 7, 8, 9, 10, 11, 12].join(' ')}`]);
    expect(await untagged(client, 'A302', 'UID SEARCH $ SMALLER 4096')).toEqual([`* SEARCH ${[2, 4, 5, 6, 7, 8, 9, 10, 11, 12].join(' ')}`]);
    await untagged(client, 'P282', 'SEARCH RETURN (SAVE) FLAGGED');
    expect(await untagged(client, 'P283', 'SEARCH CHARSET UTF-8 (OR $ 1,5:6) TEXT {4+}\r\nbody')).toEqual(['* SEARCH 1 2 3 5 6 10 11']);
  });

  it('a SAVE that fails with NO empties $, one that fails with BAD and searches without SAVE leave it (§2.1)', async () => {
    // Example 5 shows a failed SEARCH without SAVE emptying `$`; §2.1 says such a SEARCH MUST NOT change it, which
    // is what happens here (and in Dovecot).
    const client = await mailbox(rfc4731Mailbox());
    await untagged(client, 'B282', 'SEARCH RETURN (SAVE) FLAGGED');
    expect((await client.command('B283', 'SEARCH CHARSET KOI8-R (OR $ 1,3000:3021) TEXT x')).at(-1)).toMatch(/^B283 NO \[BADCHARSET/);
    expect(await untagged(client, 'B284', 'SEARCH $')).toEqual(['* SEARCH 2 3 10 11']);
    expect((await client.command('B285', 'SEARCH RETURN (SAVE) NOSUCHKEY')).at(-1)).toMatch(/^B285 BAD /);
    expect(await untagged(client, 'B286', 'SEARCH $')).toEqual(['* SEARCH 2 3 10 11']);
    expect((await client.command('B287', 'SEARCH RETURN (SAVE) CHARSET KOI8-R TEXT x')).at(-1)).toMatch(/^B287 NO \[BADCHARSET/);
    expect(await untagged(client, 'B288', 'SEARCH $')).toEqual(['* SEARCH']);
  });

  it('an empty $ is a valid set that matches nothing; COPY and STORE take it (examples 6, 7)', async () => {
    const client = await mailbox(rfc4731Mailbox());
    await untagged(client, 'c', 'CREATE "Other Messages"');
    expect(await untagged(client, 'E282', 'SEARCH RETURN (SAVE) SINCE 28-Oct-2030 NOT FROM "Eric"')).toEqual([]);
    expect((await client.command('E283', 'COPY $ "Other Messages"')).at(-1)).toMatch(/^E283 OK/);
    client.write('F282 SEARCH RETURN (SAVE) FROM user12\r\nF283 COPY $ "Junk"\r\nF284 STORE $ +FLAGS.SILENT (\\Deleted)\r\nF285 UID SEARCH DELETED\r\n');
    await client.readUntilTagged('F282');
    expect((await client.readUntilTagged('F283')).at(-1)).toMatch(/^F283 OK \[COPYUID \d+ 12 1\]/);
    expect(await client.readUntilTagged('F284')).toEqual(['F284 OK STORE completed']);
    expect(await client.readUntilTagged('F285')).toEqual(['* SEARCH 5 6 7 8 9 12', 'F285 OK UID SEARCH completed']);
  });

  it('keeps what example 10 and the §2.4 table say, and SELECT empties $', async () => {
    const client = await mailbox(rfc4731Mailbox());
    expect(await untagged(client, 'C284', 'SEARCH RETURN (SAVE MIN) FLAGGED')).toEqual(['* ESEARCH (TAG "C284") MIN 2']);
    expect(await untagged(client, 'x1', 'SEARCH $')).toEqual(['* SEARCH 2']);
    expect(await untagged(client, 'C285', 'SEARCH RETURN (MAX SAVE MIN) FLAGGED')).toEqual(['* ESEARCH (TAG "C285") MIN 2 MAX 11']);
    expect(await untagged(client, 'x2', 'SEARCH $')).toEqual(['* SEARCH 2 11']);
    expect(await untagged(client, 'C286', 'SEARCH RETURN (MAX SAVE MIN COUNT) FLAGGED')).toEqual(['* ESEARCH (TAG "C286") MIN 2 MAX 11 COUNT 4']);
    expect(await untagged(client, 'x3', 'SEARCH $')).toEqual(['* SEARCH 2 3 10 11']);
    await untagged(client, 's', 'SELECT INBOX');
    expect(await untagged(client, 'x4', 'FETCH $ (UID)')).toEqual([]);
  });

  it('forgets expunged messages and refuses $ mixed into a set', async () => {
    const client = await mailbox(rfc4731Mailbox());
    await untagged(client, 'a', 'SEARCH RETURN (SAVE) DELETED');
    await client.command('b', 'EXPUNGE');
    expect(await untagged(client, 'c', 'FETCH $ (UID)')).toEqual([]);
    expect((await client.command('d', 'FETCH 1,$ (UID)')).at(-1)).toMatch(/^d BAD /);
  });
});

/** RFC 5256 §3's A283 mailbox: SORT (SUBJECT REVERSE DATE) is 5 3 4 1 2. */
const sortMailbox: Seed[] = [
  { headers: 'From: Zed <zed@example.org>\nTo: b@example.org\nSubject: beta\nDate: 1 Jan 2025 10:00:00 +0000' },
  { headers: 'From: adam@example.org\nTo: =?UTF-8?Q?=C3=A9mile?= <a@example.org>\nSubject: Re: beta\nDate: 1 Jan 2025 09:00:00 +0000' },
  { headers: 'From: "Bea" <zz@example.org>\nSubject: alpha\nDate: 1 Jan 2025 12:00:00 +0000' },
  { headers: 'From: Abe <yy@example.org>\nTo: Carl <c@example.org>\nSubject: [list] alpha\nDate: 1 Jan 2025 11:00:00 +0000' },
  { headers: 'To: d@example.org\nDate: 1 Jan 2025 08:00:00 +0000' },
];

describe('SORT (RFC 5256 §3) and SORT=DISPLAY (RFC 5957)', () => {
  it('answers the RFC examples', async () => {
    const client = await mailbox(sortMailbox);
    expect(await untagged(client, 'A282', 'SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994')).toEqual(['* SORT 5 3 4 1 2']);
    expect(await untagged(client, 'A283', 'SORT (SUBJECT REVERSE DATE) UTF-8 ALL')).toEqual(['* SORT 5 3 4 1 2']);
    expect(await untagged(client, 'A284', 'SORT (SUBJECT) US-ASCII TEXT "not in mailbox"')).toEqual(['* SORT']);
  });

  it('sorts FROM by mailbox and DISPLAYFROM by decoded display name, empty values first', async () => {
    const client = await mailbox(sortMailbox);
    expect(await untagged(client, 'a', 'SORT (FROM) UTF-8 ALL')).toEqual(['* SORT 5 2 4 1 3']);
    expect(await untagged(client, 'b', 'SORT (DISPLAYFROM) UTF-8 ALL')).toEqual(['* SORT 5 4 2 3 1']);
    expect(await untagged(client, 'c', 'SORT (DISPLAYTO) UTF-8 ALL')).toEqual(['* SORT 3 1 4 5 2']);
    expect(await untagged(client, 'd', 'UID SORT (REVERSE DATE) UTF-8 ALL')).toEqual(['* SORT 3 4 1 2 5']);
  });

  it('answers NO [BADCHARSET] for an unknown charset and BAD for broken criteria', async () => {
    const client = await mailbox(sortMailbox);
    expect((await client.command('a', 'SORT (DATE) KOI8-R ALL')).at(-1)).toMatch(/^a NO \[BADCHARSET \(UTF-8 US-ASCII\)\]/);
    expect((await client.command('b', 'SORT (REVERSE) UTF-8 ALL')).at(-1)).toMatch(/^b BAD /);
    expect((await client.command('c', 'SORT (DATE) ALL')).at(-1)).toMatch(/^c BAD /);
  });
});

describe('ESORT (RFC 5267 §3)', () => {
  it('answers SORT RETURN with ESEARCH in sort order (§3.3)', async () => {
    const client = await mailbox(sortMailbox);
    expect(await untagged(client, 'E01', 'UID SORT RETURN () (REVERSE DATE) UTF-8 UNDELETED UNKEYWORD $Junk')).toEqual(['* ESEARCH (TAG "E01") UID ALL 3:4,1:2,5']);
    expect(await untagged(client, 'E02', 'SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL')).toEqual(['* ESEARCH (TAG "E02") MIN 5 MAX 2 COUNT 5']);
    expect(await untagged(client, 'E03', 'SORT RETURN (SAVE) (SUBJECT) UTF-8 SUBJECT alpha')).toEqual([]);
    expect(await untagged(client, 'E04', 'SEARCH $')).toEqual(['* SEARCH 3 4']);
  });
});

/** RFC 5256 §4's THREAD response example: 96 messages, of which 2, 3, 4, 6, 7, 23, 44 and 96 carry $T. */
function threadMailbox(): Seed[] {
  const parents: Record<number, number[]> = { 4: [3, 6], 6: [3], 7: [3, 6, 44], 23: [3, 6, 4], 44: [3, 6], 96: [3, 6, 44, 7] };
  return Array.from({ length: 96 }, (_, index) => {
    const number = index + 1;
    const references = (parents[number] ?? []).map((parent) => `<m${parent}@example.org>`).join(' ');
    const lines = [`Message-ID: <m${number}@example.org>`, `Subject: topic ${number}`, `Date: 1 Jan 2025 ${String(Math.floor(number / 60)).padStart(2, '0')}:${String(number % 60).padStart(2, '0')}:00 +0000`];
    if (references !== '') lines.push(`References: ${references}`);
    if (number === 30 || number === 50) lines.push('In-Reply-To: <gone@example.org>');
    const tagged = [2, 3, 4, 6, 7, 23, 44, 96].includes(number);
    return { headers: lines.join('\n'), flags: tagged ? ['$T'] : number === 30 || number === 50 ? ['$U'] : [] };
  });
}

describe('THREAD (RFC 5256 §4)', () => {
  it('answers the THREAD response examples and an empty search', async () => {
    const client = await mailbox(threadMailbox());
    expect(await untagged(client, 'a', 'THREAD REFERENCES UTF-8 KEYWORD $T')).toEqual(['* THREAD (2)(3 6 (4 23)(44 7 96))']);
    expect(await untagged(client, 'b', 'THREAD REFERENCES UTF-8 KEYWORD $U')).toEqual(['* THREAD ((30)(50))']);
    expect(await untagged(client, 'A284', 'THREAD ORDEREDSUBJECT US-ASCII TEXT "gewp"')).toEqual(['* THREAD']);
    expect(await untagged(client, 'c', 'UID THREAD ORDEREDSUBJECT UTF-8 KEYWORD $U')).toEqual(['* THREAD (30)(50)']);
  });

  it('refuses an unknown algorithm and an unknown charset', async () => {
    const client = await mailbox(threadMailbox());
    expect((await client.command('a', 'THREAD FOO UTF-8 ALL')).at(-1)).toMatch(/^a BAD /);
    expect((await client.command('b', 'THREAD REFERENCES KOI8-R ALL')).at(-1)).toMatch(/^b NO \[BADCHARSET/);
  });
});

describe('imapflow with ESEARCH advertised', () => {
  it('asks for RETURN options and reads the ESEARCH answer', async () => {
    await mailbox(rfc4731Mailbox());
    const client = new ImapFlow({ host: '127.0.0.1', port: server!.port, secure: false, doSTARTTLS: false, auth: { user: 'alice', pass: 'alice-secret' }, logger: false });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      expect(await client.search({ flagged: true }, { returnOptions: ['MIN', 'MAX', 'COUNT', 'ALL'] })).toEqual({ min: 2, max: 11, count: 4, all: '2:3,10:11' });
      expect(await client.search({ flagged: true }, { uid: true })).toEqual([2, 3, 10, 11]);
    } finally {
      await client.logout();
    }
  });
});
