// Forwards mail for foreign recipients to the configured smarthost (RFC 6409 submission to an upstream
// relay) with nodemailer, the envelope kept as given. The password comes from the environment variable named
// by `passwordEnv`, never from the config file. A transient or unknown failure becomes 451 (the client
// retries: nothing lost), a permanent 5xx refusal by the smarthost becomes 554 with its reason.
import nodemailer from 'nodemailer';
import type { MailswarmConfig } from '../../config/config-schema.ts';
import { SmtpReplyError } from './smtp-reply-error.ts';

type SmarthostConfig = NonNullable<MailswarmConfig['smarthost']>;

export interface SmarthostRelay {
  relay(envelope: { from: string; to: string[] }, raw: Buffer): Promise<void>;
  close(): void;
}

export function createSmarthostRelay(smarthost: SmarthostConfig): SmarthostRelay {
  let password: string | undefined;
  if (smarthost.passwordEnv !== undefined) {
    password = process.env[smarthost.passwordEnv];
    if (password === undefined) {
      throw new Error(`smarthost.passwordEnv names ${smarthost.passwordEnv}, but that environment variable is not set`);
    }
  }
  const transport = nodemailer.createTransport({
    host: smarthost.host,
    port: smarthost.port,
    secure: smarthost.secure,
    auth: smarthost.user !== undefined ? { user: smarthost.user, pass: password ?? '' } : undefined,
  });
  return {
    async relay(envelope, raw) {
      try {
        await transport.sendMail({ envelope, raw });
      } catch (error) {
        const responseCode = (error as { responseCode?: number }).responseCode;
        const reason = (error as Error).message.replace(/[\r\n]+/g, ' ').slice(0, 200);
        if (responseCode !== undefined && responseCode >= 500) {
          throw new SmtpReplyError(554, '5.7.0', `smarthost ${smarthost.host} refused the message: ${reason}`);
        }
        throw new SmtpReplyError(451, '4.4.1', `smarthost ${smarthost.host} unavailable, try again later: ${reason}`);
      }
    },
    close() {
      transport.close();
    },
  };
}
