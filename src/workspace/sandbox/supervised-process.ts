// Runs one process to completion under a wall clock, an abort signal and per-stream output caps. The process
// starts as the leader of its own process group (setsid), so that where no pid namespace or cgroup exists
// (sandbox: none without cgroups) its background jobs still die with it.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CappedOutput } from './capped-output.ts';
import type { Launch } from './process-limits.ts';

export interface SupervisedResult {
  exitCode: number | null;
  signal: string | null;
  /** With "[... N bytes omitted]" where the middle was cut. */
  stdout: string;
  stderr: string;
  stdoutOmittedBytes: number;
  stderrOmittedBytes: number;
  durationMs: number;
  stopped: 'timeout' | 'aborted' | undefined;
}

export interface SupervisionOptions {
  timeoutMs: number;
  maxOutputBytes: number;
  signal: AbortSignal | undefined;
  /** Kills what the process group does not cover (the run's cgroup); called on timeout, abort and exit. */
  killTree: () => void;
}

/**
 * After the main process exited, descendants outside our reach (a `sandbox: none` daemon that left the group)
 * could hold the output pipes open forever: give them this long, then stop reading.
 */
const PIPE_GRACE_MS = 2_000;

function killGroup(leader: number): void {
  try {
    process.kill(-leader, 'SIGKILL');
  } catch (error) {
    // ESRCH: the group is already empty. The number cannot name another group meanwhile: a pid stays
    // reserved while a group of that id has members.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function superviseProcess(launch: Launch, options: SupervisionOptions): Promise<SupervisedResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(launch.file, launch.args, { cwd: launch.cwd, env: launch.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout = new CappedOutput(options.maxOutputBytes);
    const stderr = new CappedOutput(options.maxOutputBytes);
    child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));
    let stopped: SupervisedResult['stopped'];
    let exited = false;
    let settled = false;
    let pipeGrace: NodeJS.Timeout | undefined;

    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      cleanUp();
      reject(error);
    };
    const killEverything = (): void => {
      try {
        if (child.pid !== undefined) killGroup(child.pid);
        options.killTree();
      } catch (error) {
        fail(error);
      }
    };
    const stop = (reason: 'timeout' | 'aborted'): void => {
      if (exited || stopped) return;
      stopped = reason;
      killEverything();
    };
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = (): void => stop('aborted');
    const cleanUp = (): void => {
      clearTimeout(timer);
      clearTimeout(pipeGrace);
      options.signal?.removeEventListener('abort', onAbort);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop('aborted');

    child.once('error', fail);
    child.once('exit', () => {
      exited = true;
      clearTimeout(timer);
      // Whatever the command left running is killed with it, as a pid namespace would.
      killEverything();
      pipeGrace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_GRACE_MS);
    });
    child.once('close', (exitCode, signal) => {
      if (settled) return;
      settled = true;
      cleanUp();
      const out = stdout.finish();
      const err = stderr.finish();
      resolve({
        exitCode,
        signal,
        stdout: out.text,
        stderr: err.text,
        stdoutOmittedBytes: out.omittedBytes,
        stderrOmittedBytes: err.omittedBytes,
        durationMs: performance.now() - started,
        stopped,
      });
    });
  });
}
