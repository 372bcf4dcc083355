#!/usr/bin/env bash
# The protos' compatibility check, run by `mvn verify` (the parent pom): the public protos
# (proto/) and the durable internal ones (state-machine/) must not lose, renumber, rename or
# retype a field, an enum value or an RPC against the last released descriptor set,
# proto/compat/released.binpb (buf's PACKAGE rules, set in buf.yaml). A negative control runs
# first: the same check on a copy of the protos with one durable field renumbered must fail,
# so that a check that lets everything through fails the build too.
# At a release, record the new baseline: proto/compat/check.sh --record
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
baseline="$root/proto/compat/released.binpb"
version=1.75.0
tools="$root/target/buf-$version"
buf="$tools/node_modules/.bin/buf"
if [ ! -x "$buf" ]; then
  echo "Installing buf $version (npm @bufbuild/buf) into $tools" >&2
  npm install --prefix "$tools" --no-audit --no-fund --silent "@bufbuild/buf@$version" >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# buf compares images as one unit; a workspace input would be compared module by module
image_of() {
  (cd "$1" && "$buf" build -o "$2")
}
breaking() {
  image_of "$1" "$work/current.binpb"
  (cd "$1" && "$buf" breaking "$work/current.binpb" --against "$baseline" --config buf.yaml)
}

if [ "${1:-}" = "--record" ]; then
  image_of "$root" "$baseline"
  echo "recorded $baseline"
  exit 0
fi

planted="$work/planted"
mkdir -p "$planted/proto/src/main" "$planted/state-machine/src/main"
cp "$root/buf.yaml" "$planted/"
cp -r "$root/proto/src/main/proto" "$planted/proto/src/main/"
cp -r "$root/state-machine/src/main/proto" "$planted/state-machine/src/main/"
sed -i 's/int64 leader_time_millis = 1;/int64 leader_time_millis = 99;/' \
  "$planted/state-machine/src/main/proto/pensieve/internal/v1/log.proto"
if breaking "$planted" > "$work/planted.out" 2>&1; then
  echo "the compatibility check accepted a renumbered field of CommandBatch" >&2
  exit 1
fi
grep -q 'leader_time_millis' "$work/planted.out" || { cat "$work/planted.out" >&2; exit 1; }

breaking "$root"
echo "protos compatible with proto/compat/released.binpb (and a renumbered field is refused)"
