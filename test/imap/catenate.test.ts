// CATENATE (RFC 4469) after its Appendix A examples: a draft rebuilt from the old draft's header and first part
// (URLs with ;SECTION=HEADER, 1.MIME and 1), new text literals and a whole other message, stored with the given
// flags and returned by FETCH exactly as catenated; NO [BADURL url] for a URL naming nothing (§4.1), which stores
// nothing; `UTF8 (literal8)` parts (RFC 6855 §4). Where Debian's Dovecot is installed, it builds the same bytes.
import { afterEach, describe, expect, it } from 'vitest';
import type { RawImapClient } from './imap-test-server.ts';
import { appendCommand, dovecotUnavailable, startDovecotTarget, startMailswarmTarget, type ScriptTarget } from './reference-sessions.ts';

let target: ScriptTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

const BOUNDARY = '------------030308070208000400050907';
const DRAFT = [
  'From: Bob Ar <bar@example.org>',
  'To: foo@example.net',
  'Subject: About our holiday trip',
  'MIME-Version: 1.0',
  `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
  '',
  `--${BOUNDARY}`,
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'Hope you enjoyed the trip.',
  `--${BOUNDARY}`,
  'Content-Type: application/x-zip-compressed; name="trip.zip"',
  'Content-Transfer-Encoding: base64',
  '',
  'UEsDBAoAAAAAAA==',
  `--${BOUNDARY}--`,
  '',
].join('\r\n');
const PHOTO = 'Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRg==\r\n';

function literal(text: string): string {
  return `{${Buffer.byteLength(text)}+}\r\n${text}`;
}

/** Appends the old draft (uid 1) and the photo (uid 2) to Drafts; returns Drafts' UIDVALIDITY. */
async function prepareDrafts(session: RawImapClient): Promise<number> {
  for (const message of [DRAFT, PHOTO]) expect((await session.command('a', appendCommand('Drafts', message))).at(-1)).toMatch(/^a OK/);
  const status = await session.command('s', 'STATUS Drafts (UIDVALIDITY)');
  return Number(/UIDVALIDITY (\d+)/.exec(status[0]!)![1]);
}

/** RFC 4469 Appendix A, Example 1: replace the attachment of a draft without downloading it. */
async function catenateExample(session: RawImapClient): Promise<{ reply: string; stored: string; flags: string }> {
  const validity = await prepareDrafts(session);
  const url = (rest: string) => `URL "/Drafts;UIDVALIDITY=${validity}/;UID=${rest}"`;
  const command = [
    'APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE (',
    `${url('1/;section=HEADER')} TEXT ${literal(`\r\n--${BOUNDARY}\r\n`)}`,
    ` ${url('1/;section=1.MIME')} ${url('1/;section=1')} TEXT ${literal(`\r\n--${BOUNDARY}\r\n`)}`,
    ` ${url('2')} TEXT ${literal(`\r\n--${BOUNDARY}--\r\n`)})`,
  ].join('');
  const reply = (await session.command('c', command)).at(-1)!;
  await session.command('x', 'EXAMINE Drafts');
  const fetched = await session.command('f', 'FETCH 3 (FLAGS BODY.PEEK[])');
  const body = fetched.slice(1, -2).join('\r\n');
  return { reply: reply.replace(/APPENDUID \d+ /, 'APPENDUID v ').replace(/\].*$/, ']'), stored: body, flags: /FLAGS \(([^)]*)\)/.exec(fetched.join(' '))![1]! };
}

function expectedDraft(): string {
  const [header] = DRAFT.split('\r\n\r\n');
  return [
    `${header}\r\n\r\n`,
    `\r\n--${BOUNDARY}\r\n`,
    'Content-Type: text/plain; charset=us-ascii\r\n\r\n',
    'Hope you enjoyed the trip.',
    `\r\n--${BOUNDARY}\r\n`,
    PHOTO,
    `\r\n--${BOUNDARY}--\r\n`,
  ].join('');
}

describe('CATENATE (RFC 4469)', () => {
  it('rebuilds a draft from URLs of the old one and new literals (Appendix A, Example 1)', async () => {
    target = await startMailswarmTarget();
    const result = await catenateExample(await target.session());
    expect(result.reply).toBe('c OK [APPENDUID v 3]');
    expect(result.stored).toBe(expectedDraft().replace(/\r\n$/, ''));
    expect(result.flags.split(' ').filter((flag) => flag !== '\\Recent').sort()).toEqual(['$MDNSent', '\\Draft', '\\Seen']);
  });

  it('answers NO [BADURL] for a URL that names nothing, and stores nothing', async () => {
    target = await startMailswarmTarget();
    const session = await target.session();
    const validity = await prepareDrafts(session);
    const bad = async (url: string) => (await session.command('b', `APPEND Drafts CATENATE (TEXT ${literal('Subject: x\r\n\r\n')} URL "${url}")`)).at(-1);
    expect(await bad(`/Drafts;UIDVALIDITY=${validity + 1}/;UID=1`)).toMatch(new RegExp(`^b NO \\[BADURL /Drafts;UIDVALIDITY=${validity + 1}/;UID=1\\] .*UIDVALIDITY is ${validity}`));
    expect(await bad('/Drafts/;UID=99')).toMatch(/^b NO \[BADURL \/Drafts\/;UID=99\] .*no message with UID 99/);
    expect(await bad('/Nowhere/;UID=1')).toMatch(/^b NO \[BADURL \/Nowhere\/;UID=1\] .*no mailbox Nowhere/);
    expect(await bad('/Drafts/;UID=1/;SECTION=7')).toMatch(/^b NO \[BADURL .*no such part/);
    expect(await bad('imap://alice@localhost/Drafts/;UID=1')).toMatch(/^b NO \[BADURL imap:\/\/alice@localhost\/Drafts\/;UID=1\]/);
    expect((await session.command('s', 'STATUS Drafts (MESSAGES)'))[0]).toBe('* STATUS "Drafts" (MESSAGES 2)');
    expect((await session.command('p', 'APPEND Drafts CATENATE ()')).at(-1)).toMatch(/^p BAD/);
  });

  it('takes UTF8 (literal8) parts and %-escaped UTF-8 mailbox names in URLs (RFC 6855 §4, RFC 5092)', async () => {
    target = await startMailswarmTarget();
    const session = await target.session();
    await session.command('c', 'CREATE "Entw&APw-rfe"');
    expect((await session.command('a', appendCommand('"Entw&APw-rfe"', 'Subject: base\r\n\r\nbody\r\n'))).at(-1)).toMatch(/^a OK/);
    const header = Buffer.from('Subject: Grüße\r\n', 'utf8');
    const command = Buffer.concat([
      Buffer.from(`APPEND INBOX CATENATE (UTF8 (~{${header.length}+}\r\n`), header,
      Buffer.from(') URL "/Entw%C3%BCrfe/;UID=1/;SECTION=TEXT")'),
    ]);
    expect((await session.command('u', command)).at(-1)).toMatch(/^u OK \[APPENDUID \d+ 1\]/);
    await session.command('x', 'EXAMINE INBOX');
    const fetched = await session.command('f', 'FETCH 1 BODY.PEEK[]');
    expect(Buffer.from(fetched.slice(0, -1).join('\r\n'), 'latin1').toString('utf8')).toContain('Subject: Grüße\r\nbody');
  });
});

describe.skipIf(dovecotUnavailable() !== undefined)(`CATENATE next to Dovecot ${dovecotUnavailable() ?? ''}`, () => {
  it('builds the same message as Dovecot', async () => {
    target = await startMailswarmTarget();
    const ours = await catenateExample(await target.session());
    await target.close();
    target = await startDovecotTarget();
    const theirs = await catenateExample(await target.session());
    expect(ours.stored).toBe(theirs.stored);
    expect(ours.reply).toBe(theirs.reply);
  });
});
