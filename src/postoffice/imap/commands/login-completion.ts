// The common end of LOGIN and AUTHENTICATE (RFC 3501 §6.2.2/§6.2.3, RFC 5530 AUTHENTICATIONFAILED): checks
// the password against the account directory, moves the session to the authenticated state, makes sure the
// account's default folders exist, and answers with the post-login capabilities (`OK [CAPABILITY ...]`).
import type { CommandContext, CommandResult } from '../session/command-context.ts';
import { capabilityList } from '../session/capabilities.ts';
import { ImapError } from '../session/imap-error.ts';

export async function completeLogin(context: CommandContext, login: string, password: string, authorizeAs?: string): Promise<CommandResult> {
  const address = await context.accounts.verifyPassword(login, password);
  // A SASL authorization identity must be the authenticated user itself: we offer no proxy logins.
  const authorizationMismatch =
    address !== null && authorizeAs !== undefined && authorizeAs !== '' && context.accounts.resolveLogin(authorizeAs) !== address;
  if (address === null || authorizationMismatch) {
    await context.session.loginFailed(login);
    throw new ImapError('NO', 'Invalid user name or password', 'AUTHENTICATIONFAILED');
  }
  context.store.ensureAccount(address);
  context.session.authenticate(address);
  const capabilities = capabilityList({ authenticated: true, tlsAvailable: false, literalMinus: context.session.literalMinus });
  return { code: `CAPABILITY ${capabilities.join(' ')}`, text: 'Logged in' };
}
