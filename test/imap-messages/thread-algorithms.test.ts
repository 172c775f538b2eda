// THREAD=REFERENCES and THREAD=ORDEREDSUBJECT (RFC 5256 §4) on hand-made message lists, written as the `* THREAD`
// response text: the response examples of §4 (`(2)(3 6 (4 23)(44 7 96))`, `((3)(5))`), each rule of REFERENCES
// steps 1-6 (truncated References, missing and duplicate Message-IDs, loops, dummy pruning, subject merging, date
// order), and ORDEREDSUBJECT's one level of children.
import { describe, expect, it } from 'vitest';
import { baseSubject } from '../../src/postoffice/imap/messages/base-subject.ts';
import { formatThreads, type ThreadMessage } from '../../src/postoffice/imap/messages/thread-tree.ts';
import { threadByReferences } from '../../src/postoffice/imap/messages/thread-references.ts';
import { threadByOrderedSubject } from '../../src/postoffice/imap/messages/thread-ordered-subject.ts';

interface Spec {
  id: number;
  /** Defaults to `m<id>`; null: the message has no valid Message-ID. */
  messageId?: string | null;
  references?: string[];
  subject?: string;
  /** Sent time in seconds; defaults to the id, so mailbox order and date order agree. */
  time?: number;
}

function messages(specs: Spec[]): ThreadMessage[] {
  return specs.map((spec) => ({
    id: spec.id,
    order: spec.id,
    messageId: spec.messageId === null ? undefined : spec.messageId ?? `m${spec.id}`,
    references: spec.references ?? [],
    subject: baseSubject(spec.subject ?? `subject ${spec.id}`),
    sentTime: spec.time ?? spec.id,
  }));
}

const references = (specs: Spec[]) => formatThreads(threadByReferences(messages(specs)));
const orderedSubject = (specs: Spec[]) => formatThreads(threadByOrderedSubject(messages(specs)));

describe('THREAD response examples (RFC 5256 §4)', () => {
  it('(2)(3 6 (4 23)(44 7 96)): a chain that splits, with parents later in the mailbox than children', () => {
    expect(references([
      { id: 2 },
      { id: 3 },
      { id: 4, references: ['m3', 'm6'] },
      { id: 6, references: ['m3'] },
      { id: 7, references: ['m3', 'm6', 'm44'] },
      { id: 23, references: ['m3', 'm6', 'm4'] },
      { id: 44, references: ['m3', 'm6'] },
      { id: 96, references: ['m3', 'm6', 'm44', 'm7'] },
    ])).toBe('(2)(3 6 (4 23)(44 7 96))');
  });

  it('((3)(5)): siblings whose parent is not among the messages', () => {
    expect(references([{ id: 3, references: ['gone'] }, { id: 5, references: ['gone'] }])).toBe('((3)(5))');
  });

  it('no messages, no threads', () => {
    expect(references([])).toBe('');
    expect(orderedSubject([])).toBe('');
  });
});

describe('REFERENCES step 1: linking', () => {
  it('uses In-Reply-To when References has no valid id (the reader gives `references` already chosen)', () => {
    expect(references([{ id: 1 }, { id: 2, references: ['m1'] }])).toBe('(1 2)');
  });

  it('keeps the first parent a reference got, but lets a message replace its own parent (truncated References)', () => {
    // 3 says m1 -> m2 -> 3; 4 says m2 is a child of m9 (ignored: m2 has a parent already).
    expect(references([
      { id: 1 }, { id: 2, references: ['m1'] }, { id: 3, references: ['m1', 'm2'] }, { id: 4, references: ['m9', 'm2'] },
    ])).toBe('(1 2 (3)(4))');
    // 2 first appears as a reference under m1, then says it has no references at all: it becomes a root.
    expect(references([{ id: 1 }, { id: 3, references: ['m1', 'm2'] }, { id: 2 }])).toBe('(1)(2 3)');
  });

  it('never makes a loop', () => {
    expect(references([{ id: 1, references: ['m2'] }, { id: 2, references: ['m1'] }])).toBe('(2 1)');
    expect(references([{ id: 1, references: ['m1'] }])).toBe('(1)');
  });

  it('gives a missing or repeated Message-ID an id of its own (the first message keeps it)', () => {
    expect(references([{ id: 1, messageId: 'dup' }, { id: 2, messageId: 'dup' }, { id: 3, references: ['dup'] }, { id: 4, messageId: null }]))
      .toBe('(1 3)(2)(4)');
  });
});

