// The submission server (RFC 6409) driven by nodemailer and by a line-level client: AUTH, sender checks,
// recipients, limits, byte-exact storage with the Received field on top, capture and smarthost relay.
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmarthostRelay } from '../../src/postoffice/smtp/smarthost-relay.ts';
import { SmtpDialog } from './smtp-dialog.ts';
import { splitFirstField, startSmtpFixture, type SmtpFixture } from './smtp-fixture.ts';

function transport(port: number, user: string, pass: string, options: { ignoreTLS?: boolean } = {}) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, auth: { user, pass }, tls: { rejectUnauthorized: false }, ...options });
}

function rawMessage(from: string, to: string, subject: string, extraHeaders = ''): string {
  return (
    `From: Scout <${from}>\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: Tue, 01 Dec 2026 23:00:00 +0000\r\n` +
    `Message-ID: <${subject.replace(/\W/g, '')}@swarm.local>\r\n${extraHeaders}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Transfer-Encoding: 8bit\r\n\r\nHällo,\r\n.a line starting with a dot\r\n\r\n  trailing spaces  \r\n`
  );
}

async function sendExpectingError(promise: Promise<unknown>): Promise<{ responseCode: number; response: string }> {
  const error = (await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  )) as { responseCode: number; response: string } | undefined;
  if (error === undefined) throw new Error('the server accepted what it should have refused');
  return error;
}

/** AUTH PLAIN on a line-level dialog, after EHLO. */
async function authenticatedDialog(port: number, login: string, password: string): Promise<SmtpDialog> {
  const dialog = await SmtpDialog.connect(port);
  expect((await dialog.command('EHLO client.test')).code).toBe(250);
  const token = Buffer.from(`\u0000${login}\u0000${password}`).toString('base64');
  expect((await dialog.command(`AUTH PLAIN ${token}`)).code).toBe(235);
  return dialog;
}

