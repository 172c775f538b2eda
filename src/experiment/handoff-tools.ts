// The tools of the mail-less conditions (pipeline, single): the mail runtime's tool names and parameters
// (src/swarm/tools.ts, patch-tools.ts) with hand-off semantics, plus the runtime's own code tools
// (src/swarm/workspace-tools.ts) unchanged. What an agent "sends" (reply, send, forward, send_patch) is added
// to the hand-off transcript and goes to the next stage, whatever recipients it names: a pipeline has no
// inbox and no Cc. apply_patch applies a transcript patch (or series) with the runtime's git am -3 and b4
// trailer rules, to the agent's workspace or, for a maintainer, to upstream.
import type { TokenUsage } from '../providers/model.ts';
import type { Directory } from '../swarm/directory.ts';
import { deriveMessageId } from '../swarm/message-ids.ts';
import { forwardSubject, replySubject } from '../swarm/outgoing-mail.ts';
import { appliedCommitsSummary, patchMailBody, patchPosition } from '../swarm/patch-tools.ts';
import { toolSpecs } from '../swarm/tool-specs.ts';
import { defineTool, ToolInputError, type SwarmTool } from '../swarm/tools.ts';
import { defineCodeTool, turnWorkspaces, useWorkspace, workspaceTools } from '../swarm/workspace-tools.ts';
import { applyPatchMails } from '../workspace/patch-apply.ts';
import { formatPatchSeries } from '../workspace/patch-series.ts';
import { collectReviewTrailers } from '../workspace/review-trailers.ts';
import type { HandoffMail, HandoffTranscript } from './handoff-transcript.ts';

/** What the tools of one turn need besides the runtime's TurnToolContext. */
export interface HandoffTurn {
  transcript: HandoffTranscript;
  agent: { name: string; address: string; displayName: string; modelId: string };
  /** Who gets what this turn sends (the next stage, or the human). */
  recipients: string[];
  directory: Directory;
  domain: string;
  /** Message-IDs new to the agent this turn: the input of its derived Message-IDs, as in the mail runtime. */
  incomingMessageIds: string[];
  /** The newest new entry: the default target of reply. */
  defaultTarget: HandoffMail | undefined;
  outgoingCount: number;
  usageSoFar: () => TokenUsage;
  silent: boolean;
}


