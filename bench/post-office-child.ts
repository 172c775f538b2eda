// Child process that runs our post office for the benchmarks, so its memory (RSS from /proc, V8 heap via
// IPC) and its CPU profile (`--cpu-prof`) are its own and not mixed with the bench clients'. Talks to the
// parent over the fork IPC channel: {type:'start'} → {type:'ready'}, {type:'memory'} → {type:'memory'},
// {type:'close'} → closes the post office and exits normally (so a CPU profile gets written).
//
// Passwords: accounts.json is seeded with cheap scrypt hashes (N=1024) before the start. The post office
// keeps a stored hash whose password matches and verifies logins with the stored hash's own parameters,
// so 1,000 accounts do not cost 2,000 full-strength scrypt runs (minutes on 2 cores). Dovecot in the same
// run uses {PLAIN} passwords, so neither server pays for password hashing in the measured phases.
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '../src/config/config-schema.ts';
import { silentLogger } from '../src/logger.ts';
import { startPostOffice, type PostOffice } from '../src/postoffice/post-office.ts';

export interface StartRequest {
  type: 'start';
  dataDir: string;
  domain: string;
  users: Array<{ name: string; password: string }>;
  /** A list to try for the fan-out phase; the reply says whether the post office expands it. */
  list: { name: string; members: string[] };
}

export type ParentMessage = StartRequest | { type: 'memory' } | { type: 'close' };

export type ChildMessage =
  | { type: 'ready'; ports: { imap: number; submission: number; smtp: number }; listExpanded: boolean }
  | { type: 'memory'; heapUsed: number; heapTotal: number; external: number; rss: number }
  | { type: 'error'; message: string }
  | { type: 'closed' };

const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };

function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const derived = scryptSync(password, salt, 32, CHEAP_SCRYPT);
  return ['scrypt', CHEAP_SCRYPT.N, CHEAP_SCRYPT.r, CHEAP_SCRYPT.p, salt.toString('base64'), derived.toString('base64')].join('$');
}

/** The one human of the bench configuration: the operator, as in a real deployment. */
const OPERATOR = { name: 'operator', password: 'operator-bench' };

function seedAccounts(request: StartRequest): void {
  mkdirSync(request.dataDir, { recursive: true, mode: 0o700 });
  const accounts = [
    ...request.users.map((user) => ({ address: `${user.name}@${request.domain}`, login: user.name, kind: 'agent', passwordHash: cheapHash(user.password) })),
    { address: `${OPERATOR.name}@${request.domain}`, login: OPERATOR.name, kind: 'human', passwordHash: cheapHash(OPERATOR.password) },
  ];
  writeFileSync(path.join(request.dataDir, 'accounts.json'), `${JSON.stringify({ version: 1, accounts }, null, 2)}\n`, { mode: 0o600 });
}

function send(message: ChildMessage): void {
  process.send!(message);
}

let postOffice: PostOffice | undefined;

async function start(request: StartRequest): Promise<void> {
  seedAccounts(request);
  const withList = { lists: [{ name: request.list.name, members: request.list.members.map((member) => `${member}@${request.domain}`) }] };
  const config = configSchema.parse({
    domain: request.domain,
    dataDir: request.dataDir,
    agentsDir: path.join(request.dataDir, 'agents'),
    ports: { imap: 0, submission: 0, smtp: 0, web: 0 },
    humans: [OPERATOR],
    ...withList,
    logLevel: 'silent',
  });
  // The bench accounts are agents (as in a swarm): every human also gets a Journal copy of every message,
  // so 1,000 humans would turn each delivery into 1,000 copies.
  postOffice = await startPostOffice({ config, agents: request.users.map((user) => ({ name: user.name, password: user.password })), logger: silentLogger });
  const expansion = postOffice.accounts.deliveryAccounts(`${request.list.name}@${request.domain}`);
  send({ type: 'ready', ports: postOffice.ports, listExpanded: (expansion?.length ?? 0) === request.list.members.length });
}

process.on('message', (message: ParentMessage) => {
  const handle = async (): Promise<void> => {
    if (message.type === 'start') await start(message);
    else if (message.type === 'memory') {
      // Full GC first: live heap per session, not garbage waiting to be collected.
      (globalThis as { gc?: () => void }).gc?.();
      const usage = process.memoryUsage();
      send({ type: 'memory', heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, rss: usage.rss });
    } else if (message.type === 'close') {
      await postOffice?.close();
      send({ type: 'closed' });
      process.disconnect?.();
    }
  };
  handle().catch((error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
