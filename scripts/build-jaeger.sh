#!/usr/bin/env bash
# Builds the Jaeger v2 backend (what the jaegertracing/jaeger image would bring; no Docker here),
# once per version: the binary is cached outside the repo and reused.
# Prints the binary's path on stdout; progress goes to stderr.
# `go install github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0` is refused (the module has a replace
# directive), so the module is downloaded, copied out of the read-only module cache and built in place.
# Module v1.76.0 is the v2 backend released as v2.13.0.
set -euo pipefail
MODULE_VERSION=v1.76.0
VERSION=2.13.0
root="${CCOTEL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccotel}"
cache="$root/jaeger-$VERSION"
bin="$cache/bin/jaeger"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { echo "build-jaeger: Go is required (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$root"
if command -v flock >/dev/null; then
  exec 9>"$cache.lock"
  flock 9
  if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
fi

start=$SECONDS
echo "build-jaeger: building jaeger $VERSION into $cache (first run only, a few minutes)" >&2
rm -rf "$cache"
mkdir -p "$cache/bin"
dir=$(go mod download -json "github.com/jaegertracing/jaeger@$MODULE_VERSION" |
  sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')
[ -d "$dir" ] || { echo "build-jaeger: go mod download did not report the module directory" >&2; exit 1; }
cp -r "$dir" "$cache/src"
chmod -R u+w "$cache/src"
(cd "$cache/src" && go build -trimpath -ldflags "-s -w" -o "$bin.tmp" ./cmd/jaeger) >&2
mv "$bin.tmp" "$bin"
echo "build-jaeger: built $bin in $((SECONDS - start))s" >&2
echo "$bin"
