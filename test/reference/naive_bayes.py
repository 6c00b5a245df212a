#!/usr/bin/python3
"""Reference values for Gaussian naive Bayes: scikit-learn's
GaussianNB() (var_smoothing=1e-9) on data/iris.csv, all 150 rows, the
four measurements, classes setosa < versicolor < virginica.

sklearn's var_ is the per-class variance with denominator n_k (not
n_k - 1) plus epsilon = var_smoothing * (largest variance of any feature
over all rows, also with denominator n); priors are class frequencies.
Printed: the priors, theta (means), var (epsilon included), epsilon, and
predict_proba and predict_log_proba for every row (1.. in file order) and
class.  Some probabilities are subnormal (the smallest is 1.5e-312):
compare those through log_probability or with an
absolute tolerance.  theta and
var are checked against numpy to 1e-14.

Rerun from the repository root:
  /usr/bin/python3 test/reference/naive_bayes.py > test/reference/naive_bayes.out
"""
import numpy as np
import sklearn
from sklearn.naive_bayes import GaussianNB

from refutil import load, section

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
X, y = load("iris", FEATURES, "species")
m = GaussianNB().fit(X, y)
classes = list(m.classes_)
eps = 1e-9 * np.var(X, axis=0).max()
assert m.epsilon_ == eps
for k, c in enumerate(classes):
    Xk = X[np.array(y) == c]
    assert np.allclose(m.theta_[k], Xk.mean(0), rtol=1e-14, atol=0)
    assert np.allclose(m.var_[k], Xk.var(0) + eps, rtol=1e-14, atol=0)
P = m.predict_proba(X)
L = m.predict_log_proba(X)
section("sk_gnb_class", ["class", "prior"], zip(classes, m.class_prior_))
section("sk_gnb_param", ["class", "feature", "theta", "var"],
        [(c, f, m.theta_[k, j], m.var_[k, j])
         for k, c in enumerate(classes) for j, f in enumerate(FEATURES)])
section("sk_gnb_prob", ["row", "class", "probability", "log_probability"],
        [(i + 1, c, P[i, k], L[i, k])
         for i in range(len(y)) for k, c in enumerate(classes)])
print("-- epsilon %.17g; accuracy %.17g; smallest probability %.3g"
      % (m.epsilon_, np.mean(m.predict(X) == np.array(y)), P.min()))
print("-- scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__))
