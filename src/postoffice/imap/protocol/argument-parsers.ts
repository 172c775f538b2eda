// Argument grammars of RFC 3501 §9 over parser tokens: one import point for the command writers. Each
// grammar lives in its own file; all throw ProtocolSyntaxError with a message naming what was expected
// (mailbox arguments that parse but name no possible mailbox throw MailboxNameError instead).
export { ProtocolSyntaxError } from './protocol-syntax-error.ts';
export { parseSequenceSet, resolveSequenceSet, sequenceSetContains, sequenceSetExceeds, isSequenceSetText, formatSequenceSet } from './sequence-set.ts';
export { parseFetchItems, parseSection, parseFetchModifiers, formatSection, fetchResponseLabel } from './fetch-items.ts';
export { parseSearchKeys } from './search-keys.ts';
export { parseSearchReturn, type SearchReturn, type SearchReturnOption } from './search-return.ts';
export { parseSortArguments, parseSortCriteria, type SortArguments, type SortCriterion, type SortKeyName } from './sort-arguments.ts';
export { parseThreadArguments, THREAD_ALGORITHMS, type ThreadAlgorithm, type ThreadArguments } from './thread-arguments.ts';
export { parseStoreAction, parseFlagList, parseFlag } from './flag-list.ts';
export { parseAppendMessages, type AppendData, type AppendMessage } from './append-arguments.ts';
export { parseDateTime, formatDateTime, parseSearchDate } from './date-time.ts';
export {
  tokenToString, tokenToAstring, tokenToNstring, tokenToBuffer, tokenToAtom, tokenToNumber, tokenToList,
  tokenToMailbox, tokenToMailboxPattern, tokenToMailboxPatternOrNull,
} from './token-values.ts';
export { MailboxNameError, type MailboxNameRole } from './mailbox-name-error.ts';
