#!/usr/bin/env bash
# Builds the OpenTelemetry Collector distribution the end-to-end tests run (no Docker here),
# once per builder version + config: the binary is cached outside the repo and reused.
# Prints the binary's path on stdout; progress goes to stderr.
set -euo pipefail
BUILDER_VERSION=v0.155.0
here=$(cd "$(dirname "$0")/.." && pwd)
config="$here/deploy/collector/builder-config.yaml"
key=$(sha256sum "$config" | cut -c1-12)
cache="${CCOTEL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccotel}/otelcol-$BUILDER_VERSION-$key"
bin="$cache/dist/otelcol-ccotel"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "build-collector: Go is required (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$cache"
echo "build-collector: building otelcol-ccotel $BUILDER_VERSION into $cache (first run only, a few minutes)" >&2
GOBIN="$cache/bin" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
cp "$config" "$cache/builder-config.yaml"
(cd "$cache" && "$cache/bin/builder" --config builder-config.yaml >&2)
[ -x "$bin" ] || { echo "build-collector: builder finished but $bin is missing" >&2; exit 1; }
echo "$bin"
