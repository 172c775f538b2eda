// The NotifyHook behind NOTIFY SET (RFC 5465): listens to the account's store events and turns those that
// the client asked for into untagged responses. Other mailboxes: MessageNew/MessageExpunge as
// `* STATUS name (MESSAGES n UIDNEXT n)`, FlagChange as `* STATUS name (UIDVALIDITY n UNSEEN n)` (both with
// UNSEEN when FlagChange is on and HIGHESTMODSEQ once CONDSTORE is, §5.2–§5.3), MailboxName as LIST responses
// (`\NonExistent` for a deleted mailbox, `("OLDNAME" (old))` for a renamed one, §5.4), SubscriptionChange as
// LIST with or without `\Subscribed` (§5.5). The selected mailbox: its view writes EXISTS/EXPUNGE/FETCH as
// usual; after an EXISTS this hook adds the FETCH of MessageNew's attributes (§5.1). Responses are queued and
// coalesced (one STATUS per mailbox per burst); too many unread ones end NOTIFY with NOTIFICATIONOVERFLOW (§5.8).
import type { MailboxNameCodec } from '../protocol/mailbox-name-codec.ts';
import { isSelectedFilter, type NotifyEventGroup, type NotifyFilter } from '../protocol/notify-arguments.ts';
import type { FetchItem, ImapValue } from '../protocol/protocol-types.ts';
import { untagged } from '../protocol/response-writer.ts';
import type { AccountChange, MailStoreApi } from '../../store/store-types.ts';
import { HIERARCHY_DELIMITER } from '../../store/store-types.ts';
import { renderFetchItems } from '../messages/fetch-renderer.ts';
import { messageCacheFor } from '../messages/message-cache.ts';
import type { SessionControl } from '../session/command-context.ts';
import type { NotifyHook } from '../session/notify-gate.ts';
import type { SelectedMailbox } from '../session/selected-mailbox.ts';
import { statusResponse, type StatusItem } from './mailbox-status.ts';

/** Queued responses beyond this mean the client does not read: NOTIFY ends with NOTIFICATIONOVERFLOW. */
const MAX_QUEUED_RESPONSES = 10_000;

export interface NotifyWatchOptions {
  store: MailStoreApi;
  account: string;
  session: SessionControl;
  groups: readonly NotifyEventGroup[];
  names: MailboxNameCodec;
  /** Writes complete responses on the session's connection. */
  write: (bytes: Buffer) => void;
}

type Queued =
  | { kind: 'status'; mailboxId: number; counts: boolean; flags: boolean }
  | { kind: 'list'; response: Buffer };

export class NotifyWatch implements NotifyHook {
  readonly selectedEvents: 'immediate' | 'delayed' | 'none';
  readonly #options: NotifyWatchOptions;
  readonly #selectedGroup: NotifyEventGroup | undefined;
  readonly #otherGroups: NotifyEventGroup[];
  readonly #queue: Queued[] = [];
  readonly #statusByMailbox = new Map<number, Extract<Queued, { kind: 'status' }>>();
  #overflowed = false;
  #unsubscribe: (() => void) | undefined;

  constructor(options: NotifyWatchOptions) {
    this.#options = options;
    this.#selectedGroup = options.groups.find((group) => isSelectedFilter(group.filter));
    this.#otherGroups = options.groups.filter((group) => !isSelectedFilter(group.filter));
    const selectedGroup = this.#selectedGroup;
    this.selectedEvents =
      selectedGroup === undefined || selectedGroup.events.length === 0 ? 'none' : selectedGroup.filter.kind === 'selected' ? 'immediate' : 'delayed';
    if (this.#otherGroups.some((group) => group.events.length > 0)) {
      this.#unsubscribe = options.store.subscribeAccount(options.account, (change) => this.#onChange(change));
    }
  }

