// The inbound SMTP server (RFC 5321) on config.ports.smtp (default 2525): mail from other hosts and tools
// to our local accounts only. No AUTH; relaying is refused (550 5.7.1), unknown local users get 550 5.1.1.
//
// Every message gets `X-Mailswarm-Trust: untrusted`. The brief asked for the marker when the envelope
// sender or From is not a local account; since nobody authenticates here, a local-looking sender proves
// nothing, so the marker goes on all inbound mail (a strict superset). Mail from our own accounts comes
// through the submission port and carries X-Mailswarm-Authenticated-As instead. Forged copies of either
// field are removed before delivery.
import type { AccountDirectory } from '../accounts/account-directory.ts';
import { checkParameters, MAIL_PARAMETERS, RCPT_PARAMETERS } from './command-parameters.ts';
import { addListHeaders, commitDeliveryGrouped, routeRecipients } from './delivery.ts';
import { TRUST_HEADER } from './message-headers.ts';
import { prependHeaderLines, receivedFieldFor, receiveMessage } from './message-intake.ts';
import { checkRecipientLimit, classifyRecipient } from './recipient-checks.ts';
import { startSmtpServer, type RunningSmtpServer } from './smtp-listener.ts';
import { SmtpReplyError } from './smtp-reply-error.ts';
import type { SmtpServerDependencies } from './submission-server.ts';

function refuseRelay(accounts: AccountDirectory, address: string): void {
  if (classifyRecipient(accounts, address) === 'foreign') {
    throw new SmtpReplyError(550, '5.7.1', `<${address}>: relaying denied, this server only accepts mail for ${accounts.domain}`);
  }
}

export async function startInboundServer(options: SmtpServerDependencies): Promise<RunningSmtpServer> {
  const { config, accounts } = options;
  const domain = accounts.domain;
  const maxBytes = config.limits.messageSizeBytes;

  return startSmtpServer({
    role: 'inbound',
    host: options.host ?? config.host,
    port: options.port ?? config.ports.smtp,
    logger: options.logger,
    serverOptions: {
      name: domain,
      banner: 'mailswarm inbound SMTP',
      key: options.tls.key,
      cert: options.tls.cert,
      size: maxBytes,
      disabledCommands: ['AUTH'],
      authOptional: true,
    },
    handlers: {
      onMailFrom(address) {
        checkParameters(address, MAIL_PARAMETERS, 'MAIL FROM');
      },
      onRcptTo(address, session) {
        checkParameters(address, RCPT_PARAMETERS, 'RCPT TO');
        checkRecipientLimit(session, address, config.limits.recipientsPerMessage);
        refuseRelay(accounts, address.address);
      },
      async onData(stream, session, log) {
        const message = await receiveMessage(stream, session, maxBytes);
        const recipients = session.envelope.rcptTo.map((recipient) => recipient.address);
        const routing = routeRecipients(accounts, recipients);
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        // RFC 5321 §4.4: final delivery records the envelope sender in Return-Path (<> marks a bounce, RFC 3834).
        const traceLines = [`Return-Path: <${mailFrom}>`, `${TRUST_HEADER}: untrusted`];
        const stored = addListHeaders(prependHeaderLines(receivedFieldFor(session, message, domain), traceLines, message.body), routing.lists);
        const results = await commitDeliveryGrouped(options, routing.localTargets, stored, message.receivedAt, {
          mailFrom,
          recipients,
          port: 'inbound',
          authenticatedAs: null,
          disposition: 'delivered',
        });
        log.info({ id: message.id, from: mailFrom, recipients: recipients.length, size: stored.length, stored: results.length }, 'message delivered');
        return `2.6.0 message ${message.id} accepted`;
      },
    },
  });
}
