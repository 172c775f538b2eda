// Loads agents/*.md: YAML front matter (identity, model spec, wake policy, budgets) plus a Markdown body that
// is the agent's persona (its system prompt). Validation errors name the file and the field.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const wakePolicies = ['to', 'to+cc', 'all'] as const;
export type WakePolicy = (typeof wakePolicies)[number];

/** Whose mail may wake the agent (sender-trust.ts): configured humans, peer agents, strangers (inbound port). */
export const trustedSenders = ['humans', 'peers', 'strangers'] as const;
export type TrustedSender = (typeof trustedSenders)[number];
export const defaultTrust: readonly TrustedSender[] = ['humans', 'peers'];

const budgetsSchema = z.strictObject({
  /** Turns one agent may take in one thread per UTC day: the hard stop for mail loops between agents. */
  maxTurnsPerThreadPerDay: z.number().int().positive().default(20),
  /** Output token cap passed to the model on every request. */
  maxOutputTokens: z.number().int().positive().default(4096),
  /** Model round trips (tool-call steps) within one turn. */
  maxToolStepsPerTurn: z.number().int().positive().default(8),
});

export const agentFrontMatterSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a lower-case mailbox local part such as "builder"'),
  displayName: z.string().min(1).optional(),
  model: z.string().min(1, 'a model spec such as "anthropic:claude-sonnet-4-5" or "offline"'),
  role: z.string().min(1).refine((role) => !role.includes('\n'), 'one line'),
  wake: z.enum(wakePolicies).default('to'),
  baseURL: z.string().url().optional(),
  /** Budgets may be given flat in the front matter or grouped under `budgets:`. */
  budgets: budgetsSchema.prefault({}),
  maxTurnsPerThreadPerDay: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  maxToolStepsPerTurn: z.number().int().positive().optional(),
  /** Model used instead of `model` when its vendor's API key is missing, e.g. "scripted:turns/builder.yaml". */
  fallbackModel: z.string().min(1).optional(),
  /** Projects of mailswarm.yaml this agent works on: it gets a workspace and the code tools for each. */
  projects: z
    .preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(z.string().min(1)))
    .optional(),
  /** May apply patches to the projects' upstream (apply_patch with upstream: true). */
  maintainer: z.boolean().default(false),
  /** Whose mail may wake the agent: `[humans, peers]` by default; add `strangers` for the inbound port. */
  trust: z
    .preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(z.enum(trustedSenders)).min(1, 'at least one of humans, peers, strangers'))
    .optional(),
});

export interface AgentBudgets {
  maxTurnsPerThreadPerDay: number;
  maxOutputTokens: number;
  maxToolStepsPerTurn: number;
}

export interface AgentDefinition {
  name: string;
  displayName: string | undefined;
  /** The model spec exactly as written; createModel validates it. */
  model: string;
  role: string;
  wake: WakePolicy;
  /** Whose mail may wake the agent (enforced by the runtime, sender-trust.ts); absent: defaultTrust. */
  trust?: TrustedSender[] | undefined;
  baseURL: string | undefined;
  /** Model spec used when the vendor key of `model` is missing (instead of the offline model). */
  fallbackModel: string | undefined;
  /** Names of the projects (mailswarm.yaml `projects:`) the agent works on. */
  projects: string[];
  /** May apply patches to upstream. */
  maintainer: boolean;
  budgets: AgentBudgets;
  /** The Markdown body: persona and standing instructions. */
  persona: string;
  /** Where the definition came from, for error messages (undefined when built in code). */
  sourceFile: string | undefined;
}

export class AgentDefinitionError extends Error {
  override name = 'AgentDefinitionError';
}

const frontMatterPattern = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Parses one definition file's text; `fileLabel` is used in error messages (`agents/builder.md`). */
export function parseAgentDefinition(text: string, fileLabel: string): AgentDefinition {
  const match = frontMatterPattern.exec(text.replace(/^\uFEFF/, ''));
  if (!match) throw new AgentDefinitionError(`${fileLabel}: missing YAML front matter (a block between "---" lines at the top)`);
  let frontMatter: unknown;
  try {
    frontMatter = parseYaml(match[1] ?? '');
  } catch (error) {
    throw new AgentDefinitionError(`${fileLabel}: invalid YAML front matter: ${(error as Error).message}`, { cause: error });
  }
  if (frontMatter === null || typeof frontMatter !== 'object' || Array.isArray(frontMatter)) {
    throw new AgentDefinitionError(`${fileLabel}: the front matter must be a YAML mapping of fields`);
  }
  const result = agentFrontMatterSchema.safeParse(frontMatter);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `field "${issue.path.join('.') || '(root)'}": ${describeIssue(issue)}`);
    throw new AgentDefinitionError(`${fileLabel}: ${problems.join('; ')}`);
  }
  const fields = result.data;
  return {
    name: fields.name,
    displayName: fields.displayName,
    model: fields.model,
    role: fields.role.trim(),
    wake: fields.wake,
    trust: [...new Set(fields.trust ?? defaultTrust)],
    baseURL: fields.baseURL,
    fallbackModel: fields.fallbackModel,
    projects: [...new Set(fields.projects ?? [])],
    maintainer: fields.maintainer,
    budgets: {
      maxTurnsPerThreadPerDay: fields.maxTurnsPerThreadPerDay ?? fields.budgets.maxTurnsPerThreadPerDay,
      maxOutputTokens: fields.maxOutputTokens ?? fields.budgets.maxOutputTokens,
      maxToolStepsPerTurn: fields.maxToolStepsPerTurn ?? fields.budgets.maxToolStepsPerTurn,
    },
    persona: text.slice((match.index ?? 0) + match[0].length).trim(),
    sourceFile: fileLabel,
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is required';
  return issue.message;
}

/** Loads every `*.md` in `dir` (sorted by file name); throws on the first invalid file or a duplicate name. */
export function loadAgentDefinitions(dir: string): AgentDefinition[] {
  let fileNames: string[];
  try {
    fileNames = readdirSync(dir).filter((fileName) => fileName.endsWith('.md')).sort();
  } catch (error) {
    throw new AgentDefinitionError(`cannot read the agents directory ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const definitions: AgentDefinition[] = [];
  const fileByName = new Map<string, string>();
  for (const fileName of fileNames) {
    const path = join(dir, fileName);
    const label = join(dir, fileName);
    const definition = parseAgentDefinition(readFileSync(path, 'utf8'), label);
    const earlier = fileByName.get(definition.name);
    if (earlier) throw new AgentDefinitionError(`${label}: field "name": "${definition.name}" is already used by ${earlier}`);
    fileByName.set(definition.name, label);
    definitions.push(definition);
  }
  return definitions;
}
