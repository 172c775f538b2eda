// Mixed IMAP workload, both variants with the same client code against either server:
// - persistent: N sessions (two per mailbox) stay logged in and run the concurrency test's seeded random mix
//   (STORE flags and keywords, EXPUNGE/UID EXPUNGE, APPEND, FETCH, SEARCH, NOOP: test/imap/mixed-workload.ts);
// - login churn: N workers each loop LOGIN, SELECT, three commands of the mix, LOGOUT on a new connection.
// Counted: tagged replies per second over the time box (warm-up excluded). Every client checks each response
// against its view of the mailbox (test/imap/mailbox-view-client.ts); violations are reported, not hidden.
// Both servers are up together and take turns: the time box is cut into rounds, and in each round every server
// runs one segment, in the order A B, then B A in the next round. A shared machine's speed drifts by more
// than the difference being measured (10-30 % within minutes seen here); turns of a few seconds put both
// servers under the same drift, and each round gives a ratio of its own. Dirty pages are written out before
// every segment (settleDisks), so neither server's fsyncs wait for the other's write-back.
// APPEND is durable before its OK on both servers: ours commits with fsync (WAL), Dovecot's maildir save
// fsyncs the message file (mail_fsync = optimized, the default). Flag changes and expunges are fsync'd after
// their OK on both (their defaults: Dovecot's index updates, ours store.fsync = optimized).
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { MailboxViewClient } from '../test/imap/mailbox-view-client.ts';
import { nextCommand, runMix, seededRandom } from '../test/imap/mixed-workload.ts';
import type { BenchServer, BenchUser } from './bench-server.ts';

export interface MixedVariantRun {
  sessions: number;
  /** Measured seconds, summed over this server's segments. */
  seconds: number;
  commands: number;
  commandsPerSecond: number;
  /** Login churn only: completed LOGIN … LOGOUT cycles per second. */
  sessionsPerSecond?: number;
  /** Commands per second of each round's segment, in round order. */
  roundRates: number[];
  violations: string[];
}

export interface MixedResults {
  persistent: MixedVariantRun;
  churn: MixedVariantRun;
  seed: number;
}

export interface MixedOptions {
  sessions: number;
  /** Measured seconds per server and variant, split evenly over the rounds. */
  seconds: number;
  warmupSeconds: number;
  /** Turns per server and variant (see the header). */
  rounds: number;
  seed: number;
}

/** Two sessions per mailbox: concurrent changes to one mailbox, and parallel mailboxes. */
export function mixedMailboxesNeeded(sessions: number): number {
  return Math.ceil(sessions / 2);
}

const now = (): number => performance.now();

/**
 * Writes every dirty page of the machine out before a segment starts, so no server pays for the other's
 * write-back: a maildir fsync can wait for data another process left in the page cache.
 */
