// LIST-EXTENDED (RFC 5258) and LIST-STATUS (RFC 5819) against the RFCs' examples (RFC 5258 §5), over raw
// sessions: selection options SUBSCRIBED, REMOTE, RECURSIVEMATCH (and SPECIAL-USE, RFC 6154), return options
// CHILDREN, SUBSCRIBED, SPECIAL-USE, STATUS, and the CHILDINFO ("SUBSCRIBED") extended data item. Our replies differ from the RFC's
// text only where the RFC leaves room: \HasChildren/\HasNoChildren come on every reply (RFC 5258 §4), INBOX has
// no \Marked \NoInferiors, and there are no remote mailboxes (the RFC's Bread and Meat). Where Debian's
// Dovecot is installed, the examples it can represent (it refuses to subscribe missing names) are compared too.
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImapClient } from './imap-test-server.ts';
import { appendCommand, dovecotUnavailable, startDovecotTarget, startMailswarmTarget, type ScriptTarget } from './reference-sessions.ts';

const DEFAULT_FOLDERS = ['Sent', 'Drafts', 'Trash', 'Archive', 'Junk'];

interface Hierarchy {
  create: string[];
  subscribe: string[];
  /** Subscribe INBOX (our server subscribes it by default; Dovecot does not). */
  inboxSubscribed?: boolean;
}

let target: ScriptTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

/** A fresh server holding only INBOX and `hierarchy` (the default folders are deleted and unsubscribed). */
async function serverWith(hierarchy: Hierarchy, start: () => Promise<ScriptTarget> = startMailswarmTarget): Promise<RawImapClient> {
  target = await start();
  const session = await target.session();
  for (const folder of DEFAULT_FOLDERS) {
    await session.command('u', `UNSUBSCRIBE ${folder}`);
    await session.command('d', `DELETE ${folder}`);
  }
  await session.command('u', hierarchy.inboxSubscribed ? 'SUBSCRIBE INBOX' : 'UNSUBSCRIBE INBOX');
  for (const name of hierarchy.create) expect((await session.command('c', `CREATE "${name}"`)).at(-1)).toMatch(/^c OK/);
  for (const name of hierarchy.subscribe) expect((await session.command('s', `SUBSCRIBE "${name}"`)).at(-1)).toMatch(/^s OK/);
  return session;
}

/** The untagged replies of a LIST, checked to end in a tagged OK. */
async function list(session: RawImapClient, command: string): Promise<string[]> {
  const reply = await session.command('L', command);
  expect(reply.at(-1)).toMatch(/^L OK /);
  return reply.slice(0, -1);
}

// The local hierarchy of the first RFC 5258 §5 examples; "Fruit/Peach" is subscribed but does not exist.
const fruit: Hierarchy = {
  create: ['Fruit', 'Fruit/Apple', 'Fruit/Banana', 'Tofu', 'Vegetable', 'Vegetable/Broccoli', 'Vegetable/Corn'],
  subscribe: ['Fruit/Banana', 'Fruit/Peach', 'Vegetable', 'Vegetable/Broccoli'],
  inboxSubscribed: true,
};

