#!/usr/bin/env bash
# Builds a test tool from its pinned wrapper module in ./<name> into the same cache as the control plane, only
# when missing, and prints the binary's path. <NAME>_BIN (HELM_BIN, KSTATUS_BIN) names an existing one instead.
# Usage: build-tool.sh <name> <package> <module whose go.mod version keys the cache> [ldflags]
set -euo pipefail
name=$1 package=$2 module=$3 ldflags=${4:-"-s -w"}
here=$(cd "$(dirname "$0")" && pwd)
override="$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')_BIN"
if [ -n "${!override:-}" ] && [ -x "${!override}" ]; then
  echo "${!override}"
  exit 0
fi
export GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
version=$(sed -n "s|^[[:space:]]*$module \(v[^ ]*\).*|\1|p" "$here/$name/go.mod" | head -n 1)
[ -n "$version" ] || { echo "cannot read the pinned $module version from $here/$name/go.mod" >&2; exit 1; }
# A tool with its own source is rebuilt when that source changes.
if [ "$package" = . ]; then
  version="$version-$(cat "$here/$name"/*.go | sha256sum | cut -c1-12)"
fi
cache="${PERSONALIZE_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/personalize-operator}"
bin="$cache/$name/$version/$name"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$(dirname "$bin")"
(cd "$here/$name" && go build -trimpath -ldflags "$ldflags" -o "$bin.tmp" "$package") >&2
mv "$bin.tmp" "$bin"
echo "$bin"
