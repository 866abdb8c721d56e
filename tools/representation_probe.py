#!/usr/bin/env python3
"""Asks how much a text representation can tell about a MIND-format log's readers, apart from the
app's learning code: for each representation, (1) a progressive kNN ranker like the app's
(click rate among the remembered opens and skips nearest a candidate, kernel max(cos, 0)^p, plus
the feed's smoothed click rate; scored before it learns, as the protocol does) and (2) a per-user
L2 logistic regression trained in hindsight on the user's other impressions (5 folds by
impression), an upper bound for a linear reader model on that representation; (3) the kNN ranker
given the same hindsight, to tell what more data would buy from what the representation holds.

    python3 tools/representation_probe.py ../shared/eval/mind-bbc
    python3 tools/representation_probe.py ../shared/eval/mind-bbc --vectors minilm.npy

`--vectors` takes any (n_news, d) float array in news.tsv's order (a sentence encoder's output,
say) and probes it too. Needs numpy, scipy and scikit-learn. Diagnostic only: the app is not
tuned on it, and its figures are means of per-impression AUC as mindscore.py computes them.
"""
import argparse, collections, datetime
import numpy as np
from sklearn.decomposition import LatentDirichletAllocation, TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression


def load(d):
    rows = [l.rstrip("\n").split("\t") for l in open(f"{d}/news.tsv", encoding="utf-8")]
    idx = {r[0]: i for i, r in enumerate(rows)}
    cats = sorted({r[1] for r in rows})
    feed = np.array([cats.index(r[1]) for r in rows])
    texts = [r[3] + ". " + r[4] for r in rows]
    users = collections.defaultdict(list)
    for l in open(f"{d}/behaviors.tsv", encoding="utf-8"):
        f = l.rstrip("\n").split("\t")
        t = datetime.datetime.strptime(f[2], "%m/%d/%Y %I:%M:%S %p")
        hist = [idx[x] for x in f[3].split() if x in idx]
        cand = [(idx[c.rsplit("-", 1)[0]], int(c.rsplit("-", 1)[1])) for c in f[4].split()]
        users[f[1]].append((t, hist, cand))
    for u in users:
        users[u].sort(key=lambda x: x[0])
    return texts, feed, len(cats), users


def auc(s, y):
    s, y = np.asarray(s), np.asarray(y)
    p, n = s[y == 1], s[y == 0]
    if len(p) == 0 or len(n) == 0:
        return None
    return ((p[:, None] > n[None, :]).sum() + 0.5 * (p[:, None] == n[None, :]).sum()) / (len(p) * len(n))


def knn_progressive(E, feed, n_feeds, users, p, base=0.12, prior=2.0, feed_weight=0.5):
    E = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    out = []
    for ims in users.values():
        pos, neg = list(ims[0][1]), []
        shown, opened = np.zeros(n_feeds), np.zeros(n_feeds)
        for i in pos:
            shown[feed[i]] += 1
            opened[feed[i]] += 1
        for _, _, cand in ims:
            it = [x for x, _ in cand]
            y = [l for _, l in cand]

            def near(ids):
                return (np.clip(E[it] @ E[ids].T, 0, None) ** p).sum(1) if ids else np.zeros(len(it))

            kp, kn = near(pos), near(neg)
            r = (kp + prior * base) / (kp + kn + prior)
            f = feed[it]
            fr = (opened[f] + 2 * base) / (shown[f] + 2)
            s = np.log(r / (1 - r)) + feed_weight * np.log(fr / (1 - fr))
            a = auc(s, y)
            if a is not None:
                out.append(a)
            for x, l in cand:  # learn only after scoring
                (pos if l else neg).append(x)
                shown[feed[x]] += 1
                opened[feed[x]] += l
    return float(np.mean(out))


