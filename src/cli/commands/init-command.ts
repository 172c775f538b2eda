// `mailswarm init [dir]`: scaffolds a new swarm folder with a commented mailswarm.yaml and the example
// agents shipped with mailswarm (copied from this package's agents/ folder). Never overwrites a file.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../cli-options.ts';

const EXAMPLE_AGENTS_DIR = fileURLToPath(new URL('../../../agents/', import.meta.url));

export const CONFIG_TEMPLATE = `# mailswarm configuration. Every setting is optional; the values shown are the defaults.
# Flags override the file: --domain, --host, --data, --agents-dir, --imap-port, --submission-port, --smtp-port.
domain: swarm.local        # every account is <name>@<domain>
host: 127.0.0.1            # listen address; keep loopback unless you add real TLS
ports:
  imap: 1143               # IMAP4rev1 + IDLE, STARTTLS offered
  submission: 1587         # SMTP with AUTH, for humans and agents
  smtp: 2525               # SMTP without AUTH, local recipients only (inject tasks with swaks, mail, scripts)
  web: 8025                # live view (loopback only)
dataDir: ./data            # mail store, generated agent passwords, TLS certificate
agentsDir: ./agents        # one Markdown file per agent
humans:                    # people who read and task the swarm from a mail client
  - name: human
    password: human        # change me
lists: []                  # e.g. [{ name: reviewers, members: [reviewer, human] }]
# smarthost:               # forward mail for foreign domains; without it such mail is kept in humans' Captured folder
#   host: smtp.example.org
#   port: 587
#   user: me@example.org
#   passwordEnv: SMARTHOST_PASSWORD
limits:
  messageSizeBytes: 26214400
  recipientsPerMessage: 100
guards:                    # enforced by the post office on mail sent by agents; tripped mail goes to humans' Held folder
  maxHops: 12              # agent hops per thread since the last human message
  repliesPerThreadPerDay: 10
  sendRate: { messages: 30, perMinutes: 10 }
  duplicateWindowMinutes: 60   # an identical body from the same agent within this window is held
  dailyTokenBudget: 2000000    # per agent; crossing it pauses the agent and tells the humans
retention:                 # how long records are kept (0: forever); pruned at start and hourly
  journalDays: 90          # humans' Journal folders and audit journal entries (a checkpoint keeps the chain verifiable)
  heldDays: 90             # records of held messages (guards.sqlite)
  expungeHistory: 10000    # expunged UIDs remembered per mailbox for IMAP QRESYNC
store:
  fsync: optimized         # optimized: new mail fsync'd before its OK, IMAP flag changes/expunges within 10 ms after; always: all before
quota:                     # IMAP QUOTA per account, Journal not counted (0: unlimited); APPEND/COPY past it fail, SMTP never bounces
  storageMb: 2048
# projects:                  # git repositories agents work on (agents name them in \`projects: [name]\`)
#   - name: app
#     path: ../app           # your repository; mailswarm clones it into data/projects/app.git (its upstream)
#     test: npm test         # run by run_tests, in the sandbox
sandbox: bubblewrap          # run_command / run_tests isolation; \`none\` switches it off explicitly
logLevel: info
`;

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .argument('[dir]', 'folder to create or fill', '.')
    .description('create mailswarm.yaml and example agents (builder, reviewer, tester) in a folder')
    .action((dir: string) => {
      const target = path.resolve(dir);
      mkdirSync(path.join(target, 'agents'), { recursive: true });
      const created: string[] = [];
      const configFile = path.join(target, 'mailswarm.yaml');
      if (!existsSync(configFile)) {
        writeFileSync(configFile, CONFIG_TEMPLATE);
        created.push(configFile);
      }
      if (!existsSync(EXAMPLE_AGENTS_DIR)) throw new CliError(`example agents not found at ${EXAMPLE_AGENTS_DIR}`);
      for (const file of readdirSync(EXAMPLE_AGENTS_DIR).filter((name) => name.endsWith('.md'))) {
        const destination = path.join(target, 'agents', file);
        if (existsSync(destination)) continue;
        copyFileSync(path.join(EXAMPLE_AGENTS_DIR, file), destination);
        created.push(destination);
      }
      console.log(created.length > 0 ? `created:\n  ${created.join('\n  ')}` : 'nothing to do: every file exists already');
      console.log(`next: cd ${path.relative(process.cwd(), target) || '.'} && mailswarm up`);
    });
}
