// The start-up banner: where the post office listens, the exact settings a human types into Thunderbird,
// and a one-line way to give the swarm a task. Printed to stdout (logs go to stderr).
import type { MailswarmConfig } from '../config/config-schema.ts';

export interface BannerFacts {
  config: MailswarmConfig;
  ports: { imap: number; submission: number; smtp: number };
  humans: Array<{ address: string; password: string }>;
  agents: Array<{ address: string; model: string; note?: string }>;
  webUrl?: string;
}

export function formatBanner(facts: BannerFacts): string {
  const { config, ports } = facts;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const firstAgent = facts.agents[0]?.address.split('@')[0] ?? 'builder';
  const lines = [
    `mailswarm post office for @${config.domain} is running (data: ${config.dataDir})`,
    `  IMAP        ${host}:${ports.imap}   (STARTTLS offered, plain login allowed on loopback)`,
    `  Submission  ${host}:${ports.submission}   (SMTP AUTH PLAIN/LOGIN; STARTTLS offered)`,
    `  Inbound     ${host}:${ports.smtp}   (SMTP without AUTH, local recipients only)`,
  ];
  if (facts.webUrl) lines.push(`  Live view   ${facts.webUrl}`);
  if (facts.agents.length > 0) {
    lines.push('', 'Agents:');
    for (const agent of facts.agents) lines.push(`  ${agent.address.padEnd(28)} ${agent.model}${agent.note ? `  (${agent.note})` : ''}`);
  }
  if (facts.humans.length > 0) {
    const human = facts.humans[0]!;
    lines.push(
      '',
      'Thunderbird (Account Settings > Add Mail Account > Configure manually):',
      `  Incoming IMAP  server ${host}  port ${ports.imap}  connection security None (or STARTTLS)  authentication Normal password`,
      `  Outgoing SMTP  server ${host}  port ${ports.submission}  connection security None (or STARTTLS)  authentication Normal password`,
      `  Username ${human.address}  password ${human.password}   (all accounts: mailswarm accounts)`,
    );
  }
  lines.push(
    '',
    'Give the swarm a task:',
    `  echo "Please build X" | npx mailswarm send --to ${firstAgent} --subject "Task"`,
    `  swaks --server ${host}:${ports.smtp} --to ${firstAgent}@${config.domain} --header "Subject: Task" --body "Please build X"`,
  );
  return lines.join('\n');
}
