// The last listing of each recently listed mailbox (listMessages: every message's UID, flags, MODSEQ, size), kept
// until that mailbox changes. SEARCH, SELECT and large FETCH sets list the whole mailbox on every command; under a
// mixed workload that re-read and re-decoded the same rows a quarter of the time. A listing follows each change
// to its mailbox as it is queued (inside the writing transaction, so it always equals what the connection would
// read); every listing is dropped when a mailbox goes away or a transaction rolls back, and none is first taken
// inside a transaction (a rollback could leave it holding rows that never were).
// Sessions rely on those same change events for correctness (RFC 3501 §7.4), so a row never changes without one.
import type { MailboxChange, MessageRecord } from './store-types.ts';

/** Listings kept at once (least recently used dropped first): the mailboxes sessions are working in. */
const MAX_LISTINGS = 64;

export class MessageListings {
  readonly #byMailbox = new Map<number, readonly MessageRecord[]>();

  /** The cached listing or a fresh one from `read` (kept when `cacheable`); always a new array the caller may change. */
  get(mailboxId: number, read: () => MessageRecord[], cacheable: boolean): MessageRecord[] {
    const cached = this.#byMailbox.get(mailboxId);
    if (cached !== undefined) {
      this.#byMailbox.delete(mailboxId);
      this.#byMailbox.set(mailboxId, cached);
      return [...cached];
    }
    const listing = read();
    if (cacheable) {
      this.#byMailbox.set(mailboxId, Object.freeze([...listing]));
      if (this.#byMailbox.size > MAX_LISTINGS) this.#byMailbox.delete(this.#byMailbox.keys().next().value!);
    }
    return listing;
  }

  /**
   * Flag changes and expunges carry all they alter, so the listing follows them (a STORE does not cost the next
   * SEARCH a full re-read); arrivals need rows the event does not hold, so that listing is read again.
   */
  changed(change: MailboxChange): void {
    if (change.kind === 'gone') {
      this.#byMailbox.clear();
      return;
    }
    const cached = this.#byMailbox.get(change.mailboxId);
    if (cached === undefined) return;
    if (change.kind === 'flags') {
      const updates = new Map(change.messages.map((message) => [message.uid, message]));
      this.#byMailbox.set(change.mailboxId, Object.freeze(cached.map((record) => {
        const update = updates.get(record.uid);
        return update === undefined ? record : Object.freeze({ ...record, flags: Object.freeze([...update.flags]) as string[], modseq: update.modseq });
      })));
    } else if (change.kind === 'expunge') {
      const removed = new Set(change.uids);
      this.#byMailbox.set(change.mailboxId, Object.freeze(cached.filter((record) => !removed.has(record.uid))));
    } else {
      this.#byMailbox.delete(change.mailboxId);
    }
  }

  clear(): void {
    this.#byMailbox.clear();
  }
}
