// A running swarm with its live view, in-process, for the live view tests: the post office on 127.0.0.1
// port 0, offline agents (builder, reviewer) logged in over IMAP/SMTP, and the live view on port 0; plus a
// way to mail a task to the inbound SMTP port the way the outside world does.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { configSchema } from '../../src/config/config-schema.ts';
import { startLiveView, type LiveView } from '../../src/cli/live-view/live-view.ts';
import { startPostOffice, type PostOffice } from '../../src/postoffice/post-office.ts';
import { OfflineModel } from '../../src/providers/offline/offline-model.ts';
import { parseAgentDefinition } from '../../src/swarm/agent-definition.ts';
import { startSwarm, type Swarm } from '../../src/swarm/swarm-runtime.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { testLogger } from '../swarm/swarm-test-kit.ts';

export const DOMAIN = 'swarm.local';
const AGENTS = [
  { name: 'builder', role: 'Builds what is asked and reports back.' },
  { name: 'reviewer', role: 'Reviews what the builder did.' },
];

export interface LiveViewSwarm {
  postOffice: PostOffice;
  swarm: Swarm;
  liveView: LiveView;
  sendTask(mail: { to: string[]; cc?: string[]; subject: string; text: string; messageId?: string; inReplyTo?: string }): Promise<void>;
  close(): Promise<void>;
}

export async function startLiveViewSwarm(): Promise<LiveViewSwarm> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mailswarm-live-view-'));
  const logger = testLogger();
  const config = configSchema.parse({ domain: DOMAIN, host: '127.0.0.1', dataDir, ports: { imap: 0, submission: 0, smtp: 0, web: 0 }, humans: [{ name: 'human', password: 'human-secret' }] });
  const definitions = AGENTS.map((agent) =>
    // sendTask writes through the inbound port (untrusted), so the agents trust strangers.
    parseAgentDefinition(`---\nname: ${agent.name}\nmodel: offline\nrole: ${agent.role}\nwake: to\ntrust: [humans, peers, strangers]\n---\nYou are the ${agent.name}.\n`, `${agent.name}.md`),
  );
  const passwords = new Map(AGENTS.map((agent) => [agent.name, `${agent.name}-secret`]));
  const postOffice = await startPostOffice({ config, agents: AGENTS.map((agent) => ({ name: agent.name, password: passwords.get(agent.name)! })), logger });
  const swarm = await startSwarm({
    agents: definitions,
    server: { host: '127.0.0.1', imapPort: postOffice.ports.imap, submissionPort: postOffice.ports.submission },
    credentials: (name) => ({ user: `${name}@${DOMAIN}`, password: passwords.get(name)! }),
    domain: DOMAIN,
    humans: [{ address: `human@${DOMAIN}` }],
    createModel: () => new OfflineModel({ id: 'offline' }),
    logger,
  });
  await waitFor(() => swarm.agents.every((agent) => agent.state() === 'idle'), { what: 'agents connected and idle', timeoutMs: 60_000 });
  const liveView = await startLiveView({ host: '127.0.0.1', port: 0, domain: DOMAIN, swarm, postOffice, logger });
  return {
    postOffice,
    swarm,
    liveView,
    async sendTask(mail) {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: postOffice.ports.smtp, secure: false, tls: { rejectUnauthorized: false } });
      try {
        await transport.sendMail({
          from: `human@${DOMAIN}`,
          to: mail.to,
          cc: mail.cc ?? [],
          subject: mail.subject,
          text: mail.text,
          ...(mail.messageId ? { messageId: mail.messageId } : {}),
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: mail.inReplyTo } : {}),
        });
      } finally {
        transport.close();
      }
    },
    async close() {
      await liveView.close();
      await swarm.stop();
      await postOffice.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
