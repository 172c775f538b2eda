// Lists at delivery (issue 7 acceptance 3, post office half): team@ and config lists expand on both SMTP
// ports into one copy per member account, with List-Id (RFC 2919) and List-Post (RFC 2369); a member also
// in To/Cc gets one copy; the sender gets no list copy of its own post; clashes are refused at start.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/logger.ts';
import { MailingListConfigError } from '../../src/postoffice/lists/mailing-lists.ts';
import { startPostOffice } from '../../src/postoffice/post-office.ts';
import { agentSpecs, DOMAIN, guardrailConfig, headerValues, startGuardrailOffice, type GuardrailOffice } from './lists-post-office-fixture.ts';

const everybody = ['alice', 'bob', 'builder', 'reviewer', 'tester'];

function countWithSubject(office: GuardrailOffice, account: string, subject: string): number {
  return office.messages(account).filter((raw) => headerValues(raw, 'Subject')[0] === subject).length;
}

describe('mailing lists at delivery', () => {
  let office: GuardrailOffice;
  beforeAll(async () => {
    office = await startGuardrailOffice();
  });
  afterAll(async () => {
    await office?.close();
  });

  it('team@ reaches every member once, also a member already in To/Cc, and not the sender', async () => {
    await office.submit('alice', { to: [`builder@${DOMAIN}`], cc: [`team@${DOMAIN}`, `reviewer@${DOMAIN}`], subject: 'Team update', text: 'hello team' });
    for (const member of ['bob', 'builder', 'reviewer', 'tester']) expect(countWithSubject(office, member, 'Team update'), member).toBe(1);
    expect(countWithSubject(office, 'alice', 'Team update')).toBe(0);
    const copy = office.messages('tester').find((raw) => headerValues(raw, 'Subject')[0] === 'Team update')!;
    expect(headerValues(copy, 'List-Id')).toEqual([`"Everybody: every agent and every human" <team.${DOMAIN}>`]);
    expect(headerValues(copy, 'List-Post')).toEqual([`<mailto:team@${DOMAIN}>`]);
  });

  it('a config list expands to its members (local parts and addresses) with its own List-Id', async () => {
    await office.submit('builder', { to: [`reviewers@${DOMAIN}`], subject: 'Please review', text: 'diff attached' });
    expect(countWithSubject(office, 'reviewer', 'Please review')).toBe(1);
    expect(countWithSubject(office, 'alice', 'Please review')).toBe(1);
    expect(countWithSubject(office, 'bob', 'Please review')).toBe(0);
    expect(countWithSubject(office, 'tester', 'Please review')).toBe(0);
    const copy = office.messages('reviewer').find((raw) => headerValues(raw, 'Subject')[0] === 'Please review')!;
    expect(headerValues(copy, 'List-Id')).toEqual([`"Code reviewers" <reviewers.${DOMAIN}>`]);
  });

  it('a message to several lists carries every list\'s List-Id and List-Post, in RCPT order, in every copy', async () => {
    await office.submit('builder', { to: [`team@${DOMAIN}`], cc: [`reviewers@${DOMAIN}`], subject: 'Two lists', text: 'to both lists' });
    const expectedIds = [`"Everybody: every agent and every human" <team.${DOMAIN}>`, `"Code reviewers" <reviewers.${DOMAIN}>`];
    // alice is on both lists, tester only on team@: both see the whole distribution, once.
    for (const member of ['alice', 'tester', 'reviewer']) {
      expect(countWithSubject(office, member, 'Two lists'), member).toBe(1);
      const copy = office.messages(member).find((raw) => headerValues(raw, 'Subject')[0] === 'Two lists')!;
      expect(headerValues(copy, 'List-Id'), member).toEqual(expectedIds);
      expect(headerValues(copy, 'List-Post'), member).toEqual([`<mailto:team@${DOMAIN}>`, `<mailto:reviewers@${DOMAIN}>`]);
    }
  });

  it('expands on the inbound port too, and replaces a List-Id forged by the sender', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: office.postOffice.ports.smtp, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ from: 'someone@elsewhere.example', to: `team@${DOMAIN}`, subject: 'From outside', text: 'hi', headers: { 'List-Id': '<forged.example>' } });
    } finally {
      transport.close();
    }
    for (const member of everybody) expect(countWithSubject(office, member, 'From outside'), member).toBe(1);
    const copy = office.messages('bob').find((raw) => headerValues(raw, 'Subject')[0] === 'From outside')!;
    expect(headerValues(copy, 'List-Id')).toEqual([`"Everybody: every agent and every human" <team.${DOMAIN}>`]);
    expect(headerValues(copy, 'X-Mailswarm-Trust')).toEqual(['untrusted']);
  });

  it('answers questions about team@ for the guards', () => {
    const lists = office.postOffice.accounts.lists;
    expect(lists.isTeam(`TEAM@${DOMAIN}`)).toBe(true);
    expect(lists.isTeam(`reviewers@${DOMAIN}`)).toBe(false);
    expect(lists.agentMembers(`team@${DOMAIN}`).sort()).toEqual(['builder', 'reviewer', 'tester'].map((name) => `${name}@${DOMAIN}`));
    expect(office.postOffice.accounts.isLocalAddress(`reviewers@${DOMAIN}`)).toBe(true);
  });
});

describe('list configuration errors', () => {
  async function startWith(overrides: Record<string, unknown>): Promise<unknown> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-lists-bad-'));
    try {
      const postOffice = await startPostOffice({ config: guardrailConfig(dataDir, overrides), agents: agentSpecs(), logger: silentLogger });
      await postOffice.close();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('refuses a list named like an account, the built-in team, or with an unknown member', async () => {
    const clash = await startWith({ lists: [{ name: 'builder', members: ['alice'] }] });
    expect(clash).toBeInstanceOf(MailingListConfigError);
    expect(String((clash as Error).message)).toContain('clashes with the account builder@swarm.local');
    const team = await startWith({ lists: [{ name: 'team', members: ['alice'] }] });
    expect((team as Error).message).toContain('built-in list');
    const stranger = await startWith({ lists: [{ name: 'ops', members: ['carol@elsewhere.example'] }] });
    expect((stranger as Error).message).toContain('member "carol@elsewhere.example" is not an account');
  });
});