describe('submission server', () => {
  let fixture: SmtpFixture;
  beforeAll(async () => {
    fixture = await startSmtpFixture({ overrides: { limits: { messageSizeBytes: 4096, recipientsPerMessage: 3 } } });
  });
  afterAll(() => fixture.close());

  it('delivers to two local accounts over STARTTLS with the full address as login, storing the client bytes after our fields', async () => {
    const raw = rawMessage('scout@swarm.local', 'alice@swarm.local, bob@swarm.local', 'two recipients');
    const info = await transport(fixture.submission.port, 'Scout@Swarm.Local', 'scout-secret').sendMail({
      envelope: { from: 'scout@swarm.local', to: ['alice@swarm.local', 'bob@swarm.local'] },
      raw,
    });
    expect(info.response).toMatch(/^250 2\.6\.0 /);
    for (const account of ['alice@swarm.local', 'bob@swarm.local']) {
      const [stored] = fixture.messages(account);
      const { first, rest } = splitFirstField(stored!);
      expect(first).toMatch(/^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby swarm\.local \(mailswarm\) with ESMTPSA id \S+;\r\n\t\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r\n$/);
      expect(rest.toString('utf8')).toBe(`X-Mailswarm-Authenticated-As: scout@swarm.local\r\n${raw}`);
    }
  });

  it('accepts the bare login without TLS (plain AUTH on loopback) and names the single recipient', async () => {
    const raw = rawMessage('scout@swarm.local', 'alice@swarm.local', 'bare login');
    await transport(fixture.submission.port, 'scout', 'scout-secret', { ignoreTLS: true }).sendMail({
      envelope: { from: 'scout@swarm.local', to: ['alice@swarm.local'] },
      raw,
    });
    const stored = fixture.messages('alice@swarm.local').at(-1)!;
    const { first, rest } = splitFirstField(stored);
    expect(first).toMatch(/with ESMTPA id \S+\r\n\tfor <alice@swarm\.local>; /);
    expect(rest.toString('utf8')).toBe(`X-Mailswarm-Authenticated-As: scout@swarm.local\r\n${raw}`);
  });

  it('accepts AUTH LOGIN (what Thunderbird falls back to) and refuses a message without From', async () => {
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: fixture.submission.port, auth: { user: 'bob', pass: 'bob-secret' }, authMethod: 'LOGIN', ignoreTLS: true })
      .sendMail({ from: 'bob@swarm.local', to: 'alice@swarm.local', subject: 'auth login', text: 'hi' });
    expect(fixture.messages('alice@swarm.local').at(-1)!.toString()).toContain('X-Mailswarm-Authenticated-As: bob@swarm.local');
    const error = await sendExpectingError(
      transport(fixture.submission.port, 'bob', 'bob-secret').sendMail({ envelope: { from: 'bob@swarm.local', to: ['alice@swarm.local'] }, raw: 'Subject: anonymous\r\n\r\nwho am I\r\n' }),
    );
    expect(error.response).toMatch(/^550 5\.7\.1 the message has no From address; it must be <bob@swarm\.local>/);
  });

  it('delivers concurrent submissions, each once, with distinct ascending UIDs', async () => {
    const before = fixture.messages('scout@swarm.local').length;
    const subjects = Array.from({ length: 8 }, (_, index) => `parallel ${index}`);
    await Promise.all(
      subjects.map((subject) =>
        transport(fixture.submission.port, 'alice', 'alice-secret', { ignoreTLS: true }).sendMail({ from: 'alice@swarm.local', to: 'scout@swarm.local', subject, text: subject }),
      ),
    );
    const inbox = fixture.store.getMailbox('scout@swarm.local', 'INBOX')!;
    const uids = fixture.store.listMessages(inbox.id).map((message) => message.uid);
    expect(uids).toHaveLength(before + subjects.length);
    expect(new Set(uids).size).toBe(uids.length);
    const texts = fixture.messages('scout@swarm.local').map((raw) => raw.toString());
    for (const subject of subjects) expect(texts.filter((text) => text.includes(`Subject: ${subject}\r\n`))).toHaveLength(1);
  });

  it('lets an agent log in with its generated password', async () => {
    const critic = fixture.accounts.listCredentials().find((credential) => credential.login === 'critic')!;
    expect(critic.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await transport(fixture.submission.port, critic.address, critic.password).sendMail({
      from: 'critic@swarm.local',
      to: 'bob@swarm.local',
      subject: 'from the critic',
      text: 'hello',
    });
    expect(fixture.messages('bob@swarm.local').at(-1)!.toString()).toContain('X-Mailswarm-Authenticated-As: critic@swarm.local');
  });

  it('refuses a wrong password (535) and unauthenticated mail (530)', async () => {
    const refused = await sendExpectingError(transport(fixture.submission.port, 'scout', 'wrong').sendMail({ from: 'scout@swarm.local', to: 'alice@swarm.local', text: 'x' }));
    expect(refused.responseCode).toBe(535);
    const dialog = await SmtpDialog.connect(fixture.submission.port);
    expect((await dialog.command('EHLO client.test')).lines.join('\n')).toMatch(/AUTH PLAIN LOGIN/);
    const reply = await dialog.command('MAIL FROM:<scout@swarm.local>');
    expect(reply.code).toBe(530);
    expect(reply.text).toMatch(/^5\.7\.0 /);
    dialog.close();
  });

  it('refuses a spoofed envelope sender with 550 5.7.1 naming the account', async () => {
    const error = await sendExpectingError(
      transport(fixture.submission.port, 'scout', 'scout-secret').sendMail({
        envelope: { from: 'alice@swarm.local', to: ['bob@swarm.local'] },
        raw: rawMessage('scout@swarm.local', 'bob@swarm.local', 'spoofed envelope'),
      }),
    );
    expect(error.responseCode).toBe(550);
    expect(error.response).toMatch(/^550 5\.7\.1 .*<alice@swarm\.local>.*<scout@swarm\.local>/);
  });

  it('refuses a spoofed From header and a null sender with 550 5.7.1', async () => {
    const error = await sendExpectingError(
      transport(fixture.submission.port, 'scout', 'scout-secret').sendMail({
        envelope: { from: 'scout@swarm.local', to: ['bob@swarm.local'] },
        raw: rawMessage('alice@swarm.local', 'bob@swarm.local', 'spoofed header'),
      }),
    );
    expect(error.response).toMatch(/^550 5\.7\.1 From address <alice@swarm\.local> .*<scout@swarm\.local>/);
    const dialog = await authenticatedDialog(fixture.submission.port, 'scout', 'scout-secret');
    const reply = await dialog.command('MAIL FROM:<>');
    expect(reply.code).toBe(550);
    expect(reply.text).toMatch(/^5\.7\.1 .*scout@swarm\.local/);
    dialog.close();
    expect(fixture.messages('bob@swarm.local').some((raw) => raw.toString().includes('spoofed'))).toBe(false);
  });

  it('answers 550 5.1.1 for an unknown local user and 452 4.5.3 past the recipient limit', async () => {
    const dialog = await authenticatedDialog(fixture.submission.port, 'alice', 'alice-secret');
    expect((await dialog.command('MAIL FROM:<alice@swarm.local>')).code).toBe(250);
    const unknown = await dialog.command('RCPT TO:<nobody@swarm.local>');
    expect(unknown.code).toBe(550);
    expect(unknown.text).toMatch(/^5\.1\.1 /);
    for (const recipient of ['bob', 'scout', 'critic']) expect((await dialog.command(`RCPT TO:<${recipient}@swarm.local>`)).code).toBe(250);
    const excess = await dialog.command('RCPT TO:<postmaster@swarm.local>');
    expect(excess.code).toBe(452);
    expect(excess.text).toMatch(/^4\.5\.3 /);
    expect((await dialog.command('DATA')).code).toBe(354);
    const done = await dialog.write('From: alice@swarm.local\r\nSubject: limit\r\n\r\nbody\r\n.\r\n');
    expect(done.code).toBe(250);
    expect(fixture.messages('critic@swarm.local').at(-1)!.toString()).toContain('Subject: limit');
    dialog.close();
  });

  it('refuses a message over the size limit with 552 5.3.4 and stays usable', async () => {
    const dialog = await authenticatedDialog(fixture.submission.port, 'alice', 'alice-secret');
    await dialog.command('MAIL FROM:<alice@swarm.local>');
    await dialog.command('RCPT TO:<bob@swarm.local>');
    expect((await dialog.command('DATA')).code).toBe(354);
    const big = `From: alice@swarm.local\r\nSubject: big\r\n\r\n${'x'.repeat(70) + '\r\n'}`.repeat(100);
    const reply = await dialog.write(`${big}.\r\n`);
    expect(reply.code).toBe(552);
    expect(reply.text).toMatch(/^5\.3\.4 /);
    expect((await dialog.command('MAIL FROM:<alice@swarm.local>')).code).toBe(250);
    dialog.close();
    expect(fixture.messages('bob@swarm.local').some((raw) => raw.toString().includes('Subject: big'))).toBe(false);
  });

  it('captures mail for foreign recipients in every human Captured folder, and delivers the local part', async () => {
    const raw = rawMessage('scout@swarm.local', 'alice@swarm.local, someone@example.com', 'going outside');
    await transport(fixture.submission.port, 'scout', 'scout-secret').sendMail({
      envelope: { from: 'scout@swarm.local', to: ['alice@swarm.local', 'someone@example.com'] },
      raw,
    });
    for (const human of ['alice@swarm.local', 'bob@swarm.local']) {
      const captured = fixture.messages(human, 'Captured');
      expect(captured).toHaveLength(1);
      expect(captured[0]!.toString('utf8').endsWith(raw)).toBe(true);
      expect(fixture.store.listSubscriptions(human)).toContain('Captured');
    }
    expect(fixture.messages('alice@swarm.local').at(-1)!.toString('utf8').endsWith(raw)).toBe(true);
    expect(fixture.messages('scout@swarm.local', 'Captured')).toHaveLength(0);
  });

  it('adds a Message-ID when missing and strips forged trust fields', async () => {
    await transport(fixture.submission.port, 'scout', 'scout-secret').sendMail({
      envelope: { from: 'scout@swarm.local', to: ['bob@swarm.local'] },
      raw: 'From: scout@swarm.local\r\nX-Mailswarm-Authenticated-As: alice@swarm.local\r\nx-mailswarm-trust: trusted\r\nSubject: no id\r\n\r\nbody\r\n',
    });
    const stored = fixture.messages('bob@swarm.local').at(-1)!.toString();
    const { rest } = splitFirstField(Buffer.from(stored));
    expect(rest.toString()).toMatch(/^X-Mailswarm-Authenticated-As: scout@swarm\.local\r\nMessage-ID: <[0-9a-f-]{36}@swarm\.local>\r\nFrom: scout@swarm\.local\r\nSubject: no id\r\n\r\nbody\r\n$/);
  });

  it('refuses a message that went round 100 hops with 554 5.4.6', async () => {
    const trace = 'Received: from a by b; Tue, 01 Dec 2026 23:00:00 +0000\r\n'.repeat(100);
    const small = await startSmtpFixture();
    try {
      const error = await sendExpectingError(
        transport(small.submission.port, 'scout', 'scout-secret').sendMail({
          envelope: { from: 'scout@swarm.local', to: ['bob@swarm.local'] },
          raw: `${trace}From: scout@swarm.local\r\nSubject: loop\r\n\r\nbody\r\n`,
        }),
      );
      expect(error.response).toMatch(/^554 5\.4\.6 /);
    } finally {
      await small.close();
    }
  });
});

