// Turns a command's sequence set into the messages it addresses (RFC 3501 §6.4.5-§6.4.8, §9 `sequence-set`):
// sequence numbers and uids come from the session's view (what the client was told); metadata comes from the
// store. A uid the view still shows but the store no longer has was expunged by another session and not yet
// reported: it is returned apart so FETCH can answer `OK [EXPUNGEISSUED]` (expunge-issued.ts) after the rest.
import type { SequenceSet } from '../protocol/protocol-types.ts';
import type { MailStoreApi, MessageRecord } from '../../store/store-types.ts';
import type { SelectedMailbox } from '../session/selected-mailbox.ts';

export interface SelectedMessage {
  seq: number;
  record: MessageRecord;
}

export interface MessageSelection {
  /** Existing messages in ascending sequence order. */
  messages: SelectedMessage[];
  /** Uids in the view that the store no longer has. */
  vanishedUids: number[];
}

export function selectMessages(store: MailStoreApi, selected: SelectedMailbox, set: SequenceSet, byUid: boolean): MessageSelection {
  const addressed = selected.resolve(set, byUid);
  const messages: SelectedMessage[] = [];
  const vanishedUids: number[] = [];
  const lookup = store.messageLookup(selected.mailboxId);
  for (const { seq, uid } of addressed) {
    const record = lookup(uid);
    if (record === undefined) vanishedUids.push(uid);
    else messages.push({ seq, record });
  }
  return { messages, vanishedUids };
}