def knn_hindsight(E, feed, n_feeds, users, p, base=0.12, prior=2.0, feed_weight=0.5, folds=5):
    """The kNN ranker above, but remembering the user's other impressions (later ones too, 5 folds
    by impression) and the history: how far the same ranker gets with more of the user's data."""
    E = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    out = []
    for ims in users.values():
        for k in range(folds):
            train = [c for j, (_, _, cand) in enumerate(ims) if j % folds != k for c in cand]
            pos = list(ims[0][1]) + [x for x, l in train if l]
            neg = [x for x, l in train if not l]
            shown, opened = np.zeros(n_feeds), np.zeros(n_feeds)
            np.add.at(shown, feed[pos + neg], 1)
            np.add.at(opened, feed[pos], 1)
            for j, (_, _, cand) in enumerate(ims):
                if j % folds != k:
                    continue
                it = [x for x, _ in cand]
                kp = (np.clip(E[it] @ E[pos].T, 0, None) ** p).sum(1)
                kn = (np.clip(E[it] @ E[neg].T, 0, None) ** p).sum(1) if neg else np.zeros(len(it))
                r = (kp + prior * base) / (kp + kn + prior)
                f = feed[it]
                fr = (opened[f] + 2 * base) / (shown[f] + 2)
                a = auc(np.log(r / (1 - r)) + feed_weight * np.log(fr / (1 - fr)), [l for _, l in cand])
                if a is not None:
                    out.append(a)
    return float(np.mean(out))


def lr_hindsight(X, feed, n_feeds, users, C=3.0, folds=5):
    import scipy.sparse as sp

    X = sp.hstack([sp.csr_matrix(X), sp.csr_matrix(np.eye(n_feeds)[feed])]).tocsr()
    out = []
    for ims in users.values():
        for k in range(folds):
            train = [c for j, (_, _, cand) in enumerate(ims) if j % folds != k for c in cand]
            ids, labels = [x for x, _ in train], [l for _, l in train]
            if len(set(labels)) < 2:
                continue
            m = LogisticRegression(C=C, max_iter=2000, solver="liblinear").fit(X[ids], labels)
            for j, (_, _, cand) in enumerate(ims):
                if j % folds == k:
                    a = auc(m.decision_function(X[[x for x, _ in cand]]), [l for _, l in cand])
                    if a is not None:
                        out.append(a)
    return float(np.mean(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mind")
    ap.add_argument("--vectors", help="extra item vectors (.npy, news.tsv order) to probe")
    a = ap.parse_args()
    texts, feed, n_feeds, users = load(a.mind)
    words = TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english").fit_transform(texts)
    chars = TfidfVectorizer(sublinear_tf=True, min_df=2, analyzer="char_wb", ngram_range=(3, 5)).fit_transform(texts)
    counts = CountVectorizer(min_df=2, stop_words="english").fit_transform(texts)
    lda = LatentDirichletAllocation(20, random_state=0, max_iter=30).fit_transform(counts)
    none = np.zeros((len(texts), 1))
    probes = [
        ("none: the feed's click rate alone", none, none, 8),
        ("tf-idf words, LSA 24", TruncatedSVD(24, random_state=0).fit_transform(words), words, 8),
        ("tf-idf char 3-5-grams, LSA 24", TruncatedSVD(24, random_state=0).fit_transform(chars), chars, 8),
        ("LDA, 20 topics", np.sqrt(lda), lda, 4),
    ]
    if a.vectors:
        v = np.load(a.vectors)
        v = v - v.mean(0)  # sentence encoders share a large common direction
        v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        probes.append((f"--vectors {a.vectors}", v, v, 2))
    print("| representation | kNN, progressive AUC | kNN in hindsight AUC | LR in hindsight AUC |")
    print("| --- | --- | --- | --- |")
    for name, dense, full, p in probes:
        k = knn_progressive(dense, feed, n_feeds, users, p)
        kh = knn_hindsight(dense, feed, n_feeds, users, p)
        h = lr_hindsight(full, feed, n_feeds, users)
        print(f"| {name} | {k:.4f} | {kh:.4f} | {h:.4f} |", flush=True)


if __name__ == "__main__":
    main()
