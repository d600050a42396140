#!/bin/sh
# ccotel's budget guard (opt-in: `ccotel hooks install --budget-guard`), a UserPromptSubmit and
# PreToolUse hook. It reads the status file `ccotel run` keeps in the state directory
# (budget-status: key=value lines) and, while a budget is spent, prints a warning Claude Code shows
# the user ({"systemMessage": ...} on stdout); with budgets.enforce it blocks new prompts (exit 2,
# the reason on stderr). A status file that is missing, unreadable, malformed, stale (the daemon is
# not running: written more than 300 s ago) or past the end of the spent period never blocks.
# No Node, no jq, no network: builtins, plus `cat` to drain stdin and `date` for the time.
# Usage: ccotel-budget-guard.sh STATE_DIR [EVENT]   (EVENT: UserPromptSubmit blocks, others warn)
s=${1:-${CCOTEL_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/ccotel}}
event=${2:-UserPromptSubmit}
f=$s/budget-status
cat >/dev/null 2>&1 # the payload is not needed; read it so Claude Code never gets EPIPE
[ -f "$f" ] && [ -r "$f" ] || exit 0
written='' until='' over='' enforce='' block='' warn=''
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    written=*) written=${line#written=} ;;
    until=*) until=${line#until=} ;;
    over=*) over=${line#over=} ;;
    enforce=*) enforce=${line#enforce=} ;;
    block=*) block=${line#block=} ;;
    warn=*) warn=${line#warn=} ;;
  esac
done <"$f" 2>/dev/null
[ -n "$over" ] || exit 0
case $written$until in '' | *[!0-9]*) exit 0 ;; esac # malformed: never block on it
[ -n "$until" ] || exit 0
now=$(date +%s 2>/dev/null)
case $now in '' | *[!0-9]*) exit 0 ;; esac
age=$((now - written))
[ "$age" -le 300 ] && [ "$age" -ge -300 ] || exit 0 # stale, or a clock far off: the daemon is not keeping it
[ "$now" -lt "$until" ] || exit 0 # the spent period has ended
if [ "$enforce" = 1 ] && [ "$event" = UserPromptSubmit ] && [ -n "$block" ]; then
  printf '%s\n' "$block" >&2
  exit 2
fi
[ -n "$warn" ] && printf '%s\n' "$warn"
exit 0