async function settleDisks(): Promise<void> {
  await promisify(execFile)('sync');
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

/** One server's side of a variant: run for a while (warm-up or a measured segment), then report. */
interface VariantDriver {
  /** Runs until `deadline`; resolves with the tagged replies (and churn cycles) completed in that time. */
  run(deadline: number): Promise<{ commands: number; cycles: number }>;
  finish(): Promise<{ violations: string[] }>;
}

async function persistentDriver(server: BenchServer, users: BenchUser[], options: MixedOptions): Promise<VariantDriver> {
  const clients = await Promise.all(Array.from({ length: options.sessions }, async (_, index) => {
    const client = await openClient(server, users[index % users.length]!, `mix${index}`);
    await client.select();
    return client;
  }));
  // Each session keeps its generator across segments: the same seed draws the same mix on either server.
  const randoms = clients.map((_, index) => seededRandom(options.seed + index));
  return {
    async run(deadline) {
      const counts = await Promise.all(clients.map((client, index) => runMix(client, randoms[index]!, deadline, now)));
      return { commands: counts.reduce((sum, count) => sum + count, 0), cycles: 0 };
    },
    async finish() {
      try {
        for (const client of clients) await client.logout();
      } finally {
        for (const client of clients) client.close();
      }
      return { violations: clients.flatMap((client) => client.violations) };
    },
  };
}

function churnDriver(server: BenchServer, users: BenchUser[], options: MixedOptions): VariantDriver {
  const violations: string[] = [];
  const randoms = Array.from({ length: options.sessions }, (_, index) => seededRandom(options.seed + 1000 + index));
  const worker = async (index: number, deadline: number): Promise<{ commands: number; cycles: number }> => {
    let commands = 0;
    let cycles = 0;
    while (now() < deadline) {
      const client = await openClient(server, users[index % users.length]!, `churn${index}`);
      try {
        await client.select();
        for (let step = 0; step < 3; step++) {
          const command = nextCommand(client, randoms[index]!);
          await client.command(command.text, command.literal);
        }
        await client.logout();
      } finally {
        client.close();
      }
      violations.push(...client.violations);
      commands += client.commands;
      cycles += 1;
    }
    return { commands, cycles };
  };
  return {
    async run(deadline) {
      const results = await Promise.all(randoms.map((_, index) => worker(index, deadline)));
      return { commands: results.reduce((sum, result) => sum + result.commands, 0), cycles: results.reduce((sum, result) => sum + result.cycles, 0) };
    },
    async finish() {
      return { violations };
    },
  };
}

interface Contender {
  server: BenchServer;
  driver: VariantDriver;
  seconds: number;
  commands: number;
  cycles: number;
  roundRates: number[];
}

/**
 * Warms every server up, then runs `options.rounds` rounds in which each server takes one segment in turn
 * (A B, B A, A B, ...), and sums each server's segments. `say` gets one line per round.
 */
async function takeTurns(variant: string, drivers: Array<{ server: BenchServer; driver: VariantDriver }>, options: MixedOptions, say: (line: string) => void): Promise<MixedVariantRun[]> {
  const contenders: Contender[] = drivers.map(({ server, driver }) => ({ server, driver, seconds: 0, commands: 0, cycles: 0, roundRates: [] }));
  for (const contender of contenders) await contender.driver.run(now() + options.warmupSeconds * 1000);
  const segmentMs = (options.seconds * 1000) / options.rounds;
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      await settleDisks();
      const started = now();
      const done = await contender.driver.run(started + segmentMs);
      const elapsed = (now() - started) / 1000;
      contender.seconds += elapsed;
      contender.commands += done.commands;
      contender.cycles += done.cycles;
      contender.roundRates.push(done.commands / elapsed);
    }
    const rates = contenders.map((contender) => `${contender.server.kind} ${contender.roundRates[round]!.toFixed(0)}/s`).join(', ');
    const ratio = contenders.length === 2 ? ` (${(contenders[0]!.roundRates[round]! / contenders[1]!.roundRates[round]!).toFixed(2)}x)` : '';
    say(`${variant}, round ${round + 1}/${options.rounds}: ${rates}${ratio}`);
  }
  return Promise.all(contenders.map(async (contender) => {
    const { violations } = await contender.driver.finish();
    return {
      sessions: options.sessions,
      seconds: contender.seconds,
      commands: contender.commands,
      commandsPerSecond: contender.commands / contender.seconds,
      ...(contender.cycles > 0 ? { sessionsPerSecond: contender.cycles / contender.seconds } : {}),
      roundRates: contender.roundRates,
      violations,
    };
  }));
}

/**
 * Both variants on every server in `servers` (one, or ours and the peer taking turns), on `users` (their INBOXes
 * are filled first). Returns one result per server, in the order given.
 */
export async function measureMixedWorkload(servers: BenchServer[], users: BenchUser[], options: MixedOptions, say: (line: string) => void): Promise<MixedResults[]> {
  for (const server of servers) await prefill(server, users, 100, seededRandom(options.seed - 1));
  const persistentDrivers = await Promise.all(servers.map(async (server) => ({ server, driver: await persistentDriver(server, users, options) })));
  const persistentRuns = await takeTurns(`${options.sessions} persistent sessions on ${users.length} mailboxes`, persistentDrivers, options, say);
  const churnRuns = await takeTurns(`login churn, ${options.sessions} workers`, servers.map((server) => ({ server, driver: churnDriver(server, users, options) })), options, say);
  return servers.map((server, index) => {
    const persistentRun = persistentRuns[index]!;
    const churnRun = churnRuns[index]!;
    say(`[${server.kind}] mixed workload (seed ${options.seed}): persistent ${persistentRun.commands} commands in ${persistentRun.seconds.toFixed(1)} s = ${persistentRun.commandsPerSecond.toFixed(0)}/s; login churn ${churnRun.commandsPerSecond.toFixed(0)} commands/s, ${churnRun.sessionsPerSecond?.toFixed(0) ?? 0} sessions/s; ${persistentRun.violations.length + churnRun.violations.length} protocol violations`);
    for (const violation of [...persistentRun.violations, ...churnRun.violations].slice(0, 5)) say(`  [${server.kind}] violation: ${violation}`);
    return { persistent: persistentRun, churn: churnRun, seed: options.seed };
  });
}
