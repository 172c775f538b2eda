// LIST (RFC 3501 §6.3.8) with LIST-EXTENDED (RFC 5258: selection options SUBSCRIBED, SPECIAL-USE,
// RECURSIVEMATCH; return options SUBSCRIBED, CHILDREN, SPECIAL-USE), CHILDREN attributes (RFC 3348),
// special-use attributes (RFC 6154) and RETURN (STATUS ...) (RFC 5819). Names go out in modified UTF-7.
// A user sees only its own mailboxes (one personal namespace, NAMESPACE `(("" "/"))`).
import { encodeMailboxName } from '../protocol/modified-utf7.ts';
import type { ImapValue } from '../protocol/protocol-types.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { HIERARCHY_DELIMITER, type MailboxRecord } from '../../store/store-types.ts';
import { parseListArguments, type ListArguments } from './list-arguments.ts';
import { statusResponse } from './mailbox-status.ts';
import { compileMailboxPattern } from './mailbox-pattern.ts';
import { requireAccount } from './require-account.ts';

export const listCommand: ImapCommandSpec = {
  name: 'LIST',
  states: ['authenticated', 'selected'],
  run(context) {
    const list = parseListArguments(context.request.args);
    const extended = list.select.subscribed || list.select.specialUse;
    if (list.patterns.every((pattern) => pattern === '') && !extended) {
      // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root of the reference.
      context.send({ atom: 'LIST' }, [{ atom: '\\Noselect' }], HIERARCHY_DELIMITER, '');
      return;
    }
    const account = requireAccount(context);
    const mailboxes = new Map(context.store.listMailboxes(account).map((mailbox) => [mailbox.name, mailbox]));
    const subscriptions = new Set(context.store.listSubscriptions(account));
    const universe = namesWithSuperiors([...mailboxes.keys(), ...(list.select.subscribed ? subscriptions : [])]);
    const patterns = list.patterns.map((pattern) => compileMailboxPattern(list.reference, pattern));
    const isSelected = (name: string) => selectedByOptions(list, name, mailboxes.get(name), subscriptions);

    for (const name of sortMailboxNames(universe)) {
      if (!patterns.some((pattern) => pattern.matches(name))) continue;
      const selectedDescendant = list.select.recursiveMatch && [...universe].some((other) => isInferior(other, name) && isSelected(other));
      if (!isSelected(name) && !selectedDescendant) continue;
      const mailbox = mailboxes.get(name);
      const attributes = listAttributes(list, name, mailbox, universe, subscriptions, extended);
      const extendedData: ImapValue[] = selectedDescendant ? [['CHILDINFO', ['SUBSCRIBED']]] : [];
      context.send({ atom: 'LIST' }, attributes.map((attribute) => ({ atom: attribute })), HIERARCHY_DELIMITER, encodeMailboxName(name), ...extendedData);
      if (list.return.status && mailbox) context.send(...statusResponse(context.store, mailbox, list.return.status));
    }
  },
};

function selectedByOptions(list: ListArguments, name: string, mailbox: MailboxRecord | undefined, subscriptions: ReadonlySet<string>): boolean {
  if (list.select.subscribed && !subscriptions.has(name)) return false;
  if (list.select.specialUse && !mailbox?.specialUse) return false;
  // Plain LIST: existing mailboxes, plus missing superiors of existing ones (shown as \Noselect).
  return true;
}

function listAttributes(
  list: ListArguments,
  name: string,
  mailbox: MailboxRecord | undefined,
  universe: ReadonlySet<string>,
  subscriptions: ReadonlySet<string>,
  extended: boolean,
): string[] {
  const attributes: string[] = [];
  // RFC 5258 §3.4: \NonExistent (implies \Noselect) in extended replies; classic LIST says \Noselect.
  if (!mailbox) attributes.push(extended ? '\\NonExistent' : '\\Noselect');
  const hasChildren = [...universe].some((other) => isInferior(other, name));
  attributes.push(hasChildren ? '\\HasChildren' : '\\HasNoChildren');
  // Special-use attributes go out on every LIST (RFC 6154 §2 allows it; Thunderbird's plain LIST needs them).
  if (mailbox?.specialUse) attributes.push(mailbox.specialUse);
  if ((list.select.subscribed || list.return.subscribed) && subscriptions.has(name)) attributes.push('\\Subscribed');
  return attributes;
}

/** Every name plus all its superior names (a missing superior is listed as \Noselect/\NonExistent). */
export function namesWithSuperiors(names: Iterable<string>): Set<string> {
  const all = new Set<string>();
  for (const name of names) {
    const levels = name.split(HIERARCHY_DELIMITER);
    for (let depth = 1; depth <= levels.length; depth++) all.add(levels.slice(0, depth).join(HIERARCHY_DELIMITER));
  }
  return all;
}

export function isInferior(candidate: string, parent: string): boolean {
  return candidate.startsWith(parent + HIERARCHY_DELIMITER);
}

/** INBOX first, then by name (stable output that clients and tests can rely on). */
export function sortMailboxNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => {
    const aInbox = a === 'INBOX' || a.startsWith('INBOX/');
    const bInbox = b === 'INBOX' || b.startsWith('INBOX/');
    if (aInbox !== bInbox) return aInbox ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
