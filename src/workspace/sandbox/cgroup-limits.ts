// Process and memory limits through cgroups, which hold for root too (RLIMIT_NPROC does not): a parent cgroup
// "mailswarm-sandbox" and one child per run. The launcher shell writes its own pid into the child's
// cgroup.procs before it execs anything, so every process of the run is counted and killable as one set.
// cgroup v1: Documentation/admin-guide/cgroup-v1/{pids,memory}.rst (pids.max, memory.limit_in_bytes,
// memory.oom_control); cgroup v2: Documentation/admin-guide/cgroup-v2.rst (pids.max, memory.max,
// memory.events, cgroup.kill, the "no internal processes" rule for cgroup.subtree_control).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ConfinedRun, ConfinementOutcome, Launch, ProcessLimiter, ProcessLimits } from './process-limits.ts';

export const PARENT_CGROUP_NAME = 'mailswarm-sandbox';
const RUN_NAME = /^run-(\d+)-\d+$/;
/** How long a run's cgroup may take to empty after SIGKILL before the run fails loudly. */
const EMPTY_DEADLINE_MS = 10_000;

// Joins each cgroup.procs given as arguments, then execs the real command: nothing runs outside the cgroup.
const JOIN_SCRIPT = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || { echo "mailswarm sandbox: cannot join cgroup $1" >&2; exit 125; }; shift; n=$((n - 1)); done; exec "$@"';
export const CGROUP_JOIN_FAILURE = 'mailswarm sandbox: cannot join cgroup';

export interface CgroupMount {
  mountPoint: string;
  /** The cgroup path the mount shows as its root ("/" unless a container bind-mounted a sub-tree). */
  root: string;
  fsType: 'cgroup' | 'cgroup2';
  superOptions: string[];
}

const unescapeMountField = (field: string): string => field.replace(/\\([0-7]{3})/g, (_match, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));

/** The cgroup mounts listed in /proc/self/mountinfo (proc(5): root is field 4, mount point field 5). */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    const fields = before.split(' ');
    const [fsType, , superOptions] = after.split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    mounts.push({ mountPoint: unescapeMountField(fields[4]!), root: unescapeMountField(fields[3]!), fsType, superOptions: (superOptions ?? '').split(',') });
  }
  return mounts;
}

/** "key value" lines (memory.events, pids.events, memory.oom_control) as a map. */
function readCounters(file: string): Map<string, number> {
  const counters = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) counters.set(key, Number(value));
  }
  return counters;
}

function readProcesses(directory: string): number[] {
  return readFileSync(path.join(directory, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
}

function killProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: it exited between reading cgroup.procs and the kill, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const delay = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));
/** 1, 2, 4 … 50 ms. */
const backoff = (attempt: number): number => Math.min(2 ** attempt, 50);

class CgroupRun implements ConfinedRun {
  readonly #directories: string[];
  readonly #readOutcome: (directories: string[]) => ConfinementOutcome;

  constructor(directories: string[], readOutcome: (directories: string[]) => ConfinementOutcome) {
    this.#directories = directories;
    this.#readOutcome = readOutcome;
  }

  wrap(launch: Launch): Launch {
    const procsFiles = this.#directories.map((directory) => path.join(directory, 'cgroup.procs'));
    return { ...launch, file: '/bin/sh', args: ['-c', JOIN_SCRIPT, 'mailswarm-sandbox-join', String(procsFiles.length), ...procsFiles, launch.file, ...launch.args] };
  }

  killAll(): void {
    for (const directory of this.#directories) {
      const killFile = path.join(directory, 'cgroup.kill');
      // cgroup.kill (v2, Linux 5.14) kills the whole set atomically, so a fork bomb cannot outrun it.
      if (existsSync(killFile)) writeFileSync(killFile, '1');
      else for (const pid of readProcesses(directory)) killProcess(pid);
    }
  }

