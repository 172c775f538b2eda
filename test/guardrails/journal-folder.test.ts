// The humans' Journal folder over IMAP: every accepted message is readable there (imapflow, what agents and
// scripts use; Thunderbird lists it because it is subscribed), the folder is read-only for everybody
// (SELECT answers [READ-ONLY]; APPEND/COPY/MOVE into it, STORE/EXPUNGE/MOVE in it, DELETE/RENAME of it get
// NO [NOPERM], RFC 5530), and agents have no Journal folder at all.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawImapClient } from '../imap-messages/raw-imap-client.ts';
import { DOMAIN, PASSWORDS, startGuardrailOffice, type GuardrailOffice } from './lists-post-office-fixture.ts';

function imapClient(office: GuardrailOffice, name: string): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: office.postOffice.ports.imap,
    secure: false,
    doSTARTTLS: false,
    auth: { user: `${name}@${DOMAIN}`, pass: PASSWORDS[name]! },
    logger: false,
    disableAutoIdle: true,
  });
}

describe('Journal folder', () => {
  let office: GuardrailOffice;
  beforeAll(async () => {
    office = await startGuardrailOffice();
    await office.submit('builder', { to: [`reviewer@${DOMAIN}`], subject: 'Agent to agent', text: 'between agents' });
    await office.submit('alice', { to: [`tester@${DOMAIN}`], subject: 'Human to agent', text: 'a task' });
  });
  afterAll(async () => {
    await office?.close();
  });

  it('shows every accepted message to a human, read-only, subscribed', async () => {
    const client = imapClient(office, 'bob');
    await client.connect();
    try {
      const folders = await client.list();
      const journal = folders.find((folder) => folder.path === 'Journal');
      expect(journal?.subscribed).toBe(true);
      // Delivered \Seen: an archive to browse, not an unread badge counting all traffic.
      expect(await client.status('Journal', { messages: true, unseen: true })).toMatchObject({ messages: 2, unseen: 0 });
      const mailbox = await client.mailboxOpen('Journal');
      expect(mailbox.readOnly).toBe(true);
      expect(mailbox.exists).toBe(2);
      const subjects: string[] = [];
      for await (const message of client.fetch('1:*', { envelope: true })) subjects.push(message.envelope?.subject ?? '');
      expect(subjects).toEqual(['Agent to agent', 'Human to agent']);
      await expect(client.append('Journal', Buffer.from('From: bob@swarm.local\r\nSubject: forged\r\n\r\nx\r\n'))).rejects.toThrow();
      expect(office.messages('bob', 'Journal')).toHaveLength(2);
    } finally {
      await client.logout();
    }
  });

  it('refuses every change with NO [NOPERM]', async () => {
    const raw = await RawImapClient.connect(office.postOffice.ports.imap);
    try {
      expect((await raw.command(`LOGIN alice@${DOMAIN} ${PASSWORDS.alice}`)).tagged).toMatch(/OK/);
      expect((await raw.command('SELECT Journal')).tagged).toMatch(/^t\d+ OK \[READ-ONLY\]/);
      expect((await raw.command('STORE 1 +FLAGS (\\Deleted)')).tagged).toMatch(/NO \[NOPERM\]/);
      expect((await raw.command('UID STORE 1:* +FLAGS (\\Seen)')).tagged).toMatch(/NO \[NOPERM\]/);
      expect((await raw.command('EXPUNGE')).tagged).toMatch(/NO \[NOPERM\]/);
      expect((await raw.command('MOVE 1 INBOX')).tagged).toMatch(/NO \[NOPERM\]/);
      expect((await raw.command('COPY 1 Archive')).tagged).toMatch(/OK/); // reading out is fine
      expect((await raw.command('SELECT INBOX')).tagged).toMatch(/OK \[READ-WRITE\]/);
      expect((await raw.command('COPY 1 Journal')).tagged).toMatch(/NO \[NOPERM\]/);
      expect((await raw.command('MOVE 1 Journal')).tagged).toMatch(/NO \[NOPERM\]/);
      expect((await raw.command('DELETE Journal')).tagged).toMatch(/NO \[NOPERM\]/);
      expect((await raw.command('RENAME Journal Mine')).tagged).toMatch(/NO \[NOPERM\]/);
      expect((await raw.command('LOGOUT')).tagged).toMatch(/OK/);
    } finally {
      await raw.close();
    }
    expect(office.messages('alice', 'Journal')).toHaveLength(2);
    expect(office.messages('alice', 'INBOX')).toHaveLength(0);
  });

  it('is absent for agents', async () => {
    const client = imapClient(office, 'reviewer');
    await client.connect();
    try {
      const folders = await client.list();
      expect(folders.map((folder) => folder.path)).not.toContain('Journal');
      expect(office.messages('reviewer')).toHaveLength(1);
    } finally {
      await client.logout();
    }
  });
});
