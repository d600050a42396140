#!/bin/sh
# ccotel's Claude Code hook: spools the hook payload (stdin) for the ccotel daemon and exits 0.
# Claude Code runs it synchronously on every tool call, so it does the least possible: no JSON
# parsing, no network, no waiting on the daemon. Maildir-style: the payload is written to spool/tmp
# and then renamed into spool/new, so the daemon never sees a partial file, and concurrent hooks
# never interleave. The file name is the event's id and its time: <epoch ns>.<pid>.
# Usage: ccotel-hook.sh [STATE_DIR]   (default $CCOTEL_STATE_DIR, else $XDG_STATE_HOME/ccotel)
# Errors go to STATE_DIR/spool/hook-errors.log (or $TMPDIR), never to Claude Code: exit is always 0.
exec 2>/dev/null # nothing, ever, reaches Claude Code
umask 077
s=${1:-${CCOTEL_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/ccotel}}
d=$s/spool

fail() {
  # Drain stdin so Claude Code never gets EPIPE, then leave one line in a small log.
  cat >/dev/null 2>&1
  l=$d/hook-errors.log
  { [ -d "$d" ] && [ -w "$d" ]; } || l=${TMPDIR:-/tmp}/ccotel-hook-errors.log
  [ -h "$l" ] && exit 0 # a link planted in a shared /tmp: truncating or appending would hit its target
  if [ -f "$l" ] && [ "$(wc -c <"$l" 2>/dev/null)" -gt 65536 ] 2>/dev/null; then : >"$l" 2>/dev/null; fi
  printf '%s ccotel-hook: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)" "$1" >>"$l" 2>/dev/null
  exit 0
}

[ -d "$d/new" ] && [ -d "$d/tmp" ] || mkdir -p "$d/new" "$d/tmp" 2>/dev/null || fail "cannot create $d"
n=$(date +%s%N 2>/dev/null)
case $n in
  *[!0-9]* | '') n=$(date +%s 2>/dev/null)000000000 ;; # no %N (BSD date): whole seconds
esac
n=$n.$$
t=$d/tmp/$n
# noclobber: an existing name (pid reuse in the same nanosecond) fails instead of being overwritten.
set -C
if ! cat >"$t" 2>/dev/null; then
  rm -f "$t" 2>/dev/null
  fail "cannot write $t (disk full?)"
fi
[ -s "$t" ] || { rm -f "$t" 2>/dev/null; exit 0; } # empty stdin: nothing to record
mv "$t" "$d/new/$n" 2>/dev/null || { rm -f "$t" 2>/dev/null; fail "cannot move $t into $d/new"; }
exit 0
