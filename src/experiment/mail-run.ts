// One run of an e-mail condition (email-cc, email-direct): the post office and the swarm started by the very
// functions `mailswarm up` uses (openPostOffice, startAgents), with the condition's submission relay between
// every sender and the post office, the task mailed as the human, and the turn scheduler driving the swarm
// until it is quiet, out of time or out of tokens. Before the post office closes, every mailbox is written
// out as an mbox (<run>/mail/) and the held mail is read from the guard rails; after, the audit journal is
// written out as <run>/mail/journal.jsonl.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { listCredentials } from '../postoffice/accounts/account-specs.ts';
import type { MailStoreApi } from '../postoffice/store/store-types.ts';
import { openPostOffice } from '../cli/commands/serve-command.ts';
import { fileInSent, submitAsHuman } from '../cli/human-submission.ts';
import { startAgents } from '../cli/start-agents.ts';
import { addressedByMail, writeMbox, type RunMessage, type RunRecord, type RunTurn } from './run-record.ts';
import { DOMAIN, HUMAN, taskMail, type PreparedRun } from './run-setup.ts';
import { startSubmissionRelay, type RelayedMessage } from './submission-relay.ts';
import { TurnScheduler, type Schedule } from './turn-scheduler.ts';

export async function runMailCondition(run: PreparedRun, schedule: Schedule): Promise<RunRecord> {
  const { config, agents, logger } = run;
  const started = Date.now();
  const postOffice = await openPostOffice(config, agents, logger);
  const closing: Array<() => Promise<void>> = [() => postOffice.close()];
  const closeAll = async () => {
    for (const close of closing.splice(0).reverse()) await close();
  };
  try {
    const relay = await startSubmissionRelay({
      host: '127.0.0.1',
      upstreamPort: postOffice.ports.submission,
      domain: DOMAIN,
      policy: run.spec.condition === 'email-cc' ? 'team-cc' : 'as-addressed',
      listAddresses: [`team@${DOMAIN}`, ...config.lists.map((list) => `${list.name}@${DOMAIN}`)],
    });
    closing.push(() => relay.close());
    const passwords = new Map(listCredentials({ config, agents: agents.map((agent) => ({ name: agent.name })) }).map((entry) => [entry.login, entry]));
    const swarm = await startAgents({
      config,
      agents,
      models: run.models,
      server: { host: '127.0.0.1', imapPort: postOffice.ports.imap, submissionPort: relay.port },
      credentials: (name) => {
        const entry = passwords.get(name.toLowerCase())!;
        return { user: entry.address, password: entry.password };
      },
      logger,
      workspaces: run.workspaces,
    });
    let swarmStopped: Promise<void> | undefined;
    const stopSwarm = () => (swarmStopped ??= swarm.stop());
    closing.push(stopSwarm);
    const scheduler = new TurnScheduler({ swarm, store: postOffice.store, schedule, deadline: started + run.spec.task.spec.timeout * 1000, tokenBudget: run.spec.task.spec.max_tokens });
    const task = taskMail(run.spec.task);
    const human = { host: '127.0.0.1', submissionPort: relay.port, imapPort: postOffice.ports.imap };
    const humanAddress = `${HUMAN.name}@${DOMAIN}`;
    await submitAsHuman(human, humanAddress, HUMAN.password, task.raw, task.recipients);
    await fileInSent(human, humanAddress, HUMAN.password, task.raw);
    const end = await scheduler.run();
    // Stopped before anything is read, so no turn is half done in what is kept.
    await stopSwarm();
    const held = heldMail(config.dataDir);
    exportMailboxes(postOffice.store, [humanAddress, ...agents.map((agent) => `${agent.name}@${DOMAIN}`)], path.join(run.runDir, 'mail'));
    const messages = relay.messages().map(toRunMessage);
    writeMbox(path.join(run.runDir, 'mail', 'all-submitted.mbox'), relay.messages().map((message) => message.raw));
    await closeAll();
    exportJournal(config.dataDir, path.join(run.runDir, 'mail', 'journal.jsonl'));
    return {
      end,
      wallMs: Date.now() - started,
      turns: scheduler.turns.map(
        (turn): RunTurn => ({ agent: turn.agent, outcome: turn.outcome, inputTokens: turn.usage.inputTokens, outputTokens: turn.usage.outputTokens, toolCalls: turn.toolCalls, error: turn.error }),
      ),
      messages,
      addressed: addressedByMail(messages),
      held,
      upstreamOrder: new Map(),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function toRunMessage(message: RelayedMessage): RunMessage {
  return {
    sequence: message.sequence,
    messageId: message.messageId,
    from: localPart(message.account),
    to: message.to.map(localPart),
    cc: message.cc.map(localPart),
    recipients: message.recipients.map(localPart),
    subject: message.subject,
    inReplyTo: message.inReplyTo,
    references: message.references,
    outcome: message.outcome,
    heldRule: message.heldRule,
    raw: message.raw,
  };
}

function localPart(address: string): string {
  return address.toLowerCase().endsWith(`@${DOMAIN}`) ? address.slice(0, address.length - DOMAIN.length - 1).toLowerCase() : address.toLowerCase();
}

/** Every folder of every account as <dir>/<account>/<folder>.mbox (folders with mail only). */
function exportMailboxes(store: MailStoreApi, accounts: string[], dir: string): void {
  for (const account of accounts) {
    for (const mailbox of store.listMailboxes(account)) {
      const messages = store.listMessages(mailbox.id);
      if (messages.length === 0) continue;
      const file = path.join(dir, localPart(account), `${mailbox.name.replace(/[^A-Za-z0-9._-]/g, '_')}.mbox`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeMbox(
        file,
        messages.map((message) => store.getRaw(mailbox.id, message.uid)).filter((raw): raw is Buffer => raw !== undefined),
      );
    }
  }
}

/** The audit journal (table journal_entries of mail.sqlite) as JSON lines, for reading without sqlite; the
 *  database itself stays in data/, where `mailswarm audit verify --data <run>/data` proves the chain. */
function exportJournal(dataDir: string, file: string): void {
  const database = new DatabaseSync(path.join(dataDir, 'mail.sqlite'), { readOnly: true });
  try {
    const rows = database.prepare('SELECT seq, time, envelope, raw_sha256, size, copies, previous_hash, entry_hash FROM journal_entries ORDER BY seq').all();
    writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : ''));
  } finally {
    database.close();
  }
}

/** Held mail by rule, from the guard rails' database (read-only; the post office may still hold it open). */
function heldMail(dataDir: string): Array<{ agent: string; rule: string; messageId: string | null }> {
  const database = new DatabaseSync(path.join(dataDir, 'guards.sqlite'), { readOnly: true });
  try {
    return (database.prepare('SELECT agent, rule, message_id FROM held_messages ORDER BY id').all() as Array<{ agent: string; rule: string; message_id: string | null }>).map((row) => ({
      agent: localPart(row.agent),
      rule: row.rule,
      messageId: row.message_id,
    }));
  } finally {
    database.close();
  }
}
