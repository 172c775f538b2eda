// The guard rails in the running post office, through the submission port: agent mail is stamped with
// X-Mailswarm-Hop (forged copies removed), mail over a limit is answered 250 "held for moderation", lands as a
// note with the original attached in every human's Held folder, and the agent gets one Auto-Submitted notice
// (none for mail that answers a notice); a crossed token budget pauses the agent and tells the humans.
import { afterEach, describe, expect, it } from 'vitest';
import { DOMAIN, headerOf, mailboxMessages, startGuardFixture, submitAs, withMessageId, type GuardFixture } from './guardrails-fixture.ts';

const alice = `alice@${DOMAIN}`;
const bob = `bob@${DOMAIN}`;
const alpha = `alpha@${DOMAIN}`;
const beta = `beta@${DOMAIN}`;

describe('guard rails at submission', () => {
  let fixture: GuardFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('stamps hops, holds the mail over the hop limit for the humans and tells the agent once', async () => {
    fixture = await startGuardFixture({ maxHops: 2 });
    await submitAs(fixture, alice, { to: [alpha], text: 'please discuss with beta', messageId: 'task@swarm.local', headers: { 'X-Mailswarm-Hop': '7' } });
    expect(headerOf(withMessageId(mailboxMessages(fixture, alpha), 'task@swarm.local')[0]!, 'X-Mailswarm-Hop')).toBeUndefined();

    await submitAs(fixture, alpha, { to: [beta], text: 'hop one', messageId: 'h1@swarm.local', inReplyTo: 'task@swarm.local', references: ['task@swarm.local'], headers: { 'X-Mailswarm-Hop': '0' } });
    const [first] = withMessageId(mailboxMessages(fixture, beta), 'h1@swarm.local');
    expect(headerOf(first!, 'X-Mailswarm-Hop')).toBe('1');
    expect(first!.match(/X-Mailswarm-Hop/g)).toHaveLength(1);

    await submitAs(fixture, beta, { to: [alpha], text: 'hop two', messageId: 'h2@swarm.local', inReplyTo: 'h1@swarm.local', references: ['task@swarm.local', 'h1@swarm.local'] });
    expect(headerOf(withMessageId(mailboxMessages(fixture, alpha), 'h2@swarm.local')[0]!, 'X-Mailswarm-Hop')).toBe('2');

    const reply = await submitAs(fixture, alpha, { to: [beta], subject: 'Re: plan', text: 'hop three', messageId: 'h3@swarm.local', inReplyTo: 'h2@swarm.local', references: ['task@swarm.local', 'h2@swarm.local'] });
    expect(reply).toMatch(/^250 2\.6\.0 message held for moderation: hop-limit/);
    expect(withMessageId(mailboxMessages(fixture, beta), 'h3@swarm.local')).toHaveLength(0);

    for (const human of [alice, bob]) {
      const [note] = mailboxMessages(fixture, human, 'Held');
      expect(headerOf(note!, 'Subject')).toBe('[held: hop-limit] Re: plan');
      expect(headerOf(note!, 'From')).toContain(`postmaster@${DOMAIN}`);
      expect(headerOf(note!, 'Auto-Submitted')).toBe('auto-generated');
      expect(note).toContain('Content-Type: message/rfc822');
      expect(note).toContain('Message-ID: <h3@swarm.local>');
      expect(fixture.postOffice.store.listSubscriptions(human)).toContain('Held');
    }

    const notices = mailboxMessages(fixture, alpha).filter((raw) => headerOf(raw, 'Subject')?.startsWith('Held for moderation'));
    expect(notices).toHaveLength(1);
    const notice = notices[0]!;
    expect(headerOf(notice, 'Auto-Submitted')).toBe('auto-replied');
    expect(headerOf(notice, 'In-Reply-To')).toBe('<h3@swarm.local>');
    expect(headerOf(notice, 'X-Mailswarm-Hop')).toBe('3');
    const noticeId = headerOf(notice, 'Message-ID')!.slice(1, -1);

    // Answering the notice continues the hop count (held again) and brings no second notice: no notice loop.
    const answer = await submitAs(fixture, alpha, { to: [`postmaster@${DOMAIN}`], text: 'why?', messageId: 'h4@swarm.local', inReplyTo: noticeId, references: ['task@swarm.local', 'h3@swarm.local', noticeId] });
    expect(answer).toMatch(/held for moderation: hop-limit/);
    expect(mailboxMessages(fixture, alpha).filter((raw) => headerOf(raw, 'Subject')?.startsWith('Held for moderation'))).toHaveLength(1);
    expect(mailboxMessages(fixture, alice, 'Held')).toHaveLength(2);
    expect(fixture.postOffice.guards.status().heldCount).toBe(2);
  });

  it('holds an identical body and a reply over the thread budget', async () => {
    fixture = await startGuardFixture({ repliesPerThreadPerDay: 2 });
    await submitAs(fixture, alpha, { to: [bob], text: 'Same   words.', messageId: 'same-1@swarm.local' });
    expect(await submitAs(fixture, alpha, { to: [bob], text: 'Same words.\n', messageId: 'same-2@swarm.local' })).toMatch(/held for moderation: duplicate-body/);
    for (const index of [1, 2]) {
      expect(await submitAs(fixture, beta, { to: [bob], text: `reply ${index}`, messageId: `thread-${index}@swarm.local`, inReplyTo: 'root@swarm.local', references: ['root@swarm.local'] })).not.toContain('held');
    }
    expect(await submitAs(fixture, beta, { to: [bob], text: 'reply 3', messageId: 'thread-3@swarm.local', inReplyTo: 'root@swarm.local', references: ['root@swarm.local'] })).toMatch(
      /held for moderation: thread-reply-budget/,
    );
  });

  it('holds mail over the send rate', async () => {
    fixture = await startGuardFixture({ sendRate: { messages: 2, perMinutes: 600 } });
    for (const index of [1, 2]) await submitAs(fixture, alpha, { to: [bob], text: `burst ${index}`, messageId: `burst-${index}@swarm.local` });
    expect(await submitAs(fixture, alpha, { to: [bob], text: 'burst 3', messageId: 'burst-3@swarm.local' })).toMatch(/held for moderation: send-rate/);
    expect(await submitAs(fixture, beta, { to: [bob], text: 'burst 1', messageId: 'beta-burst-1@swarm.local' })).not.toContain('held');
  });

  it('keeps a resubmitted held message held once, across a restart, until a human approves it', async () => {
    fixture = await startGuardFixture();
    await submitAs(fixture, alice, { to: [alpha], text: 'STOP', messageId: 'stop-resubmit@swarm.local' });
    const first = await submitAs(fixture, alpha, { to: [bob], text: 'resubmitted', messageId: 'resubmit@swarm.local' });
    const second = await submitAs(fixture, alpha, { to: [bob], text: 'resubmitted', messageId: 'resubmit@swarm.local' });
    expect(second).toBe(first);
    expect(mailboxMessages(fixture, alice, 'Held')).toHaveLength(1);
    await fixture.restart();
    const [note] = mailboxMessages(fixture, alice, 'Held');
    const noteId = headerOf(note!, 'Message-ID')!.slice(1, -1);
    expect(await submitAs(fixture, alice, { to: [`postmaster@${DOMAIN}`], text: 'APPROVE', messageId: 'approve-resubmit@swarm.local', inReplyTo: noteId })).toMatch(/released/);
    expect(withMessageId(mailboxMessages(fixture, bob), 'resubmit@swarm.local')).toHaveLength(1);
  });

  it('accounts tokens per agent, pauses it when the daily budget is crossed and tells the humans', async () => {
    fixture = await startGuardFixture({ dailyTokenBudget: 1_000 });
    await submitAs(fixture, alpha, { to: [bob], text: 'small', messageId: 'cost-1@swarm.local', headers: { 'X-Mailswarm-Usage': 'in=300; out=200' } });
    expect(fixture.postOffice.guards.status()).toMatchObject({ pausedAgents: [], tokensToday: [{ agent: alpha, inputTokens: 300, outputTokens: 200, totalTokens: 500 }] });
    // The mail that crosses the budget is delivered (its tokens are spent); what follows is held.
    expect(await submitAs(fixture, alpha, { to: [bob], text: 'big', messageId: 'cost-2@swarm.local', headers: { 'X-Mailswarm-Usage': 'in=600; out=1' } })).not.toContain('held');
    const status = fixture.postOffice.guards.status();
    expect(status.pausedAgents.map((paused) => paused.agent)).toEqual([alpha]);
    expect(status.pausedAgents[0]!.reason).toMatch(/daily token budget of 1000 exceeded \(1101 tokens today\)/);
    expect(status.tokensToday[0]!.totalTokens).toBe(1_101);
    for (const reader of [alice, bob, alpha]) {
      const [alert] = mailboxMessages(fixture, reader).filter((raw) => headerOf(raw, 'Subject') === `Paused ${alpha}: daily token budget exceeded`);
      expect(alert).toBeDefined();
      expect(headerOf(alert!, 'X-Mailswarm-Command')).toBe('STOP');
    }
    expect(await submitAs(fixture, alpha, { to: [bob], text: 'more', messageId: 'cost-3@swarm.local' })).toMatch(/held for moderation: paused/);
    // RESUME by a human lifts the budget pause.
    await submitAs(fixture, alice, { to: [alpha], text: 'RESUME', messageId: 'resume-budget@swarm.local' });
    expect(await submitAs(fixture, alpha, { to: [bob], text: 'after resume', messageId: 'cost-4@swarm.local' })).not.toContain('held');
  });
});
