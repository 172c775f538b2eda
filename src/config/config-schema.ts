// The one configuration schema of mailswarm (mailswarm.yaml), with every default in one place.
// Parsed once at start by load-config.ts; secrets (API keys) never live here, only in the environment.
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

export const humanSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'a mailbox local part such as "alice"'),
  password: z.string().min(1, 'a non-empty password'),
  displayName: z.string().optional(),
});

export const listSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'a list local part such as "reviewers"'),
  members: z.array(z.string().min(1)).min(1, 'at least one member'),
  description: z.string().optional(),
});

export const smarthostSchema = z.strictObject({
  host: z.string().min(1),
  port: port.default(587),
  secure: z.boolean().default(false),
  /** The password comes from the environment variable named here, never from this file. */
  user: z.string().optional(),
  passwordEnv: z.string().optional(),
});

/** A code project the agents work on: `path` is the user's git repository, read once to create the upstream. */
export const projectSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'a project name such as "calculator" (letters, digits, ".", "_", "-")'),
  path: z.string().min(1, 'the path of an existing git repository'),
  /** The command that runs the project's tests inside the sandbox, e.g. "npm test". */
  test: z.string().min(1, 'the command that runs the tests, e.g. "npm test"'),
  /** Run once in every new workspace, e.g. "npm ci --offline". */
  setup: z.string().min(1).optional(),
  /** `path` is a folder of plain files (no git): they become the upstream's one initial commit. */
  plainFiles: z.boolean().default(false),
});

export const sandboxModes = ['bubblewrap', 'none'] as const;

/** How run_command / run_tests are isolated. `sandbox: none` (a string) is shorthand for `{ mode: none }`. */
export const sandboxSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { mode: value } : value),
  z
    .strictObject({
      /** bubblewrap: isolated as described in the README; none: plain `sh -c` (only when asked for by name). */
      mode: z.enum(sandboxModes).default('bubblewrap'),
      timeoutSeconds: z.number().positive().default(120),
      maxOutputBytes: z.number().int().positive().default(64 * 1024),
      maxProcesses: z.number().int().positive().default(256),
      maxMemoryMb: z.number().int().positive().default(1024),
    }),
);

export const configSchema = z.strictObject({
  domain: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, 'a domain name such as "swarm.local"')
    .default('swarm.local'),
  host: z.string().min(1).default('127.0.0.1'),
  ports: z
    .strictObject({
      imap: port.default(1143),
      submission: port.default(1587),
      smtp: port.default(2525),
      web: port.default(8025),
    })
    .prefault({}),
  dataDir: z.string().min(1).default('./data'),
  agentsDir: z.string().min(1).default('./agents'),
  humans: z.array(humanSchema).default([{ name: 'human', password: 'human' }]),
  lists: z.array(listSchema).default([]),
  smarthost: smarthostSchema.optional(),
  /** Git projects agents work on (agents name them in `projects:`); upstreams live in <dataDir>/projects/. */
  projects: z.array(projectSchema).default([]),
  sandbox: sandboxSchema.prefault({}),
  /** Mail files (.eml with a Message-ID) that `up` sends once as the first human after start: a demo's task. */
  sendOnStart: z.array(z.string().min(1)).default([]),
  limits: z
    .strictObject({
      messageSizeBytes: z.number().int().positive().default(25 * 1024 * 1024),
      recipientsPerMessage: z.number().int().positive().default(100),
    })
    .prefault({}),
  /** Loop and storm guards on mail submitted by agents, enforced by the post office (src/postoffice/guards). */
  guards: z
    .strictObject({
      /** Agent hops per thread since the last human message; the mail that would exceed it is held. */
      maxHops: z.number().int().positive().default(12),
      /** Mails one agent may send into one thread per UTC day; further ones are held. */
      repliesPerThreadPerDay: z.number().int().positive().default(10),
      /** Token bucket per agent: `messages` mails per `perMinutes`, refilled continuously. */
      sendRate: z
        .strictObject({
          messages: z.number().int().positive().default(30),
          perMinutes: z.number().positive().default(10),
        })
        .prefault({}),
      /** A text body identical (whitespace normalised) to one the same agent sent this recently is held. */
      duplicateWindowMinutes: z.number().positive().default(60),
      /** Input + output tokens per agent per UTC day; crossing it pauses the agent and tells the humans. */
      dailyTokenBudget: z.number().int().positive().default(2_000_000),
    })
    .prefault({}),
  /** How long the post office keeps its records; 0 keeps them forever. Pruned at start and hourly. */
  retention: z
    .strictObject({
      /**
       * Days a message stays in the humans' Journal folders and its entry in the audit journal. Older entries
       * are replaced by a checkpoint entry, so `mailswarm audit verify` still proves the rest of the chain.
       */
      journalDays: z.number().int().min(0).default(90),
      /** Days the record of a held message (its bytes and envelope in guards.sqlite) is kept, released or not. */
      heldDays: z.number().int().min(0).default(90),
      /**
       * Expunged UIDs remembered per mailbox for QRESYNC (RFC 7162 VANISHED); older ones are forgotten and a
       * client resyncing from before them is sent every UID missing below UIDNEXT instead. 0 remembers all.
       */
      expungeHistory: z.number().int().min(0).default(10_000),
    })
    .prefault({}),
  /**
   * IMAP QUOTA (RFC 9208): the storage every account may fill, in megabytes; 0 means unlimited. APPEND and COPY
   * past it fail with NO [OVERQUOTA]; mail delivered over SMTP is still accepted (never bounced), and the
   * read-only Journal does not count.
   */
  quota: z
    .strictObject({
      storageMb: z.number().int().min(0).default(2048),
    })
    .prefault({}),
  store: z
    .strictObject({
      /**
       * `optimized` (as Dovecot's mail_fsync default): new messages (SMTP 250, APPEND, COPY, MOVE) are on disk
       * before they are acknowledged; IMAP flag changes and expunges once they are written (a crash of the
       * process keeps them) and in order, made durable by the next fsync moments later, so a power loss can take
       * back only the last of them. `always`: every change waits for its fsync.
       */
      fsync: z.enum(['optimized', 'always']).default('optimized'),
    })
    .prefault({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Log prompts and message bodies (off by default: they may hold private mail). */
  logContent: z.boolean().default(false),
});

export type MailswarmConfig = z.infer<typeof configSchema>;
export type HumanConfig = z.infer<typeof humanSchema>;
export type ListConfig = z.infer<typeof listSchema>;
export type GuardsConfig = MailswarmConfig['guards'];
export type RetentionConfig = MailswarmConfig['retention'];
export type QuotaConfig = MailswarmConfig['quota'];
export type ProjectConfig = z.infer<typeof projectSchema>;
export type SandboxConfig = MailswarmConfig['sandbox'];
