// How far a session's view of its mailbox reaches in MODSEQs (RFC 7162 §3.2): the HIGHESTMODSEQ a client is told
// may cover every change it has been sent, but never an expunge that is still held back (RFC 3501 §7.4.1), or a
// client that reconnects with that value would never learn of the expunge.
export class ViewModseq {
  /** Highest MODSEQ of every change queued so far, flushed or not (the session's own changes included). */
  #queued = 0;
  #covered: number;

  /** `atSelect`: the mailbox's HIGHESTMODSEQ, read together with the listing the view starts from. */
  constructor(atSelect: number) {
    this.#covered = atSelect;
  }

  get covered(): number {
    return this.#covered;
  }

  /** A change with this MODSEQ was queued (0: the store did not say). */
  note(modseq: number): void {
    if (modseq > this.#queued) this.#queued = modseq;
  }

  /** After a flush: up to the newest change, short of every expunge still held back. */
  advance(heldExpungeModseqs: Iterable<number>): void {
    let covered = this.#queued;
    for (const modseq of heldExpungeModseqs) if (modseq > 0) covered = Math.min(covered, modseq - 1);
    if (covered > this.#covered) this.#covered = covered;
  }
}
