// The inbound SMTP server (RFC 5321) on its own port: Python's smtplib as a real foreign client, relay and
// unknown-user refusals, the untrusted marker, and a table of malformed input that must get 5xx replies
// without disturbing the next session.
import { execFile } from 'node:child_process';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpDialog } from './smtp-dialog.ts';
import { splitFirstField, startSmtpFixture, type SmtpFixture } from './smtp-fixture.ts';

const run = promisify(execFile);

const PYTHON_SESSION = `
import smtplib, sys
port = int(sys.argv[1])
message = sys.argv[2].encode('utf-8')
with smtplib.SMTP('127.0.0.1', port, local_hostname='mx.example.org', timeout=20) as client:
    code, features = client.ehlo()
    assert code == 250, code
    assert not client.has_extn('auth'), 'AUTH must not be offered on the inbound port'
    assert client.has_extn('size'), 'SIZE must be advertised'
    refused = client.sendmail('outsider@example.org', ['alice@swarm.local', 'Bob@Swarm.Local'], message)
    assert refused == {}, refused
    try:
        client.sendmail('outsider@example.org', ['someone@example.com'], message)
        raise SystemExit('relay was accepted')
    except smtplib.SMTPRecipientsRefused as error:
        code, text = error.recipients['someone@example.com']
        print(code, text.decode())
`;

