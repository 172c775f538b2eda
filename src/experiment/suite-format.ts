// The on-disk format of an experiment suite (documented in experiments/README.md):
//
//   SUITE/suite.yaml          optional: name, description, pipeline order, single agent, rounds, sandbox
//   SUITE/agents/*.md         the suite's team (agent definitions, as for `mailswarm up`)
//   SUITE/<task>/task.yaml    one folder per task (folders starting with "." or "_" are not tasks)
//   SUITE/<task>/repo/        the project: plain files (imported as one initial commit) or a git repository
//   SUITE/<task>/hidden/      grading tests, copied over a checkout of upstream only to grade it
//   SUITE/<task>/turns/<agent>.yaml   optional: the scripted model that plays <agent> in this task
//   SUITE/<task>/agents/      optional (task.yaml `agents:`): a team for this task instead of the suite's
import { z } from 'zod';

export const conditions = ['email-cc', 'email-direct', 'pipeline', 'single'] as const;
export type Condition = (typeof conditions)[number];

const agentName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'an agent name such as "builder"');
const command = z.string().trim().min(1, 'a shell command, e.g. "node --test"');

export const suiteFileSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Agents of the `pipeline` condition, in hand-off order. */
  pipeline: z.array(agentName).min(1).default(['builder', 'reviewer', 'tester', 'maintainer']),
  /** The agent of the `single` condition; default: each task's `to`. */
  single: agentName.optional(),
  /** Upper bound of pipeline passes (and of single-agent turns) per run. */
  rounds: z.number().int().min(1).max(20).default(3),
  /** How the agents' commands and the grading run: bubblewrap (default) or none (no isolation). */
  sandbox: z.enum(['bubblewrap', 'none']).default('bubblewrap'),
});

export const taskFileSchema = z.strictObject({
  title: z.string().trim().min(1, 'a one-line title'),
  /** The agent that gets the task mail (To:). */
  to: agentName,
  subject: z.string().trim().min(1, 'the subject of the task mail'),
  body: z.string().trim().min(1, 'the text of the task mail'),
  /** A folder of agent definitions (relative to the task) to use instead of the suite's team. */
  agents: z.string().min(1).optional(),
  /** Runs the visible tests (the agents' run_tests, and the harness at every commit). */
  test: command,
  /** Runs the hidden tests over a checkout of upstream with hidden/ copied in; exit 0 = solved. */
  grade: command,
  /** Run once in every new workspace and grading checkout, e.g. "npm ci --offline". */
  setup: command.optional(),
  /** Wall-clock limit of one run, in seconds. */
  timeout: z.number().int().positive().max(24 * 3600).default(600),
  /** Input + output tokens of all agents together in one run; the run stops when it is crossed. */
  max_tokens: z.number().int().positive().default(500_000),
  /** Informational: seeded-bug, feature, api-change, flaky, ... (shown in the report). */
  kind: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
});

export type SuiteFile = z.infer<typeof suiteFileSchema>;
export type TaskFile = z.infer<typeof taskFileSchema>;

export interface ExperimentTask {
  /** The folder name: also the run ids' and the project's name. */
  id: string;
  dir: string;
  file: string;
  spec: TaskFile;
  repoDir: string;
  /** repo/ holds a git repository (its history is kept) rather than plain files. */
  repoIsGit: boolean;
  hiddenDir: string;
  /** The folder of the team's definitions for this task. */
  agentsDir: string;
  /** Agent name → scripted turns file of this task (turns/<agent>.yaml). */
  turns: Map<string, string>;
}

export interface ExperimentSuite {
  dir: string;
  name: string;
  description: string | undefined;
  settings: SuiteFile;
  agentsDir: string;
  tasks: ExperimentTask[];
}
