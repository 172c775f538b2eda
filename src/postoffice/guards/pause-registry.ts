// Which agents are paused (by a human's STOP, or by the daily token budget) and why, in guards.sqlite so a
// pause survives restarts. While an agent is paused the post office holds its outgoing mail (rule "paused").
// Guard state (the guard rails check it on every agent submission); governance by mail sets and clears it.
import type { GuardDatabase } from './guard-database.ts';

export interface PausedAgent {
  agent: string;
  reason: string;
  pausedBy: string;
  pausedAt: Date;
}

export class PauseRegistry {
  readonly #database: GuardDatabase;

  constructor(database: GuardDatabase) {
    this.#database = database;
  }

  /** Pauses (or re-pauses, replacing the reason) one agent. */
  pause(agent: string, reason: string, pausedBy: string, now: Date): void {
    this.#database
      .statement(
        `INSERT INTO paused_agents (agent, reason, paused_by, paused_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (agent) DO UPDATE SET reason = excluded.reason, paused_by = excluded.paused_by, paused_at = excluded.paused_at`,
      )
      .run(agent, reason, pausedBy, now.getTime());
  }

  /** Returns true when the agent was paused. */
  resume(agent: string): boolean {
    return Number(this.#database.statement('DELETE FROM paused_agents WHERE agent = ?').run(agent).changes) > 0;
  }

  get(agent: string): PausedAgent | undefined {
    const row = this.#database.statement('SELECT agent, reason, paused_by, paused_at FROM paused_agents WHERE agent = ?').get(agent) as PausedRow | undefined;
    return row === undefined ? undefined : toPausedAgent(row);
  }

  list(): PausedAgent[] {
    return (this.#database.statement('SELECT agent, reason, paused_by, paused_at FROM paused_agents ORDER BY agent').all() as unknown as PausedRow[]).map(toPausedAgent);
  }
}

interface PausedRow {
  agent: string;
  reason: string;
  paused_by: string;
  paused_at: number;
}

function toPausedAgent(row: PausedRow): PausedAgent {
  return { agent: row.agent, reason: row.reason, pausedBy: row.paused_by, pausedAt: new Date(row.paused_at) };
}
