// The MAILSWARM_DATA_DIR / MAILSWARM_AGENTS_DIR / MAILSWARM_DOMAIN variables: they stand in for the flags (the
// image sets them so `docker compose exec postoffice mailswarm accounts` needs none), lose to a flag, win over
// the config file, and an empty value (compose's `${VAR:-}`) counts as unset. And MAILSWARM_PASSWORD_<NAME>,
// which the post office side reads as the agents side does (one secret for both in deploy/kubernetes/).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { runCli } from './run-cli.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-config-environment-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('config from the environment', () => {
  const configDir = path.join(root, 'project');
  mkdirSync(configDir, { recursive: true });
  const configFile = path.join(configDir, 'mailswarm.yaml');
  writeFileSync(configFile, 'domain: from-file.test\ndataDir: ./file-data\n');

  it('uses the variables when no flag is given, resolving relative paths against the cwd', () => {
    const { config } = loadConfig(configFile, {}, root, { MAILSWARM_DATA_DIR: 'volume', MAILSWARM_AGENTS_DIR: '/app/agents', MAILSWARM_DOMAIN: 'from-env.test' });
    expect(config.dataDir).toBe(path.join(root, 'volume'));
    expect(config.agentsDir).toBe('/app/agents');
    expect(config.domain).toBe('from-env.test');
  });

  it('lets a flag win over a variable, and ignores empty variables', () => {
    const { config } = loadConfig(configFile, { dataDir: '/flag-data', domain: undefined }, root, { MAILSWARM_DATA_DIR: '/env-data', MAILSWARM_DOMAIN: '' });
    expect(config.dataDir).toBe('/flag-data');
    expect(config.domain).toBe('from-file.test');
    expect(loadConfig(configFile, {}, root, {}).config.dataDir).toBe(path.join(configDir, 'file-data'));
  });

  it('validates a variable like the setting it stands for, naming the setting', () => {
    expect(() => loadConfig(undefined, {}, root, { MAILSWARM_DOMAIN: 'not a domain' })).toThrow(/domain: .*"swarm\.local"/);
  });

  it('reaches the CLI: `accounts` finds the data directory and the agents without flags', async () => {
    const dataDir = path.join(root, 'env-data');
    const result = await runCli(['accounts', '--json'], { cwd: root, env: { MAILSWARM_DATA_DIR: dataDir, MAILSWARM_AGENTS_DIR: path.resolve(import.meta.dirname, '../../agents'), MAILSWARM_DOMAIN: 'env.test' } });
    expect(result.stderr).toBe('');
    const accounts = (JSON.parse(result.stdout) as { accounts: { address: string }[] }).accounts.map((account) => account.address);
    expect(accounts).toEqual(expect.arrayContaining(['builder@env.test', 'reviewer@env.test', 'tester@env.test']));
  });

  it('takes agent passwords from MAILSWARM_PASSWORD_<NAME>, the variables `mailswarm agents` logs in with', async () => {
    const dataDir = path.join(root, 'password-data');
    const env = { MAILSWARM_DATA_DIR: dataDir, MAILSWARM_AGENTS_DIR: path.resolve(import.meta.dirname, '../../agents'), MAILSWARM_PASSWORD_BUILDER: 'from-the-secret' };
    const result = await runCli(['accounts', '--json'], { cwd: root, env });
    const accounts = (JSON.parse(result.stdout) as { accounts: { address: string; password: string }[] }).accounts;
    expect(accounts.find((account) => account.address === 'builder@swarm.local')!.password).toBe('from-the-secret');
    expect(accounts.find((account) => account.address === 'reviewer@swarm.local')!.password).toMatch(/^[\w-]{16,}$/); // generated
    // Only generated passwords are kept in credentials.json; the given one stays in the environment.
    const stored = JSON.parse(readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as { agents: Record<string, string> };
    expect(Object.keys(stored.agents).sort()).toEqual(['reviewer', 'tester']);
  });
});
