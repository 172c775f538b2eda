// Fan-out: one message to every member of a 100-member group (a list the server expands, or one RCPT TO
// per member where it cannot), each member idling on its INBOX. The figure is the time until the LAST
// member reads its `* N EXISTS`, from the final "." (end to end) and from the 250.
import type { BenchServer } from './bench-server.ts';
import type { RawImapSession } from './raw-imap-session.ts';
import { buildMessage, RawSmtpClient } from './raw-smtp-client.ts';
import { summarize, type LatencySummary } from './statistics.ts';

export interface FanOutRun {
  lastMemberAfterDot: LatencySummary;
  lastMemberAfter250: LatencySummary;
  /** Median time until the FIRST member saw it, from the final ".". */
  firstMemberAfterDot: LatencySummary;
}

export async function measureFanOut(server: BenchServer, members: RawImapSession[], options: { rounds: number; warmup: number }): Promise<FanOutRun> {
  const smtp = await RawSmtpClient.connect(server.host, server.smtpPort);
  const from = 'announcer@bench-client.test';
  const last: number[] = [];
  const lastAfter250: number[] = [];
  const first: number[] = [];
  try {
    for (let round = 0; round < options.warmup + options.rounds; round++) {
      const expected = members.map((member) => member.exists + 1);
      const message = buildMessage({ from, to: server.fanOutRecipients, subject: `fan-out ${round}`, bytes: 2048, domain: 'bench-client.test' });
      const seenPromise = Promise.all(members.map((member, index) => member.waitForExists(expected[index]!, 60_000)));
      // Awaited below on success; when the send fails first, its error is the one thrown, not this one.
      seenPromise.catch(() => undefined);
      const timing = await smtp.send(from, server.fanOutRecipients, message);
      const seen = await seenPromise;
      if (round < options.warmup) continue;
      const times = seen.map((event) => event.at);
      last.push(Math.max(...times) - timing.dataSentAt);
      lastAfter250.push(Math.max(...times) - timing.acceptedAt);
      first.push(Math.min(...times) - timing.dataSentAt);
    }
  } finally {
    await smtp.quit();
  }
  return { lastMemberAfterDot: summarize(last), lastMemberAfter250: summarize(lastAfter250), firstMemberAfterDot: summarize(first) };
}
