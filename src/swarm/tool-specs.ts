// The contract of the agents' mail and patch tools: names, descriptions and zod parameters, as the model sees
// them. Scripts, fakes and other runtimes call the tools by these names, so they change only deliberately.
// The mail runtime implements them (tools.ts, patch-tools.ts) and so do the mail-less experiment conditions
// (src/experiment/handoff-tools.ts): the same tools, whatever the substrate.
import { z } from 'zod';

export const recipients = z.array(z.string().min(1)).describe('addresses or directory names, e.g. "reviewer" or "alice@example.org"');

export const projectParameter = z.string().min(1).optional().describe('project name; may be left out when you work on exactly one project');

export const toolSpecs = {
  reply: {
    name: 'reply',
    description: 'Reply in this thread. Reply-all by default (everyone on the mail except you); add people with to/cc.',
    parameters: z.object({
      body: z.string().min(1).describe('plain text body; do not quote the previous mail'),
      to: recipients.optional().describe('extra To recipients (also moves them out of Cc)'),
      cc: recipients.optional(),
      reply_all: z.boolean().optional().describe('false: answer only the sender'),
      in_reply_to: z.string().optional().describe('Message-ID of the mail to answer; default: the newest mail addressed to you'),
    }),
  },
  send: {
    name: 'send',
    description: 'Start a new thread with a new subject.',
    parameters: z.object({ to: recipients.min(1), cc: recipients.optional(), subject: z.string().min(1), body: z.string().min(1) }),
  },
  forward: {
    name: 'forward',
    description: 'Forward a mail (attached whole) to someone, with a note.',
    parameters: z.object({ message_id: z.string().min(1), to: recipients.min(1), cc: recipients.optional(), note: z.string().optional() }),
  },
  search_mail: {
    name: 'search_mail',
    description: 'Search your own folders (INBOX, Sent, Archive). Returns Message-IDs, senders, dates, subjects.',
    parameters: z.object({
      text: z.string().optional().describe('words in header or body'),
      from: z.string().optional(),
      subject: z.string().optional(),
      folder: z.enum(['INBOX', 'Sent', 'Archive', 'all']).optional(),
      limit: z.number().int().min(1).max(50).optional(),
    }),
  },
  read_thread: {
    name: 'read_thread',
    description: 'Read a whole thread (oldest first). Default: the current thread.',
    parameters: z.object({ message_id: z.string().optional().describe('any Message-ID in the thread') }),
  },
  read_message: {
    name: 'read_message',
    description: 'Read one message in full by its Message-ID.',
    parameters: z.object({ message_id: z.string().min(1) }),
  },
  list_directory: {
    name: 'list_directory',
    description: 'List your peers (agents: name, address, role, model) and the humans.',
    parameters: z.object({}),
  },
  no_reply: {
    name: 'no_reply',
    description: 'Read the mail and stay silent (you are only copied, or nothing needs saying).',
    parameters: z.object({ reason: z.string().optional() }),
  },
  send_patch: {
    name: 'send_patch',
    description:
      'Mail your commits since upstream as git format-patch mail: one commit is one [PATCH] mail; several get a [PATCH 0/N] cover letter ' +
      '(subject/body) with the patches threaded under it. version: 2 sends [PATCH v2 ...] in the thread being answered.',
    parameters: z.object({
      project: projectParameter,
      to: recipients.min(1),
      cc: recipients.optional(),
      subject: z.string().min(1).optional().describe('cover letter subject (series of several commits)'),
      body: z.string().optional().describe('cover letter text; for a single patch, a note below its "---" line'),
      version: z.number().int().min(1).max(99).optional(),
      in_reply_to: z.string().optional().describe('Message-ID to thread the series under (default for version >= 2: the mail you are answering)'),
    }),
  },
  apply_patch: {
    name: 'apply_patch',
    description:
      'Apply a patch or a whole series (name the cover letter) from your mailbox with git am -3, adding the Reviewed-by/Tested-by/Acked-by ' +
      'trailers of its thread. upstream: true (maintainers only) applies it to the project upstream and answers the thread "Applied".',
    parameters: z.object({
      project: projectParameter,
      message_id: z.string().min(1).describe('Message-ID of the patch mail, or of the cover letter for the whole series'),
      upstream: z.boolean().optional(),
    }),
  },
} as const;
