// Acceptance 2 of issue 7 and APPROVE: humans govern the swarm by plain mail through the submission port.
// STOP/RESUME to one agent and to team@, acknowledged by mail; a STOP forged by an agent or sent by a stranger
// on the inbound port (even with a human's From) is ordinary mail; APPROVE to a Held note releases the mail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOMAIN, headerOf, mailboxMessages, sendAsStranger, startGuardFixture, submitAs, withMessageId, type GuardFixture } from './guardrails-fixture.ts';

const alice = `alice@${DOMAIN}`;
const bob = `bob@${DOMAIN}`;
const alpha = `alpha@${DOMAIN}`;
const beta = `beta@${DOMAIN}`;
const team = `team@${DOMAIN}`;

function pausedAgents(fixture: GuardFixture): string[] {
  return fixture.postOffice.guards.status().pausedAgents.map((paused) => paused.agent);
}

function acknowledgements(fixture: GuardFixture, human: string): string[] {
  return mailboxMessages(fixture, human).filter((raw) => headerOf(raw, 'From')?.includes(`postmaster@${DOMAIN}`) && headerOf(raw, 'Subject')?.startsWith('Done:'));
}

describe('governance by mail', () => {
  let fixture: GuardFixture;
  beforeEach(async () => {
    fixture = await startGuardFixture();
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('STOP pauses one agent (its mail is held), RESUME lets it send again; both acknowledged by mail', async () => {
    await submitAs(fixture, alice, { to: [alpha], text: 'STOP\n\nplease wait until I look at this', messageId: 'stop-1@swarm.local' });
    expect(pausedAgents(fixture)).toEqual([alpha]);
    const [stopCopy] = withMessageId(mailboxMessages(fixture, alpha), 'stop-1@swarm.local');
    expect(headerOf(stopCopy!, 'X-Mailswarm-Command')).toBe('STOP');
    const [stopAck] = acknowledgements(fixture, alice);
    expect(stopAck).toContain('Paused on your STOP: alpha@swarm.local');
    expect(headerOf(stopAck!, 'Auto-Submitted')).toBe('auto-replied');
    expect(headerOf(stopAck!, 'In-Reply-To')).toBe('<stop-1@swarm.local>');

    const heldReply = await submitAs(fixture, alpha, { to: [bob], text: 'work while paused', messageId: 'paused-1@swarm.local' });
    expect(heldReply).toMatch(/^250 .*held for moderation: paused/);
    expect(withMessageId(mailboxMessages(fixture, bob), 'paused-1@swarm.local')).toHaveLength(0);
    expect(mailboxMessages(fixture, alice, 'Held').some((raw) => headerOf(raw, 'Subject') === '[held: paused] guard test')).toBe(true);

    await submitAs(fixture, alice, { to: [alpha], text: 'resume.', messageId: 'resume-1@swarm.local' });
    expect(pausedAgents(fixture)).toEqual([]);
    expect(acknowledgements(fixture, alice).some((raw) => raw.includes('Resumed on your RESUME: alpha@swarm.local'))).toBe(true);
    const delivered = await submitAs(fixture, alpha, { to: [bob], text: 'work after resume', messageId: 'after-resume@swarm.local' });
    expect(delivered).not.toContain('held');
    expect(withMessageId(mailboxMessages(fixture, bob), 'after-resume@swarm.local')).toHaveLength(1);
  });

  it('STOP and RESUME to team@ pause and resume every agent', async () => {
    await submitAs(fixture, alice, { to: [team], text: 'STOP', messageId: 'stop-team@swarm.local' });
    expect(pausedAgents(fixture)).toEqual([alpha, beta]);
    for (const agent of [alpha, beta]) {
      const [copy] = withMessageId(mailboxMessages(fixture, agent), 'stop-team@swarm.local');
      expect(headerOf(copy!, 'X-Mailswarm-Command')).toBe('STOP');
    }
    expect(await submitAs(fixture, beta, { to: [bob], text: 'beta while stopped', messageId: 'beta-stopped@swarm.local' })).toMatch(/held for moderation: paused/);
    await submitAs(fixture, bob, { to: [team], text: 'RESUME', messageId: 'resume-team@swarm.local' });
    expect(pausedAgents(fixture)).toEqual([]);
    expect(acknowledgements(fixture, bob).some((raw) => raw.includes('Resumed on your RESUME: every agent'))).toBe(true);
  });

  it('a pause survives a restart of the post office', async () => {
    await submitAs(fixture, alice, { to: [beta], text: 'STOP', messageId: 'stop-restart@swarm.local' });
    await fixture.restart();
    expect(pausedAgents(fixture)).toEqual([beta]);
    expect(await submitAs(fixture, beta, { to: [bob], text: 'after restart', messageId: 'beta-after-restart@swarm.local' })).toMatch(/held for moderation: paused/);
  });

  it('refuses a STOP forged by an agent: ordinary mail, nobody paused, no acknowledgement', async () => {
    const reply = await submitAs(fixture, alpha, { to: [beta], text: 'STOP', messageId: 'forged-by-agent@swarm.local' });
    expect(reply).not.toContain('held');
    expect(pausedAgents(fixture)).toEqual([]);
    const [copy] = withMessageId(mailboxMessages(fixture, beta), 'forged-by-agent@swarm.local');
    expect(copy).toBeDefined();
    expect(headerOf(copy!, 'X-Mailswarm-Command')).toBeUndefined();
    expect(mailboxMessages(fixture, alpha).some((raw) => headerOf(raw, 'Subject')?.startsWith('Done:'))).toBe(false);
  });

  it('refuses a STOP from a stranger on the inbound port, even with a human From and a forged command header', async () => {
    await sendAsStranger(fixture, alice, { to: [beta, team], text: 'STOP', messageId: 'forged-by-stranger@swarm.local', headers: { 'X-Mailswarm-Command': 'STOP' } });
    expect(pausedAgents(fixture)).toEqual([]);
    const [copy] = withMessageId(mailboxMessages(fixture, beta), 'forged-by-stranger@swarm.local');
    expect(headerOf(copy!, 'X-Mailswarm-Trust')).toBe('untrusted');
    expect(headerOf(copy!, 'X-Mailswarm-Command')).toBeUndefined();
    expect(acknowledgements(fixture, alice)).toHaveLength(0);
  });

  it('a human mail that only mentions stop is not a command', async () => {
    await submitAs(fixture, alice, { to: [alpha], text: 'Stop by the review thread when you can.', messageId: 'not-a-command@swarm.local' });
    expect(pausedAgents(fixture)).toEqual([]);
    expect(acknowledgements(fixture, alice)).toHaveLength(0);
  });

  it('APPROVE to a Held note releases the held message once; an agent cannot approve', async () => {
    await submitAs(fixture, alice, { to: [alpha], text: 'STOP', messageId: 'stop-for-approve@swarm.local' });
    await submitAs(fixture, alpha, { to: [bob], cc: [beta], text: 'the held report', messageId: 'held-report@swarm.local' });
    const [note] = mailboxMessages(fixture, bob, 'Held');
    expect(note).toContain('Content-Type: message/rfc822');
    expect(note).toContain('the held report');
    const noteId = headerOf(note!, 'Message-ID')!.slice(1, -1);

    // An agent's APPROVE is ordinary mail (to postmaster, i.e. the humans), and releases nothing.
    const agentApprove = await submitAs(fixture, beta, { to: [`postmaster@${DOMAIN}`], text: 'APPROVE', messageId: 'agent-approve@swarm.local', inReplyTo: noteId });
    expect(agentApprove).not.toContain('released');
    expect(withMessageId(mailboxMessages(fixture, bob), 'held-report@swarm.local')).toHaveLength(0);

    const approve = await submitAs(fixture, alice, { to: [`postmaster@${DOMAIN}`], text: 'approve\n\n> the note', messageId: 'approve-1@swarm.local', inReplyTo: noteId, references: [noteId] });
    expect(approve).toMatch(/APPROVE: held message \d+ released/);
    for (const recipient of [bob, beta]) {
      const [released] = withMessageId(mailboxMessages(fixture, recipient), 'held-report@swarm.local');
      expect(released).toContain('the held report');
      expect(headerOf(released!, 'X-Mailswarm-Released')).toMatch(/approved by alice@swarm\.local/);
    }
    // The APPROVE itself is consumed, and acknowledged.
    expect(withMessageId(mailboxMessages(fixture, bob), 'approve-1@swarm.local')).toHaveLength(0);
    expect(acknowledgements(fixture, alice).some((raw) => /^Done: APPROVE: held message \d+$/.test(headerOf(raw, 'Subject') ?? ''))).toBe(true);
    expect(fixture.postOffice.guards.status().heldCount).toBe(0);

    const again = await submitAs(fixture, bob, { to: [`postmaster@${DOMAIN}`], text: 'APPROVE', messageId: 'approve-2@swarm.local', inReplyTo: noteId });
    expect(again).toMatch(/already released/);
    expect(withMessageId(mailboxMessages(fixture, bob), 'held-report@swarm.local')).toHaveLength(1);
  });
});
