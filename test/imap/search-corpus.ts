// A deterministic mailbox for SORT, THREAD and ESEARCH tests: messages whose subjects carry the artifacts of RFC 5256
// §2.1 (Re:, Fwd:, [list] blobs, (fwd) trailers, [fwd: ...] wrappers, encoded-words, case), References and In-Reply-To
// chains (truncated, pointing at missing messages, looping, duplicated Message-IDs), Date headers (missing, broken,
// equal, other zones) and address headers (display names, encoded names, groups, none). Generated from a seed, so
// our server and Dovecot get exactly the same bytes and INTERNALDATEs.

export interface CorpusMessage {
  raw: Buffer;
  /** INTERNALDATE as an APPEND date-time. */
  internalDate: string;
  flags: string[];
}

/** Park-Miller: small, seedable, the same on every run. */
function random(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

const SUBJECTS = ['Build broken', 'lunch?', 'Release 1.2', 'Quarterly numbers', 'hello', 'Übergabe', '[announce] news', ''];
const PREFIXES = ['', '', 'Re: ', 'RE: ', 'Fwd: ', 'Re: Re: ', '[team] ', '[team] Re: ', 'Fw: ', 're[2]: '];
const NAMES = ['Alice', 'bob', '"Zed, Z."', '=?UTF-8?Q?=C3=89mile?=', '', 'carol'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}

function address(next: () => number, index: number): string {
  const name = pick(next, NAMES);
  const mailbox = pick(next, ['alice', 'bob', 'zed', 'emile', 'carol', 'Dave']);
  if (next() < 0.1) return 'undisclosed-recipients:;';
  return name === '' ? `${mailbox}${index % 3}@example.org` : `${name} <${mailbox}@example.org>`;
}

function subject(next: () => number): string {
  const base = pick(next, SUBJECTS);
  let text = `${pick(next, PREFIXES)}${base}`;
  const roll = next();
  if (roll < 0.08) text = `${text} (fwd)`;
  else if (roll < 0.14) text = `[Fwd: ${text}]`;
  else if (roll < 0.18) text = text.replace(/ /g, '  ');
  // Headers stay 7-bit (8-bit ones need UTF8=ACCEPT, RFC 6855): the umlaut travels in B or Q encoded-words.
  if (base === 'Übergabe') text = text.replace('Übergabe', next() < 0.5 ? '=?UTF-8?B?w5xiZXJnYWJl?=' : '=?utf-8?q?=C3=BCbergabe?=');
  return text;
}

export function searchCorpus(count = 40, seed = 5256): CorpusMessage[] {
  const next = random(seed);
  const messages: CorpusMessage[] = [];
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const headers: string[] = [];
    const day = 1 + Math.floor(next() * 27);
    const hour = Math.floor(next() * 24);
    const minute = next() < 0.3 ? 0 : Math.floor(next() * 60);
    const dateRoll = next();
    if (dateRoll < 0.75) headers.push(`Date: ${day} ${MONTHS[(index + 2) % 12]} 2025 ${two(hour)}:${two(minute)}:00 ${pick(next, ['+0000', '-0800', '+0530'])}`);
    else if (dateRoll < 0.85) headers.push('Date: not a date at all');
    headers.push(`From: ${address(next, index)}`);
    if (next() < 0.85) headers.push(`To: ${address(next, index + 1)}`);
    if (next() < 0.4) headers.push(`Cc: ${address(next, index + 2)}`);
    const text = subject(next);
    if (next() < 0.95) headers.push(`Subject: ${text}`);
    // Message-IDs: mostly unique, some missing, some repeated, some quoted.
    const idRoll = next();
    let id = `<m${index}.${seed}@example.org>`;
    if (idRoll < 0.06 && ids.length > 0) id = `<${pick(next, ids)}>`;
    else if (idRoll < 0.12) id = `<"m${index}.${seed}"@example.org>`;
    if (idRoll >= 0.12 && idRoll < 0.17) id = '';
    if (id !== '') headers.push(`Message-ID: ${id}`);
    ids.push(`m${index}.${seed}@example.org`);
    // References: a chain of earlier ids, sometimes truncated, sometimes naming missing or later messages.
    const referenceRoll = next();
    if (index > 0 && referenceRoll < 0.55) {
      const chain: string[] = [];
      let position = Math.floor(next() * index);
      for (let hop = 0; hop < 1 + Math.floor(next() * 4) && position >= 0; hop++) {
        chain.unshift(`<m${position}.${seed}@example.org>`);
        position -= 1 + Math.floor(next() * 3);
      }
      if (next() < 0.15) chain.splice(1, 0, `<missing${index}@example.org>`);
      if (next() < 0.05) chain.push(`<m${index + 1}.${seed}@example.org>`);
      if (next() < 0.7) headers.push(`References: ${chain.join(next() < 0.5 ? ' ' : '\r\n ')}`);
      else headers.push(`In-Reply-To: ${chain.at(-1)} (sent by someone)`);
    } else if (referenceRoll < 0.62) {
      headers.push(`In-Reply-To: <missing-parent${index % 4}@example.org>`);
    }
    headers.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8');
    const body = `Message ${index}.\r\n${'x'.repeat(Math.floor(next() * 300))}\r\n`;
    const internalDay = 1 + Math.floor(next() * 27);
    const internalTime = next() < 0.2 ? '12:00:00' : `${two(Math.floor(next() * 24))}:${two(Math.floor(next() * 60))}:${two(Math.floor(next() * 60))}`;
    messages.push({
      raw: Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`),
      internalDate: `${two(internalDay)}-${MONTHS[index % 12]}-2025 ${internalTime} +0000`,
      flags: next() < 0.3 ? ['\\Flagged'] : next() < 0.2 ? ['\\Deleted'] : [],
    });
  }
  return messages;
}

/** `APPEND mailbox (flags) "date" {n+}` with the message as a non-synchronizing literal. */
export function appendCorpusMessage(mailbox: string, message: CorpusMessage): Buffer {
  const flags = message.flags.length > 0 ? ` (${message.flags.join(' ')})` : '';
  return Buffer.concat([Buffer.from(`APPEND ${mailbox}${flags} "${message.internalDate}" {${message.raw.length}+}\r\n`), message.raw]);
}
