// Mail from a configured human, as a mail client sends it: SMTP submission with the human's credentials
// (RFC 6409), then the same bytes APPENDed to the human's Sent folder (found by SPECIAL-USE, RFC 6154).
// Used by `mailswarm send` and by `sendOnStart` (a demo's task mail, sent once: skipped when the human's
// Sent folder already holds its Message-ID).
import { readFileSync } from 'node:fs';
import type { HumanConfig, MailswarmConfig } from '../config/config-schema.ts';
import { CliError } from './cli-options.ts';

export interface HumanServer {
  host: string;
  submissionPort: number;
  imapPort: number;
}

export function humanServerOf(config: MailswarmConfig, ports?: { imap: number; submission: number }): HumanServer {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return { host, submissionPort: ports?.submission ?? config.ports.submission, imapPort: ports?.imap ?? config.ports.imap };
}

export async function submitAsHuman(server: HumanServer, sender: string, password: string, raw: Buffer, recipients: string[]): Promise<void> {
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({ host: server.host, port: server.submissionPort, secure: false, auth: { user: sender, pass: password }, tls: { rejectUnauthorized: false } });
  try {
    await transport.sendMail({ envelope: { from: sender, to: recipients }, raw });
  } catch (error) {
    throw new CliError(`could not send through ${server.host}:${server.submissionPort} as ${sender}: ${(error as Error).message} (is "mailswarm up" running?)`);
  } finally {
    transport.close();
  }
}

/** APPENDs the submitted bytes to the sender's Sent folder, marked \\Seen; with `onlyCheckFor`, only looks whether
 *  a copy with that Message-ID is there ('present' or 'absent') and files nothing. */
export async function fileInSent(server: HumanServer, user: string, password: string, raw: Buffer | undefined, onlyCheckFor?: string): Promise<'filed' | 'present' | 'absent'> {
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({ host: server.host, port: server.imapPort, secure: false, auth: { user, pass: password }, tls: { rejectUnauthorized: false }, logger: false });
  await client.connect();
  try {
    const sent = (await client.list()).find((folder) => folder.specialUse === '\\Sent')?.path ?? 'Sent';
    if (onlyCheckFor !== undefined) {
      const lock = await client.getMailboxLock(sent);
      try {
        const found = await client.search({ header: { 'message-id': onlyCheckFor } }, { uid: true });
        return found && found.length > 0 ? 'present' : 'absent';
      } finally {
        lock.release();
      }
    }
    if (!raw) throw new Error('nothing to file');
    const appended = await client.append(sent, raw, ['\\Seen']);
    if (!appended) throw new Error(`APPEND to ${sent} failed`);
    return 'filed';
  } finally {
    await client.logout();
  }
}

/** Sends each file of `sendOnStart` once as the first human; answers one line per file for the banner. */
export async function sendOnStart(config: MailswarmConfig, server: HumanServer): Promise<string[]> {
  const human: HumanConfig | undefined = config.humans[0];
  if (config.sendOnStart.length === 0) return [];
  if (!human) throw new CliError('sendOnStart: the configuration defines no human to send as');
  const sender = `${human.name}@${config.domain}`.toLowerCase();
  const lines: string[] = [];
  for (const file of config.sendOnStart) {
    let raw: Buffer;
    try {
      raw = Buffer.from(readFileSync(file, 'utf8').replace(/\r?\n/g, '\r\n'), 'utf8');
    } catch (error) {
      throw new CliError(`sendOnStart: cannot read ${file}: ${(error as Error).message}`);
    }
    const headers = raw.toString('utf8').split('\r\n\r\n')[0] ?? '';
    const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(headers)?.[1];
    if (!messageId) throw new CliError(`sendOnStart: ${file} has no Message-ID header (it is what makes the mail go out only once)`);
    const recipients = [...headers.matchAll(/^(?:To|Cc):(.*(?:\r\n[ \t].*)*)/gim)].flatMap((match) => match[1]!.match(/[^\s<>,"]+@[^\s<>,"]+/g) ?? []);
    if (recipients.length === 0) throw new CliError(`sendOnStart: ${file} names no recipient in To or Cc`);
    // The Sent copy is the record that the mail went out (a crash between the two steps sends it twice).
    if ((await fileInSent(server, sender, human.password, undefined, messageId)) === 'present') {
      lines.push(`${file}: already sent earlier as ${messageId}`);
      continue;
    }
    await submitAsHuman(server, sender, human.password, raw, recipients);
    await fileInSent(server, sender, human.password, raw);
    lines.push(`${file}: sent ${messageId} as ${sender} to ${recipients.join(', ')}`);
  }
  return lines;
}
