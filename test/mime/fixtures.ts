// Fixture messages for the MIME tests, written inline so every expected byte count can be checked by eye.

export function crlf(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export function lf(lines: string[]): Buffer {
  return Buffer.from(lines.join('\n'), 'utf8');
}

/** RFC 3501 §7.4.2 example message header (ENVELOPE example), with a short body. */
export const rfc3501Example = crlf([
  'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
  'From: Terry Gray <gray@cac.washington.edu>',
  'Subject: IMAP4rev1 WG mtg summary and minutes',
  'To: imap@cac.washington.edu',
  'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>',
  'Message-Id: <B27397-0100000@cac.washington.edu>',
  'MIME-Version: 1.0',
  'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
  '',
  'Minutes follow.',
  '',
]);

export const simpleText = crlf([
  'From: Alice <alice@example.com>',
  'To: bob@example.com',
  'Subject: Hi',
  'Date: Tue, 1 Dec 2026 10:00:00 +0100',
  'Message-ID: <1@example.com>',
  '',
  'Hello Bob',
  'Second line',
  '',
]);

export const alternative = crlf([
  'From: a@example.com',
  'Subject: alt',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="ALT"',
  '',
  'This is a preamble.',
  '--ALT',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Caf=C3=A9 menu',
  '--ALT',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Caf&eacute;</p>',
  '--ALT--',
  'epilogue',
  '',
]);

export const mixedWithAttachment = crlf([
  'From: a@example.com',
  'Subject: report',
  'Content-Type: multipart/mixed; boundary="MIX"',
  '',
  '--MIX',
  'Content-Type: text/plain',
  '',
  'See attached.',
  '--MIX',
  'Content-Type: application/octet-stream; name="report.bin"',
  'Content-Transfer-Encoding: base64',
  'Content-Disposition: attachment;',
  " filename*0*=utf-8''r%C3%A9sum%C3%A9%20;",
  ' filename*1=final.pdf',
  '',
  'AAECAwQF',
  'BgcICQ==',
  '--MIX--',
  '',
]);

/** mixed { alternative { plain, html }, image }; the inner boundary starts with the outer one. */
export const nested = crlf([
  'From: a@example.com',
  'Subject: nested',
  'Content-Type: multipart/mixed; boundary=outer',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary="outer-inner"',
  '',
  '--outer-inner',
  'Content-Type: text/plain',
  '',
  'plain body',
  '--outer-inner',
  'Content-Type: text/html',
  '',
  '<i>html body</i>',
  '--outer-inner--',
  '',
  '--outer',
  'Content-Type: image/png',
  'Content-Transfer-Encoding: base64',
  'Content-ID: <img1@example.com>',
  'Content-Description: a dot',
  '',
  'iVBORw0KGgo=',
  '--outer--',
  '',
]);

/** The lines of the message/rfc822 part inside `forwarded` (tests derive its size from them). */
export const forwardedEmbeddedLines = [
  'From: orig@example.com',
  'To: Group: a@example.com, b@example.com;',
  'Subject: original',
  'Content-Type: multipart/alternative; boundary="IN"',
  '',
  '--IN',
  'Content-Type: text/plain',
  '',
  'inner text',
  '--IN',
  'Content-Type: text/html',
  '',
  '<b>inner</b>',
  '--IN--',
];

export const forwarded = crlf([
  'From: fwd@example.com',
  'Subject: Fwd: original',
  'Content-Type: multipart/mixed; boundary="FWD"',
  '',
  '--FWD',
  'Content-Type: text/plain',
  '',
  'Forwarding.',
  '--FWD',
  'Content-Type: message/rfc822',
  '',
  ...forwardedEmbeddedLines,
  '--FWD--',
  '',
]);

export const bareLf = lf([
  'From: a@example.com',
  'Subject: lf',
  'Content-Type: multipart/mixed; boundary=X',
  '',
  '--X',
  '',
  'first',
  '--X',
  'Content-Type: text/plain',
  '',
  'second',
  'line',
  '--X--',
  '',
]);

export const headerOnly = crlf(['From: a@example.com', 'Subject: only a header', '']);

export const missingFinalBoundary = crlf([
  'From: a@example.com',
  'Content-Type: multipart/mixed; boundary="M"',
  '',
  '--M',
  '',
  'one',
  '--M',
  'Content-Type: text/plain',
  '',
  'two',
  'and the message ends',
  '',
]);

export const groups = crlf([
  'From: "Doe, Jane" <jane@example.com>',
  'Sender: list@example.com (The List)',
  'To: undisclosed-recipients:;',
  'Cc: Team: a@x.example, "B, b" <b@y.example>;, c@z.example',
  'Bcc: <@relay.example,@other.example:route@host.example>',
  'Reply-To: =?UTF-8?Q?J=C3=B6rg?= <jorg@example.com>',
  'In-Reply-To: <parent@example.com>',
  'Subject: =?UTF-8?Q?Caf=C3=A9?= =?UTF-8?B?IG1lbnU=?=',
  '',
  'body',
  '',
]);
