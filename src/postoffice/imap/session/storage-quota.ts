// QUOTA (RFC 9208) as the post office applies it: every account is one quota root, "User quota" (Dovecot's
// name for the same thing), holding the account's mailboxes, with one resource, STORAGE (§5.1: units of 1024
// octets, usage rounded up, the sum of RFC822.SIZE of the messages). Mailboxes the user may not change (the
// humans' read-only Journal, filled by the post office itself) do not count: nobody could ever free that space.
// The limit is per account and the same for all (config `quota.storageMb`; none means unlimited). It is a hard
// limit for what the account adds itself: APPEND and COPY that would pass it fail with `NO [OVERQUOTA]`
// (§4.3.1). MOVE adds nothing to the account, so it stays possible (a user over quota can still file mail
// into Trash), and SMTP delivery ignores the quota on purpose: mail in the swarm is never bounced for it; the
// account then simply shows usage above its limit until mail is expunged.
// Summing an account's message sizes for every APPEND was a fifth of the CPU under a mixed workload; a usage
// measured once plus every byte stored anywhere since is an upper bound, and only when that bound would not
// fit is the usage measured again.
import type { ImapValue } from '../protocol/protocol-types.ts';
import type { MailStoreApi } from '../../store/store-types.ts';
import type { CommandContext } from './command-context.ts';
import { ImapError } from './imap-error.ts';

export const QUOTA_ROOT = 'User quota';

/** Bytes the account holds in the mailboxes that count against its quota. */
export function quotaUsageBytes(context: CommandContext, account: string): number {
  return context.store
    .accountUsage(account)
    .filter((mailbox) => !context.isReadOnlyMailbox(mailbox.name))
    .reduce((total, mailbox) => total + mailbox.bytes, 0);
}

/** `(STORAGE used limit)` for `* QUOTA`, or `()` when the account has no limit (§4.2.1: nothing is limited). */
export function quotaResources(context: CommandContext, account: string): ImapValue[] {
  const limitBytes = context.storageQuotaBytes;
  if (limitBytes === undefined) return [];
  return [{ atom: 'STORAGE' }, Math.ceil(quotaUsageBytes(context, account) / 1024), Math.floor(limitBytes / 1024)];
}

/** An account's usage as last measured, and the store's storedBytes() at that moment. */
interface MeasuredUsage {
  usedBytes: number;
  storedBytes: number;
}

const measuredUsage = new WeakMap<MailStoreApi, Map<string, MeasuredUsage>>();

/** Throws `NO [OVERQUOTA]` when adding `addedBytes` to the account would pass its limit. */
export function requireStorageRoom(context: CommandContext, account: string, addedBytes: number): void {
  const limitBytes = context.storageQuotaBytes;
  if (limitBytes === undefined || addedBytes === 0) return;
  let measured = measuredUsage.get(context.store);
  if (measured === undefined) {
    measured = new Map();
    measuredUsage.set(context.store, measured);
  }
  const storedNow = context.store.storedBytes();
  const last = measured.get(account);
  if (last !== undefined && last.usedBytes + (storedNow - last.storedBytes) + addedBytes <= limitBytes) return;
  const usedBytes = quotaUsageBytes(context, account);
  measured.set(account, { usedBytes, storedBytes: storedNow });
  if (usedBytes + addedBytes <= limitBytes) return;
  throw new ImapError(
    'NO',
    `Quota exceeded: ${formatSize(usedBytes)} of ${formatSize(limitBytes)} used, ${formatSize(addedBytes)} more would not fit; expunge or move mail to make room`,
    'OVERQUOTA',
  );
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
