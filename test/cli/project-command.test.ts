// Projects in mailswarm.yaml: bad values stop `mailswarm up` with the file, the field and the reason before
// anything listens; `mailswarm project list` and `project log` show the projects and what was applied.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUpstream } from '../../src/workspace/project-upstream.ts';
import { runCli } from './run-cli.ts';

describe('projects in the configuration', () => {
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-projects-'));
    mkdirSync(path.join(directory, 'agents'));
    mkdirSync(path.join(directory, 'plain'));
    writeFileSync(path.join(directory, 'plain', 'README'), 'not a repository\n');
    const repository = path.join(directory, 'repository');
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', repository]);
    writeFileSync(path.join(repository, 'a.txt'), 'a\n');
    execFileSync('git', ['add', 'a.txt'], { cwd: repository });
    execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', 'commit', '--quiet', '-m', 'First', '-m', 'Reviewed-by: Bob <bob@example.org>'], { cwd: repository });
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  function writeConfig(projects: string, agentProjects = '[demo]'): string {
    writeFileSync(path.join(directory, 'agents', 'coder.md'), `---\nname: coder\nmodel: offline\nrole: codes\nprojects: ${agentProjects}\n---\nYou code.\n`);
    const file = path.join(directory, 'mailswarm.yaml');
    writeFileSync(file, `ports: { imap: 0, submission: 0, smtp: 0, web: 0 }\nprojects:\n${projects}\n`);
    return file;
  }

  it('refuses a missing path, a folder that is not a git repository, and an agent naming an unknown project', () => {
    const missing = runCli(['up', '--config', writeConfig('  - { name: demo, path: ./nowhere, test: "true" }')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/mailswarm\.yaml: projects\[0\]\.path: .*nowhere does not exist/);

    const notGit = runCli(['up', '--config', writeConfig('  - { name: demo, path: ./plain, test: "true" }')]);
    expect(notGit.status).toBe(2);
    expect(notGit.stderr).toMatch(/projects\[0\]\.path: .*plain is not a git repository/);

    const unknown = runCli(['up', '--config', writeConfig('  - { name: demo, path: ./repository, test: "true" }', '[other]')]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/coder\.md: field "projects": unknown project "other" \(defined: demo\)/);

    const noTest = runCli(['up', '--config', writeConfig('  - { name: demo, path: ./repository }')]);
    expect(noTest.status).toBe(2);
    expect(noTest.stderr).toContain('projects.0.test');
  });

  it('lists the projects and shows the log of an upstream', async () => {
    const config = writeConfig('  - { name: demo, path: ./repository, test: "npm test" }');
    const before = runCli(['project', 'log', 'demo', '--config', config]);
    expect(before.status).toBe(2);
    expect(before.stderr).toMatch(/demo\.git does not exist yet: it is created from .*repository when "mailswarm up" first starts/);
    expect(runCli(['project', 'log', 'nothing', '--config', config]).stderr).toContain('no project "nothing"');

    await ensureUpstream({ sourcePath: path.join(directory, 'repository'), upstreamPath: path.join(directory, 'data', 'projects', 'demo.git') });
    const list = runCli(['project', 'list', '--config', config]);
    expect(list.stdout).toMatch(/demo\n {2}source +.*repository\n {2}upstream +.*demo\.git\n {2}test +npm test/);
    const log = runCli(['project', 'log', 'demo', '--config', config]);
    expect(log.status).toBe(0);
    expect(log.stdout).toMatch(/[0-9a-f]{12} First\n {2}Author: Ada <ada@example\.org>/);
    expect(log.stdout).toContain('  Reviewed-by: Bob <bob@example.org>');
  });
});
