// LIST arguments (RFC 3501 §6.3.8 and RFC 5258 LIST-EXTENDED §3 grammar, RFC 6154 SPECIAL-USE, RFC 5819
// LIST-STATUS): `LIST [(selection options)] reference (pattern | (patterns)) [RETURN (return options)]`.
// Unknown options are a BAD, as RFC 5258 §3 requires. A reference or pattern that is not valid modified
// UTF-7 (or, after UTF8=ACCEPT, not valid UTF-8) names no mailbox: it is dropped, so LIST answers OK with nothing
// for it (as Dovecot does).
import type { MailboxNameCodec } from '../protocol/mailbox-name-codec.ts';
import type { Token } from '../protocol/protocol-types.ts';
import { ImapError } from '../session/imap-error.ts';
import { parseStatusItems, type StatusItem } from './mailbox-status.ts';

export interface ListArguments {
  reference: string;
  /** The usable patterns (possibly none when every one was invalid modified UTF-7). */
  patterns: string[];
  /**
   * RFC 5258 §3: selection options (even `()`), return options or several patterns make an extended LIST,
   * whose replies say \NonExistent where the base LIST says \Noselect.
   */
  extended: boolean;
  select: { subscribed: boolean; specialUse: boolean; recursiveMatch: boolean };
  return: { subscribed: boolean; children: boolean; specialUse: boolean; status: StatusItem[] | undefined };
}

export function parseListArguments(args: Token[], names: MailboxNameCodec): ListArguments {
  const result: ListArguments = {
    reference: '',
    patterns: [],
    extended: false,
    select: { subscribed: false, specialUse: false, recursiveMatch: false },
    return: { subscribed: false, children: false, specialUse: false, status: undefined },
  };
  let index = 0;
  if (args[0]?.type === 'list') {
    parseSelectionOptions(args[0].items, result.select);
    result.extended = true;
    index = 1;
  }
  if (args.length < index + 2) throw new ImapError('BAD', 'LIST expects a reference name and a mailbox pattern');
  const reference = names.decodePattern(args[index], 'reference name');
  const patternToken = args[index + 1]!;
  let patterns: Array<string | null>;
  if (patternToken.type === 'list') {
    if (patternToken.items.length === 0) throw new ImapError('BAD', 'Empty pattern list');
    patterns = patternToken.items.map((item) => names.decodePattern(item));
    result.extended = true;
  } else {
    patterns = [names.decodePattern(patternToken)];
  }
  if (reference !== null) {
    result.reference = reference;
    result.patterns = patterns.filter((pattern): pattern is string => pattern !== null);
  }
  const rest = args.slice(index + 2);
  if (rest.length > 0) {
    const [keyword, options] = rest;
    if (rest.length !== 2 || keyword?.type !== 'atom' || keyword.value.toUpperCase() !== 'RETURN' || options?.type !== 'list') {
      throw new ImapError('BAD', 'Expected RETURN (options) after the mailbox pattern');
    }
    parseReturnOptions(options.items, result.return);
    result.extended = true;
  }
  return result;
}

function parseSelectionOptions(items: Token[], select: ListArguments['select']): void {
  for (const item of items) {
    const option = item.type === 'atom' ? item.value.toUpperCase() : '';
    if (option === 'SUBSCRIBED') select.subscribed = true;
    else if (option === 'SPECIAL-USE') select.specialUse = true;
    else if (option === 'RECURSIVEMATCH') select.recursiveMatch = true;
    else if (option === 'REMOTE') continue; // no remote mailboxes exist: REMOTE changes nothing (RFC 5258 §3)
    else throw new ImapError('BAD', `Unknown LIST selection option ${item.type === 'atom' ? item.value : ''}`.trim());
  }
  // RFC 5258 §3 and §6 (list-select-mod-opt needs a list-select-base-opt): RECURSIVEMATCH only refines
  // SUBSCRIBED. REMOTE and SPECIAL-USE are independent options (RFC 6154 §6), so they do not count.
  if (select.recursiveMatch && !select.subscribed) {
    throw new ImapError('BAD', 'RECURSIVEMATCH must be combined with the SUBSCRIBED selection option');
  }
}

function parseReturnOptions(items: Token[], options: ListArguments['return']): void {
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const option = item.type === 'atom' ? item.value.toUpperCase() : '';
    if (option === 'SUBSCRIBED') options.subscribed = true;
    else if (option === 'CHILDREN') options.children = true;
    else if (option === 'SPECIAL-USE') options.specialUse = true;
    else if (option === 'STATUS') {
      options.status = parseStatusItems(items[index + 1]);
      index++;
    } else throw new ImapError('BAD', `Unknown LIST return option ${item.type === 'atom' ? item.value : ''}`.trim());
  }
}
