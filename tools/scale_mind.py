#!/usr/bin/env python3
"""Writes a MIND-format log the size of MIND-small's dev set (51,282 news, 50,000 users, 73,152
impressions of 2-80 candidates, histories of 0-60 clicks, some empty abstracts, MIND's entity
JSON), its texts recombined from mind-bbc, to check that `focusfeed eval` runs at that scale:
time and memory, not quality (the labels are random).

    python3 tools/scale_mind.py ../shared/eval/mind-bbc /tmp/mindsmall
    /usr/bin/time -v cargo run --release -- eval --mind /tmp/mindsmall

Standard library only.
"""
import argparse, os, random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--news", type=int, default=51282)
    ap.add_argument("--users", type=int, default=50000)
    ap.add_argument("--impressions", type=int, default=73152)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    src = [l.rstrip("\n").split("\t") for l in open(os.path.join(args.src, "news.tsv"))]
    os.makedirs(args.dst, exist_ok=True)
    entity = '[{"Label": "X", "Type": "O", "WikidataId": "Q1", "Confidence": 1.0, "OccurrenceOffsets": [0], "SurfaceForms": ["X"]}]'
    ids = []
    with open(os.path.join(args.dst, "news.tsv"), "w") as out:
        for i in range(args.news):
            a, b = rng.choice(src), rng.choice(src)
            title = a[3].split()
            title = " ".join(title[: max(3, len(title) - 1)] + [rng.choice(b[3].split())])
            wa, wb = a[4].split(), b[4].split()
            abstract = " ".join(wb[: len(wb) // 2] + wa[len(wa) // 2 :]) if i % 7 else ""
            nid = f"N{i + 1}"
            ids.append(nid)
            url = f"https://assets.msn.com/labs/mind/{nid}.html"
            out.write("\t".join([nid, a[1], a[1] + "sub", title, abstract, url, entity, "[]"]) + "\n")
    history = {}
    with open(os.path.join(args.dst, "behaviors.tsv"), "w") as out:
        for k in range(args.impressions):
            user = f"U{rng.randrange(args.users)}"
            if user not in history:
                history[user] = rng.sample(ids, rng.randint(0, 60))
            n = rng.randint(2, 80)
            shown = rng.sample(ids, n)
            labels = [0] * n
            labels[rng.randrange(n)] = 1
            if rng.random() < 0.2:
                labels[rng.randrange(n)] = 1
            day, hour, minute = 11 + k * 4 // args.impressions, 1 + k % 12, k % 60
            when = f"11/{day}/2019 {hour}:{minute:02d}:{minute:02d} AM"
            cands = " ".join(f"{c}-{y}" for c, y in zip(shown, labels))
            out.write(f"{k + 1}\t{user}\t{when}\t{' '.join(history[user])}\t{cands}\n")


if __name__ == "__main__":
    main()
