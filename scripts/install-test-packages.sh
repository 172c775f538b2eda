#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real peers: Dovecot + Postfix (server-agnostic
# runtime test, MIME parity, benchmarks), bubblewrap (the workspace sandbox) and git (workspaces, git am). Idempotent; needs root. Daemons are not started here: each test
# starts its own instances on loopback ports and stops them by pid.
set -euo pipefail
source "$(dirname "$0")/apt-install-missing.sh"
# Postfix asks for a mail setup type on install; tests configure their own instances.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt_install_missing dovecot-imapd dovecot-lmtpd postfix bubblewrap git python3
# The packages start system-wide daemons on the standard ports; tests run their own instances instead.
for service in postfix dovecot; do
  (command -v systemctl >/dev/null && systemctl stop "$service") 2>/dev/null || true
  (service "$service" stop) >/dev/null 2>&1 || true
done
