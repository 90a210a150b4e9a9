#!/usr/bin/env bash
# Builds the kstatus wrapper in ./kstatus (see build-tool.sh) and prints the binary's path.
set -euo pipefail
exec bash "$(cd "$(dirname "$0")" && pwd)/build-tool.sh" kstatus . sigs.k8s.io/cli-utils
