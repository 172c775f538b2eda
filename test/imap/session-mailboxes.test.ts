// Mailbox-level verbs over a raw socket: LIST / LIST-EXTENDED / LSUB, CREATE, RENAME, DELETE, SUBSCRIBE,
// STATUS, SELECT / EXAMINE, APPEND, CLOSE / UNSELECT (RFC 3501 §6.3, RFC 5258, RFC 6154, RFC 5819, RFC 4315).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, RawImapClient, sampleMessage, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function login(user = 'alice'): Promise<RawImapClient> {
  const client = await RawImapClient.connect(server.port);
  const lines = await client.command('login', `LOGIN ${user} ${user}-secret`);
  expect(lines.at(-1)).toMatch(/^login OK /);
  return client;
}

describe('LIST and LSUB', () => {
  it('answers the delimiter query and lists the default folders with special-use attributes', async () => {
    const client = await login();
    expect(await client.command('a1', 'LIST "" ""')).toEqual(['* LIST (\\Noselect) "/" ""', 'a1 OK LIST completed']);
    const lines = await client.command('a2', 'LIST "" "*"');
    expect(lines).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* LIST (\\HasNoChildren \\Archive) "/" "Archive"',
      '* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "/" "Junk"',
      '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
      '* LIST (\\HasNoChildren \\Trash) "/" "Trash"',
      'a2 OK LIST completed',
    ]);
    expect(await client.command('a3', 'LIST "" inbox')).toEqual(['* LIST (\\HasNoChildren) "/" "INBOX"', 'a3 OK LIST completed']);
    client.close();
  });

  it('supports LIST-EXTENDED selection and return options with STATUS', async () => {
    const client = await login('bob');
    await client.command('c1', 'CREATE Projects/Alpha');
    await client.command('c2', 'SUBSCRIBE Projects/Alpha');
    server.store.deliver([{ account: `bob@${DOMAIN}` }], sampleMessage('status probe'));
    const lines = await client.command('a1', 'LIST (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))');
    expect(lines).toContain('* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"');
    expect(lines).toContain('* STATUS "INBOX" (MESSAGES 1 UNSEEN 1)');
    expect(lines).toContain('* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" "Sent"');
    expect(lines).toContain('* LIST (\\HasNoChildren \\Subscribed) "/" "Projects/Alpha"');
    expect(lines.some((line) => line.includes('"Projects"'))).toBe(false); // not subscribed
    const recursive = await client.command('a2', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"');
    expect(recursive).toContain('* LIST (\\HasChildren) "/" "Projects" ("CHILDINFO" ("SUBSCRIBED"))');
    const special = await client.command('a3', 'LIST (SPECIAL-USE) "" "*"');
    expect(special.filter((line) => line.startsWith('* LIST'))).toHaveLength(5);
    const children = await client.command('a4', 'LIST "" "%" RETURN (CHILDREN SUBSCRIBED)');
    expect(children).toContain('* LIST (\\HasChildren) "/" "Projects"');
    const multi = await client.command('a5', 'LIST "" ("Sent" "Trash")');
    expect(multi.filter((line) => line.startsWith('* LIST'))).toHaveLength(2);
    expect((await client.command('a6', 'LIST (BOGUS) "" "*"')).at(-1)).toMatch(/^a6 BAD /);
    expect((await client.command('a7', 'LIST (RECURSIVEMATCH) "" "*"')).at(-1)).toMatch(/^a7 BAD /);
    client.close();
  });

  it('LSUB shows an unsubscribed parent of a subscribed child as \\Noselect with %', async () => {
    const client = await login();
    await client.command('c1', 'CREATE Lists/Agents');
    await client.command('c2', 'SUBSCRIBE Lists/Agents');
    const top = await client.command('a1', 'LSUB "" "%"');
    expect(top).toContain('* LSUB (\\Noselect) "/" "Lists"');
    expect(top).toContain('* LSUB () "/" "INBOX"');
    const all = await client.command('a2', 'LSUB "" "*"');
    expect(all).toContain('* LSUB () "/" "Lists/Agents"');
    expect(all.some((line) => line.endsWith('"Lists"'))).toBe(false);
    client.close();
  });

  it('encodes non-ASCII names in modified UTF-7 and decodes them on input', async () => {
    const client = await login();
    expect((await client.command('a1', 'CREATE "R&AOk-sum&AOk-s"')).at(-1)).toBe('a1 OK CREATE completed');
    expect(server.store.getMailbox(`alice@${DOMAIN}`, 'Résumés')).toBeDefined();
    expect(await client.command('a2', 'LIST "" "R*"')).toEqual(['* LIST (\\HasNoChildren) "/" "R&AOk-sum&AOk-s"', 'a2 OK LIST completed']);
    client.close();
  });
});

