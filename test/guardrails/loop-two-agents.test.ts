// Acceptance 1 of issue 7: two agents of the real swarm runtime, told to keep answering each other, are
// stopped by the post office at the hop limit (default 12); the held message and a note reach the humans'
// Held folder, the agent gets a notice; a human's APPROVE releases the held message to its recipient.
// The offline model deliberately ends agent-to-agent exchanges after one round, so this test uses a tiny
// scripted model that ALWAYS replies to whatever it is shown: the point is that the post office, not the
// model's good manners, stops the loop. The notice cannot restart it either way: the runtime skips
// Auto-Submitted postmaster mail, and an answer to a notice would itself be held (guards-screening.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LanguageModel, ModelRequest, ModelResponse } from '../../src/providers/model.ts';
import { parseTurn } from '../../src/providers/offline/turn-format.ts';
import { loadAgentDefinitions } from '../../src/swarm/agent-definition.ts';
import type { TurnFinishedEvent } from '../../src/swarm/agent-runtime.ts';
import { startSwarm, type Swarm } from '../../src/swarm/swarm-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { testLogger, writeAgentsDir } from '../swarm/swarm-test-kit.ts';
import { AGENTS, DOMAIN, headerOf, mailboxMessages, PASSWORDS, startGuardFixture, submitAs, withMessageId, type GuardFixture } from './guardrails-fixture.ts';

const alice = `alice@${DOMAIN}`;
const alpha = `alpha@${DOMAIN}`;
const beta = `beta@${DOMAIN}`;

/** Always answers the newest new mail it did not write itself, adding its peer when a human asked. */
class AlwaysReplyModel implements LanguageModel {
  readonly id = 'scripted:always-reply';
  readonly vendor = 'offline' as const;

  async generate(request: ModelRequest): Promise<ModelResponse> {
    const last = request.messages.at(-1)!;
    const usage = { inputTokens: 10, outputTokens: 5 };
    if (last.role !== 'user') return { text: 'done', toolCalls: [], usage, stopReason: 'end', message: { role: 'assistant', text: 'done', toolCalls: [] } };
    const view = parseTurn(last.content)!;
    const self = view.self.address.toLowerCase();
    const target = view.messages.filter((mail) => mail.status === 'new' && !mail.from.toLowerCase().includes(self)).at(-1)!;
    const peer = self === alpha ? beta : alpha;
    const fromHuman = target.from.toLowerCase().includes(alice);
    const toolCall = {
      id: 'scripted-0',
      name: 'reply',
      arguments: {
        in_reply_to: target.messageId,
        body: `${view.self.name}, answer number ${view.messages.length}: over to you.`,
        reply_all: false,
        ...(fromHuman ? { to: [peer] } : {}),
      },
    };
    return { text: '', toolCalls: [toolCall], usage, stopReason: 'tool_use', message: { role: 'assistant', text: '', toolCalls: [toolCall] } };
  }
}

function heldNotes(fixture: GuardFixture): string[] {
  return mailboxMessages(fixture, alice, 'Held');
}

/** No agent is thinking and every mail in the agents' INBOXes is processed ($MailswarmDone). */
function quiet(fixture: GuardFixture, swarm: Swarm): boolean {
  const { store } = fixture.postOffice;
  const allDone = [alpha, beta].every((agent) => {
    const inbox = store.getMailbox(agent, 'INBOX')!;
    return store.listMessages(inbox.id).every((message) => message.flags.includes('$MailswarmDone'));
  });
  return allDone && swarm.agents.every((agent) => agent.state() === 'idle');
}

