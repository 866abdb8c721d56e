#!/usr/bin/env bash
# The CLI's end-to-end ingest as issue 24 measured it: FEEDS RSS files of ITEMS items served
# from 127.0.0.1, imported from OPML into a fresh data folder, then `focusfeed refresh --all`
# timed as a whole process (it returns once every item is stored and indexed). Prints the
# seconds, the rate and the peak RSS of each of RUNS runs.
#
# Needs: a release build, python3, sqlite3.
# Usage: tools/refresh_ingest.sh [feeds] [items] [body words] (200 500 60: 88 MB; 115: 127 MB)
set -euo pipefail
FEEDS=${1:-200}
ITEMS=${2:-500}
BODY=${3:-60}
RUNS=${RUNS:-3}
BIN=${BIN:-target/release/focusfeed}
WORK=$(mktemp -d /tmp/ff-refresh-ingest.XXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

mkdir -p "$WORK/feeds"
python3 "$(dirname "$0")/gen_feeds.py" "$WORK/feeds" "$FEEDS" "$ITEMS" "$BODY"
source "$(dirname "$0")/serve_feeds.sh"
echo "$FEEDS feeds x $ITEMS items, $(du -sb "$WORK/feeds" | cut -f1) bytes of RSS from 127.0.0.1"
TOTAL=$((FEEDS * ITEMS))
for run in $(seq "$RUNS"); do
  rm -rf "$WORK/data"
  "$BIN" --data-dir "$WORK/data" import "$WORK/list.opml" >/dev/null
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" --data-dir "$WORK/data" refresh --all >/dev/null 2>&1
  read -r SECS KIB <"$WORK/time"
  LEFT=$(sqlite3 "$WORK/data/focusfeed.sqlite3" \
    "SELECT ($TOTAL - count(*)) + (SELECT count(*) FROM index_outbox) FROM items")
  python3 -c "s=$SECS; print(f'run $run: {s:.2f} s = {$TOTAL/s:.0f} items/s, peak RSS {$KIB/1024:.0f} MiB' + ('' if $LEFT == 0 else ' ($LEFT items missing or not indexed)'))"
done
