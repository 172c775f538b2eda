// The live view's HTTP server (node:http, RFC 9110): the static page from public/, `GET /api/status` (JSON
// snapshot) and `GET /api/events` (Server-Sent Events, WHATWG HTML §9.2: one `message` event per mail and
// one `agent-state` event per agent change, ids = sequence numbers so EventSource resumes with
// Last-Event-ID). Loopback only: refuses to bind anything else and answers 421 to foreign Host headers.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../logger.ts';
import { CliError } from '../cli-options.ts';
import type { LiveEvent } from './live-view-types.ts';
import { hostHeaderName, isLoopbackHost } from './loopback-host.ts';
import type { SwarmActivity } from './swarm-activity.ts';

const PUBLIC_DIR = new URL('./public/', import.meta.url);
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/live-view.js': { file: 'live-view.js', type: 'text/javascript; charset=utf-8' },
  '/live-view.css': { file: 'live-view.css', type: 'text/css; charset=utf-8' },
};
/** Comment lines keep idle SSE connections from being cut by proxies and let clients notice a dead server. */
const HEARTBEAT_MS = 15_000;
const MAX_BACKLOG_QUERY = 1000;

export interface LiveViewServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export class NonLoopbackHostError extends CliError {
  override name = 'NonLoopbackHostError';
}

export async function startLiveViewServer(options: { host: string; port: number; activity: SwarmActivity; logger: Logger }): Promise<LiveViewServer> {
  const { activity, logger } = options;
  if (!isLoopbackHost(options.host)) {
    throw new NonLoopbackHostError(`the live view has no login, so it only listens on loopback; refusing host "${options.host}"`);
  }
  // Read once at start: a missing file fails the start, not the first visitor.
  const files = new Map(Object.entries(STATIC_FILES).map(([route, entry]) => [route, { type: entry.type, body: readFileSync(new URL(entry.file, PUBLIC_DIR)) }]));
  const streams = new Set<http.ServerResponse>();

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://live-view');
    if (!isLoopbackHost(hostHeaderName(request.headers.host ?? ''))) {
      send(response, 421, 'text/plain; charset=utf-8', 'the live view answers only to loopback host names\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    if (url.pathname === '/api/status') {
      send(response, 200, 'application/json; charset=utf-8', `${JSON.stringify(activity.snapshot())}\n`);
    } else if (url.pathname === '/api/events') {
      openStream(request, response, url);
    } else if (files.has(url.pathname)) {
      const file = files.get(url.pathname)!;
      send(response, 200, file.type, file.body);
    } else {
      send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  });

  function openStream(request: http.IncomingMessage, response: http.ServerResponse, url: URL): void {
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    response.write('retry: 2000\n\n');
    const lastEventHeader = request.headers['last-event-id'];
    const lastEventId = Number(lastEventHeader);
    const backlog = Math.min(Number(url.searchParams.get('backlog') ?? 0) || 0, MAX_BACKLOG_QUERY);
    // An id above our newest comes from an earlier `mailswarm up`: the client starts over with the backlog.
    const resuming = lastEventHeader !== undefined && Number.isInteger(lastEventId) && lastEventId >= 0 && lastEventId <= activity.latestSequence;
    const catchUp = resuming ? activity.eventsAfter(lastEventId) : activity.recentMessages(backlog);
    for (const event of catchUp) response.write(formatEvent(event));
    streams.add(response);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    response.on('close', () => {
      clearInterval(heartbeat);
      streams.delete(response);
    });
  }

  const onEvent = (event: LiveEvent): void => {
    const text = formatEvent(event);
    for (const stream of streams) stream.write(text);
  };
  activity.on('event', onEvent);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      activity.off('event', onEvent);
      if (error.code === 'EADDRINUSE') reject(new CliError(`live view: port ${options.port} on ${options.host} is in use (choose another with --web-port or ports.web)`));
      else if (error.code === 'EACCES') reject(new CliError(`live view: no permission to listen on port ${options.port} (choose another with --web-port or ports.web)`));
      else reject(error);
    });
    server.listen(options.port, options.host, () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'live view server error'));
  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info({ host: options.host, port }, 'live view listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        activity.off('event', onEvent);
        for (const stream of streams) stream.end();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function formatEvent(event: LiveEvent): string {
  return `id: ${event.sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function send(response: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // Everything the page needs comes from this server; data is inserted as text, never as markup.
    'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
