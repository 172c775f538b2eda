// The contract between the guard rails and governance by mail (governance/governance-by-mail.ts implements
// it): the guard rails pass a human's submitted mail through HumanCommands without depending on governance/,
// which sits above guards/ and acts on the guards' state through GuardControls (held mail, pauses).
import type { GuardDelivery } from './guard-delivery.ts';
import type { HeldMail } from './held-mail.ts';
import type { MessageFacts } from './message-facts.ts';
import type { PauseRegistry } from './pause-registry.ts';

export type HumanCommandOutcome =
  /** Consumed: not delivered; the SMTP reply text says what happened. */
  | { kind: 'handled'; reply: string }
  /** Executed, and the mail is delivered with these header lines on top. */
  | { kind: 'deliver'; headerLines: string[]; summary: string };

export interface HumanCommands {
  /**
   * Executes the command in a human's submitted mail, or returns undefined when the mail is no command
   * (then it is delivered as ordinary mail). `human` is the authenticated account, never the From text.
   */
  execute(human: string, recipients: string[], facts: MessageFacts, now: Date): Promise<HumanCommandOutcome | undefined>;
}

/** What governance may act on, handed to it by the guard rails that own this state. */
export interface GuardControls {
  pauses: PauseRegistry;
  held: HeldMail;
  delivery: GuardDelivery;
  /** Delivers a held message to its recipients and records it as released (GuardRails.release). */
  release(heldId: number, approvedBy: string, now: Date): Promise<string[]>;
}
