// SORT, SORT=DISPLAY, THREAD (both algorithms), ESEARCH/ESORT result options and BINARY compared with Debian's Dovecot
// (the reference server of issue 13) over the same generated mailbox (search-corpus.ts): the same commands must give
// the same answers. Skips when Dovecot is not installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImapClient } from './imap-test-server.ts';
import { dovecotUnavailable, startDovecotTarget, startMailswarmTarget, type ScriptTarget } from './reference-sessions.ts';
import { appendCorpusMessage, searchCorpus } from './search-corpus.ts';

const unavailable = dovecotUnavailable();

interface Side {
  target: ScriptTarget;
  session: RawImapClient;
}

/** INBOX holds the default corpus; two more mailboxes hold bigger ones from other seeds. */
const MAILBOXES = [{ name: 'INBOX', count: 40, seed: 5256 }, { name: 'seed7', count: 80, seed: 7 }, { name: 'seed11', count: 80, seed: 11 }];

async function prepare(target: ScriptTarget): Promise<Side> {
  const session = await target.session();
  for (const mailbox of MAILBOXES) {
    if (mailbox.name !== 'INBOX') await session.command('c', `CREATE ${mailbox.name}`);
    for (const message of searchCorpus(mailbox.count, mailbox.seed)) {
      const reply = await session.command('a', appendCorpusMessage(mailbox.name, message));
      if (!/^a OK/.test(reply.at(-1) ?? '')) throw new Error(`${target.name} refused a corpus message: ${reply.join(' | ')}`);
    }
  }
  return { target, session };
}

async function select(side: Side, mailbox: string): Promise<void> {
  const reply = await side.session.command('s', `SELECT ${mailbox}`);
  if (!/^s OK/.test(reply.at(-1) ?? '')) throw new Error(`${side.target.name}: SELECT ${mailbox} failed`);
}

/** The untagged lines of a command, with literal8 markers written as plain literals (both forms are allowed). */
async function answer(side: Side, command: string): Promise<string[]> {
  const reply = await side.session.command('c', command);
  expect(reply.at(-1), `${side.target.name}: ${command}`).toMatch(/^c OK/);
  return reply.slice(0, -1).map((line) => line.replace(/~\{(\d+)\}$/, '{$1}').replace(/^(\* \d+ FETCH \()FLAGS \([^)]*\) /, '$1'));
}

