#!/bin/sh
# Regenerates the kittests' CJK subset font (tests/data/fonts-ui) after locales/zh-CN.yml or the
# Chinese sample changes: every character of both, cut from the system's Noto Sans CJK SC.
# Needs fonts-noto-cjk and fonttools (pip install fonttools).
set -e
cd "$(dirname "$0")/.."
chars=$(mktemp)
cat locales/zh-CN.yml assets/samples/focus-notes-zh.rss.xml |
    python3 -c 'import sys; print("".join(sorted(set(sys.stdin.read()))))' >"$chars"
pyftsubset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc --font-number=2 \
    --text-file="$chars" --layout-features='*' --no-hinting \
    --output-file=tests/data/fonts-ui/NotoSansCJKsc-Regular-ui-subset.otf
rm -f "$chars"
