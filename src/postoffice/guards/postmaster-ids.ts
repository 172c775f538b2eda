// Message-IDs (RFC 5322 §3.6.4) of the mail the post office writes itself as postmaster. They encode the held
// message they are about, so a human's APPROVE (In-Reply-To = the note) and an agent's reply to a notice are
// recognised with one string match and one primary-key lookup, without reading any stored mail.
import { randomUUID } from 'node:crypto';

export type PostmasterMessageKind = 'note' | 'notice';

/** `mailswarm.held.<heldId>.<kind>@<domain>`: the moderators' note (kind note) or the agent's notice. */
export function heldMessageId(heldId: number, kind: PostmasterMessageKind, domain: string): string {
  return `mailswarm.held.${heldId}.${kind}@${domain}`;
}

/** A fresh id for an acknowledgement or a budget alert. */
export function postmasterMessageId(label: string, domain: string): string {
  return `mailswarm.${label}.${randomUUID()}@${domain}`;
}

/** The held id a note or notice Message-ID refers to, or undefined for any other id. */
export function heldIdOfPostmasterMessage(messageId: string, domain: string, kind?: PostmasterMessageKind): number | undefined {
  const match = /^mailswarm\.held\.(\d+)\.(note|notice)@(.+)$/i.exec(messageId);
  if (match === null || match[3]!.toLowerCase() !== domain.toLowerCase()) return undefined;
  if (kind !== undefined && match[2]!.toLowerCase() !== kind) return undefined;
  return Number(match[1]);
}
