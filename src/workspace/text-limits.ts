// Caps on what the workspace tools return to a model: a tool result has to fit in a prompt, and a note at
// the cut says what was left out and how to ask for it.

export const MAX_TOOL_OUTPUT_CHARACTERS = 60_000;

/** The first `maxLines` lines, with `note(omitted)` appended when lines were left out. */
export function limitLines(lines: string[], maxLines: number, note: (omitted: number) => string): string {
  if (lines.length <= maxLines) return lines.join('\n');
  return [...lines.slice(0, maxLines), note(lines.length - maxLines)].join('\n');
}

/** Cuts `text` at a line boundary before `maxCharacters`, appending `note` when it was cut. */
export function limitCharacters(text: string, maxCharacters: number, note: string): string {
  if (text.length <= maxCharacters) return text;
  const cut = text.lastIndexOf('\n', maxCharacters);
  return `${text.slice(0, cut > 0 ? cut : maxCharacters)}\n${note}`;
}

/** "1 file" / "3 files". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
