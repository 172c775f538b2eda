// Mixed IMAP workload, both variants with the same client code against either server:
// - persistent: N sessions (two per mailbox) stay logged in and run the concurrency test's seeded random mix
//   (STORE flags and keywords, EXPUNGE/UID EXPUNGE, APPEND, FETCH, SEARCH, NOOP: test/imap/mixed-workload.ts);
// - login churn: N workers each loop LOGIN, SELECT, three commands of the mix, LOGOUT on a new connection.
// Counted: tagged replies per second over the time box (warm-up excluded). Every client checks each response
// against its view of the mailbox (test/imap/mailbox-view-client.ts); violations are reported, not hidden.
// APPEND is durable before its OK on both servers: ours commits with fsync (WAL), Dovecot's maildir save
// fsyncs the message file (mail_fsync = optimized, the default). Flag changes and expunges are fsync'd after
// their OK on both (their defaults: Dovecot's index updates, ours store.fsync = optimized).
import { performance } from 'node:perf_hooks';
import { MailboxViewClient } from '../test/imap/mailbox-view-client.ts';
import { nextCommand, runMix, seededRandom } from '../test/imap/mixed-workload.ts';
import type { BenchServer, BenchUser } from './bench-server.ts';

export interface MixedVariantRun {
  sessions: number;
  seconds: number;
  commands: number;
  commandsPerSecond: number;
  /** Login churn only: completed LOGIN … LOGOUT cycles per second. */
  sessionsPerSecond?: number;
  violations: string[];
}

export interface MixedResults {
  persistent: MixedVariantRun;
  churn: MixedVariantRun;
  seed: number;
}

export interface MixedOptions {
  sessions: number;
  seconds: number;
  warmupSeconds: number;
  seed: number;
}

/** Two sessions per mailbox: concurrent changes to one mailbox, and parallel mailboxes. */
export function mixedMailboxesNeeded(sessions: number): number {
  return Math.ceil(sessions / 2);
}

async function openClient(server: BenchServer, user: BenchUser, name: string): Promise<MailboxViewClient> {
  return MailboxViewClient.login(server.host, server.imapPort, name, `${user.name}@${server.domain}`, user.password);
}

/** Fills each mailbox to `count` messages so FETCH, SEARCH and STORE have something to work on. */
async function prefill(server: BenchServer, users: BenchUser[], count: number, random: () => number): Promise<void> {
  await Promise.all(users.map(async (user) => {
    const client = await openClient(server, user, `prefill-${user.name}`);
    await client.select();
    while (client.messages.length < count) {
      const append = nextCommand(client, random, { minimumMessages: Number.POSITIVE_INFINITY, maximumMessages: Number.POSITIVE_INFINITY });
      if (append.literal === undefined) continue; // the mix drew no APPEND this time
      await client.command(append.text, append.literal);
      await client.command('NOOP');
    }
    await client.logout();
  }));
}

async function persistent(server: BenchServer, users: BenchUser[], options: MixedOptions): Promise<MixedVariantRun> {
  const clients = await Promise.all(Array.from({ length: options.sessions }, async (_, index) => {
    const client = await openClient(server, users[index % users.length]!, `mix${index}`);
    await client.select();
    return client;
  }));
  try {
    const now = (): number => performance.now();
    const randoms = clients.map((_, index) => seededRandom(options.seed + index));
    await Promise.all(clients.map((client, index) => runMix(client, randoms[index]!, now() + options.warmupSeconds * 1000, now)));
    const started = now();
    const deadline = started + options.seconds * 1000;
    const counts = await Promise.all(clients.map((client, index) => runMix(client, randoms[index]!, deadline, now)));
    const elapsed = (now() - started) / 1000;
    const commands = counts.reduce((sum, count) => sum + count, 0);
    for (const client of clients) await client.logout();
    return { sessions: clients.length, seconds: elapsed, commands, commandsPerSecond: commands / elapsed, violations: clients.flatMap((client) => client.violations) };
  } finally {
    for (const client of clients) client.close();
  }
}

async function churn(server: BenchServer, users: BenchUser[], options: MixedOptions): Promise<MixedVariantRun> {
  const now = (): number => performance.now();
  const violations: string[] = [];
  let commands = 0;
  let cycles = 0;
  let measuring = false;
  const worker = async (index: number, deadline: number): Promise<void> => {
    const random = seededRandom(options.seed + 1000 + index);
    while (now() < deadline) {
      const client = await openClient(server, users[index % users.length]!, `churn${index}`);
      try {
        await client.select();
        for (let step = 0; step < 3; step++) {
          const command = nextCommand(client, random);
          await client.command(command.text, command.literal);
        }
        await client.logout();
      } finally {
        client.close();
      }
      violations.push(...client.violations);
      if (measuring) {
        commands += client.commands;
        cycles += 1;
      }
    }
  };
  const workers = Array.from({ length: options.sessions }, (_, index) => index);
  await Promise.all(workers.map((index) => worker(index, now() + options.warmupSeconds * 1000)));
  measuring = true;
  const started = now();
  await Promise.all(workers.map((index) => worker(index, started + options.seconds * 1000)));
  const elapsed = (now() - started) / 1000;
  return { sessions: options.sessions, seconds: elapsed, commands, commandsPerSecond: commands / elapsed, sessionsPerSecond: cycles / elapsed, violations };
}

/** Both variants on `users` (their INBOXes are filled first); `say` gets one progress line per variant. */
export async function measureMixedWorkload(server: BenchServer, users: BenchUser[], options: MixedOptions, say: (line: string) => void): Promise<MixedResults> {
  await prefill(server, users, 100, seededRandom(options.seed - 1));
  const persistentRun = await persistent(server, users, options);
  say(`mixed workload, ${persistentRun.sessions} persistent sessions on ${users.length} mailboxes (seed ${options.seed}): ${persistentRun.commands} commands in ${persistentRun.seconds.toFixed(1)} s = ${persistentRun.commandsPerSecond.toFixed(0)}/s; ${persistentRun.violations.length} protocol violations`);
  const churnRun = await churn(server, users, options);
  say(`login churn, ${churnRun.sessions} workers (LOGIN, SELECT, 3 commands, LOGOUT): ${churnRun.commandsPerSecond.toFixed(0)} commands/s, ${churnRun.sessionsPerSecond!.toFixed(0)} sessions/s; ${churnRun.violations.length} protocol violations`);
  for (const violation of [...persistentRun.violations, ...churnRun.violations].slice(0, 5)) say(`  violation: ${violation}`);
  return { persistent: persistentRun, churn: churnRun, seed: options.seed };
}
