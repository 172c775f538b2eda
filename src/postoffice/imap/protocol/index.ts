// Public API of the pure IMAP protocol layer: parser, argument grammars, serializer, modified UTF-7.
export * from './protocol-types.ts';
export { CommandParser, type CommandParserOptions } from './command-parser.ts';
export * from './argument-parsers.ts';
export { encodeMailboxName, decodeMailboxName } from './modified-utf7.ts';
export { serializeValue, untagged, untaggedStatus, tagged, continuation, quoteString, canQuote } from './response-writer.ts';
