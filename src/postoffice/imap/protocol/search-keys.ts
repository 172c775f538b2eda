// SEARCH criteria (RFC 3501 §6.4.4, §9 `search-key`; RFC 7162 §3.1.5 MODSEQ): a recursive-descent parser
// over tokens. Top-level keys and parenthesized groups are ANDed; strings are decoded as UTF-8.
import type { SearchKey, Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { parseSearchDate } from './date-time.ts';
import { isSequenceSetText, parseSequenceSet } from './sequence-set.ts';
import { tokenToAstring, tokenToAtom, tokenToNumber } from './token-values.ts';

const FLAG_KEYS: Record<string, { flag: string; set: boolean }> = {
  ANSWERED: { flag: '\\Answered', set: true }, UNANSWERED: { flag: '\\Answered', set: false },
  DELETED: { flag: '\\Deleted', set: true }, UNDELETED: { flag: '\\Deleted', set: false },
  DRAFT: { flag: '\\Draft', set: true }, UNDRAFT: { flag: '\\Draft', set: false },
  FLAGGED: { flag: '\\Flagged', set: true }, UNFLAGGED: { flag: '\\Flagged', set: false },
  SEEN: { flag: '\\Seen', set: true }, UNSEEN: { flag: '\\Seen', set: false },
  RECENT: { flag: '\\Recent', set: true }, OLD: { flag: '\\Recent', set: false },
};
const HEADER_KEYS: Record<string, string> = { FROM: 'From', TO: 'To', CC: 'Cc', BCC: 'Bcc', SUBJECT: 'Subject' };
const DATE_KEYS: Record<string, { which: 'internal' | 'sent'; op: 'before' | 'on' | 'since' }> = {
  BEFORE: { which: 'internal', op: 'before' }, ON: { which: 'internal', op: 'on' }, SINCE: { which: 'internal', op: 'since' },
  SENTBEFORE: { which: 'sent', op: 'before' }, SENTON: { which: 'sent', op: 'on' }, SENTSINCE: { which: 'sent', op: 'since' },
};

/** The deepest nesting accepted: a hostile `NOT NOT NOT ...` must not exhaust the stack. */
const MAX_DEPTH = 100;

class SearchKeyReader {
  private index = 0;
  private readonly tokens: Token[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  take(what: string): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new ProtocolSyntaxError(`missing ${what}`);
    return token;
  }

  readKey(depth: number): SearchKey {
    if (depth > MAX_DEPTH) throw new ProtocolSyntaxError('search criteria nested too deeply');
    const token = this.take('search key');
    if (token.type === 'list') {
      if (token.items.length === 0) throw new ProtocolSyntaxError('empty parenthesized search key');
      return readAll(new SearchKeyReader(token.items), depth + 1);
    }
    if (token.type !== 'atom') throw new ProtocolSyntaxError('expected a search key such as ALL, UNSEEN or FROM "x"');
    const name = token.value.toUpperCase();
    if (isSequenceSetText(token.value)) return { kind: 'sequence', set: parseSequenceSet(token.value) };
    if (name === '$') return { kind: 'sequence', set: parseSequenceSet('$') }; // RFC 5182 saved result
    if (name === 'ALL') return { kind: 'all' };
    const flagKey = FLAG_KEYS[name];
    if (flagKey) return { kind: 'flag', flag: flagKey.flag, set: flagKey.set };
    if (name === 'NEW') {
      return { kind: 'and', keys: [{ kind: 'flag', flag: '\\Recent', set: true }, { kind: 'flag', flag: '\\Seen', set: false }] };
    }
    const header = HEADER_KEYS[name];
    if (header) return { kind: 'header', field: header, value: tokenToAstring(this.take(`${name} string`), `${name} string`) };
    const dateKey = DATE_KEYS[name];
    if (dateKey) return { kind: 'date', ...dateKey, date: parseSearchDate(tokenToAstring(this.take(`${name} date`), `${name} date`)) };
    switch (name) {
      case 'BODY':
      case 'TEXT':
        return { kind: 'text', where: name, value: tokenToAstring(this.take(`${name} string`), `${name} string`) };
      case 'HEADER': {
        const field = tokenToAstring(this.take('HEADER field name'), 'HEADER field name');
        return { kind: 'header', field, value: tokenToAstring(this.take('HEADER string'), 'HEADER string') };
      }
      case 'KEYWORD':
      case 'UNKEYWORD':
        return keywordKey(tokenToAtom(this.take(`${name} flag`), `${name} flag`), name === 'KEYWORD');
      case 'LARGER':
      case 'SMALLER':
        return { kind: 'size', op: name === 'LARGER' ? 'larger' : 'smaller', size: tokenToNumber(this.take(`${name} size`), `${name} size`) };
      case 'NOT':
        return { kind: 'not', key: this.readKey(depth + 1) };
      case 'OR': {
        const left = this.readKey(depth + 1);
        return { kind: 'or', left, right: this.readKey(depth + 1) };
      }
      case 'UID':
        return { kind: 'uid', set: parseSequenceSet(tokenToAtom(this.take('UID sequence set'), 'UID sequence set')) };
      case 'MODSEQ':
        return this.readModseq();
      default:
        throw new ProtocolSyntaxError(`unknown search key "${token.value}"`);
    }
  }

  /** `MODSEQ [entry-name entry-type-req] mod-sequence-valzer`; the entry is ignored (we keep one modseq). */
  private readModseq(): SearchKey {
    if (this.peek()?.type === 'string') {
      this.take('MODSEQ entry name');
      const type = tokenToAtom(this.take('MODSEQ entry type'), 'MODSEQ entry type').toLowerCase();
      if (type !== 'priv' && type !== 'shared' && type !== 'all') throw new ProtocolSyntaxError('MODSEQ entry type must be priv, shared or all');
    }
    return { kind: 'modseq', modseq: tokenToNumber(this.take('MODSEQ value'), 'MODSEQ value', Number.MAX_SAFE_INTEGER) };
  }
}

function keywordKey(keyword: string, set: boolean): SearchKey {
  // `KEYWORD \Seen` is not valid grammar, but clients send it; treat it as the flag it names.
  const systemFlag = Object.values(FLAG_KEYS).find((entry) => entry.flag.toLowerCase() === keyword.toLowerCase());
  if (systemFlag) return { kind: 'flag', flag: systemFlag.flag, set };
  if (keyword.startsWith('\\')) throw new ProtocolSyntaxError(`invalid keyword "${keyword}"`);
  return { kind: 'keyword', keyword, set };
}

function readAll(reader: SearchKeyReader, depth: number): SearchKey {
  const keys: SearchKey[] = [];
  while (!reader.done) keys.push(reader.readKey(depth));
  if (keys.length === 0) throw new ProtocolSyntaxError('missing search criteria');
  return keys.length === 1 ? keys[0] : { kind: 'and', keys };
}

/** SEARCH arguments: `[CHARSET name] key *(SP key)`. The charset is returned for the command to vet. */
export function parseSearchKeys(tokens: Token[]): { charset: string | undefined; key: SearchKey } {
  let rest = tokens;
  let charset: string | undefined;
  const first = tokens[0];
  if (first?.type === 'atom' && first.value.toUpperCase() === 'CHARSET') {
    charset = tokenToAstring(tokens[1], 'CHARSET name');
    rest = tokens.slice(2);
  }
  return { charset, key: readAll(new SearchKeyReader(rest), 0) };
}