describe('a reply loop between two agents', () => {
  let fixture: GuardFixture;
  let swarm: Swarm | undefined;
  beforeEach(async () => {
    fixture = await startGuardFixture();
  });
  afterEach(async () => {
    await swarm?.stop();
    swarm = undefined;
    await fixture.close();
  });

  it('is stopped by the post office at the hop limit; the humans see the held mail and APPROVE releases it', async () => {
    const finished: TurnFinishedEvent[] = [];
    swarm = await startSwarm({
      agents: loadAgentDefinitions(writeAgentsDir(AGENTS.map((agent) => ({ name: agent.name, role: 'Answers the other agent, always' })))),
      server: { host: '127.0.0.1', imapPort: fixture.postOffice.ports.imap, submissionPort: fixture.postOffice.ports.submission },
      credentials: (name) => ({ user: `${name}@${DOMAIN}`, password: PASSWORDS[`${name}@${DOMAIN}`]! }),
      domain: DOMAIN,
      humans: [{ address: alice }],
      createModel: () => new AlwaysReplyModel(),
      logger: testLogger(),
    });
    swarm.on('turn-finished', (event) => finished.push(event));

    await submitAs(fixture, alice, { to: [alpha], subject: 'Ping-pong', text: 'alpha and beta: keep answering each other.', messageId: 'ping-pong@swarm.local' });

    // Hops 1..12 are delivered; hop 13 (alpha's 7th mail) is held. Then the swarm goes quiet: the runtime
    // skips the postmaster's Auto-Submitted notice, and were it to answer it anyway, that answer would be held
    // too (the notice carries the hop) without a second notice, so nothing moves after that either way.
    await waitFor(() => heldNotes(fixture).length >= 1, { what: 'a held note in the Held folder', timeoutMs: 120_000 });
    await waitFor(() => quiet(fixture, swarm!), { what: 'every agent idle with all its mail processed', timeoutMs: 60_000 });
    const [loopNote, ...noticeAnswerNotes] = heldNotes(fixture);
    expect(headerOf(loopNote!, 'Subject')).toBe('[held: hop-limit] Re: Ping-pong');
    expect(loopNote).toContain('this would be hop 13 of the thread');
    expect(loopNote).toContain('Content-Type: message/rfc822');
    expect(noticeAnswerNotes.length).toBeLessThanOrEqual(1);
    for (const note of noticeAnswerNotes) expect(headerOf(note, 'Subject')).toMatch(/^\[held: hop-limit\] Re: Held for moderation/);

    const betaInbox = mailboxMessages(fixture, beta).filter((raw) => headerOf(raw, 'From')?.includes(alpha));
    expect(betaInbox.map((raw) => Number(headerOf(raw, 'X-Mailswarm-Hop')))).toEqual([1, 3, 5, 7, 9, 11]);
    const alphaInbox = mailboxMessages(fixture, alpha);
    expect(alphaInbox.filter((raw) => headerOf(raw, 'From')?.includes(beta)).map((raw) => Number(headerOf(raw, 'X-Mailswarm-Hop')))).toEqual([2, 4, 6, 8, 10, 12]);
    const notices = alphaInbox.filter((raw) => headerOf(raw, 'Subject')?.startsWith('Held for moderation'));
    expect(notices).toHaveLength(1);
    expect(headerOf(notices[0]!, 'Auto-Submitted')).toBe('auto-replied');
    expect(fixture.postOffice.guards.status()).toMatchObject({ heldCount: 1 + noticeAnswerNotes.length });

    // APPROVE releases alpha's held 13th mail to beta.
    const heldId = /Message-ID: <([^>]+)>/.exec(loopNote!.slice(loopNote!.indexOf('message/rfc822')))![1]!;
    const noteId = headerOf(loopNote!, 'Message-ID')!.slice(1, -1);
    const approve = await submitAs(fixture, alice, { to: [`postmaster@${DOMAIN}`], subject: 'Re: [held: hop-limit] Re: Ping-pong', text: 'APPROVE', messageId: 'approve-loop@swarm.local', inReplyTo: noteId, references: [noteId] });
    expect(approve).toMatch(/released/);
    const [released] = withMessageId(mailboxMessages(fixture, beta), heldId);
    expect(headerOf(released!, 'X-Mailswarm-Hop')).toBe('13');
    expect(headerOf(released!, 'X-Mailswarm-Released')).toMatch(/approved by alice@swarm\.local/);
    // Beta answers the released mail: hop 14, held again; the loop stays stopped.
    await waitFor(() => heldNotes(fixture).some((note) => note.includes('this would be hop 14 of the thread')), { what: "beta's answer held", timeoutMs: 60_000 });
    expect(finished.some((event) => event.outcome === 'failed')).toBe(false);
  }, 180_000);
});