  /** `NOTIFY SET STATUS` (§3.1): one STATUS for every watched mailbox with message events, except the selected one. */
  statusOfWatchedMailboxes(write: (bytes: Buffer) => void): void {
    const { store, account, session } = this.#options;
    for (const mailbox of store.listMailboxes(account)) {
      if (mailbox.id === session.selected?.mailboxId) continue;
      const group = this.#groupFor(mailbox.name);
      if (!group || !group.events.includes('MessageNew')) continue;
      const items: StatusItem[] = ['MESSAGES', 'UIDNEXT', 'UIDVALIDITY'];
      if (group.events.includes('FlagChange')) items.push('UNSEEN');
      if (session.condstore) items.push('HIGHESTMODSEQ');
      write(untagged(...statusResponse(store, mailbox, items, this.#options.names)));
    }
  }

  afterSelectedFlush(selected: SelectedMailbox, arrivals: readonly number[], write: (bytes: Buffer) => void): void {
    const items = this.#selectedGroup?.messageNewItems;
    if (items === undefined) return;
    const { store, session } = this.#options;
    const mailbox = store.getMailboxById(selected.mailboxId);
    if (!mailbox) return;
    // A notification never sets \Seen: BODY[] is sent as BODY.PEEK[] would be.
    const peeked: FetchItem[] = items.map((item) => (item.kind === 'BODY[]' ? { ...item, peek: true } : item));
    if (session.condstore && !peeked.some((item) => item.kind === 'MODSEQ')) peeked.push({ kind: 'MODSEQ' });
    const cache = messageCacheFor(store);
    for (const uid of arrivals) {
      const record = store.getMessage(mailbox.id, uid);
      const sequence = selected.sequenceOf(uid);
      if (!record || sequence === undefined) continue; // expunged meanwhile: its EXPUNGE follows
      if (peeked.some((item) => item.kind === 'FLAGS')) selected.announceKeywords([record.flags], write);
      const attributes = renderFetchItems(peeked, {
        record,
        recent: selected.recentUids.has(uid),
        content: () => {
          const parsed = cache.load(store, mailbox.id, mailbox.uidValidity, uid);
          if (!parsed) throw new Error(`message ${uid} vanished while its notification was written`);
          return parsed;
        },
      });
      write(untagged(sequence, { atom: 'FETCH' }, attributes));
    }
  }

  drain(): void {
    const { session } = this.#options;
    if (this.#overflowed) {
      this.#overflowed = false;
      session.setNotify(undefined);
      this.#options.write(Buffer.from('* OK [NOTIFICATIONOVERFLOW] Too many notifications; NOTIFY is off now\r\n'));
      return;
    }
    const queued = this.#queue.splice(0);
    this.#statusByMailbox.clear();
    for (const entry of queued) {
      if (entry.kind === 'list') this.#options.write(entry.response);
      else this.#writeStatus(entry);
    }
  }

  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#queue.length = 0;
    this.#statusByMailbox.clear();
  }

  #writeStatus(entry: Extract<Queued, { kind: 'status' }>): void {
    const { store, session, names } = this.#options;
    const mailbox = store.getMailboxById(entry.mailboxId);
    if (!mailbox || mailbox.id === session.selected?.mailboxId) return;
    const group = this.#groupFor(mailbox.name);
    const items: StatusItem[] = [];
    if (entry.counts) items.push('MESSAGES', 'UIDNEXT');
    if (entry.flags) items.push('UIDVALIDITY');
    if (entry.flags || group?.events.includes('FlagChange') === true) items.push('UNSEEN');
    if (session.condstore) items.push('HIGHESTMODSEQ');
    this.#options.write(untagged(...statusResponse(store, mailbox, items, names)));
  }

  #onChange(change: AccountChange): void {
    switch (change.kind) {
      case 'messages': {
        if (change.mailboxId === this.#options.session.selected?.mailboxId) return; // the view reports it
        const mailbox = this.#options.store.getMailboxById(change.mailboxId);
        const group = mailbox && this.#groupFor(mailbox.name);
        if (!group) return;
        const kind = change.change.kind;
        const counts = (kind === 'exists' && group.events.includes('MessageNew')) || (kind === 'expunge' && group.events.includes('MessageExpunge'));
        const flags = kind === 'flags' && group.events.includes('FlagChange');
        if (counts || flags) this.#queueStatus(change.mailboxId, counts, flags);
        return;
      }
      case 'mailbox-created':
        if (this.#wants('MailboxName', change.name)) this.#queueList(change.name, this.#isSubscribed(change.name) ? ['\\Subscribed'] : []);
        return;
      case 'mailbox-deleted':
        if (this.#wants('MailboxName', change.name)) this.#queueList(change.name, ['\\NonExistent']);
        return;
      case 'mailbox-renamed':
        if (this.#wants('MailboxName', change.newName) || this.#wants('MailboxName', change.oldName)) {
          this.#queueList(change.newName, this.#isSubscribed(change.newName) ? ['\\Subscribed'] : [], change.oldName);
        }
        return;
      case 'subscription': {
        if (!this.#wants('SubscriptionChange', change.name)) return;
        const attributes = change.subscribed ? ['\\Subscribed'] : [];
        if (!this.#options.store.getMailbox(this.#options.account, change.name)) attributes.push('\\NonExistent');
        this.#queueList(change.name, attributes);
        return;
      }
    }
  }

  #queueStatus(mailboxId: number, counts: boolean, flags: boolean): void {
    const existing = this.#statusByMailbox.get(mailboxId);
    if (existing) {
      existing.counts ||= counts;
      existing.flags ||= flags;
    } else {
      const entry = { kind: 'status' as const, mailboxId, counts, flags };
      this.#statusByMailbox.set(mailboxId, entry);
      this.#push(entry);
    }
    this.#options.session.notifyPending();
  }

  /** `* LIST (attributes) "/" name`, with RFC 5465 §5.4's OLDNAME extended item after a RENAME. */
  #queueList(name: string, attributes: string[], oldName?: string): void {
    const { names } = this.#options;
    const values: ImapValue[] = [{ atom: 'LIST' }, attributes.map((attribute) => ({ atom: attribute })), HIERARCHY_DELIMITER, names.encode(name)];
    if (oldName !== undefined) values.push(['OLDNAME', [names.encode(oldName)]]);
    this.#push({ kind: 'list', response: untagged(...values) });
    this.#options.session.notifyPending();
  }

  #push(entry: Queued): void {
    if (this.#queue.length >= MAX_QUEUED_RESPONSES) {
      this.#overflowed = true;
      this.close();
      return;
    }
    this.#queue.push(entry);
  }

  #wants(event: string, name: string): boolean {
    return this.#groupFor(name)?.events.includes(event) === true;
  }

  /** The first non-selected group whose filter covers `name` (§6: the first matching filter applies). */
  #groupFor(name: string): NotifyEventGroup | undefined {
    return this.#otherGroups.find((group) => this.#covers(group.filter, name));
  }

  #covers(filter: NotifyFilter, name: string): boolean {
    switch (filter.kind) {
      case 'personal':
        return true;
      case 'inboxes':
        return name === 'INBOX'; // deliveries go to INBOX (lists and Journal copies are filed by the server)
      case 'subscribed':
        return this.#isSubscribed(name);
      case 'subtree':
        return filter.names.some((root) => sameName(root, name) || name.startsWith(`${root}${HIERARCHY_DELIMITER}`));
      case 'mailboxes':
        return filter.names.some((listed) => sameName(listed, name));
      case 'selected':
      case 'selected-delayed':
        return false;
    }
  }

  #isSubscribed(name: string): boolean {
    return this.#options.store.listSubscriptions(this.#options.account).some((subscribed) => sameName(subscribed, name));
  }
}

function sameName(a: string, b: string): boolean {
  return a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');
}
