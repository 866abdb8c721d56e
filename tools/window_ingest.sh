#!/usr/bin/env bash
# The window's end-to-end ingest (issue 24): 200 RSS files of 500 items served from 127.0.0.1,
# subscribed from OPML, then `2` and `r` pressed in a real window (Xvfb) that is timed from the
# key press until SQLite holds every item and the index outbox is empty. Prints the seconds, the
# rate and the window's peak RSS (from /proc, sampled).
#
# Needs: a release build, Xvfb on $DISPLAY (default :99), xdotool, sqlite3, python3.
# Usage: tools/window_ingest.sh [feeds] [items] [body words] (200 500 60: 88 MB; 115: 127 MB)
set -euo pipefail
FEEDS=${1:-200}
ITEMS=${2:-500}
BODY=${3:-60}
BIN=${BIN:-target/release/focusfeed}
export DISPLAY=${DISPLAY:-:99}
WORK=$(mktemp -d /tmp/ff-window-ingest.XXXX)
trap 'kill $SERVER $APP 2>/dev/null || true; [ -n "${KEEP_LOG:-}" ] && cp "$WORK/app.log" "$KEEP_LOG"; rm -rf "$WORK"' EXIT

mkdir -p "$WORK/feeds" "$WORK/data"
python3 "$(dirname "$0")/gen_feeds.py" "$WORK/feeds" "$FEEDS" "$ITEMS" "$BODY"
source "$(dirname "$0")/serve_feeds.sh"
"$BIN" --data-dir "$WORK/data" import "$WORK/list.opml" >/dev/null

"$BIN" --data-dir "$WORK/data" >"$WORK/app.log" 2>&1 &
APP=$!
DB="$WORK/data/focusfeed.sqlite3"
WIN=""
for _ in $(seq 200); do
  WIN=$(xdotool search --name focusfeed 2>/dev/null | head -1 || true)
  [ -n "$WIN" ] && break
  sleep 0.1
done
sleep 1
if ! kill -0 "$APP" 2>/dev/null; then
  # Under Xvfb, about one start in five here failed to connect to the X server: say so, stop.
  echo "the window exited before the refresh: $(cat "$WORK/app.log")" >&2
  exit 1
fi
xdotool windowfocus "$WIN"
xdotool key 2
sleep 0.5
IDLE=$(awk '/VmRSS/ {print $2}' /proc/$APP/status)
START=$(date +%s.%N)
xdotool key r
# SHOT=file.png takes a screenshot of the window a second into the refresh.
if [ -n "${SHOT:-}" ]; then (sleep 1; import -window root "$SHOT") & fi
# PERF=file records a profile of the window during the ingest.
if [ -n "${PERF:-}" ]; then perf record -F 1000 -g -p "$APP" -o "$PERF" >/dev/null 2>&1 & PERFPID=$!; fi
TOTAL=$((FEEDS * ITEMS))
# One poller process with one read-only connection, every 50 ms: the window's memory and
# whether SQLite holds every item and the index outbox is empty. (A sqlite3 and two awk
# processes started 20 times a second took CPU from the window being measured, on a machine
# of two cores.) max(id), not count(*): the database starts empty, so the largest id is the
# count. TRACE=1 prints the time, stored|waiting to be indexed, and the memory at each poll.
read -r END PEAK PARTS < <(python3 - "$DB" "$APP" "$TOTAL" "${TRACE:-}" <<'PY'
import re, sqlite3, sys, time
db, pid, total, trace = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
peak, parts, con = 0, "", None
while True:
    status = open(f"/proc/{pid}/status").read()
    kib = lambda k: int(re.search(rf"{k}:\s+(\d+)", status).group(1))
    if kib("VmRSS") > peak:
        peak = kib("VmRSS")
        parts = " ".join(f"{k}: {kib(k) // 1024} MiB" for k in ("RssAnon", "RssFile", "RssShmem"))
    try:
        con = con or sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        n, left = con.execute("SELECT (SELECT coalesce(max(id), 0) FROM items),"
                              " (SELECT count(*) FROM index_outbox)").fetchone()
    except sqlite3.Error:
        n, left, con = 0, 1, None
    if trace:
        print(f"{time.time():.3f} {n}|{left} {parts}", file=sys.stderr)
    if n >= total and left == 0:
        break
    time.sleep(0.05)
print(f"{time.time():.6f} {peak} {parts}")
PY
)
if [ -n "${PERF:-}" ]; then kill -INT "$PERFPID"; wait "$PERFPID" || true; fi
HWM=$(awk '/VmHWM/ {print $2}' /proc/$APP/status)
python3 -c "s=$END-$START; print(f'window ingest: $TOTAL items stored and indexed in {s:.2f} s = {$TOTAL/s:.0f} items/s; peak RSS {$HWM/1024:.0f} MiB (sampled {$PEAK/1024:.0f} MiB; {$IDLE/1024:.0f} MiB before r)'); print('  at the sampled peak: $PARTS')"
