// The live view's header-only reading of a stored message: addresses lower-cased, encoded-word subjects
// decoded (RFC 2047), Message-ID / In-Reply-To / References (RFC 5322 §3.6.4), and the body never read.
import { describe, expect, it } from 'vitest';
import { summarizeMail } from '../../src/cli/live-view/mail-summary.ts';

describe('summarizeMail', () => {
  it('reads sender, recipients, subject, date and thread ids from the header block', () => {
    const raw = Buffer.from(
      [
        'From: "Builder (Claude)" <Builder@Swarm.Local>',
        'To: human@swarm.local, "Rev" <reviewer@swarm.local>',
        'Cc: team: tester@swarm.local;',
        'Subject: =?UTF-8?B?UmU6IEfDvG50ZXI=?=',
        '  =?UTF-8?Q?_und_mehr?=',
        'Date: Tue, 01 Dec 2026 23:41:02 +0000',
        'Message-ID: <reply.1@swarm.local>',
        'In-Reply-To: <task.1@swarm.local>',
        'References: <root.1@swarm.local>',
        '  <task.1@swarm.local>',
        '',
        'Subject: not a header, this is the body',
        '',
      ].join('\r\n'),
    );
    expect(summarizeMail(raw)).toEqual({
      from: 'builder@swarm.local',
      to: ['human@swarm.local', 'reviewer@swarm.local'],
      cc: ['tester@swarm.local'],
      subject: 'Re: Günter und mehr',
      date: new Date('2026-12-01T23:41:02Z'),
      messageId: '<reply.1@swarm.local>',
      inReplyTo: '<task.1@swarm.local>',
      references: ['<root.1@swarm.local>', '<task.1@swarm.local>'],
    });
  });

  it('copes with missing fields and a bad date', () => {
    const summary = summarizeMail(Buffer.from('Date: yesterday\r\n\r\nbody\r\n'));
    expect(summary).toEqual({ from: '', to: [], cc: [], subject: '', date: undefined, messageId: undefined, inReplyTo: undefined, references: [] });
  });
});
