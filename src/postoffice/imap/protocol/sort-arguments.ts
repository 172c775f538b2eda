// SORT and UID SORT arguments (RFC 5256 §3 `sort`, RFC 5957 DISPLAYFROM/DISPLAYTO, RFC 5267 §3 ESORT `RETURN`):
// `[RETURN (options)] (sort-criteria) charset search-key...`. The charset is mandatory (unlike SEARCH); the
// command vets it. REVERSE applies to the one criterion after it.
import type { SearchKey, Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { parseSearchKeys } from './search-keys.ts';
import { parseSearchReturn, type SearchReturn } from './search-return.ts';
import { tokenToAstring } from './token-values.ts';

export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

export interface SortCriterion {
  key: SortKeyName;
  reverse: boolean;
}

export interface SortArguments {
  searchReturn: SearchReturn | undefined;
  criteria: SortCriterion[];
  charset: string;
  key: SearchKey;
}

const SORT_KEYS: ReadonlySet<string> = new Set<SortKeyName>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);

/** `sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"`, `sort-criterion = ["REVERSE" SP] sort-key`. */
export function parseSortCriteria(token: Token | undefined): SortCriterion[] {
  if (token?.type !== 'list' || token.items.length === 0) {
    throw new ProtocolSyntaxError('SORT expects a parenthesized list of sort criteria, e.g. (REVERSE DATE)');
  }
  const criteria: SortCriterion[] = [];
  let reverse = false;
  for (const item of token.items) {
    const name = item.type === 'atom' ? item.value.toUpperCase() : '';
    if (name === 'REVERSE') {
      if (reverse) throw new ProtocolSyntaxError('REVERSE must be followed by a sort key, not by another REVERSE');
      reverse = true;
      continue;
    }
    if (!SORT_KEYS.has(name)) {
      throw new ProtocolSyntaxError(`unknown sort criterion "${item.type === 'atom' ? item.value : item.type}": expected ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM or DISPLAYTO`);
    }
    criteria.push({ key: name as SortKeyName, reverse });
    reverse = false;
  }
  if (reverse) throw new ProtocolSyntaxError('REVERSE must be followed by a sort key');
  return criteria;
}

export function parseSortArguments(tokens: Token[]): SortArguments {
  const { searchReturn, rest } = parseSearchReturn(tokens);
  const criteria = parseSortCriteria(rest[0]);
  if (rest[1] === undefined) throw new ProtocolSyntaxError('SORT expects a charset (such as UTF-8) after the sort criteria');
  const charset = tokenToAstring(rest[1], 'charset');
  const parsed = parseSearchKeys(rest.slice(2));
  if (parsed.charset !== undefined) throw new ProtocolSyntaxError('SORT takes its charset before the search criteria, without CHARSET');
  return { searchReturn, criteria, charset, key: parsed.key };
}
