import { describe, expect, it } from 'vitest';
import { stripQuotedText } from '../../src/swarm/quote-stripper.ts';

describe('stripQuotedText', () => {
  it('drops quoted lines and the attribution line', () => {
    const body = 'Looks good to me.\n\nOn Tue, 1 Dec 2026 at 10:00, Alice <alice@example.org> wrote:\n> Please review.\n> Thanks\n';
    expect(stripQuotedText(body)).toBe('Looks good to me.');
  });

  it('handles attributions wrapped over two lines and interleaved answers', () => {
    const body = 'First answer.\n\nOn Tue, 1 Dec 2026 at 10:00, Alice Example\n<alice@example.org> wrote:\n> question one\nanswer one\n> question two\n';
    expect(stripQuotedText(body)).toBe('First answer.\n\nanswer one');
  });

  it('cuts Outlook-style original messages and signatures', () => {
    expect(stripQuotedText('Done.\n\n-----Original Message-----\nFrom: x\nold text')).toBe('Done.');
    expect(stripQuotedText('Done.\n-- \nBob\nCompany')).toBe('Done.');
  });

  it('keeps prose that merely ends in "wrote:"', () => {
    expect(stripQuotedText('Here is what the tool wrote:\nbuild ok')).toBe('Here is what the tool wrote:\nbuild ok');
  });
});
