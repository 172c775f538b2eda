// LIST/LSUB name matching (RFC 3501 §6.3.8): the reference and the pattern are concatenated; `*` matches
// anything, `%` anything but the hierarchy delimiter. The INBOX level matches case-insensitively (§5.1).
import { HIERARCHY_DELIMITER } from '../../store/store-types.ts';

export interface MailboxPattern {
  matches(name: string): boolean;
  /** True when the pattern has a `%` wildcard (LSUB then shows unsubscribed parents as \Noselect). */
  readonly hasPercent: boolean;
}

export function compileMailboxPattern(reference: string, pattern: string): MailboxPattern {
  const full = reference + pattern;
  const plain = toRegExp(full);
  // `inbox`, `Inbox/%` ... : spell the INBOX level canonically, then match INBOX names exactly.
  const forInbox = /^inbox/i.test(full) ? toRegExp(`INBOX${full.slice(5)}`) : plain;
  return {
    hasPercent: full.includes('%'),
    matches(name: string): boolean {
      const isInboxLevel = name === 'INBOX' || name.startsWith(`INBOX${HIERARCHY_DELIMITER}`);
      return (isInboxLevel ? forInbox : plain).test(name);
    },
  };
}

function toRegExp(pattern: string): RegExp {
  let source = '';
  for (const character of pattern) {
    if (character === '*') source += '.*';
    else if (character === '%') source += `[^${escapeRegExp(HIERARCHY_DELIMITER)}]*`;
    else source += escapeRegExp(character);
  }
  return new RegExp(`^${source}$`, 'su');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
