// End-to-end tests of FETCH, STORE, SEARCH, COPY, MOVE and EXPUNGE against the real server and store, driven by
// imapflow (our agents' client) and by raw command lines in the exact forms Thunderbird sends (RFC 3501 §6.4,
// RFC 4315 UIDPLUS, RFC 6851 MOVE, RFC 5530 EXPUNGEISSUED, RFC 7162 CONDSTORE).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextEvent, waitFor } from '../helpers/wait-for.ts';
import { ACCOUNT, multipartMessage, plainMessage, startFixture, type ImapFixture } from './imap-fixture.ts';

let fixture: ImapFixture;
let plainUid: number;
let multipartUid: number;

beforeEach(async () => {
  fixture = await startFixture();
  plainUid = fixture.store.deliver([{ account: ACCOUNT }], plainMessage, new Date('2026-12-01T09:00:00Z'))[0]!.uid;
  multipartUid = fixture.store.deliver([{ account: ACCOUNT }], multipartMessage, new Date('2026-11-20T09:00:00Z'))[0]!.uid;
});

afterEach(async () => {
  await fixture.close();
});

describe('FETCH', () => {
  it('returns metadata, ENVELOPE and a multipart BODYSTRUCTURE to imapflow', async () => {
    const client = await fixture.imapflow();
    await client.mailboxOpen('INBOX');
    const message = await client.fetchOne(String(multipartUid), {
      uid: true, flags: true, internalDate: true, size: true, envelope: true, bodyStructure: true,
    }, { uid: true });
    expect(message).toBeTruthy();
    if (!message) return;
    expect(message.uid).toBe(multipartUid);
    expect(message.size).toBe(multipartMessage.length);
    expect(message.internalDate).toEqual(new Date('2026-11-20T09:00:00Z'));
    expect(message.envelope?.subject).toBe('Re: Café');
    expect(message.envelope?.from?.[0]?.address).toBe('bob@swarm.local');
    expect(message.envelope?.inReplyTo).toBe('<plan-1@swarm.local>');
    expect(message.bodyStructure?.type).toBe('multipart/mixed');
    expect(message.bodyStructure?.childNodes?.map((node) => node.type)).toEqual(['text/plain', 'application/octet-stream']);
    expect(message.bodyStructure?.childNodes?.[1]?.dispositionParameters?.filename).toBe('data.bin');
    expect(message.flags?.has('\\Recent')).toBe(true);
    expect(typeof message.modseq).toBe('bigint'); // imapflow enables CONDSTORE and always asks for MODSEQ
  });

  it('answers Thunderbird\'s header fetch and partial body fetches byte-exactly', async () => {
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    const headers = await raw.command(
      `UID FETCH ${plainUid} (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To Received)])`,
    );
    expect(headers.tagged).toMatch(/ OK /);
    const expectedHeader = plainMessage.toString('latin1').split('\r\n\r\n')[0] + '\r\n\r\n';
    expect(headers.text).toContain(
      `BODY[HEADER.FIELDS (FROM TO CC BCC SUBJECT DATE MESSAGE-ID PRIORITY X-PRIORITY REFERENCES NEWSGROUPS IN-REPLY-TO CONTENT-TYPE REPLY-TO RECEIVED)] {${expectedHeader.length}}\r\n${expectedHeader}`,
    );
    expect(headers.text).toContain(`UID ${plainUid}`);
    expect(headers.text).toContain(`RFC822.SIZE ${plainMessage.length}`);
    expect(headers.text).toMatch(/FLAGS \(\\Recent\)/);

    const partial = await raw.command(`UID FETCH ${multipartUid} (BODY.PEEK[]<0.100>)`);
    expect(partial.text).toContain(`BODY[]<0> {100}\r\n${multipartMessage.subarray(0, 100).toString('latin1')})`);
    const tail = await raw.command(`UID FETCH ${multipartUid} (BODY.PEEK[]<500.100>)`);
    const rest = multipartMessage.subarray(500, 600);
    expect(tail.text).toContain(`BODY[]<500> {${rest.length}}\r\n${rest.toString('latin1')})`);
    // PEEK left \Seen alone.
    const flags = await raw.command(`UID FETCH ${multipartUid} FLAGS`);
    expect(flags.text).not.toContain('\\Seen');
  });

  it('byte ranges via imapflow equal the stored bytes', async () => {
    const client = await fixture.imapflow();
    await client.mailboxOpen('INBOX');
    const whole = await client.fetchOne(String(multipartUid), { source: true }, { uid: true });
    expect(whole && Buffer.compare(whole.source!, multipartMessage)).toBe(0);
    const chunk = await client.fetchOne(String(multipartUid), { source: { start: 0, maxLength: 100 } }, { uid: true });
    expect(chunk && Buffer.compare(chunk.source!, multipartMessage.subarray(0, 100))).toBe(0);
    const part = await client.fetchOne(String(multipartUid), { bodyParts: ['1', '2.mime'] }, { uid: true });
    expect(part && part.bodyParts?.get('1')?.toString()).toBe('See the attachment, banana.');
  });

  it('sets \\Seen on BODY[], RFC822 and RFC822.TEXT in a read-write mailbox and reports the FLAGS', async () => {
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    const body = await raw.command(`UID FETCH ${plainUid} (BODY[TEXT])`);
    expect(body.text).toMatch(/BODY\[TEXT\] \{\d+\}\r\nHello Bob/);
    expect(body.text).toMatch(/FLAGS \(\\Seen \\Recent\)/);
    expect(fixture.store.getMessage(fixture.inboxId, plainUid)?.flags).toEqual(['\\Seen']);
    const again = await raw.command(`UID FETCH ${plainUid} (RFC822.TEXT)`);
    expect(again.text).not.toContain('FLAGS'); // nothing changed this time
    const rfc822 = await raw.command('FETCH 2 (RFC822 RFC822.HEADER)');
    expect(rfc822.text).toContain(`RFC822 {${multipartMessage.length}}`);
    expect(rfc822.text).toContain('RFC822.HEADER {');
    expect(rfc822.text).toMatch(/FLAGS \(\\Seen/);
  });

  it('never sets \\Seen in an EXAMINEd mailbox', async () => {
    const raw = await fixture.raw();
    await raw.command('EXAMINE INBOX');
    const body = await raw.command(`UID FETCH ${plainUid} (BODY[] BODY ENVELOPE INTERNALDATE)`);
    expect(body.tagged).toMatch(/ OK /);
    expect(body.text).toContain('INTERNALDATE "01-Dec-2026 09:00:00 +0000"');
    expect(body.text).toMatch(/BODY \(\("TEXT" "PLAIN"|BODY \("TEXT" "PLAIN"/i);
    expect(fixture.store.getMessage(fixture.inboxId, plainUid)?.flags).toEqual([]);
    const store = await raw.command(`UID STORE ${plainUid} +FLAGS (\\Seen)`);
    expect(store.tagged).toMatch(/ NO \[READ-ONLY\]/);
    const expunge = await raw.command('EXPUNGE');
    expect(expunge.tagged).toMatch(/ NO \[READ-ONLY\]/);
  });

  it('answers CHANGEDSINCE with only the changed messages and MODSEQ', async () => {
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    const before = await raw.command('FETCH 1:* (MODSEQ)');
    const modseqs = [...before.text.matchAll(/MODSEQ \((\d+)\)/g)].map((match) => Number(match[1]));
    expect(modseqs).toHaveLength(2);
    const highest = Math.max(...modseqs);
    await raw.command(`UID STORE ${multipartUid} +FLAGS.SILENT (\\Flagged)`);
    const changed = await raw.command(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest})`);
    expect(changed.text).toMatch(new RegExp(`^\\* 2 FETCH \\(UID ${multipartUid} FLAGS \\(\\\\Flagged \\\\Recent\\) MODSEQ \\(\\d+\\)\\)`, 'm'));
    expect(changed.text).not.toMatch(/^\* 1 FETCH/m);
  });

  it('answers OK when another session expunged a message: FETCH leaves it out, STORE leaves it alone', async () => {
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    const other = await fixture.imapflow();
    await other.mailboxOpen('INBOX');
    await other.messageDelete(String(plainUid), { uid: true });

    // As Dovecot answers (RFC 2180 §4.1 would allow NO, which clients take as a hard failure).
    const fetch = await raw.command('FETCH 1:2 (UID FLAGS)');
    expect(fetch.text).toMatch(new RegExp(`^\\* 2 FETCH \\(UID ${multipartUid} FLAGS`, 'm'));
    expect(fetch.text).not.toMatch(/^\* 1 FETCH \(UID/m); // only the other session's \Deleted, flushed unasked
    expect(fetch.text).not.toMatch(/EXPUNGE\r\n/);
    expect(fetch.tagged).toMatch(/ OK \[EXPUNGEISSUED\]/);
    const store = await raw.command('STORE 1 +FLAGS (\\Flagged)');
    expect(store.text).not.toMatch(/Flagged/);
    expect(store.tagged).toMatch(/ OK STORE completed$/);
    // UID commands may report expunges, so the pending EXPUNGE follows before the tagged reply.
    const uidStore = await raw.command(`UID STORE ${plainUid}:${multipartUid} +FLAGS (\\Flagged)`);
    expect(uidStore.text).toMatch(new RegExp(`^\\* 2 FETCH \\(FLAGS \\(\\\\Flagged \\\\Recent\\) UID ${multipartUid}\\)`, 'm'));
    expect(uidStore.text).toMatch(/^\* 1 EXPUNGE\r\n/m);
    expect(uidStore.tagged).toMatch(/ OK UID STORE completed$/);
    const after = await raw.command('FETCH 1 (UID)');
    expect(after.text).toContain(`* 1 FETCH (UID ${multipartUid})`);
  });

  it('lets imapflow UID FETCH a range holding a message another session expunged', async () => {
    const client = await fixture.imapflow({ disableAutoIdle: true }); // not idling: the EXPUNGE stays pending
    await client.mailboxOpen('INBOX');
    const other = await fixture.imapflow();
    await other.mailboxOpen('INBOX');
    await other.messageDelete(String(plainUid), { uid: true });
    const messages = await client.fetchAll('1:*', { flags: true }, { uid: true });
    expect(messages.map((message) => message.uid)).toEqual([multipartUid]);
    expect(client.mailbox && client.mailbox.exists).toBe(1);
  });
});

describe('STORE', () => {
  it('adds, removes and replaces flags and keywords', async () => {
    const client = await fixture.imapflow();
    await client.mailboxOpen('INBOX');
    expect(await client.messageFlagsAdd(String(plainUid), ['\\Seen', '\\Flagged', '$Forwarded'], { uid: true })).toBe(true);
    let message = await client.fetchOne(String(plainUid), { flags: true }, { uid: true });
    expect(message && [...message.flags!].sort()).toEqual(['$Forwarded', '\\Flagged', '\\Recent', '\\Seen']);
    await client.messageFlagsRemove(String(plainUid), ['\\Flagged'], { uid: true });
    await client.messageFlagsSet(String(multipartUid), ['\\Answered'], { uid: true });
    message = await client.fetchOne(String(plainUid), { flags: true }, { uid: true });
    expect(message && [...message.flags!].sort()).toEqual(['$Forwarded', '\\Recent', '\\Seen']);
    expect(fixture.store.getMessage(fixture.inboxId, multipartUid)?.flags).toEqual(['\\Answered']);
  });

  it('answers FETCH per message, UID for UID STORE, nothing for .SILENT without CONDSTORE', async () => {
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    const plain = await raw.command('STORE 1:2 +FLAGS (\\Seen)');
    expect(plain.text).toContain('* 1 FETCH (FLAGS (\\Seen \\Recent))');
    expect(plain.text).toContain('* 2 FETCH (FLAGS (\\Seen \\Recent))');
    const byUid = await raw.command(`UID STORE ${multipartUid} -FLAGS (\\Seen)`);
    expect(byUid.text).toContain(`* 2 FETCH (FLAGS (\\Recent) UID ${multipartUid})`);
    const silent = await raw.command('STORE 1 FLAGS.SILENT (\\Deleted)');
    expect(silent.text).not.toContain('FETCH');
    expect(silent.tagged).toMatch(/ OK/);
  });

  it('UNCHANGEDSINCE refuses changed messages with [MODIFIED]', async () => {
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    const modseq = fixture.store.getMessage(fixture.inboxId, plainUid)!.modseq;
    await raw.command(`UID STORE ${multipartUid} +FLAGS (\\Flagged)`); // bumps the mailbox modseq past `modseq`
    const conditional = await raw.command(`STORE 1:2 (UNCHANGEDSINCE ${modseq}) +FLAGS (\\Seen)`);
    expect(conditional.text).toMatch(/^\* 1 FETCH \(FLAGS \(\\Seen \\Recent\) MODSEQ \(\d+\)\)/m);
    expect(conditional.tagged).toMatch(/ OK \[MODIFIED 2\]/);
    expect(fixture.store.getMessage(fixture.inboxId, multipartUid)?.flags).toEqual(['\\Flagged']);
  });
});

describe('SEARCH', () => {
  it('finds by subject, from, unseen, since, uid, OR and NOT through imapflow', async () => {
    const client = await fixture.imapflow();
    await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd(String(plainUid), ['\\Seen'], { uid: true });
    expect(await client.search({ subject: 'quarterly' }, { uid: true })).toEqual([plainUid]);
    expect(await client.search({ subject: 'café' }, { uid: true })).toEqual([multipartUid]);
    expect(await client.search({ from: 'bob@swarm.local' }, { uid: true })).toEqual([multipartUid]);
    expect(await client.search({ seen: false }, { uid: true })).toEqual([multipartUid]);
    expect(await client.search({ since: new Date('2026-11-25T00:00:00Z') }, { uid: true })).toEqual([plainUid]);
    expect(await client.search({ uid: `${multipartUid}:*` }, { uid: true })).toEqual([multipartUid]);
    expect(await client.search({ or: [{ subject: 'quarterly' }, { body: 'banana' }] }, { uid: true })).toEqual([plainUid, multipartUid]);
    expect(await client.search({ not: { from: 'alice' } }, { uid: true })).toEqual([multipartUid]);
    expect(await client.search({ body: 'banana' })).toEqual([2]); // sequence numbers without the UID prefix
  });

  it('answers raw SEARCH forms: empty result, CHARSET, MODSEQ', async () => {
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    expect((await raw.command('SEARCH SUBJECT nothing-matches')).text).toMatch(/^\* SEARCH\r\n/m);
    expect((await raw.command('SEARCH CHARSET UTF-8 ALL')).text).toMatch(/^\* SEARCH 1 2\r\n/m);
    expect((await raw.command('UID SEARCH CHARSET us-ascii FROM alice')).text).toMatch(new RegExp(`^\\* SEARCH ${plainUid}\\r\\n`, 'm'));
    expect((await raw.command('SEARCH CHARSET KOI8-R ALL')).tagged).toMatch(/ NO \[BADCHARSET \(UTF-8 US-ASCII\)\]/);
    const modseq = await raw.command('SEARCH MODSEQ 1');
    expect(modseq.text).toMatch(/^\* SEARCH 1 2 \(MODSEQ \d+\)\r\n/m);
  });
});

describe('COPY and MOVE', () => {
  it('copies to Trash with COPYUID and refuses a missing target with TRYCREATE', async () => {
    const client = await fixture.imapflow();
    await client.mailboxOpen('INBOX');
    const trash = fixture.store.getMailbox(ACCOUNT, 'Trash')!;
    const result = await client.messageCopy('1:*', 'Trash', { uid: true });
    expect(result && result.uidValidity).toBe(BigInt(trash.uidValidity));
    expect(result && [...result.uidMap!.keys()]).toEqual([plainUid, multipartUid]);
    expect(fixture.store.listMessages(trash.id)).toHaveLength(2);
    expect(fixture.store.listMessages(fixture.inboxId)).toHaveLength(2);

    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    expect((await raw.command('COPY 1 "No Such Folder"')).tagged).toMatch(/ NO \[TRYCREATE\]/);
    expect((await raw.command('UID COPY 999 Trash')).tagged).toMatch(/ OK /);
    const copy = await raw.command('COPY 2 Trash');
    expect(copy.tagged).toMatch(new RegExp(`OK \\[COPYUID ${trash.uidValidity} ${multipartUid} \\d+\\]`));
    // Into the selected mailbox itself: our own copy is announced like any arrival.
    const inbox = fixture.store.getMailbox(ACCOUNT, 'INBOX')!;
    const self = await raw.command('COPY 1 INBOX');
    expect(self.text).toMatch(/^\* 3 EXISTS\r\n/m);
    expect(self.tagged).toMatch(new RegExp(`OK \\[COPYUID ${inbox.uidValidity} ${plainUid} ${inbox.uidNext}\\]`));
  });

  it('moves with an untagged COPYUID before the EXPUNGEs, sequence numbers valid at each step', async () => {
    const thirdUid = fixture.store.deliver([{ account: ACCOUNT }], plainMessage)[0]!.uid;
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    const trash = fixture.store.getMailbox(ACCOUNT, 'Trash')!;
    const move = await raw.command(`UID MOVE ${plainUid},${thirdUid} Trash`);
    const lines = move.text.split('\r\n').filter((line) => line.length > 0);
    expect(lines[0]).toMatch(new RegExp(`^\\* OK \\[COPYUID ${trash.uidValidity} ${plainUid},${thirdUid} \\d+:\\d+\\]`));
    // Messages at 1 and 3: highest first (3 then 1), or ascending with renumbering (1 then 2).
    const expunges = lines.filter((line) => line.endsWith('EXPUNGE')).map((line) => Number(line.split(' ')[1]));
    expect([[3, 1], [1, 2]]).toContainEqual(expunges);
    expect(lines[lines.length - 1]).toMatch(/ OK /);
    expect(fixture.store.listMessages(fixture.inboxId).map((record) => record.uid)).toEqual([multipartUid]);
    const after = await raw.command('FETCH 1 (UID)');
    expect(after.text).toContain(`* 1 FETCH (UID ${multipartUid})`);
  });

  it('moves through imapflow and the other session sees the expunge', async () => {
    const watcher = await fixture.imapflow();
    await watcher.mailboxOpen('INBOX');
    const expunged = nextEvent<{ seq: number }>(watcher, 'expunge');
    // IDLE now (not after imapflow's 15 s auto-IDLE delay): the server must push the EXPUNGE at once.
    void watcher.idle();
    const client = await fixture.imapflow();
    await client.mailboxOpen('INBOX');
    const result = await client.messageMove(String(plainUid), 'Trash', { uid: true });
    expect(result && result.uidMap?.get(plainUid)).toBeGreaterThan(0);
    expect((await expunged).seq).toBe(1);
    expect(client.mailbox && client.mailbox.exists).toBe(1);
  });
});

describe('EXPUNGE', () => {
  it('removes \\Deleted messages and a second imapflow session gets an expunge event', async () => {
    const watcher = await fixture.imapflow();
    await watcher.mailboxOpen('INBOX');
    const expunged = nextEvent<{ seq: number }>(watcher, 'expunge');
    // IDLE now (not after imapflow's 15 s auto-IDLE delay): the server must push the EXPUNGE at once.
    void watcher.idle();
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    await raw.command('STORE 1:2 +FLAGS.SILENT (\\Deleted)');
    const expunge = await raw.command('EXPUNGE');
    const numbers = [...expunge.text.matchAll(/^\* (\d+) EXPUNGE/gm)].map((match) => Number(match[1]));
    expect([[2, 1], [1, 1]]).toContainEqual(numbers);
    expect((await expunged).seq).toBeGreaterThan(0);
    await waitFor(() => watcher.mailbox && watcher.mailbox.exists === 0, { what: 'watcher to see an empty INBOX' });
  });

  it('UID EXPUNGE removes only the named \\Deleted messages', async () => {
    const client = await fixture.imapflow();
    await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd('1:*', ['\\Deleted'], { uid: true });
    expect(await client.messageDelete(String(multipartUid), { uid: true })).toBe(true);
    expect(fixture.store.listMessages(fixture.inboxId).map((record) => record.uid)).toEqual([plainUid]);
    const raw = await fixture.raw();
    await raw.command('SELECT INBOX');
    expect((await raw.command('UID EXPUNGE 99999')).tagged).toMatch(/ OK/);
    expect((await raw.command('EXPUNGE 1')).tagged).toMatch(/ BAD/);
  });
});
