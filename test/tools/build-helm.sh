#!/usr/bin/env bash
# Builds helm from the pinned wrapper module in ./helm into the same cache as the control plane, only when it is
# missing, and prints the binary's path. HELM_BIN names an existing helm to use instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${HELM_BIN:-}" ] && [ -x "$HELM_BIN" ]; then
  echo "$HELM_BIN"
  exit 0
fi
export GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
version=$(sed -n 's|^[[:space:]]*helm.sh/helm/v3 \(v[^ ]*\).*|\1|p' "$here/helm/go.mod" | head -n 1)
[ -n "$version" ] || { echo "cannot read the pinned helm version from $here/helm/go.mod" >&2; exit 1; }
cache="${PERSONALIZE_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/personalize-operator}"
bin="$cache/helm/$version/helm"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$(dirname "$bin")"
# Without these, helm v3 assumes Kubernetes v1.20 for `helm template` and prints no patch version.
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version"
for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  ldflags="$ldflags -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=36"
done
(cd "$here/helm" && go build -trimpath -ldflags "$ldflags" -o "$bin.tmp" helm.sh/helm/v3/cmd/helm) >&2
mv "$bin.tmp" "$bin"
echo "$bin"
