#!/usr/bin/env bash
# Installs what the compose test (test/cli/docker-compose.test.ts) drives: Debian's Docker engine
# (`docker.io`, dockerd 20.10 with containerd and runc), debootstrap (for the local stand-in of the base
# image, scripts/docker-base-image.sh) and Docker Compose v2 as a CLI plugin. Idempotent; needs root.
# No daemon is started here: the test starts its own dockerd (no bridge, no iptables) and stops it by pid.
#
# Compose v2: Debian 12 ships only docker-compose 1.29, which rejects current compose files. Debian 13's
# `docker-compose` package (2.26, a static Go binary) runs here; its deb is downloaded from the trixie suite
# with a private apt state (its own sources, lists and cache in a temporary folder), so the machine's
# sources, pins and installed packages never see trixie, and its CLI plugin is copied out of the deb.
set -euo pipefail
source "$(dirname "$0")/apt-install-missing.sh"

apt_install_missing docker.io debootstrap

PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
COMPOSE_SUITE=trixie
if docker compose version 2>/dev/null | grep -Eq 'version v?2\.'; then
  exit 0
fi

# The Debian mirror this machine already uses (no host is named here): the first source of its main suite.
. /etc/os-release
mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Identifier: Packages' \
  | awk -v suite="$VERSION_CODENAME" '$2 == suite && $3 == "main" { print $1; exit }')
if [ -z "$mirror" ]; then
  echo "install-docker: no Debian source for $VERSION_CODENAME main in the apt configuration (run apt-get update first)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# _apt downloads into these folders (apt drops root for downloads).
chmod 755 "$work"
mkdir -p "$work/sources" "$work/lists/partial" "$work/cache/archives/partial" "$work/download"
cat > "$work/sources/$COMPOSE_SUITE.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $COMPOSE_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
chown -R _apt "$work/lists" "$work/cache" "$work/download" 2>/dev/null || true
private_apt=(
  -o "Dir::Etc::SourceList=/dev/null"
  -o "Dir::Etc::SourceParts=$work/sources"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=$work/sources"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "Debug::NoLocking=1"
)
apt-get "${private_apt[@]}" -qq update
(cd "$work/download" && apt-get "${private_apt[@]}" -qq download docker-compose)
dpkg-deb -x "$work"/download/docker-compose_*.deb "$work/extracted"
install -D -m 755 "$work/extracted/usr/libexec/docker/cli-plugins/docker-compose" "$PLUGIN_DIR/docker-compose"
docker compose version
