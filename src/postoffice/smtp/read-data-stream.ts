// Collects the DATA of one SMTP transaction (RFC 5321 §4.1.1.4), already dot-unstuffed by smtp-server.
// Stops keeping bytes once the size limit (RFC 1870) is passed but drains the stream to its end, because
// smtp-server answers only after the whole message has been read.
import type { SMTPServerDataStream } from 'smtp-server';

export interface ReceivedData {
  raw: Buffer;
  sizeExceeded: boolean;
}

export function readDataStream(stream: SMTPServerDataStream, maxBytes: number): Promise<ReceivedData> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let tooLarge = false;
    stream.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      length += chunk.length;
      if (length > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => {
      const sizeExceeded = tooLarge || stream.sizeExceeded;
      resolve({ raw: sizeExceeded ? Buffer.alloc(0) : Buffer.concat(chunks, length), sizeExceeded });
    });
  });
}
