// THREAD=REFERENCES (RFC 5256 §3), step by step: (1) link messages through their references (never changing a
// reference's parent once set, never making a loop; a message's own parent is its last reference), (2) collect
// the parentless containers, (3) prune dummies, (4) sort the top level by sent date, (5) merge threads whose base
// subjects are equal, (6) sort every set of siblings by sent date. Ties go to mailbox order.
import { compareByDate, nodesTopDown, representative, type ThreadMessage, type ThreadNode } from './thread-tree.ts';

interface Container {
  message: ThreadMessage | undefined;
  parent: Container | undefined;
  children: Container[];
}

function newContainer(message?: ThreadMessage): Container {
  return { message, parent: undefined, children: [] };
}

/** True when `ancestor` is `node` or one of its parents. */
function isAncestor(ancestor: Container, node: Container): boolean {
  // Without children it is nobody's parent: spares the walk up a long chain for every fresh container.
  if (ancestor !== node && ancestor.children.length === 0) return false;
  for (let current: Container | undefined = node; current !== undefined; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}

function unlink(child: Container): void {
  const parent = child.parent;
  if (parent === undefined) return;
  parent.children.splice(parent.children.indexOf(child), 1);
  child.parent = undefined;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

/** Step 1: containers for every message and every referenced id, linked parent to child. */
function linkReferences(messages: readonly ThreadMessage[]): Container[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const containerFor = (id: string): Container => {
    let container = byId.get(id);
    if (container === undefined) {
      container = newContainer();
      byId.set(id, container);
      all.push(container);
    }
    return container;
  };
  for (const message of messages) {
    // A missing or repeated Message-ID gets an id of its own (the first message keeps the real one).
    const known = message.messageId === undefined ? undefined : byId.get(message.messageId);
    let container: Container;
    if (message.messageId !== undefined && known?.message === undefined) {
      container = containerFor(message.messageId);
      container.message = message;
    } else {
      container = newContainer(message);
      all.push(container);
    }
    // (A) Link the references in order, unless a reference already has a parent or the link would loop.
    let previous: Container | undefined;
    for (const reference of message.references) {
      const current = containerFor(reference);
      if (previous !== undefined && current.parent === undefined && !isAncestor(current, previous)) link(previous, current);
      previous = current;
    }
    // (B) The last reference is the message's parent; a parent found earlier (truncated References) is replaced.
    if (container.parent !== previous) unlink(container);
    if (previous !== undefined && container.parent === undefined && !isAncestor(container, previous)) link(previous, container);
  }
  return all;
}

/**
 * Step 3, bottom-up: a dummy without children goes; one with children gives them to its parent, except that at
 * the top a dummy stays when it has more than one child. Iterative: reply chains can be thousands deep.
 */
function prune(roots: Container[]): ThreadNode[] {
  const topDown: Container[] = [];
  const pending = [...roots];
  while (pending.length > 0) {
    const container = pending.pop()!;
    topDown.push(container);
    for (const child of container.children) pending.push(child);
  }
  // Children before parents: a dummy's own children are final when its parent takes them over.
  for (let index = topDown.length - 1; index >= 0; index--) {
    const container = topDown[index]!;
    container.children = container.children.flatMap((child) => (child.message !== undefined ? [child] : child.children));
  }
  return roots.flatMap((root) => {
    if (root.message !== undefined || root.children.length > 1) return [root];
    return root.children; // a dummy with one child gives way to it; one with none disappears
  });
}

function sortByDate(roots: ThreadNode[]): void {
  const topDown = nodesTopDown(roots);
  for (let index = topDown.length - 1; index >= 0; index--) topDown[index]!.children.sort(compareByDate);
  roots.sort(compareByDate);
}

/** Step 5: threads whose (base) subjects are equal are gathered, as RFC 5256 §3 (5)(A)-(C) describe. */
function gatherSubjects(roots: ThreadNode[]): ThreadNode[] {
  const subjectOf = (node: ThreadNode) => representative(node)?.subject;
  const isDummy = (node: ThreadNode) => node.message === undefined;
  const table = new Map<string, ThreadNode>();
  for (const root of roots) {
    const subject = subjectOf(root);
    if (subject === undefined || subject.text === '') continue;
    const holder = table.get(subject.text);
    if (holder === undefined) table.set(subject.text, root);
    else if (!isDummy(holder) && (isDummy(root) || (holder.message!.subject.replyOrForward && !subject.replyOrForward))) table.set(subject.text, root);
  }
  // Roots placed under another thread (the loop still meets them and must leave them alone), and the dummies
  // that take the place of a root.
  const absorbed = new Set<ThreadNode>();
  const replacements = new Map<ThreadNode, ThreadNode>();
  for (const root of roots) {
    const subject = subjectOf(root);
    if (subject === undefined || subject.text === '' || absorbed.has(root)) continue;
    const holder = table.get(subject.text)!;
    if (holder === root) continue;
    absorbed.add(root);
    if (isDummy(holder) && isDummy(root)) {
      for (const child of root.children) holder.children.push(child);
    } else if (isDummy(holder) || (subject.replyOrForward && !holder.message!.subject.replyOrForward)) {
      holder.children.push(root);
    } else {
      const dummy: ThreadNode = { message: undefined, children: [holder, root] };
      replacements.set(holder, dummy);
      absorbed.add(holder);
      table.set(subject.text, dummy);
    }
  }
  return roots.flatMap((root) => {
    const replacement = replacements.get(root);
    if (replacement !== undefined) return [replacement];
    return absorbed.has(root) ? [] : [root];
  });
}

export function threadByReferences(messages: readonly ThreadMessage[]): ThreadNode[] {
  const containers = linkReferences(messages);
  const roots = prune(containers.filter((container) => container.parent === undefined));
  // (4) Top-level order by sent date; a dummy sorts by its first child, so its children are sorted first.
  for (const root of roots) if (root.message === undefined) root.children.sort(compareByDate);
  roots.sort(compareByDate);
  const threads = gatherSubjects(roots);
  sortByDate(threads);
  return threads;
}
