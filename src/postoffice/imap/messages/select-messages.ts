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

/** Above this many messages one listing beats a query per message. */
const LIST_THRESHOLD = 32;

export function selectMessages(store: MailStoreApi, selected: SelectedMailbox, set: SequenceSet, byUid: boolean): MessageSelection {
  const addressed = selected.resolve(set, byUid);
  const messages: SelectedMessage[] = [];
  const vanishedUids: number[] = [];
  let lookup: (uid: number) => MessageRecord | undefined;
  if (addressed.length > LIST_THRESHOLD) {
    const byUidMap = new Map(store.listMessages(selected.mailboxId).map((record) => [record.uid, record]));
    lookup = (uid) => byUidMap.get(uid);
  } else {
    lookup = (uid) => store.getMessage(selected.mailboxId, uid);
  }
  for (const { seq, uid } of addressed) {
    const record = lookup(uid);
    if (record === undefined) vanishedUids.push(uid);
    else messages.push({ seq, record });
  }
  return { messages, vanishedUids };
}
