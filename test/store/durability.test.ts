// Durability of deliver(): once it returns (the SMTP 250 promise), the message survives kill -9 of the
// process (WAL with synchronous=FULL), and the store reopens cleanly after the crash.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, expect, it } from 'vitest';
import { MailStore } from '../../src/postoffice/store/mail-store.ts';

const childScript = path.join(import.meta.dirname, 'fixtures', 'deliver-until-killed.ts');
let dataDir: string | undefined;

afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('keeps every delivery reported as committed after kill -9', async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'mailswarm-durable-'));
  const child = spawn(process.execPath, [childScript, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const committedUids: number[] = [];
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const match = /^committed (\d+)$/.exec(line);
        if (match) committedUids.push(Number(match[1]));
      }
      // Let a few deliveries happen so the kill lands in the middle of the stream, then kill at once.
      if (committedUids.length >= 3 && child.exitCode === null && !child.killed) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`child exited before the kill: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');

  // WAL is a property of the database file: check it survived, independently of the store's own code.
  const inspector = new DatabaseSync(path.join(dataDir, 'mail.sqlite'), { readOnly: true });
  try {
    expect(inspector.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
  } finally {
    inspector.close();
  }

  const store = MailStore.open(dataDir);
  try {
    const inbox = store.getMailbox('durable@swarm.local', 'INBOX')!;
    const storedUids = store.listMessages(inbox.id).map((message) => message.uid);
    for (const uid of committedUids) expect(storedUids).toContain(uid);
    const last = committedUids.at(-1)!;
    expect(store.getRaw(inbox.id, last)!.toString()).toContain(`body ${last}`);
    // The store keeps working after recovery: the next uid follows everything that was committed.
    const [next] = store.deliver([{ account: 'durable@swarm.local' }], Buffer.from('Subject: after\r\n\r\nafter\r\n'));
    expect(next!.uid).toBeGreaterThan(Math.max(...storedUids));
  } finally {
    store.close();
  }
});
