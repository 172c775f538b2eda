#!/usr/bin/env bash
# Builds the local stand-in for the Dockerfile's base image (NODE_IMAGE, by default node:24-slim) where no
# image registry is reachable: a Debian minbase root file system (debootstrap, from the mirror this machine's
# apt already uses) with the Node 24 binary of the npm `node` package and npm in /usr/local/bin, the same
# layout as the official image, and the official Debian images' apt/dpkg settings (no docs, no apt caches).
# Imported with `docker import` and tagged by Debian release, Node version and this script's hash, so it is
# built once and reused: an existing tag is not rebuilt. Prints the tag on stdout (progress goes to stderr).
# Needs root, debootstrap and a running engine (DOCKER_HOST). Used by test/cli/docker-compose.test.ts:
#   docker build --build-arg NODE_IMAGE="$(bash scripts/docker-base-image.sh)" .
# MAILSWARM_BASE_NODE may name a Node 24 binary to use; else `node` on PATH when it is 24, else npm's node@24.
set -euo pipefail

log() { printf 'docker-base-image: %s\n' "$*" >&2; }

. /etc/os-release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

node_binary=${MAILSWARM_BASE_NODE:-$(command -v node || true)}
if [ -z "$node_binary" ] || [ "$("$node_binary" -p 'process.versions.node.split(".")[0]')" != 24 ]; then
  log "installing node@24 from the npm registry (no Node 24 given)"
  npm install --prefix "$work/node" --no-audit --no-fund --loglevel=error node@24 >&2
  node_binary="$work/node/node_modules/node/bin/node"
fi
node_binary=$(readlink -f "$node_binary")
node_version=$("$node_binary" -p 'process.versions.node')
script_hash=$(sha256sum "$0" | cut -c1-8)
tag="mailswarm-base:node${node_version}-${VERSION_CODENAME}-${script_hash}"

if docker image inspect "$tag" >/dev/null 2>&1; then
  log "$tag exists"
  echo "$tag"
  exit 0
fi

mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Identifier: Packages' \
  | awk -v suite="$VERSION_CODENAME" '$2 == suite && $3 == "main" { print $1; exit }')
[ -n "$mirror" ] || { log "no Debian source for $VERSION_CODENAME main in the apt configuration (run apt-get update)"; exit 1; }

root="$work/rootfs"
log "debootstrap --variant=minbase $VERSION_CODENAME (Node $node_version)"
debootstrap --variant=minbase "$VERSION_CODENAME" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

# What Debian's official (slim) images configure, so `apt-get install` in a Dockerfile behaves as on node:24-slim.
cat > "$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::Languages "none";' > "$root/etc/apt/apt.conf.d/docker-no-languages"
echo 'APT::Install-Recommends "false";' > "$root/etc/apt/apt.conf.d/docker-no-recommends"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
  "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*.log
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete

install -m 755 "$node_binary" "$root/usr/local/bin/node"
log "npm into /usr/local"
npm install --global --prefix "$root/usr/local" --no-audit --no-fund --loglevel=error npm@11 >&2

log "docker import $tag"
tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  --message "mailswarm base stand-in: Debian $VERSION_CODENAME minbase + Node $node_version" \
  - "$tag" >&2
echo "$tag"