describe('RFC 5258 §5 examples', () => {
  it('the complete local hierarchy', async () => {
    const session = await serverWith(fruit);
    expect(await list(session, 'LIST "" "*"')).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* LIST (\\HasChildren) "/" "Fruit"',
      '* LIST (\\HasNoChildren) "/" "Fruit/Apple"',
      '* LIST (\\HasNoChildren) "/" "Fruit/Banana"',
      '* LIST (\\HasNoChildren) "/" "Tofu"',
      '* LIST (\\HasChildren) "/" "Vegetable"',
      '* LIST (\\HasNoChildren) "/" "Vegetable/Broccoli"',
      '* LIST (\\HasNoChildren) "/" "Vegetable/Corn"',
    ]);
  });

  it('SUBSCRIBED lists subscribed names, a missing one as \\NonExistent; REMOTE changes nothing', async () => {
    const session = await serverWith(fruit);
    const expected = [
      '* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"',
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Fruit/Banana"',
      '* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" "Fruit/Peach"',
      '* LIST (\\HasChildren \\Subscribed) "/" "Vegetable"',
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Vegetable/Broccoli"',
    ];
    expect(await list(session, 'LIST (SUBSCRIBED) "" "*"')).toEqual(expected);
    expect(await list(session, 'LIST (REMOTE SUBSCRIBED) "" "*"')).toEqual(expected);
  });

  it('RETURN (CHILDREN) tells which top-level mailboxes have children; REMOTE changes nothing', async () => {
    const session = await serverWith(fruit);
    const expected = [
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* LIST (\\HasChildren) "/" "Fruit"',
      '* LIST (\\HasNoChildren) "/" "Tofu"',
      '* LIST (\\HasChildren) "/" "Vegetable"',
    ];
    expect(await list(session, 'LIST () "" "%" RETURN (CHILDREN)')).toEqual(expected);
    expect(await list(session, 'LIST (REMOTE) "" "%" RETURN (CHILDREN)')).toEqual(expected);
  });

  it('RETURN (SUBSCRIBED) adds \\Subscribed to existing mailboxes and lists no missing one', async () => {
    const session = await serverWith(fruit);
    expect(await list(session, 'LIST (REMOTE) "" "*" RETURN (SUBSCRIBED)')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"',
      '* LIST (\\HasChildren) "/" "Fruit"',
      '* LIST (\\HasNoChildren) "/" "Fruit/Apple"',
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Fruit/Banana"',
      '* LIST (\\HasNoChildren) "/" "Tofu"',
      '* LIST (\\HasChildren \\Subscribed) "/" "Vegetable"',
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Vegetable/Broccoli"',
      '* LIST (\\HasNoChildren) "/" "Vegetable/Corn"',
    ]);
  });

  // \HasChildren versus CHILDINFO, with Foo/Bar and Foo/Baz under Foo, and Moo.
  const foo = ['Foo', 'Foo/Bar', 'Foo/Baz', 'Moo'];

  it('Foo: CHILDREN reports existing children whatever is subscribed', async () => {
    const session = await serverWith({ create: foo, subscribe: ['Foo/Baz'] });
    expect(await list(session, 'LIST "" "%" RETURN (CHILDREN)')).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* LIST (\\HasChildren) "/" "Foo"',
      '* LIST (\\HasNoChildren) "/" "Moo"',
    ]);
  });

  it('Foo: only Foo/Baz subscribed: `%` lists nothing, RECURSIVEMATCH lists Foo with CHILDINFO', async () => {
    const session = await serverWith({ create: foo, subscribe: ['Foo/Baz'] });
    expect(await list(session, 'LIST (SUBSCRIBED) "" "*"')).toEqual(['* LIST (\\HasNoChildren \\Subscribed) "/" "Foo/Baz"']);
    expect(await list(session, 'LIST (SUBSCRIBED) "" "%"')).toEqual([]);
    expect(await list(session, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"')).toEqual(['* LIST (\\HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))']);
  });

  it('Foo: Foo subscribed as well: \\Subscribed and CHILDINFO', async () => {
    const session = await serverWith({ create: foo, subscribe: ['Foo/Baz', 'Foo'] });
    expect(await list(session, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"')).toEqual([
      '* LIST (\\HasChildren \\Subscribed) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))',
    ]);
  });

  it('Foo: nothing subscribed lists nothing; Foo and Moo subscribed: children but no CHILDINFO', async () => {
    const session = await serverWith({ create: foo, subscribe: [] });
    expect(await list(session, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"')).toEqual([]);
    await session.command('s', 'SUBSCRIBE Foo');
    await session.command('s', 'SUBSCRIBE Moo');
    expect(await list(session, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)')).toEqual([
      '* LIST (\\HasChildren \\Subscribed) "/" "Foo"',
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Moo"',
    ]);
  });

  it('CHILDINFO comes whether or not the subscribed descendant matches the pattern', async () => {
    const session = await serverWith({ create: ['Foo', 'Foo/Bar', 'Foo/Bar/Baz', 'Moo', 'Moo/Bar', 'Moo/Bar/Baz'], subscribe: ['Foo/Bar/Baz', 'Moo'] });
    expect(await list(session, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "*o"')).toEqual([
      '* LIST (\\HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))',
      '* LIST (\\HasChildren \\Subscribed) "/" "Moo"',
    ]);
  });

  it('foo/bar: several patterns; CHILDINFO does not imply \\HasChildren', async () => {
    const session = await serverWith({ create: ['foo'], subscribe: ['foo/bar'] });
    expect(await list(session, 'LIST "" ("foo" "foo/*")')).toEqual(['* LIST (\\HasNoChildren) "/" "foo"']);
    expect(await list(session, 'LIST (SUBSCRIBED) "" "foo/*"')).toEqual(['* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" "foo/bar"']);
    expect(await list(session, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" foo RETURN (CHILDREN)')).toEqual([
      '* LIST (\\HasNoChildren) "/" "foo" ("CHILDINFO" ("SUBSCRIBED"))',
    ]);
  });

  it('music: a missing parent of subscribed names is \\NonExistent \\HasChildren under `%`, not under `*`', async () => {
    const session = await serverWith({ create: [], subscribe: ['music/blues', 'music/rock'] });
    expect(await list(session, 'LIST (SUBSCRIBED) "" *')).toEqual([
      '* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" "music/blues"',
      '* LIST (\\NonExistent \\HasNoChildren \\Subscribed) "/" "music/rock"',
    ]);
    expect(await list(session, 'LIST (SUBSCRIBED) "" %')).toEqual(['* LIST (\\NonExistent \\HasChildren) "/" "music"']);
    expect(await list(session, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" %')).toEqual([
      '* LIST (\\NonExistent \\HasNoChildren) "/" "music" ("CHILDINFO" ("SUBSCRIBED"))',
    ]);
    // LSUB keeps its own rule (RFC 3501 §6.3.9): the unsubscribed parent is \Noselect.
    expect(await list(session, 'LSUB "" %')).toEqual(['* LSUB (\\Noselect) "/" "music"']);
  });
});

describe('LIST-EXTENDED syntax', () => {
  it('refuses RECURSIVEMATCH without SUBSCRIBED, unknown options and an empty pattern list with BAD', async () => {
    const session = await serverWith(fruit);
    for (const command of [
      'LIST (RECURSIVEMATCH) "" "*"',
      'LIST (REMOTE RECURSIVEMATCH) "" "*"',
      'LIST (SPECIAL-USE RECURSIVEMATCH) "" "*"',
      'LIST (BOGUS) "" "*"',
      'LIST "" "*" RETURN (BOGUS)',
      'LIST "" ()',
      'LIST "" "*" RETURN (STATUS ())',
      'LIST "" "*" RETURN CHILDREN',
    ]) {
      expect({ command, reply: (await session.command('b', command)).at(-1) }).toEqual({ command, reply: expect.stringMatching(/^b BAD /) });
    }
  });

  it('answers the empty pattern with the delimiter only in the base LIST', async () => {
    const session = await serverWith(fruit);
    expect(await list(session, 'LIST "" ""')).toEqual(['* LIST (\\Noselect) "/" ""']);
    expect(await list(session, 'LIST (SUBSCRIBED) "" ""')).toEqual([]);
  });

  it('selects and returns special-use mailboxes (RFC 6154 §2)', async () => {
    target = await startMailswarmTarget();
    const session = await target.session();
    expect(await list(session, 'LIST (SPECIAL-USE) "" "*" RETURN (SPECIAL-USE)')).toEqual([
      '* LIST (\\HasNoChildren \\Archive) "/" "Archive"',
      '* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "/" "Junk"',
      '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
      '* LIST (\\HasNoChildren \\Trash) "/" "Trash"',
    ]);
    // Thunderbird's form: the subscribed folders with their special use.
    expect(await list(session, 'LIST (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)')).toContain('* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" "Sent"');
  });
});

describe('RFC 5819 LIST-STATUS', () => {
  it('sends STATUS after each selectable mailbox, none for a missing one', async () => {
    const session = await serverWith({ create: ['foo', 'foo/baz'], subscribe: ['INBOX', 'foo', 'bar/qux'] });
    for (const mailbox of ['INBOX', 'INBOX', 'foo']) await session.command('a', appendCommand(mailbox, `Subject: ${mailbox}\r\n\r\nx\r\n`));
    await session.command('a', appendCommand('INBOX', 'Subject: read\r\n\r\nx\r\n', '\\Seen'));
    expect(await list(session, 'LIST "" % RETURN (STATUS (MESSAGES UNSEEN))')).toEqual([
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* STATUS "INBOX" (MESSAGES 3 UNSEEN 2)',
      '* LIST (\\HasChildren) "/" "foo"',
      '* STATUS "foo" (MESSAGES 1 UNSEEN 1)',
    ]);
    // A parent listed for CHILDINFO only gets STATUS when it exists (RFC 5819 §2: none for \NonExistent).
    expect(await list(session, 'LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (STATUS (MESSAGES))')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"',
      '* STATUS "INBOX" (MESSAGES 3)',
      '* LIST (\\NonExistent \\HasNoChildren) "/" "bar" ("CHILDINFO" ("SUBSCRIBED"))',
      '* LIST (\\HasChildren \\Subscribed) "/" "foo"',
      '* STATUS "foo" (MESSAGES 1)',
    ]);
  });
});

