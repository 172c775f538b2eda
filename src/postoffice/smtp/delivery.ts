// Turns the envelope recipients of one accepted message into store targets and commits them in ONE
// store.deliver call, so the message reaches all local recipients or none (RFC 5321 §6.1: the 250 reply is
// sent only after this returned, and the store commits with synchronous=FULL before returning).
//
// Foreign recipients on the submission port without a smarthost are "captured": the message goes to the
// `Captured` folder of every human account instead, so mail the swarm tries to send out is never silently
// dropped and the operators can see it.
//
// Lists (lists/mailing-lists.ts: team@ and the config's lists) expand here into their member accounts; an
// account reached twice (To + list, two lists) gets ONE copy. All copies share one raw message, which
// carries List-Id/List-Post (RFC 2919, RFC 2369) of EVERY list among the recipients, in RCPT order.
//
// Every commit also puts a copy into the humans' read-only Journal folder and appends an entry to the
// hash-chained audit journal (journal/message-journal.ts), all in the SAME store transaction (one fsync),
// before the 250. The SMTP servers use commitDeliveryGrouped: concurrent deliveries share one COMMIT.
import type { AccountDirectory } from '../accounts/account-directory.ts';
import type { JournalEnvelope } from '../journal/journal-entry.ts';
import { journalTargets } from '../journal/journal-folder.ts';
import { appendJournalEntry, type MessageJournal } from '../journal/message-journal.ts';
import { LIST_HEADER_NAMES, listHeaderLinesForAll } from '../lists/list-headers.ts';
import type { MailingList } from '../lists/mailing-lists.ts';
import type { DeliveryHook, DeliveryResult, DeliveryTarget, MailStoreApi } from '../store/store-types.ts';
import { StoreError } from '../store/store-types.ts';
import { removeHeaderFields } from './message-headers.ts';

/**
 * What a commit needs: the store, the directory (humans for Journal copies) and the audit journal. The
 * journal's entries are written through the store's transaction (the table lives in the store's file);
 * `journal` is kept for callers that record entries without a delivery (held mail).
 */
export interface DeliveryServices {
  store: MailStoreApi;
  accounts: AccountDirectory;
  journal: MessageJournal;
}

export const CAPTURE_MAILBOX = 'Captured';

export interface RecipientRouting {
  /** Distinct store targets for the local recipients (accounts' INBOX). */
  localTargets: DeliveryTarget[];
  /** Recipients outside the post office, as given in RCPT TO. */
  foreignRecipients: string[];
  /** The lists among the recipients, in RCPT order (for List-Id). */
  lists: MailingList[];
}

/**
 * Splits RCPT TO addresses into local INBOX targets (one per account, lists expanded) and foreign addresses.
 * `sender` (the authenticated account) is not sent its own copy through a list; addressed directly it is.
 */
export function routeRecipients(accounts: AccountDirectory, recipients: string[], options: { sender?: string | undefined } = {}): RecipientRouting {
  const sender = options.sender?.toLowerCase();
  const localAccounts = new Set<string>();
  const foreignRecipients: string[] = [];
  const lists: MailingList[] = [];
  for (const recipient of recipients) {
    const list = accounts.lists.find(recipient);
    if (list !== undefined) {
      if (!lists.includes(list)) lists.push(list);
      for (const member of list.members) if (member !== sender) localAccounts.add(member);
      continue;
    }
    const owners = accounts.deliveryAccounts(recipient);
    if (owners !== undefined) for (const owner of owners) localAccounts.add(owner);
    else foreignRecipients.push(recipient);
  }
  return { localTargets: [...localAccounts].map((account) => ({ account, mailbox: 'INBOX' })), foreignRecipients, lists };
}

/** The message with List-Id/List-Post of every list on top (any copy the sender wrote removed). */
export function addListHeaders(raw: Buffer, lists: MailingList[]): Buffer {
  if (lists.length === 0) return raw;
  const lines = listHeaderLinesForAll(lists).map((line) => `${line}\r\n`).join('');
  return Buffer.concat([Buffer.from(lines, 'utf8'), removeHeaderFields(raw, LIST_HEADER_NAMES)]);
}

/** Targets for a captured copy: the Captured folder of every human (created and subscribed on first use). */
export function captureTargets(store: MailStoreApi, accounts: AccountDirectory): DeliveryTarget[] {
  const humans = accounts.humans().map((human) => human.address);
  // Without humans the postmaster account is the only place an operator could look.
  const owners = humans.length > 0 ? humans : (accounts.deliveryAccounts(`postmaster@${accounts.domain}`) ?? []);
  for (const owner of owners) ensureCaptureMailbox(store, owner);
  return owners.map((account) => ({ account, mailbox: CAPTURE_MAILBOX }));
}

function ensureCaptureMailbox(store: MailStoreApi, account: string): void {
  if (store.getMailbox(account, CAPTURE_MAILBOX) !== undefined) return;
  try {
    store.createMailbox(account, CAPTURE_MAILBOX, null);
  } catch (error) {
    // Created meanwhile by an IMAP session: that is exactly what we wanted.
    if (!(error instanceof StoreError && error.code === 'ALREADYEXISTS')) throw error;
  }
  // Thunderbird only shows subscribed folders.
  store.setSubscribed(account, CAPTURE_MAILBOX, true);
}

/**
 * One atomic, durable delivery of `raw` to every target plus the humans' Journal folders, with its audit
 * journal entry in the same transaction; durable when this returns (call it before the 250). Returns every
 * stored copy.
 */
export function commitDelivery(services: DeliveryServices, targets: DeliveryTarget[], raw: Buffer, receivedAt: Date, envelope: JournalEnvelope): DeliveryResult[] {
  return services.store.deliver(withJournalTargets(services.accounts, targets), raw, receivedAt, journalHook(raw, receivedAt, envelope));
}

/**
 * commitDelivery through the store's group commit: shares one COMMIT (one fsync) with the other deliveries
 * of this event-loop turn; resolves once THIS delivery and its journal entry are durable.
 */
export function commitDeliveryGrouped(services: DeliveryServices, targets: DeliveryTarget[], raw: Buffer, receivedAt: Date, envelope: JournalEnvelope): Promise<DeliveryResult[]> {
  return services.store.deliverGrouped(withJournalTargets(services.accounts, targets), raw, receivedAt, journalHook(raw, receivedAt, envelope));
}

function withJournalTargets(accounts: AccountDirectory, targets: DeliveryTarget[]): DeliveryTarget[] {
  const distinct = new Map<string, DeliveryTarget>();
  for (const target of [...targets, ...journalTargets(accounts)]) distinct.set(`${target.account}\u0000${target.mailbox ?? 'INBOX'}`, target);
  return [...distinct.values()];
}

function journalHook(raw: Buffer, receivedAt: Date, envelope: JournalEnvelope): DeliveryHook {
  return (copies, database) => {
    appendJournalEntry(database, {
      envelope,
      raw,
      time: receivedAt,
      copies: copies.map((copy) => ({ account: copy.account, mailbox: copy.mailbox, mailboxId: copy.mailboxId, uidValidity: copy.uidValidity, uid: copy.uid })),
    });
  };
}
