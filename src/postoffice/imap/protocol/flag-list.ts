// Flags in STORE and APPEND (RFC 3501 §2.3.2, §9 `flag-list`, `store-att-flags`): system flags are
// canonicalised to their RFC spelling, `\Recent` cannot be set by clients, keywords are atoms.
import type { StoreAction, Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { tokenToNumber } from './token-values.ts';

const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** One flag token to its stored spelling. */
export function parseFlag(token: Token): string {
  if (token.type === 'nil') return 'NIL'; // NIL is a perfectly good keyword name
  if (token.type !== 'atom') throw new ProtocolSyntaxError('expected a flag (atom such as \\Seen or $Label)');
  const text = token.value;
  if (text.startsWith('\\')) {
    if (text.toLowerCase() === '\\recent') throw new ProtocolSyntaxError('\\Recent is set by the server and cannot be stored');
    const system = SYSTEM_FLAGS.find((flag) => flag.toLowerCase() === text.toLowerCase());
    if (!system) throw new ProtocolSyntaxError(`unknown system flag ${text}: expected one of ${SYSTEM_FLAGS.join(' ')}`);
    return system;
  }
  // flag-keyword = atom: no atom-specials (a bracketed fetch-style atom could carry spaces or parens).
  if (!/^[!#$&'+-[^-z|}~]+$/.test(text)) throw new ProtocolSyntaxError(`invalid keyword "${text}": keywords are atoms`);
  return text;
}

/** A flag list `(\Seen $Label)`, or loose flags `\Seen $Label` (STORE allows both); duplicates dropped. */
export function parseFlagList(tokens: Token | Token[]): string[] {
  const list = Array.isArray(tokens) ? tokens : [tokens];
  const flagTokens = list.length === 1 && list[0].type === 'list' ? list[0].items : list;
  if (flagTokens.some((token) => token.type === 'list')) throw new ProtocolSyntaxError('flag lists cannot be nested');
  const flags: string[] = [];
  for (const token of flagTokens) {
    const flag = parseFlag(token);
    if (!flags.some((known) => known.toLowerCase() === flag.toLowerCase())) flags.push(flag);
  }
  return flags;
}

/** STORE arguments after the sequence set: `[(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] flags`. */
export function parseStoreAction(tokens: Token[]): StoreAction {
  let index = 0;
  let unchangedSince: number | undefined;
  const first = tokens[0];
  if (first?.type === 'list') {
    const modifiers = first.items;
    for (let position = 0; position < modifiers.length; position += 2) {
      const name = modifiers[position];
      if (name.type !== 'atom' || name.value.toUpperCase() !== 'UNCHANGEDSINCE') {
        throw new ProtocolSyntaxError('unknown STORE modifier: only UNCHANGEDSINCE is supported');
      }
      unchangedSince = tokenToNumber(modifiers[position + 1], 'UNCHANGEDSINCE mod-sequence', Number.MAX_SAFE_INTEGER);
    }
    index = 1;
  }
  const item = tokens[index];
  const match = item?.type === 'atom' ? /^([+-]?)FLAGS(\.SILENT)?$/i.exec(item.value) : null;
  if (!match) throw new ProtocolSyntaxError('expected FLAGS, +FLAGS or -FLAGS (optionally .SILENT)');
  const flagTokens = tokens.slice(index + 1);
  if (flagTokens.length === 0) throw new ProtocolSyntaxError('missing flags after FLAGS');
  if (flagTokens.length > 1 && flagTokens.some((token) => token.type === 'list')) {
    throw new ProtocolSyntaxError('expected one flag list or flags separated by spaces');
  }
  return {
    mode: match[1] === '+' ? 'add' : match[1] === '-' ? 'remove' : 'set',
    silent: match[2] !== undefined,
    flags: parseFlagList(flagTokens),
    ...(unchangedSince !== undefined ? { unchangedSince } : {}),
  };
}
