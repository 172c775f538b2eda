// Result options of SEARCH and SORT (RFC 4466 §2.6 `search-return-opts`): `RETURN (MIN MAX ALL COUNT)` of
// RFC 4731 (ESEARCH), `SAVE` of RFC 5182 (SEARCHRES), and `CONTEXT`, `UPDATE`, `PARTIAL n:m` of RFC 5267 §4.
// `RETURN ()` asks for ALL in an ESEARCH response (RFC 4731 §3.1); no RETURN at all keeps the classic
// `* SEARCH` / `* SORT` response.
import type { Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';

export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE' | 'CONTEXT' | 'UPDATE';

export interface SearchReturn {
  /** The options as given, ALL added for an empty list. PARTIAL is kept apart. */
  options: ReadonlySet<SearchReturnOption>;
  /** RFC 5267 §4.4 `PARTIAL low:high`: 1-based positions in the result list, low <= high. */
  partial?: { low: number; high: number };
}

const OPTIONS: ReadonlySet<string> = new Set<SearchReturnOption>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE', 'CONTEXT', 'UPDATE']);
const MAX_NUMBER = 0xffffffff;

/** RFC 5267 `partial-range = nz-number ":" nz-number` (either order, as Dovecot accepts it). */
function parsePartialRange(token: Token | undefined): { low: number; high: number } {
  const text = token?.type === 'atom' ? token.value : '';
  const match = /^([1-9][0-9]{0,9}):([1-9][0-9]{0,9})$/.exec(text);
  const first = match ? Number(match[1]) : NaN;
  const second = match ? Number(match[2]) : NaN;
  if (!match || first > MAX_NUMBER || second > MAX_NUMBER) {
    throw new ProtocolSyntaxError('PARTIAL expects a range of result positions such as 1:500');
  }
  return { low: Math.min(first, second), high: Math.max(first, second) };
}

function readOptions(items: Token[]): SearchReturn {
  const options = new Set<SearchReturnOption>();
  let partial: SearchReturn['partial'];
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    if (item.type !== 'atom') throw new ProtocolSyntaxError('RETURN options must be atoms such as MIN, MAX, ALL, COUNT or SAVE');
    const name = item.value.toUpperCase();
    if (name === 'PARTIAL') {
      if (partial !== undefined) throw new ProtocolSyntaxError('PARTIAL may be given only once');
      partial = parsePartialRange(items[++index]);
      continue;
    }
    if (!OPTIONS.has(name)) throw new ProtocolSyntaxError(`unknown RETURN option "${item.value}": expected MIN, MAX, ALL, COUNT, SAVE, CONTEXT, UPDATE or PARTIAL`);
    const option = name as SearchReturnOption;
    if (option === 'UPDATE' && options.has('UPDATE')) throw new ProtocolSyntaxError('UPDATE may be given only once');
    options.add(option);
  }
  // RFC 5267 §4.4: a command holds at most one of PARTIAL and ALL.
  if (partial !== undefined && options.has('ALL')) throw new ProtocolSyntaxError('PARTIAL and ALL cannot be used together');
  // RFC 4731 §3.1: RETURN () means ALL; CONTEXT is only a hint (RFC 5267 §4.2), so (CONTEXT) means ALL too, as in Dovecot.
  const asksSomething = [...options].some((option) => option !== 'CONTEXT');
  if (!asksSomething && partial === undefined) options.add('ALL');
  return partial === undefined ? { options } : { options, partial };
}

/**
 * Splits a leading `RETURN (options)` off the arguments of SEARCH or SORT. `searchReturn` is undefined when the
 * command has none; `rest` holds the remaining arguments.
 */
export function parseSearchReturn(tokens: Token[]): { searchReturn: SearchReturn | undefined; rest: Token[] } {
  const first = tokens[0];
  if (first?.type !== 'atom' || first.value.toUpperCase() !== 'RETURN') return { searchReturn: undefined, rest: tokens };
  const list = tokens[1];
  if (list?.type !== 'list') throw new ProtocolSyntaxError('RETURN expects a parenthesized list of options, e.g. RETURN (MIN COUNT)');
  return { searchReturn: readOptions(list.items), rest: tokens.slice(2) };
}