describe('isolation between accounts', () => {
  it('shows a user only its own mailboxes', async () => {
    const alice = await login();
    await alice.command('a1', 'CREATE Private/Diary');
    const bob = await login('bob');
    const lines = await bob.command('b1', 'LIST "" "*"');
    expect(lines.some((line) => line.includes('Private'))).toBe(false);
    expect((await bob.command('b2', 'SELECT Private/Diary')).at(-1)).toMatch(/^b2 NO \[NONEXISTENT\]/);
    expect((await bob.command('b3', 'STATUS Private/Diary (MESSAGES)')).at(-1)).toMatch(/^b3 NO \[NONEXISTENT\]/);
    alice.close();
    bob.close();
  });
});

describe('CREATE, RENAME, DELETE, SUBSCRIBE', () => {
  it('creates with a trailing delimiter, renames, deletes and maps store errors to NO codes', async () => {
    const client = await login();
    expect((await client.command('a1', 'CREATE Work/')).at(-1)).toBe('a1 OK CREATE completed');
    expect((await client.command('a2', 'CREATE Work')).at(-1)).toMatch(/^a2 NO \[ALREADYEXISTS\]/);
    expect((await client.command('a3', 'CREATE inbox')).at(-1)).toMatch(/^a3 NO \[ALREADYEXISTS\]/);
    expect((await client.command('a4', 'RENAME Work Play')).at(-1)).toBe('a4 OK RENAME completed');
    expect((await client.command('a5', 'RENAME Work Other')).at(-1)).toMatch(/^a5 NO \[NONEXISTENT\]/);
    expect((await client.command('a6', 'RENAME Play Sent')).at(-1)).toMatch(/^a6 NO \[ALREADYEXISTS\]/);
    expect((await client.command('a7', 'DELETE Play')).at(-1)).toBe('a7 OK DELETE completed');
    expect((await client.command('a8', 'DELETE Play')).at(-1)).toMatch(/^a8 NO \[NONEXISTENT\]/);
    expect((await client.command('a9', 'DELETE INBOX')).at(-1)).toMatch(/^a9 NO \[CANNOT\]/);
    expect((await client.command('b1', 'SUBSCRIBE Ghost')).at(-1)).toBe('b1 OK SUBSCRIBE completed');
    expect(await client.command('b2', 'LSUB "" Ghost')).toEqual(['* LSUB (\\Noselect) "/" "Ghost"', 'b2 OK LSUB completed']);
    expect((await client.command('b3', 'UNSUBSCRIBE Ghost')).at(-1)).toBe('b3 OK UNSUBSCRIBE completed');
    expect(await client.command('b4', 'LSUB "" Ghost')).toEqual(['b4 OK LSUB completed']);
    client.close();
  });
});

