# The mailswarm images: two targets of one Dockerfile for the two compose services. `postoffice` (the mail
# server, `mailswarm serve`) is Node and the code only; `agents` (`mailswarm agents`, the last stage, so a plain
# `docker build` gives it) adds git for the workspaces and bubblewrap for their sandbox (git pulls in perl,
# some 90 MB the post office never runs). Node 24 runs the TypeScript sources natively (type stripping), so
# there is no compile step: the build stage only installs the production dependencies. Both run as a non-root
# user; mail, generated agent passwords and the TLS certificate live in the /data volume. Classic builder
# syntax only (DOCKER_BUILDKIT=0 works, --target included): no BuildKit mounts or heredocs.

# The base of every stage: a Debian image with Node 24 and npm in /usr/local/bin. Users get the official image;
# the compose test passes a stand-in built from Debian packages and the npm `node` package
# (scripts/docker-base-image.sh), as no image registry is reachable there.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# NPM_EXTRA_CA: PEM certificates npm trusts on top of Node's own roots, for a registry reached through a
# TLS-intercepting proxy. Only this stage sees it and the file is gone before the layer is written; the targets
# copy /app alone, so the certificate never reaches the image. Type declarations, TypeScript sources
# and source maps of the dependencies are never loaded at run time (Node does not strip types under
# node_modules) and are half of their size: the image goes without them.
ARG NPM_EXTRA_CA=""
RUN if [ -n "$NPM_EXTRA_CA" ]; then printf '%s\n' "$NPM_EXTRA_CA" > /tmp/npm-extra-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/npm-extra-ca.pem; fi \
 && npm ci --omit=dev --no-audit --no-fund \
 && rm -f /tmp/npm-extra-ca.pem \
 && rm -rf /root/.npm \
 && find node_modules -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' \) -delete
COPY bin/ ./bin/
COPY src/ ./src/
COPY agents/ ./agents/

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# Every command finds the volume and the agents without flags (`docker compose exec postoffice mailswarm
# accounts`): the config loader reads these when no flag says otherwise (README, "Configuration").
ENV MAILSWARM_DATA_DIR=/data \
    MAILSWARM_AGENTS_DIR=/app/agents
# A dedicated system user; /data is created owned by it so a fresh named volume inherits that ownership. The
# `mailswarm` command points at the code that each target copies in.
RUN groupadd --system --gid 10001 mailswarm \
 && useradd --system --uid 10001 --gid mailswarm --home-dir /data --no-create-home --shell /usr/sbin/nologin mailswarm \
 && mkdir -p /data \
 && chown mailswarm:mailswarm /data \
 && chmod 700 /data \
 && ln -s /app/bin/mailswarm.js /usr/local/bin/mailswarm
WORKDIR /app
VOLUME ["/data"]
# IMAP (RFC 3501), SMTP submission (RFC 6409), inbound SMTP (RFC 5321): the config defaults.
EXPOSE 1143 1587 2525
# Healthy when the IMAP server sends its greeting (RFC 3501 §7.1.1 "* OK"). The agents service points
# MAILSWARM_HEALTH_HOST at the post office, so there it means "my mail server answers".
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const socket = require('node:net').connect(Number(process.env.MAILSWARM_IMAP_PORT || 1143), process.env.MAILSWARM_HEALTH_HOST || '127.0.0.1'); socket.setTimeout(4000, () => process.exit(1)); socket.on('error', () => process.exit(1)); socket.once('data', (greeting) => process.exit(String(greeting).startsWith('* OK') ? 0 : 1));"]
ENTRYPOINT ["node", "/app/bin/mailswarm.js"]
CMD ["serve", "--host", "0.0.0.0", "--data", "/data"]

# docker build --target postoffice: the mail server, nothing it does not run.
FROM runtime AS postoffice
# The code stays owned by root: the service user can read it, not change it.
COPY --from=build /app /app
USER mailswarm

# The default target: the agents (and every other command, `mailswarm up` included).
FROM runtime AS agents
# git for the agents' workspaces and patch mail; bubblewrap is the sandbox of run_command / run_tests. Inside
# a container bubblewrap needs unprivileged user namespaces (or CAP_SYS_ADMIN); where the engine forbids them,
# `mailswarm status` says the sandbox is unavailable and the container is the only boundary (README, "Sandbox").
# Installed before the code is copied, so a change of the code reuses this layer.
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap git ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
USER mailswarm
