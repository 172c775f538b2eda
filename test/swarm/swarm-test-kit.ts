// Shared pieces of the swarm acceptance tests: agent definition files in a temp dir, a human that sends
// over the inbound SMTP port and reads its mailbox over IMAP, and a model whose first call blocks on a gate.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { createLogger, silentLogger, type Logger } from '../../src/logger.ts';
import type { LanguageModel, ModelRequest, ModelResponse } from '../../src/providers/model.ts';
import { OfflineModel } from '../../src/providers/offline/offline-model.ts';
import { parseStoredMail, type StoredMail } from '../../src/swarm/parsed-mail.ts';
import type { MailBackend } from './mail-backends.ts';

/** `trust` defaults to including strangers: the kit's human writes through the inbound port (untrusted). */
export function writeAgentsDir(agents: Array<{ name: string; role: string; wake?: string; model?: string; trust?: string }>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-agents-'));
  for (const agent of agents) {
    writeFileSync(
      path.join(dir, `${agent.name}.md`),
      `---\nname: ${agent.name}\nmodel: ${agent.model ?? 'offline'}\nrole: ${agent.role}\nwake: ${agent.wake ?? 'to'}\ntrust: ${agent.trust ?? '[humans, peers, strangers]'}\n---\nYou are the ${agent.name} of a small software team.\n`,
    );
  }
  return dir;
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
