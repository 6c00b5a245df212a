#!/usr/bin/python3
"""scikit-learn's PCA() (full SVD) on the data sets of pca.R, compared
with R's prcomp numbers in test/reference/pca.out (run pca.R first):
explained_variance_ (denominator n - 1, as prcomp's sdev^2),
explained_variance_ratio_ and components_ (sign-normalised as pca.R
does).  For scale. = TRUE the columns are divided by their sd with
denominator n - 1, as R's scale() does (sklearn's StandardScaler would
use n, which changes the variances by n/(n-1) but not the ratios or the
loadings).  Prints the largest absolute difference of each; they must be
below 1e-10.

Rerun from the repository root:
  /usr/bin/python3 test/reference/pca_sklearn.py > test/reference/pca_sklearn.out
"""
import numpy as np
import sklearn
from sklearn.decomposition import PCA

from refutil import header, load, read_out

sets = {"iris": header("iris")[:4], "diabetes": header("diabetes")[:10]}
out = "test/reference/pca.out"
r_var = read_out(out, "r_pca_variance")
r_rot = read_out(out, "r_pca_rotation")
for name, features in sets.items():
    X = load(name, features)
    for scaled in (False, True):
        flag = "true" if scaled else "false"
        Xs = X / X.std(0, ddof=1) if scaled else X
        m = PCA(svd_solver="full").fit(Xs)
        C = m.components_ * np.sign(
            m.components_[np.arange(len(features)),
                          np.abs(m.components_).argmax(1)])[:, None]
        rv = [(r[3], r[4]) for r in r_var if r[0] == name and r[1] == flag]
        rc = {(r[2], r[3]): r[4] for r in r_rot
              if r[0] == name and r[1] == flag}
        dv = max(abs(a - b[0]) for a, b in zip(m.explained_variance_, rv))
        dr = max(abs(a - b[1])
                 for a, b in zip(m.explained_variance_ratio_, rv))
        dc = max(abs(C[j, i] - rc[(j + 1, f)])
                 for j in range(len(features))
                 for i, f in enumerate(features))
        rel = max(abs(a - b[0]) / b[0]
                  for a, b in zip(m.explained_variance_, rv))
        assert max(dv, dr, dc) < 1e-10, (name, scaled, dv, dr, dc)
        print("-- %-8s scale.=%-5s max |difference| explained_variance %.2g "
              "(relative %.2g), ratio %.2g, loadings %.2g"
              % (name, scaled, dv, rel, dr, dc))
print("-- scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__))
