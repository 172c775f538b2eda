// The printed comparison: one row per figure, ours beside the peer's with the ratio ours ÷ peer and, where
// the issue set one, whether ours meets the target. Rendered as a Markdown table for the README.
import type { ServerResults } from './server-benchmark.ts';

interface Row {
  metric: string;
  /** 'lower' or 'higher' is better. */
  better: 'lower' | 'higher';
  unit: 'ms' | 'msgs/s' | 'KiB' | 'MiB';
  ours: number | undefined;
  peer: number | undefined;
  target?: { limit: number; text: string };
}

function rows(ours: ServerResults | undefined, peer: ServerResults | undefined): Row[] {
  const levels = (ours ?? peer)!.wake.map((level) => level.sessions);
  const top = levels.at(-1)!;
  const result: Row[] = [];
  for (const sessions of levels) {
    const find = (results: ServerResults | undefined) => results?.wake.find((level) => level.sessions === sessions);
    for (const key of ['p50', 'p95', 'p99'] as const) {
      const target = sessions === top && key === 'p50' ? { limit: 2, text: '≤ 2 ms' } : sessions === top && key === 'p99' ? { limit: 10, text: '≤ 10 ms' } : undefined;
      result.push({ metric: `wake 250→EXISTS ${key}, ${sessions} idle`, better: 'lower', unit: 'ms', ours: find(ours)?.afterAccepted[key], peer: find(peer)?.afterAccepted[key], ...(target ? { target } : {}) });
    }
    for (const key of ['p50', 'p99'] as const) {
      const target = sessions !== top ? undefined : key === 'p50' ? { limit: 2, text: '≤ 2 ms' } : { limit: 10, text: '≤ 10 ms' };
      result.push({ metric: `wake "."→EXISTS ${key}, ${sessions} idle`, better: 'lower', unit: 'ms', ours: find(ours)?.endToEnd[key], peer: find(peer)?.endToEnd[key], ...(target ? { target } : {}) });
    }
  }
  result.push(
    { metric: 'fan-out to 100: last member, p50 from "."', better: 'lower', unit: 'ms', ours: ours?.fanOut.lastMemberAfterDot.p50, peer: peer?.fanOut.lastMemberAfterDot.p50 },
    { metric: 'fan-out to 100: last member, p95 from "."', better: 'lower', unit: 'ms', ours: ours?.fanOut.lastMemberAfterDot.p95, peer: peer?.fanOut.lastMemberAfterDot.p95 },
    { metric: 'ingest 4 KiB, 8 senders: accepted (250)', better: 'higher', unit: 'msgs/s', ours: ours?.ingest.acceptedPerSecond, peer: peer?.ingest.acceptedPerSecond, target: { limit: 1000, text: '≥ 1,000' } },
    { metric: 'ingest 4 KiB, 8 senders: visible over IMAP', better: 'higher', unit: 'msgs/s', ours: ours?.ingest.deliveredPerSecond, peer: peer?.ingest.deliveredPerSecond },
    { metric: `RSS per idle IMAP session (${(ours ?? peer)!.perSession.fromSessions}→${top})`, better: 'lower', unit: 'KiB', ours: kib(ours?.perSession.rssBytes), peer: kib(peer?.perSession.rssBytes), target: { limit: 64, text: '≤ 64 KiB' } },
    { metric: 'PSS per idle IMAP session (shared pages split)', better: 'lower', unit: 'KiB', ours: kib(ours?.perSession.pssBytes), peer: kib(peer?.perSession.pssBytes) },
    { metric: 'V8 heap per idle IMAP session (ours only)', better: 'lower', unit: 'KiB', ours: kib(ours?.perSession.heapBytes), peer: undefined },
    { metric: `server RSS total at ${top} idle sessions`, better: 'lower', unit: 'MiB', ours: mib(ours?.memoryBySessions.at(-1)?.memory.rssBytes), peer: mib(peer?.memoryBySessions.at(-1)?.memory.rssBytes) },
    { metric: `swarm runtime RSS per offline agent (${(ours ?? peer)!.agents.agents} agents; STARTTLS to ours, plain to Dovecot)`, better: 'lower', unit: 'KiB', ours: kib(ours?.agents.rssPerAgentBytes), peer: kib(peer?.agents.rssPerAgentBytes) },
  );
  return result;
}

const kib = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : bytes / 1024);
const mib = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : bytes / 1024 / 1024);

function format(value: number | undefined, unit: Row['unit']): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  const digits = unit === 'ms' ? 2 : unit === 'msgs/s' ? 0 : 1;
  // A negative wake time means the EXISTS push reached the client before the 250 reached the sender.
  if (unit === 'ms' && value < 0) return `${value.toFixed(digits)} ms (EXISTS before 250)`;
  return `${value.toFixed(digits)} ${unit}`;
}

function ratio(row: Row): string {
  if (row.ours === undefined || row.peer === undefined || row.peer <= 0 || row.ours < 0) return '–';
  // Two significant digits: 0.0042× says more than 0.00×.
  return `${Number((row.ours / row.peer).toPrecision(2))}×`;
}

function targetCell(row: Row): string {
  if (!row.target || row.ours === undefined) return '';
  const met = row.better === 'lower' ? row.ours <= row.target.limit : row.ours >= row.target.limit;
  return `${row.target.text} ${met ? '✓' : '✗'}`;
}

/** The Markdown table; ours ÷ peer below 1 is better for latency and memory, above 1 for throughput. */
export function renderTable(ours: ServerResults | undefined, peer: ServerResults | undefined): string {
  const header = ['figure', 'mailswarm', 'Postfix→Dovecot', 'ours ÷ peer', 'target (ours)'];
  const body = rows(ours, peer).map((row) => [`${row.metric} (${row.better} is better)`, format(row.ours, row.unit), format(row.peer, row.unit), ratio(row), targetCell(row)]);
  const lines = [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}
