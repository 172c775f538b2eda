// Argument grammars of RFC 3501 §9 over parser tokens: one import point for the command writers. Each
// grammar lives in its own file; all throw ProtocolSyntaxError with a message naming what was expected.
export { ProtocolSyntaxError } from './protocol-syntax-error.ts';
export { parseSequenceSet, resolveSequenceSet, sequenceSetContains, sequenceSetExceeds, isSequenceSetText, formatSequenceSet } from './sequence-set.ts';
export { parseFetchItems, parseSection, parseFetchModifiers, formatSection, fetchResponseLabel } from './fetch-items.ts';
export { parseSearchKeys } from './search-keys.ts';
export { parseStoreAction, parseFlagList, parseFlag } from './flag-list.ts';
export { parseDateTime, formatDateTime, parseSearchDate } from './date-time.ts';
export {
  tokenToString, tokenToAstring, tokenToNstring, tokenToBuffer, tokenToAtom, tokenToNumber, tokenToList,
  tokenToMailbox, tokenToMailboxPattern,
} from './token-values.ts';
