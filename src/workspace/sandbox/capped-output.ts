// Collects one output stream of a sandboxed command under a byte cap: keeps the first half and the last half
// of the cap and counts what fell out between them. Build and test output has its first error near the top
// and its summary at the bottom, so both ends are worth more to a model than either end alone.

/** The note put where bytes were cut; the count is in the result too (stdoutOmittedBytes / stderrOmittedBytes). */
export function omittedNote(bytes: number): string {
  return `[... ${bytes} bytes omitted]`;
}

export class CappedOutput {
  readonly maxBytes: number;
  readonly #headLimit: number;
  readonly #tailLimit: number;
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  // The tail is a queue of chunks trimmed from the front so it never holds much more than #tailLimit.
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #totalBytes = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
    this.#headLimit = Math.floor(maxBytes / 2);
    this.#tailLimit = maxBytes - this.#headLimit;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  write(chunk: Buffer): void {
    this.#totalBytes += chunk.length;
    let rest = chunk;
    if (this.#headBytes < this.#headLimit) {
      const taken = rest.subarray(0, this.#headLimit - this.#headBytes);
      this.#head.push(taken);
      this.#headBytes += taken.length;
      rest = rest.subarray(taken.length);
    }
    if (rest.length === 0 || this.#tailLimit === 0) return;
    this.#tail.push(rest);
    this.#tailBytes += rest.length;
    while (this.#tailBytes - this.#tail[0]!.length >= this.#tailLimit) this.#tailBytes -= this.#tail.shift()!.length;
  }

  /** The kept text with the omitted-bytes note at the cut, and how many bytes the note stands for. */
  finish(): { text: string; omittedBytes: number } {
    const head = Buffer.concat(this.#head);
    let tail = Buffer.concat(this.#tail);
    if (tail.length > this.#tailLimit) tail = tail.subarray(tail.length - this.#tailLimit);
    const keptBytes = head.length + tail.length;
    if (keptBytes === this.#totalBytes) return { text: Buffer.concat([head, tail]).toString('utf8'), omittedBytes: 0 };
    // Cutting inside a multi-byte UTF-8 sequence would leave replacement characters at the seam: move the
    // cuts to character boundaries and count the dropped bytes as omitted.
    const headKept = head.subarray(0, utf8BoundaryBefore(head));
    const tailKept = tail.subarray(utf8BoundaryAfter(tail));
    const omittedBytes = this.#totalBytes - headKept.length - tailKept.length;
    const separatorBefore = headKept.length > 0 && headKept.at(-1) !== 0x0a ? '\n' : '';
    const separatorAfter = tailKept.length > 0 ? '\n' : '';
    return { text: `${headKept.toString('utf8')}${separatorBefore}${omittedNote(omittedBytes)}${separatorAfter}${tailKept.toString('utf8')}`, omittedBytes };
  }
}

/** Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence. */
function utf8BoundaryBefore(bytes: Buffer): number {
  // A sequence is at most 4 bytes: look back at most 3 bytes for its lead byte.
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const sequenceLength = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return sequenceLength > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** Index of the first byte of `bytes` that is not a UTF-8 continuation byte (at most 3 skipped). */
function utf8BoundaryAfter(bytes: Buffer): number {
  let start = 0;
  while (start < Math.min(3, bytes.length) && (bytes[start]! & 0xc0) === 0x80) start++;
  return start;
}
