// Shared pieces of the swarm acceptance tests: agent definition files in a temp dir, a mail backend per
// describe block, a swarm started against a backend, a human that sends over the inbound SMTP port and
// reads its mailbox over IMAP, and a model whose first call blocks on a gate.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll } from 'vitest';
import { createLogger, silentLogger, type Logger } from '../../src/logger.ts';
import type { LanguageModel, ModelRequest, ModelResponse } from '../../src/providers/model.ts';
import { OfflineModel } from '../../src/providers/offline/offline-model.ts';
import { loadAgentDefinitions, type AgentDefinition } from '../../src/swarm/agent-definition.ts';
import type { RetryPolicy } from '../../src/swarm/agent-runtime.ts';
import type { ReconnectPolicy } from '../../src/swarm/mailbox-connection.ts';
import { parseStoredMail, type StoredMail } from '../../src/swarm/parsed-mail.ts';
import { startSwarm, type Swarm } from '../../src/swarm/swarm-runtime.ts';
import type { MailBackend, MailUser } from './mail-backends.ts';

/** The human and the one agent of the single-worker scenarios (each test file picks its own domain). */
export const human: MailUser = { name: 'human', password: 'human-secret' };
export const worker: MailUser = { name: 'worker', password: 'worker-secret' };

/**
 * Starts a backend before the first test of the enclosing `describe` and closes it after the last one.
 * Call it in the `describe` body; the returned function gives the started backend inside a test.
 */
export function useBackend(start: () => Promise<MailBackend>): () => MailBackend {
  let backend: MailBackend | undefined;
  beforeAll(async () => {
    backend = await start();
  });
  afterAll(async () => {
    await backend?.close();
  });
  return () => {
    if (!backend) throw new Error('the backend is not started yet: call the getter inside a test, not in the describe body');
    return backend;
  };
}

export interface AgentFile {
  name: string;
  role: string;
  wake?: string;
  model?: string;
  trust?: string;
}

