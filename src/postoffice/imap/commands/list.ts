// LIST (RFC 3501 §6.3.8) with LIST-EXTENDED (RFC 5258: selection options SUBSCRIBED, REMOTE, RECURSIVEMATCH;
// return options SUBSCRIBED, CHILDREN; the CHILDINFO extended data item of §3.5), SPECIAL-USE (RFC 6154
// selection and return option), CHILDREN attributes (RFC 3348) and RETURN (STATUS ...) (RFC 5819).
// Names go out in modified UTF-7. A user sees only its own mailboxes (one personal namespace, `(("" "/"))`).
//
// The store creates missing superiors, so every existing mailbox's parent exists; names that do not exist
// come only from the subscription list (RFC 3501 §6.3.6 allows subscribing to any name).
// - \HasChildren / \HasNoChildren are always sent (RFC 5258 §4 allows it; Thunderbird's plain LIST wants
//   them) and count existing mailboxes only: a subscribed, missing `foo/bar` leaves `foo` \HasNoChildren
//   (the `foo/bar` example of RFC 5258 §5).
// - RECURSIVEMATCH: a name matching the pattern but not the selection criteria is listed when one of its
//   descendants meets them (whether or not that descendant matches the pattern), with
//   `("CHILDINFO" ("SUBSCRIBED"))`; so is a selected name with such a descendant (§3.5 and the `Foo`
//   examples of §5).
// - SUBSCRIBED without RECURSIVEMATCH: a missing name with a subscribed descendant that the pattern does not
//   list itself (`%`) is shown as `\NonExistent \HasChildren`, as §3.5 asks of servers with missing
//   hierarchy (the `music` example of §5); with `*` the descendant is listed and the missing parent is not.
import type { ImapValue } from '../protocol/protocol-types.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { HIERARCHY_DELIMITER, type MailboxRecord } from '../../store/store-types.ts';
import { parseListArguments, type ListArguments } from './list-arguments.ts';
import { statusResponse } from './mailbox-status.ts';
import { compileMailboxPattern } from './mailbox-pattern.ts';
import { requireAccount } from './require-account.ts';

const CHILDINFO_SUBSCRIBED: ImapValue[] = [['CHILDINFO', ['SUBSCRIBED']]];

export const listCommand: ImapCommandSpec = {
  name: 'LIST',
  states: ['authenticated', 'selected'],
  run(context) {
    const list = parseListArguments(context.request.args, context.mailboxNames);
    if (!list.extended && list.patterns.length === 1 && list.patterns[0] === '') {
      // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root of the reference.
      context.send({ atom: 'LIST' }, [{ atom: '\\Noselect' }], HIERARCHY_DELIMITER, '');
      return;
    }
    if (list.patterns.length === 0) return; // only invalid modified UTF-7: no name can match
    const account = requireAccount(context);
    const mailboxes = new Map(context.store.listMailboxes(account).map((mailbox) => [mailbox.name, mailbox]));
    const subscriptions = new Set(context.store.listSubscriptions(account));
    const candidates = namesWithSuperiors([...mailboxes.keys(), ...(list.select.subscribed ? subscriptions : [])]);
    const patterns = list.patterns.map((pattern) => compileMailboxPattern(list.reference, pattern));
    const matches = (name: string): boolean => patterns.some((pattern) => pattern.matches(name));
    const meetsSelection = (name: string): boolean => selectedByOptions(list, name, mailboxes.get(name), subscriptions);
    const withExistingChildren = superiorsOf(mailboxes.keys());
    const selectedNames = list.select.subscribed ? [...candidates].filter(meetsSelection) : [];
    const withSelectedDescendants = superiorsOf(selectedNames);
    const withUnlistedSelectedDescendants = superiorsOf(selectedNames.filter((name) => !matches(name)));

    for (const name of sortMailboxNames(candidates)) {
      if (!matches(name)) continue;
      const mailbox = mailboxes.get(name);
      const selected = meetsSelection(name);
      const childInfo = list.select.recursiveMatch && withSelectedDescendants.has(name);
      const signalsDescendant = !selected && !childInfo && mailbox === undefined && withUnlistedSelectedDescendants.has(name);
      if (!selected && !childInfo && !signalsDescendant) continue;
      const attributes: string[] = [];
      // RFC 5258 §3: \NonExistent (implies \Noselect) in extended replies; the base LIST says \Noselect.
      if (!mailbox) attributes.push(list.extended ? '\\NonExistent' : '\\Noselect');
      attributes.push(withExistingChildren.has(name) || signalsDescendant ? '\\HasChildren' : '\\HasNoChildren');
      // Special-use attributes go out on every LIST (RFC 6154 §2 allows it; Thunderbird's plain LIST needs them).
      if (mailbox?.specialUse) attributes.push(mailbox.specialUse);
      if ((list.select.subscribed || list.return.subscribed) && subscriptions.has(name)) attributes.push('\\Subscribed');
      const extendedData = childInfo ? CHILDINFO_SUBSCRIBED : [];
      context.send({ atom: 'LIST' }, attributes.map((attribute) => ({ atom: attribute })), HIERARCHY_DELIMITER, context.mailboxNames.encode(name), ...extendedData);
      // RFC 5819 §2: STATUS only for mailboxes that can be selected.
      if (list.return.status && mailbox) context.send(...statusResponse(context.store, mailbox, list.return.status, context.mailboxNames));
    }
  },
};

function selectedByOptions(list: ListArguments, name: string, mailbox: MailboxRecord | undefined, subscriptions: ReadonlySet<string>): boolean {
  if (list.select.subscribed && !subscriptions.has(name)) return false;
  if (list.select.specialUse && !mailbox?.specialUse) return false;
  // Plain LIST: existing mailboxes, plus missing superiors of existing ones (shown as \Noselect).
  return true;
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

/** The proper superiors of the given names: the names that have at least one of them below. */
function superiorsOf(names: Iterable<string>): Set<string> {
  const superiors = new Set<string>();
  for (const name of names) {
    const levels = name.split(HIERARCHY_DELIMITER);
    for (let depth = 1; depth < levels.length; depth++) superiors.add(levels.slice(0, depth).join(HIERARCHY_DELIMITER));
  }
  return superiors;
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
