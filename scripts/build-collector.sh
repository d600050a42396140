#!/usr/bin/env bash
# Builds the OpenTelemetry Collector distribution the end-to-end tests run (no Docker here),
# once per builder version + config: the binary is cached outside the repo and reused.
# Prints the binary's path on stdout; progress goes to stderr.
#
# Why GOFLAGS=-e: the builder runs `go mod tidy`, which also resolves the *test-only* imports of
# every component. fileexporter's tests import otlpencodingextension, whose v0.155.0 the module
# proxy here refuses (403 "This module version is not available"), so a plain tidy fails although
# the collector never links it. `go mod tidy -e` (and `go mod download -e`) report such errors and
# go on; the go command applies a GOFLAGS entry only to the subcommands that define that flag, so
# `go build` is unaffected and the builder keeps its strict version checks. Any module the binary
# really needs but cannot get still fails the compile step.
set -euo pipefail
BUILDER_VERSION=v0.155.0
here=$(cd "$(dirname "$0")/.." && pwd)
config="$here/deploy/collector/builder-config.yaml"
key=$( { echo "$BUILDER_VERSION"; cat "$config"; } | sha256sum | cut -c1-12)
root="${CCOTEL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccotel}"
cache="$root/otelcol-$BUILDER_VERSION-$key"
bin="$cache/dist/otelcol-ccotel"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build-collector: Go is required (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$root"
# Several test processes may ask at once: one builds, the others wait and reuse its result.
if command -v flock >/dev/null; then
  exec 9>"$cache.lock"
  flock 9
  if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
fi

start=$SECONDS
echo "build-collector: building otelcol-ccotel $BUILDER_VERSION into $cache (first run only, a few minutes)" >&2
rm -rf "$cache/dist"
mkdir -p "$cache"
if [ ! -x "$cache/bin/builder" ]; then
  GOBIN="$cache/bin" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
fi
cp "$config" "$cache/builder-config.yaml"
cd "$cache"
GOFLAGS="${GOFLAGS:+$GOFLAGS }-e" "$cache/bin/builder" --config builder-config.yaml >&2
[ -x "$bin" ] || { echo "build-collector: builder finished but $bin is missing" >&2; exit 1; }
echo "build-collector: built $bin in $((SECONDS - start))s" >&2
echo "$bin"
