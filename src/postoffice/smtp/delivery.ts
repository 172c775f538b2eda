// Turns the envelope recipients of one accepted message into store targets and commits them in ONE
// store.deliver call, so the message reaches all local recipients or none (RFC 5321 §6.1: the 250 reply is
// sent only after this returned, and the store commits with synchronous=FULL before returning).
//
// Foreign recipients on the submission port without a smarthost are "captured": the message goes to the
// `Captured` folder of every human account instead, so mail the swarm tries to send out is never silently
// dropped and the operators can see it.
import type { AccountDirectory } from '../accounts/account-directory.ts';
import type { DeliveryResult, DeliveryTarget, MailStoreApi } from '../store/store-types.ts';
import { StoreError } from '../store/store-types.ts';

export const CAPTURE_MAILBOX = 'Captured';

export interface RecipientRouting {
  /** Distinct store targets for the local recipients (accounts' INBOX). */
  localTargets: DeliveryTarget[];
  /** Recipients outside the post office, as given in RCPT TO. */
  foreignRecipients: string[];
}

/** Splits RCPT TO addresses into local INBOX targets (one per account) and foreign addresses. */
export function routeRecipients(accounts: AccountDirectory, recipients: string[]): RecipientRouting {
  const localAccounts = new Set<string>();
  const foreignRecipients: string[] = [];
  for (const recipient of recipients) {
    const owners = accounts.deliveryAccounts(recipient);
    if (owners !== undefined) for (const owner of owners) localAccounts.add(owner);
    else foreignRecipients.push(recipient);
  }
  return { localTargets: [...localAccounts].map((account) => ({ account, mailbox: 'INBOX' })), foreignRecipients };
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

/** One atomic, durable delivery of `raw` to every target; returns nothing to do for no targets. */
export function commitDelivery(store: MailStoreApi, targets: DeliveryTarget[], raw: Buffer, receivedAt: Date): DeliveryResult[] {
  const distinct = new Map<string, DeliveryTarget>();
  for (const target of targets) distinct.set(`${target.account}\u0000${target.mailbox ?? 'INBOX'}`, target);
  if (distinct.size === 0) return [];
  return store.deliver([...distinct.values()], raw, receivedAt);
}
