// The tools a model may call during a turn, as data: name, description, zod parameters and an execute
// function the runtime owns. Mail-sending tools go through deliverExactlyOnce with a Message-ID derived
// from the turn (message-ids.ts), so re-running a turn after a crash cannot send a second copy.
import type { ImapFlow } from 'imapflow';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { TokenUsage, ToolDefinition } from '../providers/model.ts';
import type { TurnWorkspaces } from './agent-workspaces.ts';
import type { Directory } from './directory.ts';
import type { FolderNames } from './mailbox-operations.ts';
import { fetchSource, findByMessageId, searchMails } from './mailbox-operations.ts';
import { deriveMessageId } from './message-ids.ts';
import { deliverExactlyOnce, forwardSubject, replySubject, type DeliveryOutcome, type MailSubmitter, type OutgoingMail } from './outgoing-mail.ts';
import { formatAddress, type MailAddress, type StoredMail } from './parsed-mail.ts';
import { loadThread } from './thread-context.ts';
import { toolSpecs } from './tool-specs.ts';
import { threadRootOf } from './parsed-mail.ts';

export interface TurnToolContext {
  agentName: string;
  self: MailAddress;
  modelId: string;
  client: () => ImapFlow;
  folders: FolderNames;
  submitter: MailSubmitter;
  directory: Directory;
  logger: Logger;
  /** The thread as shown to the model, oldest first. */
  thread: StoredMail[];
  /** The Message-IDs this turn answers: the input of every derived outgoing Message-ID. */
  incomingMessageIds: string[];
  /** The newest mail of the turn that addressed this agent: the default target of `reply`. */
  defaultTarget: StoredMail;
  usageSoFar: () => TokenUsage;
  /** Records what the turn did, for events and logs. */
  outcome: { sentMessageIds: string[]; deliveries: Array<{ messageId: string; outcome: DeliveryOutcome }>; silent: boolean; silentReason: string | undefined };
  /** Ordinal of the next outgoing mail in this turn (part of its derived Message-ID). */
  outgoingCount: number;
  /** The agent's project workspaces for this turn; undefined for agents without projects. */
  workspaces: TurnWorkspaces | undefined;
}

/** A mistake the model can fix (unknown recipient, bad Message-ID): reported back to it as a tool error. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}

export interface SwarmTool<Parameters extends z.ZodObject = z.ZodObject> extends ToolDefinition {
  parameters: Parameters;
  execute(args: z.infer<Parameters>, context: TurnToolContext): Promise<string>;
}

/** Erases a tool's parameter type so tools of different shapes can share one list. */
export function defineTool<Parameters extends z.ZodObject>(tool: SwarmTool<Parameters>): SwarmTool {
  return tool as unknown as SwarmTool;
}

export const swarmTools: SwarmTool[] = [
  defineTool({
    ...toolSpecs.reply,
    async execute(args, context) {
      const target = args.in_reply_to ? findInThread(context, args.in_reply_to) : context.defaultTarget;
      const fromSelf = target.from.some((address) => address.address === context.self.address);
      const sender = fromSelf ? target.to : target.replyTo.length > 0 ? target.replyTo : target.from;
      const extraTo = (args.to ?? []).map((recipient) => context.directory.resolve(recipient));
      const extraCc = (args.cc ?? []).map((recipient) => context.directory.resolve(recipient));
      const replyAll = args.reply_all ?? true;
      const to = uniqueAddresses([...sender, ...(replyAll && !fromSelf ? target.to : []), ...extraTo], [context.self]);
      const cc = uniqueAddresses([...(replyAll ? target.cc : []), ...extraCc], [context.self, ...to]);
      return sendMail(context, {
        to,
        cc,
        subject: replySubject(target.subject),
        text: args.body,
        inReplyTo: target.messageId,
        references: [...target.references.filter((id) => id !== target.messageId), target.messageId],
      });
    },
  }),
  defineTool({
    ...toolSpecs.send,
    async execute(args, context) {
      const to = uniqueAddresses(args.to.map((recipient) => context.directory.resolve(recipient)), [context.self]);
      const cc = uniqueAddresses((args.cc ?? []).map((recipient) => context.directory.resolve(recipient)), [context.self, ...to]);
      return sendMail(context, { to, cc, subject: args.subject, text: args.body, inReplyTo: undefined, references: [] });
    },
  }),
  defineTool({
    ...toolSpecs.forward,
    async execute(args, context) {
      const original = await locateMessage(context, args.message_id);
      const source = await fetchSource(context.client(), original.folder, original.uid);
      const to = uniqueAddresses(args.to.map((recipient) => context.directory.resolve(recipient)), [context.self]);
      const cc = uniqueAddresses((args.cc ?? []).map((recipient) => context.directory.resolve(recipient)), [context.self, ...to]);
      return sendMail(context, {
        to,
        cc,
        subject: forwardSubject(original.mail.subject),
        text: `${args.note ?? ''}\n\n---------- Forwarded message ----------\nFrom: ${original.mail.from.map(formatAddress).join(', ')}\nDate: ${original.mail.date.toUTCString()}\nSubject: ${original.mail.subject}\n\n${original.mail.text}`.trim(),
        inReplyTo: original.mail.messageId,
        // Keeping the References chain lets the forward stay in the same thread for everyone who has it.
        references: [...original.mail.references, original.mail.messageId],
        forwardedOriginal: source,
      });
    },
  }),
  defineTool({
    ...toolSpecs.search_mail,
    async execute(args, context) {
      const query = { ...(args.text ? { text: args.text } : {}), ...(args.from ? { from: args.from } : {}), ...(args.subject ? { subject: args.subject } : {}) };
      const search = Object.keys(query).length > 0 ? query : { all: true };
      const folders = folderList(context.folders, args.folder ?? 'all');
      const found: StoredMail[] = [];
      for (const folder of folders) found.push(...(await searchMails(context.client(), folder, search, args.limit ?? 20)));
      if (found.length === 0) return 'No mail matches.';
      return found
        .sort((left, right) => right.date.getTime() - left.date.getTime())
        .slice(0, args.limit ?? 20)
        .map((mail) => `${mail.messageId} | ${mail.folder} | ${mail.date.toISOString()} | ${mail.from.map(formatAddress).join(', ')} | ${mail.subject}`)
        .join('\n');
    },
  }),
  defineTool({
    ...toolSpecs.read_thread,
    async execute(args, context) {
      const thread = args.message_id
        ? await loadThread(context.client(), context.folders, threadRootOf((await locateMessage(context, args.message_id)).mail))
        : context.thread;
      return thread.map((mail) => renderMail(mail)).join('\n\n');
    },
  }),
  defineTool({
    ...toolSpecs.read_message,
    async execute(args, context) {
      const found = await locateMessage(context, args.message_id);
      return renderMail(found.mail, true);
    },
  }),
  defineTool({
    ...toolSpecs.list_directory,
    async execute(_args, context) {
      return context.directory.render();
    },
  }),
  defineTool({
    ...toolSpecs.no_reply,
    async execute(args, context) {
      context.outcome.silent = true;
      context.outcome.silentReason = args.reason;
      return 'OK: no mail sent.';
    },
  }),
];

