#!/usr/bin/env python3
"""Asks whether any linear view of the text holds the readers' topics, given far more than one
desktop ever sees: every reader's labelled impressions at once, in hindsight. A projection W of
the items' tf-idf vectors to K dimensions is learned jointly with one preference vector and one
per-feed bias for each reader (logistic loss, a per-position bias so position is not mistaken for
taste, Adam, full batch); each fold of impressions (5, by impression) is then scored without
the position term by a model that never saw it. If the readers' topics were a direction of this
text, pooling 50 readers' ~27,000 training labels would find it.

    python3 tools/pooled_probe.py ../shared/eval/mind-bbc [--dims 8 20 40 80] [--l2 1e-3]

Needs numpy, scipy and scikit-learn. Diagnostic only: the app learns from one user, never pools.
Its figures are means of per-impression AUC, as mindscore.py computes them.
"""
import argparse

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from representation_probe import auc, load


def rows_of(users):
    """(impression, user, item, position, label) for every candidate of every impression."""
    out = []
    imp = 0
    for u, ims in enumerate(users.values()):
        for _, _, cand in ims:
            out += [(imp, u, x, pos, l) for pos, (x, l) in enumerate(cand)]
            imp += 1
    return np.array(out)


def fit(X, feed, n_feeds, R, n_users, k, l2, steps, seed):
    rng = np.random.default_rng(seed)
    params = {
        "W": rng.normal(0, 0.1, (X.shape[1], k)),
        "P": rng.normal(0, 0.1, (n_users, k)),
        "BU": np.zeros((n_users, n_feeds)),
        "BP": np.zeros(R[:, 3].max() + 1),
        "b0": np.array(-2.0),
    }
    m = {n: np.zeros_like(v) for n, v in params.items()}
    v2 = {n: np.zeros_like(v) for n, v in params.items()}
    u, i, p, y = R[:, 1], R[:, 2], R[:, 3], R[:, 4]
    c = feed[i]
    for t in range(1, steps + 1):
        W, P = params["W"], params["P"]
        E = X @ W
        z = params["b0"] + params["BP"][p] + params["BU"][u, c] + (P[u] * E[i]).sum(1)
        g = (1 / (1 + np.exp(-z)) - y) / len(y)
        dE = np.zeros_like(E)
        np.add.at(dE, i, g[:, None] * P[u])
        dP = np.zeros_like(P)
        np.add.at(dP, u, g[:, None] * E[i])
        dBU = np.zeros_like(params["BU"])
        np.add.at(dBU, (u, c), g)
        dBP = np.zeros_like(params["BP"])
        np.add.at(dBP, p, g)
        grads = {
            "W": X.T @ dE + 2 * l2 * W,
            "P": dP + 2 * l2 * 0.01 * P,
            "BU": dBU,
            "BP": dBP,
            "b0": np.array(g.sum()),
        }
        for n in params:  # Adam, lr 0.01
            m[n] = 0.9 * m[n] + 0.1 * grads[n]
            v2[n] = 0.999 * v2[n] + 0.001 * grads[n] ** 2
            params[n] = params[n] - 0.01 * (m[n] / (1 - 0.9**t)) / (np.sqrt(v2[n] / (1 - 0.999**t)) + 1e-8)
    return params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mind")
    ap.add_argument("--dims", type=int, nargs="+", default=[8, 20, 40, 80])
    ap.add_argument("--l2", type=float, nargs="+", default=[1e-3])
    ap.add_argument("--steps", type=int, default=300)
    a = ap.parse_args()
    texts, feed, n_feeds, users = load(a.mind)
    X = TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english").fit_transform(texts).tocsr()
    R = rows_of(users)
    fold = np.random.default_rng(0).integers(0, 5, size=R[:, 0].max() + 1)[R[:, 0]]
    print("| dims | L2 | pooled hindsight AUC |")
    print("| --- | --- | --- |")
    for k in a.dims:
        for l2 in a.l2:
            score = np.zeros(len(R))
            for f in range(5):
                te = fold == f
                prm = fit(X, feed, n_feeds, R[~te], len(users), k, l2, a.steps, seed=f)
                Rt = R[te]
                E = X @ prm["W"]
                score[te] = prm["BU"][Rt[:, 1], feed[Rt[:, 2]]] + (prm["P"][Rt[:, 1]] * E[Rt[:, 2]]).sum(1)
            aucs = [auc(score[R[:, 0] == j], R[R[:, 0] == j, 4]) for j in np.unique(R[:, 0])]
            print(f"| {k} | {l2:g} | {np.mean([x for x in aucs if x is not None]):.4f} |", flush=True)


if __name__ == "__main__":
    main()
