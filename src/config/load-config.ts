// Reads mailswarm.yaml (or --config FILE), overlays the MAILSWARM_* environment variables and then the
// command-line flags, and validates the result once. A bad file is refused with the file, the field and what
// was expected, never with a stack trace.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type MailswarmConfig } from './config-schema.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Settings that flags may override; undefined means "not given on the command line". */
export interface ConfigOverrides {
  dataDir?: string;
  agentsDir?: string;
  domain?: string;
  host?: string;
  imapPort?: number;
  submissionPort?: number;
  smtpPort?: number;
  webPort?: number;
  logLevel?: MailswarmConfig['logLevel'];
}

export interface LoadedConfig {
  config: MailswarmConfig;
  /** The file that was read, or undefined when only defaults and flags were used. */
  file: string | undefined;
}

export const DEFAULT_CONFIG_FILE = 'mailswarm.yaml';

/**
 * Environment variables that stand in for a flag when the flag is not given (flag > variable > file >
 * default). They let a container image say where its volume and agents are, so every command run in it
 * (`docker compose exec postoffice mailswarm accounts`) needs no flags. Relative paths count from the cwd.
 */
export const CONFIG_ENVIRONMENT_VARIABLES = {
  dataDir: 'MAILSWARM_DATA_DIR',
  agentsDir: 'MAILSWARM_AGENTS_DIR',
  domain: 'MAILSWARM_DOMAIN',
} as const satisfies Partial<Record<keyof ConfigOverrides, string>>;

/** The overrides the environment gives; empty variables count as unset (compose passes `${VAR:-}` as ""). */
export function environmentOverrides(environment: NodeJS.ProcessEnv): ConfigOverrides {
  const overrides: ConfigOverrides = {};
  for (const [key, variable] of Object.entries(CONFIG_ENVIRONMENT_VARIABLES) as [keyof typeof CONFIG_ENVIRONMENT_VARIABLES, string][]) {
    const value = environment[variable];
    if (value !== undefined && value !== '') overrides[key] = value;
  }
  return overrides;
}

/**
 * Loads the configuration. `configFile` given explicitly must exist; the default file may be absent.
 * Relative directories in the file are resolved against the file's folder, flags and variables against the cwd.
 */
export function loadConfig(configFile: string | undefined, flags: ConfigOverrides = {}, cwd = process.cwd(), environment: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const definedFlags = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined)) as ConfigOverrides;
  const overrides: ConfigOverrides = { ...environmentOverrides(environment), ...definedFlags };
  const file = path.resolve(cwd, configFile ?? DEFAULT_CONFIG_FILE);
  let raw: Record<string, unknown> = {};
  let fileUsed: string | undefined;
  if (existsSync(file)) {
    raw = readYamlObject(file);
    fileUsed = file;
  } else if (configFile !== undefined) {
    throw new ConfigError(`${file}: no such config file (run "mailswarm init" to create one)`);
  }
  const merged = applyOverrides(raw, overrides);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(formatIssues(fileUsed ?? '(defaults and flags)', parsed.error.issues));
  }
  const base = fileUsed ? path.dirname(fileUsed) : cwd;
  const config: MailswarmConfig = {
    ...parsed.data,
    dataDir: path.resolve(overrides.dataDir ? cwd : base, parsed.data.dataDir),
    agentsDir: path.resolve(overrides.agentsDir ? cwd : base, parsed.data.agentsDir),
    // A project's path is the user's repository, named relative to the config file like the other folders.
    projects: parsed.data.projects.map((project) => ({ ...project, path: path.resolve(base, project.path) })),
    sendOnStart: parsed.data.sendOnStart.map((file) => path.resolve(base, file)),
  };
  return { config, file: fileUsed };
}

function readYamlObject(file: string): Record<string, unknown> {
  const document = parseDocument(readFileSync(file, 'utf8'));
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const where = first.linePos ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})` : '';
    throw new ConfigError(`${file}${where}: not valid YAML: ${first.message.split('\n')[0]}`);
  }
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}: expected a mapping of settings (domain, host, ports, ...) at the top level`);
  }
  return value as Record<string, unknown>;
}

function applyOverrides(raw: Record<string, unknown>, overrides: ConfigOverrides): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...raw };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) merged[key] = value;
  };
  set('dataDir', overrides.dataDir);
  set('agentsDir', overrides.agentsDir);
  set('domain', overrides.domain);
  set('host', overrides.host);
  set('logLevel', overrides.logLevel);
  const portOverrides = { imap: overrides.imapPort, submission: overrides.submissionPort, smtp: overrides.smtpPort, web: overrides.webPort };
  if (Object.values(portOverrides).some((value) => value !== undefined)) {
    const ports = typeof raw.ports === 'object' && raw.ports !== null ? { ...(raw.ports as Record<string, unknown>) } : {};
    for (const [key, value] of Object.entries(portOverrides)) if (value !== undefined) ports[key] = value;
    merged.ports = ports;
  }
  return merged;
}

export function formatIssues(source: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `  ${field}: ${issue.message}`;
  });
  return `${source}: invalid configuration\n${lines.join('\n')}`;
}
