#!/usr/bin/env python3
"""Re-labels a MIND-format log with simulated readers whose topics ARE recoverable from the
title and abstract, to tell a method's limit from the data's.

Each reader likes 3 of 40 topics (k-means over tf-idf of title + abstract), prefers one source
(the category column) and dislikes one topic; clicks follow the examination hypothesis,
P(click) = 1/log2(position + 2) * sigmoid(A * utility - B). The impressions' users, times and
candidate lists are kept from the input log; labels and histories are new. Prints the click rate
and the readers' true-preference AUC (the ceiling).

    python3 tools/simulate_mind.py ../shared/eval/mind-bbc /tmp/simlog
    cargo run --release -- eval --mind /tmp/simlog

Needs numpy, scipy and scikit-learn. Diagnostic only: nothing in the app is tuned on it.
"""
import argparse, os, shutil
import numpy as np
from scipy.stats import rankdata
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--topics", type=int, default=40)
    ap.add_argument("--a", type=float, default=6.0, help="utility scale")
    ap.add_argument("--b", type=float, default=2.2, help="utility offset")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    news = [l.rstrip("\n").split("\t") for l in open(os.path.join(args.src, "news.tsv"))]
    ids = [n[0] for n in news]
    slot = {n: i for i, n in enumerate(ids)}
    sources = sorted({n[1] for n in news})
    src = np.array([sources.index(n[1]) for n in news])
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2)
    X = tfidf.fit_transform([n[3] + " " + n[4] for n in news])
    topic = KMeans(args.topics, n_init=4, random_state=0).fit_predict(X)
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(args.src, "behaviors.tsv"))]
    prefs = {}
    for u in sorted({r[1] for r in rows}):
        liked = set(rng.choice(args.topics, 3, replace=False).tolist())
        disliked = rng.choice([t for t in range(args.topics) if t not in liked])
        prefs[u] = (liked, disliked, rng.integers(len(sources)))

    def utility(u, i):
        liked, disliked, source = prefs[u]
        return 1.6 * (topic[i] in liked) + 0.8 * (src[i] == source) - 1.6 * (topic[i] == disliked)

    history, out, aucs, labels = {}, [], [], []
    for r in rows:
        u = r[1]
        if u not in history:
            liked_items = [i for i in range(len(ids)) if utility(u, i) >= 1.6]
            history[u] = [ids[i] for i in rng.choice(liked_items, 5, replace=False)]
        cands = [x.rsplit("-", 1)[0] for x in r[4].split()]
        util = np.array([utility(u, slot[n]) for n in cands])
        exam = 1 / np.log2(np.arange(len(cands)) + 2)
        p = exam / (1 + np.exp(-(args.a * util - args.b)))
        y = (rng.random(len(cands)) < p).astype(int)
        labels.extend(y.tolist())
        out.append("\t".join([r[0], u, r[2], " ".join(history[u]),
                              " ".join(f"{n}-{l}" for n, l in zip(cands, y))]))
        if 0 < y.sum() < len(y):
            rank, pos = rankdata(util), y.sum()
            aucs.append((rank[y == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos)))
        history[u] = history[u] + [n for n, l in zip(cands, y) if l]
    os.makedirs(args.dst, exist_ok=True)
    with open(os.path.join(args.dst, "behaviors.tsv"), "w") as f:
        f.write("\n".join(out) + "\n")
    shutil.copy(os.path.join(args.src, "news.tsv"), os.path.join(args.dst, "news.tsv"))
    print(f"click rate {np.mean(labels):.4f}, true-preference AUC (ceiling) {np.mean(aucs):.4f}")


if __name__ == "__main__":
    main()
