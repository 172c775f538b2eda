// SELECT/EXAMINE parameters (RFC 4466 §2.2 `select-params`): CONDSTORE (RFC 7162 §3.1.8) and
// `QRESYNC (uidvalidity mod-sequence [known-uids [seq-match-data]])` (RFC 7162 §3.2.5, §7 ABNF). Only the
// syntax is checked here; whether QRESYNC was ENABLEd is the command's business.
import type { SequenceSet, Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { parseSequenceSet } from './sequence-set.ts';
import { tokenToAtom, tokenToNumber } from './token-values.ts';

/** RFC 7162 §7: mod-sequence values are unsigned 63-bit; JavaScript numbers hold them exactly up to 2^53. */
const MAX_MODSEQ = Number.MAX_SAFE_INTEGER;

export interface QresyncParameter {
  uidValidity: number;
  /** The last MODSEQ the client knows (0 is accepted, as Dovecot does: it means "everything"). */
  modseq: number;
  /** UIDs the client has cached; absent means 1:(UIDNEXT-1). Never contains `*`. */
  knownUids?: SequenceSet;
  /** Sequence numbers and the UIDs the client believes they have, pairwise (§3.2.5.2). */
  sequenceMatch?: { sequences: SequenceSet; uids: SequenceSet };
}

export interface SelectParameters {
  condstore: boolean;
  qresync?: QresyncParameter;
}

export function parseSelectParameters(token: Token | undefined): SelectParameters {
  const result: SelectParameters = { condstore: false };
  if (token === undefined) return result;
  if (token.type !== 'list') throw new ProtocolSyntaxError('SELECT parameters must be a parenthesized list, e.g. (CONDSTORE)');
  for (let index = 0; index < token.items.length; index++) {
    const name = token.items[index];
    const upper = name?.type === 'atom' ? name.value.toUpperCase() : '';
    if (upper === 'CONDSTORE') {
      result.condstore = true;
    } else if (upper === 'QRESYNC' && result.qresync === undefined) {
      result.qresync = parseQresync(token.items[++index]);
    } else {
      throw new ProtocolSyntaxError(`unknown SELECT parameter${name?.type === 'atom' ? ` ${name.value}` : ''}: expected CONDSTORE or QRESYNC (...)`);
    }
  }
  return result;
}

function parseQresync(token: Token | undefined): QresyncParameter {
  if (token?.type !== 'list' || token.items.length < 2 || token.items.length > 4) {
    throw new ProtocolSyntaxError('Invalid QRESYNC parameters: expected (uidvalidity mod-sequence [known-uids [(sequences uids)]])');
  }
  const [validityToken, modseqToken, knownToken, matchToken] = token.items;
  // 0 is no valid UIDVALIDITY: it simply never matches, so the mailbox opens without resync (as Dovecot does).
  const uidValidity = tokenToNumber(validityToken, 'QRESYNC uidvalidity');
  const parameter: QresyncParameter = { uidValidity, modseq: tokenToNumber(modseqToken, 'QRESYNC mod-sequence', MAX_MODSEQ) };
  if (knownToken !== undefined) parameter.knownUids = knownSet(knownToken, 'QRESYNC known-uids');
  if (matchToken !== undefined) {
    if (matchToken.type !== 'list' || matchToken.items.length !== 2) {
      throw new ProtocolSyntaxError('Invalid QRESYNC sequence match data: expected (sequence-set uid-set)');
    }
    parameter.sequenceMatch = {
      sequences: knownSet(matchToken.items[0], 'QRESYNC known sequence set'),
      uids: knownSet(matchToken.items[1], 'QRESYNC known uid set'),
    };
  }
  return parameter;
}

/** RFC 7162 §7 `known-uids`, `known-sequence-set`, `known-uid-set`: sequence sets without `*`. */
function knownSet(token: Token | undefined, what: string): SequenceSet {
  const text = tokenToAtom(token, what);
  if (text.includes('*') || text.includes('$')) throw new ProtocolSyntaxError(`Invalid ${what}: "*" and "$" are not allowed`);
  return parseSequenceSet(text);
}