export function handoffTools(turn: HandoffTurn): SwarmTool[] {
  const emit = (draft: { subject: string; body: string; inReplyTo: string | undefined; references: string[]; patch?: HandoffMail['patch'] }): HandoffMail => {
    const messageId = deriveMessageId(turn.agent.address, turn.incomingMessageIds, turn.outgoingCount++);
    return turn.transcript.add({
      messageId,
      from: turn.agent.name,
      fromAddress: turn.agent.address,
      fromDisplayName: turn.agent.displayName,
      to: turn.recipients,
      subject: draft.subject,
      body: draft.body,
      inReplyTo: draft.inReplyTo,
      references: draft.references,
      patch: draft.patch,
      agent: turn.agent.name,
      modelId: turn.agent.modelId,
      usage: turn.usageSoFar(),
    });
  };
  const target = (messageId: string | undefined): HandoffMail => {
    const found = messageId === undefined ? turn.defaultTarget : turn.transcript.find(messageId);
    if (!found) throw new ToolInputError(messageId === undefined ? 'there is no mail to answer in this turn; use send' : `no message ${messageId} in this thread; use read_thread to find Message-IDs`);
    return found;
  };
  const handedTo = () => (turn.recipients.length > 0 ? turn.recipients.join(', ') : 'nobody');

  const mailTools: SwarmTool[] = [
    defineTool({
      ...toolSpecs.reply,
      async execute(args) {
        const answered = target(args.in_reply_to);
        const sent = emit({ subject: replySubject(answered.subject), body: args.body, inReplyTo: answered.messageId, references: [...answered.references.filter((id) => id !== answered.messageId), answered.messageId] });
        return `Sent ${sent.messageId}; it is handed to ${handedTo()}.`;
      },
    }),
    defineTool({
      ...toolSpecs.send,
      async execute(args) {
        const sent = emit({ subject: args.subject, body: args.body, inReplyTo: undefined, references: [] });
        return `Sent ${sent.messageId}; it is handed to ${handedTo()}.`;
      },
    }),
    defineTool({
      ...toolSpecs.forward,
      async execute(args) {
        const original = target(args.message_id);
        const body = `${args.note ?? ''}\n\n---------- Forwarded message ----------\nFrom: ${original.fromDisplayName} <${original.fromAddress}>\nSubject: ${original.subject}\n\n${original.body}`.trim();
        const sent = emit({ subject: forwardSubject(original.subject), body, inReplyTo: original.messageId, references: [...original.references, original.messageId] });
        return `Sent ${sent.messageId}; it is handed to ${handedTo()}.`;
      },
    }),
    defineTool({
      ...toolSpecs.search_mail,
      async execute(args) {
        const matches = turn.transcript.mails.filter((mail) => {
          if (args.text && !`${mail.subject}\n${mail.body}`.toLowerCase().includes(args.text.toLowerCase())) return false;
          if (args.from && !`${mail.from} ${mail.fromAddress}`.toLowerCase().includes(args.from.toLowerCase())) return false;
          return !(args.subject && !mail.subject.toLowerCase().includes(args.subject.toLowerCase()));
        });
        if (matches.length === 0) return 'No mail matches.';
        return matches
          .slice(-(args.limit ?? 20))
          .reverse()
          .map((mail) => `${mail.messageId} | ${mail.fromDisplayName} <${mail.fromAddress}> | ${mail.subject}`)
          .join('\n');
      },
    }),
    defineTool({
      ...toolSpecs.read_thread,
      async execute() {
        return turn.transcript.mails.map(renderEntry).join('\n\n');
      },
    }),
    defineTool({
      ...toolSpecs.read_message,
      async execute(args) {
        return renderEntry(target(args.message_id));
      },
    }),
    defineTool({
      ...toolSpecs.list_directory,
      async execute() {
        return turn.directory.render();
      },
    }),
    defineTool({
      ...toolSpecs.no_reply,
      async execute() {
        turn.silent = true;
        return 'OK: nothing handed on.';
      },
    }),
  ];

  const patchTools: SwarmTool[] = [
    defineCodeTool({
      ...toolSpecs.send_patch,
      async execute(args, context) {
        const { workspace, withNotes } = await useWorkspace(context, args.project);
        const parts = await formatPatchSeries(workspace, { ...(args.version ? { version: args.version } : {}), ...(args.subject ? { coverSubject: args.subject } : {}), ...(args.body ? { coverBody: args.body } : {}) });
        const anchor = args.in_reply_to ? target(args.in_reply_to) : (args.version ?? 1) > 1 ? turn.defaultTarget : undefined;
        const anchorChain = anchor ? [...anchor.references.filter((id) => id !== anchor.messageId), anchor.messageId] : [];
        const sent: HandoffMail[] = [];
        for (const [position, part] of parts.entries()) {
          const head = sent[0];
          sent.push(
            emit({
              subject: part.subject,
              body: patchMailBody(part, parts.length === 1 ? args.body : undefined, { name: turn.agent.displayName, email: turn.agent.address }),
              inReplyTo: position === 0 ? anchor?.messageId : head!.messageId,
              references: position === 0 ? anchorChain : [...anchorChain, head!.messageId],
              patch: { mimeHeaders: part.headers, isCover: part.kind === 'cover' },
            }),
          );
        }
        return withNotes(`Sent ${sent.length} mail(s), handed to ${handedTo()}:\n${sent.map((mail) => `${mail.messageId} ${mail.subject}`).join('\n')}`);
      },
    }),
    defineCodeTool({
      ...toolSpecs.apply_patch,
      async execute(args, context) {
        const workspaces = turnWorkspaces(context);
        if (args.upstream && !workspaces.agent.maintainer) throw new ToolInputError('only maintainers may apply to upstream: apply it to your workspace (leave out upstream) or ask a maintainer');
        const { project, workspace, withNotes } = await useWorkspace(context, args.project);
        const named = target(args.message_id);
        const position = patchPosition(named.subject);
        if (!position || !named.patch) throw new ToolInputError(`${named.messageId} ("${named.subject}") is not a patch mail: its subject has no [PATCH] tag`);
        const patches =
          position.index === 0
            ? turn.transcript.mails.filter((mail) => mail.inReplyTo === named.messageId && mail.patch && !mail.patch.isCover).sort((left, right) => (patchPosition(left.subject)?.index ?? 0) - (patchPosition(right.subject)?.index ?? 0))
            : [named];
        if (patches.length === 0) throw new ToolInputError(`the series of ${named.messageId} has no patches`);
        const cover = position.index === 0 ? named : undefined;
        const series = new Set([...(cover ? [cover.messageId] : []), ...patches.map((patch) => patch.messageId)]);
        const trailers = collectReviewTrailers({
          coverMessageId: cover?.messageId,
          patchMessageIds: patches.map((patch) => patch.messageId),
          thread: turn.transcript.mails
            .filter((mail) => !series.has(mail.messageId) && [...mail.references, mail.inReplyTo].some((id) => id !== undefined && series.has(id)))
            .map((mail) => ({ messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references, text: mail.body, from: `${mail.fromDisplayName} <${mail.fromAddress}>` })),
        });
        if (args.upstream && trailers.naks.length > 0) throw new ToolInputError(`not applied: the series was NAKed (${trailers.naks.map((nak) => `${nak.messageId}: ${nak.line}`).join('; ')})`);
        const result = await applyPatchMails({
          target: args.upstream
            ? { kind: 'upstream', upstreamPath: project.upstreamPath, scratchDir: workspaces.agent.settings.scratchDir, committer: { name: turn.agent.displayName, email: turn.agent.address } }
            : { kind: 'workspace', workspace },
          mails: patches.map((patch) => turn.transcript.raw(patch, turn.domain)),
          trailers: trailers.perPatch,
          commitDates: workspaces.agent.settings.commitDates,
        });
        if (result.status === 'conflict') throw new ToolInputError(`patch ${result.patchIndex + 1} of ${patches.length} does not apply (nothing was applied): ${result.detail}`);
        const summary = appliedCommitsSummary(result.commits);
        if (!args.upstream) return withNotes(`Applied to your workspace of ${project.name}:\n${summary}`);
        const head = cover ?? patches[0]!;
        const answer = emit({ subject: replySubject(head.subject), body: `Applied to ${project.name} upstream, thanks!\n\n${summary}\n`, inReplyTo: head.messageId, references: [...head.references.filter((id) => id !== head.messageId), head.messageId] });
        return withNotes(`Applied to ${project.name} upstream:\n${summary}\nSent ${answer.messageId}; it is handed to ${handedTo()}.`);
      },
    }),
  ];
  return [...mailTools, ...workspaceTools, ...patchTools];
}


function renderEntry(mail: HandoffMail): string {
  return [`Message-ID: ${mail.messageId}`, `From: ${mail.fromDisplayName} <${mail.fromAddress}>`, `Subject: ${mail.subject}`, '', mail.body].join('\n');
}
