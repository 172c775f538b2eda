// The two bits of header syntax the patch code needs: decoding RFC 2047 encoded-words (format-patch writes
// a non-ASCII Subject as =?UTF-8?q?...?=, folded over several lines) and writing a "Name <address>" the way
// git does (RFC 5322 section 3.4: a display name with specials goes in a quoted string).

const ENCODED_WORD = /=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=/g;

/** Decodes the encoded-words of an unfolded header value; whitespace between adjacent words is dropped (RFC 2047 section 6.2). */
export function decodeEncodedWords(value: string): string {
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  return joined.replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
    const bytes = encoding.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : decodeQ(text);
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(charset.split('*')[0]!.toLowerCase());
    } catch {
      // An unknown charset label: RFC 2047 section 6.3 says to show the word as it is.
      return word;
    }
    return decoder.decode(bytes);
  });
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character === '_') bytes.push(0x20);
    else if (character === '=' && /^[0-9a-f]{2}$/i.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else bytes.push(character.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

const SPECIALS = /[()<>[\]:;@\\,."]/;

/** "Name <address>", the name quoted when it contains RFC 5322 specials (as git's From: lines do). */
export function formatAddress(name: string, email: string): string {
  if (name === '') return `<${email}>`;
  const shownName = SPECIALS.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : name;
  return `${shownName} <${email}>`;
}
