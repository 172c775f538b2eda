// Code travels by mail as it has for decades: send_patch mails the agent's commits as `git format-patch`
// made them (one [PATCH] mail, or a [PATCH 0/N] cover letter with each [PATCH k/N] threaded under it), and
// apply_patch takes a patch or a whole series from the agent's mailbox, collects the review trailers of its
// thread as b4 does (a trailer under one patch is for that patch, under the cover letter for all), and
// applies it with `git am -3` to the agent's workspace or, for maintainers, to upstream, answering the thread
// with "Applied, thanks" and the commit ids. Conventions: ../../shared/notes/patch-mail.md, RFC 5322 3.6.4.
import type { SearchObject } from 'imapflow';
import { applyPatchMails } from '../workspace/patch-apply.ts';
import { formatPatchSeries, patchBodyForSender, type PatchMailPart } from '../workspace/patch-series.ts';
import { collectReviewTrailers } from '../workspace/review-trailers.ts';
import { fetchSource, searchMails } from './mailbox-operations.ts';
import { deriveMessageId } from './message-ids.ts';
import { deliverExactlyOnce, replySubject } from './outgoing-mail.ts';
import { formatAddress, type StoredMail } from './parsed-mail.ts';
import { buildPatchMail } from './patch-mail.ts';
import { folderList, locateMessage, normaliseReference, sendMail, ToolInputError, uniqueAddresses, type SwarmTool, type TurnToolContext } from './tools.ts';
import { toolSpecs } from './tool-specs.ts';
import { defineCodeTool, turnWorkspaces, useWorkspace } from './workspace-tools.ts';

/** `[PATCH]`, `[PATCH v2 3/5]`, `[RFC PATCH 0/2]`: version and position of a patch mail. */
export function patchPosition(subject: string): { version: number; index: number; total: number } | undefined {
  // "Re: [PATCH] ..." is a review of a patch, not a patch.
  if (/^\s*(re|aw|sv)\s*:/i.test(subject)) return undefined;
  const match = /\[(?:[^\]]*\s)?PATCH(?:\s+v(\d+))?(?:\s+(\d+)\/(\d+))?\s*\]/i.exec(subject);
  if (!match) return undefined;
  return { version: Number(match[1] ?? 1), index: Number(match[2] ?? 1), total: Number(match[3] ?? 1) };
}

