// Runs the git command line in a deterministic environment: no system or global config, no user attribute
// or ignore files (git-config(1) "FILES", gitattributes(5), gitignore(5) read them from $HOME and
// $XDG_CONFIG_HOME), no inherited GIT_* variables (a GIT_DIR from a surrounding hook would redirect every
// command), C locale, UTC, no pager, no editor, no terminal prompts. Hooks and fsmonitor are switched off on
// every call: an agent can write into its own workspace, and a hook or fsmonitor command planted there would
// otherwise run outside its sandbox the next time mailswarm commits.
import { spawn } from 'node:child_process';

export class GitError extends Error {
  readonly args: string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(args: string[], exitCode: number | null, stderr: string, cwd: string, cause?: unknown) {
    const reason = stderr.trim() || (cause instanceof Error ? cause.message : `exit code ${String(exitCode)}`);
    super(`git ${args.join(' ')} failed in ${cwd}: ${reason}`, cause === undefined ? undefined : { cause });
    this.name = 'GitError';
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export interface RunGitOptions {
  cwd: string;
  /** Added to (and overriding) the deterministic environment, e.g. GIT_COMMITTER_DATE. */
  env?: Record<string, string>;
  input?: string | Buffer;
  /** Resolve with the exit code instead of throwing GitError on a non-zero exit. */
  allowFailure?: boolean;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface GitBytesOutput {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

/** Config passed on every command line: these win over any repository config (git-config(1) "SCOPES"). */
const SAFETY_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

const DETERMINISTIC_ENVIRONMENT: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  // A file path as HOME: ~/.gitconfig, ~/.config/git/{attributes,ignore} and friends can never exist.
  HOME: '/dev/null',
  XDG_CONFIG_HOME: '/dev/null',
  LANG: 'C',
  LC_ALL: 'C',
  LANGUAGE: 'C',
  TZ: 'UTC',
  GIT_PAGER: 'cat',
  PAGER: 'cat',
  GIT_EDITOR: 'true',
  GIT_SEQUENCE_EDITOR: 'true',
  GIT_TERMINAL_PROMPT: '0',
  GIT_ADVICE: '0',
};

export function gitEnvironment(extra: Record<string, string> | undefined): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('GIT_') || name.startsWith('LC_') || name === 'EDITOR' || name === 'VISUAL') continue;
    inherited[name] = value;
  }
  return { ...inherited, ...DETERMINISTIC_ENVIRONMENT, ...extra };
}

/** Runs git and returns stdout as UTF-8 text. */
export async function runGit(args: string[], options: RunGitOptions): Promise<GitOutput> {
  const result = await runGitBytes(args, options);
  return { stdout: result.stdout.toString('utf8'), stderr: result.stderr, exitCode: result.exitCode };
}

/** Runs git and returns stdout as bytes, for output that must not be decoded (patches, file contents). */
export function runGitBytes(args: string[], options: RunGitOptions): Promise<GitBytesOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFETY_CONFIG, ...args], {
      cwd: options.cwd,
      env: gitEnvironment(options.env),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    let stdinError: Error | undefined;
    child.once('error', (error) => {
      const hint = new Error(`could not start git (is git installed, does ${options.cwd} exist?): ${error.message}`);
      reject(new GitError(args, null, '', options.cwd, hint));
    });
    child.once('close', (code) => {
      const stderrText = Buffer.concat(stderr).toString('utf8');
      const exitCode = code ?? -1;
      if (exitCode !== 0 && !options.allowFailure) {
        reject(new GitError(args, code, stderrText, options.cwd));
        return;
      }
      if (exitCode === 0 && stdinError) {
        reject(new GitError(args, code, stderrText, options.cwd, stdinError));
        return;
      }
      resolve({ stdout: Buffer.concat(stdout), stderr: stderrText, exitCode });
    });
    if (options.input !== undefined && child.stdin) {
      // git may exit before reading all its input (e.g. a failing am): then the exit code is the error to
      // report, and EPIPE only matters when git claims success.
      child.stdin.on('error', (error) => {
        stdinError = error;
      });
      child.stdin.end(options.input);
    }
  });
}
