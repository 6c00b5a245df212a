#!/usr/bin/python3
"""Reference values for L2-penalised binary logistic regression:
scikit-learn's LogisticRegression(penalty='l2', C=1/alpha, tol=1e-12,
max_iter=10000, solver='newton-cholesky') on the breast_cancer case of logistic_binary.R
(diagnosis ~ mean_texture + mean_smoothness + mean_symmetry +
mean_fractal_dimension, all 569 rows, positive class 'malignant'), for
alpha = 1 and 10.

sklearn minimises C * sum_i loss_i + 1/2 |w|^2 with the intercept not
penalised; divided by C that is  sum_i loss_i + (alpha/2) |w|^2,
loss_i = log(1 + exp(-s_i (b + x_i . w))), s_i = +-1: the SUM of the
losses, not their mean, and features unscaled.

The sklearn fit is checked against Newton's method on the same objective
(numpy, run until the step is below 1e-15): they must agree to 1e-10
relative, and the printed values are numpy Newton's (the exact optimum to
rounding); the comment lines give the differences and the gradient.

Not the default solver: lbfgs, even with tol=1e-12, stops after ~25
iterations (its ftol test, not the gradient) on these unscaled features
and is wrong by a factor of 13 in the mean_fractal_dimension coefficient
at alpha = 1 (4e-3 relative at alpha = 10); the comments print that too.

Rerun from the repository root:
  /usr/bin/python3 test/reference/logistic_l2.py > test/reference/logistic_l2.out
"""
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

from refutil import load, section

FEATURES = ["mean_texture", "mean_smoothness", "mean_symmetry",
            "mean_fractal_dimension"]
X, label = load("breast_cancer", FEATURES, "diagnosis")
y = np.array([v == "malignant" for v in label], float)
Z = np.column_stack([np.ones(len(y)), X])


def newton(alpha):
    beta = np.zeros(Z.shape[1])
    pen = np.full(Z.shape[1], alpha)
    pen[0] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-(Z @ beta)))
        g = Z.T @ (y - p) - pen * beta
        H = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(pen)
        step = np.linalg.solve(H, g)
        beta += step
        if np.max(np.abs(step) / (1 + np.abs(beta))) < 1e-15:
            break
    p = 1 / (1 + np.exp(-(Z @ beta)))
    return beta, Z.T @ (y - p) - pen * beta


rows, notes = [], []
for alpha in (1, 10):
    fits = {s: LogisticRegression(penalty="l2", C=1 / alpha, tol=1e-12,
                                  max_iter=10000, solver=s).fit(X, label)
            for s in ("newton-cholesky", "lbfgs")}
    m = fits["newton-cholesky"]
    assert list(m.classes_) == ["benign", "malignant"]
    sk = np.r_[m.intercept_, m.coef_.ravel()]
    nt, grad = newton(alpha)
    rel = np.max(np.abs(sk - nt) / np.abs(nt))
    assert rel < 1e-10, (alpha, sk, nt)
    lb = fits["lbfgs"]
    lbrel = np.max(np.abs(np.r_[lb.intercept_, lb.coef_.ravel()] - nt)
                   / np.abs(nt))
    notes.append("-- alpha %d: newton-cholesky %d iterations, max relative "
                 "difference to numpy Newton %.2g (gradient max |g| %.2g); "
                 "lbfgs stopped after %d iterations, off by %.2g relative"
                 % (alpha, m.n_iter_[0], rel, np.max(np.abs(grad)),
                    lb.n_iter_[0], lbrel))
    for term, v in zip(["(Intercept)"] + FEATURES, nt):
        rows.append((alpha, term, v))
section("sk_logistic_l2", ["alpha", "term", "estimate"], rows)
print("\n".join(notes))
print("-- scikit-learn %s, numpy %s, solver newton-cholesky checked against numpy Newton"
      % (sklearn.__version__, np.__version__))
