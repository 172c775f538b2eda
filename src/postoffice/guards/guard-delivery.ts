// The one place the guard rails store mail: Held notes into the humans' Held folder, notices and
// acknowledgements into INBOXes, and released mail to its original envelope recipients. Everything goes
// through smtp/delivery.ts commitDelivery (one atomic, durable store transaction plus the audit journal
// entry and the humans' Journal copies), so a released message is routed, list-expanded and journaled exactly
// like a freshly submitted one.
import type { AccountDirectory } from '../accounts/account-directory.ts';
import type { MessageJournal } from '../journal/message-journal.ts';
import { addListHeaders, captureTargets, commitDelivery, routeRecipients } from '../smtp/delivery.ts';
import type { SmarthostRelay } from '../smtp/smarthost-relay.ts';
import type { DeliveryResult, DeliveryTarget, MailStoreApi } from '../store/store-types.ts';
import { StoreError } from '../store/store-types.ts';

export const HELD_MAILBOX = 'Held';

export interface GuardDeliveryOptions {
  store: MailStoreApi;
  accounts: AccountDirectory;
  journal: MessageJournal;
  smarthost?: SmarthostRelay | undefined;
}

/** Journal disposition of what the guard rails store. */
export type GuardDisposition = 'held-note' | 'notice' | 'released';

export class GuardDelivery {
  readonly #options: GuardDeliveryOptions;
  readonly #postmaster: string;

  constructor(options: GuardDeliveryOptions) {
    this.#options = options;
    this.#postmaster = `postmaster@${options.accounts.domain}`;
  }

  /** The moderators: every human; without humans, whoever receives postmaster mail. */
  moderators(): string[] {
    const { accounts } = this.#options;
    const humans = accounts.humans().map((human) => human.address);
    return humans.length > 0 ? humans : (accounts.deliveryAccounts(this.#postmaster) ?? []);
  }

  /** One copy in the Held folder of every moderator (created and subscribed on first use). */
  toHeldFolders(raw: Buffer, receivedAt: Date): DeliveryResult[] {
    const owners = this.moderators();
    for (const owner of owners) this.#ensureFolder(owner, HELD_MAILBOX);
    return this.#commit(owners.map((account) => ({ account, mailbox: HELD_MAILBOX })), raw, receivedAt, owners, 'held-note');
  }

  /** The audit journal entry of a held original: accepted (250) but stored only in guards.sqlite so far. */
  journalHeld(raw: Buffer, sender: string, recipients: string[], receivedAt: Date): void {
    this.#options.journal.record({ envelope: { mailFrom: sender, recipients, port: 'submission', authenticatedAs: sender, disposition: 'held' }, raw, copies: [], time: receivedAt });
  }

  /** A postmaster message into the INBOX of each local account given. */
  toInboxes(accounts: string[], raw: Buffer, receivedAt: Date): DeliveryResult[] {
    return this.#commit(accounts.map((account) => ({ account, mailbox: 'INBOX' })), raw, receivedAt, accounts, 'notice');
  }

  /** Released mail, routed as the submission server routes it: local INBOXes (lists expanded), relay or capture. */
  async toRecipients(sender: string, recipients: string[], raw: Buffer, receivedAt: Date): Promise<DeliveryResult[]> {
    const { accounts, store, smarthost } = this.#options;
    const routing = routeRecipients(accounts, recipients, { sender });
    const targets = [...routing.localTargets];
    if (routing.foreignRecipients.length > 0) {
      if (smarthost !== undefined) await smarthost.relay({ from: sender, to: routing.foreignRecipients }, raw);
      else targets.push(...captureTargets(store, accounts));
    }
    return this.#commit(targets, addListHeaders(raw, routing.lists), receivedAt, recipients, 'released', sender);
  }

  #commit(targets: DeliveryTarget[], raw: Buffer, receivedAt: Date, recipients: string[], disposition: GuardDisposition, mailFrom = this.#postmaster): DeliveryResult[] {
    const { store, accounts, journal } = this.#options;
    return commitDelivery({ store, accounts, journal }, targets, raw, receivedAt, { mailFrom, recipients, port: 'internal', authenticatedAs: null, disposition });
  }

  #ensureFolder(account: string, name: string): void {
    const { store } = this.#options;
    if (store.getMailbox(account, name) !== undefined) return;
    try {
      store.createMailbox(account, name, null);
    } catch (error) {
      // Created meanwhile by an IMAP session: that is what we wanted.
      if (!(error instanceof StoreError && error.code === 'ALREADYEXISTS')) throw error;
    }
    // Thunderbird only shows subscribed folders.
    store.setSubscribed(account, name, true);
  }
}
