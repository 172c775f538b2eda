import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { deriveMessageId } from '../../src/swarm/message-ids.ts';
import { buildRawMessage, envelopeOf, forwardSubject, replySubject } from '../../src/swarm/outgoing-mail.ts';

describe('outgoing mail', () => {
  it('derives the same Message-ID for the same turn, regardless of input order', () => {
    const first = deriveMessageId('builder@swarm.test', ['<b@x>', '<a@x>'], 0);
    expect(first).toBe(deriveMessageId('builder@swarm.test', ['<a@x>', '<b@x>'], 0));
    expect(first).toMatch(/^<[0-9a-f]{32}\.builder@swarm\.test>$/);
    expect(first).not.toBe(deriveMessageId('builder@swarm.test', ['<a@x>', '<b@x>'], 1));
    expect(first).not.toBe(deriveMessageId('reviewer@swarm.test', ['<a@x>', '<b@x>'], 0));
  });

  it('never stacks reply prefixes', () => {
    expect(replySubject('Build it')).toBe('Re: Build it');
    expect(replySubject('Re: Re: RE: Build it')).toBe('Re: Build it');
    expect(replySubject('AW: Build it')).toBe('Re: Build it');
    expect(forwardSubject('Re: Fwd: Build it')).toBe('Fwd: Build it');
  });

  it('writes threading, RFC 3834 and provenance headers', async () => {
    const raw = await buildRawMessage({
      from: { address: 'builder@swarm.test', name: 'builder' },
      to: [{ address: 'human@swarm.test', name: 'The Human' }],
      cc: [{ address: 'tester@swarm.test', name: '' }],
      subject: 'Re: Build it',
      text: 'Done.',
      messageId: '<id1.builder@swarm.test>',
      inReplyTo: '<task@swarm.test>',
      references: ['<root@swarm.test>', '<task@swarm.test>'],
      agentName: 'builder',
      modelId: 'anthropic:claude-sonnet-4-5',
      usage: { inputTokens: 120, outputTokens: 7 },
    });
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<id1.builder@swarm.test>');
    expect(parsed.inReplyTo).toBe('<task@swarm.test>');
    expect(parsed.references).toEqual(['<root@swarm.test>', '<task@swarm.test>']);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.headers.get('x-mailswarm-agent')).toBe('builder');
    expect(parsed.headers.get('x-mailswarm-model')).toBe('anthropic:claude-sonnet-4-5');
    expect(parsed.headers.get('x-mailswarm-usage')).toBe('in=120; out=7');
    expect(envelopeOf({ from: { address: 'builder@swarm.test', name: '' }, to: [{ address: 'Human@swarm.test', name: '' }], cc: [{ address: 'human@swarm.test', name: '' }] })).toEqual({
      from: 'builder@swarm.test',
      to: ['human@swarm.test'],
    });
  });
});
