// The per-mailbox listener registry behind MailStoreApi.subscribe: the store pushes MailboxChange events
// (after commit) to every session watching the mailbox, which turns them into untagged EXISTS / EXPUNGE /
// FETCH responses (RFC 3501 §7.4, RFC 2177 IDLE). One failing listener must not starve the others.
import type { MailboxChange } from './store-types.ts';

export type ChangeListener = (change: MailboxChange) => void;
export type ListenerErrorHandler = (error: unknown, change: MailboxChange) => void;

export class ChangeHub {
  // A Set of wrapper objects, not of listeners: subscribing the same function twice gives two independent
  // subscriptions, each removed by its own unsubscribe function.
  readonly #listeners = new Map<number, Set<{ listener: ChangeListener }>>();
  readonly #onListenerError: ListenerErrorHandler;
  /** Told of every mailbox's changes, after the mailbox's own listeners (account-wide NOTIFY events). */
  #everyMailbox: ChangeListener | undefined;

  constructor(onListenerError: ListenerErrorHandler) {
    this.#onListenerError = onListenerError;
  }

  subscribe(mailboxId: number, listener: ChangeListener): () => void {
    let entries = this.#listeners.get(mailboxId);
    if (!entries) {
      entries = new Set();
      this.#listeners.set(mailboxId, entries);
    }
    const entry = { listener };
    entries.add(entry);
    return () => {
      const current = this.#listeners.get(mailboxId);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.#listeners.delete(mailboxId);
    };
  }

  /** Sets the one listener that hears every mailbox's changes (the store's account-wide events). */
  listenToEveryMailbox(listener: ChangeListener): void {
    this.#everyMailbox = listener;
  }

  emit(change: MailboxChange): void {
    this.#emitToMailbox(change);
    if (this.#everyMailbox === undefined) return;
    try {
      this.#everyMailbox(change);
    } catch (error) {
      this.#reportListenerError(error, change);
    }
  }

  #emitToMailbox(change: MailboxChange): void {
    const entries = this.#listeners.get(change.mailboxId);
    if (!entries) return;
    // Snapshot: a listener may unsubscribe (or subscribe others) while we iterate.
    for (const entry of [...entries]) {
      try {
        entry.listener(change);
      } catch (error) {
        this.#reportListenerError(error, change);
      }
    }
  }

  listenerCount(mailboxId: number): number {
    return this.#listeners.get(mailboxId)?.size ?? 0;
  }

  #reportListenerError(error: unknown, change: MailboxChange): void {
    try {
      this.#onListenerError(error, change);
    } catch (handlerError) {
      // The error handler itself failed: the console is the last place left to say so.
      console.error('mail store: onListenerError failed', handlerError, 'while reporting', error);
    }
  }
}