describe('submission through a smarthost', () => {
  it('relays foreign recipients, and answers 451 (delivering nothing) when the smarthost is down', async () => {
    const relayed: Array<{ from: string; to: string[]; raw: string }> = [];
    const smarthostServer = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          relayed.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smarthostServer.listen(0, '127.0.0.1', resolve));
    const smarthostPort = (smarthostServer.server.address() as { port: number }).port;
    const relay = createSmarthostRelay({ host: '127.0.0.1', port: smarthostPort, secure: false });
    const fixture = await startSmtpFixture({ smarthost: relay });
    try {
      const raw = rawMessage('scout@swarm.local', 'alice@swarm.local, someone@example.com', 'relayed');
      const send = () =>
        transport(fixture.submission.port, 'scout', 'scout-secret').sendMail({ envelope: { from: 'scout@swarm.local', to: ['alice@swarm.local', 'someone@example.com'] }, raw });
      await send();
      expect(relayed).toHaveLength(1);
      expect(relayed[0]!.from).toBe('scout@swarm.local');
      expect(relayed[0]!.to).toEqual(['someone@example.com']);
      expect(relayed[0]!.raw).toMatch(/^Received: from /);
      expect(relayed[0]!.raw.endsWith(raw)).toBe(true);
      expect(relayed[0]!.raw).not.toContain('X-Mailswarm-Authenticated-As');
      expect(fixture.messages('alice@swarm.local')).toHaveLength(1);
      expect(fixture.messages('alice@swarm.local', 'Captured')).toHaveLength(0);

      await new Promise<void>((resolve) => smarthostServer.close(() => resolve()));
      const error = await sendExpectingError(send());
      expect(error.response).toMatch(/^451 4\.4\.1 /);
      expect(fixture.messages('alice@swarm.local')).toHaveLength(1);
    } finally {
      relay.close();
      await fixture.close();
    }
  });
});
