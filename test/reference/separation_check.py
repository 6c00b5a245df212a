#!/usr/bin/python3
"""Evidence for which classification datasets have a finite maximum-
likelihood estimate (logistic and multinomial logistic regression).

By Albert & Anderson (1984) the MLE exists (X of full rank) if and only if
the classes overlap: there is no direction D = (d_1 .. d_K), one
coefficient vector per class over (1, x), with (d_{y_i} - d_k) . (1, x_i)
>= 0 for every row i and every other class k and > 0 for at least one.
This script solves the linear programme
    maximise  sum_i sum_{k != y_i} (d_{y_i} - d_k) . (1, x_i)
    subject to those inequalities and -1 <= D <= 1
with scipy's HiGHS: the optimum is 0 (up to rounding) when the classes
overlap and positive when a (quasi-)separating direction exists.

Rerun from the repository root:
  /usr/bin/python3 test/reference/separation_check.py > test/reference/separation_check.out
"""
import numpy as np
import scipy
from scipy.optimize import linprog

from refutil import load

IRIS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
CASES = [
    # name, dataset, features, label, keep rows with these labels (None: all)
    ("breast_cancer (logistic_binary.R)", "breast_cancer",
     ["mean_texture", "mean_smoothness", "mean_symmetry",
      "mean_fractal_dimension"], "diagnosis", None),
    ("iris versicolor/virginica (logistic_binary.R)", "iris", IRIS,
     "species", ("versicolor", "virginica")),
    ("wine alcohol+malic_acid+ash (multinomial.py)", "wine",
     ["alcohol", "malic_acid", "ash"], "cultivar", None),
    ("iris sepal_length+sepal_width, 3 classes", "iris", IRIS[:2],
     "species", None),
    ("iris all four, 3 classes", "iris", IRIS, "species", None),
    ("iris setosa/versicolor, all four", "iris", IRIS, "species",
     ("setosa", "versicolor")),
    ("data/separated.csv", "separated", ["x"], "y", None),
    ("data/quasi_separated.csv", "quasi_separated", ["x"], "y", None),
]


def separation(X, y):
    classes = sorted(set(y))
    K, (n, p) = len(classes), X.shape
    q = p + 1
    Z = np.column_stack([np.ones(n), X])
    rows = []
    for i, label in enumerate(y):
        c = classes.index(label)
        for k in range(K):
            if k != c:
                r = np.zeros(K * q)
                r[c * q:(c + 1) * q] = Z[i]
                r[k * q:(k + 1) * q] -= Z[i]
                rows.append(r)
    A = np.array(rows)
    res = linprog(-A.sum(0), A_ub=-A, b_ub=np.zeros(len(A)),
                  bounds=[(-1, 1)] * (K * q), method="highs")
    assert res.status == 0, res.message
    return -res.fun, A.shape[0]


for name, data, features, label, keep in CASES:
    X, y = load(data, features, label)
    if keep is not None:
        m = np.array([v in keep for v in y])
        X, y = X[m], [v for v in y if v in keep]
    value, _ = separation(X, y)
    print("-- %-48s %4d rows  LP optimum %10.3g  %s" % (
        name, len(y), value,
        "separable: no finite MLE" if value > 1e-6 else "overlap: finite MLE"))
print("-- scipy %s, numpy %s" % (scipy.__version__, np.__version__))
