#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real peers: Dovecot + Postfix (server-agnostic
# runtime test). Idempotent; needs root. Daemons are not started here: each test starts its own by pid.
set -euo pipefail
packages=(dovecot-imapd dovecot-lmtpd postfix)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The packages start system-wide daemons on the standard ports; tests run their own instances instead.
for service in postfix dovecot; do
  (command -v systemctl >/dev/null && systemctl stop "$service") 2>/dev/null || true
  (service "$service" stop) >/dev/null 2>&1 || true
done
