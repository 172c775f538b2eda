// What both THREAD algorithms of RFC 5256 work on and produce: one ThreadMessage per matching message (its
// Message-ID, references, base subject and sent date, read from the headers as §3 REFERENCES step 1 and §2.2 ask)
// and a forest of ThreadNodes, written as the `* THREAD` response of §4 (`thread-list`: a single child continues
// the list, several children each get their own parenthesized list, a missing parent is an empty position).
import { sentDate } from '../../mime/index.ts';
import { findField } from '../../mime/header-fields.ts';
import { baseSubject, type BaseSubject } from './base-subject.ts';
import { messageIdsIn } from './message-ids.ts';
import type { ParsedMessage } from './message-cache.ts';

export interface ThreadMessage {
  /** What the response names the message by: its sequence number, or its uid for UID THREAD. */
  id: number;
  /** Mailbox order, the tie-break of equal dates (uids ascend with sequence numbers). */
  order: number;
  /** The first valid Message-ID, without angle brackets; undefined when there is none. */
  messageId: string | undefined;
  /** The valid ids of References, else the first valid id of In-Reply-To (RFC 5256 §3 step 1.A). */
  references: string[];
  subject: BaseSubject;
  /** The Date header's instant, or INTERNALDATE when it is missing or unreadable (§2.2), in whole seconds. */
  sentTime: number;
}

export interface ThreadNode {
  /** Undefined for a dummy: a parent that is not among the messages (only at the top of a thread). */
  message: ThreadMessage | undefined;
  children: ThreadNode[];
}

/** The ThreadMessage of a stored message (`parsed` undefined: it vanished, only metadata is known). */
export function threadMessage(id: number, order: number, internalDate: Date, parsed: ParsedMessage | undefined): ThreadMessage {
  const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
  if (parsed === undefined) return { id, order, messageId: undefined, references: [], subject: baseSubject(undefined), sentTime: seconds(internalDate) };
  const headers = parsed.analysis.tree.headers;
  const header = (name: string): string | undefined => findField(headers, name)?.value;
  const references = messageIdsIn(header('References') ?? '');
  return {
    id,
    order,
    messageId: messageIdsIn(header('Message-ID') ?? '')[0],
    references: references.length > 0 ? references : messageIdsIn(header('In-Reply-To') ?? '').slice(0, 1),
    subject: baseSubject(header('Subject')),
    sentTime: seconds(sentDate(parsed.analysis.tree, parsed.raw) ?? internalDate),
  };
}

/** The message a node sorts and is named by: its own, or a dummy's first child's. */
export function representative(node: ThreadNode): ThreadMessage | undefined {
  let current: ThreadNode | undefined = node;
  while (current !== undefined && current.message === undefined) current = current.children[0];
  return current?.message;
}

/** Sent date, then mailbox order (RFC 5256 §2.2 and the threading steps that sort by date). */
export function compareByDate(left: ThreadNode, right: ThreadNode): number {
  const a = representative(left);
  const b = representative(right);
  if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0);
  return a.sentTime - b.sentTime || a.order - b.order;
}

/** Every node of the forest, parents before their children (no recursion: reply chains can be very deep). */
export function nodesTopDown(roots: readonly ThreadNode[]): ThreadNode[] {
  const nodes: ThreadNode[] = [];
  const pending = [...roots];
  while (pending.length > 0) {
    const node = pending.pop()!;
    nodes.push(node);
    for (const child of node.children) pending.push(child);
  }
  return nodes;
}

/**
 * The text after `* THREAD`: one parenthesized thread-list per top-level node, e.g. `(2)(3 6 (4 23)(44 7 96))`.
 * A single child continues the list; several children each get a nested list; a dummy writes only its children.
 */
export function formatThreads(threads: readonly ThreadNode[]): string {
  const pieces: string[] = [];
  // Work items, last first: text to write as it is, or a node whose members to write.
  const work: Array<string | ThreadNode> = [];
  const nested = (children: readonly ThreadNode[]): void => {
    for (let index = children.length - 1; index >= 0; index--) work.push(')', children[index]!, '(');
  };
  for (let index = threads.length - 1; index >= 0; index--) work.push(')', threads[index]!, '(');
  while (work.length > 0) {
    const item = work.pop()!;
    if (typeof item === 'string') {
      pieces.push(item);
      continue;
    }
    if (item.message === undefined) {
      nested(item.children);
      continue;
    }
    pieces.push(String(item.message.id));
    if (item.children.length === 1) work.push(item.children[0]!, ' ');
    else if (item.children.length > 1) {
      nested(item.children);
      work.push(' ');
    }
  }
  return pieces.join('');
}
