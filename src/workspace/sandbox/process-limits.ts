// Chooses, once, how the process and memory limits of sandboxed runs are enforced, and proves the choice with
// a trial run: a cgroup (v2, else v1: holds for root, counts exactly the run's processes), else rlimits through
// prlimit(1) (RLIMIT_NPROC holds only for non-root users, see setrlimit(2); RLIMIT_DATA rather than RLIMIT_AS
// because V8 reserves far more address space than it uses, so Node cannot start under a 1 GiB RLIMIT_AS),
// else nothing, said plainly in the status.
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CGROUP_JOIN_FAILURE, cgroupV1Limiter, cgroupV2Limiter, parseCgroupMounts } from './cgroup-limits.ts';

export type LimitsMechanism = 'cgroup-v1' | 'cgroup-v2' | 'rlimit' | 'none';

export interface ProcessLimits {
  /** Processes and threads, the launcher included. */
  maxProcesses: number;
  maxMemoryBytes: number;
}

/** How to start a process: the limiter wraps it in whatever joins the limits before the command runs. */
export interface Launch {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface ConfinementOutcome {
  memoryLimitHit: boolean;
  processLimitHit: boolean;
}

export interface ConfinedRun {
  wrap(launch: Launch): Launch;
  /** SIGKILL to every process of the run that the mechanism can name (a cgroup's members; else none). */
  killAll(): void;
  /** After the main process exited: no process of the run is left when this resolves. */
  release(): Promise<ConfinementOutcome>;
}

export interface ProcessLimiter {
  readonly mechanism: LimitsMechanism;
  readonly description: string;
  /** What this mechanism does not enforce, if anything (short: it goes into the one-line description). */
  readonly gap: string | undefined;
  /** Why no better mechanism was used (the cgroup attempts), for the status reason. */
  readonly fallbackReason: string | undefined;
  confine(limits: ProcessLimits): ConfinedRun;
}

const NOTHING_HIT: ConfinementOutcome = { memoryLimitHit: false, processLimitHit: false };

const unconfined: ConfinedRun = {
  wrap: (launch) => launch,
  killAll: () => undefined,
  release: async () => NOTHING_HIT,
};

/** Tasks (processes and threads) the user already runs: RLIMIT_NPROC counts them all, not only the run's. */
function countTasksOfUser(uid: number): number {
  let tasks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (statSync(`/proc/${entry}`).uid === uid) tasks += readdirSync(`/proc/${entry}/task`).length;
    } catch (error) {
      // The process exited while we looked: it no longer counts.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return tasks;
}

class RlimitLimiter implements ProcessLimiter {
  readonly mechanism = 'rlimit' as const;
  readonly description: string;
  readonly gap: string | undefined;
  readonly fallbackReason: string;
  readonly #prlimitPath: string;
  readonly #uid: number;

  constructor(prlimitPath: string, uid: number, cgroupFailures: string) {
    this.#prlimitPath = prlimitPath;
    this.#uid = uid;
    this.description = uid === 0 ? 'rlimits via prlimit (RLIMIT_DATA only: root is exempt from RLIMIT_NPROC)' : 'rlimits via prlimit (RLIMIT_NPROC, RLIMIT_DATA)';
    this.gap = uid === 0 ? 'no process limit (mailswarm runs as root, which RLIMIT_NPROC does not limit, and no cgroup is usable)' : undefined;
    this.fallbackReason = `no usable cgroup: ${cgroupFailures}`;
  }

  confine(limits: ProcessLimits): ConfinedRun {
    const options = [`--data=${limits.maxMemoryBytes}`];
    if (this.#uid !== 0) options.push(`--nproc=${limits.maxProcesses + countTasksOfUser(this.#uid)}`);
    return { ...unconfined, wrap: (launch) => ({ ...launch, file: this.#prlimitPath, args: [...options, '--', launch.file, ...launch.args] }) };
  }
}

class NoLimiter implements ProcessLimiter {
  readonly mechanism = 'none' as const;
  readonly description = 'no process or memory limits';
  readonly gap = 'no process or memory limits';
  readonly fallbackReason: string;

  constructor(why: string) {
    this.fallbackReason = why;
  }

  confine(): ConfinedRun {
    return unconfined;
  }
}

export function findExecutable(name: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/') ? [path.resolve(name)] : [...searchPath.split(':').filter(Boolean), '/usr/bin', '/bin'].map((directory) => path.join(directory, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'EACCES') throw error;
    }
  }
  return undefined;
}

/** Runs `true` through the limiter; returns why it failed, or undefined when the process joined its limits. */
async function trialRun(limiter: ProcessLimiter): Promise<string | undefined> {
  let run: ConfinedRun;
  try {
    run = limiter.confine({ maxProcesses: 16, maxMemoryBytes: 256 * 1024 * 1024 });
  } catch (error) {
    // Typically EACCES: the parent cgroup exists (made by root) but this user may not create runs in it.
    return `${limiter.description}: cannot set up a run: ${(error as Error).message}`;
  }
  const launch = run.wrap({ file: '/bin/sh', args: ['-c', 'exit 0'], env: { PATH: '/usr/bin:/bin' }, cwd: '/' });
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(launch.file, launch.args, { cwd: launch.cwd, env: launch.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  }).finally(() => run.release());
  if (result.code === 0) return undefined;
  return `${limiter.description}: a trial process ${result.stderr.includes(CGROUP_JOIN_FAILURE) ? 'could not join its cgroup' : `exited with ${result.code}`}: ${result.stderr.trim()}`;
}

/** Picks the first mechanism that works here; its fallbackReason says why the better ones did not. */
export async function probeProcessLimits(): Promise<ProcessLimiter> {
  const failures: string[] = [];
  const mounts = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
  const candidates = [() => cgroupV2Limiter(mounts, readFileSync('/proc/self/cgroup', 'utf8')), () => cgroupV1Limiter(mounts)];
  for (const candidate of candidates) {
    const limiter = candidate();
    if (typeof limiter === 'string') {
      failures.push(limiter);
      continue;
    }
    const trialFailure = await trialRun(limiter);
    if (trialFailure === undefined) return limiter;
    failures.push(trialFailure);
  }
  const cgroupFailures = failures.join('; ');
  const prlimitPath = findExecutable('prlimit');
  if (!prlimitPath) return new NoLimiter(`no usable cgroup (${cgroupFailures}) and no prlimit(1) on PATH`);
  const limiter = new RlimitLimiter(prlimitPath, process.getuid?.() ?? 0, cgroupFailures);
  const trialFailure = await trialRun(limiter);
  return trialFailure === undefined ? limiter : new NoLimiter(`no usable cgroup (${cgroupFailures}); ${trialFailure}`);
}