/** What both servers must agree on: names, \Subscribed, missing (\NonExistent or \Noselect), CHILDINFO; children only when asked. */
function comparable(lines: string[], withChildren: boolean): string[] {
  return lines
    .map((line) => /^\* LIST \(([^)]*)\) "\/" "?([^"]*?)"?( \(.*\))?$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && !['INBOX', ...DEFAULT_FOLDERS].includes(match[2]!))
    .map((match) => {
      const attributes = match[1]!.split(' ').filter((attribute) => {
        if (/^\\Has(No)?Children$/i.test(attribute)) return withChildren;
        return /^\\(Subscribed|NonExistent|Noselect)$/i.test(attribute);
      });
      return `${match[2]} (${attributes.map((attribute) => attribute.toLowerCase()).sort().join(' ')})${match[3] ? ' CHILDINFO' : ''}`;
    })
    .sort();
}

const unavailable = dovecotUnavailable();
describe.skipIf(unavailable !== undefined)(`LIST-EXTENDED against Dovecot${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const existingOnly: Array<[Hierarchy, string[]]> = [
    [{ create: fruit.create, subscribe: ['Fruit/Banana', 'Vegetable', 'Vegetable/Broccoli'] }, [
      'LIST "" "*"', 'LIST (SUBSCRIBED) "" "*"', 'LIST () "" "%" RETURN (CHILDREN)', 'LIST (REMOTE) "" "*" RETURN (SUBSCRIBED)',
      'LIST (SUBSCRIBED) "" "%"', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)',
      'LIST (SUBSCRIBED RECURSIVEMATCH) "" "*t"', 'LIST "" ("Fruit" "Fruit/*")', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" Fruit RETURN (CHILDREN)',
    ]],
    [{ create: ['Foo', 'Foo/Bar', 'Foo/Bar/Baz', 'Moo', 'Moo/Bar', 'Moo/Bar/Baz'], subscribe: ['Foo/Bar/Baz', 'Moo'] }, [
      'LIST (SUBSCRIBED RECURSIVEMATCH) "" "*o"', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)', 'LIST (SUBSCRIBED) "" "*"',
    ]],
  ];

  it.each(existingOnly)('answers like Dovecot for the hierarchy %#', async (hierarchy, commands) => {
    const ours = await serverWith(hierarchy);
    const ourReplies: string[][] = [];
    for (const command of commands) ourReplies.push(await list(ours, command));
    await target?.close();
    const theirs = await serverWith(hierarchy, startDovecotTarget);
    for (const [index, command] of commands.entries()) {
      // Dovecot sends \HasChildren in an extended LIST only when asked; the base LIST always has it.
      const withChildren = command.includes('CHILDREN') || !/^LIST \(|RETURN|"" \(/.test(command);
      const ourLines = comparable(ourReplies[index]!, withChildren);
      expect(ourLines.length).toBeGreaterThan(0); // every command lists something: the comparison is not vacuous
      expect({ command, lines: ourLines }).toEqual({ command, lines: comparable(await list(theirs, command), withChildren) });
    }
  }, 60_000);
});
