#!/usr/bin/env bash
# Check the systemd unit offline (no running systemd needed):
#   1. `systemd-analyze verify`: clean, except that the program it starts does not exist
#      before install (/opt/watchdesk/...);
#   2. `systemd-analyze security --offline=true`: overall exposure at most MAX (default 1.2).
#
# Usage: deploy/check-unit.sh [UNIT_FILE] [MAX]
# Exit status: 0 ok, 1 a check failed, 2 systemd-analyze is missing or its output is unreadable.
set -euo pipefail

unit="${1:-$(dirname "$0")/watchdesk.service}"
max="${2:-1.2}"
export SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat LC_ALL=C.UTF-8

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "check-unit: systemd-analyze not found (apt-get install systemd)" >&2
    exit 2
fi

# verify: every message must be about a path under /opt/watchdesk that install.sh creates.
rc=0
out="$(systemd-analyze verify "$unit" 2>&1)" || rc=$?
unexpected="$(printf '%s\n' "$out" | grep -v -e '^$' \
    -e 'Command /opt/watchdesk/[^ ]* is not executable: No such file or directory' || true)"
if [[ -n "$unexpected" ]]; then
    echo "check-unit: systemd-analyze verify $unit (exit $rc):" >&2
    printf '%s\n' "$unexpected" >&2
    exit 1
fi
echo "check-unit: verify ok${out:+ (ignored: ExecStart not installed yet)}"

# security: read the overall exposure level and compare it with the maximum.
report="$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1)" || true
score="$(printf '%s\n' "$report" \
    | sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p' | tail -n 1)"
if [[ -z "$score" ]]; then
    echo "check-unit: no exposure level in the output of systemd-analyze security:" >&2
    printf '%s\n' "$report" >&2
    exit 2
fi
if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s + 0 > m + 0) }'; then
    printf '%s\n' "$report" | grep -v '✓' >&2 || true
    echo "check-unit: exposure $score is above $max" >&2
    exit 1
fi
echo "check-unit: security exposure $score (max $max)"