export async function sendMail(
  context: TurnToolContext,
  draft: Pick<OutgoingMail, 'to' | 'cc' | 'subject' | 'text' | 'inReplyTo' | 'references' | 'forwardedOriginal'>,
): Promise<string> {
  if (draft.to.length + draft.cc.length === 0) throw new ToolInputError('no recipients left (you cannot mail only yourself)');
  const messageId = deriveMessageId(context.self.address, context.incomingMessageIds, context.outgoingCount);
  context.outgoingCount++;
  const outcome = await deliverExactlyOnce({
    client: context.client(),
    sentFolder: context.folders.sent,
    submitter: context.submitter,
    logger: context.logger,
    mail: { ...draft, from: context.self, messageId, agentName: context.agentName, modelId: context.modelId, usage: context.usageSoFar() },
  });
  context.outcome.sentMessageIds.push(messageId);
  context.outcome.deliveries.push({ messageId, outcome });
  const recipientsText = [...draft.to, ...draft.cc].map((address) => address.address).join(', ');
  return outcome === 'already-sent' ? `Already sent earlier as ${messageId} to ${recipientsText}.` : `Sent ${messageId} to ${recipientsText}.`;
}

function findInThread(context: TurnToolContext, messageId: string): StoredMail {
  const wanted = normaliseReference(messageId);
  const found = context.thread.find((mail) => mail.messageId === wanted);
  if (!found) throw new ToolInputError(`no message ${wanted} in this thread; use read_thread or search_mail to find Message-IDs`);
  return found;
}

export async function locateMessage(context: TurnToolContext, messageId: string): Promise<{ mail: StoredMail; folder: string; uid: number }> {
  const wanted = normaliseReference(messageId);
  for (const folder of folderList(context.folders, 'all')) {
    const located = await findByMessageId(context.client(), folder, wanted);
    if (!located) continue;
    const [mail] = await searchMails(context.client(), folder, { uid: String(located.uid) }, 1);
    if (mail) return { mail, folder, uid: located.uid };
  }
  throw new ToolInputError(`no message ${wanted} in your folders`);
}

export function normaliseReference(messageId: string): string {
  const trimmed = messageId.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

export function folderList(folders: FolderNames, which: string): string[] {
  if (which === 'INBOX') return [folders.inbox];
  if (which === 'Sent') return [folders.sent];
  if (which === 'Archive') return folders.archive ? [folders.archive] : [];
  return [folders.inbox, folders.sent, ...(folders.archive ? [folders.archive] : [])];
}

export function uniqueAddresses(addresses: MailAddress[], exclude: MailAddress[]): MailAddress[] {
  const seen = new Set(exclude.map((address) => address.address.toLowerCase()));
  const result: MailAddress[] = [];
  for (const address of addresses) {
    const key = address.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(address);
  }
  return result;
}

function renderMail(mail: StoredMail, withAttachments = false): string {
  const lines = [
    `Message-ID: ${mail.messageId}`,
    `From: ${mail.from.map(formatAddress).join(', ')}`,
    `To: ${mail.to.map(formatAddress).join(', ')}`,
    `Cc: ${mail.cc.map(formatAddress).join(', ')}`,
    `Date: ${mail.date.toISOString()}`,
    `Subject: ${mail.subject}`,
    '',
    mail.text,
  ];
  for (const attachment of mail.attachments) {
    lines.push(`[attachment ${attachment.filename}, ${attachment.contentType}, ${attachment.size} bytes]`);
    if (withAttachments && attachment.inlineText !== undefined) lines.push(attachment.inlineText);
  }
  return lines.join('\n');
}
