// A mailbox argument that is a well-formed astring but cannot name a mailbox: broken modified UTF-7
// (RFC 3501 §5.1.3) or control characters. It is still the protocol layer's one error type (a subclass of
// ProtocolSyntaxError), but the command was understood, so the dispatcher answers NO instead of BAD, as Dovecot
// does ("Mailbox name is not valid mUTF-7").
import { ProtocolSyntaxError } from './protocol-syntax-error.ts';

/** `existing`: the command looks a mailbox up (SELECT, STATUS, APPEND...); `new`: it names one to create. */
export type MailboxNameRole = 'existing' | 'new';

export class MailboxNameError extends ProtocolSyntaxError {
  readonly role: MailboxNameRole;
  constructor(message: string, role: MailboxNameRole) {
    super(message);
    this.name = 'MailboxNameError';
    this.role = role;
  }
}
