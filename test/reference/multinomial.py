#!/usr/bin/python3
"""Reference values for multinomial logistic regression (unpenalised):
data/wine.csv, all 178 rows, cultivar ~ alcohol + malic_acid + ash (the
first three columns), classes class_0 < class_1 < class_2.

Coefficients are reported against the reference class class_0 (the
first in sorted order, as nnet::multinom does): terms
'<class>:(Intercept)' and '<class>:<feature>' for class_1 and class_2,
so P(class k | x) = exp(eta_k) / (1 + sum_j exp(eta_j)), eta_k =
b_k + x . w_k.  The values are the exact maximum-likelihood estimate,
computed here by Newton's method with the exact Hessian of the
log-likelihood (numpy, until the step is below 1e-13 relative: at
quadratic convergence the next would be below rounding); the
standard errors are the square roots of the diagonal of the inverse of
that Hessian at the optimum (Wald), z = estimate / std_error and the
two-sided normal p value.  Probabilities are per row (1.. in file order)
and class.

The optimum is finite: separation_check.py finds no separating direction
for these data, Newton converges quadratically, the coefficients are
moderate; the comments print iterations, gradient and condition numbers.
Cross-check: scikit-learn LogisticRegression(penalty=None,
multi_class='multinomial', tol=1e-12, max_iter=10000) (lbfgs), whose
coefficient differences to class_0 must agree to 1e-2 relative: lbfgs
stops far short of Newton's accuracy (1.3e-3 relative, printed below;
newton-cg and sag do no better here).  R's nnet 7.3-18
multinom(cultivar ~ alcohol + malic_acid + ash, reltol = 1e-16,
maxit = 10000, Hess = TRUE) agrees with these estimates to 2e-8
relative and with the standard errors to 1e-7: a fair reference only to
about 1e-7.

Rerun from the repository root:
  /usr/bin/python3 test/reference/multinomial.py > test/reference/multinomial.out
"""
import warnings

import numpy as np
import sklearn
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression

from refutil import load, section

FEATURES = ["alcohol", "malic_acid", "ash"]
X, label = load("wine", FEATURES, "cultivar")
classes = sorted(set(label))
K, (n, p) = len(classes), X.shape
q = p + 1
Z = np.column_stack([np.ones(n), X])
Y = np.array([[v == c for c in classes] for v in label], float)


def probabilities(B):
    eta = np.column_stack([np.zeros(n), Z @ B.T])
    eta -= eta.max(1, keepdims=True)
    P = np.exp(eta)
    return P / P.sum(1, keepdims=True)


def gradient_hessian(B):
    """Gradient and negative Hessian of the log-likelihood in the
    (K-1)*q free coefficients, class-major."""
    P = probabilities(B)
    g = ((Y - P)[:, 1:].T @ Z).ravel()
    H = np.zeros(((K - 1) * q, (K - 1) * q))
    for a in range(1, K):
        for b in range(1, K):
            w = P[:, a] * ((a == b) - P[:, b])
            H[(a - 1) * q:a * q, (b - 1) * q:b * q] = (Z * w[:, None]).T @ Z
    return g, H


B = np.zeros((K - 1, q))
for iterations in range(1, 101):
    g, H = gradient_hessian(B)
    step = np.linalg.solve(H, g).reshape(K - 1, q)
    B += step
    if np.max(np.abs(step) / (1 + np.abs(B))) < 1e-13:
        break
g, H = gradient_hessian(B)
P = probabilities(B)
se = np.sqrt(np.diag(np.linalg.inv(H))).reshape(K - 1, q)
z = B / se

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    sk = LogisticRegression(penalty=None, multi_class="multinomial",
                            tol=1e-12, max_iter=10000).fit(X, label)
assert list(sk.classes_) == classes
W = np.column_stack([sk.intercept_, sk.coef_])
skB = W[1:] - W[0]
skrel = np.max(np.abs(skB - B) / np.abs(B))
assert skrel < 1e-2, skrel

terms = ["(Intercept)"] + FEATURES
section("multinom_coef", ["term", "estimate", "std_error", "z_value",
                          "p_value"],
        [("%s:%s" % (classes[k + 1], t), B[k, j], se[k, j], z[k, j],
          2 * norm.sf(abs(z[k, j])))
         for k in range(K - 1) for j, t in enumerate(terms)])
section("multinom_prob", ["row", "class", "probability"],
        [(i + 1, c, P[i, k]) for i in range(n) for k, c in enumerate(classes)])
d = 1 / np.sqrt(np.diag(H))
loglik = np.sum(Y * np.log(P))
print("-- Newton: %d iterations, max |gradient| %.2g, max |coef| %.3g, "
      "cond(Hessian) %.3g (%.3g with unit diagonal)"
      % (iterations, np.max(np.abs(g)), np.max(np.abs(B)), np.linalg.cond(H),
         np.linalg.cond(H * np.outer(d, d))))
print("-- log-likelihood %.17g, deviance %.17g, fitted P in [%.3g, %.3g], "
      "accuracy %.17g"
      % (loglik, -2 * loglik, P.min(), P.max(),
         np.mean(P.argmax(1) == Y.argmax(1))))
print("-- sklearn lbfgs: %d iterations, coefficients (minus class_0's) off "
      "Newton's by %.2g relative at most" % (sk.n_iter_[0], skrel))
print("-- scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__))
