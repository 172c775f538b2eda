// STATUS data items (RFC 3501 §6.3.10, RFC 7162 §3.1.1 HIGHESTMODSEQ, RFC 8438 / RFC 9051 SIZE, RFC 9208
// §4.1.4 DELETED and DELETED-STORAGE), shared by STATUS and by LIST's RETURN (STATUS ...) option (RFC 5819).
// DELETED-STORAGE is in octets, the sum of RFC822.SIZE of the \Deleted messages: exactly what EXPUNGE frees.
import type { MailboxNameCodec } from '../protocol/mailbox-name-codec.ts';
import type { ImapValue, Token } from '../protocol/protocol-types.ts';
import type { MailboxRecord, MailboxSizes, MailStoreApi } from '../../store/store-types.ts';
import { ImapError } from '../session/imap-error.ts';

export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'HIGHESTMODSEQ' | 'SIZE' | 'DELETED' | 'DELETED-STORAGE';

const STATUS_ITEMS: ReadonlySet<string> = new Set<StatusItem>([
  'MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ', 'SIZE', 'DELETED', 'DELETED-STORAGE',
]);

export function parseStatusItems(token: Token | undefined): StatusItem[] {
  if (token?.type !== 'list' || token.items.length === 0) throw new ImapError('BAD', 'Expected a parenthesized list of status items');
  return token.items.map((item) => {
    const name = item.type === 'atom' ? item.value.toUpperCase() : '';
    if (!STATUS_ITEMS.has(name)) throw new ImapError('BAD', `Unknown status item ${item.type === 'atom' ? item.value : ''}`.trim());
    return name as StatusItem;
  });
}

/** `* STATUS name (ITEM n ...)` as values for context.send(). */
export function statusResponse(store: MailStoreApi, mailbox: MailboxRecord, items: readonly StatusItem[], names: MailboxNameCodec): ImapValue[] {
  const values: ImapValue[] = [];
  // One query answers SIZE, DELETED and DELETED-STORAGE together, and only when one of them is asked for.
  let sizes: MailboxSizes | undefined;
  const mailboxSizes = (): MailboxSizes => (sizes ??= store.mailboxSizes(mailbox.id));
  for (const item of items) values.push({ atom: item }, statusValue(store, mailbox, item, mailboxSizes));
  return [{ atom: 'STATUS' }, names.encode(mailbox.name), values];
}

function statusValue(store: MailStoreApi, mailbox: MailboxRecord, item: StatusItem, sizes: () => MailboxSizes): number {
  switch (item) {
    case 'MESSAGES':
      return mailbox.messageCount;
    case 'RECENT':
      // Recent = not yet claimed by any SELECT (RFC 3501 §2.3.2).
      return store.listMessages(mailbox.id).filter((message) => message.uid >= mailbox.firstRecentUid).length;
    case 'UIDNEXT':
      return mailbox.uidNext;
    case 'UIDVALIDITY':
      return mailbox.uidValidity;
    case 'UNSEEN':
      return mailbox.unseenCount;
    case 'HIGHESTMODSEQ':
      return mailbox.highestModseq;
    case 'SIZE':
      return sizes().bytes;
    case 'DELETED':
      return sizes().deletedMessages;
    case 'DELETED-STORAGE':
      return sizes().deletedBytes;
  }
}
