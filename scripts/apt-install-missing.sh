#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet (no recommends), running `apt-get update`
# only when something is missing. Sourced by the install-*.sh scripts: `apt_install_missing pkg...`.
apt_install_missing() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || return 1
  apt-get install -y -qq --no-install-recommends "${missing[@]}" || return 1
}
