// `mailswarm up` serves the live view: the banner names its URL, /api/status answers with the agents, and
// SIGTERM closes it with everything else. A busy web port is a clear one-line error and a clean exit.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { StatusSnapshot } from '../../src/cli/live-view/live-view-types.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CLI = path.resolve('src/cli/main.ts');
const folder = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-up-'));
mkdirSync(path.join(folder, 'agents'));
writeFileSync(path.join(folder, 'agents', 'builder.md'), '---\nname: builder\nmodel: offline\nrole: Builds things.\n---\nYou build.\n');

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function up(extra: string[]) {
  const child = spawn(process.execPath, [CLI, 'up', '--data', 'data', '--imap-port', '0', '--submission-port', '0', '--smtp-port', '0', '--log-level', 'warn', ...extra], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, stderr: () => stderr, exited };
}

describe('mailswarm up with the live view', { timeout: 180_000 }, () => {
  it('prints the live view URL in the banner, serves the status, and closes on SIGTERM', async () => {
    const running = up(['--web-port', '0']);
    const url = await waitFor(() => running.lines.map((line) => /^ {2}Live view\s+(http:\/\/127\.0\.0\.1:\d+\/)$/.exec(line)?.[1]).find(Boolean), { what: 'the Live view banner line', timeoutMs: 90_000 });
    const status = await new Promise<StatusSnapshot>((resolve, reject) => {
      http.get(`${url}api/status`, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(JSON.parse(body) as StatusSnapshot));
      }).on('error', reject);
    });
    expect(status.agents.map((agent) => agent.name)).toEqual(['builder']);
    // The post office's guard rails feed the held-mail count (nothing held yet).
    expect(status.heldMessages).toBe(0);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('names the busy web port and exits instead of hanging', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const running = up(['--web-port', String(port)]);
      expect(await running.exited).toBe(2);
      expect(running.stderr()).toContain(`mailswarm: live view: port ${port} on 127.0.0.1 is in use (choose another with --web-port or ports.web)`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
