#!/usr/bin/python3
"""Reference values for test/sql/reference.sql: ridge regression on
data/diabetes.csv with scikit-learn's Ridge (alpha * |w|^2 on the
coefficients, intercept not penalised), for alpha = 10 and 1000.

Prints SQL VALUES rows (alpha, term, estimate) with 17 significant digits.
The SVD solver and the Cholesky solver are both run; they must agree to
1e-11 relative, so the reference itself is known far better than the 1e-8
the test asks for.

Rerun from the repository root:  /usr/bin/python3 test/reference/diabetes_ridge.py
and paste its output over the VALUES list of sk_ridge in reference.sql.
"""
import numpy as np
import sklearn
from sklearn.linear_model import Ridge

data = np.genfromtxt("data/diabetes.csv", delimiter=",", names=True)
names = list(data.dtype.names)
features = names[:-1]
X = np.column_stack([data[f] for f in features])
y = data[names[-1]]

rows = []
for alpha in (10, 1000):
    svd = Ridge(alpha=alpha, solver="svd").fit(X, y)
    chol = Ridge(alpha=alpha, solver="cholesky").fit(X, y)
    a = np.r_[svd.intercept_, svd.coef_]
    b = np.r_[chol.intercept_, chol.coef_]
    assert np.all(np.abs(a - b) <= 1e-11 * np.abs(a)), (alpha, a, b)
    for term, v in zip(["(Intercept)"] + features, a):
        rows.append("(%d, '%s', %.17g)" % (alpha, term, v))
print(",\n".join(rows))
print("-- scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__))
