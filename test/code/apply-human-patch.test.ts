// Issue "agents that code", acceptance 4: a patch made by the system's `git format-patch` and sent by a human
// through the submission port (as `git send-email` does) is applied to upstream by a maintainer agent's
// apply_patch, with the human as author and the thread's Reviewed-by added; the "Applied" reply names the
// commit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamLog } from '../../src/workspace/project-upstream.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { domain, human, readHumanInbox, startCodeSwarm, submitAsHuman, type CodeSwarm } from './code-swarm-kit.ts';

const reviewerTurns = `
turns:
  - name: review the human's patch
    when: { subject: "[PATCH]", from: human, addressed: to }
    steps:
      - - reply:
            to: [maintainer]
            body: |
              Looks good to me.

              Reviewed-by: Reviewer <reviewer@${domain}>
`;

const maintainerTurns = `
turns:
  - name: apply once reviewed
    when: { body: "Reviewed-by:", addressed: to }
    find: { subject: "[PATCH]", from: human }
    steps:
      - - apply_patch: { message_id: "{{found.message_id}}", upstream: true }
`;

function git(args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env } }).trim();
}

describe("a human's git format-patch mail applied to upstream by the maintainer agent", () => {
  let code: CodeSwarm;

  beforeAll(async () => {
    code = await startCodeSwarm({
      agents: [
        { name: 'reviewer', turns: reviewerTurns },
        { name: 'maintainer', maintainer: true, turns: maintainerTurns },
      ],
      files: { 'greeting.txt': 'Hello\n' },
      test: 'true',
    });
  });

  afterAll(async () => {
    await code?.stop();
  });

  it('applies it with the human as author and the Reviewed-by trailer, and answers Applied with the commit id', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-human-patch-'));
    try {
      git(['clone', '--quiet', code.upstreamPath, 'clone'], work);
      const clone = path.join(work, 'clone');
      writeFileSync(path.join(clone, 'greeting.txt'), 'Hello, world\n');
      const identity = { GIT_AUTHOR_NAME: 'Hannah Human', GIT_AUTHOR_EMAIL: human.address, GIT_COMMITTER_NAME: 'Hannah Human', GIT_COMMITTER_EMAIL: human.address };
      git(['commit', '--quiet', '-am', 'Greet the world', '-m', 'A plain hello was too shy.'], clone, identity);
      git(['format-patch', '--quiet', '-1', '--thread', `--to=reviewer@${domain}`, `--cc=maintainer@${domain}`, '-o', work], clone, identity);
      const patchFile = path.join(work, '0001-Greet-the-world.patch');
      // git send-email submits the file without its mbox "From <sha>" line, with CRLF as SMTP carries it.
      const raw = readFileSync(patchFile, 'utf8').replace(/^From [0-9a-f]{40} .*\n/, '').replace(/\n/g, '\r\n');
      await submitAsHuman(code.backend, raw, [`reviewer@${domain}`, `maintainer@${domain}`]);

      const applied = await waitFor(async () => {
        const inbox = await readHumanInbox(code.backend);
        return inbox.find((mail) => mail.parsed.text?.includes('Applied to demo upstream'));
      }, { timeoutMs: 45_000, intervalMs: 200, what: 'the Applied reply in the human INBOX' });

      const [newest] = await upstreamLog(code.upstreamPath, { limit: 1 });
      expect(newest!.subject).toBe('Greet the world');
      expect(newest!.authorName).toBe('Hannah Human');
      expect(newest!.authorEmail).toBe(human.address);
      expect(newest!.body).toContain('A plain hello was too shy.');
      expect(newest!.body).toContain(`Reviewed-by: Reviewer <reviewer@${domain}>`);
      expect(git(['show', `${newest!.sha}:greeting.txt`], code.upstreamPath)).toBe('Hello, world');
      expect(applied.parsed.subject).toBe('Re: [PATCH] Greet the world');
      expect(applied.parsed.text).toContain(newest!.sha.slice(0, 12));
      expect(applied.parsed.from?.value[0]?.address).toBe(`maintainer@${domain}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
