// `mailswarm status`: asks the running `mailswarm up` (its live view, GET /api/status on the web port) how
// each agent is doing: idle / thinking / paused / disconnected, last activity, tokens spent today.
import type { Command } from 'commander';
import { loadCliConfig, type GlobalOptions } from '../cli-options.ts';
import { fetchStatus, liveViewBaseUrl } from '../live-view/live-view-client.ts';
import type { StatusSnapshot } from '../live-view/live-view-types.ts';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('show each agent of the running `mailswarm up`: state, last activity, tokens today (asks its live view on --web-port)')
    .option('--json', 'print the raw status as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { config } = loadCliConfig(command.optsWithGlobals<GlobalOptions>());
      const status = await fetchStatus(liveViewBaseUrl(config));
      console.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status, new Date()));
    });
}

export function formatStatus(status: StatusSnapshot, now: Date): string {
  const { ports } = status.postOffice;
  const lines = [`mailswarm @${status.domain}, up since ${status.startedAt} (IMAP ${ports.imap}, submission ${ports.submission}, inbound ${ports.smtp}); ${status.messagesSeen} messages seen`];
  if (status.agents.length === 0) {
    lines.push('no agents');
    return lines.join('\n');
  }
  const rows = status.agents.map((agent) => [agent.name, agent.state, describeAge(agent.lastActivity, now), String(agent.turnsToday), agent.tokensToday.total.toLocaleString('en-US'), agent.model]);
  const pauses = status.agents.filter((agent) => agent.pausedReason).map((agent) => `  ${agent.name}: ${agent.pausedReason}`);
  const header = ['AGENT', 'STATE', 'LAST ACTIVITY', 'TURNS', 'TOKENS TODAY', 'MODEL'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) => row.map((cell, column) => (column === 3 || column === 4 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  lines.push('', format(header), ...rows.map(format));
  if (pauses.length > 0) lines.push('', 'Paused by the post office (its mail is held):', ...pauses);
  if (status.heldMessages !== undefined) lines.push('', `held messages: ${status.heldMessages}`);
  if (status.code) {
    lines.push('', `projects: ${status.code.projects.map((project) => `${project.name} (${project.upstream})`).join(', ')}`);
    lines.push(status.code.sandbox.description);
  }
  return lines.join('\n');
}

function describeAge(iso: string | null, now: Date): string {
  if (iso === null) return 'never';
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m ago`;
  return iso;
}
