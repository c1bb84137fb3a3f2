#!/usr/bin/env bash
# Fetches a whole Node release (the binary and its headers) from the npm
# registry, as the package node-linux-<arch>@<version>, into a cache folder,
# and prints its prefix: <prefix>/bin/node, <prefix>/include/node. A release
# already in the cache is used as it is.
#
#   scripts/fetch-node.sh 24.22.3 [cache-dir]    (default ~/.cache/uvtls-ci)
#
# npm checks the tarball against the registry's integrity hash. Needs npm
# (any Node's) on PATH.
set -euo pipefail

version=${1:?usage: fetch-node.sh <version> [cache-dir]}
cache=${2:-${UVTLS_CI_CACHE:-$HOME/.cache/uvtls-ci}}
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "fetch-node.sh: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
prefix=$cache/node-$version

if [ -x "$prefix/bin/node" ] && [ -f "$prefix/include/node/node_api.h" ] &&
   [ "$("$prefix/bin/node" --version)" = "v$version" ]; then
  echo "$prefix"
  exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/.fetch-$version.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "fetch-node.sh: node-linux-$arch@$version from the npm registry" >&2
(cd "$work" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
tar -xzf "$work"/node-linux-"$arch"-"$version".tgz -C "$work"
got=$("$work/package/bin/node" --version)
if [ "$got" != "v$version" ]; then
  echo "fetch-node.sh: the package holds $got, not v$version" >&2
  exit 1
fi
if [ ! -f "$work/package/include/node/node_api.h" ]; then
  echo "fetch-node.sh: node-linux-$arch@$version has no headers (include/node)" >&2
  exit 1
fi
rm -rf "$prefix"
mv "$work/package" "$prefix"
echo "$prefix"
