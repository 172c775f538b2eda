// SEARCH FROM/TO/CC/BCC over a real session (RFC 3501 §6.4.4): the address and the display name match however
// the header writes them (comments, routes, quoted local parts, groups, RFC 2047 encoded-words), case-insensitively.
// The same messages and queries run against Debian's Dovecot when it is installed: it must find nothing we miss.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImapClient } from '../imap/imap-test-server.ts';
import {
  appendCommand, dovecotUnavailable, searchResult, startDovecotTarget, startMailswarmTarget, withLiteral, type ScriptTarget,
} from '../imap/reference-sessions.ts';

const messages = [
  ['From: carol@swarm.test', 'To: dave@swarm.test', 'Cc: erin@swarm.test', 'Bcc: frank@swarm.test'],
  ['From: Carol Jones <carol@swarm.test>', 'To: Dave Brown <dave@swarm.test>', 'Cc: Erin Smith <erin@swarm.test>', 'Bcc: Frank Green <frank@swarm.test>'],
  ['From: <carol (work) @ (mail) swarm.test>', 'To: <dave@swarm.test>', 'Cc: <erin@swarm.test>', 'Bcc: <frank@swarm.test>'],
  ['From: carol@swarm.test (Carol Jones)', 'To: dave@swarm.test (Dave Brown)', 'Cc: erin@swarm.test (Erin Smith)', 'Bcc: frank@swarm.test (Frank Green)'],
  ['From: carol1@swarm.test, carol2@swarm.test', 'Cc: erin@swarm.test'],
  ['To: Team: dave1@swarm.test, dave2@swarm.test;,\r\n  Crew: dave3@swarm.test;'],
  ['From: =?UTF-8?Q?Car=C3=B6l_J=C3=B6nes?= <carol@swarm.test>', 'To: "carol"@swarm.test'],
  ['From: CAROL @ SWARM.TEST', 'Cc: =?ISO-8859-1?B?Sm/rbA==?= <joel@swarm.test>'],
].map((headers, index) => `${headers.join('\r\n')}\r\nSubject: message ${index + 1}\r\n\r\nbody ${index + 1}\r\n`);

/** Query → the sequence numbers both servers answer. */
const agreed: Array<[string | Buffer, number[]]> = [
  ['SEARCH FROM carol@swarm.test', [1, 2, 3, 4, 7, 8]],
  ['SEARCH FROM Carol@SWARM.test', [1, 2, 3, 4, 7, 8]],
  ['SEARCH TO dave@swarm.test', [1, 2, 3, 4]],
  ['SEARCH CC erin@swarm.test', [1, 2, 3, 4, 5]],
  ['SEARCH BCC frank@swarm.test', [1, 2, 3, 4]],
  ['SEARCH FROM "carol jones"', [2, 4]],
  ['SEARCH TO "dave brown"', [2, 4]],
  ['SEARCH CC "erin smith"', [2, 4]],
  ['SEARCH BCC "frank green"', [2, 4]],
  ['SEARCH FROM ol@swarm.te', [1, 2, 3, 4, 7, 8]],
  ['SEARCH FROM carol2', [5]],
  ['SEARCH TO team', [6]],
  ['SEARCH TO crew', [6]],
  ['SEARCH TO dave3@swarm.test', [6]],
  ['SEARCH TO dave4', []],
  ['SEARCH TO carol@swarm.test', [7]],
  [withLiteral('SEARCH CHARSET UTF-8 FROM', 'CARÖL JÖNES'), [7]],
  [withLiteral('SEARCH CHARSET UTF-8 CC', 'joël'), [8]],
  ['SEARCH HEADER FROM ""', [1, 2, 3, 4, 5, 7, 8]],
  ['SEARCH HEADER TO ""', [1, 2, 3, 4, 6, 7]],
  ['SEARCH OR FROM carol1 TO dave1 NOT CC erin', [6]],
];

/** We also match the header as written; Dovecot only its normalized form (so it finds fewer). */
const oursAlone: Array<[string, number[]]> = [
  ['SEARCH FROM "Carol Jones <carol@swarm.test>"', [2]],
  ['SEARCH FROM "(work)"', [3]],
];

async function loadMessages(target: ScriptTarget): Promise<RawImapClient> {
  const session = await target.session();
  for (const message of messages) {
    const reply = await session.command('a', appendCommand('INBOX', message));
    expect(reply.at(-1)).toMatch(/^a OK/);
  }
  await session.command('s', 'SELECT INBOX');
  return session;
}

let ours: ScriptTarget;
let session: RawImapClient;
beforeAll(async () => {
  ours = await startMailswarmTarget();
  session = await loadMessages(ours);
});
afterAll(async () => {
  await ours.close();
});

describe('SEARCH address keys', () => {
  it.each(agreed)('%s', async (query, expected) => {
    expect(searchResult(await session.command('q', query))).toEqual(expected);
  });

  it.each(oursAlone)('%s (header text as written)', async (query, expected) => {
    expect(searchResult(await session.command('q', query))).toEqual(expected);
  });

  it('reports the address of an addr-spec with comments without them in ENVELOPE, as Dovecot', async () => {
    const reply = await session.command('f', 'FETCH 3 (ENVELOPE)');
    expect(reply[0]).toContain('((NIL NIL "carol" "swarm.test"))');
  });
});

const unavailable = dovecotUnavailable();
describe.skipIf(unavailable !== undefined)(`SEARCH address keys against Dovecot${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let dovecot: ScriptTarget;
  let reference: RawImapClient;
  beforeAll(async () => {
    dovecot = await startDovecotTarget();
    reference = await loadMessages(dovecot);
  }, 60_000);
  afterAll(async () => {
    await dovecot?.close();
  });

  it('answers the agreed queries exactly as we do', async () => {
    for (const [query] of agreed) {
      const expected = searchResult(await session.command('q', query));
      expect({ query: query.toString(), found: searchResult(await reference.command('q', query)) }).toEqual({ query: query.toString(), found: expected });
    }
  });

  it('finds nothing that we miss in the queries only we answer more broadly', async () => {
    for (const [query] of oursAlone) {
      const ourMatches = searchResult(await session.command('q', query));
      for (const match of searchResult(await reference.command('q', query))) expect(ourMatches).toContain(match);
    }
  });

  it('reports the same ENVELOPE for the addr-spec with comments', async () => {
    const ourEnvelope = (await session.command('f', 'FETCH 3 (ENVELOPE)'))[0];
    const theirEnvelope = (await reference.command('f', 'FETCH 3 (ENVELOPE)'))[0];
    expect(ourEnvelope?.toLowerCase()).toBe(theirEnvelope?.toLowerCase());
  });
});
