// The "base subject" of RFC 5256 §2.1, used by SORT (SUBJECT) and both THREAD algorithms: encoded-words decoded,
// white space packed, then `Re:`/`Fwd:` leaders, `[list]` blobs, `(fwd)` trailers and `[fwd: ...]` wrappers removed
// until nothing more matches. The result is in i;unicode-casemap form (RFC 5256 §7, collation.ts), so equal base
// subjects are equal strings and order by code point. Also reports whether anything that marks a reply or forward was removed (RFC 5256 §2.1,
// used by REFERENCES step 5).
import { decodeEncodedWords } from '../../mime/index.ts';
import { unicodeCasemap } from './collation.ts';

export interface BaseSubject {
  /** The base subject in i;unicode-casemap form; empty for a missing or all-prefix subject. */
  text: string;
  /** A subj-refwd, a "(fwd)" subj-trailer or a subj-fwd-hdr/trl pair was removed. */
  replyOrForward: boolean;
}

/** `subj-blob = "[" *BLOBCHAR "]" *WSP` at the start of `text`: its length, or 0 when there is none. */
function blobLength(text: string, from: number): number {
  if (text[from] !== '[') return 0;
  let end = from + 1;
  while (end < text.length && text[end] !== '[' && text[end] !== ']') end++;
  if (text[end] !== ']') return 0;
  end++;
  if (text[end] === ' ') end++; // white space is packed: at most one space follows
  return end - from;
}

/** Step 3: `subj-leader = (*subj-blob subj-refwd) / WSP`; returns the length removed and whether it was a refwd. */
function leaderLength(text: string): { length: number; refwd: boolean } {
  if (text.startsWith(' ')) return { length: 1, refwd: false };
  let position = 0;
  for (let blob = blobLength(text, position); blob > 0; blob = blobLength(text, position)) position += blob;
  // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
  const word = /^(RE|FWD|FW)/.exec(text.slice(position));
  if (!word) return { length: 0, refwd: false };
  position += word[1]!.length;
  if (text[position] === ' ') position++;
  position += blobLength(text, position);
  if (text[position] !== ':') return { length: 0, refwd: false };
  return { length: position + 1, refwd: true };
}

/** RFC 5256 §2.1 steps (1) to (7). */
export function baseSubject(subjectHeader: string | undefined): BaseSubject {
  if (subjectHeader === undefined) return { text: '', replyOrForward: false };
  // (1) Decode encoded-words; tabs, continuations and runs of white space become one space.
  let text = unicodeCasemap(decodeEncodedWords(subjectHeader)).replace(/[ \t\r\n]+/g, ' ');
  let replyOrForward = false;
  for (;;) {
    // (2) Trailing "(fwd)" and white space, repeatedly.
    for (;;) {
      if (text.endsWith(' ')) text = text.slice(0, -1);
      else if (text.endsWith('(FWD)')) {
        text = text.slice(0, -5);
        replyOrForward = true;
      } else break;
    }
    // (3) leaders and (4) a blob that leaves something behind, (5) until neither matches.
    for (let changed = true; changed; ) {
      changed = false;
      const leader = leaderLength(text);
      if (leader.length > 0) {
        text = text.slice(leader.length);
        replyOrForward ||= leader.refwd;
        changed = true;
      }
      const blob = blobLength(text, 0);
      if (blob > 0 && blob < text.length) {
        text = text.slice(blob);
        changed = true;
      }
    }
    // (6) A "[fwd:" ... "]" wrapper: unwrap and start again at (2).
    if (text.startsWith('[FWD:') && text.endsWith(']')) {
      text = text.slice(5, -1);
      replyOrForward = true;
      continue;
    }
    return { text, replyOrForward };
  }
}
