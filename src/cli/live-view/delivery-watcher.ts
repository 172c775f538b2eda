// Watches every account's INBOX in the post office's store and reports each delivered message once (by
// Message-ID), from its headers only. Store change events fire synchronously inside delivery, so the
// listener only queues (mailbox, uid) pairs; reading and parsing happen later on a setImmediate turn, off
// the SMTP 250 path. An INBOX per account sees every local delivery (RFC 5321 §4.1.1.3: one copy per
// recipient), hence the de-duplication.
import type { Logger } from '../../logger.ts';
import type { MailboxChange, MailStoreApi } from '../../postoffice/store/store-types.ts';
import { summarizeMail, type MailSummary } from './mail-summary.ts';

export interface DeliveredMail {
  summary: MailSummary;
  /** When the store received it (INTERNALDATE). */
  receivedAt: Date;
}

export interface DeliveryWatcher {
  /** Reports the newest `limit` messages already in the INBOXes (oldest first), for a view after restart. */
  loadRecent(limit: number): void;
  stop(): void;
}

/** Keys remembered for de-duplication; older ones are forgotten first (a copy arrives within milliseconds). */
const REMEMBERED_KEYS = 10_000;

export function watchDeliveries(options: {
  store: MailStoreApi;
  accounts: string[];
  onMail: (mail: DeliveredMail) => void;
  logger: Logger;
}): DeliveryWatcher {
  const { store, logger } = options;
  const seen = new Set<string>();
  const pending: Array<{ mailboxId: number; uid: number }> = [];
  let scheduled = false;
  let stopped = false;
  const unsubscribes: Array<() => void> = [];

  const remember = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > REMEMBERED_KEYS) seen.delete(seen.values().next().value!);
    return true;
  };

  const report = (mailboxId: number, uid: number): void => {
    const record = store.getMessage(mailboxId, uid);
    const raw = store.getRaw(mailboxId, uid);
    if (record === undefined || raw === undefined) return; // expunged before we looked: nothing to show
    const summary = summarizeMail(raw);
    const key = summary.messageId ?? `${mailboxId}:${uid}`;
    if (!remember(key)) return;
    options.onMail({ summary, receivedAt: record.internalDate });
  };

  const drain = (): void => {
    scheduled = false;
    for (const item of pending.splice(0)) {
      if (stopped) return;
      try {
        report(item.mailboxId, item.uid);
      } catch (error) {
        // The view is best effort, but a failure to read must be visible in the log.
        logger.error({ err: error, mailboxId: item.mailboxId, uid: item.uid }, 'live view could not read a delivered message');
      }
    }
  };

  const onChange = (change: MailboxChange): void => {
    if (change.kind !== 'exists' || stopped) return;
    for (const uid of change.uids) pending.push({ mailboxId: change.mailboxId, uid });
    if (!scheduled) {
      scheduled = true;
      setImmediate(drain);
    }
  };

  const inboxes = options.accounts.flatMap((account) => {
    const inbox = store.getMailbox(account, 'INBOX');
    return inbox === undefined ? [] : [inbox];
  });
  for (const inbox of inboxes) unsubscribes.push(store.subscribe(inbox.id, onChange));

  return {
    loadRecent(limit) {
      const recent = inboxes
        .flatMap((inbox) => store.listMessages(inbox.id).slice(-limit).map((message) => ({ mailboxId: inbox.id, uid: message.uid, at: message.internalDate.getTime() })))
        .sort((left, right) => left.at - right.at)
        .slice(-limit);
      for (const item of recent) {
        try {
          report(item.mailboxId, item.uid);
        } catch (error) {
          logger.error({ err: error, mailboxId: item.mailboxId, uid: item.uid }, 'live view could not read a stored message');
        }
      }
    },
    stop() {
      stopped = true;
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    },
  };
}
