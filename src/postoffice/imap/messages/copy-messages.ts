// The shared core of COPY and MOVE (RFC 3501 §6.4.7, RFC 4315 §3 COPYUID, RFC 6851 §3-§4, RFC 5530 TRYCREATE,
// RFC 9208 §4.3.1 OVERQUOTA for COPY): resolve the message set and the target mailbox, run the store operation,
// and build the COPYUID code.
import { ImapError } from '../session/imap-error.ts';
import type { CommandContext } from '../session/command-context.ts';
import { parseSequenceSet, tokenToAtom } from '../protocol/argument-parsers.ts';
import type { MailStoreApi } from '../../store/store-types.ts';
import { refuseReadOnlyMailbox } from '../session/read-only-mailbox.ts';
import { requireStorageRoom } from '../session/storage-quota.ts';
import { formatNumberSet } from './format-number-set.ts';
import { selectMessages } from './select-messages.ts';

type Transfer = MailStoreApi['copyGrouped'];

export interface CopyOutcome {
  /** `COPYUID uidvalidity source-set destination-set`, or undefined when nothing was copied. */
  copyUidCode: string | undefined;
  copied: number;
}

/**
 * Copies (or moves, with `transfer = store.moveGrouped`) the addressed messages into the named mailbox; the
 * OK waits for the shared commit of the group (store/group-commit.ts).
 */
export async function copyMessages(context: CommandContext, verb: 'COPY' | 'MOVE', transfer: Transfer): Promise<CopyOutcome> {
  const { request, store, session } = context;
  const selected = context.selected();
  const [setToken, mailboxToken, ...extra] = request.args;
  if (mailboxToken === undefined || extra.length > 0) throw new ImapError('BAD', `${verb} expects a sequence set and a mailbox name`);
  const set = parseSequenceSet(tokenToAtom(setToken, 'sequence set'));
  const targetName = context.mailboxNames.decode(mailboxToken);
  const account = session.account;
  if (account === undefined) throw new ImapError('BAD', 'Not authenticated');
  const target = store.getMailbox(account, targetName);
  if (target === undefined) throw new ImapError('NO', `Mailbox ${targetName} does not exist`, 'TRYCREATE');
  refuseReadOnlyMailbox(context, target.name, `${verb} to`);

  const selection = selectMessages(store, selected, set, request.uid);
  // RFC 3501 §6.4.7 wants all or nothing; a message another session expunged cannot be copied, so a
  // sequence-number COPY fails as a whole. UID COPY simply skips uids that no longer exist (RFC 3501 §6.4.8).
  if (!request.uid && selection.vanishedUids.length > 0) {
    throw new ImapError('NO', 'Some of the messages were expunged by another session', 'EXPUNGEISSUED');
  }
  const sourceUids = selection.messages.map((message) => message.record.uid);
  if (sourceUids.length === 0) return { copyUidCode: undefined, copied: 0 };
  // RFC 9208 §4.3.1: COPY adds to the account and must fit its quota; MOVE adds nothing (storage-quota.ts).
  if (verb === 'COPY') {
    const addedBytes = selection.messages.reduce((total, message) => total + message.record.size, 0);
    requireStorageRoom(context, account, addedBytes);
  }
  const pairs = await transfer.call(store, selected.mailboxId, sourceUids, target.id, session.origin);
  if (pairs.length === 0) return { copyUidCode: undefined, copied: 0 };
  // Both sets are written in the same order so the n-th source uid maps to the n-th destination uid.
  const ordered = [...pairs].sort((left, right) => left.sourceUid - right.sourceUid);
  const sources = formatNumberSet(ordered.map((pair) => pair.sourceUid));
  const destinations = formatNumberSet(ordered.map((pair) => pair.targetUid));
  return { copyUidCode: `COPYUID ${target.uidValidity} ${sources} ${destinations}`, copied: pairs.length };
}
