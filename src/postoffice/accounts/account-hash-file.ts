// Persists the scrypt hashes of all account passwords in <dataDir>/accounts.json (mode 0600). On start the
// stored hash is kept when the configured password still matches it, so the file only changes when a
// password or an account changes; clear-text passwords are never written here.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AccountKind } from './account-types.ts';
import type { AccountSpec } from './account-specs.ts';
import { hashPassword, verifyPasswordHash } from './password-hash.ts';
import { writePrivateFile } from './private-file.ts';

export const ACCOUNTS_FILE = 'accounts.json';

export interface HashedAccount {
  address: string;
  login: string;
  kind: AccountKind;
  displayName: string | undefined;
  passwordHash: string | null;
}

function readStoredHashes(file: string): Map<string, string> {
  const hashes = new Map<string, string>();
  if (!existsSync(file)) return hashes;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // The file is only a cache of hashes of passwords we know anyway: rebuild it, but say so.
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); delete it and it is rebuilt from the config`);
  }
  const accounts = (parsed as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(accounts)) return hashes;
  for (const account of accounts as Array<{ address?: unknown; passwordHash?: unknown }>) {
    if (typeof account.address === 'string' && typeof account.passwordHash === 'string') hashes.set(account.address, account.passwordHash);
  }
  return hashes;
}

/** Hashes every password (reusing matching stored hashes, in parallel on the libuv pool) and saves the file. */
export async function hashAccounts(dataDir: string, specs: AccountSpec[]): Promise<HashedAccount[]> {
  const file = path.join(dataDir, ACCOUNTS_FILE);
  const stored = readStoredHashes(file);
  const hashed = await Promise.all(
    specs.map(async (spec): Promise<HashedAccount> => {
      let passwordHash: string | null = null;
      if (spec.password !== null) {
        const previous = stored.get(spec.address);
        passwordHash = previous !== undefined && (await verifyPasswordHash(spec.password, previous)) ? previous : await hashPassword(spec.password);
      }
      return { address: spec.address, login: spec.login, kind: spec.kind, displayName: spec.displayName, passwordHash };
    }),
  );
  const contents = `${JSON.stringify({ version: 1, accounts: hashed }, null, 2)}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== contents) writePrivateFile(file, contents);
  return hashed;
}
