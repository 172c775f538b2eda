// MAIL FROM / RCPT TO parameters (RFC 5321 §4.1.2 Mail-parameters): only those of the extensions we
// advertise are accepted; any other one gets 555 5.5.4 (RFC 5321 §4.1.1.11), so a typo or a stray second
// address ("MAIL FROM:<a@b> <c@d>") is refused instead of silently ignored.
import type { SMTPServerAddress } from 'smtp-server';
import { SmtpReplyError } from './smtp-reply-error.ts';

/** SIZE (RFC 1870), BODY (RFC 6152 8BITMIME), SMTPUTF8 (RFC 6531). DSN is not advertised. */
export const MAIL_PARAMETERS = ['SIZE', 'BODY', 'SMTPUTF8'];
export const RCPT_PARAMETERS: string[] = [];

export function checkParameters(address: SMTPServerAddress, allowed: string[], command: 'MAIL FROM' | 'RCPT TO'): void {
  if (!address.args) return;
  const unknown = Object.keys(address.args).find((name) => !allowed.includes(name.toUpperCase()));
  if (unknown !== undefined) {
    throw new SmtpReplyError(555, '5.5.4', `${command} parameter ${unknown.slice(0, 40)} not recognized`);
  }
}
