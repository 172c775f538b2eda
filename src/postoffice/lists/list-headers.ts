// The list header fields a list adds to the copy it distributes: RFC 2919 List-Id (`<name.domain>`, the
// identifier mail clients filter on) and RFC 2369 List-Post (`<mailto:name@domain>`). Any copy of these
// fields the sender wrote is replaced, so a member can trust them. A List-Id field names exactly one list
// (RFC 2919 §3 grammar), so a message sent to several lists carries one List-Id (and one List-Post) field
// per list, in RCPT order: a member filtering on any of those lists finds the message.
import type { MailingList } from './mailing-lists.ts';

export const LIST_HEADER_NAMES = ['List-Id', 'List-Post'];

/** The header lines (without CRLF) for a message distributed through `list`. */
export function listHeaderLines(list: MailingList): string[] {
  // RFC 2919 §2: the phrase is optional, quoted here so any description is safe.
  const phrase = list.description === undefined ? '' : `"${list.description.replace(/["\\\r\n]/g, ' ').trim()}" `;
  return [`List-Id: ${phrase}<${list.name}.${list.address.slice(list.address.indexOf('@') + 1)}>`, `List-Post: <mailto:${list.address}>`];
}

/**
 * The header lines (without CRLF) for a message distributed through every one of `lists` (RCPT order): all
 * List-Id fields first, then the List-Post fields in the same order, so the first of each names the same list.
 */
export function listHeaderLinesForAll(lists: readonly MailingList[]): string[] {
  const pairs = lists.map(listHeaderLines);
  return [...pairs.map(([listId]) => listId!), ...pairs.map(([, listPost]) => listPost!)];
}
