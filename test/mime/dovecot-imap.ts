// Runs Debian's Dovecot `imap` binary pre-authenticated on a throw-away Maildir holding one message, to compare our
// FETCH data with a reference server. Test helper only; nothing in src/ depends on Dovecot.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const DOVECOT_IMAP = '/usr/lib/dovecot/imap';

export function dovecotInstalled(): boolean {
  return existsSync(DOVECOT_IMAP);
}

export interface DovecotSandbox {
  /** Runs `commands` (without tags) against a mailbox holding only `raw`; returns the whole server output. */
  fetch(raw: Buffer, commands: string[]): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openDovecotSandbox(): Promise<DovecotSandbox> {
  const directory = await mkdtemp(join(tmpdir(), 'mime-dovecot-'));
  // Dovecot refuses to serve mail as root; as root we let it drop to nobody, who needs to write the Maildir.
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? 65534 : process.getuid!();
  const gid = asRoot ? 65534 : process.getgid!();
  await chmod(directory, 0o777);
  await writeFile(
    join(directory, 'dovecot.conf'),
    [
      `base_dir = ${directory}/run`,
      `state_dir = ${directory}/run`,
      `log_path = ${directory}/dovecot.log`,
      `mail_location = maildir:${directory}/maildir`,
      'ssl = no',
      `mail_uid = ${uid}`,
      `mail_gid = ${gid}`,
      'first_valid_uid = 1',
      'first_valid_gid = 1',
      '',
    ].join('\n'),
  );
  let counter = 0;
  return {
    async fetch(raw: Buffer, commands: string[]): Promise<Buffer> {
      const maildir = join(directory, 'maildir');
      await rm(maildir, { recursive: true, force: true });
      for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true, mode: 0o777 });
      await chmod(maildir, 0o777);
      for (const sub of ['cur', 'new', 'tmp']) await chmod(join(maildir, sub), 0o777);
      const messageFile = join(maildir, 'cur', `${++counter}.mime-test:2,S`);
      await writeFile(messageFile, raw);
      await chmod(messageFile, 0o666);
      const input = ['a SELECT INBOX', ...commands.map((command, index) => `c${index} ${command}`), 'z LOGOUT', ''].join('\r\n');
      await writeFile(join(directory, 'input'), input);
      // The imap binary insists on non-socket stdin/stdout (it rejects inetd-style sockets), hence files and a pipe.
      await run('sh', ['-c', `cat input | ${DOVECOT_IMAP} -c dovecot.conf > output 2>&1`], {
        cwd: directory,
        env: { USER: asRoot ? 'nobody' : (process.env['USER'] ?? 'mime-test'), HOME: directory, PATH: '/usr/bin:/bin' },
      });
      return await readFile(join(directory, 'output'));
    },
    async close(): Promise<void> {
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export type ResponseValue = null | number | string | ResponseValue[];

/** Parses one IMAP response value (RFC 3501 §4: NIL, number, quoted, literal, atom, list) at `offset`. */
export function parseResponseValue(bytes: Buffer, offset: number): { value: ResponseValue; next: number } {
  let index = offset;
  while (bytes[index] === 0x20) index++;
  const char = String.fromCharCode(bytes[index]!);
  if (char === '(') {
    const items: ResponseValue[] = [];
    index++;
    for (;;) {
      while (bytes[index] === 0x20) index++;
      if (bytes[index] === 0x29) return { value: items, next: index + 1 };
      const item = parseResponseValue(bytes, index);
      items.push(item.value);
      index = item.next;
    }
  }
  if (char === '"') {
    let text = '';
    index++;
    while (bytes[index] !== 0x22) {
      if (bytes[index] === 0x5c) index++;
      text += String.fromCharCode(bytes[index]!);
      index++;
    }
    return { value: Buffer.from(text, 'latin1').toString('utf8'), next: index + 1 };
  }
  if (char === '{') {
    const close = bytes.indexOf('}', index);
    const length = Number(bytes.toString('latin1', index + 1, close));
    const start = close + 3; // `}` CRLF
    return { value: bytes.toString('utf8', start, start + length), next: start + length };
  }
  let end = index;
  while (end < bytes.length && ![0x20, 0x28, 0x29, 0x0d].includes(bytes[end]!)) end++;
  const atom = bytes.toString('latin1', index, end);
  if (atom === 'NIL') return { value: null, next: end };
  if (/^\d+$/.test(atom)) return { value: Number(atom), next: end };
  return { value: atom, next: end };
}

/** The value Dovecot gave for `item` (e.g. `BODYSTRUCTURE`, `BODY[1.MIME]`) in the output of one FETCH command. */
export function fetchItem(output: Buffer, item: string): ResponseValue | undefined {
  const label = Buffer.from(`${item} `, 'latin1');
  const at = output.indexOf(label);
  if (at === -1) return undefined;
  return parseResponseValue(output, at + label.length).value;
}
