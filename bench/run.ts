// `npm run bench`: benchmarks our post office and, in the same run with the same raw-socket clients,
// Debian's Postfix → Dovecot (LMTP) on loopback; prints the machine, one progress line per phase, a
// comparison table (ours ÷ peer), and writes bench/results.json. See bench/bench-options.ts for flags.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseBenchOptions, USAGE, type BenchOptions } from './bench-options.ts';
import { benchUsers, type BenchServer } from './bench-server.ts';
import { startOurServer } from './our-server.ts';
import { peerUnavailable, startPeerServer } from './peer-server.ts';
import { renderTable } from './results-table.ts';
import { measureMixedWorkload, type MixedResults } from './mixed-workload-benchmark.ts';
import { renderMixedTable } from './mixed-results-table.ts';
import { accountsNeeded, benchmarkServer, mixedWorkloadUsers, type ServerResults } from './server-benchmark.ts';

const DOMAIN = 'bench.example';

function machine(): { cpus: number; cpuModel: string; node: string; platform: string; totalMemoryMiB: number; loadAverage: number[] } {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
  };
}

interface StartedServer {
  server: BenchServer;
  close(): Promise<void>;
}

async function startServer(kind: 'ours' | 'peer', options: BenchOptions, log: (line: string) => void): Promise<StartedServer> {
  const users = benchUsers(accountsNeeded(options));
  const fanOutMembers = users.slice(0, options.fanOutMembers);
  const started = performance.now();
  let server: BenchServer;
  let dataDir: string | undefined;
  if (kind === 'ours') {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-bench-'));
    server = await startOurServer({ domain: DOMAIN, dataDir, users, fanOutMembers, cpuProfileDir: options.cpuProfileDir });
  } else {
    server = await startPeerServer({ domain: DOMAIN, users, fanOutMembers, maxImapSessions: accountsNeeded(options) + 50 });
  }
  log(`[${kind}] ${server.description} up with ${users.length} accounts in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return {
    server,
    async close() {
      await server.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every phase but the mixed workload, on one server at a time. */
async function benchmarkOne(kind: 'ours' | 'peer', options: BenchOptions, log: (line: string) => void): Promise<ServerResults> {
  const started = await startServer(kind, options, log);
  try {
    return await benchmarkServer(started.server, options, log);
  } finally {
    await started.close();
  }
}

/** The mixed workload with every server of `kinds` up at once, taking turns (mixed-workload-benchmark.ts). */
async function benchmarkMixed(kinds: ReadonlyArray<'ours' | 'peer'>, options: BenchOptions, log: (line: string) => void): Promise<Partial<Record<'ours' | 'peer', MixedResults>>> {
  const started: StartedServer[] = [];
  try {
    for (const kind of kinds) started.push(await startServer(kind, options, log));
    const servers = started.map((entry) => entry.server);
    const begun = performance.now();
    const say = (line: string): void => log(`[mixed ${((performance.now() - begun) / 1000).toFixed(0).padStart(4)} s] ${line}`);
    const users = mixedWorkloadUsers(servers[0]!.users, options);
    const results = await measureMixedWorkload(servers, users, { sessions: options.mixedSessions, seconds: options.mixedSeconds, warmupSeconds: options.mixedWarmupSeconds, rounds: options.mixedRounds, seed: options.mixedSeed }, say);
    return Object.fromEntries(servers.map((server, index) => [server.kind, results[index]!]));
  } finally {
    for (const entry of started) await entry.close();
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const log = (line: string): void => console.log(line);
  const host = machine();
  log(`mailswarm bench${options.quick ? ' (--quick)' : ''}: ${host.cpus} × ${host.cpuModel}, ${host.totalMemoryMiB} MiB, node ${host.node}, ${host.platform}, load ${host.loadAverage.join(' ')}`);
  log(`mixed workload: ${options.mixedSessions} sessions, ${options.mixedSeconds} s per server and variant in ${options.mixedRounds} turns after ${options.mixedWarmupSeconds} s warm-up, seed ${options.mixedSeed}`);
  if (!options.mixedOnly) log(`workload: idle sessions ${options.sessionLevels.join('/')}, wake up to ${options.wakeRepeats}×${options.wakeMessages} msgs per level (time box ${options.wakeBudgetSeconds} s), fan-out ${options.fanOutRounds} rounds to ${options.fanOutMembers}, ingest ${options.ingestRepeats}×${options.ingestSenders}×${options.ingestMessagesPerSender} msgs of 4 KiB, ${options.agents} agents`);
  const results: { ours?: ServerResults; peer?: ServerResults } = {};
  const mixed: { ours?: MixedResults; peer?: MixedResults } = {};
  const skipped: Record<string, string> = {};
  const failures: Record<string, string> = {};
  const wanted = (['ours', 'peer'] as const).filter((kind) => options.only === undefined || options.only === kind);
  const kinds: Array<'ours' | 'peer'> = [];
  for (const kind of wanted) {
    const why = kind === 'peer' ? peerUnavailable() : undefined;
    if (why) {
      skipped.peer = `Postfix → Dovecot skipped: ${why}`;
      log(`[peer] ${skipped.peer}`);
    } else kinds.push(kind);
  }
  if (!options.mixedOnly) {
    for (const kind of kinds) {
      try {
        results[kind] = await benchmarkOne(kind, options, log);
      } catch (error) {
        failures[kind] = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`[${kind}] FAILED: ${failures[kind]}`);
        process.exitCode = 1;
      }
    }
  }
  try {
    if (kinds.length > 0) Object.assign(mixed, await benchmarkMixed(kinds, options, log));
  } catch (error) {
    failures.mixed = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`[mixed] FAILED: ${failures.mixed}`);
    process.exitCode = 1;
  }
  if (!mixed.ours && !mixed.peer) {
    log('no server was benchmarked; nothing to tabulate');
    return;
  }
  const table = [results.ours || results.peer ? renderTable(results.ours, results.peer) : undefined, renderMixedTable(mixed.ours, mixed.peer)].filter((part) => part !== undefined).join('\n\n');
  const notes = [results.ours ? `fan-out (ours): ${results.ours.fanOut.method}` : undefined, results.peer ? `fan-out (peer): ${results.peer.fanOut.method}` : undefined, ...Object.values(skipped)].filter((note) => note !== undefined);
  log('');
  log(`Machine: ${host.cpus} cores (${host.cpuModel}), node ${host.node}; peer: ${results.peer?.description ?? (mixed.peer ? 'Postfix → Dovecot' : 'not run')}`);
  log(table);
  for (const note of notes) log(`- ${note}`);
  writeFileSync(options.resultsFile, `${JSON.stringify({ date: new Date().toISOString(), machine: host, options, results, mixed, skipped, failures, table, notes }, null, 2)}\n`);
  log(`\nwrote ${options.resultsFile}`);
}

await main();
