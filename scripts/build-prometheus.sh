#!/usr/bin/env bash
# Builds Prometheus 3 and promtool (what the prom/prometheus image would bring; no Docker here),
# once per version: the binaries are cached outside the repo and reused.
# Prints the directory holding `prometheus` and `promtool` on stdout; progress goes to stderr.
# The module version v0.316.0 is Prometheus 3.16.0; the ldflags make `--version` honest and the
# binaries smaller. The API works without the web UI assets (the UI is not embedded by go install).
set -euo pipefail
MODULE_VERSION=v0.316.0
VERSION=3.16.0
root="${CCOTEL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccotel}"
cache="$root/prometheus-$VERSION"
done_marker="$cache/bin/.complete"
if [ -f "$done_marker" ]; then echo "$cache/bin"; exit 0; fi

command -v go >/dev/null || { echo "build-prometheus: Go is required (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$root"
# Several test processes may ask at once: one builds, the others wait and reuse its result.
if command -v flock >/dev/null; then
  exec 9>"$cache.lock"
  flock 9
  if [ -f "$done_marker" ]; then echo "$cache/bin"; exit 0; fi
fi

start=$SECONDS
echo "build-prometheus: building prometheus and promtool $VERSION into $cache (first run only, several minutes)" >&2
rm -rf "$cache/bin"
mkdir -p "$cache/bin"
GOBIN="$cache/bin" go install -trimpath \
  -ldflags "-s -w -X github.com/prometheus/common/version.Version=$VERSION" \
  "github.com/prometheus/prometheus/cmd/prometheus@$MODULE_VERSION" \
  "github.com/prometheus/prometheus/cmd/promtool@$MODULE_VERSION" >&2
[ -x "$cache/bin/prometheus" ] && [ -x "$cache/bin/promtool" ] ||
  { echo "build-prometheus: go install finished but the binaries are missing" >&2; exit 1; }
touch "$done_marker"
echo "build-prometheus: built in $((SECONDS - start))s" >&2
echo "$cache/bin"
