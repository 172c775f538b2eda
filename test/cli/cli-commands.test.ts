// The one-shot CLI commands as a user runs them: --help everywhere, config errors naming file and field,
// `accounts` printing (and keeping) generated agent passwords, `init` scaffolding a runnable folder.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-cli-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('mailswarm CLI', () => {
  it('answers --help for every command', () => {
    const top = runCli(['--help']);
    expect(top.status).toBe(0);
    for (const command of ['up', 'serve', 'agents', 'send', 'accounts', 'init']) {
      expect(top.stdout).toContain(command);
      const help = runCli([command, '--help']);
      expect(help.status, `${command} --help`).toBe(0);
      expect(help.stdout).toContain(`Usage: mailswarm ${command}`);
    }
  });

  it('refuses a bad config with the file, the field and what was expected', () => {
    const file = path.join(directory, 'mailswarm.yaml');
    writeFileSync(file, 'domain: "not a domain!"\nports:\n  imap: 99999\nhumans:\n  - name: alice\n');
    const result = runCli(['accounts', '--config', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('domain');
    expect(result.stderr).toContain('ports.imap');
    expect(result.stderr).toContain('humans.0.password');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('refuses unknown settings and broken YAML', () => {
    const file = path.join(directory, 'mailswarm.yaml');
    writeFileSync(file, 'domian: swarm.local\n');
    expect(runCli(['accounts', '--config', file]).stderr).toMatch(/domian|Unrecognized key/);
    writeFileSync(file, 'ports: [1, 2\n');
    const broken = runCli(['accounts', '--config', file]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('not valid YAML');
  });

  it('names a missing config file given with --config', () => {
    const result = runCli(['serve', '--config', path.join(directory, 'nope.yaml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nope.yaml: no such config file');
  });

  it('names the agent file and field of a bad agent definition', () => {
    const init = runCli(['init', directory]);
    expect(init.status).toBe(0);
    writeFileSync(path.join(directory, 'agents', 'bad.md'), '---\nname: bad\nmodel: offline\nrole: x\nwake: sometimes\n---\nhi\n');
    const result = runCli(['accounts'], { cwd: directory });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('bad.md');
    expect(result.stderr).toContain('wake');
  });

  it('init scaffolds a folder whose accounts include humans and the example agents, with stable passwords', () => {
    expect(runCli(['init', directory]).status).toBe(0);
    expect(existsSync(path.join(directory, 'mailswarm.yaml'))).toBe(true);
    for (const agent of ['builder', 'reviewer', 'tester']) expect(existsSync(path.join(directory, 'agents', `${agent}.md`))).toBe(true);

    const first = runCli(['accounts', '--json'], { cwd: directory });
    expect(first.status, first.stderr).toBe(0);
    const listed = JSON.parse(first.stdout) as { server: { imapPort: number }; accounts: Array<{ address: string; password: string; kind: string }> };
    expect(listed.server.imapPort).toBe(1143);
    const addresses = listed.accounts.map((account) => account.address);
    expect(addresses).toEqual(expect.arrayContaining(['human@swarm.local', 'builder@swarm.local', 'reviewer@swarm.local', 'tester@swarm.local']));
    const credentialsFile = path.join(directory, 'data', 'credentials.json');
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);

    const second = JSON.parse(runCli(['accounts', '--json'], { cwd: directory }).stdout) as typeof listed;
    expect(second.accounts).toEqual(listed.accounts);
    expect(readFileSync(credentialsFile, 'utf8')).toContain(listed.accounts.find((account) => account.address === 'builder@swarm.local')!.password);

    const text = runCli(['accounts'], { cwd: directory }).stdout;
    expect(text).toContain('IMAP 1143');
    expect(text).toContain('builder@swarm.local');
  });

  it('flags override the config file', () => {
    const file = path.join(directory, 'mailswarm.yaml');
    writeFileSync(file, 'domain: example.test\nports: { imap: 2143 }\nhumans: [{ name: bob, password: pw }]\n');
    const result = runCli(['accounts', '--json', '--config', file, '--domain', 'other.test', '--imap-port', '3143', '--agents-dir', path.join(directory, 'none')]);
    expect(result.status, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as { server: { imapPort: number }; accounts: Array<{ address: string }> };
    expect(listed.server.imapPort).toBe(3143);
    expect(listed.accounts.map((account) => account.address)).toContain('bob@other.test');
  });

  it('send explains what is missing instead of failing obscurely', () => {
    const noBody = runCli(['send', '--to', 'builder', '--data', directory], { input: '' });
    expect(noBody.status).toBe(2);
    expect(noBody.stderr).toContain('no message body');
    const nobody = runCli(['send', '--to', 'builder', '--from', 'zed', '--body', 'x', '--data', directory]);
    expect(nobody.stderr).toContain('--from zed: no such human');
  });

  it('refuses at start a model that does not parse, or a vendor without key when fallback is off', () => {
    writeFileSync(path.join(directory, 'mailswarm.yaml'), 'ports: { imap: 0, submission: 0, smtp: 0, web: 0 }\n');
    mkdirSync(path.join(directory, 'agents'));
    const agentFile = path.join(directory, 'agents', 'odd.md');
    writeFileSync(agentFile, '---\nname: odd\nmodel: claude-without-vendor\nrole: x\n---\nhi\n');
    const badSpec = runCli(['up'], { cwd: directory });
    expect(badSpec.status).toBe(2);
    expect(badSpec.stderr).toContain('odd.md: field "model"');
    expect(badSpec.stderr).toContain('claude-without-vendor');

    writeFileSync(agentFile, '---\nname: odd\nmodel: anthropic:claude-sonnet-5-5\nrole: x\n---\nhi\n');
    const noKey = runCli(['up', '--no-offline-fallback'], { cwd: directory, env: { ANTHROPIC_API_KEY: '' } });
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain('ANTHROPIC_API_KEY');
    expect(existsSync(path.join(directory, 'data', 'mail.sqlite'))).toBe(false); // refused before anything started
  });
});