export const patchTools: SwarmTool[] = [
  defineCodeTool({
    ...toolSpecs.send_patch,
    async execute(args, context) {
      const { workspace, withNotes } = await useWorkspace(context, args.project);
      const parts = await formatPatchSeries(workspace, { ...(args.version ? { version: args.version } : {}), ...(args.subject ? { coverSubject: args.subject } : {}), ...(args.body ? { coverBody: args.body } : {}) });
      const to = uniqueAddresses(args.to.map((recipient) => context.directory.resolve(recipient)), [context.self]);
      const cc = uniqueAddresses((args.cc ?? []).map((recipient) => context.directory.resolve(recipient)), [context.self, ...to]);
      if (to.length + cc.length === 0) throw new ToolInputError('no recipients left (you cannot mail only yourself)');
      const anchorId = args.in_reply_to ? normaliseReference(args.in_reply_to) : (args.version ?? 1) > 1 ? context.defaultTarget.messageId : undefined;
      const anchorChain = anchorId ? [...(await referencesOf(context, anchorId)), anchorId] : [];
      const messageIds = parts.map(() => deriveMessageId(context.self.address, context.incomingMessageIds, context.outgoingCount++));
      const sent: string[] = [];
      for (const [position, part] of parts.entries()) {
        const messageId = messageIds[position]!;
        const raw = buildPatchMail({
          from: context.self,
          to,
          cc,
          subject: part.subject,
          messageId,
          inReplyTo: position === 0 ? anchorId : messageIds[0],
          references: position === 0 ? anchorChain : [...anchorChain, messageIds[0]!],
          mimeHeaders: part.headers,
          body: patchMailBody(part, parts.length === 1 ? args.body : undefined, { name: context.self.name || context.agentName, email: context.self.address }),
          date: new Date(),
          agentName: context.agentName,
          modelId: context.modelId,
          usage: context.usageSoFar(),
        });
        const outcome = await deliverExactlyOnce({ client: context.client(), sentFolder: context.folders.sent, submitter: context.submitter, logger: context.logger, mail: { from: context.self, to, cc, messageId, raw } });
        context.outcome.sentMessageIds.push(messageId);
        context.outcome.deliveries.push({ messageId, outcome });
        sent.push(`${messageId} ${part.subject}`);
      }
      const recipientsText = [...to, ...cc].map((address) => address.address).join(', ');
      return withNotes(`Sent ${parts.length} mail(s) to ${recipientsText}:\n${sent.join('\n')}`);
    },
  }),
  defineCodeTool({
    ...toolSpecs.apply_patch,
    async execute(args, context) {
      const workspaces = turnWorkspaces(context);
      if (args.upstream && !workspaces.agent.maintainer) {
        throw new ToolInputError('only maintainers may apply to upstream: apply it to your workspace (leave out upstream) or ask a maintainer');
      }
      const { project, workspace, withNotes } = await useWorkspace(context, args.project);
      const series = await locateSeries(context, args.message_id);
      const trailers = collectReviewTrailers({
        coverMessageId: series.cover?.mail.messageId,
        patchMessageIds: series.patches.map((patch) => patch.mail.messageId),
        thread: (await repliesTo(context, [...(series.cover ? [series.cover.mail] : []), ...series.patches.map((patch) => patch.mail)])).map((mail) => ({
          messageId: mail.messageId,
          inReplyTo: mail.inReplyTo,
          references: mail.references,
          text: mail.text,
          from: mail.from.map(formatAddress).join(', '),
        })),
      });
      if (args.upstream && trailers.naks.length > 0) {
        throw new ToolInputError(`not applied: the series was NAKed (${trailers.naks.map((nak) => `${nak.messageId}: ${nak.line}`).join('; ')})`);
      }
      const mails: Buffer[] = [];
      for (const patch of series.patches) mails.push(await fetchSource(context.client(), patch.folder, patch.uid));
      const result = await applyPatchMails({
        target: args.upstream
          ? { kind: 'upstream', upstreamPath: project.upstreamPath, scratchDir: workspaces.agent.settings.scratchDir, committer: { name: context.self.name || context.agentName, email: context.self.address } }
          : { kind: 'workspace', workspace },
        mails,
        trailers: trailers.perPatch,
        commitDates: workspaces.agent.settings.commitDates,
      });
      if (result.status === 'conflict') {
        throw new ToolInputError(`patch ${result.patchIndex + 1} of ${series.patches.length} does not apply (nothing was applied): ${result.detail}`);
      }
      const summary = appliedCommitsSummary(result.commits);
      const where = args.upstream ? `${project.name} upstream` : `your workspace of ${project.name}`;
      if (!args.upstream) return withNotes(`Applied to ${where}:\n${summary}`);
      const head = series.cover ?? series.patches[0]!;
      const answer = await sendMail(context, {
        to: head.mail.replyTo.length > 0 ? head.mail.replyTo : head.mail.from,
        cc: uniqueAddresses([...head.mail.to, ...head.mail.cc], [context.self, ...head.mail.from]),
        subject: replySubject(head.mail.subject),
        text: `Applied to ${project.name} upstream, thanks!\n\n${summary}\n`,
        inReplyTo: head.mail.messageId,
        references: [...head.mail.references.filter((id) => id !== head.mail.messageId), head.mail.messageId],
      });
      return withNotes(`Applied to ${where}:\n${summary}\n${answer}`);
    },
  }),
];

