// `mailswarm send` against a running `mailswarm serve`: the task reaches the agent's INBOX through
// authenticated submission (stamped with the human's account), with attachments, and the very same bytes
// are filed in the human's Sent folder, so a mail client shows the whole conversation.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type RunningCli } from './run-cli.ts';

async function fetchAll(port: number, user: string, password: string, folder: string): Promise<string[]> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const sources: string[] = [];
      if ((client.mailbox && client.mailbox.exists) === 0) return sources;
      for await (const message of client.fetch('1:*', { source: true })) sources.push(message.source!.toString('utf8'));
      return sources;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe('mailswarm send', () => {
  let directory: string;
  let serve: RunningCli;
  let configFile: string;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-send-'));
    mkdirSync(path.join(directory, 'agents'));
    writeFileSync(path.join(directory, 'agents', 'builder.md'), '---\nname: builder\nmodel: offline\nrole: builds\n---\nYou build.\n');
    configFile = path.join(directory, 'mailswarm.yaml');
    writeFileSync(configFile, 'ports: { imap: 0, submission: 0, smtp: 0, web: 0 }\nhumans: [{ name: alice, password: alice-pw, displayName: Alice }]\nlogLevel: warn\n');
    serve = await startCli(['serve', '--config', configFile]);
  });
  afterAll(async () => {
    await serve?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('delivers the task to the agent and files the same bytes in the human\'s Sent folder', async () => {
    const attachment = path.join(directory, 'spec.txt');
    writeFileSync(attachment, 'the spec\n');
    const ports = ['--submission-port', String(serve.ports.submission), '--imap-port', String(serve.ports.imap)];
    const result = runCli(['send', '--config', configFile, ...ports, '--to', 'builder', '--subject', 'Build it', '--attach', attachment], { input: 'Please build it.\n' });
    expect(result.status, result.stderr).toBe(0);
    const messageId = /^sent (<[^>]+>) to builder@swarm\.local$/m.exec(result.stdout)?.[1];
    expect(messageId, result.stdout).toBeDefined();

    const sent = await fetchAll(serve.ports.imap, 'alice@swarm.local', 'alice-pw', 'Sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(`Message-ID: ${messageId}`);
    expect(sent[0]).toContain('filename=spec.txt');

    const inbox = await fetchAll(serve.ports.imap, 'builder@swarm.local', readBuilderPassword(), 'INBOX');
    const delivered = inbox.find((source) => source.includes(`Message-ID: ${messageId}`));
    expect(delivered).toBeDefined();
    expect(delivered).toContain('X-Mailswarm-Authenticated-As: alice@swarm.local');
    // Everything below our trace fields is byte for byte what was filed in Sent.
    // (SMTP ends the DATA with a line break of its own when the message has none.)
    expect(delivered!.trimEnd().endsWith(sent[0]!.trimEnd())).toBe(true);
  });

  function readBuilderPassword(): string {
    const listed = JSON.parse(runCli(['accounts', '--json', '--config', configFile]).stdout) as { accounts: Array<{ address: string; password: string }> };
    return listed.accounts.find((account) => account.address === 'builder@swarm.local')!.password;
  }
});
