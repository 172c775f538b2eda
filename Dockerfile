# syntax=docker/dockerfile:1
# The mailswarm image: one image for both compose services (the post office, `mailswarm serve`, and the
# agents, `mailswarm agents`). Node 24 runs the TypeScript sources natively (type stripping), so there is
# no compile step: the build stage only installs the production dependencies. Runs as a non-root user;
# mail, generated agent passwords and the TLS certificate live in the /data volume.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin/ ./bin/
COPY src/ ./src/
COPY agents/ ./agents/

FROM node:24-slim AS runtime
ENV NODE_ENV=production
# git for the agents' workspaces and patch mail; bubblewrap is the sandbox of run_command / run_tests. Inside
# a container bubblewrap needs unprivileged user namespaces (or CAP_SYS_ADMIN); where the engine forbids them,
# `mailswarm status` says the sandbox is unavailable and the container is the only boundary (README, "Sandbox").
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# A dedicated system user; /data is created owned by it so a fresh named volume inherits that ownership.
RUN groupadd --system --gid 10001 mailswarm \
 && useradd --system --uid 10001 --gid mailswarm --home-dir /data --no-create-home --shell /usr/sbin/nologin mailswarm \
 && mkdir -p /data \
 && chown mailswarm:mailswarm /data \
 && chmod 700 /data
WORKDIR /app
# The code stays owned by root: the service user can read it, not change it.
COPY --from=build /app /app
RUN ln -s /app/bin/mailswarm.js /usr/local/bin/mailswarm
USER mailswarm
VOLUME ["/data"]
# IMAP (RFC 3501), SMTP submission (RFC 6409), inbound SMTP (RFC 5321): the config defaults.
EXPOSE 1143 1587 2525
# Healthy when the IMAP server sends its greeting (RFC 3501 §7.1.1 "* OK"). The agents service points
# MAILSWARM_HEALTH_HOST at the post office, so there it means "my mail server answers".
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const socket = require('node:net').connect(Number(process.env.MAILSWARM_IMAP_PORT || 1143), process.env.MAILSWARM_HEALTH_HOST || '127.0.0.1'); socket.setTimeout(4000, () => process.exit(1)); socket.on('error', () => process.exit(1)); socket.once('data', (greeting) => process.exit(String(greeting).startsWith('* OK') ? 0 : 1));"]
ENTRYPOINT ["node", "/app/bin/mailswarm.js"]
CMD ["serve", "--host", "0.0.0.0", "--data", "/data"]
