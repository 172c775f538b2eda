// Collects review trailers from the replies to a patch series, by b4's rule: a Reviewed-by / Tested-by /
// Acked-by line in a reply anywhere below patch k applies to patch k; below the cover letter, to every patch.
// Only the reviewer's own lines count: quoted lines (">") are someone else's words, the patch mails' own
// trailers are already in the commits, and nothing after a "-- " signature separator is read. A Nacked-by
// line or a line that is just "NAK" is collected apart: it means "do not apply". Pure: no I/O.

export interface ThreadMail {
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  /** The decoded plain-text body. */
  text: string;
  from: string;
}

export interface CollectedReviewTrailers {
  /** One list per patch, in series order: normalised "Tag: Name <address>" lines, first seen first. */
  perPatch: string[][];
  naks: Array<{ messageId: string; line: string }>;
}

const REVIEW_TAGS = new Map([
  ['reviewed-by', 'Reviewed-by'],
  ['tested-by', 'Tested-by'],
  ['acked-by', 'Acked-by'],
]);
const TRAILER_LINE = /^([A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const NAME_AND_ADDRESS = /^([^<>]*?)[ \t]*<([^<>\s]+@[^<>\s]+)>$/;

type Anchor = { kind: 'patch'; index: number } | { kind: 'cover' };

export function collectReviewTrailers(options: { coverMessageId: string | undefined; patchMessageIds: string[]; thread: ThreadMail[] }): CollectedReviewTrailers {
  const patchIndexById = new Map(options.patchMessageIds.map((id, index) => [normalizeId(id), index]));
  const coverId = options.coverMessageId === undefined ? undefined : normalizeId(options.coverMessageId);
  const mailById = new Map(options.thread.map((mail) => [normalizeId(mail.messageId), mail]));

  const classify = (id: string): Anchor | undefined => {
    const index = patchIndexById.get(id);
    if (index !== undefined) return { kind: 'patch', index };
    return id === coverId ? { kind: 'cover' } : undefined;
  };

  // The nearest patch or cover above a mail: follow the parent chain through the thread first (References
  // may be truncated by clients), then fall back on the mail's own References, nearest first.
  const anchorOf = (mail: ThreadMail, seen: Set<string>): Anchor | undefined => {
    const parentHeader = mail.inReplyTo ?? mail.references.at(-1);
    if (parentHeader === undefined) return undefined;
    const parent = normalizeId(parentHeader);
    const direct = classify(parent);
    if (direct) return direct;
    const parentMail = mailById.get(parent);
    if (parentMail && !seen.has(parent)) {
      seen.add(parent);
      const inherited = anchorOf(parentMail, seen);
      if (inherited) return inherited;
    }
    for (const reference of [...mail.references].reverse()) {
      const found = classify(normalizeId(reference));
      if (found) return found;
    }
    return undefined;
  };

  const perPatch = options.patchMessageIds.map((): string[] => []);
  const naks: CollectedReviewTrailers['naks'] = [];
  for (const mail of options.thread) {
    const id = normalizeId(mail.messageId);
    if (classify(id)) continue;
    const anchor = anchorOf(mail, new Set([id]));
    if (!anchor) continue;
    const targets = anchor.kind === 'cover' ? perPatch : [perPatch[anchor.index]!];
    for (const line of ownLines(mail.text)) {
      if (isNak(line)) {
        if (!naks.some((nak) => nak.messageId === mail.messageId && nak.line === line)) naks.push({ messageId: mail.messageId, line });
        continue;
      }
      const trailer = reviewTrailer(line);
      if (!trailer) continue;
      for (const list of targets) if (!list.includes(trailer)) list.push(trailer);
    }
  }
  return { perPatch, naks };
}

/** The reply's own lines: not quoted, before the signature, trailing whitespace removed. */
function ownLines(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (raw === '-- ') break;
    if (raw.startsWith('>')) continue;
    lines.push(raw.replace(/[ \t]+$/, ''));
  }
  return lines;
}

function isNak(line: string): boolean {
  return line.trim() === 'NAK' || /^Nacked-by:/i.test(line);
}

/** "reviewed-by:  Ann <a@x>" → "Reviewed-by: Ann <a@x>"; undefined for anything else. */
function reviewTrailer(line: string): string | undefined {
  const match = TRAILER_LINE.exec(line);
  if (!match) return undefined;
  const tag = REVIEW_TAGS.get(match[1]!.toLowerCase());
  const value = NAME_AND_ADDRESS.exec(match[2]!);
  if (!tag || !value || value[1] === '') return undefined;
  return `${tag}: ${value[1]} <${value[2]}>`;
}

function normalizeId(id: string): string {
  return id.trim().replace(/^<(.*)>$/, '$1');
}
