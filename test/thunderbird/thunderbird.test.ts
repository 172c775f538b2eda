// Proof in a real Thunderbird (Debian's `thunderbird` package on an Xvfb display, driven over Marionette):
// a human on our post office sees the folders and a seeded agent thread, reads a body, marks mail read
// (seen by a separate imapflow session), moves one to Trash, replies to an agent (SMTP submission with
// correct In-Reply-To/References, copy APPENDed to Sent), and tasks an agent running on the offline model,
// whose answer arrives in Thunderbird's INBOX threaded under the human's message. Leaves a screenshot and
// Thunderbird's IMAP/SMTP logs in test-artifacts/thunderbird/. Skipped only when Thunderbird is not
// installed (scripts/install-thunderbird.sh, which CI runs).
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import { silentLogger } from '../../src/logger.ts';
import type { PostOffice } from '../../src/postoffice/post-office.ts';
import { startPostOffice } from '../../src/postoffice/post-office.ts';
import { OfflineModel } from '../../src/providers/offline/offline-model.ts';
import { parseAgentDefinition } from '../../src/swarm/agent-definition.ts';
import { startSwarm, type Swarm } from '../../src/swarm/swarm-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { readMailbox, seedMail, type ServerEndpoint } from './mailbox-probe.ts';
import { artifactsDir, consoleTail, imapLogTail, resetArtifacts, saveArtifact } from './thunderbird-artifacts.ts';
import { ThunderbirdDriver, type MessageRow } from './thunderbird-driver.ts';
import { startProxyTrap, type ProxyTrap } from './proxy-trap.ts';
import { assertDisplayTools, startThunderbird, startXvfb, screenshotDisplay, thunderbirdUnavailable, type ThunderbirdProcess, type VirtualDisplay } from './thunderbird-process.ts';
import { writeThunderbirdProfile } from './thunderbird-profile.ts';

const domain = 'swarm.test';
const human = { name: 'alice', password: 'alice-secret', displayName: 'Alice Human' };
const agents = [
  { name: 'builder', password: 'builder-secret', displayName: 'Builder' },
  { name: 'reviewer', password: 'reviewer-secret', displayName: 'Reviewer' },
];
const at = (name: string) => `${name}@${domain}`;
const login = (account: { name: string; password: string }) => ({ user: at(account.name), password: account.password });
/** Thunderbird keeps Message-IDs without the angle brackets. */
const bare = (messageId: string) => messageId.replace(/^<|>$/g, '');

const unavailable = thunderbirdUnavailable();
const title = unavailable ? `Thunderbird end-to-end (skipped: ${unavailable})` : 'Thunderbird end-to-end';

