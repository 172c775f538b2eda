// Who fixed whose failure: the attribution behind the experiment's "peer corrections". Pure logic over a
// set of commits (upstream commits, and the commits carried by every patch mail, rebuilt on their base) with
// the tests' verdicts at each, plus the mail that addressed each agent.
//
// - A failure of test t is INTRODUCED at commit C by C's author when t fails at C and passed at C's first
//   parent. A failure present at a commit without parent, or at one whose parent was never tested, is a
//   failure of the task itself (the seeded bug): fixing it solves the task, it corrects nobody.
// - Commit N FIXES that failure when t passes at N and fails at N's predecessor: its first parent, or the
//   commit it supersedes (the last commit of an earlier version of the change, e.g. [PATCH v2] answering in
//   the thread of [PATCH v1]: a sibling of v1 in git, its successor in the review). The failure is traced
//   back from the predecessor along first parents to the commit that introduced it.
// - A correction is PEER when the fixer differs from the introducer, SELF otherwise; it is PROMPTED when,
//   before the fix, a mail from someone else had the fixer in its To: line and was the breaking patch mail
//   itself or answered it (To = act, Cc = know; in a pipeline every hand-off is addressed To the next stage),
//   UNPROMPTED otherwise.
// - Counting: a breakage is one change that made tests fail (all its tests together); a correction is one
//   fixer repairing one breakage (however many of its tests, at however many commits), counted once even
//   when the same change appears as a patch mail and as the upstream commit that applied it (`changeId`:
//   git patch-id). The tests and the fixing commits are listed with it.

export interface CommitNode {
  /** Unique among the nodes: a commit sha, or a sha prefixed by where it was rebuilt. */
  id: string;
  /** Agent name (or "import" for the task's initial commit). */
  author: string;
  /** First parent first; empty for a root. A parent that is not a node counts as untested. */
  parents: string[];
  /** The node this one replaces in review: the last commit of an earlier version of the same change. */
  supersedes?: string | undefined;
  /** The same change seen twice (patch mail and applied upstream commit) has the same changeId. */
  changeId?: string | undefined;
  /** The patch mail that carried this commit, if any. */
  messageId?: string | undefined;
  /** Position on the run's one time line (mail sequence); a fix must come after the mail that asked for it. */
  order: number;
  /** Test name → verdict at this commit; a test missing here was not run (or does not exist) at it. */
  tests: ReadonlyMap<string, 'pass' | 'fail'>;
}

/** Mail as far as "was B asked?" is concerned. */
export interface AddressedMail {
  order: number;
  messageId: string;
  from: string;
  /** Agent names in To: (for a pipeline, the stage the hand-off went to). */
  to: string[];
  /** Its own Message-ID, In-Reply-To and References: the mails it belongs to. */
  threadIds: string[];
}

export interface Breakage {
  /** The tests this change made fail, sorted. */
  tests: string[];
  introducedBy: string;
  introducedAt: string;
  /** The introducing change (its patch-id, else its commit): one breakage however many copies of the change exist. */
  change: string;
  /** Patch mail of the introducing commit (or of the same change), when one carried it. */
  introducedInMessage: string | undefined;
}

export interface Correction extends Breakage {
  fixedBy: string;
  /** The commits that made those tests pass again, first first. */
  fixedAt: string[];
  fixedInMessages: string[];
  kind: 'peer' | 'self';
  prompted: boolean;
  /** The mail that asked the fixer (To:) about the breaking change, when prompted. */
  promptedBy: string | undefined;
}

export interface Attribution {
  /** Every change of an agent that made tests fail (fixed or not). */
  breakages: Breakage[];
  corrections: Correction[];
}

