#!/usr/bin/python3
"""Reference values for the elastic net and the lasso: scikit-learn's
ElasticNet(alpha, l1_ratio, tol=1e-14, max_iter=10**6) and
Lasso(alpha, tol=1e-14, max_iter=10**6) on data/diabetes.csv (442 rows,
target progression, the 10 features unscaled, intercept fitted).

sklearn minimises
    1/(2n) |y - X w - b|^2 + alpha * rho * |w|_1 + alpha * (1 - rho)/2 * |w|^2
with rho = l1_ratio and the intercept b not penalised.  On unscaled
features small alphas leave every coefficient nonzero; (10, 1) and
(100, 0.5) zero four of them.

Each fit is checked against the exact optimum: given the set A of
nonzero coefficients and their signs s, the optimality conditions are
linear,  (Xc_A'Xc_A/n + alpha(1-rho) I) w_A = Xc_A'yc/n - alpha*rho*s
(Xc, yc centred), b = mean(y) - mean(X) w; that solution must keep the
signs s, the zero coefficients must satisfy |Xc_j'r/n| < alpha*rho, and
sklearn must agree with it to 1e-11 relative.  Lasso(alpha) is
ElasticNet(alpha, l1_ratio=1); both are printed and must agree to 1e-11.

Rerun from the repository root:
  /usr/bin/python3 test/reference/elastic_net.py > test/reference/elastic_net.out
"""
import numpy as np
import sklearn
from sklearn.linear_model import ElasticNet, Lasso

from refutil import header, load, section

FEATURES = header("diabetes")[:-1]
X = load("diabetes", FEATURES)
y = load("diabetes", ["progression"])[:, 0]
n = len(y)
CASES = [(0.1, 0.5), (1, 1), (0.01, 0.2), (10, 1), (100, 0.5)]


Xc, yc = X - X.mean(0), y - y.mean()


def exact(alpha, rho, w):
    """The optimum with w's active set and signs, and the smallest margin
    by which a zero coefficient satisfies its condition (inf if none)."""
    A = w != 0
    G = Xc[:, A].T @ Xc[:, A] / n + alpha * (1 - rho) * np.eye(A.sum())
    e = np.zeros_like(w)
    e[A] = np.linalg.solve(G, Xc[:, A].T @ yc / n - alpha * rho * np.sign(w[A]))
    assert np.all(np.sign(e) == np.sign(w))
    grad = Xc.T @ (yc - Xc @ e) / n
    margin = np.min(alpha * rho - np.abs(grad[~A]), initial=np.inf)
    assert margin > 0
    return y.mean() - X.mean(0) @ e, e, margin


def relerr(f, b, w):
    a = np.r_[b, w]
    return np.max(np.abs(np.r_[f.intercept_, f.coef_] - a)
                  / np.maximum(np.abs(a), 1e-300))


rows, notes = [], []
for alpha, rho in CASES:
    m = ElasticNet(alpha=alpha, l1_ratio=rho, tol=1e-14,
                   max_iter=10**6).fit(X, y)
    b, w, margin = exact(alpha, rho, m.coef_)
    d = relerr(m, b, w)
    assert d < 1e-11, (alpha, rho, d)
    notes.append("-- ElasticNet(alpha=%g, l1_ratio=%g): %d iterations, "
                 "%d nonzero coefficients, max relative difference to the "
                 "exact optimum %.2g, zero-coefficient margin %.3g"
                 % (alpha, rho, m.n_iter_, np.count_nonzero(m.coef_), d,
                    margin))
    fits = [("elasticnet", m)]
    if rho == 1:
        lasso = Lasso(alpha=alpha, tol=1e-14, max_iter=10**6).fit(X, y)
        assert relerr(lasso, b, w) < 1e-11
        fits.append(("lasso", lasso))
    for model, f in fits:
        for term, v in zip(["(Intercept)"] + FEATURES,
                           np.r_[f.intercept_, f.coef_]):
            rows.append((model, alpha, rho, term, float(v)))
section("sk_elastic_net", ["model", "alpha", "l1_ratio", "term", "estimate"],
        rows)
print("\n".join(notes))
print("-- scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__))
