// Runs the commands of docker-compose.yml natively, as CI cannot run Docker: the post office service's
// `mailswarm serve` (through bin/mailswarm.js, the image's entry point), the image's HEALTHCHECK command
// against it, then the agents service's `mailswarm agents` with the compose environment (credentials.json
// and the TLS certificate from the shared data directory, certificate verification on), and a task mailed to
// the inbound port that the agents answer. Only host, ports and paths differ from the containers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { execForm, readCompose, readDockerfile, REPO, targetInstructions } from './docker-files.ts';

const ENTRYPOINT = path.join(REPO, 'bin/mailswarm.js');
const defaults = configSchema.parse({});
const DOMAIN = defaults.domain;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-compose-data-'));
const workDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-compose-cwd-'));
const children: ChildProcess[] = [];

/** The container environment, without any vendor key of this machine (agents fall back to the offline model). */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of Object.keys(env)) if (/_(API_KEY|BASE_URL)$/.test(name)) delete env[name];
  return env;
}

/** A compose command with the container's host, paths and ports replaced by this machine's. */
function nativeArgs(command: string[], replacements: Record<string, string>, extra: string[]): string[] {
  const args = [...command];
  for (const [flag, value] of Object.entries(replacements)) {
    const index = args.indexOf(flag);
    expect(index, `compose command has ${flag}`).toBeGreaterThan(0);
    args[index + 1] = value;
  }
  return [...args, ...extra];
}

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; lines: string[]; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [ENTRYPOINT, ...args], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, stderr: () => stderr, exited };
}

function runHealthcheck(env: Record<string, string>): Promise<number | null> {
  // The post office image's health check (the agents' image has the same one, from the stage both build on).
  const healthcheck = targetInstructions(readDockerfile(), 'postoffice').filter((instruction) => instruction.keyword === 'HEALTHCHECK').at(-1)!.argument;
  const [command, ...args] = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim());
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

// Starting a post office hashes every password with scrypt: slow on a busy two-core CI machine.
describe('docker compose services, run natively', { timeout: 240_000 }, () => {
  const compose = readCompose({});
  const localPaths = { '--data': dataDir, '--agents-dir': path.join(REPO, 'agents') };
  let ports: { imap: number; submission: number; smtp: number };
  let postOffice: ReturnType<typeof start>;

  it('postoffice: `serve` starts, writes credentials.json and the certificate the agents use, and passes the health check', async () => {
    const command = compose.services.postoffice!.command!;
    postOffice = start(nativeArgs(command, { '--host': '127.0.0.1', ...localPaths }, ['--imap-port', '0', '--submission-port', '0', '--smtp-port', '0', '--log-level', 'warn']), childEnv({}));
    const banner = await waitFor(() => postOffice.lines.find((line) => line.includes('Inbound')) && postOffice.lines.join('\n'), {
      what: `the serve banner (stderr: ${postOffice.stderr()})`,
      timeoutMs: 90_000,
    });
    const portOf = (label: string) => Number(new RegExp(`${label}\\s+127\\.0\\.0\\.1:(\\d+)`).exec(banner)![1]);
    ports = { imap: portOf('IMAP'), submission: portOf('Submission'), smtp: portOf('Inbound') };
    for (const port of Object.values(ports)) expect(port).toBeGreaterThan(0);
    expect(existsSync(path.join(dataDir, 'credentials.json'))).toBe(true);
    const agentsEnvironment = compose.services.agents!.environment!;
    expect(existsSync(agentsEnvironment.NODE_EXTRA_CA_CERTS!.replace(/^\/data/, dataDir))).toBe(true);

    expect(await runHealthcheck({ MAILSWARM_IMAP_PORT: String(ports.imap) })).toBe(0);
    expect(await runHealthcheck({ MAILSWARM_IMAP_PORT: String(ports.imap), MAILSWARM_HEALTH_HOST: '127.0.0.1' })).toBe(0);
    expect(await runHealthcheck({ MAILSWARM_IMAP_PORT: String(await closedPort()) })).toBe(1);
  });

  it('agents: `agents` logs in with the shared credentials over verified TLS and answers a mailed task', async () => {
    const service = compose.services.agents!;
    const environment = Object.fromEntries(Object.entries(service.environment!).map(([name, value]) => [name, value.replace(/^\/data\b/, dataDir)]));
    // No DNS alias here: 127.0.0.1 is also in the certificate's SAN, and --tls-reject-unauthorized makes
    // the agents verify it against NODE_EXTRA_CA_CERTS exactly as they verify the domain in the container.
    const args = nativeArgs(service.command!, { '--host': '127.0.0.1', ...localPaths }, ['--imap-port', String(ports.imap), '--submission-port', String(ports.submission), '--log-level', 'warn']);
    const agents = start(args, childEnv(environment));
    await waitFor(() => agents.lines.some((line) => line.startsWith('mailswarm agents running against 127.0.0.1')), { what: `agents start (stderr: ${agents.stderr()})`, timeoutMs: 90_000 });

    const taskId = `<compose-task.${Date.now()}@${DOMAIN}>`;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, tls: { rejectUnauthorized: false } });
    try {
      await transport.sendMail({ from: `human@${DOMAIN}`, to: `builder@${DOMAIN}`, subject: 'Compose smoke task', text: 'Please confirm you are running.', messageId: taskId });
    } finally {
      transport.close();
    }
    const client = new ImapFlow({ host: '127.0.0.1', port: ports.imap, secure: false, auth: { user: `human@${DOMAIN}`, pass: 'human' }, logger: false, tls: { rejectUnauthorized: false } });
    await client.connect();
    try {
      const reply = await waitFor(
        async () => {
          const lock = await client.getMailboxLock('INBOX');
          try {
            const found = await client.search({ header: { 'in-reply-to': taskId } }, { uid: true });
            return found && found.length > 0 ? found : undefined;
          } finally {
            lock.release();
          }
        },
        { what: `the builder's reply (agents stderr: ${agents.stderr()})`, timeoutMs: 90_000, intervalMs: 250 },
      );
      expect(reply.length).toBe(1);
    } finally {
      await client.logout();
    }

    agents.child.kill('SIGTERM');
    postOffice.child.kill('SIGTERM');
    expect(await agents.exited).toBe(0);
    expect(await postOffice.exited).toBe(0);
  });
});