describe.skipIf(unavailable !== undefined)(title, () => {
  let workDir: string;
  let postOffice: PostOffice | undefined;
  let swarm: Swarm | undefined;
  let display: VirtualDisplay | undefined;
  let thunderbird: ThunderbirdProcess | undefined;
  let driver: ThunderbirdDriver | undefined;
  let proxyTrap: ProxyTrap | undefined;
  let endpoint: ServerEndpoint;
  const mozLogBase = path.join(artifactsDir, 'thunderbird-imap');

  // The seeded thread: the human's task, the builder's answer, the reviewer's answer; plus one unrelated
  // message that the human moves to Trash.
  const stamp = Date.now().toString(36);
  const seeded = {
    task: `<task.${stamp}@${domain}>`,
    builderReply: `<builder-reply.${stamp}@${domain}>`,
    reviewerReply: `<reviewer-reply.${stamp}@${domain}>`,
    lunch: `<lunch.${stamp}@${domain}>`,
  };

  beforeAll(async () => {
    assertDisplayTools();
    resetArtifacts();
    workDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-thunderbird-'));
    const config = configSchema.parse({
      domain,
      host: '127.0.0.1',
      dataDir: path.join(workDir, 'data'),
      agentsDir: path.join(workDir, 'agents'),
      ports: { imap: 0, submission: 0, smtp: 0, web: 0 },
      humans: [human],
    });
    postOffice = await startPostOffice({ config, agents, logger: silentLogger });
    endpoint = { host: postOffice.host, imapPort: postOffice.ports.imap, smtpPort: postOffice.ports.smtp };

    // Only the builder runs (offline model): the reviewer's mailbox receives the human's reply without an
    // answer racing the checks.
    const builder = parseAgentDefinition(`---\nname: builder\ndisplayName: Builder\nmodel: offline\nrole: Builds features\nwake: to\n---\nYou build features.\n`, 'builder.md');
    swarm = await startSwarm({
      agents: [builder],
      server: { host: postOffice.host, imapPort: postOffice.ports.imap, submissionPort: postOffice.ports.submission, doSTARTTLS: false },
      credentials: (name) => login(agents.find((agent) => agent.name === name)!),
      domain,
      humans: [{ address: at(human.name), displayName: human.displayName }],
      createModel: () => new OfflineModel({ id: 'offline' }),
      logger: silentLogger,
    });
    await waitFor(() => swarm!.agents.every((agent) => agent.state() === 'idle'), { what: 'the builder agent to connect and idle', timeoutMs: 30_000 });

    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    await seedMail(endpoint, [
      { envelopeFrom: at('alice'), envelopeTo: [at('alice')], from: `${human.displayName} <${at('alice')}>`, to: `Builder <${at('builder')}>`, subject: 'Build the login page', text: 'Please build the login page, with a remember-me box.', messageId: seeded.task, date: minutesAgo(60) },
      { envelopeFrom: at('builder'), envelopeTo: [at('alice')], from: `Builder <${at('builder')}>`, to: `${human.displayName} <${at('alice')}>`, subject: 'Re: Build the login page', text: 'Started: the form and the remember-me box are in place.', messageId: seeded.builderReply, inReplyTo: seeded.task, references: [seeded.task], date: minutesAgo(40) },
      { envelopeFrom: at('reviewer'), envelopeTo: [at('alice')], from: `Reviewer <${at('reviewer')}>`, to: `${human.displayName} <${at('alice')}>`, subject: 'Re: Build the login page', text: 'Reviewed: looks good, one nit about the field labels.', messageId: seeded.reviewerReply, inReplyTo: seeded.builderReply, references: [seeded.task, seeded.builderReply], date: minutesAgo(20) },
      { envelopeFrom: at('reviewer'), envelopeTo: [at('alice')], from: `Reviewer <${at('reviewer')}>`, to: `${human.displayName} <${at('alice')}>`, subject: 'Lunch on Friday?', text: 'Pizza place at noon?', messageId: seeded.lunch, date: minutesAgo(10) },
    ]);

    proxyTrap = await startProxyTrap();
    const profileDir = writeThunderbirdProfile(path.join(workDir, 'profile'), {
      proxyPort: proxyTrap.port,
      address: at(human.name),
      fullName: human.displayName,
      host: postOffice.host,
      imapPort: postOffice.ports.imap,
      submissionPort: postOffice.ports.submission,
    });
    copyFileSync(path.join(profileDir, 'user.js'), path.join(artifactsDir, 'user.js'));
    display = await startXvfb({ width: 1280, height: 860 });
    thunderbird = startThunderbird({ profileDir, display: display.display, homeDir: path.join(workDir, 'home'), logFile: mozLogBase });
    driver = await ThunderbirdDriver.attach(await thunderbird.marionettePort());
    await driver.layOutWindow();
    await driver.goOnline(human.password);
  }, 180_000);

  afterAll(async () => {
    const stops: Array<[string, (() => Promise<void>) | undefined]> = [
      ['marionette session', driver && (() => driver!.close())],
      ['thunderbird', thunderbird && (() => thunderbird!.stop())],
      ['xvfb', display && (() => display!.stop())],
      ['swarm', swarm && (() => swarm!.stop())],
      ['post office', postOffice && (() => postOffice!.close())],
      ['proxy trap', proxyTrap && (() => proxyTrap!.close())],
    ];
    const failures: string[] = [];
    for (const [name, stop] of stops) {
      try {
        await stop?.();
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    if (thunderbird) saveArtifact('thunderbird-console.log', thunderbird.output());
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (failures.length > 0) throw new Error(`cleanup failed:\n${failures.join('\n')}`);
  }, 60_000);

  /** Runs a step; a failure carries what Thunderbird had open, its last IMAP lines and its SMTP/error log. */
  async function step<T>(name: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      let windows = '(unavailable)';
      try {
        windows = (await driver?.windowsSummary()) ?? windows;
      } catch (summaryError) {
        windows = `(could not list: ${(summaryError as Error).message})`;
      }
      const details = [
        `step "${name}" failed: ${(error as Error).message}`,
        `--- Thunderbird windows ---\n${windows}`,
        `--- last IMAP lines (MOZ_LOG, ${mozLogBase}*) ---\n${imapLogTail(mozLogBase)}`,
        `--- Thunderbird console (SMTP client, errors) ---\n${consoleTail(thunderbird?.output() ?? '')}`,
      ].join('\n');
      throw new Error(details, { cause: error });
    }
  }

  const rowFor = (rows: MessageRow[], messageId: string) => rows.find((row) => row.messageId === bare(messageId));

  /** Polls the displayed message list until `accept` holds; a timeout shows the rows last seen. */
  async function waitForRows(accept: (rows: MessageRow[]) => boolean, what: string, timeoutMs = 30_000): Promise<MessageRow[]> {
    let last: MessageRow[] = [];
    try {
      return await waitFor(
        async () => {
          last = await driver!.messageRows();
          return accept(last) ? last : undefined;
        },
        { what, timeoutMs, intervalMs: 200 },
      );
    } catch (error) {
      const shown = last.map((row) => `  [${row.index}] level ${row.level} parent ${row.parentIndex} ${row.folder} | ${row.sender} | ${row.subject} | <${row.messageId}>`);
      throw new Error(`${(error as Error).message}; the list showed:\n${shown.join('\n') || '  (nothing)'}`, { cause: error });
    }
  }

  it('shows, reads, files, answers and tasks the swarm from Thunderbird', async () => {
    const tb = driver!;

    await step('the folder pane lists INBOX, Sent, Drafts and Trash', async () => {
      const rows = await waitFor(
        async () => {
          const found = await tb.folderPaneRows();
          const leaves = found.map((row) => row.uri.slice(row.uri.lastIndexOf('/') + 1));
          return ['INBOX', 'Sent', 'Drafts', 'Trash'].every((name) => leaves.includes(name)) ? found : undefined;
        },
        { what: 'INBOX, Sent, Drafts and Trash in the folder pane', timeoutMs: 30_000, intervalMs: 200 },
      );
      const names = rows.map((row) => row.name);
      // Thunderbird shows the special folders by their localized names.
      expect(names).toEqual(expect.arrayContaining(['Inbox', 'Sent', 'Drafts', 'Trash']));
    });

    const inboxRows = await step('the message list shows the seeded thread, threaded, with subjects and senders', async () => {
      await tb.openFolder('Inbox');
      const rows = await waitForRows((current) => Object.values(seeded).every((messageId) => rowFor(current, messageId)), 'the four seeded messages in the INBOX list');
      const task = rowFor(rows, seeded.task)!;
      const builderReply = rowFor(rows, seeded.builderReply)!;
      const reviewerReply = rowFor(rows, seeded.reviewerReply)!;
      // Before anything is in an address book, the Sender column shows the whole From address.
      expect(task).toMatchObject({ subject: 'Build the login page', sender: `${human.displayName} <${at('alice')}>`, level: 0 });
      expect(builderReply).toMatchObject({ subject: 'Re: Build the login page', sender: `Builder <${at('builder')}>`, level: 1, parentIndex: task.index });
      expect(reviewerReply).toMatchObject({ subject: 'Re: Build the login page', sender: `Reviewer <${at('reviewer')}>`, level: 2, parentIndex: builderReply.index });
      expect(rowFor(rows, seeded.lunch)).toMatchObject({ subject: 'Lunch on Friday?', sender: `Reviewer <${at('reviewer')}>`, level: 0 });
      expect(rows.map((row) => row.folder)).toEqual(rows.map(() => 'INBOX'));
      return rows;
    });
    expect(inboxRows.every((row) => !row.read)).toBe(true);

    await step('a message body is downloaded and shown in the message pane', async () => {
      await tb.selectMessage(bare(seeded.builderReply));
      const text = await waitFor(async () => {
        const shown = await tb.messagePaneText();
        return shown.includes('the remember-me box are in place') ? shown : undefined;
      }, { what: "the builder's reply body in the message pane", timeoutMs: 30_000, intervalMs: 100 });
      expect(text).toContain('Re: Build the login page');
      // The body came over IMAP into Thunderbird's offline store (BODY.PEEK[] in the MOZ_LOG).
      await waitForRows((rows) => rowFor(rows, seeded.builderReply)?.downloaded === true, "the builder's reply to be in the offline store");
    });

    await step('marking read is visible to an imapflow session', async () => {
      // Displaying the builder's reply marked it read; the task is marked read explicitly.
      const before = await readMailbox(endpoint, login(human), 'INBOX');
      expect(before.find((mail) => mail.messageId === seeded.task)?.flags).not.toContain('\\Seen');
      await tb.markRead(bare(seeded.task));
      await waitFor(async () => {
        const mails = await readMailbox(endpoint, login(human), 'INBOX');
        const seen = (messageId: string) => mails.find((mail) => mail.messageId === messageId)?.flags.includes('\\Seen');
        return seen(seeded.task) && seen(seeded.builderReply);
      }, { what: '\\Seen on the task and the displayed reply on the server', timeoutMs: 30_000, intervalMs: 200 });
    });

    await step('deleting a message moves it to Trash on the server', async () => {
      await tb.deleteMessage(bare(seeded.lunch));
      await waitFor(async () => {
        const inbox = await readMailbox(endpoint, login(human), 'INBOX');
        const trash = await readMailbox(endpoint, login(human), 'Trash');
        return !inbox.some((mail) => mail.messageId === seeded.lunch) && trash.some((mail) => mail.messageId === seeded.lunch);
      }, { what: 'the lunch message in Trash and out of INBOX', timeoutMs: 30_000, intervalMs: 200 });
      await waitFor(async () => !rowFor(await tb.messageRows(), seeded.lunch), { what: 'the lunch message to leave the INBOX list', timeoutMs: 15_000, intervalMs: 100 });
    });

    const replyText = 'Thanks! Please fix the field labels before merging.';
    await step('a reply written in Thunderbird reaches the agent with threading headers and is filed in Sent', async () => {
      await tb.startReply(bare(seeded.reviewerReply));
      const compose = await waitFor(async () => {
        const state = await tb.composeWindow();
        return state.ready ? state : undefined;
      }, { what: 'the reply compose window to be ready', timeoutMs: 30_000, intervalMs: 100 });
      expect(compose.to).toContain(at('reviewer'));
      expect(compose.subject).toBe('Re: Build the login page');
      await tb.typeAndSend(replyText);
      await waitFor(async () => !(await tb.composeWindow()).open, { what: 'the compose window to close after sending', timeoutMs: 30_000, intervalMs: 100 });

      const delivered = await waitFor(async () => (await readMailbox(endpoint, login(agents[1]!), 'INBOX')).find((mail) => mail.text.includes(replyText)), {
        what: "the human's reply in the reviewer's INBOX",
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      expect(delivered.from).toBe(at('alice'));
      expect(delivered.subject).toBe('Re: Build the login page');
      expect(delivered.inReplyTo).toBe(seeded.reviewerReply);
      expect(delivered.references).toEqual([seeded.task, seeded.builderReply, seeded.reviewerReply]);

      const sentCopy = await waitFor(async () => (await readMailbox(endpoint, login(human), 'Sent')).find((mail) => mail.messageId === delivered.messageId), {
        what: "the reply's copy in the human's Sent (APPEND)",
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      expect(sentCopy.flags).toContain('\\Seen');
      // Thunderbird flags the answered message \Answered on the server.
      await waitFor(async () => (await readMailbox(endpoint, login(human), 'INBOX')).find((mail) => mail.messageId === seeded.reviewerReply)?.flags.includes('\\Answered'), {
        what: '\\Answered on the reviewer reply',
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    });

    const newSubject = 'Add a password reset link';
    const humanTask = await step('a new message from Thunderbird to an agent is sent and filed in Sent', async () => {
      await tb.startNewMessage({ to: `Builder <${at('builder')}>`, subject: newSubject, body: 'Please add a password reset link under the login form.' });
      await waitFor(async () => (await tb.composeWindow()).ready, { what: 'the new-message compose window to be ready', timeoutMs: 30_000, intervalMs: 100 });
      await tb.typeAndSend('');
      await waitFor(async () => !(await tb.composeWindow()).open, { what: 'the compose window to close after sending', timeoutMs: 30_000, intervalMs: 100 });
      return waitFor(async () => (await readMailbox(endpoint, login(human), 'Sent')).find((mail) => mail.subject === newSubject), {
        what: "the new message's copy in the human's Sent",
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    });

    const agentAnswer = await step("the agent wakes and its answer shows up in Thunderbird's INBOX", async () => {
      await tb.openFolder('Inbox');
      const rows = await waitForRows(
        (current) => current.some((row) => row.subject === `Re: ${newSubject}` && row.author === `Builder <${at('builder')}>`),
        "the builder's answer in Thunderbird's INBOX (pushed by IDLE)",
        60_000,
      );
      const answer = rows.find((row) => row.subject === `Re: ${newSubject}`)!;
      // Thunderbird collected the agents' addresses when the human wrote to them: the column shows the name.
      expect(answer.sender).toMatch(/^Builder\b/);
      expect(answer.references.at(-1)).toBe(bare(humanTask.messageId));
      return answer;
    });

    await step("the answer is threaded under the human's message in the conversation view", async () => {
      await tb.openConversationView('Conversation');
      const rows = await waitForRows(
        (current) => rowFor(current, agentAnswer.messageId) !== undefined && rowFor(current, humanTask.messageId) !== undefined,
        'the conversation view to list the new message and its answer',
      );
      const question = rowFor(rows, humanTask.messageId)!;
      const answer = rowFor(rows, agentAnswer.messageId)!;
      expect(question).toMatchObject({ level: 0, folder: 'Sent', subject: newSubject });
      expect(answer).toMatchObject({ level: 1, parentIndex: question.index, folder: 'INBOX' });

      // The screenshot: the conversation with the agent's answer open in the message pane.
      await tb.selectMessage(agentAnswer.messageId);
      await waitFor(async () => (await tb.messagePaneText()).includes('offline model'), { what: "the agent's answer in the message pane", timeoutMs: 30_000, intervalMs: 100 });
      const file = path.join(artifactsDir, 'thunderbird-conversation.png');
      screenshotDisplay(display!.display, file);
      expect(statSync(file).size).toBeGreaterThan(10_000);
    });

    await step('Thunderbird made no HTTP(S) request: every internet-bound feature is off', async () => {
      expect(proxyTrap!.requests).toEqual([]);
    });
  }, 240_000);
});
