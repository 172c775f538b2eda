// RCPT TO checks shared by both SMTP servers: the per-message recipient limit (RFC 5321 §4.5.3.1.10:
// excess recipients get 452, the client sends them in another transaction) and whether an address is a
// local account, an unknown user of our domain (550 5.1.1, RFC 3463) or foreign.
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { AccountDirectory } from '../accounts/account-directory.ts';
import { SmtpReplyError } from './smtp-reply-error.ts';

export function checkRecipientLimit(session: SMTPServerSession, address: SMTPServerAddress, limit: number): void {
  const wanted = address.address.toLowerCase();
  const already = session.envelope.rcptTo.some((recipient) => recipient.address.toLowerCase() === wanted);
  if (!already && session.envelope.rcptTo.length >= limit) {
    throw new SmtpReplyError(452, '4.5.3', `too many recipients (at most ${limit} per message), send the rest in another message`);
  }
}

/** 'local' or 'foreign'; throws 550 5.1.1 for an address of our domain that has no account. */
export function classifyRecipient(accounts: AccountDirectory, address: string): 'local' | 'foreign' {
  if (accounts.isLocalAddress(address)) return 'local';
  if (accounts.isLocalDomain(address)) throw new SmtpReplyError(550, '5.1.1', `<${address}>: no such user here`);
  return 'foreign';
}
