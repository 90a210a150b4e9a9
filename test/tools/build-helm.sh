#!/usr/bin/env bash
# Builds helm from the pinned wrapper module in ./helm (see build-tool.sh) and prints the binary's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's|^[[:space:]]*helm.sh/helm/v3 \(v[^ ]*\).*|\1|p' "$here/helm/go.mod" | head -n 1)
# Without these, helm v3 assumes Kubernetes v1.20 for `helm template` and prints no patch version.
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version"
for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  ldflags="$ldflags -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=36"
done
exec bash "$here/build-tool.sh" helm helm.sh/helm/v3/cmd/helm helm.sh/helm/v3 "$ldflags"
