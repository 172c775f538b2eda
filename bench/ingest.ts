// Ingest: 8 concurrent SMTP senders, each on its own connection, each sending 4 KiB messages back to back
// to its own recipient. "Accepted" counts a message at its 250, which both servers give only once the
// message is on disk (our store commits with synchronous=FULL; Postfix fsyncs the queue file). "Delivered"
// waits until every recipient's idling IMAP session has seen all of its messages (for Postfix this
// includes the LMTP hop to Dovecot, which happens after the 250).
import { performance } from 'node:perf_hooks';
import type { BenchServer } from './bench-server.ts';
import type { RawImapSession } from './raw-imap-session.ts';
import { buildMessage, RawSmtpClient } from './raw-smtp-client.ts';

export interface IngestRun {
  messages: number;
  acceptedPerSecond: number;
  deliveredPerSecond: number;
}

export async function measureIngest(server: BenchServer, recipients: RawImapSession[], options: { messagesPerSender: number }): Promise<IngestRun> {
  const senders = await Promise.all(recipients.map(() => RawSmtpClient.connect(server.host, server.smtpPort)));
  const expected = recipients.map((recipient) => recipient.exists + options.messagesPerSender);
  const delivered = Promise.all(recipients.map((recipient, index) => recipient.waitForExists(expected[index]!, 300_000)));
  // Awaited below on success; when a sender fails first, its error is the one thrown, not this one.
  delivered.catch(() => undefined);
  const started = performance.now();
  let lastAccepted = started;
  try {
    await Promise.all(
      senders.map(async (sender, index) => {
        const to = recipients[index]!.user;
        const from = `ingest${index}@bench-client.test`;
        for (let count = 0; count < options.messagesPerSender; count++) {
          const message = buildMessage({ from, to: [to], subject: `ingest ${index}/${count}`, bytes: 4096, domain: 'bench-client.test' });
          const timing = await sender.send(from, [to], message);
          lastAccepted = Math.max(lastAccepted, timing.acceptedAt);
        }
      }),
    );
    const seen = await delivered;
    const lastSeen = Math.max(...seen.map((event) => event.at));
    const total = options.messagesPerSender * senders.length;
    return {
      messages: total,
      acceptedPerSecond: total / ((lastAccepted - started) / 1000),
      deliveredPerSecond: total / ((Math.max(lastSeen, lastAccepted) - started) / 1000),
    };
  } finally {
    await Promise.all(senders.map((sender) => sender.quit()));
  }
}