describe('SELECT, EXAMINE, STATUS, APPEND, CLOSE', () => {
  it('SELECT reports flags, counts and UID data; EXAMINE is read-only and claims no \\Recent', async () => {
    const account = `alice@${DOMAIN}`;
    const mailbox = server.store.createMailbox(account, 'Selectable');
    server.store.append(mailbox.id, sampleMessage('one'), ['\\Seen', '$Forwarded']);
    server.store.append(mailbox.id, sampleMessage('two'), []);
    const client = await login();
    const status = await client.command('a0', 'STATUS Selectable (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)');
    expect(status[0]).toMatch(new RegExp(`^\\* STATUS "Selectable" \\(MESSAGES 2 RECENT 2 UIDNEXT 3 UIDVALIDITY ${mailbox.uidValidity} UNSEEN 1 HIGHESTMODSEQ \\d+\\)$`));
    const examined = await client.command('a1', 'EXAMINE Selectable');
    expect(examined).toContain('* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)');
    expect(examined).toContain('* OK [PERMANENTFLAGS ()] No permanent flags permitted');
    expect(examined).toContain('* 2 EXISTS');
    expect(examined).toContain('* OK [UNSEEN 2] Message 2 is first unseen');
    expect(examined).toContain(`* OK [UIDVALIDITY ${mailbox.uidValidity}] UIDs valid`);
    expect(examined).toContain('* OK [UIDNEXT 3] Predicted next UID');
    expect(examined.at(-1)).toBe('a1 OK [READ-ONLY] EXAMINE completed');
    const selected = await client.command('a2', 'SELECT Selectable');
    // Keywords in use are permanent too (listed as Dovecot does); `\*` allows new ones.
    expect(selected).toContain('* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded \\*)] Flags permitted');
    expect(selected).toContain('* 2 RECENT');
    expect(selected.some((line) => /^\* OK \[HIGHESTMODSEQ \d+\]/.test(line))).toBe(true);
    expect(selected.at(-1)).toBe('a2 OK [READ-WRITE] SELECT completed');
    // The recent messages now belong to this session: nobody else sees them as recent.
    const other = await login();
    expect((await other.command('b1', 'STATUS Selectable (RECENT)'))[0]).toBe('* STATUS "Selectable" (RECENT 0)');
    expect(await other.command('b2', 'SELECT Selectable')).toContain('* 0 RECENT');
    // A failed SELECT leaves the selected state.
    expect((await other.command('b3', 'SELECT Missing')).at(-1)).toMatch(/^b3 NO \[NONEXISTENT\]/);
    expect((await other.command('b4', 'CHECK')).at(-1)).toMatch(/^b4 BAD /);
    other.close();
    client.close();
  });

  it('APPEND answers APPENDUID, TRYCREATE for a missing mailbox, and EXISTS when the target is selected', async () => {
    const client = await login('bob');
    const raw = sampleMessage('appended');
    const toSent = await client.command('a1', Buffer.concat([Buffer.from(`APPEND Sent (\\Seen) "01-Dec-2026 10:00:00 +0000" {${raw.length}+}\r\n`), raw]));
    const sent = server.store.getMailbox(`bob@${DOMAIN}`, 'Sent')!;
    expect(toSent.at(-1)).toBe(`a1 OK [APPENDUID ${sent.uidValidity} 1] APPEND completed`);
    expect(server.store.getMessage(sent.id, 1)?.flags).toEqual(['\\Seen']);
    expect(server.store.getMessage(sent.id, 1)?.internalDate.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    const missing = await client.command('a2', Buffer.concat([Buffer.from(`APPEND Nowhere {${raw.length}+}\r\n`), raw]));
    expect(missing.at(-1)).toMatch(/^a2 NO \[TRYCREATE\]/);
    await client.command('a3', 'SELECT Sent');
    const again = await client.command('a4', Buffer.concat([Buffer.from(`APPEND Sent {${raw.length}+}\r\n`), raw]));
    // Both messages are \Recent for this session: uid 1 claimed by SELECT, uid 2 by the EXISTS flush.
    expect(again).toEqual(['* 2 EXISTS', '* 2 RECENT', `a4 OK [APPENDUID ${sent.uidValidity} 2] APPEND completed`]);
    client.close();
  });

  it('APPEND with a synchronizing literal stores 8-bit message bytes exactly', async () => {
    const client = await login();
    // The Subject is raw UTF-8: RFC 6855 §4 accepts that only after ENABLE UTF8=ACCEPT.
    expect((await client.command('e', 'ENABLE UTF8=ACCEPT')).at(-1)).toBe('e OK ENABLE completed');
    const raw = Buffer.concat([sampleMessage('Grüße', 'Ünïcödé body – ok\r\n'), Buffer.from([0xff, 0xfe, 0x0d, 0x0a])]);
    client.write(`a1 APPEND Drafts (\\Draft $Custom) {${raw.length}}\r\n`);
    expect(await client.readLine()).toBe('+ Ready for literal data');
    client.write(Buffer.concat([raw, Buffer.from('\r\n')]));
    const [reply] = await client.readUntilTagged('a1');
    const uid = Number(/APPENDUID \d+ (\d+)/.exec(reply!)?.[1]);
    const drafts = server.store.getMailbox(`alice@${DOMAIN}`, 'Drafts')!;
    expect(server.store.getRaw(drafts.id, uid)?.equals(raw)).toBe(true);
    expect(server.store.getMessage(drafts.id, uid)?.flags.sort()).toEqual(['$Custom', '\\Draft']);
    client.close();
  });

  it('CLOSE expunges silently, UNSELECT does not', async () => {
    const account = `alice@${DOMAIN}`;
    const mailbox = server.store.createMailbox(account, 'Closing');
    server.store.append(mailbox.id, sampleMessage('keep'), []);
    server.store.append(mailbox.id, sampleMessage('drop'), ['\\Deleted']);
    const client = await login();
    await client.command('a1', 'SELECT Closing');
    expect(await client.command('a2', 'UNSELECT')).toEqual(['a2 OK UNSELECT completed']);
    expect(server.store.listMessages(mailbox.id)).toHaveLength(2);
    await client.command('a3', 'EXAMINE Closing');
    expect(await client.command('a4', 'CLOSE')).toEqual(['a4 OK CLOSE completed']);
    expect(server.store.listMessages(mailbox.id)).toHaveLength(2);
    await client.command('a5', 'SELECT Closing');
    expect(await client.command('a6', 'CLOSE')).toEqual(['a6 OK CLOSE completed']);
    expect(server.store.listMessages(mailbox.id).map((message) => message.uid)).toEqual([1]);
    client.close();
  });
});
