#!/usr/bin/python3
# Does a start refined on a sample converge faster on the whole table?
# Lloyd's algorithm (scikit-learn's tol rule: squared centre shift at most
# 1e-4 times the mean feature variance) on 1,000,000 x 20 uniform rows,
# the shape of the bench table, k = 8: each start first runs to
# convergence on 10,000 sampled rows, then on every row from there.
# Needs python3-numpy (Debian); about 2 minutes per start.
#   /usr/bin/python3 bench/kmeans_uniform.py
import time

import numpy as np

rng = np.random.default_rng(0)
n, p, k = 1000000, 20, 8
X = rng.uniform(-1, 1, (n, p))
tol = 1e-4 * X.var(axis=0).mean()


def lloyd(X, C, maxit=300):
    for it in range(1, maxit + 1):
        d = (X ** 2).sum(1)[:, None] - 2 * X @ C.T + (C ** 2).sum(1)[None, :]
        a = d.argmin(1)
        Cn = np.array([X[a == c].mean(0) if (a == c).any() else C[c] for c in range(k)])
        shift = ((Cn - C) ** 2).sum()
        C = Cn
        if shift <= tol:
            return C, it
    return C, maxit


S = X[rng.choice(n, 10000, replace=False)]
for start in range(2):
    C0 = S[rng.choice(len(S), k, replace=False)]
    Cs, its = lloyd(S, C0)
    t = time.time()
    Cf, itf = lloyd(X, Cs)
    print(f"start {start}: {its} iterations on the sample, then {itf} on every row "
          f"({time.time() - t:.0f} s)")
