// Reads the repository's Dockerfile and docker-compose.yml the way Docker would, for the tests that check
// them without a Docker engine: Dockerfile instructions (line continuations joined, stages split, FROM images
// with the defaults of the ARGs before the first FROM, a target's instructions with those of the stages it
// builds on) and the compose file with `${VAR:-default}`
// interpolated from a given environment (compose-spec interpolation).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const REPO = path.resolve(import.meta.dirname, '../..');

export interface DockerInstruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  argument: string;
}

export interface DockerStage {
  /** The base image with global ARG defaults substituted (`${NODE_IMAGE}` -> node:24-slim), through `parent`. */
  image: string;
  name: string | undefined;
  /** The earlier stage this one is built FROM (`FROM runtime AS agents`), undefined for an image. */
  parent: string | undefined;
  /** This stage's own instructions; targetInstructions adds the inherited ones. */
  instructions: DockerInstruction[];
}

export function readDockerfile(file = path.join(REPO, 'Dockerfile')): DockerStage[] {
  const logical: string[] = [];
  let current = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*#/.test(line)) continue; // comments vanish even inside continuations, as in Docker
    if (/\\\s*$/.test(line)) {
      current += `${line.replace(/\\\s*$/, '')} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  const stages: DockerStage[] = [];
  const globalArgs = new Map<string, string>();
  for (const line of logical) {
    const [, keyword, argument] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword!.toUpperCase(), argument: argument!.trim() };
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      // An ARG before the first FROM may only be used in FROM lines; its default is what a plain build uses.
      const [name, value] = instruction.argument.split(/=(.*)/s);
      globalArgs.set(name!, (value ?? '').replace(/^"(.*)"$/, '$1'));
    } else if (instruction.keyword === 'FROM') {
      const [reference, as, name] = instruction.argument.split(/\s+/);
      // FROM names an earlier stage before an image, as Docker resolves it (stage names are case-insensitive).
      const parent = stages.find((stage) => stage.name?.toLowerCase() === reference!.toLowerCase());
      const image = parent?.image ?? reference!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_whole, braced: string | undefined, bare: string | undefined) => globalArgs.get((braced ?? bare)!) ?? '');
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, parent: parent?.name, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile: ${instruction.keyword} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/**
 * Every instruction that made the image of the stage named `target` (`docker build --target`), those of the
 * stages it is built FROM first: ENV, USER, HEALTHCHECK, ENTRYPOINT and CMD are inherited that way.
 */
export function targetInstructions(stages: DockerStage[], target: string): DockerInstruction[] {
  const stage = stages.find((candidate) => candidate.name === target);
  if (!stage) throw new Error(`Dockerfile: no stage named ${target} (stages: ${stages.map((candidate) => candidate.name).join(', ')})`);
  return [...(stage.parent ? targetInstructions(stages, stage.parent) : []), ...stage.instructions];
}

/** JSON (exec) form of CMD / ENTRYPOINT / HEALTHCHECK CMD, as Docker reads it. */
export function execForm(argument: string): string[] {
  const parsed = JSON.parse(argument) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`not an exec-form array: ${argument}`);
  return parsed;
}

export interface ComposeService {
  profiles?: string[];
  entrypoint?: string[];
  build?: string | { context: string; target?: string };
  network_mode?: string;
  security_opt?: string[];
  image?: string;
  init?: boolean;
  restart?: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  networks?: Record<string, { aliases?: string[] }>;
  depends_on?: Record<string, { condition: string; restart?: boolean }>;
  healthcheck?: { test?: string[]; disable?: boolean; interval?: string; retries?: number };
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Compose-spec interpolation of ${VAR}, ${VAR:-default}, ${VAR-default} and $$. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g, (whole, name: string | undefined, operator: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const value = env[name!];
    if (operator === ':-') return value === undefined || value === '' ? fallback! : value;
    if (operator === '-') return value === undefined ? fallback! : value;
    return value ?? '';
  });
}

/** What compose's `!reset` tag (an override file dropping a value of the file it extends) reads as here. */
export const RESET = { reset: true } as const;
const resetTags = (['scalar', 'seq', 'map'] as const).map((kind) => ({ tag: '!reset', ...(kind === 'scalar' ? {} : { collection: kind }), resolve: () => RESET }));

/** Parses the YAML first, then interpolates string values, as compose does (so `${KEY:-}` is "", not null). */
export function readCompose(env: Record<string, string | undefined> = {}, file = path.join(REPO, 'docker-compose.yml')): ComposeFile {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return interpolate(value, env);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    return value;
  };
  // merge: the `<<: *anchor` keys compose files use for shared blocks (x-vendor-keys).
  return walk(parseYaml(readFileSync(file, 'utf8'), { customTags: resetTags, merge: true })) as ComposeFile;
}

/** Variables the compose file reads from the environment / .env, with their defaults. */
export function composeVariables(file = path.join(REPO, 'docker-compose.yml')): Map<string, string | undefined> {
  const variables = new Map<string, string | undefined>();
  for (const match of readFileSync(file, 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g)) variables.set(match[1]!, match[2]);
  return variables;
}

/** The option names (`--data`, `-c`) that `mailswarm [subcommand] --help` lists. */
export function optionsInHelp(helpText: string): Set<string> {
  const names = new Set<string>();
  const optionsSection = helpText.split(/^Options:$/m)[1]?.split(/^Commands:$/m)[0] ?? '';
  for (const match of optionsSection.matchAll(/^\s+((?:-\w, )?--[\w-]+)/gm)) {
    for (const name of match[1]!.split(', ')) names.add(name);
  }
  return names;
}

/** Subcommands listed by `mailswarm --help`. */
export function commandsInHelp(helpText: string): Set<string> {
  const section = helpText.split(/^Commands:$/m)[1] ?? '';
  return new Set([...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((match) => match[1]!));
}
