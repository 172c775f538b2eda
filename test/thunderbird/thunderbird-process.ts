// Starts and stops the real processes of the Thunderbird test by pid: an Xvfb virtual display (it picks
// a free display number and reports it on a pipe, -displayfd) and Debian's Thunderbird binary with a given
// profile, Marionette on, and MOZ_LOG capturing the IMAP and SMTP conversation. Also takes a screenshot of
// the display with ImageMagick's `import`. Nothing here sleeps: waits are on events or polled deadlines.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/wait-for.ts';

export const thunderbirdBinary = '/usr/lib/thunderbird/thunderbird';

/** Why the test is skipped (Thunderbird is not installed), or undefined when it runs. */
export function thunderbirdUnavailable(): string | undefined {
  if (!existsSync(thunderbirdBinary)) return `${thunderbirdBinary} is missing (run scripts/install-thunderbird.sh)`;
  return undefined;
}

/** With Thunderbird installed, a missing display or screenshot tool is an installation error, not a skip. */
export function assertDisplayTools(): void {
  for (const tool of ['/usr/bin/Xvfb', '/usr/bin/import']) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: run scripts/install-thunderbird.sh (it installs xvfb and imagemagick)`);
  }
}

export interface StartedProcess {
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited(): boolean;
  /** SIGTERM to the process group, SIGKILL if it is still there after the deadline. */
  stop(timeoutMs?: number): Promise<void>;
}

function track(child: ChildProcess, name: string): StartedProcess {
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;
  let output = '';
  let exitCode: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : 0);
      resolve();
    }),
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return {
    pid,
    output: () => output,
    exited: () => exitCode !== undefined,
    async stop(timeoutMs = 10_000) {
      if (exitCode !== undefined) return;
      // Detached children lead their own process group: -pid reaches their helpers (content processes).
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-pid, signal);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
        }
      };
      signalGroup('SIGTERM');
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
      if ((await Promise.race([exit, timer])) === 'timeout') {
        signalGroup('SIGKILL');
        await exit;
      }
    },
  };
}

export interface VirtualDisplay extends StartedProcess {
  /** The DISPLAY value, e.g. ":99". */
  display: string;
}

export async function startXvfb(options: { width?: number; height?: number } = {}): Promise<VirtualDisplay> {
  const screen = `${options.width ?? 1280}x${options.height ?? 860}x24`;
  const child = spawn('/usr/bin/Xvfb', ['-displayfd', '3', '-screen', '0', screen, '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const started = track(child, 'Xvfb');
  const displayNumber = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb reported no display within 15 s:\n${started.output()}`)), 15_000);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString('ascii');
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited with ${code}:\n${started.output()}`));
    });
  });
  return { ...started, display: `:${displayNumber}` };
}

export interface ThunderbirdProcess extends StartedProcess {
  profileDir: string;
  logFile: string;
  /** Waits for Marionette to write its port into the profile (marionette.port 0 = any free port). */
  marionettePort(timeoutMs?: number): Promise<number>;
}

export function startThunderbird(options: { profileDir: string; display: string; homeDir: string; logFile: string }): ThunderbirdProcess {
  mkdirSync(options.homeDir, { recursive: true });
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const child = spawn(thunderbirdBinary, ['--marionette', '-remote-allow-system-access', '--no-remote', '--new-instance', '--profile', options.profileDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: options.homeDir,
      XDG_CACHE_HOME: path.join(options.homeDir, '.cache'),
      XDG_CONFIG_HOME: path.join(options.homeDir, '.config'),
      DISPLAY: options.display,
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      // The IMAP and SMTP conversation of Thunderbird, line by line, in one file (sync: nothing lost on kill).
      MOZ_LOG: 'IMAP:5,SMTP:5,MsgCopyService:5,timestamp,sync',
      MOZ_LOG_FILE: options.logFile,
      // Gecko's test-harness switch: only loopback connections; it also lets the profile point Remote
      // Settings at a dummy server (release builds ignore services.settings.server otherwise).
      MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1',
      MOZ_CRASHREPORTER_DISABLE: '1',
      MOZ_DISABLE_AUTO_SAFE_MODE: '1',
      MOZ_DBUS_REMOTE: '0',
      NO_AT_BRIDGE: '1',
    },
  });
  const started = track(child, 'thunderbird');
  return {
    ...started,
    profileDir: options.profileDir,
    logFile: options.logFile,
    async marionettePort(timeoutMs = 90_000) {
      const portFile = path.join(options.profileDir, 'MarionetteActivePort');
      const text = await waitFor(
        () => {
          if (started.exited()) return 'exited';
          return existsSync(portFile) ? readFileSync(portFile, 'utf8').trim() || undefined : undefined;
        },
        { what: 'Marionette to listen (MarionetteActivePort)', timeoutMs, intervalMs: 100 },
      );
      if (text === 'exited') throw new Error(`thunderbird exited during start:\n${started.output().slice(-4000)}`);
      return Number(text);
    },
  };
}

/** A PNG of the whole virtual display (Thunderbird's window is the only one on it). */
export function screenshotDisplay(display: string, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const result = spawnSync('/usr/bin/import', ['-display', display, '-window', 'root', file], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`import -window root failed (${result.status}): ${result.stderr}`);
}
