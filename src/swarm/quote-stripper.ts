// Removes quoted history from a plain-text mail body so that text already shown earlier in a thread is not
// sent to the model twice: `>` quote lines (RFC 3676 section 4.5 quote depth) and the attribution and
// forwarded-history blocks mail clients add ("On <date>, <name> wrote:", "-----Original Message-----").
// The signature separator "-- " (RFC 3676 section 4.3) ends the new text as well.

const attributionPatterns = [
  // "On Tue, 1 Dec 2026 at 10:00, Alice <alice@x> wrote:" (Gmail/Thunderbird/Apple Mail, possibly wrapped)
  /^On\b[\s\S]{0,300}?\bwrote:\s*$/i,
  // "Am 01.12.2026 um 10:00 schrieb Alice:" and similar localised forms
  /^(Am|Le|El|Il|Op)\b[\s\S]{0,300}?\b(schrieb|a écrit|escribió|ha scritto|schreef)\s*:\s*$/i,
  // "alice@x wrote:" / "Alice wrote:"
  /^[^\n]{1,120}\bwrote:\s*$/i,
];

// A forwarded message is new to its recipient, so "---------- Forwarded message ----------" is NOT a cut point.
const historyMarkers = [/^-{2,}\s*Original Message\s*-{2,}\s*$/i, /^_{10,}\s*$/];

/** The new text of a message body, without quoted lines, attribution lines and trailing history. */
export function stripQuotedText(body: string): string {
  const lines = body.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line === '-- ') break;
    if (historyMarkers.some((pattern) => pattern.test(line.trim()))) break;
    if (/^\s*>/.test(line)) continue;
    // Attributions may wrap over two lines ("On ..., Alice <alice@x>\nwrote:"): test the joined pair too.
    const next = lines[index + 1] ?? '';
    if (isAttribution(line) && followedByQuoteOrEnd(lines, index + 1)) continue;
    if (isWrappedAttribution(line, next) && followedByQuoteOrEnd(lines, index + 2)) {
      index++;
      continue;
    }
    kept.push(line);
  }
  return trimBlankLines(kept).join('\n');
}

function isAttribution(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length > 0 && attributionPatterns.some((pattern) => pattern.test(trimmed));
}

/** "On <date>, <name>" + "<address> wrote:" on the next line: only the dated forms wrap in practice. */
function isWrappedAttribution(line: string, next: string): boolean {
  const joined = `${line.trim()} ${next.trim()}`;
  return /^(On|Am|Le|El|Il|Op)\b/.test(line.trim()) && attributionPatterns.slice(0, 2).some((pattern) => pattern.test(joined));
}

/** An attribution only counts when quoted text (or nothing) follows, so prose ending in "wrote:" survives. */
function followedByQuoteOrEnd(lines: string[], from: number): boolean {
  for (let index = from; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.trim() === '') continue;
    return /^\s*>/.test(line);
  }
  return true;
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end).map((line) => line.replace(/\s+$/, ''));
}