/** The mail body of one part of a series as `sender` sends it; `note` (a single patch's) goes below its "---". */
export function patchMailBody(part: PatchMailPart, note: string | undefined, sender: { name: string; email: string }): string {
  const body = part.kind === 'patch' ? patchBodyForSender(part, sender) : part.body;
  if (note === undefined || note.trim() === '') return body;
  // Text between "---" and the diffstat is read by people and ignored by `git am`.
  const separator = body.indexOf('\n---\n');
  if (separator < 0) return body;
  const cut = separator + '\n---\n'.length;
  return `${body.slice(0, cut)}${note.trim()}\n\n${body.slice(cut)}`;
}

/** b4's "Applied" list: one entry per commit, its subject and short id. */
export function appliedCommitsSummary(commits: Array<{ sha: string; subject: string }>): string {
  return commits.map((commit, index) => `[${index + 1}/${commits.length}] ${commit.subject}\n      commit: ${commit.sha.slice(0, 12)}`).join('\n');
}

/** The References chain of a mail we know (the turn's thread first, then the mailbox), without itself. */
async function referencesOf(context: TurnToolContext, messageId: string): Promise<string[]> {
  const known = context.thread.find((mail) => mail.messageId === messageId);
  if (known) return known.references.filter((id) => id !== messageId);
  try {
    const located = await locateMessage(context, messageId);
    return located.mail.references.filter((id) => id !== messageId);
  } catch (error) {
    if (error instanceof ToolInputError) throw new ToolInputError(`in_reply_to: ${error.message}`);
    throw error;
  }
}

interface LocatedMail {
  mail: StoredMail;
  folder: string;
  uid: number;
}

/** The named patch alone, or, for a cover letter, every [PATCH k/N] of its version threaded under it. */
async function locateSeries(context: TurnToolContext, messageId: string): Promise<{ cover: LocatedMail | undefined; patches: LocatedMail[] }> {
  const named = await locateMessage(context, messageId);
  const position = patchPosition(named.mail.subject);
  if (!position) throw new ToolInputError(`${named.mail.messageId} ("${named.mail.subject}") is not a patch mail: its subject has no [PATCH] tag`);
  if (position.index !== 0) return { cover: undefined, patches: [named] };
  const byIndex = new Map<number, LocatedMail>();
  for (const folder of folderList(context.folders, 'all')) {
    for (const mail of await searchMails(context.client(), folder, { header: { 'in-reply-to': named.mail.messageId } }, 200)) {
      const mailPosition = patchPosition(mail.subject);
      if (!mailPosition || mailPosition.version !== position.version || mailPosition.total !== position.total || mailPosition.index === 0) continue;
      if (!byIndex.has(mailPosition.index)) byIndex.set(mailPosition.index, { mail, folder, uid: mail.uid });
    }
  }
  const patches: LocatedMail[] = [];
  const missing: number[] = [];
  for (let index = 1; index <= position.total; index++) {
    const patch = byIndex.get(index);
    if (patch) patches.push(patch);
    else missing.push(index);
  }
  if (missing.length > 0) {
    throw new ToolInputError(`the series of ${named.mail.messageId} has ${position.total} patches, but ${missing.map((index) => `${index}/${position.total}`).join(', ')} is not in your mailbox (yet)`);
  }
  return { cover: named, patches };
}

/** Every mail in the agent's folders that answers one of `mails`, at any depth (References / In-Reply-To). */
async function repliesTo(context: TurnToolContext, mails: StoredMail[]): Promise<StoredMail[]> {
  const own = new Set(mails.map((mail) => mail.messageId));
  const found = new Map<string, StoredMail>();
  for (const mail of mails) {
    const query: SearchObject = { or: [{ header: { references: mail.messageId } }, { header: { 'in-reply-to': mail.messageId } }] };
    for (const folder of folderList(context.folders, 'all')) {
      for (const reply of await searchMails(context.client(), folder, query, 200)) {
        if (!own.has(reply.messageId) && !found.has(reply.messageId)) found.set(reply.messageId, reply);
      }
    }
  }
  return [...found.values()];
}