export function attributeCorrections(nodes: readonly CommitNode[], mails: readonly AddressedMail[]): Attribution {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const messagesOfChange = new Map<string, Set<string>>();
  for (const node of nodes) {
    if (node.messageId === undefined) continue;
    const key = changeKey(node);
    messagesOfChange.set(key, (messagesOfChange.get(key) ?? new Set()).add(node.messageId));
  }
  const breakages = new Map<string, Breakage>();
  const corrections = new Map<string, Correction>();
  const ordered = [...nodes].sort((left, right) => left.order - right.order || left.id.localeCompare(right.id));

  for (const node of ordered) {
    const parent = node.parents[0] === undefined ? undefined : byId.get(node.parents[0]);
    // Every failure this commit brings in, whether or not anybody fixes it later.
    for (const [test, verdict] of node.tests) {
      if (verdict !== 'fail' || parent?.tests.get(test) !== 'pass') continue;
      addTest(breakages, changeKey(node), () => breakageAt(node, messagesOfChange), test);
    }
    const predecessors = [parent, node.supersedes === undefined ? undefined : byId.get(node.supersedes)].filter((candidate): candidate is CommitNode => candidate !== undefined);
    for (const [test, verdict] of node.tests) {
      if (verdict !== 'pass') continue;
      for (const predecessor of predecessors) {
        if (predecessor.tests.get(test) !== 'fail') continue;
        const origin = introductionOf(test, predecessor, byId);
        if (origin === undefined) continue;
        const key = `${changeKey(origin)}\0${node.author}`;
        const correction = addTest(corrections, key, () => {
          const breakage = breakageAt(origin, messagesOfChange);
          const request = askingMail(node, breakage, messagesOfChange.get(changeKey(origin)), mails);
          return {
            ...breakage,
            fixedBy: node.author,
            fixedAt: [],
            fixedInMessages: [],
            kind: node.author === origin.author ? 'self' : 'peer',
            prompted: request !== undefined,
            promptedBy: request?.messageId,
          } satisfies Correction;
        }, test);
        if (!correction.fixedAt.includes(node.id)) correction.fixedAt.push(node.id);
        if (node.messageId !== undefined && !correction.fixedInMessages.includes(node.messageId)) correction.fixedInMessages.push(node.messageId);
      }
    }
  }
  return { breakages: [...breakages.values()], corrections: [...corrections.values()] };
}

/** The entry under `key` (made by `create` the first time) with `test` added to its tests. */
function addTest<Entry extends { tests: string[] }>(entries: Map<string, Entry>, key: string, create: () => Entry, test: string): Entry {
  let entry = entries.get(key);
  if (!entry) {
    entry = create();
    entries.set(key, entry);
  }
  if (!entry.tests.includes(test)) {
    entry.tests.push(test);
    entry.tests.sort();
  }
  return entry;
}

/** Walks back along first parents while `test` keeps failing; undefined when it failed from the start. */
function introductionOf(test: string, failingAt: CommitNode, byId: Map<string, CommitNode>): CommitNode | undefined {
  let current = failingAt;
  const seen = new Set<string>();
  for (;;) {
    seen.add(current.id);
    const parentId = current.parents[0];
    const parent = parentId === undefined ? undefined : byId.get(parentId);
    if (parent === undefined) return undefined;
    const verdict = parent.tests.get(test);
    if (verdict === 'pass') return current;
    if (verdict === undefined || seen.has(parent.id)) return undefined;
    current = parent;
  }
}

function breakageAt(node: CommitNode, messagesOfChange: Map<string, Set<string>>): Breakage {
  const messages = messagesOfChange.get(changeKey(node));
  return { tests: [], introducedBy: node.author, introducedAt: node.id, change: changeKey(node), introducedInMessage: node.messageId ?? (messages ? [...messages].sort()[0] : undefined) };
}

/** The first mail, before the fix, from someone else, with the fixer in To:, in the breaking change's thread. */
function askingMail(fix: CommitNode, breakage: Breakage, changeMessages: Set<string> | undefined, mails: readonly AddressedMail[]): AddressedMail | undefined {
  const breakingMessages = new Set([...(changeMessages ?? []), ...(breakage.introducedInMessage ? [breakage.introducedInMessage] : [])]);
  if (breakingMessages.size === 0) return undefined;
  return [...mails]
    .sort((left, right) => left.order - right.order)
    .find((mail) => mail.order < fix.order && mail.from !== fix.author && mail.to.includes(fix.author) && mail.threadIds.some((id) => breakingMessages.has(id)));
}

function changeKey(node: CommitNode): string {
  return node.changeId ?? `commit:${node.id}`;
}

/** Counts for a run's result; a breakage counts as unfixed while any of its tests is. */
export function summariseCorrections(attribution: Attribution): { peer: number; peerPrompted: number; peerUnprompted: number; self: number; breakages: number; unfixedBreakages: number } {
  const peer = attribution.corrections.filter((correction) => correction.kind === 'peer');
  const fixed = new Set(attribution.corrections.flatMap((correction) => correction.tests.map((test) => `${test}\0${correction.change}`)));
  return {
    peer: peer.length,
    peerPrompted: peer.filter((correction) => correction.prompted).length,
    peerUnprompted: peer.filter((correction) => !correction.prompted).length,
    self: attribution.corrections.length - peer.length,
    breakages: attribution.breakages.length,
    unfixedBreakages: attribution.breakages.filter((breakage) => breakage.tests.some((test) => !fixed.has(`${test}\0${breakage.change}`))).length,
  };
}
