// Modified UTF-7 mailbox names (RFC 3501 §5.1.3), including the RFC's own examples.
import { describe, expect, it } from 'vitest';
import { decodeMailboxName, encodeMailboxName } from '../../src/postoffice/imap/protocol/modified-utf7.ts';
import { ProtocolSyntaxError } from '../../src/postoffice/imap/protocol/protocol-syntax-error.ts';

const pairs: Array<[string, string]> = [
  ['日本語', '&ZeVnLIqe-'],
  ['&', '&-'],
  ['INBOX', 'INBOX'],
  ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
  ['Entwürfe', 'Entw&APw-rfe'],
  ['Tom & Jerry', 'Tom &- Jerry'],
  ['😀', '&2D3eAA-'],
  ['a😀&b', 'a&2D3eAA-&-b'],
  ['', ''],
];

describe('modified UTF-7', () => {
  for (const [utf8, mutf7] of pairs) {
    it(`${JSON.stringify(utf8)} <-> ${mutf7}`, () => {
      expect(encodeMailboxName(utf8)).toBe(mutf7);
      expect(decodeMailboxName(mutf7)).toBe(utf8);
    });
  }

  it('rejects malformed input', () => {
    for (const bad of ['&ZeVnLIqe', '&Jjo!-', '&AGE-', '&ZeVnLIqe-&ZeVnLIqe-', 'tab\there', 'ü', '&2D0-', '&AOl-', '&A-']) {
      expect(() => decodeMailboxName(bad), bad).toThrow(ProtocolSyntaxError);
    }
  });

  it('round-trips random Unicode names', () => {
    let state = 1;
    const random = () => { state = (state * 1664525 + 1013904223) >>> 0; return state / 0x100000000; };
    const samples = ['a', '&', ' ', '/', 'é', '日', '😀', '-', '~', 'Ω'];
    for (let round = 0; round < 500; round++) {
      let name = '';
      const length = Math.floor(random() * 12);
      for (let index = 0; index < length; index++) name += samples[Math.floor(random() * samples.length)];
      expect(decodeMailboxName(encodeMailboxName(name))).toBe(name);
    }
  });
});