  /** After the run's main process exited: kills stragglers, waits for the cgroups to empty, removes them. */
  async release(): Promise<ConfinementOutcome> {
    const deadline = Date.now() + EMPTY_DEADLINE_MS;
    // bwrap's pid-1 reaper is often still leaving when the outer bwrap exits: poll fast at first.
    let attempt = 0;
    for (;;) {
      const remaining = this.#directories.flatMap(readProcesses);
      if (remaining.length === 0) break;
      if (Date.now() > deadline) throw new Error(`sandbox: processes ${remaining.join(', ')} are still in ${this.#directories.join(' and ')} ${EMPTY_DEADLINE_MS / 1000} s after SIGKILL`);
      this.killAll();
      await delay(backoff(attempt++));
    }
    const outcome = this.#readOutcome(this.#directories);
    for (const directory of this.#directories) {
      // An emptied cgroup can refuse rmdir (EBUSY) for a moment while its last tasks are released.
      for (;;) {
        try {
          rmdirSync(directory);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EBUSY' || Date.now() > deadline) throw error;
          await delay(backoff(attempt++));
        }
      }
    }
    return outcome;
  }
}

let runCounter = 0;
const nextRunName = (): string => `run-${process.pid}-${++runCounter}`;

interface LimitFile {
  file: string;
  value: string;
  /** Absent on some kernels or configurations (swap accounting off): then skipped, not an error. */
  optional?: boolean;
}

/** Creates the run cgroup directories in order; on failure removes the ones already made. */
function createRunDirectories(setups: Array<{ directory: string; limits: LimitFile[] }>): string[] {
  const created: string[] = [];
  try {
    for (const setup of setups) {
      mkdirSync(setup.directory);
      created.push(setup.directory);
      for (const limit of setup.limits) {
        const file = path.join(setup.directory, limit.file);
        if (!limit.optional || existsSync(file)) writeFileSync(file, limit.value);
      }
    }
  } catch (error) {
    for (const directory of created.reverse()) rmdirSync(directory);
    throw error;
  }
  return created;
}

/** Removes run cgroups left by a mailswarm that died (their pid is gone); busy ones are left for the next start. */
function removeStaleRuns(parent: string): void {
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    const match = entry.isDirectory() ? RUN_NAME.exec(entry.name) : null;
    if (!match || isAlive(Number(match[1]))) continue;
    const directory = path.join(parent, entry.name);
    for (const pid of readProcesses(directory)) killProcess(pid);
    try {
      rmdirSync(directory);
    } catch (error) {
      // Killed processes may not have left yet: harmless, the next start tries again.
      if ((error as NodeJS.ErrnoException).code !== 'EBUSY') throw error;
    }
  }
}

class CgroupV1Limiter implements ProcessLimiter {
  readonly mechanism = 'cgroup-v1' as const;
  readonly gap = undefined;
  readonly fallbackReason = undefined;
  readonly description: string;
  readonly #pidsParent: string;
  readonly #memoryParent: string;

  constructor(pidsParent: string, memoryParent: string) {
    this.#pidsParent = pidsParent;
    this.#memoryParent = memoryParent;
    this.description = `cgroup v1 (${pidsParent}, ${memoryParent})`;
  }

