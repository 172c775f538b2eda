// The honest answer of an agent whose model failed for good on a mail: a reply to its sender saying that
// nothing was done and why, sent exactly once (its Message-ID is derived from the mail it answers, as every
// agent reply's is; RFC 5322 section 3.6.4 threading).
import type { ModelError, TokenUsage } from '../providers/model.ts';
import { deriveMessageId } from './message-ids.ts';
import { replySubject, type OutgoingMail } from './outgoing-mail.ts';
import type { MailAddress, StoredMail } from './parsed-mail.ts';

export function failureNote(options: {
  agentName: string;
  self: MailAddress;
  modelId: string;
  /** The mails of the turn; the note answers the newest one that woke the agent. */
  group: StoredMail[];
  target: StoredMail;
  error: ModelError;
  attempts: number;
  usage: TokenUsage;
}): OutgoingMail {
  const { target, error } = options;
  return {
    from: options.self,
    to: target.replyTo.length > 0 ? target.replyTo : target.from,
    cc: [],
    subject: replySubject(target.subject),
    text:
      `This is ${options.agentName}, an AI agent. I could not work on your mail: my model (${options.modelId}) failed ` +
      `${options.attempts} time(s), last with: ${error.kind}: ${error.message}\n\nNothing has been done about it. ` +
      `Send it again later, or ask the operator to check the model configuration.`,
    messageId: deriveMessageId(options.self.address, options.group.map((mail) => mail.messageId), 'failure-note'),
    inReplyTo: target.messageId,
    references: [...target.references.filter((id) => id !== target.messageId), target.messageId],
    agentName: options.agentName,
    modelId: options.modelId,
    usage: options.usage,
  };
}
