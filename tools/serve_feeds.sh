#!/usr/bin/env bash
# Sourced by the ingest scripts: serves $WORK/feeds from 127.0.0.1 on a free port (SERVER is its
# pid) and writes $WORK/list.opml subscribing to $FEEDS of its feed-N.xml files.
python3 -m http.server 0 --bind 127.0.0.1 --directory "$WORK/feeds" >"$WORK/server.log" 2>&1 &
SERVER=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(grep -o 'port [0-9]*' "$WORK/server.log" | head -1 | cut -d' ' -f2 || true)
  [ -n "$PORT" ] && break
  sleep 0.1
done
{
  echo '<?xml version="1.0"?><opml version="2.0"><body>'
  for f in $(seq 0 $((FEEDS - 1))); do
    echo "<outline type=\"rss\" text=\"f$f\" xmlUrl=\"http://127.0.0.1:$PORT/feed-$f.xml\"/>"
  done
  echo '</body></opml>'
} >"$WORK/list.opml"
