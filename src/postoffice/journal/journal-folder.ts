// The humans' read-only `Journal` folder: a copy of every message the post office accepts goes there, so
// people read the whole swarm traffic in Thunderbird. It is a folder of each human's own namespace (not a
// `Shared/Journal` of an RFC 2342 shared namespace: the store has per-account mailboxes only, and every IMAP
// client shows a personal folder without extra set-up). Copies share the raw bytes with the other copies
// (one `bodies` row per message), so it costs one index row per human. Agents never get the folder.
// Over IMAP it is read-only for everybody (readOnlyMailboxes, imap/imap-server.ts). Copies older than
// `retention.journalDays` are expunged by the retention schedule (pruneJournalFolders); selected sessions
// see the usual EXPUNGE responses.
import type { AccountDirectory } from '../accounts/account-directory.ts';
import { StoreError, type DeliveryTarget, type MailStoreApi } from '../store/store-types.ts';

export const JOURNAL_MAILBOX = 'Journal';

/** The IMAP read-only predicate: the Journal folder of any account (agents have none). */
export function isJournalMailbox(_account: string, mailbox: string): boolean {
  return mailbox === JOURNAL_MAILBOX;
}

/** Creates and subscribes the Journal folder of every human (at start; Thunderbird lists subscribed folders). */
export function ensureJournalFolders(store: MailStoreApi, accounts: AccountDirectory): void {
  for (const human of accounts.humans()) {
    if (store.getMailbox(human.address, JOURNAL_MAILBOX) !== undefined) continue;
    try {
      store.createMailbox(human.address, JOURNAL_MAILBOX, null);
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'ALREADYEXISTS')) throw error;
    }
    store.setSubscribed(human.address, JOURNAL_MAILBOX, true);
  }
}

// The directory's accounts are fixed once it is opened, so the targets are computed once per directory
// rather than on every delivery (a filter over every account).
const targetsByDirectory = new WeakMap<AccountDirectory, readonly DeliveryTarget[]>();

/** One Journal copy per human, already \Seen: the folder is an archive to browse, not mail to answer. */
export function journalTargets(accounts: AccountDirectory): readonly DeliveryTarget[] {
  let targets = targetsByDirectory.get(accounts);
  if (targets === undefined) {
    targets = accounts.humans().map((human) => ({ account: human.address, mailbox: JOURNAL_MAILBOX, flags: ['\\Seen'] }));
    targetsByDirectory.set(accounts, targets);
  }
  return targets;
}

/** Retention: expunges every Journal copy received before `cutoff`; returns how many were removed. */
export function pruneJournalFolders(store: MailStoreApi, accounts: AccountDirectory, cutoff: Date): number {
  let removed = 0;
  for (const human of accounts.humans()) {
    const mailbox = store.getMailbox(human.address, JOURNAL_MAILBOX);
    if (mailbox === undefined) continue;
    const old = store.listMessages(mailbox.id).filter((message) => message.internalDate < cutoff).map((message) => message.uid);
    if (old.length === 0) continue;
    // expunge() removes only \Deleted messages: mark exactly these first (nobody else can flag a read-only folder).
    store.storeFlags(mailbox.id, old, 'add', ['\\Deleted']);
    removed += store.expunge(mailbox.id, old).length;
  }
  return removed;
}
