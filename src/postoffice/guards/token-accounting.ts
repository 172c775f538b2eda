// Cost accounting from the usage header agents put on every mail (`X-Mailswarm-Usage: in=<n>; out=<n>`,
// written by src/swarm/outgoing-mail.ts): input and output tokens summed per agent per UTC day and per
// (agent, thread, day) in guards.sqlite. Counted once per Message-ID at first screening, held or not (the
// tokens were spent either way). The daily budget trips exactly when a mail's tokens cross it.
import type { GuardDatabase } from './guard-database.ts';
import { utcDay } from './loop-guards.ts';
import type { TokenCount } from './message-facts.ts';

export interface AgentTokensToday {
  agent: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export class TokenAccounting {
  readonly #database: GuardDatabase;
  readonly #dailyBudget: number;

  constructor(database: GuardDatabase, dailyBudget: number) {
    this.#database = database;
    this.#dailyBudget = dailyBudget;
  }

  /** Adds one mail's usage; returns true when this mail took the agent's day total over the budget. */
  add(agent: string, thread: string, usage: TokenCount, now: Date): { crossedBudget: boolean; totalToday: number } {
    const day = utcDay(now);
    const before = this.totalToday(agent, now);
    if (usage.input === 0 && usage.output === 0) return { crossedBudget: false, totalToday: before };
    this.#database
      .statement(
        `INSERT INTO token_usage (agent, day, input_tokens, output_tokens) VALUES (?, ?, ?, ?)
         ON CONFLICT (agent, day) DO UPDATE SET input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens`,
      )
      .run(agent, day, usage.input, usage.output);
    this.#database
      .statement(
        `INSERT INTO thread_token_usage (agent, thread, day, input_tokens, output_tokens) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (agent, thread, day) DO UPDATE SET input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens`,
      )
      .run(agent, thread, day, usage.input, usage.output);
    const after = before + usage.input + usage.output;
    return { crossedBudget: before <= this.#dailyBudget && after > this.#dailyBudget, totalToday: after };
  }

  totalToday(agent: string, now: Date): number {
    const row = this.#database.statement('SELECT input_tokens + output_tokens AS total FROM token_usage WHERE agent = ? AND day = ?').get(agent, utcDay(now)) as
      | { total: number }
      | undefined;
    return row?.total ?? 0;
  }

  /** Every agent's tokens on the current UTC day. */
  today(now: Date): AgentTokensToday[] {
    const rows = this.#database.statement('SELECT agent, input_tokens, output_tokens FROM token_usage WHERE day = ? ORDER BY agent').all(utcDay(now)) as Array<{
      agent: string;
      input_tokens: number;
      output_tokens: number;
    }>;
    return rows.map((row) => ({ agent: row.agent, inputTokens: row.input_tokens, outputTokens: row.output_tokens, totalTokens: row.input_tokens + row.output_tokens }));
  }

  /** One thread's tokens per agent on the current UTC day. */
  threadToday(thread: string, now: Date): AgentTokensToday[] {
    const rows = this.#database
      .statement('SELECT agent, input_tokens, output_tokens FROM thread_token_usage WHERE thread = ? AND day = ? ORDER BY agent')
      .all(thread, utcDay(now)) as Array<{ agent: string; input_tokens: number; output_tokens: number }>;
    return rows.map((row) => ({ agent: row.agent, inputTokens: row.input_tokens, outputTokens: row.output_tokens, totalTokens: row.input_tokens + row.output_tokens }));
  }
}