  confine(limits: ProcessLimits): ConfinedRun {
    const name = nextRunName();
    const memory = String(limits.maxMemoryBytes);
    const directories = createRunDirectories([
      { directory: path.join(this.#pidsParent, name), limits: [{ file: 'pids.max', value: String(limits.maxProcesses) }] },
      // memsw (memory + swap) exists only with swap accounting; without it swap could stretch the limit.
      { directory: path.join(this.#memoryParent, name), limits: [{ file: 'memory.limit_in_bytes', value: memory }, { file: 'memory.memsw.limit_in_bytes', value: memory, optional: true }] },
    ]);
    return new CgroupRun(directories, ([pidsDirectory, memoryDirectory]) => ({
      processLimitHit: (readCounters(path.join(pidsDirectory!, 'pids.events')).get('max') ?? 0) > 0,
      memoryLimitHit: (readCounters(path.join(memoryDirectory!, 'memory.oom_control')).get('oom_kill') ?? 0) > 0,
    }));
  }
}

class CgroupV2Limiter implements ProcessLimiter {
  readonly mechanism = 'cgroup-v2' as const;
  readonly gap = undefined;
  readonly fallbackReason = undefined;
  readonly description: string;
  readonly #parent: string;

  constructor(parent: string) {
    this.#parent = parent;
    this.description = `cgroup v2 (${parent})`;
  }

  confine(limits: ProcessLimits): ConfinedRun {
    const directories = createRunDirectories([
      {
        directory: path.join(this.#parent, nextRunName()),
        // memory.oom.group: an OOM kill takes the whole run, not one random process of it.
        limits: [
          { file: 'pids.max', value: String(limits.maxProcesses) },
          { file: 'memory.max', value: String(limits.maxMemoryBytes) },
          { file: 'memory.swap.max', value: '0', optional: true },
          { file: 'memory.oom.group', value: '1', optional: true },
        ],
      },
    ]);
    return new CgroupRun(directories, ([directory]) => {
      const memoryEvents = readCounters(path.join(directory!, 'memory.events'));
      return {
        processLimitHit: (readCounters(path.join(directory!, 'pids.events')).get('max') ?? 0) > 0,
        memoryLimitHit: (memoryEvents.get('oom_kill') ?? 0) > 0 || (memoryEvents.get('oom_group_kill') ?? 0) > 0,
      };
    });
  }
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function cgroupV1Limiter(mounts: CgroupMount[]): ProcessLimiter | string {
  const pidsMount = mounts.find((mount) => mount.fsType === 'cgroup' && mount.superOptions.includes('pids'));
  const memoryMount = mounts.find((mount) => mount.fsType === 'cgroup' && mount.superOptions.includes('memory'));
  if (!pidsMount || !memoryMount) return 'cgroup v1: the pids and memory hierarchies are not both mounted';
  const parents = [path.join(pidsMount.mountPoint, PARENT_CGROUP_NAME), path.join(memoryMount.mountPoint, PARENT_CGROUP_NAME)];
  try {
    for (const parent of parents) {
      mkdirSync(parent, { recursive: true });
      removeStaleRuns(parent);
    }
  } catch (error) {
    return `cgroup v1: ${errorText(error)}`;
  }
  return new CgroupV1Limiter(parents[0]!, parents[1]!);
}

function controllers(file: string): string[] {
  return readFileSync(file, 'utf8').trim().split(/\s+/);
}

/**
 * cgroup v2: our own cgroup's sub-tree when it is delegated to us, else the hierarchy's root. A non-root
 * cgroup that holds processes (ours does) may not enable controllers for children ("no internal processes"),
 * which is the usual failure in a container; then the caller falls back to rlimits.
 */
export function cgroupV2Limiter(mounts: CgroupMount[], selfCgroup: string): ProcessLimiter | string {
  const unified = mounts.find((mount) => mount.fsType === 'cgroup2' && existsSync(path.join(mount.mountPoint, 'cgroup.controllers')));
  if (!unified) return 'cgroup v2: no cgroup2 hierarchy mounted';
  const ownPath = /^0::(.*)$/m.exec(selfCgroup)?.[1];
  const own = ownPath === undefined ? undefined : unified.root === '/' ? ownPath : ownPath.startsWith(unified.root) ? ownPath.slice(unified.root.length) : undefined;
  const bases = [...new Set([...(own !== undefined ? [path.resolve(unified.mountPoint, `.${own}`)] : []), path.resolve(unified.mountPoint)])];
  const failures: string[] = [];
  for (const base of bases) {
    try {
      const available = controllers(path.join(base, 'cgroup.controllers'));
      if (!available.includes('pids') || !available.includes('memory')) {
        failures.push(`${base} offers controllers "${available.join(' ')}", not pids and memory`);
        continue;
      }
      const enabled = controllers(path.join(base, 'cgroup.subtree_control'));
      if (!enabled.includes('pids') || !enabled.includes('memory')) writeFileSync(path.join(base, 'cgroup.subtree_control'), '+pids +memory');
      const parent = path.join(base, PARENT_CGROUP_NAME);
      mkdirSync(parent, { recursive: true });
      writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+pids +memory');
      removeStaleRuns(parent);
      return new CgroupV2Limiter(parent);
    } catch (error) {
      failures.push(`${base}: ${errorText(error)}`);
    }
  }
  return `cgroup v2: ${failures.join('; ')}`;
}
