// Runs `mailswarm experiment ...` in a child process for the experiment tests: the real CLI, with no API key
// in its environment (every agent plays its scripted turns), and a deadline long enough for a whole suite.
import { spawn } from 'node:child_process';
import { CLI } from '../cli/run-cli.ts';

export const noKeys = { ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '', GOOGLE_API_KEY: '', GEMINI_API_KEY: '', OPENAI_COMPATIBLE_API_KEY: '' };

export function runExperimentCli(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'experiment', ...args], { env: { ...process.env, ...noKeys, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mailswarm experiment ${args.join(' ')} did not finish in ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
