#!/usr/bin/env python3
"""Writes FEEDS RSS files of ITEMS items each into OUT (feed-N.xml), the feeds the ingest
measurements use (tools/window_ingest.sh, tools/refresh_ingest.sh): HTML bodies of BODY words
(60 by default: 88 MB for 200 x 500; 115 words make the 127 MB of issue 24's first
measurement) with links, images, a script and a tracking pixel for the sanitizer.

Usage: tools/gen_feeds.py OUT FEEDS ITEMS [BODY]
"""
import sys
out, feeds, items = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = int(sys.argv[4]) if len(sys.argv) > 4 else 60
words = ("attention focus reader garden compiler river orbit kernel harvest signal window memory "
         "autumn ledger market bridge thread lantern meteor archive pattern engine forest canvas "
         "puzzle harbour vector summit pocket rhythm mirror island cursor meadow socket glacier "
         "planet parcel violin tunnel beacon saddle marble domain candle silver ripple stanza").split()
for f in range(feeds):
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Window feed {f}</title><link>https://w{f}.example/</link>\n']
    for i in range(items):
        w = lambda k: words[(f * 7919 + i * 104729 + k * 31) % len(words)]
        s = [w(k) for k in range(body)]
        parts.append(
            f'<item><title>{w(1)} {w(2)} and the {w(3)} of {w(4)} ({f}-{i})</title>'
            f'<link>https://w{f}.example/posts/{i}</link><guid>w-{f}-{i}</guid>'
            f'<pubDate>{1 + i % 28:02} Oct 2026 {i % 24:02}:{i % 60:02}:00 GMT</pubDate><category>{w(5)}</category>'
            f'<description><![CDATA[<p>{" ".join(s[:20])} <a href="/rel/{i}">a relative link</a>, <b>bold</b> '
            f'and <img src="/i/{i}.png" alt="picture {i}">.</p><p>{" ".join(s[20:])}</p>'
            f'<script>track({i})</script><img src="https://pixel.wp.com/{i}.gif" width="1" height="1">]]></description></item>\n')
    parts.append('</channel></rss>\n')
    open(f'{out}/feed-{f}.xml', 'w').write(''.join(parts))
