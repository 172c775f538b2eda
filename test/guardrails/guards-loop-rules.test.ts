// Unit tests of each loop/storm guard and of the token accounting on a real guards.sqlite, with a moved
// clock instead of waiting: hop counting (human mail resets it), the per-thread daily reply budget, the
// duplicate-body window, the send-rate token bucket, and that the state survives reopening the database.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type GuardsConfig } from '../../src/config/config-schema.ts';
import { GuardDatabase } from '../../src/postoffice/guards/guard-database.ts';
import { LoopGuards, type ScreenedAgentMessage } from '../../src/postoffice/guards/loop-guards.ts';
import { commandOf } from '../../src/postoffice/governance/governance-by-mail.ts';
import { bodyHash, firstNonEmptyLine, readMessageFacts } from '../../src/postoffice/guards/message-facts.ts';
import { TokenAccounting } from '../../src/postoffice/guards/token-accounting.ts';

const DOMAIN = 'swarm.local';
const T0 = new Date('2026-12-01T10:00:00Z');

function minutesAfter(start: Date, minutes: number): Date {
  return new Date(start.getTime() + minutes * 60_000);
}

function message(agent: string, id: string, options: { inReplyTo?: string; references?: string[]; text?: string; thread?: string } = {}): ScreenedAgentMessage {
  const references = options.references ?? [];
  return {
    agent,
    messageId: id,
    inReplyTo: options.inReplyTo ?? null,
    references,
    thread: options.thread ?? references[0] ?? options.inReplyTo ?? id,
    bodyHash: bodyHash(options.text ?? `body of ${id}`),
  };
}

describe('loop guards', () => {
  let dataDir: string;
  let database: GuardDatabase;
  let config: GuardsConfig;
  let guards: LoopGuards;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-loop-guards-'));
    database = new GuardDatabase(dataDir);
    config = configSchema.parse({ guards: { maxHops: 3, repliesPerThreadPerDay: 2, sendRate: { messages: 3, perMinutes: 10 }, duplicateWindowMinutes: 60 } }).guards;
    guards = new LoopGuards(database, config, DOMAIN);
  });
  afterEach(() => {
    database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has documented defaults', () => {
    expect(configSchema.parse({}).guards).toEqual({
      maxHops: 12,
      repliesPerThreadPerDay: 10,
      sendRate: { messages: 30, perMinutes: 10 },
      duplicateWindowMinutes: 60,
      dailyTokenBudget: 2_000_000,
    });
  });

  it('counts hops along agent replies, holds past the limit, and restarts at 1 after a human message', () => {
    let parent = 'human-root@x';
    const hops: number[] = [];
    for (let index = 1; index <= 4; index++) {
      const agent = index % 2 === 1 ? 'a@swarm.local' : 'b@swarm.local';
      const reply = message(agent, `m${index}@x`, { inReplyTo: parent, references: ['human-root@x', ...(index > 1 ? [parent] : [])] });
      const hop = guards.hopFor(reply);
      hops.push(hop);
      const verdict = guards.check(reply, hop, T0);
      if (verdict === undefined) guards.record(reply, hop, 'delivered', T0);
      else expect(verdict.rule).toBe('hop-limit');
      parent = reply.messageId!;
    }
    expect(hops).toEqual([1, 2, 3, 4]);
    // A human answers m3; the agent's reply to the human starts again at hop 1.
    expect(guards.hopFor(message('a@swarm.local', 'after-human@x', { inReplyTo: 'human-answer@x', references: ['human-root@x', 'm3@x', 'human-answer@x'] }))).toBe(1);
    // Without In-Reply-To the newest known reference is the parent.
    expect(guards.hopFor(message('a@swarm.local', 'refs-only@x', { references: ['human-root@x', 'm1@x', 'm2@x'] }))).toBe(3);
  });

  it('a resubmitted Message-ID keeps its hop and is not counted twice', () => {
    const first = message('a@swarm.local', 'once@x', { inReplyTo: 'human@x' });
    guards.record(first, guards.hopFor(first), 'delivered', T0);
    expect(guards.hopFor(first)).toBe(1);
    expect(guards.check(first, 1, T0)).toBeUndefined();
  });

  it('holds the reply over the per-thread daily budget, and allows it again on the next UTC day', () => {
    const thread = 'root@x';
    for (const id of ['t1@x', 't2@x']) {
      const reply = message('a@swarm.local', id, { references: [thread], inReplyTo: thread });
      expect(guards.check(reply, 1, T0)).toBeUndefined();
      guards.record(reply, 1, 'delivered', T0);
    }
    const third = message('a@swarm.local', 't3@x', { references: [thread], inReplyTo: thread });
    expect(guards.check(third, 1, T0)?.rule).toBe('thread-reply-budget');
    // Another agent in the same thread has its own budget; held mail does not count.
    guards.record(third, 1, 'held', T0);
    expect(guards.check(message('b@swarm.local', 'b1@x', { references: [thread] }), 1, T0)).toBeUndefined();
    expect(guards.check(message('a@swarm.local', 't4@x', { references: [thread] }), 1, new Date('2026-12-02T00:00:01Z'))).toBeUndefined();
  });

  it('holds a body identical up to white space within the window, not after it', () => {
    guards.record(message('a@swarm.local', 'd1@x', { text: 'Done.\n\nAll tests   pass.' }), 1, 'delivered', T0);
    const same = message('a@swarm.local', 'd2@x', { text: '  Done. All tests pass.\n' });
    expect(guards.check(same, 1, minutesAfter(T0, 59))?.rule).toBe('duplicate-body');
    expect(guards.check(same, 1, minutesAfter(T0, 61))).toBeUndefined();
    expect(guards.check(message('b@swarm.local', 'd3@x', { text: 'Done. All tests pass.' }), 1, minutesAfter(T0, 1))).toBeUndefined();
  });

  it('limits the send rate with a token bucket that refills over time', () => {
    for (let index = 0; index < 3; index++) {
      const sent = message('a@swarm.local', `r${index}@x`);
      expect(guards.check(sent, 1, T0)).toBeUndefined();
      guards.record(sent, 1, 'delivered', T0);
    }
    expect(guards.check(message('a@swarm.local', 'r3@x'), 1, T0)?.rule).toBe('send-rate');
    expect(guards.check(message('b@swarm.local', 'other@x'), 1, T0)).toBeUndefined();
    // 10 minutes refill 3 tokens: one is back after a third of that.
    expect(guards.check(message('a@swarm.local', 'r3@x'), 1, minutesAfter(T0, 3))?.rule).toBe('send-rate');
    expect(guards.check(message('a@swarm.local', 'r3@x'), 1, minutesAfter(T0, 4))).toBeUndefined();
  });

  it('keeps its state across reopening guards.sqlite', () => {
    guards.record(message('a@swarm.local', 'p1@x', { inReplyTo: 'human@x' }), 1, 'delivered', T0);
    database.close();
    database = new GuardDatabase(dataDir);
    guards = new LoopGuards(database, config, DOMAIN);
    expect(guards.hopFor(message('b@swarm.local', 'p2@x', { inReplyTo: 'p1@x' }))).toBe(2);
  });

  it('sums tokens per agent and thread per UTC day and trips the budget once, when crossed', () => {
    const tokens = new TokenAccounting(database, 1_000);
    expect(tokens.add('a@swarm.local', 'th@x', { input: 400, output: 100 }, T0)).toEqual({ crossedBudget: false, totalToday: 500 });
    expect(tokens.add('a@swarm.local', 'th2@x', { input: 400, output: 101 }, T0)).toEqual({ crossedBudget: true, totalToday: 1_001 });
    expect(tokens.add('a@swarm.local', 'th@x', { input: 10, output: 0 }, T0).crossedBudget).toBe(false);
    expect(tokens.today(T0)).toEqual([{ agent: 'a@swarm.local', inputTokens: 810, outputTokens: 201, totalTokens: 1_011 }]);
    expect(tokens.threadToday('th@x', T0)).toEqual([{ agent: 'a@swarm.local', inputTokens: 410, outputTokens: 100, totalTokens: 510 }]);
    expect(tokens.totalToday('a@swarm.local', new Date('2026-12-02T00:00:00Z'))).toBe(0);
  });
});

