// Command-line options of `npm run bench` and the workload sizes they select (full run vs --quick smoke).

export interface BenchOptions {
  quick: boolean;
  only: 'ours' | 'peer' | undefined;
  /** Write a V8 CPU profile of our post office child into this directory. */
  cpuProfileDir: string | undefined;
  /** Idle-session levels, ascending; the measured session is one of them. */
  sessionLevels: number[];
  wakeMessages: number;
  wakeWarmup: number;
  /** Time box per session level for the wake runs (all repeats together), warm-up excluded. */
  wakeBudgetSeconds: number;
  /** Repeated wake runs per level; the table shows the median of their percentiles. */
  wakeRepeats: number;
  fanOutMembers: number;
  fanOutRounds: number;
  ingestSenders: number;
  ingestMessagesPerSender: number;
  ingestRepeats: number;
  agents: number;
  /** Only the mixed-workload phases (persistent sessions and login churn), no idle/wake/ingest/agents. */
  mixedOnly: boolean;
  mixedSessions: number;
  mixedSeconds: number;
  mixedWarmupSeconds: number;
  /** Turns per server and variant in the mixed workload (both servers alternate, mixed-workload-benchmark.ts). */
  mixedRounds: number;
  /** Seed of the mixed workload's command choice (printed, so a run's mix can be repeated). */
  mixedSeed: number;
  resultsFile: string;
}

export const USAGE = `usage: npm run bench -- [--quick] [--only ours|peer] [--profile <dir>]
  --quick          short smoke run: 200 messages, 1 and 100 idle sessions, fewer repeats
  --only ours|peer benchmark only our post office or only Postfix → Dovecot
  --profile <dir>  run our post office child under node --cpu-prof, writing the profile into <dir>
  --mixed-only     only the mixed IMAP workload (persistent sessions and login churn)
  --seed <n>       seed of the mixed workload's random command mix
  --rounds <n>     turns each server takes per mixed variant (default 6, --quick 2); 1 runs each server's
                   whole time box in one piece, ours first`;

export function parseBenchOptions(argv: string[]): BenchOptions {
  let quick = false;
  let only: BenchOptions['only'];
  let cpuProfileDir: string | undefined;
  let mixedOnly = false;
  let mixedSeed = Math.floor(Math.random() * 2 ** 31);
  let mixedRounds: number | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--quick') quick = true;
    else if (argument === '--only') {
      const value = argv[++index];
      if (value !== 'ours' && value !== 'peer') throw new Error(`--only takes "ours" or "peer", not ${value === undefined ? 'nothing' : `"${value}"`}\n${USAGE}`);
      only = value;
    } else if (argument === '--profile') {
      cpuProfileDir = argv[++index];
      if (cpuProfileDir === undefined) throw new Error(`--profile needs a directory\n${USAGE}`);
    } else if (argument === '--mixed-only') mixedOnly = true;
    else if (argument === '--seed') {
      const value = argv[++index];
      if (value === undefined || !/^\d+$/.test(value)) throw new Error(`--seed takes a non-negative integer, not ${value === undefined ? 'nothing' : `"${value}"`}\n${USAGE}`);
      mixedSeed = Number(value);
    } else if (argument === '--rounds') {
      const value = argv[++index];
      if (value === undefined || !/^[1-9]\d*$/.test(value)) throw new Error(`--rounds takes a positive integer, not ${value === undefined ? 'nothing' : `"${value}"`}\n${USAGE}`);
      mixedRounds = Number(value);
    } else if (argument === '--help' || argument === '-h') {
      throw new Error(USAGE);
    } else throw new Error(`unknown argument "${argument}"\n${USAGE}`);
  }
  return {
    quick,
    only,
    cpuProfileDir,
    sessionLevels: quick ? [1, 100] : [1, 100, 1000],
    wakeMessages: quick ? 200 : 1000,
    wakeWarmup: quick ? 10 : 50,
    wakeBudgetSeconds: quick ? 15 : 60,
    wakeRepeats: quick ? 1 : 3,
    fanOutMembers: 100,
    fanOutRounds: quick ? 5 : 20,
    ingestSenders: 8,
    ingestMessagesPerSender: quick ? 40 : 60,
    ingestRepeats: quick ? 1 : 3,
    agents: quick ? 20 : 100,
    mixedOnly,
    mixedSessions: 10,
    mixedSeconds: quick ? 10 : 30,
    mixedWarmupSeconds: quick ? 2 : 5,
    mixedRounds: mixedRounds ?? (quick ? 2 : 6),
    mixedSeed,
    resultsFile: new URL('./results.json', import.meta.url).pathname,
  };
}