/** `trust` defaults to including strangers: the kit's human writes through the inbound port (untrusted). */
export function writeAgentsDir(agents: AgentFile[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-agents-'));
  for (const agent of agents) {
    writeFileSync(
      path.join(dir, `${agent.name}.md`),
      `---\nname: ${agent.name}\nmodel: ${agent.model ?? 'offline'}\nrole: ${agent.role}\nwake: ${agent.wake ?? 'to'}\ntrust: ${agent.trust ?? '[humans, peers, strangers]'}\n---\nYou are the ${agent.name} of a small software team.\n`,
    );
  }
  return dir;
}

/** Where the swarm connects: a MailBackend fits, and so does any post office on loopback. */
export interface SwarmServer {
  domain: string;
  host: string;
  imapPort: number;
  submissionPort: number;
}

export interface AgentSwarmOptions {
  /** Agent files to write into a fresh temp dir, or a directory that already holds them. */
  agents: AgentFile[] | string;
  /** Password per agent name; each agent logs in as name@domain. */
  passwords: Record<string, string>;
  humans: Array<{ address: string; displayName?: string }>;
  /** Defaults to the offline model each agent file names. */
  createModel?: (agent: AgentDefinition) => LanguageModel;
  retry?: RetryPolicy;
  reconnect?: ReconnectPolicy;
}

/** Starts the agents against the server with the test logger; the caller stops the returned swarm. */
export function startAgentSwarm(server: SwarmServer, options: AgentSwarmOptions): Promise<Swarm> {
  const agentsDir = typeof options.agents === 'string' ? options.agents : writeAgentsDir(options.agents);
  return startSwarm({
    agents: loadAgentDefinitions(agentsDir),
    server: { host: server.host, imapPort: server.imapPort, submissionPort: server.submissionPort },
    credentials: (name) => {
      const password = options.passwords[name];
      if (password === undefined) throw new Error(`no password for agent ${name} in the test's passwords`);
      return { user: `${name}@${server.domain}`, password };
    },
    domain: server.domain,
    humans: options.humans,
    createModel: options.createModel ?? ((agent) => new OfflineModel({ id: agent.model })),
    logger: testLogger(),
    retry: options.retry,
    reconnect: options.reconnect,
  });
}

/** The single-worker scenario: the kit's `worker` ("Does the work") serving the kit's `human` at the backend's domain. */
export function startWorkerSwarm(backend: MailBackend, options: Pick<AgentSwarmOptions, 'createModel' | 'retry' | 'reconnect'> = {}): Promise<Swarm> {
  return startAgentSwarm(backend, {
    agents: [{ name: worker.name, role: 'Does the work' }],
    passwords: { [worker.name]: worker.password },
    humans: [{ address: `${human.name}@${backend.domain}` }],
    ...options,
  });
}

/** Teardown for a describe block that started a server and a swarm on it: the swarm first, so no agent sees its server vanish. */
export async function stopSwarmAndServer(swarm: Swarm | undefined, server: { close(): Promise<void> } | undefined): Promise<void> {
  await swarm?.stop();
  await server?.close();
}

export interface InboundMail {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
}

/** Delivers mail the way the outside world does: SMTP to the inbound port, no AUTH. */
export async function sendInbound(backend: MailBackend, mail: InboundMail): Promise<void> {
  const transport = nodemailer.createTransport({ host: backend.host, port: backend.smtpPort, secure: false, tls: { rejectUnauthorized: false } });
  try {
    await transport.sendMail({
      from: mail.from,
      to: mail.to,
      cc: mail.cc ?? [],
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      ...(mail.references ? { references: mail.references } : {}),
    });
  } finally {
    transport.close();
  }
}

export interface FolderMail extends StoredMail {
  headers: Map<string, string>;
}

/** Every mail of one folder of one user, parsed, plus the raw header values we assert on. */
export async function readFolder(backend: MailBackend, user: string, password: string, folder = 'INBOX'): Promise<FolderMail[]> {
  const client = new ImapFlow({ host: backend.host, port: backend.imapPort, secure: false, auth: { user, pass: password }, logger: false, tls: { rejectUnauthorized: false }, disableAutoIdle: true });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const found = await client.search({ all: true }, { uid: true });
      if (!found || found.length === 0) return [];
      const messages = await client.fetchAll(found.join(','), { uid: true, flags: true, source: true }, { uid: true });
      const result: FolderMail[] = [];
      for (const message of messages) {
        const mail = await parseStoredMail(message.source!, { folder, uid: message.uid, flags: new Set(message.flags ?? []) });
        const parsed = await simpleParser(message.source!);
        const headers = new Map<string, string>();
        for (const line of parsed.headerLines) headers.set(line.key, line.line.slice(line.line.indexOf(':') + 1).trim());
        result.push({ ...mail, headers });
      }
      return result;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** An offline model whose first `generate` waits until the test opens the gate. */
export class GatedModel implements LanguageModel {
  readonly id = 'offline';
  readonly vendor = 'offline' as const;
  readonly requests: ModelRequest[] = [];
  #inner = new OfflineModel({ id: 'offline' });
  #gate: Promise<void>;
  #open!: () => void;
  #entered!: () => void;
  /** Resolves when the first call is waiting at the gate. */
  readonly entered: Promise<void>;

  constructor() {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
    this.entered = new Promise((resolve) => (this.#entered = resolve));
  }

  open(): void {
    this.#open();
  }

  async generate(request: ModelRequest): Promise<ModelResponse> {
    // The runtime keeps appending to the same messages array: keep a snapshot of what this call saw.
    this.requests.push({ ...request, messages: [...request.messages] });
    if (this.requests.length === 1) {
      this.#entered();
      await this.#gate;
    }
    return this.#inner.generate(request);
  }
}

export function uniqueId(label: string, domain: string): string {
  return `<${label}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}@${domain}>`;
}

/** Silent unless MAILSWARM_TEST_LOG names a pino level (debugging a failing scenario). */
export function testLogger(): Logger {
  const level = process.env.MAILSWARM_TEST_LOG;
  return level ? createLogger(level) : silentLogger;
}
