// The i;unicode-casemap collation (RFC 5051) that SORT and THREAD must use (RFC 5256 §7): every character to its
// simple titlecase, then fully decomposed (compatibility decomposition included), then compared as UTF-8 octets,
// i.e. by code point. ASCII becomes upper case; accented letters sort right after their base letter.

/** The four Unicode digraphs whose titlecase differs from their uppercase (UnicodeData.txt field 14). */
const TITLECASE_DIGRAPHS: Readonly<Record<string, string>> = {
  '\u01c4': '\u01c5', '\u01c5': '\u01c5', '\u01c6': '\u01c5',
  '\u01c7': '\u01c8', '\u01c8': '\u01c8', '\u01c9': '\u01c8',
  '\u01ca': '\u01cb', '\u01cb': '\u01cb', '\u01cc': '\u01cb',
  '\u01f1': '\u01f2', '\u01f2': '\u01f2', '\u01f3': '\u01f2',
};

/** A character's simple titlecase: its uppercase when that is one character (ß stays ß: "SS" is a full mapping). */
function titlecase(character: string): string {
  const digraph = TITLECASE_DIGRAPHS[character];
  if (digraph !== undefined) return digraph;
  const upper = character.toUpperCase();
  return [...upper].length === 1 ? upper : character;
}

/** The "titlecased canonicalized UTF-8" form of RFC 5051 §2, as a JavaScript string. */
export function unicodeCasemap(text: string): string {
  // Plain ASCII needs neither titlecase tables nor decomposition.
  if (/^[\x00-\x7f]*$/.test(text)) return text.toUpperCase();
  let titled = '';
  for (const character of text) titled += titlecase(character);
  return titled.normalize('NFKD');
}

/** Code-point order (the octet order of UTF-8), not UTF-16 unit order. */
export function compareCodePoints(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const leftUnit = left.charCodeAt(index);
    const rightUnit = right.charCodeAt(index);
    if (leftUnit === rightUnit) continue;
    const leftSurrogate = leftUnit >= 0xd800 && leftUnit <= 0xdfff;
    const rightSurrogate = rightUnit >= 0xd800 && rightUnit <= 0xdfff;
    // A surrogate starts a code point above U+FFFF, which sorts after every BMP character.
    if (leftSurrogate !== rightSurrogate) return leftSurrogate ? 1 : -1;
    return leftUnit - rightUnit;
  }
  return left.length - right.length;
}
