#!/usr/bin/env bash
# Builds promtool from the pinned wrapper module in ./promtool (see build-tool.sh) and prints the binary's path.
set -euo pipefail
exec bash "$(cd "$(dirname "$0")" && pwd)/build-tool.sh" promtool github.com/prometheus/prometheus/cmd/promtool github.com/prometheus/prometheus
