// Starts test/postoffice/fixtures/run-post-office.ts as a child process and waits (on its stdout, not by
// sleeping) until it reports its ports; kill9() ends it the hard way, as a crash would.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'run-post-office.ts');

export interface PostOfficeProcess {
  ports: { imap: number; submission: number; smtp: number };
  child: ChildProcess;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function startPostOfficeProcess(dataDir: string): Promise<PostOfficeProcess> {
  const child = spawn(process.execPath, [FIXTURE, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ended = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once('exit', (code, signal) => reject(new Error(`post office exited before it was ready (${code ?? signal}): ${stderr}`)));
    lines.on('line', (line) => {
      const report = JSON.parse(line) as { ready: boolean; ports: PostOfficeProcess['ports'] };
      if (report.ready) resolve({ ports: report.ports, child, kill9: () => ended('SIGKILL'), stop: () => ended('SIGTERM') });
    });
  });
}
