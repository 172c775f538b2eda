// Python's imaplib (a strict, old-school client) runs a scripted session: LOGIN, LIST, SELECT, FETCH
// (BODYSTRUCTURE ENVELOPE), STORE, SEARCH, UID SEARCH, raw IDLE woken by a delivery, LOGOUT.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, sampleMessage, startTestServer, type TestServer } from './imap-test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  server.store.deliver([{ account: `alice@${DOMAIN}` }], sampleMessage('Hello from imaplib'));
});
afterAll(async () => {
  await server.close();
});

const script = fileURLToPath(new URL('./fixtures/imaplib-session.py', import.meta.url));

/** Runs the script; calls `onEvent` for every JSON line and resolves with the final one. */
function runScript(onEvent: (event: Record<string, unknown>) => void): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, '127.0.0.1', String(server.port), `alice@${DOMAIN}`, 'alice-secret'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let final: Record<string, unknown> | undefined;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      if (event.event === 'done') final = event;
      else onEvent(event);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && final) resolve(final);
      else reject(new Error(`imaplib script exited with ${code}: ${stderr}`));
    });
  });
}

describe('Python imaplib', () => {
  it('runs a full session including IDLE woken by a delivery', async () => {
    const result = await runScript((event) => {
      if (event.event === 'idling') server.store.deliver([{ account: `alice@${DOMAIN}` }], sampleMessage('Second message'));
    });
    expect(result.capabilities).toEqual(expect.arrayContaining(['IMAP4REV1', 'IDLE', 'UIDPLUS', 'AUTH=PLAIN']));
    expect(result.login).toBe('OK');
    const [listStatus, folders] = result.list as [string, string[]];
    expect(listStatus).toBe('OK');
    expect(folders).toContain('(\\HasNoChildren \\Sent) "/" "Sent"');
    expect(folders[0]).toBe('(\\HasNoChildren) "/" "INBOX"');
    expect(result.select).toEqual(['OK', ['1'], [expect.stringMatching(/^\d+$/)]]);

    const [fetchStatus, fetched] = result.fetch as [string, string[]];
    expect(fetchStatus).toBe('OK');
    expect(fetched[0]).toContain('UID 1');
    expect(fetched[0]).toContain('BODYSTRUCTURE ("text" "plain" ("charset" "utf-8")');
    expect(fetched[0]).toMatch(/ENVELOPE \("Tue, 01 Dec 2026 10:00:00 \+0000" "Hello from imaplib" \(\("Carol" NIL "carol" "swarm.local"\)\)/);
    expect((result.fetch_header as [string, string[]])[1][0]).toContain('Subject: Hello from imaplib');
    expect(result.store).toEqual(['OK', [expect.stringMatching(/^1 \(FLAGS \(.*\\Flagged.*\)/)]]);
    expect(result.search).toEqual(['OK', ['1']]);
    expect(result.uid_search).toEqual(['OK', ['1']]);

    expect(result.idle_continuation).toBe('+ idling');
    expect(result.idle_pushed).toContain('* 2 EXISTS');
    expect(result.idle_done).toMatch(/ OK IDLE terminated$/);
    expect((result.fetch_new as [string, string[]])[1][0]).toContain('"Second message"');
    expect(result.logout).toBe('BYE');
  });
});
