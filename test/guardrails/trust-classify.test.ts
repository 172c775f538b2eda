// The trust rules in isolation: agent definitions' `trust` field, who counts as human / peer / stranger
// (the post office's stamps first, From only where the server stamps nothing, e.g. Dovecot + Postfix), and
// which automatic mail from outside never wakes an agent (RFC 3834).
import { describe, expect, it } from 'vitest';
import { parseAgentDefinition } from '../../src/swarm/agent-definition.ts';
import { buildDirectory } from '../../src/swarm/directory.ts';
import { classifySender, trustRefusal } from '../../src/swarm/sender-trust.ts';

const directory = buildDirectory({ agents: [{ name: 'builder', role: 'builds', model: 'offline' }], humans: [{ address: 'alice@swarm.local' }], domain: 'swarm.local' });
const mail = (fields: Partial<Parameters<typeof classifySender>[0]> & { fromAddress?: string }) => ({
  trust: undefined,
  authenticatedAs: undefined,
  returnPath: undefined,
  contentType: 'text/plain',
  autoSubmitted: undefined,
  from: [{ address: fields.fromAddress ?? 'alice@swarm.local', name: '' }],
  ...fields,
});

describe('trust rules', () => {
  it('parses the trust field of an agent definition', () => {
    const parse = (line: string) => parseAgentDefinition(`---\nname: a\nmodel: offline\nrole: r\n${line}---\n`, 'agents/a.md');
    expect(parse('').trust).toEqual(['humans', 'peers']);
    expect(parse('trust: [humans, peers, strangers]\n').trust).toEqual(['humans', 'peers', 'strangers']);
    expect(parse('trust: humans\n').trust).toEqual(['humans']);
    expect(() => parse('trust: [everyone]\n')).toThrow('agents/a.md: field "trust.0"');
  });

  it('classifies by the post office stamps before From', () => {
    expect(classifySender(mail({ trust: 'untrusted' }), directory)).toBe('stranger'); // From alice, but inbound port
    expect(classifySender(mail({ authenticatedAs: 'builder@swarm.local', fromAddress: 'builder@swarm.local' }), directory)).toBe('peer');
    expect(classifySender(mail({ authenticatedAs: 'alice@swarm.local' }), directory)).toBe('human');
    expect(classifySender(mail({}), directory)).toBe('human'); // no stamps (Dovecot): From decides
    expect(classifySender(mail({ fromAddress: 'postmaster@swarm.local' }), directory)).toBe('stranger');
  });

  it("refuses strangers' automatic mail whatever the trust list, and untrusted senders per the list", () => {
    const everyone = ['humans', 'peers', 'strangers'] as const;
    const stranger = { trust: 'untrusted', fromAddress: 'x@elsewhere.example' };
    expect(trustRefusal(mail(stranger), everyone, directory)).toBeUndefined();
    expect(trustRefusal(mail({ ...stranger, returnPath: '' }), everyone, directory)).toContain('null return path');
    expect(trustRefusal(mail({ ...stranger, contentType: 'multipart/report' }), everyone, directory)).toContain('multipart/report');
    expect(trustRefusal(mail({ ...stranger, autoSubmitted: 'auto-generated' }), everyone, directory)).toContain('RFC 3834');
    expect(trustRefusal(mail({ ...stranger, autoSubmitted: 'no' }), everyone, directory)).toBeUndefined();
    expect(trustRefusal(mail({ fromAddress: 'postmaster@swarm.local', autoSubmitted: 'auto-generated' }), everyone, directory)).toContain('RFC 3834');
    // Agents' own mail is Auto-Submitted too: from a peer it still wakes.
    expect(trustRefusal(mail({ authenticatedAs: 'builder@swarm.local', fromAddress: 'builder@swarm.local', autoSubmitted: 'auto-generated' }), ['peers'], directory)).toBeUndefined();
    expect(trustRefusal(mail(stranger), ['humans', 'peers'], directory)).toContain('sender is a stranger');
  });
});