describe('message facts', () => {
  it('reads threading, usage and the first inline text/plain part only', () => {
    const raw = Buffer.from(
      [
        'Message-ID: <m@x>',
        'In-Reply-To: <p@x>',
        'References: <root@x>\r\n <p@x>',
        'X-Mailswarm-Usage: in=1200; out=345',
        'Subject: Re: work',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '',
        'APPROVE',
        'caf=C3=A9',
        '--b',
        'Content-Type: text/plain',
        'Content-Disposition: attachment; filename=a.txt',
        '',
        'not this',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const facts = readMessageFacts(raw);
    expect(facts).toMatchObject({ messageId: 'm@x', inReplyTo: 'p@x', references: ['root@x', 'p@x'], threadKey: 'root@x', usage: { input: 1200, output: 345 }, subject: 'Re: work' });
    expect(facts.text.trim()).toBe('APPROVE\r\ncafé');
  });

  it('reads the command word of an HTML-only mail (Thunderbird composing HTML)', () => {
    const html =
      '<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"><style>p { margin: 0 }</style></head>' +
      '<body><p>APPROVE<br></p><div class="moz-cite-prefix">On 12/1/26 postmaster wrote:<br></div><blockquote type="cite">held</blockquote></body></html>';
    const raw = Buffer.from(`Message-ID: <h@x>\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n${html}\r\n`);
    expect(firstNonEmptyLine(readMessageFacts(raw).text)).toBe('APPROVE');
    expect(commandOf(readMessageFacts(raw).text)).toBe('APPROVE');
    expect(commandOf('Stop by later.')).toBeUndefined();
    expect(commandOf('\n  stop!  \nthanks')).toBe('STOP');
  });
});

