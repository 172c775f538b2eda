// Wake latency: one SMTP sender, one idling IMAP session on the recipient's INBOX. Each message is sent
// only after the previous one was seen, and the latency is the time from the sender reading the 250
// (RFC 5321 §4.2: the message is the server's responsibility now) to the idling client reading
// `* N EXISTS` (RFC 2177). Also recorded: from the final "." written (end to end, includes the 250 wait).
import { performance } from 'node:perf_hooks';
import type { BenchServer } from './bench-server.ts';
import type { RawImapSession } from './raw-imap-session.ts';
import { buildMessage, RawSmtpClient } from './raw-smtp-client.ts';
import { summarize, type LatencySummary } from './statistics.ts';

export interface WakeRun {
  /** 250 → EXISTS, milliseconds. Negative when the EXISTS push overtook the 250 reply. */
  afterAccepted: LatencySummary;
  /** Final "." written → EXISTS, milliseconds. */
  endToEnd: LatencySummary;
  /** How often EXISTS arrived before the 250 (the server pushes before it answers the sender). */
  existsBefore250: number;
}

/**
 * After a warm-up, sends `messages` messages one after another, stopping early (with fewer samples, reported in
 * the summary's count) once `budgetMs` has passed: Dovecot holds every IDLE notification for 500 ms
 * (NOTIFY_DELAY_MSECS in lib-storage/mailbox-watch.c), so 1,000 sequential wakes would take 8 minutes.
 */
export async function measureWake(server: BenchServer, measured: RawImapSession, options: { messages: number; warmup: number; budgetMs: number }): Promise<WakeRun> {
  const smtp = await RawSmtpClient.connect(server.host, server.smtpPort);
  const to = measured.user;
  const from = `sender@bench-client.test`;
  const afterAccepted: number[] = [];
  const endToEnd: number[] = [];
  let existsBefore250 = 0;
  try {
    // Warm-up: up to `warmup` messages or 3 s, whichever ends first; not measured.
    const warmupEnd = performance.now() + 3_000;
    for (let index = 0; index < options.warmup && performance.now() < warmupEnd; index++) {
      const expected = measured.exists + 1;
      await smtp.send(from, [to], buildMessage({ from, to: [to], subject: `warm-up ${index}`, bytes: 1024, domain: 'bench-client.test' }));
      await measured.waitForExists(expected);
    }
    const deadline = performance.now() + options.budgetMs;
    for (let index = 0; index < options.messages && performance.now() < deadline; index++) {
      const expected = measured.exists + 1;
      const message = buildMessage({ from, to: [to], subject: `wake ${index}`, bytes: 1024, domain: 'bench-client.test' });
      const timing = await smtp.send(from, [to], message);
      const seen = await measured.waitForExists(expected);
      afterAccepted.push(seen.at - timing.acceptedAt);
      endToEnd.push(seen.at - timing.dataSentAt);
      if (seen.at < timing.acceptedAt) existsBefore250++;
    }
  } finally {
    await smtp.quit();
  }
  return { afterAccepted: summarize(afterAccepted), endToEnd: summarize(endToEnd), existsBefore250 };
}
