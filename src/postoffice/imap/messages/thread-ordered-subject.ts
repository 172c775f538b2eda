// THREAD=ORDEREDSUBJECT (RFC 5256 §4): messages sorted by base subject, then sent date; each run of equal base
// subjects is one thread whose first message is the parent of all the others (siblings in date order); threads
// are ordered by the sent date of their first message. Ties go to mailbox order.
import type { ThreadMessage, ThreadNode } from './thread-tree.ts';

function compareMessages(left: ThreadMessage, right: ThreadMessage): number {
  if (left.subject.text !== right.subject.text) return left.subject.text < right.subject.text ? -1 : 1;
  return left.sentTime - right.sentTime || left.order - right.order;
}

export function threadByOrderedSubject(messages: readonly ThreadMessage[]): ThreadNode[] {
  const sorted = [...messages].sort(compareMessages);
  const threads: ThreadNode[] = [];
  let current: ThreadNode | undefined;
  for (const message of sorted) {
    if (current !== undefined && current.message!.subject.text === message.subject.text) {
      current.children.push({ message, children: [] });
      continue;
    }
    current = { message, children: [] };
    threads.push(current);
  }
  return threads.sort((left, right) => left.message!.sentTime - right.message!.sentTime || left.message!.order - right.message!.order);
}
