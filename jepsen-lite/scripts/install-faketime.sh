#!/usr/bin/env bash
# Installs libfaketime from Debian's packages, for the clock nemesis. Prints the library's path.
set -euo pipefail
lib() { find /usr/lib -name 'libfaketime.so.1' -path '*faketime*' 2>/dev/null | head -n 1; }
if [[ -z "$(lib)" ]]; then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq faketime >&2
fi
path=$(lib)
[[ -n "$path" ]] || { echo "libfaketime.so.1 not found after installing faketime" >&2; exit 1; }
echo "$path"
