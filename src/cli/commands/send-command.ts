// `mailswarm send`: give the swarm a task by ordinary email, as a configured human, through the submission
// port with that human's credentials (so guard rails see an authenticated, trusted sender).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { CliError, loadCliConfig, type GlobalOptions } from '../cli-options.ts';
import { fileInSent, humanServerOf, submitAsHuman } from '../human-submission.ts';

interface SendOptions {
  to: string[];
  cc: string[];
  subject: string;
  from?: string;
  body?: string;
  attach: string[];
  inReplyTo?: string;
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((entry) => entry.trim()).filter(Boolean)];

export function registerSendCommand(program: Command): void {
  program
    .command('send')
    .description('send a task to agents by email; the body is read from standard input unless --body is given')
    .requiredOption('--to <address>', 'recipient: an agent or human name, or a full address (repeatable, comma-separated)', collect, [])
    .option('--cc <address>', 'copy recipient (repeatable, comma-separated)', collect, [])
    .option('-s, --subject <text>', 'subject line', 'Task')
    .option('--from <human>', 'which configured human sends it (default: the first in the config)')
    .option('--body <text>', 'message body (default: standard input)')
    .option('--attach <file>', 'attach a file (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--in-reply-to <message-id>', 'thread the mail under an existing message')
    .addHelpText('after', '\nExample:\n  mailswarm send --to builder --cc reviewer --subject "Add a /health endpoint" < task.txt')
    .action(async (options: SendOptions, command: Command) => {
      const { config } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      const human = options.from ? config.humans.find((entry) => entry.name.toLowerCase() === options.from!.toLowerCase()) : config.humans[0];
      if (!human) throw new CliError(options.from ? `--from ${options.from}: no such human in the config (humans: ${config.humans.map((entry) => entry.name).join(', ')})` : 'the config defines no humans to send as');
      const body = options.body ?? (process.stdin.isTTY ? undefined : readFileSync(0, 'utf8'));
      if (body === undefined || body.trim() === '') throw new CliError('no message body: pipe it on standard input or pass --body "..."');
      const qualify = (name: string) => (name.includes('@') ? name : `${name}@${config.domain}`);
      const sender = `${human.name}@${config.domain}`;
      const recipients = { to: options.to.map(qualify), cc: options.cc.map(qualify) };
      // Built once: the bytes submitted are the bytes filed in Sent, as a mail client does.
      const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
      const raw = await new MailComposer({
        from: human.displayName ? { name: human.displayName, address: sender } : sender,
        ...recipients,
        subject: options.subject,
        text: body,
        messageId: `<${randomUUID()}@${config.domain}>`,
        newline: 'windows', // CRLF as SMTP carries it, so the Sent copy and the delivered copy are the same bytes
        ...(options.inReplyTo ? { inReplyTo: options.inReplyTo, references: options.inReplyTo } : {}),
        attachments: options.attach.map((file) => ({ filename: path.basename(file), path: path.resolve(file) })),
      })
        .compile()
        .build();
      const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1'))?.[1] ?? '(unknown)';
      const server = humanServerOf(config);
      await submitAsHuman(server, sender, human.password, raw, [...recipients.to, ...recipients.cc]);
      console.log(`sent ${messageId} to ${[...recipients.to, ...recipients.cc].join(', ')}`);
      try {
        await fileInSent(server, sender, human.password, raw);
      } catch (error) {
        // The mail went out; only the copy for the human's own mail client is missing. Say so, do not fail.
        console.error(`mailswarm: sent, but could not file a copy in ${sender}'s Sent folder: ${(error as Error).message}`);
      }
    });
}