describe.skipIf(unavailable !== undefined)(`search extensions against Dovecot${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let ours: Side;
  let dovecot: Side;
  /** Every server started, closed after the tests even when setting up the other one failed. */
  const started: ScriptTarget[] = [];

  beforeAll(async () => {
    const starting = await Promise.allSettled([startMailswarmTarget(), startDovecotTarget()]);
    for (const outcome of starting) if (outcome.status === 'fulfilled') started.push(outcome.value);
    for (const outcome of starting) if (outcome.status === 'rejected') throw outcome.reason;
    [ours, dovecot] = await Promise.all(started.map(prepare));
    await Promise.all([select(ours, 'INBOX'), select(dovecot, 'INBOX')]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(started.map((target) => target.close()));
  });

  async function same(command: string): Promise<void> {
    const [mine, theirs] = await Promise.all([answer(ours, command), answer(dovecot, command)]);
    expect(mine, command).toEqual(theirs);
  }

  /** The same command in every corpus mailbox. */
  async function sameEverywhere(command: string): Promise<void> {
    for (const mailbox of MAILBOXES) {
      await Promise.all([select(ours, mailbox.name), select(dovecot, mailbox.name)]);
      await same(command);
    }
    await Promise.all([select(ours, 'INBOX'), select(dovecot, 'INBOX')]);
  }

  const sortPrograms = [
    '(ARRIVAL)', '(DATE)', '(REVERSE DATE)', '(SIZE)', '(SUBJECT)', '(SUBJECT DATE)', '(REVERSE SUBJECT REVERSE DATE)', '(FROM)', '(TO)',
    '(CC)', '(REVERSE CC SIZE)', '(DISPLAYFROM)', '(DISPLAYTO ARRIVAL)', '(REVERSE DISPLAYFROM)', '(FROM REVERSE ARRIVAL)',
  ];

  it.each(sortPrograms)('SORT %s over the whole mailbox and a subset', async (program) => {
    await sameEverywhere(`SORT ${program} UTF-8 ALL`);
    await sameEverywhere(`UID SORT ${program} UTF-8 UNFLAGGED`);
  });

  it.each(['REFERENCES', 'ORDEREDSUBJECT'])('THREAD %s', async (algorithm) => {
    await sameEverywhere(`THREAD ${algorithm} UTF-8 ALL`);
    await sameEverywhere(`UID THREAD ${algorithm} US-ASCII ALL`);
  });

  it('THREAD of a subset threads only the matching messages', async () => {
    await sameEverywhere('THREAD ORDEREDSUBJECT UTF-8 UNDELETED');
    await sameEverywhere('THREAD REFERENCES UTF-8 UNDELETED');
  });

  it('ESEARCH result options, for SEARCH and SORT', async () => {
    for (const command of [
      'SEARCH RETURN (MIN MAX COUNT ALL) FLAGGED', 'UID SEARCH RETURN (MIN MAX) UNFLAGGED', 'SEARCH RETURN () DELETED',
      'SEARCH RETURN (COUNT) SUBJECT "nothing like this"', 'SEARCH RETURN (PARTIAL 3:7 COUNT) ALL',
      'SORT RETURN (ALL) (REVERSE DATE) UTF-8 ALL', 'UID SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL',
      'SORT RETURN (PARTIAL 1:5) (SIZE) UTF-8 ALL',
    ]) {
      await same(command);
    }
  });

  it('SEARCHRES: $ after SEARCH and SORT with SAVE', async () => {
    await same('SEARCH RETURN (SAVE) FLAGGED');
    await same('FETCH $ (UID)');
    await same('SEARCH RETURN (SAVE MIN MAX) UNFLAGGED');
    await same('UID SEARCH UID $');
    await same('SEARCH RETURN (ALL) OR $ 1:3');
  });

  it('CONTEXT=SEARCH: the same ADDTO and REMOVEFROM, in the same place among the EXISTS and EXPUNGE', async () => {
    const script = async (side: Side): Promise<string[]> => {
      const changer = await side.target.session();
      await changer.command('c', 'CREATE ctx');
      for (let number = 1; number <= 5; number++) await changer.command('a', `APPEND ctx {${`Subject: ${number}\r\n\r\nx`.length}+}\r\nSubject: ${number}\r\n\r\nx`);
      await Promise.all([select(side, 'ctx'), changer.command('s', 'SELECT ctx')]);
      const lines: string[] = [];
      const keep = async (command: string) => {
        const reply = await side.session.command('w', command);
        lines.push(...reply.filter((line) => /^\* (ESEARCH|\d+ EXPUNGE|\d+ EXISTS)/.test(line)));
      };
      await keep('UID SEARCH RETURN (UPDATE COUNT) UNFLAGGED');
      await keep('SEARCH RETURN (UPDATE) FLAGGED');
      await changer.command('c1', 'STORE 2,4 +FLAGS (\\Flagged)');
      await keep('NOOP');
      await changer.command('c2', 'STORE 2 +FLAGS (\\Deleted)');
      await changer.command('c3', 'EXPUNGE');
      await changer.command('c4', `APPEND ctx (\\Flagged) {${'Subject: 6\r\n\r\nx'.length}+}\r\nSubject: 6\r\n\r\nx`);
      await keep('NOOP');
      await keep('STORE 1 +FLAGS.SILENT (\\Flagged)');
      await select(side, 'INBOX');
      return lines;
    };
    const [mine, theirs] = await Promise.all([script(ours), script(dovecot)]);
    expect(mine).toEqual(theirs);
    expect(mine).toContain('* ESEARCH (TAG "w") UID REMOVEFROM (0 2,4)');
  });

  it('BINARY.PEEK and BINARY.SIZE of text parts', async () => {
    await same('FETCH 1:5 (BINARY.PEEK[1] BINARY.SIZE[1])');
    await same('FETCH 2 (BINARY.PEEK[1]<5.20>)');
  });
});
