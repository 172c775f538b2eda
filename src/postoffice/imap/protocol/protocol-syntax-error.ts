// The one error type of the pure IMAP protocol layer: thrown by the argument grammars (RFC 3501 §9)
// and the modified UTF-7 codec when client input does not match the grammar. The message says what was
// expected, so the dispatcher can send it verbatim in a tagged BAD.

export class ProtocolSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolSyntaxError';
  }
}
