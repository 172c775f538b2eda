// The message submission server (RFC 6409) on config.ports.submission (default 1587): mail from our own
// humans and agents. AUTH PLAIN/LOGIN (RFC 4954) is required; the envelope sender and the From/Sender
// header addresses must be the authenticated account (RFC 6409 §6.1; otherwise 550 5.7.1). Local
// recipients are delivered, foreign ones relayed through the smarthost or captured for the humans.
//
// allowInsecureAuth is deliberately on: Thunderbird and our agents log in with plain AUTH over loopback
// (127.0.0.1) without TLS, as the docs must state. STARTTLS (RFC 3207) is still offered with the
// self-signed certificate for anyone connecting from elsewhere.
//
// A Message-ID is added to mail that has none (RFC 6409 §8.3 allows submission servers to do so); the
// Date field is never added and the stored bytes are otherwise the client's (see message-intake.ts).
import { randomUUID } from 'node:crypto';
import type { MailswarmConfig } from '../../config/config-schema.ts';
import type { Logger } from '../../logger.ts';
import type { AccountDirectory } from '../accounts/account-directory.ts';
import { screenSubmission, type SubmissionGuard } from './submission-guard.ts';
import { LoginThrottle } from '../imap/session/login-throttle.ts';
import type { MailStoreApi } from '../store/store-types.ts';
import { addListHeaders, captureTargets, commitDeliveryGrouped, routeRecipients } from './delivery.ts';
import type { MessageJournal } from '../journal/message-journal.ts';
import { checkParameters, MAIL_PARAMETERS, RCPT_PARAMETERS } from './command-parameters.ts';
import { AUTHENTICATED_AS_HEADER } from './message-headers.ts';
import { prependHeaderLines, receivedFieldFor, receiveMessage } from './message-intake.ts';
import { checkRecipientLimit, classifyRecipient } from './recipient-checks.ts';
import type { SmarthostRelay } from './smarthost-relay.ts';
import { startSmtpServer, type RunningSmtpServer } from './smtp-listener.ts';
import { SmtpReplyError } from './smtp-reply-error.ts';

export interface SmtpServerDependencies {
  config: MailswarmConfig;
  store: MailStoreApi;
  accounts: AccountDirectory;
  tls: { key: string; cert: string };
  logger: Logger;
  /** The audit journal every commitDelivery appends to (journal/message-journal.ts). */
  journal: MessageJournal;
  /** Screening of submitted mail (the guard rails, guards/guard-rails.ts); absent: everything is delivered. */
  guards?: SubmissionGuard | undefined;
  /** Defaults to config.host and the port of this server in config.ports. */
  host?: string;
  port?: number;
}

