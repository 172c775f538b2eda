// Issue "agents that code", acceptance 3: a series of 3 commits sent by send_patch is 4 mails threaded under
// the cover letter; saved as an mbox they apply with the system's `git am` (not ours) in a fresh clone to
// the same tree. One patch carries a line over SMTP's 998-octet limit and non-ASCII text, so the
// quoted-printable path is crossed too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait-for.ts';
import { human, domain, readHumanInbox, startCodeSwarm, submitAsHuman, type CodeSwarm } from './code-swarm-kit.ts';

const longLine = `const table = '${'x'.repeat(1200)}';`;

const builderTurns = `
turns:
  - name: three commits
    when: { subject: "series", from: human }
    steps:
      - - write_file: { path: src/a.txt, content: "alpha\\n" }
      - - commit: { message: "Add a" }
      - - edit_file: { path: README, old_text: "demo", new_text: "demo project, süß" }
      - - commit: { message: "Describe the project" }
      - - write_file: { path: src/b.js, content: "trailing spaces   \\n\\ttab\\n${longLine}\\nlast line without newline" }
      - - commit: { message: "Add b with awkward whitespace" }
      - - send_patch: { to: [human], subject: "Three small changes", body: "A series of three.", in_reply_to: "{{mail.message_id}}" }
`;

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_COMMITTER_NAME: 'Checker', GIT_COMMITTER_EMAIL: 'checker@example.org' },
  }).trim();
}

describe('send_patch with a series of three commits', () => {
  let code: CodeSwarm;

  beforeAll(async () => {
    code = await startCodeSwarm({ agents: [{ name: 'builder', displayName: 'Builder (Claude)', turns: builderTurns }], files: { README: 'A demo\n' }, test: 'true' });
  });

  afterAll(async () => {
    await code?.stop();
  });

  it('mails a cover letter and three patches threaded under it that the system git am applies to the same tree', async () => {
    const taskId = `<series-task@${domain}>`;
    await submitAsHuman(code.backend, `From: ${human.address}\r\nTo: builder@${domain}\r\nSubject: Please send a series\r\nMessage-ID: ${taskId}\r\n\r\nThree commits, please.\r\n`, [`builder@${domain}`]);
    const mails = await waitFor(async () => {
      const inbox = await readHumanInbox(code.backend);
      return inbox.length >= 4 ? inbox : undefined;
    }, { timeoutMs: 45_000, intervalMs: 200, what: 'four patch mails in the human INBOX' });
    expect(mails).toHaveLength(4);
    const [cover, ...patches] = mails.map((mail) => mail.parsed);
    expect(cover!.subject).toBe('[PATCH 0/3] Three small changes');
    expect(cover!.text).toContain('A series of three.');
    expect(cover!.inReplyTo).toBe(taskId);
    expect(patches.map((patch) => patch.subject)).toEqual(['[PATCH 1/3] Add a', '[PATCH 2/3] Describe the project', '[PATCH 3/3] Add b with awkward whitespace']);
    for (const patch of patches) {
      expect(patch.inReplyTo).toBe(cover!.messageId);
      expect(patch.references).toEqual([taskId, cover!.messageId]);
      expect(patch.headers.get('content-type')).not.toMatchObject({ params: { format: 'flowed' } });
    }

    const checkout = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-am-'));
    try {
      git(['clone', '--quiet', code.upstreamPath, 'clone'], checkout);
      const mbox = mails.slice(1).map((mail) => `From mailswarm Mon Sep 17 00:00:00 2001\n${mail.source.toString('utf8').replace(/\r\n/g, '\n')}`).join('\n');
      writeFileSync(path.join(checkout, 'series.mbox'), mbox);
      git(['am', '--quiet', path.join(checkout, 'series.mbox')], path.join(checkout, 'clone'));
      const workspace = path.join(code.dataDir, 'workspaces', 'builder', 'demo');
      expect(git(['rev-parse', 'HEAD^{tree}'], path.join(checkout, 'clone'))).toBe(git(['rev-parse', 'HEAD^{tree}'], workspace));
      expect(git(['log', '--format=%an <%ae>|%s', '-3'], path.join(checkout, 'clone')).split('\n')).toEqual([
        `Builder (Claude) <builder@${domain}>|Add b with awkward whitespace`,
        `Builder (Claude) <builder@${domain}>|Describe the project`,
        `Builder (Claude) <builder@${domain}>|Add a`,
      ]);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});
