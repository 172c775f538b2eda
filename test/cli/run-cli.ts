// Runs the real `mailswarm` CLI in a child process for tests: one-shot commands with their output, and
// long-running ones (`up`, `serve`) whose banner is parsed for the ports they bound. Stopped by pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
export const REPO = path.dirname(path.dirname(path.dirname(CLI)));

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  ports: { imap: number; submission: number; smtp: number };
  stop(): Promise<void>;
}

/** Starts a long-running command and resolves once its banner has printed the ports. */
export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`mailswarm ${args.join(' ')} printed no banner in time.\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`));
    }, options.timeoutMs ?? 30_000);
    const check = () => {
      const port = (label: string) => Number(new RegExp(`${label}\\s+[^\\s:]+:(\\d+)`).exec(stdout)?.[1]);
      const ports = { imap: port('IMAP'), submission: port('Submission'), smtp: port('Inbound') };
      if (ports.imap && ports.submission && ports.smtp) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve({ child, stdout: () => stdout, stderr: () => stderr, ports, stop });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`mailswarm ${args.join(' ')} exited (${code ?? signal}) before its banner.\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`));
    });
  });
}