export async function startSubmissionServer(options: SmtpServerDependencies & { smarthost?: SmarthostRelay }): Promise<RunningSmtpServer> {
  const { config, store, accounts, smarthost } = options;
  const domain = accounts.domain;
  const maxBytes = config.limits.messageSizeBytes;
  // Password guessing (RFC 4954 §9): each further failure from an address or connection waits longer.
  const throttle = new LoginThrottle();
  const failuresPerConnection = new WeakMap<object, number>();

  const senderMismatch = (account: string, what: string): SmtpReplyError =>
    new SmtpReplyError(550, '5.7.1', `${what} is not the address of the authenticated account <${account}>`);

  return startSmtpServer({
    role: 'submission',
    host: options.host ?? config.host,
    port: options.port ?? config.ports.submission,
    logger: options.logger,
    serverOptions: {
      name: domain,
      banner: 'mailswarm message submission',
      key: options.tls.key,
      cert: options.tls.cert,
      size: maxBytes,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      allowInsecureAuth: true, // plain AUTH on loopback is how Thunderbird and the agents log in (see header)
      authRequiredMessage: '5.7.0 authentication required: log in with AUTH PLAIN or LOGIN first',
    },
    handlers: {
      async onAuth(auth, session, log) {
        const login = auth.username ?? '';
        // RFC 4616 authorization identity: acting as another account is not offered.
        if (auth.authzid && accounts.resolveLogin(auth.authzid) !== accounts.resolveLogin(login)) {
          throw new SmtpReplyError(535, '5.7.8', 'authentication failed: authorization identity must be the login');
        }
        const address = await accounts.verifyPassword(login, auth.password ?? '');
        if (address === null) {
          const failures = (failuresPerConnection.get(session) ?? 0) + 1;
          failuresPerConnection.set(session, failures);
          const delayMs = throttle.recordFailure(session.remoteAddress, failures);
          log.info({ login, method: auth.method, delayMs }, 'authentication failed');
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
          throw new SmtpReplyError(535, '5.7.8', 'authentication failed: wrong login or password');
        }
        throttle.recordSuccess(session.remoteAddress);
        log.info({ account: address, method: auth.method }, 'authenticated');
        return address;
      },
      onMailFrom(address, session) {
        checkParameters(address, MAIL_PARAMETERS, 'MAIL FROM');
        const account = session.user as string;
        if (address.address === '') throw new SmtpReplyError(550, '5.7.1', `the null sender <> is not allowed for submission by <${account}>`);
        if (address.address.toLowerCase() !== account) throw senderMismatch(account, `envelope sender <${address.address}>`);
      },
      onRcptTo(address, session) {
        checkParameters(address, RCPT_PARAMETERS, 'RCPT TO');
        checkRecipientLimit(session, address, config.limits.recipientsPerMessage);
        classifyRecipient(accounts, address.address);
      },
      async onData(stream, session, log) {
        const account = session.user as string;
        const message = await receiveMessage(stream, session, maxBytes);
        const { fromAddresses, senderAddresses } = message.header;
        if (fromAddresses.length === 0) throw new SmtpReplyError(550, '5.7.1', `the message has no From address; it must be <${account}>`);
        const foreignFrom = fromAddresses.find((address) => address !== account);
        if (foreignFrom !== undefined) throw senderMismatch(account, `From address <${foreignFrom}>`);
        const foreignSender = senderAddresses.find((address) => address !== account);
        if (foreignSender !== undefined) throw senderMismatch(account, `Sender address <${foreignSender}>`);

        const received = receivedFieldFor(session, message, domain);
        const messageIdLine = message.header.hasMessageId ? [] : [`Message-ID: <${randomUUID()}@${domain}>`];
        const recipients = session.envelope.rcptTo.map((recipient) => recipient.address);
        // Guard rails (src/postoffice/guards): loop/storm guards and governance by mail may hold or consume it.
        const screened = await screenSubmission(options.guards, { account, recipients, raw: prependHeaderLines(received, [`${AUTHENTICATED_AS_HEADER}: ${account}`, ...messageIdLine], message.body) });
        if (screened.action !== 'deliver') {
          log.info({ id: message.id, from: account, recipients: recipients.length, guard: screened.action }, `message not delivered: ${screened.reply}`);
          return screened.reply;
        }
        const routing = routeRecipients(accounts, recipients, { sender: account });
        const targets = [...routing.localTargets];
        let outcome = 'delivered';
        if (routing.foreignRecipients.length > 0) {
          if (smarthost !== undefined) {
            // Relay first: it is the step likely to fail, and its failure (451) then leaves nothing delivered.
            // Should the local commit fail afterwards, the client retries and the foreign copy may arrive
            // twice: duplication rather than loss, as RFC 5321 §6.1 prefers.
            await smarthost.relay({ from: account, to: routing.foreignRecipients }, prependHeaderLines(received, messageIdLine, message.body));
            outcome = 'delivered and relayed';
          } else {
            targets.push(...captureTargets(store, accounts));
            outcome = 'delivered and captured';
          }
        }
        const stored = addListHeaders(screened.raw, routing.lists);
        const results = await commitDeliveryGrouped(options, targets, stored, message.receivedAt, {
          mailFrom: account,
          recipients,
          port: 'submission',
          authenticatedAs: account,
          disposition: outcome,
        });
        log.info(
          { id: message.id, from: account, recipients: recipients.length, foreign: routing.foreignRecipients.length, size: stored.length, stored: results.length },
          `message ${outcome}`,
        );
        return `2.6.0 message ${message.id} accepted`;
      },
    },
  });
}
