// Shared set-up of the "agents that code" tests: a project (plain files committed once), the embedded post
// office with a human and scripted agents that work on the project, its upstream and the sandbox, all in one
// temp dir; plus the human's side: submission with AUTH, and reading INBOX raw over IMAP.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createLogger, silentLogger } from '../../src/logger.ts';
import { createModel } from '../../src/providers/create-model.ts';
import { loadAgentDefinitions } from '../../src/swarm/agent-definition.ts';
import type { WorkspaceSettings } from '../../src/swarm/agent-workspaces.ts';
import { startSwarm, type Swarm } from '../../src/swarm/swarm-runtime.ts';
import { importPlainFiles } from '../../src/workspace/plain-files-import.ts';
import { ensureUpstream } from '../../src/workspace/project-upstream.ts';
import { Sandbox, type SandboxLimits } from '../../src/workspace/sandbox/sandbox.ts';
import { startPostOfficeBackend, type MailBackend } from '../swarm/mail-backends.ts';

export const domain = 'code.test';
export const human = { name: 'human', password: 'human-secret', address: `human@${domain}` };

export interface ScriptedAgent {
  name: string;
  displayName?: string;
  wake?: 'to' | 'to+cc' | 'all';
  maintainer?: boolean;
  /** The scripted model's YAML (turns: ...), or a function of facts only known once the servers run. */
  turns: string | ((facts: { dataDir: string; imapPort: number }) => string);
}

export interface CodeSwarm {
  directory: string;
  backend: MailBackend;
  dataDir: string;
  upstreamPath: string;
  swarm: Swarm;
  settings: WorkspaceSettings;
  stop(): Promise<void>;
}

export async function startCodeSwarm(options: { agents: ScriptedAgent[]; files: Record<string, string>; test: string; sandbox?: Partial<SandboxLimits> }): Promise<CodeSwarm> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-code-'));
  const filesDir = path.join(directory, 'files');
  for (const [name, content] of Object.entries(options.files)) {
    mkdirSync(path.dirname(path.join(filesDir, name)), { recursive: true });
    writeFileSync(path.join(filesDir, name), content);
  }
  const sourcePath = path.join(directory, 'source');
  await importPlainFiles({ sourceDir: filesDir, repositoryPath: sourcePath, message: 'Import demo' });
  const passwords = Object.fromEntries(options.agents.map((agent) => [agent.name, `${agent.name}-secret`]));
  const backend = await startPostOfficeBackend(domain, { name: human.name, password: human.password }, options.agents.map((agent) => ({ name: agent.name, password: passwords[agent.name]! })));
  // The post office keeps its data in a temp dir of its own; workspaces and upstream go in ours.
  const dataDir = path.join(directory, 'data');
  const agentsDir = path.join(directory, 'agents');
  mkdirSync(agentsDir);
  for (const agent of options.agents) {
    writeFileSync(path.join(agentsDir, `${agent.name}.yaml`), typeof agent.turns === 'string' ? agent.turns : agent.turns({ dataDir, imapPort: backend.imapPort }));
    writeFileSync(
      path.join(agentsDir, `${agent.name}.md`),
      [
        '---',
        `name: ${agent.name}`,
        ...(agent.displayName ? [`displayName: ${agent.displayName}`] : []),
        `model: scripted:${agent.name}.yaml`,
        `role: works on the demo project`,
        `wake: ${agent.wake ?? 'to'}`,
        'projects: [demo]',
        'maxToolStepsPerTurn: 40',
        `maintainer: ${agent.maintainer ?? false}`,
        '---',
        `You are ${agent.name}.`,
        '',
      ].join('\n'),
    );
  }
  const upstreamPath = path.join(dataDir, 'projects', 'demo.git');
  await ensureUpstream({ sourcePath, upstreamPath });
  mkdirSync(path.join(dataDir, 'workspaces'), { recursive: true });
  mkdirSync(path.join(dataDir, 'scratch'), { recursive: true });
  writeFileSync(path.join(dataDir, 'credentials.json'), JSON.stringify({ agents: passwords }));
  const sandbox = await Sandbox.create({ mode: 'bubblewrap', hiddenPaths: [dataDir], limits: options.sandbox ?? {} });
  const settings: WorkspaceSettings = {
    projects: [{ name: 'demo', upstreamPath, test: options.test, setup: undefined }],
    workspacesDir: path.join(dataDir, 'workspaces'),
    scratchDir: path.join(dataDir, 'scratch'),
    sandbox,
    commitDates: 'logical',
  };
  const logger = process.env.MAILSWARM_TEST_LOG ? createLogger(process.env.MAILSWARM_TEST_LOG) : silentLogger;
  const swarm = await startSwarm({
    agents: loadAgentDefinitions(agentsDir),
    server: { host: backend.host, imapPort: backend.imapPort, submissionPort: backend.submissionPort },
    credentials: (name) => ({ user: `${name}@${domain}`, password: passwords[name]! }),
    domain,
    humans: [{ address: human.address }],
    createModel: (agent) => createModel(agent.model, { allowOfflineFallback: false, baseDir: agentsDir }).model,
    logger,
    workspaces: settings,
  });
  return {
    directory,
    backend,
    dataDir,
    upstreamPath,
    swarm,
    settings,
    async stop() {
      await swarm.stop();
      await backend.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Submits raw bytes as the human (SMTP AUTH on the submission port), as `git send-email` does. */
export async function submitAsHuman(backend: MailBackend, raw: Buffer | string, recipients: string[]): Promise<void> {
  const transport = nodemailer.createTransport({ host: backend.host, port: backend.submissionPort, secure: false, ignoreTLS: true, auth: { user: human.address, pass: human.password } });
  try {
    await transport.sendMail({ envelope: { from: human.address, to: recipients }, raw: Buffer.isBuffer(raw) ? raw : Buffer.from(raw) });
  } finally {
    transport.close();
  }
}

export interface InboxMail {
  uid: number;
  source: Buffer;
  parsed: ParsedMail;
}

/** Every mail in the human's INBOX, oldest first, raw and parsed. */
export async function readHumanInbox(backend: Pick<MailBackend, 'host' | 'imapPort'>, account = { user: human.address, password: human.password }): Promise<InboxMail[]> {
  const client = new ImapFlow({ host: backend.host, port: backend.imapPort, secure: false, doSTARTTLS: false, auth: { user: account.user, pass: account.password }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const mails: InboxMail[] = [];
      if ((client.mailbox !== false && client.mailbox.exists === 0)) return mails;
      for await (const message of client.fetch('1:*', { uid: true, source: true })) {
        if (!message.source) continue;
        mails.push({ uid: message.uid, source: message.source, parsed: await simpleParser(message.source) });
      }
      return mails.sort((left, right) => left.uid - right.uid);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}
