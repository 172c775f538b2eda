// The arguments of NOTIFY (RFC 5465 §3, formal syntax §8): `NONE`, or `SET [STATUS] event-group...` where an
// event group is `(filter-mailboxes events)` and events are `NONE` or a list of event names, MessageNew
// optionally followed by fetch attributes. Grammar errors throw ProtocolSyntaxError (a BAD); which events the
// server supports and the rules between them (§3.1, §5, §6.1) are checked by notifyRuleViolation and by the
// command, because an unsupported event is a NO [BADEVENT], not a BAD.
import { parseFetchItems } from './fetch-items.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import type { FetchItem, Token } from './protocol-types.ts';

/** Event names of RFC 5465 §5 in their registered spelling; anything else is kept as written. */
export const NOTIFY_EVENT_NAMES = [
  'MessageNew',
  'MessageExpunge',
  'FlagChange',
  'AnnotationChange',
  'MailboxName',
  'SubscriptionChange',
  'MailboxMetadataChange',
  'ServerMetadataChange',
] as const;

/** Events that concern messages: the only ones allowed with the selected filters (§6.1). */
const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['MessageNew', 'MessageExpunge', 'FlagChange', 'AnnotationChange']);

export type NotifyFilter =
  | { kind: 'selected' }
  | { kind: 'selected-delayed' }
  | { kind: 'inboxes' }
  | { kind: 'personal' }
  | { kind: 'subscribed' }
  /** The named mailboxes and every mailbox below them. */
  | { kind: 'subtree'; names: string[] }
  /** Exactly the named mailboxes. */
  | { kind: 'mailboxes'; names: string[] };

export interface NotifyEventGroup {
  filter: NotifyFilter;
  /** Empty for `NONE`: nothing from these mailboxes. */
  events: string[];
  /** Fetch attributes after MessageNew (only with a selected filter, §5.1). */
  messageNewItems?: FetchItem[];
}

export type NotifyRequest = { kind: 'none' } | { kind: 'set'; status: boolean; groups: NotifyEventGroup[] };

/** `decodeMailbox` turns a mailbox token into a UTF-8 name (the session's codec). */
export function parseNotifyArguments(args: readonly Token[], decodeMailbox: (token: Token) => string): NotifyRequest {
  const verb = atomValue(args[0])?.toUpperCase();
  if (verb === 'NONE') {
    if (args.length !== 1) throw new ProtocolSyntaxError('NOTIFY NONE takes no further arguments');
    return { kind: 'none' };
  }
  if (verb !== 'SET') throw new ProtocolSyntaxError('expected NOTIFY NONE or NOTIFY SET');
  let index = 1;
  const status = atomValue(args[index])?.toUpperCase() === 'STATUS';
  if (status) index += 1;
  if (index >= args.length) throw new ProtocolSyntaxError('NOTIFY SET expects at least one event group, e.g. (selected (MessageNew MessageExpunge))');
  const groups = args.slice(index).map((token) => parseEventGroup(token, decodeMailbox));
  return { kind: 'set', status, groups };
}

/**
 * The first rule of RFC 5465 that the request breaks (a BAD), or undefined: one selected filter at most, only
 * message events with it, MessageNew and MessageExpunge together, FlagChange and AnnotationChange only with
 * both, fetch attributes only for the selected mailbox.
 */
