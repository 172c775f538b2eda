// The command sandbox of agent workspaces (run_command, run_tests): `sh -c command` under bubblewrap with the
// workspace read-write, the system read-only, a private /tmp, no network (a private loopback only), the data
// dir hidden, a clean environment, a wall clock that kills the whole process tree, output caps, and process
// and memory limits (a cgroup, else rlimits). Where bubblewrap cannot run, runs are refused unless the config
// says `sandbox: none`. See bubblewrap-arguments.ts for the mounts and process-limits.ts for the limits.
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  bubblewrapArguments,
  discoverNodeInstall,
  discoverSystemMounts,
  isInside,
  resolveHiddenPaths,
  unreadableByOthers,
  type HiddenPath,
  type NodeInstall,
  type SystemMount,
} from './bubblewrap-arguments.ts';
import { CGROUP_JOIN_FAILURE } from './cgroup-limits.ts';
import { formatBytes, formatRunResult } from './format-run-result.ts';
import { findExecutable, probeProcessLimits, type Launch, type ProcessLimiter } from './process-limits.ts';
import { sandboxEnvironment } from './sandbox-environment.ts';
import { superviseProcess, type SupervisedResult } from './supervised-process.ts';

export { formatRunResult };

export type SandboxMode = 'bubblewrap' | 'none';

export interface SandboxLimits {
  timeoutMs: number;
  /** Per stream; the first and last halves are kept. */
  maxOutputBytes: number;
  /** Processes and threads of the command (bubblewrap's own two processes are not counted against it). */
  maxProcesses: number;
  maxMemoryBytes: number;
}

export const defaultSandboxLimits: SandboxLimits = Object.freeze({ timeoutMs: 120_000, maxOutputBytes: 64 * 1024, maxProcesses: 256, maxMemoryBytes: 1024 * 1024 * 1024 });

export interface SandboxStatus {
  mode: SandboxMode;
  available: boolean;
  /** Why runs are refused, or what isolation is missing; undefined when everything holds. */
  reason: string | undefined;
  limitsEnforcedBy: 'cgroup-v1' | 'cgroup-v2' | 'rlimit' | 'none';
  /** One line for the start banner and `mailswarm status`. */
  description: string;
}

export interface SandboxRunRequest {
  /** Absolute; bound read-write at the same absolute path; the command's cwd. */
  workdir: string;
  /** Run with sh -c. */
  command: string;
  /** Extra non-secret variables; names that look like secrets are refused. */
  env?: Record<string, string>;
  limits?: Partial<SandboxLimits>;
  signal?: AbortSignal;
  /** Extra paths bound read-only (e.g. the repository a worktree's .git points to), visible even inside a hidden path (bubblewrap only). */
  readOnlyPaths?: string[];
}

/** The supervised process's result, with what the sandbox adds: why it was killed, and its limits. */
export interface SandboxRunResult extends Omit<SupervisedResult, 'stopped'> {
  killed: 'timeout' | 'memory' | 'aborted' | undefined;
  /** A fork failed at least once because the process limit was reached (cgroups only). */
  processLimitReached: boolean;
  /** The limits this run had. */
  limits: SandboxLimits;
}

export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
}

export interface SandboxOptions {
  mode: SandboxMode;
  /** Never visible inside (e.g. the data dir), even under a bound system directory; the workdir may lie inside. */
  hiddenPaths: string[];
  limits?: Partial<SandboxLimits>;
  /** Default: `bwrap` on PATH. */
  bwrapPath?: string;
}

/** bwrap's outer monitor and its pid-1 reaper live in the run's cgroup too. */
const BUBBLEWRAP_PROCESSES = 2;

export function resolveLimits(base: SandboxLimits, overrides: Partial<SandboxLimits> | undefined): SandboxLimits {
  const limits = { ...base, ...Object.fromEntries(Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined)) };
  if (!Number.isFinite(limits.timeoutMs) || limits.timeoutMs <= 0) throw new Error(`sandbox limits: timeoutMs must be a positive number of milliseconds, got ${JSON.stringify(limits.timeoutMs)}`);
  for (const key of ['maxOutputBytes', 'maxProcesses', 'maxMemoryBytes'] as const) {
    const value = limits[key];
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`sandbox limits: ${key} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return limits;
}

interface BubblewrapSetup {
  path: string;
  systemMounts: SystemMount[];
  node: NodeInstall;
  /** Masked like the hidden paths: files under /etc that only root may read (a root mailswarm's sandbox is uid 0). */
  privateSystemFiles: HiddenPath[];
}

interface SandboxFields {
  status: SandboxStatus;
  limits: SandboxLimits;
  hiddenPaths: string[];
  limiter: ProcessLimiter | undefined;
  bubblewrap: BubblewrapSetup | undefined;
  nodeBinDir: string | undefined;
}

const unavailableStatus = (reason: string): SandboxStatus => ({
  mode: 'bubblewrap',
  available: false,
  reason,
  limitsEnforcedBy: 'none',
  description: `sandbox: UNAVAILABLE (${reason}); run_command and run_tests refuse until bubblewrap works or the config says \`sandbox: none\``,
});

