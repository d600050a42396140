#!/usr/bin/env bash
# Provides Alertmanager (what the prom/alertmanager image would bring; no Docker here) and prints the
# path of the `alertmanager` binary on stdout (amtool sits next to it); progress goes to stderr.
#   1. $CCOTEL_ALERTMANAGER_BIN, or `alertmanager` / Debian's `prometheus-alertmanager` on PATH;
#   2. as root on Debian/Ubuntu: apt-get install prometheus-alertmanager (0.25 on Debian 12, seconds);
#   3. otherwise: go install of ALERTMANAGER_VERSION, cached outside the repo like the other builds.
# deploy/docker-compose.yml pins the same version (test/stack-compose.test.ts checks).
set -euo pipefail
ALERTMANAGER_VERSION=0.25.0
root="${CCOTEL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccotel}"
cache="$root/alertmanager-$ALERTMANAGER_VERSION"

found() { echo "$1"; exit 0; }
[ -n "${CCOTEL_ALERTMANAGER_BIN:-}" ] && [ -x "$CCOTEL_ALERTMANAGER_BIN" ] && found "$CCOTEL_ALERTMANAGER_BIN"
for name in alertmanager prometheus-alertmanager; do
  if p=$(command -v "$name"); then found "$p"; fi
done
[ -x "$cache/bin/alertmanager" ] && found "$cache/bin/alertmanager"

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "install-alertmanager: apt-get install prometheus-alertmanager" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q </dev/null >&2
  apt-get install -y -q --no-install-recommends prometheus-alertmanager </dev/null >&2
  found "$(command -v prometheus-alertmanager)"
fi

command -v go >/dev/null || { echo "install-alertmanager: needs apt-get (as root) or Go" >&2; exit 1; }
mkdir -p "$root"
exec 9>"$cache.lock"
flock 9
[ -x "$cache/bin/alertmanager" ] && found "$cache/bin/alertmanager"
echo "install-alertmanager: building alertmanager $ALERTMANAGER_VERSION into $cache" >&2
GOBIN="$cache/bin.tmp" go install -trimpath \
  -ldflags "-s -w -X github.com/prometheus/common/version.Version=$ALERTMANAGER_VERSION" \
  "github.com/prometheus/alertmanager/cmd/alertmanager@v$ALERTMANAGER_VERSION" \
  "github.com/prometheus/alertmanager/cmd/amtool@v$ALERTMANAGER_VERSION" >&2
rm -rf "$cache/bin" && mv "$cache/bin.tmp" "$cache/bin"
found "$cache/bin/alertmanager"