describe('inbound SMTP server', () => {
  let fixture: SmtpFixture;
  beforeAll(async () => {
    fixture = await startSmtpFixture({ overrides: { limits: { messageSizeBytes: 65536, recipientsPerMessage: 2 } } });
  });
  afterAll(() => fixture.close());

  it("accepts Python smtplib's mail for local users, marks it untrusted, and refuses relaying", async () => {
    const message = 'From: Outsider <outsider@example.org>\r\nTo: alice@swarm.local\r\nSubject: from python\r\n\r\nhello from smtplib\r\n';
    const { stdout } = await run('python3', ['-c', PYTHON_SESSION, String(fixture.inbound.port), message]);
    expect(stdout.trim()).toMatch(/^550 5\.7\.1 .*relaying denied/);
    for (const account of ['alice@swarm.local', 'bob@swarm.local']) {
      const [stored] = fixture.messages(account);
      const { first, rest } = splitFirstField(stored!);
      expect(first).toMatch(/^Received: from mx\.example\.org \(\[127\.0\.0\.1\]\)\r\n\tby swarm\.local \(mailswarm\) with ESMTP id /);
      expect(rest.toString()).toBe(`Return-Path: <outsider@example.org>\r\nX-Mailswarm-Trust: untrusted\r\n${message}`);
    }
  });

  it('refuses unknown local users, too many recipients, and AUTH; strips a forged trust field', async () => {
    const dialog = await SmtpDialog.connect(fixture.inbound.port);
    const ehlo = await dialog.command('EHLO mx.example.org');
    expect(ehlo.lines.join('\n')).not.toMatch(/AUTH/);
    expect(ehlo.lines.join('\n')).toMatch(/STARTTLS/);
    expect((await dialog.command('AUTH PLAIN AGFsaWNlAGFsaWNlLXNlY3JldA==')).code).toBeGreaterThanOrEqual(500);
    expect((await dialog.command('MAIL FROM:<>')).code).toBe(250);
    const unknown = await dialog.command('RCPT TO:<ghost@swarm.local>');
    expect([unknown.code, unknown.text.slice(0, 5)]).toEqual([550, '5.1.1']);
    expect((await dialog.command('RCPT TO:<alice@swarm.local>')).code).toBe(250);
    expect((await dialog.command('RCPT TO:<Postmaster>')).code).toBe(250); // RFC 5321 §4.5.1, no domain
    const excess = await dialog.command('RCPT TO:<scout@swarm.local>');
    expect([excess.code, excess.text.slice(0, 5)]).toEqual([452, '4.5.3']);
    expect((await dialog.command('DATA')).code).toBe(354);
    const done = await dialog.write('X-Mailswarm-Trust: trusted\r\nX-Mailswarm-Authenticated-As: alice@swarm.local\r\nFrom: alice@swarm.local\r\nSubject: bounce\r\n\r\nhi\r\n.\r\n');
    expect(done.code).toBe(250);
    dialog.close();
    // postmaster goes to every human: alice once (deduplicated), bob through postmaster.
    for (const account of ['alice@swarm.local', 'bob@swarm.local']) {
      const stored = fixture.messages(account).at(-1)!.toString();
      expect(stored).toContain('Subject: bounce');
      expect(splitFirstField(Buffer.from(stored)).rest.toString()).toBe('Return-Path: <>\r\nX-Mailswarm-Trust: untrusted\r\nFrom: alice@swarm.local\r\nSubject: bounce\r\n\r\nhi\r\n');
    }
    expect(fixture.messages('alice@swarm.local').filter((raw) => raw.toString().includes('Subject: bounce'))).toHaveLength(1);
  });

  it('answers malformed input with 5xx replies and still serves the next session', async () => {
    const table: Array<{ send: string; code: RegExp }> = [
      { send: 'MAIL FROM:<outsider@example.org>', code: /^503$/ }, // before EHLO
      { send: 'EHLO mx.example.org', code: /^250$/ },
      { send: 'FROBNICATE now', code: /^5\d\d$/ },
      { send: '\u0001\u0002\u00ff binary', code: /^5\d\d$/ },
      { send: 'DATA', code: /^503$/ }, // before MAIL
      { send: 'RCPT TO:<alice@swarm.local>', code: /^503$/ }, // before MAIL
      { send: 'MAIL FROM:outsider@example.org', code: /^501$/ }, // no angle brackets
      { send: 'MAIL FROM:<a@b> <c@d>', code: /^5\d\d$/ },
      { send: 'MAIL FROM:<outsider@example.org> NOSUCHPARAM=1', code: /^5\d\d$/ },
      { send: 'MAIL FROM:<outsider@example.org>', code: /^250$/ },
      { send: 'RCPT TO:<not an address>', code: /^5\d\d$/ },
      { send: 'RCPT TO:<@@@>', code: /^5\d\d$/ },
      { send: 'DATA', code: /^503$/ }, // no accepted recipient
      { send: `RCPT TO:<${'a'.repeat(2_000)}@swarm.local>`, code: /^5\d\d$/ }, // far over RFC 5321's 64-octet local part
      // A line over smtp-server's 16 KiB buffer limit ends the session with 421 (it drops the input rather than
      // buffer without bound): the one non-5xx answer, by design, and the last row.
      { send: `RCPT TO:<${'a'.repeat(20_000)}@swarm.local>`, code: /^421$/ },
    ];
    const dialog = await SmtpDialog.connect(fixture.inbound.port);
    for (const row of table) {
      const reply = await dialog.command(row.send);
      expect(String(reply.code), `${row.send.slice(0, 40)} → ${reply.code} ${reply.text}`).toMatch(row.code);
    }
    dialog.close();

    const second = await SmtpDialog.connect(fixture.inbound.port);
    expect(second.greeting.code).toBe(220);
    expect((await second.command('HELO mx.example.org')).code).toBe(250);
    expect((await second.command('MAIL FROM:<outsider@example.org>')).code).toBe(250);
    expect((await second.command('RCPT TO:<bob@swarm.local>')).code).toBe(250);
    expect((await second.command('DATA')).code).toBe(354);
    expect((await second.write('Subject: after the garbage\r\n\r\nok\r\n.\r\n')).code).toBe(250);
    expect((await second.command('QUIT')).code).toBe(221);
    second.close();
    const stored = fixture.messages('bob@swarm.local').at(-1)!.toString();
    expect(stored).toMatch(/^Received: from mx\.example\.org \(\[127\.0\.0\.1\]\)\r\n\tby swarm\.local \(mailswarm\) with SMTP id \S+\r\n\tfor <bob@swarm\.local>; /);
  });

  it('survives garbage instead of a TLS handshake after STARTTLS, and a proper STARTTLS session works', async () => {
    const dialog = await SmtpDialog.connect(fixture.inbound.port);
    await dialog.command('EHLO mx.example.org');
    expect((await dialog.command('STARTTLS')).code).toBe(220);
    await dialog.write('this is not a TLS ClientHello\r\n').then(
      () => undefined,
      () => undefined, // the server drops the connection: that is the expected outcome
    );
    dialog.close();

    const replies = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ port: fixture.inbound.port, host: '127.0.0.1', rejectUnauthorized: false });
      socket.once('error', reject);
      // Implicit TLS is not offered on this port: the client's handshake fails, and the server keeps going.
      socket.once('secureConnect', () => reject(new Error('implicit TLS unexpectedly worked')));
      socket.once('close', () => resolve('closed'));
    }).catch((error: Error) => error.message);
    expect(replies).toBeTruthy();

    const python = `
import smtplib, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='mx.example.org', timeout=20) as client:
    client.starttls(context=context)
    client.ehlo()
    client.sendmail('outsider@example.org', ['alice@swarm.local'], b'Subject: over tls\\r\\n\\r\\nsecret\\r\\n')
`;
    await run('python3', ['-c', python, String(fixture.inbound.port)]);
    expect(fixture.messages('alice@swarm.local').at(-1)!.toString()).toMatch(/with ESMTPS id \S+\r\n\tfor <alice@swarm\.local>; [^\r]+\r\nReturn-Path: <outsider@example\.org>\r\nX-Mailswarm-Trust: untrusted\r\nSubject: over tls\r\n/);
  });

  it('stores 8-bit bodies, bare LFs and dot-stuffed lines exactly as the client meant them', async () => {
    const body = Buffer.concat([
      Buffer.from('Subject: bytes\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n'),
      Buffer.from(Array.from({ length: 128 }, (_, index) => 0x80 + index)),
      Buffer.from('\r\nbare\nline feeds\n.leading dot\r\n'),
    ]);
    const stuffed = Buffer.from(body.toString('latin1').replace(/^\./gm, '..'), 'latin1');
    const dialog = await SmtpDialog.connect(fixture.inbound.port);
    await dialog.command('EHLO mx.example.org');
    expect((await dialog.command('MAIL FROM:<outsider@example.org> BODY=8BITMIME')).code).toBe(250);
    await dialog.command('RCPT TO:<bob@swarm.local>');
    expect((await dialog.command('DATA')).code).toBe(354);
    expect((await dialog.write(Buffer.concat([stuffed, Buffer.from('.\r\n')]))).code).toBe(250);
    dialog.close();
    const { rest } = splitFirstField(fixture.messages('bob@swarm.local').at(-1)!);
    expect(rest.equals(Buffer.concat([Buffer.from('Return-Path: <outsider@example.org>\r\nX-Mailswarm-Trust: untrusted\r\n'), body]))).toBe(true);
  });
});