describe('REFERENCES steps 3-6: pruning, subjects, order', () => {
  it('removes dummies, promoting their children; keeps a top-level dummy with several children', () => {
    // m0 and m9 are missing: 2 and 3 hang under m9 under m0 -> m9 is promoted away, m0 stays with two children.
    expect(references([{ id: 2, references: ['m0', 'm9'] }, { id: 3, references: ['m0', 'm9'] }])).toBe('((2)(3))');
    // A dummy with a single child at the top gives way to it.
    expect(references([{ id: 2, references: ['m0', 'm9'] }, { id: 3, references: ['m0', 'm9', 'm2'] }])).toBe('(2 3)');
  });

  it('merges threads with the same base subject by the rules of step 5 (C)', () => {
    // A reply under a non-reply with the same subject; two non-replies under a new dummy.
    expect(references([{ id: 1, subject: 'lunch' }, { id: 2, subject: 'Re: lunch' }])).toBe('(1 2)');
    expect(references([{ id: 1, subject: 'lunch' }, { id: 2, subject: 'lunch' }])).toBe('((1)(2))');
    // The table prefers the non-reply (step 5 B iv), whichever comes first.
    expect(references([{ id: 1, subject: 'Re: lunch' }, { id: 2, subject: 'lunch' }])).toBe('(2 1)');
    // Two dummies: their children become siblings.
    expect(references([
      { id: 1, subject: 'x', references: ['a'] }, { id: 2, subject: 'x', references: ['a'] },
      { id: 3, subject: 'Re: x', references: ['b'] }, { id: 4, subject: 'x', references: ['b'] },
    ])).toBe('((1)(2)(3)(4))');
    // An empty subject never merges.
    expect(references([{ id: 1, subject: '' }, { id: 2, subject: 'Re: ' }])).toBe('(1)(2)');
  });

  it('orders siblings at every level by sent date, then mailbox order', () => {
    expect(references([
      { id: 1, time: 50 }, { id: 2, references: ['m1'], time: 30 }, { id: 3, references: ['m1'], time: 20 }, { id: 4, references: ['m1'], time: 20 },
      { id: 5, time: 10 },
    ])).toBe('(5)(1 (3)(4)(2))');
  });
});

describe('deep threads', () => {
  it('threads a reply chain thousands of messages deep, and a References header of thousands of ids, without recursing', () => {
    const chain = Array.from({ length: 15_000 }, (_, index) => ({ id: index + 1, references: index === 0 ? [] : [`m${index}`] }));
    const text = references(chain);
    expect(text.startsWith('(1 2 3 ')).toBe(true);
    expect(text.endsWith(' 14999 15000)')).toBe(true);
    expect(references([{ id: 1, references: Array.from({ length: 50_000 }, (_, index) => `gone${index}`) }])).toBe('(1)');
  });
});

describe('ORDEREDSUBJECT', () => {
  it('groups by base subject, first message as parent of all others, threads by first date', () => {
    expect(orderedSubject([
      { id: 1, subject: 'b', time: 5 }, { id: 2, subject: 'Re: a', time: 9 }, { id: 3, subject: 'a', time: 7 },
      { id: 4, subject: 'Fwd: b', time: 1 }, { id: 5, subject: 'c', time: 3 }, { id: 6, subject: 'A', time: 8 },
    ])).toBe('(4 1)(5)(3 (6)(2))');
  });
});
