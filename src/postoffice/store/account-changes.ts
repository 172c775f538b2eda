// Account-wide change events for RFC 5465 NOTIFY: mailboxes created, deleted and renamed, subscriptions
// changed (MailboxName and SubscriptionChange, RFC 5465 §5.4, §5.5), and every mailbox's message changes
// with the owning account attached (MessageNew, MessageExpunge, FlagChange for mailboxes a session has not
// selected). Directory events are derived from the names before and after one committed operation, so a
// CREATE that also makes superiors, or a RENAME that moves inferiors, reports every mailbox it touched.
import type { AccountChange, MailboxChange } from './store-types.ts';

export type AccountChangeListener = (change: AccountChange) => void;

export class AccountChanges {
  readonly #listeners = new Map<string, Set<{ listener: AccountChangeListener }>>();
  /** Mailbox id → owner: a mailbox never changes account, so entries stay valid until it is deleted. */
  readonly #owners = new Map<number, string>();
  readonly #ownerOf: (mailboxId: number) => string | undefined;
  readonly #onListenerError: (error: unknown) => void;

  constructor(ownerOf: (mailboxId: number) => string | undefined, onListenerError: (error: unknown) => void) {
    this.#ownerOf = ownerOf;
    this.#onListenerError = onListenerError;
  }

  subscribe(account: string, listener: AccountChangeListener): () => void {
    let entries = this.#listeners.get(account);
    if (!entries) {
      entries = new Set();
      this.#listeners.set(account, entries);
    }
    const entry = { listener };
    entries.add(entry);
    return () => {
      const current = this.#listeners.get(account);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.#listeners.delete(account);
    };
  }

  /** True when somebody listens to `account` (directory diffs are only computed then). */
  watched(account: string): boolean {
    return this.#listeners.has(account);
  }

  /** Forwards one committed mailbox change to its account's listeners. */
  mailboxChanged(change: MailboxChange): void {
    if (this.#listeners.size === 0) return;
    let account = this.#owners.get(change.mailboxId);
    if (account === undefined) {
      account = this.#ownerOf(change.mailboxId);
      if (account === undefined) return; // deleted before its last event was told
      this.#owners.set(change.mailboxId, account);
    }
    if (change.kind === 'gone') return; // told as mailbox-deleted / mailbox-renamed by the directory diff
    this.#emit({ kind: 'messages', account, mailboxId: change.mailboxId, change });
  }

  /**
   * Reports the difference between the account's mailbox names before and after one directory operation.
   * `renamed` maps a vanished name to its new name (RENAME of a mailbox and its inferiors).
   */
  directoryChanged(account: string, before: ReadonlySet<string>, after: ReadonlySet<string>, renamed?: (oldName: string) => string | undefined): void {
    const created = new Set([...after].filter((name) => !before.has(name)));
    for (const name of before) {
      if (after.has(name)) continue;
      const newName = renamed?.(name);
      if (newName !== undefined && created.delete(newName)) this.#emit({ kind: 'mailbox-renamed', account, oldName: name, newName });
      else this.#emit({ kind: 'mailbox-deleted', account, name });
    }
    for (const name of created) this.#emit({ kind: 'mailbox-created', account, name });
  }

  subscriptionChanged(account: string, name: string, subscribed: boolean): void {
    this.#emit({ kind: 'subscription', account, name, subscribed });
  }

  forget(mailboxId: number): void {
    this.#owners.delete(mailboxId);
  }

  #emit(change: AccountChange): void {
    const entries = this.#listeners.get(change.account);
    if (!entries) return;
    for (const entry of [...entries]) {
      try {
        entry.listener(change);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