/** The status reason's part about limits: what is missing and why, or undefined when everything holds. */
function limitsReason(limiter: ProcessLimiter): string | undefined {
  const parts = [limiter.gap, limiter.fallbackReason].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function limitsText(limits: SandboxLimits, limiter: ProcessLimiter): string {
  const enforced = limiter.mechanism === 'none' ? 'processes and memory NOT limited' : `${limits.maxProcesses} processes, ${formatBytes(limits.maxMemoryBytes)} memory by ${limiter.description}`;
  const missing = limiter.gap && limiter.mechanism !== 'none' ? `; missing: ${limiter.gap}` : '';
  return `${limits.timeoutMs / 1000} s wall clock, ${formatBytes(limits.maxOutputBytes)} output per stream, ${enforced}${missing}`;
}

function bubblewrapVersion(bwrapPath: string): Promise<string> {
  return promisify(execFile)(bwrapPath, ['--version'], { timeout: 10_000 }).then(({ stdout }) => stdout.trim());
}

export class Sandbox {
  readonly status: SandboxStatus;
  readonly #limits: SandboxLimits;
  readonly #hiddenPaths: string[];
  readonly #limiter: ProcessLimiter | undefined;
  readonly #bubblewrap: BubblewrapSetup | undefined;
  readonly #nodeBinDir: string | undefined;

  private constructor(fields: SandboxFields) {
    this.status = Object.freeze(fields.status);
    this.#limits = fields.limits;
    this.#hiddenPaths = fields.hiddenPaths;
    this.#limiter = fields.limiter;
    this.#bubblewrap = fields.bubblewrap;
    this.#nodeBinDir = fields.nodeBinDir;
  }

  /** Probes bubblewrap and the limit mechanism once. A missing or broken bwrap gives an unavailable status, not an error. */
  static async create(options: SandboxOptions): Promise<Sandbox> {
    const limits = resolveLimits(defaultSandboxLimits, options.limits);
    const hiddenPaths = options.hiddenPaths.map((hidden) => path.resolve(hidden));
    if (options.mode === 'none') {
      const limiter = await probeProcessLimits();
      const uid = process.getuid?.() ?? 0;
      const missing = `no isolation (the config says \`sandbox: none\`): commands run as uid ${uid} with mailswarm's own view of the file system and network, only the environment is clean`;
      const status: SandboxStatus = {
        mode: 'none',
        available: true,
        reason: [missing, limitsReason(limiter)].filter((part) => part !== undefined).join('; '),
        limitsEnforcedBy: limiter.mechanism,
        description: `sandbox: none (configured): commands run WITHOUT isolation; ${limitsText(limits, limiter)}`,
      };
      return new Sandbox({ status, limits, hiddenPaths, limiter, bubblewrap: undefined, nodeBinDir: discoverNodeInstall().binDir });
    }
    if (options.mode !== 'bubblewrap') throw new Error(`sandbox mode must be "bubblewrap" or "none", got ${JSON.stringify(options.mode)}`);
    const unavailable = (reason: string): Sandbox => new Sandbox({ status: unavailableStatus(reason), limits, hiddenPaths, limiter: undefined, bubblewrap: undefined, nodeBinDir: undefined });
    const bwrapPath = findExecutable(options.bwrapPath ?? 'bwrap');
    if (!bwrapPath) return unavailable(options.bwrapPath ? `bubblewrap not found: ${options.bwrapPath} is not an executable file` : 'bubblewrap not found: no bwrap on PATH (install the bubblewrap package)');
    let version: string;
    try {
      version = await bubblewrapVersion(bwrapPath);
    } catch (error) {
      return unavailable(`${bwrapPath} --version failed: ${(error as Error).message}`);
    }
    const limiter = await probeProcessLimits();
    const bubblewrap: BubblewrapSetup = {
      path: bwrapPath,
      systemMounts: discoverSystemMounts(),
      node: discoverNodeInstall(),
      privateSystemFiles: process.getuid?.() === 0 ? unreadableByOthers('/etc') : [],
    };
    const hiddenCount = `${hiddenPaths.length} hidden path${hiddenPaths.length === 1 ? '' : 's'}`;
    const status: SandboxStatus = {
      mode: 'bubblewrap',
      available: true,
      reason: limitsReason(limiter),
      limitsEnforcedBy: limiter.mechanism,
      description: `sandbox: ${version} (workspace read-write, system read-only, private /tmp, no network, ${hiddenCount}); ${limitsText(limits, limiter)}`,
    };
    const sandbox = new Sandbox({ status, limits, hiddenPaths, limiter, bubblewrap, nodeBinDir: bubblewrap.node.binDir });
    const trialFailure = await sandbox.#trialRun();
    return trialFailure === undefined ? sandbox : unavailable(`${bwrapPath} cannot set up the sandbox here: ${trialFailure}`);
  }

  /** Runs `exit 0` in a scratch workspace: proves that bwrap can create its namespaces and mounts here. */
  async #trialRun(): Promise<string | undefined> {
    const workdir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-sandbox-probe-'));
    try {
      const result = await this.run({ workdir, command: 'exit 0', limits: { timeoutMs: 30_000 } });
      return result.exitCode === 0 ? undefined : `a trial command ended with ${result.killed ? `a ${result.killed} kill` : `exit code ${result.exitCode}`}: ${result.stderr.trim()}`;
    } finally {
      rmSync(workdir, { recursive: true, force: true });
    }
  }

  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    if (!this.status.available || !this.#limiter) {
      throw new SandboxUnavailableError(`the command sandbox is unavailable (${this.status.reason}); commands are refused unless the config says \`sandbox: none\``);
    }
    const limits = resolveLimits(this.#limits, request.limits);
    const workdir = this.#resolveWorkdir(request.workdir);
    const environment = sandboxEnvironment({ nodeBinDir: this.#nodeBinDir, extra: request.env });
    const launch = this.#bubblewrap ? this.#bubblewrapLaunch(this.#bubblewrap, request, workdir, environment) : { file: '/bin/sh', args: ['-c', request.command], env: environment, cwd: workdir };
    const confined = this.#limiter.confine({ maxProcesses: limits.maxProcesses + (this.#bubblewrap ? BUBBLEWRAP_PROCESSES : 0), maxMemoryBytes: limits.maxMemoryBytes });
    let supervised: SupervisedResult;
    try {
      supervised = await superviseProcess(confined.wrap(launch), { timeoutMs: limits.timeoutMs, maxOutputBytes: limits.maxOutputBytes, signal: request.signal, killTree: () => confined.killAll() });
    } catch (error) {
      try {
        await confined.release();
      } catch (releaseError) {
        throw new AggregateError([error, releaseError], `sandbox: the command could not be run and its limits could not be released`);
      }
      throw error;
    }
    const outcome = await confined.release();
    if (supervised.exitCode === 125 && supervised.stderr.includes(CGROUP_JOIN_FAILURE)) throw new Error(`sandbox: the command could not be placed under its limits: ${supervised.stderr.trim()}`);
    const { stopped, ...output } = supervised;
    return { ...output, killed: stopped ?? (outcome.memoryLimitHit ? 'memory' : undefined), processLimitReached: outcome.processLimitHit, limits };
  }

  #resolveWorkdir(workdir: string): string {
    if (!path.isAbsolute(workdir)) throw new Error(`sandbox: workdir must be an absolute path, got "${workdir}"`);
    let resolved: string;
    try {
      resolved = realpathSync(workdir);
    } catch (error) {
      throw new Error(`sandbox: workdir ${workdir} cannot be used: ${(error as Error).message}`);
    }
    if (!statSync(resolved).isDirectory()) throw new Error(`sandbox: workdir ${workdir} is not a directory`);
    const exposed = this.#bubblewrap?.systemMounts.find((mount) => isInside(mount.destination, resolved));
    if (exposed) throw new Error(`sandbox: workdir ${workdir} contains the system directory ${exposed.destination}, which would become writable; use a workspace directory`);
    return resolved;
  }

  #bubblewrapLaunch(bubblewrap: BubblewrapSetup, request: SandboxRunRequest, workdir: string, environment: Record<string, string>): Launch {
    const readOnlyPaths = (request.readOnlyPaths ?? []).map((readOnly) => {
      if (!path.isAbsolute(readOnly)) throw new Error(`sandbox: readOnlyPaths entries must be absolute, got "${readOnly}"`);
      return realpathSync(readOnly);
    });
    const options = bubblewrapArguments({
      systemMounts: bubblewrap.systemMounts,
      node: bubblewrap.node,
      hidden: [...resolveHiddenPaths(this.#hiddenPaths), ...bubblewrap.privateSystemFiles],
      workdir,
      readOnlyPaths,
      environment,
    });
    // bwrap clears the environment itself (--clearenv); its own needs none.
    return { file: bubblewrap.path, args: [...options, '--', '/bin/sh', '-c', request.command], env: {}, cwd: '/' };
  }
}
