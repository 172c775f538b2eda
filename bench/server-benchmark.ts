// Runs every phase against one server with the same client code: idle sessions at each level with the
// wake latency measured there, memory per idle session, fan-out to 100 idling members, ingest with 8
// senders, and the agent runtime's memory per agent. Prints one progress line per phase.
import { performance } from 'node:perf_hooks';
import { measureAgentMemory, type AgentMemoryRun } from './agent-memory.ts';
import type { BenchOptions } from './bench-options.ts';
import type { BenchServer, BenchUser, ServerMemory } from './bench-server.ts';
import { measureFanOut, type FanOutRun } from './fan-out.ts';
import { measureIngest, type IngestRun } from './ingest.ts';
import { mixedMailboxesNeeded } from './mixed-workload-benchmark.ts';
import { openIdleSessions, type RawImapSession } from './raw-imap-session.ts';
import { median, medianSummary, type LatencySummary } from './statistics.ts';
import { measureWake, type WakeRun } from './wake-latency.ts';

export interface WakeLevel {
  sessions: number;
  afterAccepted: LatencySummary;
  endToEnd: LatencySummary;
  existsBefore250: number;
  runs: WakeRun[];
}

export interface ServerResults {
  kind: 'ours' | 'peer';
  description: string;
  wake: WakeLevel[];
  memoryBySessions: Array<{ sessions: number; memory: ServerMemory }>;
  perSession: { fromSessions: number; toSessions: number; rssBytes: number; pssBytes: number | undefined; heapBytes: number | undefined };
  fanOut: FanOutRun & { members: number; method: string };
  ingest: { acceptedPerSecond: number; deliveredPerSecond: number; runs: IngestRun[] };
  agents: AgentMemoryRun;
  elapsedSeconds: number;
}

/** How many accounts a run needs: one per idle session, plus separate ones for the agents and the mixed workload. */
export function accountsNeeded(options: BenchOptions): number {
  return Math.max(...options.sessionLevels, options.fanOutMembers, options.ingestSenders + 1) + options.agents + mixedMailboxesNeeded(options.mixedSessions);
}

/** The accounts of the mixed workload: the last ones, touched by no other phase. */
export function mixedWorkloadUsers(users: BenchUser[], options: BenchOptions): BenchUser[] {
  return users.slice(users.length - mixedMailboxesNeeded(options.mixedSessions));
}

export async function benchmarkServer(server: BenchServer, options: BenchOptions, progress: (line: string) => void): Promise<ServerResults> {
  const started = performance.now();
  const say = (line: string): void => progress(`[${server.kind} ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const reserved = mixedMailboxesNeeded(options.mixedSessions);
  const sessionUsers = server.users.slice(0, server.users.length - options.agents - reserved);
  const agentUsers = server.users.slice(server.users.length - options.agents - reserved, server.users.length - reserved);
  const sessions: RawImapSession[] = [];
  const wake: WakeLevel[] = [];
  const memoryBySessions: ServerResults['memoryBySessions'] = [];
  try {
    for (const level of options.sessionLevels) {
      const logins = sessionUsers.slice(sessions.length, level).map((user: BenchUser) => ({ host: server.host, port: server.imapPort, user: `${user.name}@${server.domain}`, password: user.password }));
      sessions.push(...(await openIdleSessions(logins, 16)));
      const memory = await server.memory();
      memoryBySessions.push({ sessions: sessions.length, memory });
      say(`${sessions.length} idle sessions open; server RSS ${mebibytes(memory.rssBytes)} in ${memory.processes} process(es)`);
      const runs: WakeRun[] = [];
      for (let repeat = 0; repeat < options.wakeRepeats; repeat++) {
        runs.push(await measureWake(server, sessions[0]!, { messages: options.wakeMessages, warmup: repeat === 0 ? options.wakeWarmup : 0, budgetMs: (options.wakeBudgetSeconds * 1000) / options.wakeRepeats }));
      }
      const afterAccepted = medianSummary(runs.map((run) => run.afterAccepted));
      const endToEnd = medianSummary(runs.map((run) => run.endToEnd));
      wake.push({ sessions: level, afterAccepted, endToEnd, existsBefore250: runs.reduce((sum, run) => sum + run.existsBefore250, 0), runs });
      say(`wake at ${level} sessions (${runs.map((run) => run.afterAccepted.count).join('+')} msgs): 250→EXISTS p50 ${ms(afterAccepted.p50)} p95 ${ms(afterAccepted.p95)} p99 ${ms(afterAccepted.p99)}; "."→EXISTS p50 ${ms(endToEnd.p50)}`);
    }
    const top = memoryBySessions.at(-1)!;
    const below = memoryBySessions.at(-2)!;
    const span = top.sessions - below.sessions;
    const perSession = {
      fromSessions: below.sessions,
      toSessions: top.sessions,
      rssBytes: (top.memory.rssBytes - below.memory.rssBytes) / span,
      pssBytes: top.memory.pssBytes === undefined || below.memory.pssBytes === undefined ? undefined : (top.memory.pssBytes - below.memory.pssBytes) / span,
      heapBytes: top.memory.heapBytes === undefined || below.memory.heapBytes === undefined ? undefined : (top.memory.heapBytes - below.memory.heapBytes) / span,
    };
    say(`memory per idle session (${below.sessions}→${top.sessions}): RSS ${kibibytes(perSession.rssBytes)}${perSession.pssBytes === undefined ? '' : `, PSS ${kibibytes(perSession.pssBytes)}`}${perSession.heapBytes === undefined ? '' : `, heap ${kibibytes(perSession.heapBytes)}`}`);

    const members = sessions.slice(0, options.fanOutMembers);
    const fanOutRun = await measureFanOut(server, members, { rounds: options.fanOutRounds, warmup: 2 });
    say(`fan-out to ${members.length} (${server.fanOutMethod}): last member p50 ${ms(fanOutRun.lastMemberAfterDot.p50)} after "."`);

    const ingestRuns: IngestRun[] = [];
    const recipients = sessions.slice(1, 1 + options.ingestSenders);
    await measureIngest(server, recipients, { messagesPerSender: Math.ceil(options.ingestMessagesPerSender / 10) });
    for (let repeat = 0; repeat < options.ingestRepeats; repeat++) {
      ingestRuns.push(await measureIngest(server, recipients, { messagesPerSender: options.ingestMessagesPerSender }));
    }
    const ingest = {
      acceptedPerSecond: median(ingestRuns.map((run) => run.acceptedPerSecond)),
      deliveredPerSecond: median(ingestRuns.map((run) => run.deliveredPerSecond)),
      runs: ingestRuns,
    };
    say(`ingest (${options.ingestSenders} senders, 4 KiB, ${options.ingestRepeats}×${ingestRuns[0]!.messages} msgs): ${ingest.acceptedPerSecond.toFixed(0)} msgs/s accepted, ${ingest.deliveredPerSecond.toFixed(0)} msgs/s visible over IMAP`);

    for (const session of sessions.splice(0)) session.close();
    const agents = await measureAgentMemory(server, agentUsers);
    say(`${agents.agents} offline agents idle after ${(agents.connectMs / 1000).toFixed(1)} s: runtime RSS ${kibibytes(agents.rssPerAgentBytes)} per agent`);
    return {
      kind: server.kind,
      description: server.description,
      wake,
      memoryBySessions,
      perSession,
      fanOut: { ...fanOutRun, members: members.length, method: server.fanOutMethod },
      ingest,
      agents,
      elapsedSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    for (const session of sessions) session.close();
  }
}

export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

export function kibibytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
