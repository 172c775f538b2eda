// ENABLE (RFC 5161): turns on extensions that change server behaviour: CONDSTORE (RFC 7162 §3.1), QRESYNC
// (§3.2.3, which implies CONDSTORE; with a mailbox selected the first one reports `* OK [HIGHESTMODSEQ n]`) and
// UTF8=ACCEPT (RFC 6855 §3: mailbox names in UTF-8 from the next command on, UTF-8 headers in APPEND).
// `* ENABLED` lists only what this command newly enabled; unknown names are ignored, as the RFC asks.
// RFC 5161 allows ENABLE in the authenticated state only; we also accept it when selected, like Dovecot.
import { tokenToAtom } from '../protocol/argument-parsers.ts';
import type { ImapCommandSpec } from '../session/command-context.ts';
import { ENABLEABLE_EXTENSIONS } from '../session/capabilities.ts';
import { ImapError } from '../session/imap-error.ts';

/** ENABLED repeats names as the capability list spells them. */
const SPELLING: Readonly<Record<string, string>> = { IMAP4REV2: 'IMAP4rev2' };

export const enableCommand: ImapCommandSpec = {
  name: 'ENABLE',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length === 0) throw new ImapError('BAD', 'ENABLE expects at least one capability name');
    const newlyEnabled: string[] = [];
    for (const token of args) {
      const extension = tokenToAtom(token, 'capability name').toUpperCase();
      if (!ENABLEABLE_EXTENSIONS.has(extension) || context.session.enabled.has(extension)) continue;
      context.session.enable(extension);
      newlyEnabled.push(SPELLING[extension] ?? extension);
    }
    context.send({ atom: 'ENABLED' }, ...newlyEnabled.map((extension) => ({ atom: extension })));
  },
};
