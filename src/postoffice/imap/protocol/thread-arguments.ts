// THREAD and UID THREAD arguments (RFC 5256 §4 `thread`): `algorithm charset search-key...`, with the
// ORDEREDSUBJECT and REFERENCES algorithms. The charset is mandatory; the command vets it.
import type { SearchKey, Token } from './protocol-types.ts';
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';
import { parseSearchKeys } from './search-keys.ts';
import { tokenToAstring } from './token-values.ts';

export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES';

export const THREAD_ALGORITHMS: readonly ThreadAlgorithm[] = ['ORDEREDSUBJECT', 'REFERENCES'];

export interface ThreadArguments {
  algorithm: ThreadAlgorithm;
  charset: string;
  key: SearchKey;
}

export function parseThreadArguments(tokens: Token[]): ThreadArguments {
  const [algorithmToken, charsetToken, ...criteria] = tokens;
  if (algorithmToken?.type !== 'atom') throw new ProtocolSyntaxError('THREAD expects an algorithm (ORDEREDSUBJECT or REFERENCES), a charset and search criteria');
  const algorithm = algorithmToken.value.toUpperCase();
  if (!(THREAD_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new ProtocolSyntaxError(`unknown threading algorithm "${algorithmToken.value}": expected ORDEREDSUBJECT or REFERENCES`);
  }
  if (charsetToken === undefined) throw new ProtocolSyntaxError('THREAD expects a charset (such as UTF-8) after the algorithm');
  const charset = tokenToAstring(charsetToken, 'charset');
  const parsed = parseSearchKeys(criteria);
  if (parsed.charset !== undefined) throw new ProtocolSyntaxError('THREAD takes its charset before the search criteria, without CHARSET');
  return { algorithm: algorithm as ThreadAlgorithm, charset, key: parsed.key };
}
