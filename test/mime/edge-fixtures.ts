// Edge-case messages whose ENVELOPE/BODYSTRUCTURE/sections were checked against Dovecot 2.3 (see
// dovecot-parity.test.ts); the expectations in the other tests were taken from Dovecot's answers.

import { crlf } from './fixtures.ts';

/** An inner close delimiter directly followed by the outer boundary: both share one CRLF. */
export const nestedCut = crlf(['Content-Type: multipart/mixed; boundary=o', '', '--o', 'Content-Type: multipart/alternative; boundary=i', '', '--i', '', 'a', '--i--', '--o', '', 'b', '--o--', '']);
export const noBoundaryParam = crlf(['Content-Type: multipart/mixed', 'Subject: nb', '', 'body here', '']);
export const boundaryNeverAppears = crlf(['Content-Type: multipart/mixed; boundary=zz', '', 'body here', 'more', '']);
export const digest = crlf(['Content-Type: multipart/digest; boundary=D', '', '--D', '', 'Subject: item one', 'From: x@y.example', '', 'item body', '--D', 'Content-Type: text/plain', '', 'explicit text', '--D--', '']);
export const onlyBlankLines = Buffer.from('\r\n\r\n');
export const rfc2231 = crlf([
  'Content-Type: multipart/mixed; boundary=b',
  '',
  '--b',
  'Content-Type: application/octet-stream;',
  ' name*1="two";',
  " name*0*=UTF-8''%E2%82%AC%20;",
  ' name*2*=%21',
  "Content-Disposition: attachment; filename*=iso-8859-1'en'%A3%20rates.txt; size=12",
  '',
  'data',
  '--b',
  'Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes',
  '',
  'hi',
  '--b--',
  '',
]);
export const addresses = crlf([
  'From: Mary Smith <mary@x.test>, jdoe@one.test (John)',
  'Sender: john@x (John Doe)',
  'Reply-To: undisclosed-recipients',
  'To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;',
  'Cc: Undisclosed recipients:;, "odd one"@example.com, <>',
  'Bcc: =?utf-8?q?J=C3=B6rg?= <j@x.example>, "Giant; \\"Big\\" Box" <sysservices@example.net>',
  'Subject: Grüße 8bit',
  'Message-ID: <abc@def>',
  'In-Reply-To: <a@b> <c@d>',
  'Date: Thu,',
  '\t13 Feb 1969 23:32:54 -0330',
  '',
  'b',
  '',
]);
export const headerWithoutNewline = Buffer.from('Subject: x');
/** message/rfc822 with a (forbidden) base64 encoding: still parsed as a message, as Dovecot does. */
export const encodedRfc822 = crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', 'U3ViamVjdDogeAoKYm9keQo=', '--b--', '']);
export const mboxFromLine = crlf(['From someone@example.com Tue Dec  1 10:00:00 2026', 'Subject: s', 'From: a@b.example', '', 'b', '']);
/** Transport padding after delimiters, a part without blank line, text after the close delimiter. */
export const padding = crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b  ', '', 'one', '', '--b\t', 'Content-Type: text/plain', 'No-Blank: line', '--b-- trailing', 'epi', '']);
export const dispositions = crlf([
  'Content-Type: multipart/mixed; boundary=b',
  'Content-Language: en',
  '',
  '--b',
  'Content-Disposition: ; filename=x',
  'Content-Language: en-US, de (comment)',
  'Content-Location: http://x/y',
  'Content-MD5: abc=',
  'Content-ID: <id@x>',
  'Content-Description: =?utf-8?q?d=C3=A9sc?=',
  '',
  'a',
  '--b',
  'Content-Disposition: INLINE',
  '',
  'b',
  '--b--',
  '',
]);
export const rfc822Single = crlf(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'first', '', '', '--b', 'Content-Type: message/rfc822', 'Content-Description: fwd', '', 'Subject: inner', 'From: i@example.com', '', 'inner body', 'line 2', '--b--', '']);
export const innerMissingClose = crlf(['Content-Type: multipart/mixed; boundary=o', '', '--o', 'Content-Type: multipart/alternative; boundary=i', '', '--i', '', 'a', '--i', '', 'b', '', '--o', '', 'c', '--o--', '']);
export const emptyFields = crlf(['Subject:', 'To:', 'From: a@b.example', 'From: c@d.example', '', 'x']);
/** A message whose own type is message/rfc822: part 1 is its body, 1.1 the embedded message's body. */
export const topLevelRfc822 = crlf(['Content-Type: message/rfc822', '', 'Subject: inner', '', 'inner body', '']);
export const emptyQuotedParams = crlf(['Content-Type: text/plain; charset=""; name=""', '', 'x', '']);
