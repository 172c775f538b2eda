// The text a model sees for a sandboxed run: how it ended and after how long, then stdout and stderr with a
// note of how much was cut. Written for a reader who cannot ask follow-up questions: every kill names its limit.
import os from 'node:os';
import type { SandboxRunResult } from './sandbox.ts';

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return `${value} ${units[unit]}`;
}

function formatDuration(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
}

const signalNames = new Map(Object.entries(os.constants.signals).map(([name, number]) => [number, name]));

function statusLine(result: SandboxRunResult): string {
  const after = `after ${formatDuration(result.durationMs)}`;
  switch (result.killed) {
    case 'timeout':
      return `killed ${after}: the command exceeded its ${result.limits.timeoutMs / 1000} s wall-clock limit; every process it started was killed`;
    case 'memory':
      return `killed ${after}: the command exceeded its ${formatBytes(result.limits.maxMemoryBytes)} memory limit (out-of-memory kill; ${result.exitCode === null ? `signal ${result.signal}` : `exit code ${result.exitCode}`})`;
    case 'aborted':
      return `stopped ${after}: the run was cancelled`;
    case undefined:
      break;
  }
  if (result.exitCode === null) return `terminated by ${result.signal ?? 'an unknown signal'} ${after}`;
  // Shells and bwrap report a child killed by signal N as exit code 128 + N.
  const signal = result.exitCode > 128 ? signalNames.get(result.exitCode - 128) : undefined;
  return `exit code ${result.exitCode}${signal ? ` (killed by ${signal})` : ''} ${after}`;
}

function section(name: 'stdout' | 'stderr', text: string, omittedBytes: number, limit: number): string {
  if (text === '') return `${name}: (empty)`;
  const cut = omittedBytes > 0 ? ` (${omittedBytes} bytes omitted in the middle: ${formatBytes(limit)} per stream are kept)` : '';
  return `${name}${cut}:\n${text.endsWith('\n') ? text.slice(0, -1) : text}`;
}

export function formatRunResult(result: SandboxRunResult): string {
  const lines = [statusLine(result)];
  if (result.processLimitReached) lines.push(`note: the limit of ${result.limits.maxProcesses} processes was reached: at least one fork failed`);
  lines.push(section('stdout', result.stdout, result.stdoutOmittedBytes, result.limits.maxOutputBytes));
  lines.push(section('stderr', result.stderr, result.stderrOmittedBytes, result.limits.maxOutputBytes));
  return lines.join('\n');
}
