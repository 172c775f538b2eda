// The contract between the submission server and whatever screens submitted mail before delivery (the guard
// rails, guards/guard-rails.ts, implement it). It lives here, with its caller, so smtp/ does not depend on
// guards/ (which delivers through smtp/delivery.ts): the layers stay one-way.

export interface SubmissionToScreen {
  /** The AUTHENTICATED account (never the From text). */
  account: string;
  /** RCPT TO addresses as given. */
  recipients: string[];
  /** The message as it would be stored (our trace fields on top). */
  raw: Buffer;
}

export type ScreeningVerdict =
  | { action: 'deliver'; raw: Buffer }
  /** Kept for a human to decide; `reply` is the text after 250 (the message is safe, nothing is lost). */
  | { action: 'hold'; rule: string; heldId: number; reply: string }
  /** Consumed (a governance command): not delivered; `reply` says what happened. */
  | { action: 'handled'; reply: string };

/** What the submission server needs: one call per message. */
export interface SubmissionGuard {
  screenSubmission(submission: SubmissionToScreen): Promise<ScreeningVerdict>;
}

/** The submission server's one call: without guard rails (tests of the bare SMTP layer) everything is delivered. */
export function screenSubmission(guard: SubmissionGuard | undefined, submission: SubmissionToScreen): Promise<ScreeningVerdict> {
  return guard === undefined ? Promise.resolve({ action: 'deliver', raw: submission.raw }) : guard.screenSubmission(submission);
}
