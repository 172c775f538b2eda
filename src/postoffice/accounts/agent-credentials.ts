// Keeps the generated passwords of agent accounts in <dataDir>/credentials.json (mode 0600), so that an
// agent keeps its password across restarts and `mailswarm accounts` can show it to the operator.
// A password given explicitly (agent file or caller) wins and is not written here.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from './private-file.ts';

export const CREDENTIALS_FILE = 'credentials.json';

interface CredentialsFile {
  version: 1;
  /** Agent name (lower case) → generated password. */
  agents: Record<string, string>;
}

/** 18 random bytes as base64url: 24 characters that survive any config file or URL unquoted. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function readCredentialsFile(file: string): CredentialsFile {
  if (!existsSync(file)) return { version: 1, agents: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix or delete it to generate new agent passwords`);
  }
  const agents = (parsed as { agents?: unknown } | null)?.agents;
  if (typeof agents !== 'object' || agents === null || Array.isArray(agents)) {
    throw new Error(`${file} has no "agents" object; fix or delete it to generate new agent passwords`);
  }
  for (const [name, password] of Object.entries(agents)) {
    if (typeof password !== 'string' || password.length === 0) {
      throw new Error(`${file}: the password of agent "${name}" is not a non-empty string`);
    }
  }
  return { version: 1, agents: agents as Record<string, string> };
}

/**
 * Returns the password of every named agent: the generated one from credentials.json, or a new one
 * (saved before this returns, so it is never handed out without being kept).
 */
export function ensureAgentPasswords(dataDir: string, agentNames: string[]): Map<string, string> {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  const stored = readCredentialsFile(file);
  let changed = false;
  const passwords = new Map<string, string>();
  for (const name of agentNames) {
    const key = name.toLowerCase();
    let password = stored.agents[key];
    if (password === undefined) {
      password = generatePassword();
      stored.agents[key] = password;
      changed = true;
    }
    passwords.set(key, password);
  }
  if (changed) writePrivateFile(file, `${JSON.stringify(stored, null, 2)}\n`);
  return passwords;
}
