// A FIFO of received bytes for the incremental IMAP parser (RFC 3501 §9). Large socket chunks are kept
// as they arrived and only joined when a line or literal is taken, so a 64 MiB literal costs one copy.
// Small chunks are packed into shared 16 KiB blocks, so a peer trickling one byte per TCP segment cannot
// make the chunk list long enough for scans to turn quadratic.

/** Chunks up to this size are copied into a packing block instead of being queued on their own. */
const SMALL_CHUNK_BYTES = 4096;
const PACKING_BLOCK_BYTES = 16384;

export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private headOffset = 0;
  private total = 0;
  /** The block backing the last queued chunk while small chunks are still being packed into it. */
  private packingBlock: Buffer | undefined;
  private packingUsed = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    if (chunk.length > SMALL_CHUNK_BYTES) {
      this.packingBlock = undefined;
      this.chunks.push(chunk);
      return;
    }
    const block = this.packingBlock;
    if (block && this.packingUsed + chunk.length <= block.length) {
      // Bytes already handed out by take() lie before packingUsed and are never written again.
      chunk.copy(block, this.packingUsed);
      this.packingUsed += chunk.length;
      this.chunks[this.chunks.length - 1] = block.subarray(0, this.packingUsed);
      return;
    }
    this.packingBlock = Buffer.allocUnsafe(PACKING_BLOCK_BYTES);
    chunk.copy(this.packingBlock, 0);
    this.packingUsed = chunk.length;
    this.chunks.push(this.packingBlock.subarray(0, this.packingUsed));
  }

  /** Position (relative to the queue head) of the first `byte` at or after `from`, or -1. */
  indexOf(byte: number, from = 0): number {
    let base = 0;
    for (let index = 0; index < this.chunks.length; index++) {
      const chunk = this.chunks[index];
      const start = index === 0 ? this.headOffset : 0;
      const size = chunk.length - start;
      if (from < base + size) {
        const found = chunk.indexOf(byte, start + Math.max(0, from - base));
        if (found !== -1) return base + (found - start);
      }
      base += size;
    }
    return -1;
  }

  /** Removes and returns the first `count` bytes (count <= length). */
  take(count: number): Buffer {
    const parts: Buffer[] = [];
    let remaining = count;
    while (remaining > 0) {
      const chunk = this.chunks[0];
      const available = chunk.length - this.headOffset;
      if (available <= remaining) {
        parts.push(chunk.subarray(this.headOffset));
        this.dropHeadChunk();
        remaining -= available;
      } else {
        parts.push(chunk.subarray(this.headOffset, this.headOffset + remaining));
        this.headOffset += remaining;
        remaining = 0;
      }
    }
    this.total -= count;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, count);
  }

  /** Drops the first `count` bytes without copying them. */
  skip(count: number): void {
    let remaining = Math.min(count, this.total);
    this.total -= remaining;
    while (remaining > 0) {
      const available = this.chunks[0].length - this.headOffset;
      if (available <= remaining) {
        this.dropHeadChunk();
        remaining -= available;
      } else {
        this.headOffset += remaining;
        remaining = 0;
      }
    }
  }

  /** A copy of the first `count` bytes, leaving the queue unchanged. */
  peek(count: number): Buffer {
    const parts: Buffer[] = [];
    let remaining = Math.min(count, this.total);
    for (let index = 0; index < this.chunks.length && remaining > 0; index++) {
      const start = index === 0 ? this.headOffset : 0;
      const piece = this.chunks[index].subarray(start, start + remaining);
      parts.push(piece);
      remaining -= piece.length;
    }
    return Buffer.concat(parts);
  }

  clear(): void {
    this.chunks = [];
    this.headOffset = 0;
    this.total = 0;
    this.packingBlock = undefined;
  }

  private dropHeadChunk(): void {
    this.chunks.shift();
    this.headOffset = 0;
    // The packing block backed the chunk just dropped: start a fresh one rather than track its offset.
    if (this.chunks.length === 0) this.packingBlock = undefined;
  }
}
