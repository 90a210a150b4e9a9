#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kubectl and etcd from the pinned wrapper modules beside this script into
# $XDG_CACHE_HOME/personalize-operator/control-plane/<versions>/bin (~/.cache/... by default), only when
# they are missing, and prints that folder. The cache lives outside the work tree so fresh clones (CI) reuse it.
# KUBEBUILDER_ASSETS (envtest's convention) short-circuits the build when it holds the binaries.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# envtest ships no kube-controller-manager; the harness then runs without it (see src/local/control-plane.ts).
if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ]; then
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

export GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
modversion() { sed -n "s|^[[:space:]]*$2 \(v[^ ]*\).*|\1|p" "$1" | head -n 1; }
kube=$(modversion "$here/apiserver/go.mod" 'k8s.io/kubernetes')
etcd=$(modversion "$here/etcd/go.mod" 'go.etcd.io/etcd/server/v3')
[ -n "$kube" ] && [ -n "$etcd" ] || { echo "cannot read pinned versions from $here/*/go.mod" >&2; exit 1; }

cache="${PERSONALIZE_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/personalize-operator}"
bin="$cache/control-plane/kube-$kube-etcd-$etcd/bin"
all=(kube-apiserver kube-controller-manager kubectl etcd)
missing=()
for b in "${all[@]}"; do [ -x "$bin/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$bin"
started=$(date +%s)

minor=$(echo "$kube" | cut -d. -f2)
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $p.gitVersion=$kube -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
done
# Only what is missing is built (a cache from before kube-controller-manager joined keeps the rest), into
# temporary names and renamed, so an interrupted build never leaves a binary that looks complete.
for b in "${missing[@]}"; do
  case "$b" in
    etcd) (cd "$here/etcd" && go build -trimpath -ldflags "-s -w" -o "$bin/etcd.tmp" go.etcd.io/etcd/server/v3) >&2 ;;
    *) (cd "$here/apiserver" && go build -trimpath -ldflags "$ldflags" -o "$bin/$b.tmp" "k8s.io/kubernetes/cmd/$b") >&2 ;;
  esac
  mv "$bin/$b.tmp" "$bin/$b"
done
echo "built ${missing[*]} (kubernetes $kube, etcd $etcd) in $(( $(date +%s) - started ))s" >&2
echo "$bin"
