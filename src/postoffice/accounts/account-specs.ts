// Turns the configuration (humans) and the agent definitions into the list of accounts of the post office,
// each with its login and clear-text password as the operator knows it: humans' from mailswarm.yaml,
// agents' given or generated (credentials.json). Also the system account postmaster@<domain> (RFC 5321
// §4.5.1 requires it), which has no password and whose mail goes to the humans (see account-directory.ts).
import path from 'node:path';
import type { MailswarmConfig } from '../../config/config-schema.ts';
import type { AccountKind } from './account-types.ts';
import { ensureAgentPasswords } from './agent-credentials.ts';

/** An agent as the swarm defines it (agents/*.md); a missing password is generated on first start. */
export interface AgentAccountSpec {
  name: string;
  displayName?: string;
  password?: string;
}

export interface AccountSpec {
  address: string;
  /** The bare local part, also accepted as login name. */
  login: string;
  kind: AccountKind;
  displayName: string | undefined;
  /** Clear-text password; null for the system account, which cannot log in. */
  password: string | null;
}

/** What `mailswarm accounts` prints. */
export interface AccountCredential {
  address: string;
  login: string;
  password: string;
  kind: AccountKind;
}

const LOCAL_PART = /^[a-z0-9][a-z0-9._-]*$/;

export const POSTMASTER = 'postmaster';

export function resolveDataDir(config: MailswarmConfig): string {
  return path.resolve(config.dataDir);
}

/**
 * All accounts, humans first, then agents, then postmaster (unless a human or agent is called that).
 * Throws on an invalid agent name or on two accounts with the same name.
 */
export function buildAccountSpecs(config: MailswarmConfig, agents: AgentAccountSpec[]): AccountSpec[] {
  const domain = config.domain.toLowerCase();
  const agentsNeedingPasswords = agents.filter((agent) => agent.password === undefined).map((agent) => agent.name);
  for (const agent of agents) {
    if (!LOCAL_PART.test(agent.name.toLowerCase())) {
      throw new Error(`agent name "${agent.name}" is not a mailbox local part (letters, digits, ".", "_", "-")`);
    }
  }
  const generated = agentsNeedingPasswords.length > 0 ? ensureAgentPasswords(resolveDataDir(config), agentsNeedingPasswords) : new Map<string, string>();
  const specs: AccountSpec[] = [];
  const owners = new Map<string, string>();
  const add = (spec: AccountSpec, origin: string): void => {
    const earlier = owners.get(spec.login);
    if (earlier !== undefined) throw new Error(`account "${spec.address}" is defined twice (${earlier} and ${origin})`);
    owners.set(spec.login, origin);
    specs.push(spec);
  };
  for (const human of config.humans) {
    const login = human.name.toLowerCase();
    add({ address: `${login}@${domain}`, login, kind: 'human', displayName: human.displayName, password: human.password }, 'humans in the config');
  }
  for (const agent of agents) {
    const login = agent.name.toLowerCase();
    const password = agent.password ?? generated.get(login)!;
    add({ address: `${login}@${domain}`, login, kind: 'agent', displayName: agent.displayName, password }, `agent ${agent.name}`);
  }
  if (!owners.has(POSTMASTER)) {
    add({ address: `${POSTMASTER}@${domain}`, login: POSTMASTER, kind: 'system', displayName: 'Postmaster', password: null }, 'system');
  }
  return specs;
}

/**
 * Logins and passwords of every account that can log in, for `mailswarm accounts`. Works without a running
 * post office; generates (and keeps) missing agent passwords exactly as the first start would.
 */
export function listCredentials(options: { config: MailswarmConfig; agents: AgentAccountSpec[] }): AccountCredential[] {
  return buildAccountSpecs(options.config, options.agents)
    .filter((spec) => spec.password !== null)
    .map((spec) => ({ address: spec.address, login: spec.login, password: spec.password!, kind: spec.kind }));
}
