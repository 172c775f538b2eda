// NOTIFY (RFC 5465) over raw sessions, starting from the RFC's own examples (§3.1, with the verified errata
// 1804 syntax): STATUS for watched mailboxes, MessageNew with fetch attributes and MessageExpunge pushed for
// the selected mailbox without IDLE, SELECTED-DELAYED holding expunges for a command, MailboxName and
// SubscriptionChange as LIST responses, the refusals (BAD for broken rules, NO [BADEVENT] for unsupported
// events), NOTIFY NONE, and IDLE under NOTIFY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, RawImapClient, sampleMessage, startTestServer, type TestServer } from './imap-test-server.ts';

const ACCOUNT = `alice@${DOMAIN}`;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function login(): Promise<RawImapClient> {
  const client = await RawImapClient.connect(server.port);
  expect((await client.command('login', 'LOGIN alice alice-secret')).at(-1)).toMatch(/^login OK /);
  return client;
}

/** A fresh mailbox tree per test, so tests do not see each other's mailboxes. */
function uniqueRoot(label: string): string {
  return `${label}${Math.random().toString(36).slice(2, 8)}`;
}

describe('NOTIFY (RFC 5465)', () => {
  it('is advertised after login', async () => {
    const client = await login();
    const lines = await client.command('c1', 'CAPABILITY');
    expect(lines[0]).toMatch(/^\* CAPABILITY .* NOTIFY( |$)/);
    client.close();
  });

  it('refuses broken rules with BAD and unsupported events with NO [BADEVENT]', async () => {
    const client = await login();
    await client.command('s', 'SELECT INBOX');
    const bad = [
      'NOTIFY',
      'NOTIFY bogus',
      'NOTIFY SET',
      'NOTIFY SET STATUS',
      'NOTIFY SET (UnknownFilter (MessageNew MessageExpunge))',
      'NOTIFY SET (personal MessageNew)',
      'NOTIFY SET (selected (MailboxName))',
      'NOTIFY SET (selected (MessageNew))',
      'NOTIFY SET (selected (FlagChange))',
      'NOTIFY SET (selected NONE) (selected-delayed NONE)',
      'NOTIFY SET (personal (MessageNew (UID) MessageExpunge))',
    ];
    for (const [index, command] of bad.entries()) {
      expect((await client.command(`b${index}`, command)).at(-1), command).toMatch(new RegExp(`^b${index} BAD `));
    }
    const refused = await client.command('n1', 'NOTIFY SET (selected (MessageNew MessageExpunge AnnotationChange))');
    expect(refused.at(-1)).toBe('n1 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] Event AnnotationChange is not supported');
    expect((await client.command('n2', 'NOTIFY SET (personal (ServerMetadataChange))')).at(-1)).toMatch(/^n2 NO \[BADEVENT /);
    expect(await client.command('n3', 'NOTIFY NONE')).toEqual(['n3 OK NOTIFY completed, no notifications']);
    client.close();
  });

  it('follows the RFC 3.1 example: STATUS of the subtree, then pushed MessageNew with fetch attributes and STATUS', async () => {
    const lists = uniqueRoot('Lists');
    for (const name of [`${lists}`, `${lists}/Im2000`, `${lists}/Lemonade`, 'Misc']) {
      if (!server.store.getMailbox(ACCOUNT, name)) server.store.createMailbox(ACCOUNT, name);
    }
    server.store.deliver([{ account: ACCOUNT, mailbox: `${lists}/Lemonade` }], sampleMessage('lemonade'));
    const client = await login();
    const selected = await client.command('a', 'SELECT INBOX');
    const exists = Number(/^\* (\d+) EXISTS$/.exec(selected.find((line) => line.endsWith('EXISTS'))!)![1]);
    const set = await client.command(
      'b',
      'notify set status (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree ' + lists + ' (MessageNew MessageExpunge))',
    );
    expect(set).toEqual([
      `* STATUS "${lists}" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY ${server.store.getMailbox(ACCOUNT, lists)!.uidValidity})`,
      `* STATUS "${lists}/Im2000" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY ${server.store.getMailbox(ACCOUNT, `${lists}/Im2000`)!.uidValidity})`,
      `* STATUS "${lists}/Lemonade" (MESSAGES 1 UIDNEXT 2 UIDVALIDITY ${server.store.getMailbox(ACCOUNT, `${lists}/Lemonade`)!.uidValidity})`,
      'b OK NOTIFY completed',
    ]);

    // A message to a watched mailbox: STATUS, unasked (no IDLE, no command).
    server.store.deliver([{ account: ACCOUNT, mailbox: `${lists}/Im2000` }], sampleMessage('im2000'));
    expect(await client.readLine()).toBe(`* STATUS "${lists}/Im2000" (MESSAGES 1 UIDNEXT 2)`);
    // Misc is not watched: nothing. The next line is about the INBOX delivery that follows.
    server.store.deliver([{ account: ACCOUNT, mailbox: 'Misc' }], sampleMessage('misc'));
    const [delivered] = server.store.deliver([{ account: ACCOUNT }], sampleMessage('to the inbox'));
    expect(await client.readLine()).toBe(`* ${exists + 1} EXISTS`);
    expect(await client.readLine()).toMatch(/^\* \d+ RECENT$/);
    const fetch = await client.readLine();
    expect(fetch).toMatch(new RegExp(`^\\* ${exists + 1} FETCH \\(UID ${delivered!.uid} BODY\\[HEADER\\.FIELDS \\(FROM TO SUBJECT\\)\\] \\{\\d+\\}$`));
    const header: string[] = [];
    for (let line = await client.readLine(); line !== ')'; line = await client.readLine()) header.push(line);
    expect(header).toContain('Subject: to the inbox');
    // The notification did not set \Seen.
    expect(server.store.getMessage(delivered!.mailboxId, delivered!.uid)?.flags).not.toContain('\\Seen');

    // MessageExpunge for the selected mailbox (SELECTED): pushed at once.
    server.store.storeFlags(delivered!.mailboxId, [delivered!.uid], 'add', ['\\Deleted']);
    expect(await client.readLine()).toMatch(new RegExp(`^\\* ${exists + 1} FETCH \\(FLAGS \\(\\\\Deleted`));
    server.store.expunge(delivered!.mailboxId, [delivered!.uid]);
    expect(await client.readLine()).toBe(`* ${exists + 1} EXPUNGE`);
    expect(await client.command('c', 'NOTIFY NONE')).toEqual(['c OK NOTIFY completed, no notifications']);
    client.close();
  });

  it('holds expunges with SELECTED-DELAYED until a command may report them', async () => {
    const box = uniqueRoot('Delayed');
    const mailbox = server.store.createMailbox(ACCOUNT, box);
    const watched = uniqueRoot('Watched');
    server.store.createMailbox(ACCOUNT, watched);
    server.store.deliver([{ account: ACCOUNT, mailbox: box }], sampleMessage('one'));
    server.store.deliver([{ account: ACCOUNT, mailbox: box }], sampleMessage('two'));
    const client = await login();
    await client.command('a', `SELECT ${box}`);
    expect(await client.command('b', `NOTIFY SET (selected-delayed (MessageNew MessageExpunge)) (mailboxes ${watched} (MessageNew MessageExpunge))`)).toEqual([
      'b OK NOTIFY completed',
    ]);
    server.store.storeFlags(mailbox.id, [1], 'add', ['\\Deleted']);
    expect(await client.readLine()).toMatch(/^\* 1 FETCH \(FLAGS \(\\Deleted/);
    server.store.expunge(mailbox.id, [1]);
    server.store.deliver([{ account: ACCOUNT, mailbox: watched }], sampleMessage('elsewhere'));
    // The expunge is held: the next line is the other mailbox's STATUS.
    expect(await client.readLine()).toBe(`* STATUS "${watched}" (MESSAGES 1 UIDNEXT 2)`);
    // A sequence-number FETCH may not report it either (RFC 3501 §7.4.1); NOOP does.
    expect((await client.command('c', 'FETCH 1 UID')).filter((line) => /^\* \d+ EXPUNGE$/.test(line))).toEqual([]);
    expect(await client.command('d', 'NOOP')).toEqual(['* 1 EXPUNGE', 'd OK NOOP completed']);
    client.close();
  });

  it('reports FlagChange of another mailbox as STATUS with UNSEEN', async () => {
    const box = uniqueRoot('Flags');
    const mailbox = server.store.createMailbox(ACCOUNT, box);
    server.store.deliver([{ account: ACCOUNT, mailbox: box }], sampleMessage('unread'));
    const client = await login();
    await client.command('a', `NOTIFY SET (mailboxes ${box} (MessageNew MessageExpunge FlagChange))`);
    server.store.storeFlags(mailbox.id, [1], 'add', ['\\Seen']);
    expect(await client.readLine()).toBe(`* STATUS "${box}" (UIDVALIDITY ${mailbox.uidValidity} UNSEEN 0)`);
    server.store.deliver([{ account: ACCOUNT, mailbox: box }], sampleMessage('new'));
    expect(await client.readLine()).toBe(`* STATUS "${box}" (MESSAGES 2 UIDNEXT 3 UNSEEN 1)`);
    client.close();
  });

  it('sends MailboxName and SubscriptionChange as LIST responses', async () => {
    const root = uniqueRoot('Names');
    const client = await login();
    const other = await login();
    expect(await client.command('a', `NOTIFY SET (subtree ${root} (MailboxName SubscriptionChange))`)).toEqual(['a OK NOTIFY completed']);
    await other.command('o1', `CREATE ${root}/Fresh`);
    expect(await client.readLine()).toBe(`* LIST () "/" "${root}"`);
    expect(await client.readLine()).toBe(`* LIST () "/" "${root}/Fresh"`);
    await other.command('o2', `SUBSCRIBE ${root}/Fresh`);
    expect(await client.readLine()).toBe(`* LIST (\\Subscribed) "/" "${root}/Fresh"`);
    await other.command('o3', `RENAME ${root}/Fresh ${root}/Renamed`);
    expect(await client.readLine()).toBe(`* LIST (\\Subscribed) "/" "${root}/Renamed" ("OLDNAME" ("${root}/Fresh"))`);
    await other.command('o4', `UNSUBSCRIBE ${root}/Renamed`);
    expect(await client.readLine()).toBe(`* LIST () "/" "${root}/Renamed"`);
    await other.command('o5', `DELETE ${root}/Renamed`);
    expect(await client.readLine()).toBe(`* LIST (\\NonExistent) "/" "${root}/Renamed"`);
    // Outside the subtree: nothing; the next line is the tagged reply of our own command.
    await other.command('o6', `CREATE ${uniqueRoot('Elsewhere')}`);
    expect(await client.command('b', 'NOOP')).toEqual(['b OK NOOP completed']);
    other.close();
    client.close();
  });

  it('stops with NOTIFY NONE, and IDLE under NOTIFY speaks only as NOTIFY asks', async () => {
    const box = uniqueRoot('Quiet');
    server.store.createMailbox(ACCOUNT, box);
    const watched = uniqueRoot('Loud');
    server.store.createMailbox(ACCOUNT, watched);
    const client = await login();
    const selected = await client.command('a', `SELECT ${box}`);
    expect(selected).toContain('* 0 EXISTS');
    await client.command('b', `NOTIFY SET (selected NONE) (mailboxes ${watched} (MessageNew MessageExpunge))`);
    client.write('c IDLE\r\n');
    expect(await client.readLine()).toBe('+ idling');
    server.store.deliver([{ account: ACCOUNT, mailbox: box }], sampleMessage('not told during IDLE'));
    server.store.deliver([{ account: ACCOUNT, mailbox: watched }], sampleMessage('told'));
    expect(await client.readLine()).toBe(`* STATUS "${watched}" (MESSAGES 1 UIDNEXT 2)`);
    client.write('DONE\r\n');
    // The selected mailbox's arrival is reported as the command's response, as RFC 3501 requires.
    expect(await client.readUntilTagged('c')).toEqual(['* 1 EXISTS', '* 1 RECENT', 'c OK IDLE terminated']);
    expect(await client.command('d', 'NOTIFY NONE')).toEqual(['d OK NOTIFY completed, no notifications']);
    server.store.deliver([{ account: ACCOUNT, mailbox: watched }], sampleMessage('not told'));
    expect(await client.command('e', 'NOOP')).toEqual(['e OK NOOP completed']);
    client.close();
  });
});
