// Public surface of the pure MIME layer used by IMAP FETCH and SEARCH (RFC 3501 §6.4.4, §6.4.5, §7.4.2).

export { parseMimeTree, findPart, type MimePart, type ContentType, type HeaderField } from './mime-tree.ts';
export { buildEnvelope, type Envelope, type EnvelopeAddress } from './envelope.ts';
export {
  buildBodyStructure,
  type BodyStructure,
  type SinglePartStructure,
  type MultipartStructure,
  type PartDisposition,
} from './body-structure.ts';
export { extractSection, applyPartial, type BodySection } from './body-section.ts';
export { foldedFieldValues, foldedValuesMatcher, headerMatches, headerFieldMatcher, textMatches, sentDate, sentDay, sentDayOf } from './search-match.ts';
export { parseHeaderFields } from './header-fields.ts';
export { analyzeMessage, type MessageAnalysis } from './analyze-message.ts';
export { decodeEncodedWords } from './encoded-words.ts';
export { decodeTransferEncoding } from './transfer-decoding.ts';
export { decodeCharset } from './charset-decode.ts';
export { toCrlf } from './to-crlf.ts';
