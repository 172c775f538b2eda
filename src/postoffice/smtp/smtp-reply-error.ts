// The error an smtp-server callback takes to answer a command with a given reply: `responseCode` is the
// RFC 5321 §4.2 code, the text starts with the RFC 3463 enhanced status code (smtp-server's own
// ENHANCEDSTATUSCODES mapping is off because it can only derive the enhanced code from the basic one,
// which would turn every 550 into 5.1.1).
export class SmtpReplyError extends Error {
  override name = 'SmtpReplyError';
  readonly responseCode: number;

  constructor(responseCode: number, enhancedCode: string, text: string) {
    super(`${enhancedCode} ${text}`);
    this.responseCode = responseCode;
  }
}
