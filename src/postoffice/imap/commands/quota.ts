// GETQUOTA and GETQUOTAROOT (RFC 9208 §4.1.1, §4.1.2): one quota root per account, "User quota", with the
// STORAGE resource (session/storage-quota.ts). GETQUOTAROOT names it for any mailbox name, existing or not
// (§4.1.2: a client may ask which root a mailbox would get); GETQUOTA of another root is NO [NONEXISTENT].
// The limit comes from the configuration: no QUOTASET capability, and SETQUOTA answers NO [NOPERM] saying
// where to change it (Dovecot answers NO likewise).
import { tokenToAstring } from '../protocol/argument-parsers.ts';
import type { CommandContext, ImapCommandSpec } from '../session/command-context.ts';
import { ImapError } from '../session/imap-error.ts';
import { QUOTA_ROOT, quotaResources } from '../session/storage-quota.ts';
import { requireAccount } from './require-account.ts';

function sendQuota(context: CommandContext): void {
  context.send({ atom: 'QUOTA' }, QUOTA_ROOT, quotaResources(context, requireAccount(context)));
}

export const getquotaCommand: ImapCommandSpec = {
  name: 'GETQUOTA',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 1) throw new ImapError('BAD', 'GETQUOTA expects one quota root name');
    const root = tokenToAstring(args[0], 'quota root name');
    if (root !== QUOTA_ROOT) throw new ImapError('NO', `No such quota root: ${root} (GETQUOTAROOT INBOX names yours)`, 'NONEXISTENT');
    sendQuota(context);
  },
};

export const getquotarootCommand: ImapCommandSpec = {
  name: 'GETQUOTAROOT',
  states: ['authenticated', 'selected'],
  run(context) {
    const { args } = context.request;
    if (args.length !== 1) throw new ImapError('BAD', 'GETQUOTAROOT expects one mailbox name');
    const name = context.mailboxNames.decode(args[0]);
    context.send({ atom: 'QUOTAROOT' }, context.mailboxNames.encode(name), QUOTA_ROOT);
    sendQuota(context);
  },
};

export const setquotaCommand: ImapCommandSpec = {
  name: 'SETQUOTA',
  states: ['authenticated', 'selected'],
  run() {
    throw new ImapError('NO', 'Quotas are set by the operator in mailswarm.yaml (quota.storageMb), not over IMAP', 'NOPERM');
  },
};
