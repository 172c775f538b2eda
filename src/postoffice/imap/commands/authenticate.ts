// AUTHENTICATE PLAIN (RFC 3501 §6.2.2, RFC 4616 PLAIN, RFC 4959 SASL-IR): the credentials come as the
// initial response or after a `+ ` continuation; `*` cancels (BAD). Other mechanisms are refused.
import { tokenToAtom } from '../protocol/argument-parsers.ts';
import type { CommandContext, ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { completeLogin } from './login-completion.ts';

export const authenticateCommand: ImapCommandSpec = {
  name: 'AUTHENTICATE',
  states: ['not-authenticated'],
  async run(context) {
    const { args } = context.request;
    if (args.length < 1 || args.length > 2) throw new ImapError('BAD', 'AUTHENTICATE expects a mechanism and an optional initial response');
    const mechanism = tokenToAtom(args[0], 'SASL mechanism').toUpperCase();
    if (mechanism !== 'PLAIN') throw new ImapError('NO', `Unsupported authentication mechanism ${mechanism}`, 'CANNOT');
    const response = args.length === 2 ? initialResponse(context) : await context.continueAndReadLine('');
    if (response.trim() === '*') throw new ImapError('BAD', 'Authentication cancelled');
    const { authorizeAs, login, password } = decodePlain(response.trim());
    return completeLogin(context, login, password, authorizeAs);
  },
};

function initialResponse(context: CommandContext): string {
  const token = context.request.args[1];
  if (token?.type !== 'atom') throw new ImapError('BAD', 'Initial response must be base64 or "="');
  // RFC 4959 §3: `=` stands for an empty initial response.
  return token.value === '=' ? '' : token.value;
}

/** message = [authzid] NUL authcid NUL passwd (RFC 4616 §2), base64 encoded. */
function decodePlain(base64: string): { authorizeAs: string; login: string; password: string } {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new ImapError('BAD', 'Invalid base64 in SASL response');
  }
  const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3 || parts[1] === '') throw new ImapError('BAD', 'Malformed SASL PLAIN message');
  return { authorizeAs: parts[0]!, login: parts[1]!, password: parts[2]! };
}
