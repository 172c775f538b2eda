// Starts the live view of `mailswarm up`: follows the swarm's agent events and the post office's INBOX
// deliveries (headers only, after the store commit, off the delivery path) and serves them on loopback.
import type { Logger } from '../../logger.ts';
import type { PostOffice } from '../../postoffice/post-office.ts';
import type { Swarm } from '../../swarm/swarm-runtime.ts';
import type { CodeFacts, GovernanceFacts } from './live-view-types.ts';
import { watchDeliveries } from './delivery-watcher.ts';
import { startLiveViewServer } from './live-view-server.ts';
import { SwarmActivity } from './swarm-activity.ts';

export interface LiveView {
  /** `http://127.0.0.1:8025/` */
  url: string;
  port: number;
  activity: SwarmActivity;
  close(): Promise<void>;
}

export interface StartLiveViewOptions {
  /** A loopback address; anything else is refused (the page has no login). */
  host: string;
  port: number;
  domain: string;
  swarm: Swarm;
  postOffice: Pick<PostOffice, 'store' | 'accounts' | 'ports' | 'host'>;
  logger: Logger;
  /** Messages already in the INBOXes shown at start (default 200), so a restarted view is not empty. */
  history?: number;
  /** The post office's guard rails (held mail, pauses, durable token counts), e.g. () => postOffice.guards.status(). */
  governance?: () => GovernanceFacts;
  code?: CodeFacts | undefined;
}

export async function startLiveView(options: StartLiveViewOptions): Promise<LiveView> {
  const logger = options.logger.child({ component: 'live-view' });
  const { postOffice } = options;
  // A failing guard-rails read must not break the swarm's event emitter or /api/status: log it, show without.
  const readGovernance = options.governance
    ? () => {
        try {
          return options.governance!();
        } catch (error) {
          logger.error({ err: error }, 'live view could not read the guard rails status');
          return undefined;
        }
      }
    : undefined;
  const activity = new SwarmActivity({ domain: options.domain, postOffice: { host: postOffice.host, ports: postOffice.ports }, governance: readGovernance, code: options.code });
  activity.attachSwarm(options.swarm);
  const watcher = watchDeliveries({
    store: postOffice.store,
    accounts: postOffice.accounts.list().map((account) => account.address),
    onMail: (mail) => activity.recordMail(mail),
    logger,
  });
  let server;
  try {
    watcher.loadRecent(options.history ?? 200);
    server = await startLiveViewServer({ host: options.host, port: options.port, activity, logger });
  } catch (error) {
    watcher.stop();
    activity.detach();
    throw error;
  }
  const started = server;
  return {
    url: started.url,
    port: started.port,
    activity,
    async close() {
      watcher.stop();
      activity.detach();
      await started.close();
    },
  };
}
