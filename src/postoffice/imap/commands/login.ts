// LOGIN (RFC 3501 §6.2.3): user name (full address or bare local part) and password as astrings. Success
// re-sends the capabilities in the tagged OK (they change after login); failure is `NO [AUTHENTICATIONFAILED]`
// after the growing anti-guessing delay (RFC 5530).
import { tokenToAstring } from '../protocol/argument-parsers.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { completeLogin } from './login-completion.ts';

export const loginCommand: ImapCommandSpec = {
  name: 'LOGIN',
  states: ['not-authenticated'],
  async run(context) {
    const { args } = context.request;
    if (args.length !== 2) throw new ImapError('BAD', 'LOGIN expects a user name and a password');
    const login = tokenToAstring(args[0], 'user name');
    const password = tokenToAstring(args[1], 'password');
    return completeLogin(context, login, password);
  },
};
