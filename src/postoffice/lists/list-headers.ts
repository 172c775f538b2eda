// The list header fields a list adds to the copy it distributes: RFC 2919 List-Id (`<name.domain>`, the
// identifier mail clients filter on) and RFC 2369 List-Post (`<mailto:name@domain>`). Any copy of these
// fields the sender wrote is replaced, so a member can trust them (RFC 2919 §3: one List-Id per message).
import type { MailingList } from './mailing-lists.ts';

export const LIST_HEADER_NAMES = ['List-Id', 'List-Post'];

/** The header lines (without CRLF) for a message distributed through `list`. */
export function listHeaderLines(list: MailingList): string[] {
  // RFC 2919 §2: the phrase is optional, quoted here so any description is safe.
  const phrase = list.description === undefined ? '' : `"${list.description.replace(/["\\\r\n]/g, ' ').trim()}" `;
  return [`List-Id: ${phrase}<${list.name}.${list.address.slice(list.address.indexOf('@') + 1)}>`, `List-Post: <mailto:${list.address}>`];
}