export function notifyRuleViolation(request: NotifyRequest): string | undefined {
  if (request.kind === 'none') return undefined;
  const selectedFilters = request.groups.filter((group) => isSelectedFilter(group.filter));
  if (selectedFilters.length > 1) return 'NOTIFY SET may name SELECTED or SELECTED-DELAYED only once (RFC 5465 §6.1)';
  for (const group of request.groups) {
    const events = new Set(group.events);
    if (isSelectedFilter(group.filter)) {
      const other = group.events.find((event) => !MESSAGE_EVENTS.has(event));
      if (other !== undefined) return `${other} cannot be used with ${group.filter.kind.toUpperCase()}: only message events can (RFC 5465 §6.1)`;
    } else if (group.messageNewItems !== undefined) {
      return 'Fetch attributes after MessageNew are only allowed for SELECTED and SELECTED-DELAYED (RFC 5465 §5.1)';
    }
    if (events.has('MessageNew') !== events.has('MessageExpunge')) {
      return 'MessageNew and MessageExpunge must be given together (RFC 5465 §5.1)';
    }
    if ((events.has('FlagChange') || events.has('AnnotationChange')) && !events.has('MessageNew')) {
      return 'FlagChange and AnnotationChange need MessageNew and MessageExpunge too (RFC 5465 §5.2)';
    }
  }
  return undefined;
}

export function isSelectedFilter(filter: NotifyFilter): boolean {
  return filter.kind === 'selected' || filter.kind === 'selected-delayed';
}

function parseEventGroup(token: Token, decodeMailbox: (token: Token) => string): NotifyEventGroup {
  if (token.type !== 'list' || token.items.length < 2) {
    throw new ProtocolSyntaxError('expected an event group: (filter-mailboxes events), e.g. (personal (MailboxName))');
  }
  const items = token.items;
  const filterName = atomValue(items[0])?.toLowerCase();
  let filter: NotifyFilter;
  let next = 1;
  switch (filterName) {
    case 'selected':
    case 'selected-delayed':
    case 'inboxes':
    case 'personal':
    case 'subscribed':
      filter = { kind: filterName };
      break;
    case 'subtree':
    case 'mailboxes': {
      const names = items[1];
      if (names === undefined) throw new ProtocolSyntaxError(`${filterName.toUpperCase()} expects one mailbox or a list of them`);
      const tokens = names.type === 'list' ? names.items : [names];
      if (tokens.length === 0) throw new ProtocolSyntaxError(`${filterName.toUpperCase()} expects at least one mailbox`);
      filter = { kind: filterName, names: tokens.map((name) => decodeMailbox(name)) };
      next = 2;
      break;
    }
    default:
      throw new ProtocolSyntaxError(`unknown NOTIFY filter ${describe(items[0])}: expected SELECTED, SELECTED-DELAYED, INBOXES, PERSONAL, SUBSCRIBED, SUBTREE or MAILBOXES`);
  }
  const eventsToken = items[next];
  if (eventsToken === undefined || items.length !== next + 1) throw new ProtocolSyntaxError('an event group is (filter-mailboxes events) with events NONE or a list');
  if (eventsToken.type === 'atom' && eventsToken.value.toUpperCase() === 'NONE') return { filter, events: [] };
  if (eventsToken.type !== 'list' || eventsToken.items.length === 0) {
    throw new ProtocolSyntaxError('expected NONE or a parenthesized list of events, e.g. (MessageNew MessageExpunge)');
  }
  return { filter, ...parseEvents(eventsToken.items) };
}

function parseEvents(tokens: readonly Token[]): { events: string[]; messageNewItems?: FetchItem[] } {
  const events: string[] = [];
  let messageNewItems: FetchItem[] | undefined;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const written = atomValue(token);
    if (written === undefined) throw new ProtocolSyntaxError(`expected an event name, got ${describe(token)}`);
    const name = NOTIFY_EVENT_NAMES.find((known) => known.toLowerCase() === written.toLowerCase()) ?? written;
    events.push(name);
    if (name === 'MessageNew' && tokens[index + 1]?.type === 'list') {
      messageNewItems = parseFetchItems([tokens[index + 1]!]);
      index += 1;
    }
  }
  return messageNewItems === undefined ? { events } : { events, messageNewItems };
}

function atomValue(token: Token | undefined): string | undefined {
  return token?.type === 'atom' ? token.value : undefined;
}

function describe(token: Token | undefined): string {
  if (token === undefined) return 'nothing';
  if (token.type === 'atom') return token.value;
  return token.type === 'list' ? 'a list' : token.type === 'nil' ? 'NIL' : 'a string';
}
