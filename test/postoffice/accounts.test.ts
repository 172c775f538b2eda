// The account directory: login names, scrypt verification, generated agent passwords kept in
// credentials.json (0600), hashes in accounts.json (0600, no clear text), postmaster/abuse routing.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type MailswarmConfig } from '../../src/config/config-schema.ts';
import { AccountDirectory } from '../../src/postoffice/accounts/account-directory.ts';
import { listCredentials } from '../../src/postoffice/accounts/account-specs.ts';

const AGENTS = [{ name: 'scout', password: 'given-secret' }, { name: 'Critic', displayName: 'The Critic' }];

describe('account directory', () => {
  let dataDir: string;
  let config: MailswarmConfig;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-accounts-'));
    config = configSchema.parse({
      domain: 'Swarm.Local',
      dataDir,
      humans: [
        { name: 'alice', password: 'alice-secret', displayName: 'Alice' },
        { name: 'bob', password: 'bob-secret' },
      ],
    });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('resolves full addresses in any case and bare logins, and nothing else', async () => {
    const accounts = await AccountDirectory.open({ config, agents: AGENTS });
    expect(accounts.resolveLogin('alice')).toBe('alice@swarm.local');
    expect(accounts.resolveLogin('ALICE@Swarm.Local')).toBe('alice@swarm.local');
    expect(accounts.resolveLogin('critic')).toBe('critic@swarm.local');
    expect(accounts.resolveLogin('alice@elsewhere.org')).toBeUndefined();
    expect(accounts.resolveLogin('nobody')).toBeUndefined();
    expect(accounts.get('critic@swarm.local')).toEqual({ address: 'critic@swarm.local', kind: 'agent', displayName: 'The Critic' });
    expect(accounts.list().map((account) => `${account.kind}:${account.address}`)).toEqual([
      'human:alice@swarm.local',
      'human:bob@swarm.local',
      'agent:scout@swarm.local',
      'agent:critic@swarm.local',
      'system:postmaster@swarm.local',
    ]);
  });

  it('verifies passwords with scrypt and refuses wrong ones, unknown logins and the system account', async () => {
    const accounts = await AccountDirectory.open({ config, agents: AGENTS });
    expect(await accounts.verifyPassword('Alice@swarm.local', 'alice-secret')).toBe('alice@swarm.local');
    expect(await accounts.verifyPassword('scout', 'given-secret')).toBe('scout@swarm.local');
    expect(await accounts.verifyPassword('alice', 'Alice-secret')).toBeNull();
    expect(await accounts.verifyPassword('nobody', 'alice-secret')).toBeNull();
    expect(await accounts.verifyPassword('postmaster', '')).toBeNull();
    const critic = accounts.listCredentials().find((credential) => credential.login === 'critic')!;
    expect(await accounts.verifyPassword('critic', critic.password)).toBe('critic@swarm.local');
  });

  it('generates agent passwords once, keeps them in credentials.json (0600) and hashes only in accounts.json (0600)', async () => {
    const first = listCredentials({ config, agents: AGENTS });
    expect(first).toEqual([
      { address: 'alice@swarm.local', login: 'alice', password: 'alice-secret', kind: 'human' },
      { address: 'bob@swarm.local', login: 'bob', password: 'bob-secret', kind: 'human' },
      { address: 'scout@swarm.local', login: 'scout', password: 'given-secret', kind: 'agent' },
      { address: 'critic@swarm.local', login: 'critic', password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), kind: 'agent' },
    ]);
    const credentialsFile = path.join(dataDir, 'credentials.json');
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(credentialsFile, 'utf8')).agents)).toEqual(['critic']);

    await AccountDirectory.open({ config, agents: AGENTS });
    const accountsFile = path.join(dataDir, 'accounts.json');
    expect(statSync(accountsFile).mode & 0o777).toBe(0o600);
    const hashes = readFileSync(accountsFile, 'utf8');
    for (const credential of first) expect(hashes).not.toContain(credential.password);
    expect(hashes).toMatch(/"passwordHash": "scrypt\$16384\$8\$1\$/);

    const reopened = await AccountDirectory.open({ config, agents: AGENTS });
    expect(reopened.listCredentials()).toEqual(first);
    expect(readFileSync(accountsFile, 'utf8')).toBe(hashes); // stable hashes: unchanged passwords keep theirs

    const changed = configSchema.parse({ ...config, humans: [{ name: 'alice', password: 'new-secret' }] });
    const afterChange = await AccountDirectory.open({ config: changed, agents: AGENTS });
    expect(await afterChange.verifyPassword('alice', 'alice-secret')).toBeNull();
    expect(await afterChange.verifyPassword('alice', 'new-secret')).toBe('alice@swarm.local');
  });

  it('routes postmaster and abuse to every human, and knows which addresses are local', async () => {
    const accounts = await AccountDirectory.open({ config, agents: AGENTS });
    expect(accounts.deliveryAccounts('Postmaster@swarm.local')).toEqual(['alice@swarm.local', 'bob@swarm.local']);
    expect(accounts.deliveryAccounts('abuse@swarm.local')).toEqual(['alice@swarm.local', 'bob@swarm.local']);
    expect(accounts.deliveryAccounts('scout@SWARM.LOCAL')).toEqual(['scout@swarm.local']);
    expect(accounts.isLocalAddress('ghost@swarm.local')).toBe(false);
    expect(accounts.isLocalDomain('ghost@swarm.local')).toBe(true);
    expect(accounts.isLocalAddress('alice@example.com')).toBe(false);

    const noHumans = configSchema.parse({ ...config, humans: [] });
    const lonely = await AccountDirectory.open({ config: noHumans, agents: AGENTS });
    expect(lonely.deliveryAccounts('abuse@swarm.local')).toEqual(['postmaster@swarm.local']);
  });

  it('refuses two accounts with the same name and invalid agent names', async () => {
    await expect(AccountDirectory.open({ config, agents: [{ name: 'Alice' }] })).rejects.toThrow(/alice@swarm\.local.*defined twice/);
    await expect(AccountDirectory.open({ config, agents: [{ name: 'no spaces' }] })).rejects.toThrow(/not a mailbox local part/);
  });
});
