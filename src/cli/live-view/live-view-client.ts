// The client side of the live view API for `mailswarm status` and `mailswarm tail`: where the running
// `mailswarm up` serves it (config.ports.web on loopback), GET /api/status, and a reader for the
// Server-Sent Events stream of /api/events (WHATWG HTML §9.2.6 event stream interpretation).
import type { MailswarmConfig } from '../../config/config-schema.ts';
import { CliError } from '../cli-options.ts';
import type { LiveEvent, StatusSnapshot } from './live-view-types.ts';
import { liveViewHost } from './loopback-host.ts';

export function liveViewBaseUrl(config: MailswarmConfig): string {
  const host = liveViewHost(config.host);
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.ports.web}`;
}

function unreachable(baseUrl: string, error: unknown): CliError {
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return new CliError(`no live view answers at ${baseUrl} (${cause}): is "mailswarm up" running with web port ${new URL(baseUrl).port}? (set it with --web-port or ports.web)`);
}

export async function fetchStatus(baseUrl: string, signal?: AbortSignal): Promise<StatusSnapshot> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/status`, { signal: signal ?? AbortSignal.timeout(5000) });
  } catch (error) {
    throw unreachable(baseUrl, error);
  }
  if (!response.ok) throw new CliError(`${baseUrl}/api/status answered HTTP ${response.status}: is that a mailswarm live view?`);
  const body = (await response.json()) as StatusSnapshot;
  if (!Array.isArray(body.agents)) throw new CliError(`${baseUrl}/api/status did not answer with a mailswarm status`);
  return body;
}

/**
 * Follows /api/events, calling `onEvent` for each event; resolves when the server ends the stream and
 * rejects when it cannot connect. Aborting `signal` ends it quietly.
 */
export async function followEvents(baseUrl: string, options: { backlog: number; signal: AbortSignal; onEvent: (event: LiveEvent) => void }): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/events?backlog=${options.backlog}`, { signal: options.signal, headers: { Accept: 'text/event-stream' } });
  } catch (error) {
    if (options.signal.aborted) return;
    throw unreachable(baseUrl, error);
  }
  if (!response.ok || response.body === null) throw new CliError(`${baseUrl}/api/events answered HTTP ${response.status}: is that a mailswarm live view?`);
  const decoder = new TextDecoder();
  let buffered = '';
  let data: string[] = [];
  const dispatchLine = (line: string): void => {
    if (line === '') {
      if (data.length > 0) options.onEvent(JSON.parse(data.join('\n')) as LiveEvent);
      data = [];
    } else if (line.startsWith('data:')) {
      data.push(line.slice(5).replace(/^ /, ''));
    }
    // id:, event:, retry: and comments carry nothing the JSON payload does not (its `type` names the event).
  };
  try {
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk, { stream: true });
      const lines = buffered.split(/\r\n|\r|\n/);
      buffered = lines.pop() ?? '';
      for (const line of lines) dispatchLine(line);
    }
  } catch (error) {
    if (options.signal.aborted) return;
    throw new CliError(`lost the live view at ${baseUrl}: ${(error as Error).message}`);
  }
}
