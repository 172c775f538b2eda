// What the compose tests do to a compose project and to the mail it serves: `docker compose` with the shipped
// files plus the host-network override and the test's own timings, waiting for health checks, the containers'
// logs on failure; and mail as the human sends and reads it (SMTP AUTH on the published submission port,
// IMAP), with STARTTLS verified against the certificate the servers keep in their volume.
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { run, type CommandResult, type DockerEngine } from '../helpers/docker-engine.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { REPO } from './docker-files.ts';

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export interface MailPorts {
  imap: number;
  submission: number;
  smtp: number;
}

export interface ComposeProject {
  name: string;
  compose(args: string[], timeoutMs?: number): Promise<CommandResult>;
  /** `docker inspect --format` of a service's container. */
  inspect(service: string, format: string): Promise<string>;
  healthy(service: string): Promise<void>;
  /** The last lines of every container's log, for a failed test's report. */
  logs(): Promise<string>;
}

/**
 * A compose project named `name` over docker-compose.yml + docker-compose.host-network.yml + a test override
 * (2 s health checks: Docker 20.10 has no start_interval; builds on the host network). No .env of the
 * checkout and no vendor key of this machine reach it: the agents run on the offline model.
 */
export function composeProject(options: { engine: DockerEngine; name: string; workDir: string; environment: () => Record<string, string>; healthChecked: string[]; built: string[] }): ComposeProject {
  const override = path.join(options.workDir, `${options.name}.test.yml`);
  const lines = ['services:'];
  for (const service of new Set([...options.built, ...options.healthChecked])) {
    lines.push(`  ${service}:`);
    if (options.built.includes(service)) lines.push('    build:', '      network: host');
    if (options.healthChecked.includes(service)) lines.push('    healthcheck: { interval: 2s, start_period: 120s }');
  }
  writeFileSync(override, `${lines.join('\n')}\n`);
  const emptyEnvFile = path.join(options.workDir, 'empty.env');
  writeFileSync(emptyEnvFile, '');
  const env = (): NodeJS.ProcessEnv => {
    const merged: NodeJS.ProcessEnv = { ...options.engine.env };
    for (const name of Object.keys(merged)) if (/_(API_KEY|BASE_URL)$/.test(name) || name.startsWith('MAILSWARM_')) delete merged[name];
    return { ...merged, ...options.environment() };
  };
  const files = [path.join(REPO, 'docker-compose.yml'), path.join(REPO, 'docker-compose.host-network.yml'), override].flatMap((file) => ['-f', file]);
  const compose = (args: string[], timeoutMs = 300_000) => run('docker', ['compose', '--project-name', options.name, '--env-file', emptyEnvFile, ...files, ...args], { env: env(), cwd: REPO, timeoutMs });
  const inspect = async (service: string, format: string) => {
    const container = (await compose(['ps', '--all', '--quiet', service])).stdout.trim();
    if (!container) throw new Error(`no container for ${service}`);
    return (await run('docker', ['inspect', '--format', format, container], { env: options.engine.env })).stdout.trim();
  };
  return {
    name: options.name,
    compose,
    inspect,
    async healthy(service) {
      await waitFor(async () => (await inspect(service, '{{.State.Health.Status}}')) === 'healthy', { what: `${service} to be healthy`, timeoutMs: 180_000, intervalMs: 500 });
    },
    async logs() {
      const result = await compose(['logs', '--no-color', '--timestamps', '--tail', '300']).catch((error: Error) => ({ stdout: '', stderr: error.message }));
      return `docker compose logs of ${options.name}:\n${result.stdout}\n${result.stderr}`;
    },
  };
}

export interface MailAccess {
  ports: MailPorts;
  domain: string;
  human: { user: string; pass: string };
  /** PEM of the server's STARTTLS certificate (from its volume): the clients verify against it. */
  certificate: string;
}

/** A task mailed as the human through the submission port with SMTP AUTH (STARTTLS required). */
export async function sendTask(access: MailAccess, to: string, subject: string): Promise<string> {
  const messageId = `<${subject.replace(/\W+/g, '-').toLowerCase()}.${Date.now()}@${access.domain}>`;
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: access.ports.submission, secure: false, requireTLS: true, auth: access.human, tls: { ca: access.certificate } });
  try {
    await transport.sendMail({ from: access.human.user, to: `${to}@${access.domain}`, subject, text: 'Please confirm you are running in a container.', messageId });
  } finally {
    transport.close();
  }
  return messageId;
}

async function withInbox<T>(access: MailAccess, use: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: '127.0.0.1', port: access.ports.imap, secure: false, doSTARTTLS: true, auth: access.human, logger: false, tls: { ca: access.certificate } });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.logout();
  }
}

/** Waits for the human's INBOX to hold a reply to `messageId`; returns the replies' UIDs and the first one's thread headers. */
export function repliesTo(access: MailAccess, messageId: string): Promise<{ uids: number[]; references: string; subject: string }> {
  return withInbox(access, (client) =>
    waitFor(
      async () => {
        const lock = await client.getMailboxLock('INBOX');
        try {
          const uids = (await client.search({ header: { 'in-reply-to': messageId } }, { uid: true })) || [];
          if (uids.length === 0) return undefined;
          const message = await client.fetchOne(String(uids[0]), { envelope: true, headers: ['references'] }, { uid: true });
          return message ? { uids, references: message.headers?.toString() ?? '', subject: message.envelope?.subject ?? '' } : undefined;
        } finally {
          lock.release();
        }
      },
      { what: `a reply to ${messageId}`, timeoutMs: 180_000, intervalMs: 500 },
    ),
  );
}

export function inboxState(access: MailAccess): Promise<{ uidValidity: string; uids: number[] }> {
  return withInbox(access, async (client) => {
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
    const uids = (await client.search({ all: true }, { uid: true })) || [];
    return { uidValidity: String(mailbox.uidValidity), uids };
  });
}
