#!/usr/bin/python3
"""scikit-learn's KMeans(n_clusters=3, n_init=50, random_state=1) on the
data sets of kmeans.R (iris and wine, unscaled and scaled as R's scale()
does, sd with denominator n - 1), for comparison with R's kmeans: the
inertia (= R's tot.withinss), the silhouette and the sorted centres, and the largest
relative difference to R's numbers in test/reference/kmeans.out (run
kmeans.R first).  Both are local searches; agreement says both found the
same best partition, not that it is the global optimum.

Rerun from the repository root:
  /usr/bin/python3 test/reference/kmeans_sklearn.py > test/reference/kmeans_sklearn.out
"""
import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from refutil import header, load, read_out, section

wine = load("wine", header("wine")[:13])
iris = load("iris", header("iris")[:4])
sets = {"iris": iris,
        "iris_scaled": (iris - iris.mean(0)) / iris.std(0, ddof=1),
        "wine": wine,
        "wine_scaled": (wine - wine.mean(0)) / wine.std(0, ddof=1)}
r_fit = {r[0]: r[2] for r in read_out("test/reference/kmeans.out",
                                      "r_kmeans_fit") if r[1] == "Lloyd"}
r_centre = {(r[0], r[2], r[4]): r[5] for r in
            read_out("test/reference/kmeans.out", "r_kmeans_centre")
            if r[1] == "Lloyd"}
fit_rows, centre_rows, notes = [], [], []
for name, X in sets.items():
    km = KMeans(n_clusters=3, n_init=50, random_state=1).fit(X)
    order = np.argsort(km.cluster_centers_[:, 0])
    sizes = np.bincount(km.labels_, minlength=3)
    fit_rows.append((name, km.inertia_, silhouette_score(X, km.labels_)))
    worst = 0.0
    names = header("iris")[:4] if name.startswith("iris") else header("wine")[:13]
    for j, k in enumerate(order):
        for f, v in zip(names, km.cluster_centers_[k]):
            centre_rows.append((name, j + 1, int(sizes[k]), f, v))
            rv = r_centre[(name, j + 1, f)]
            worst = max(worst, abs(v - rv) / abs(rv))
    notes.append("-- %s: inertia differs from R's tot.withinss by %.2g "
                 "relative, centres by %.2g at most"
                 % (name, abs(km.inertia_ - r_fit[name]) / r_fit[name], worst))
section("sk_kmeans_fit", ["dataset", "inertia", "silhouette"], fit_rows)
section("sk_kmeans_centre", ["dataset", "cluster", "size", "feature",
                             "centre"], centre_rows)
print("\n".join(notes))
print("-- scikit-learn %s, numpy %s, KMeans(n_clusters=3, n_init=50, "
      "random_state=1), algorithm lloyd" % (sklearn.__version__,
                                            np.__version__))
