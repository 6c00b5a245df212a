#!/usr/bin/python3
"""Reference predictions of Debian's python3-xgboost (the library mlops
loads, libxgboost.so.0) for the random_forest family and for NULL
features passed to XGBoost as missing values, trained on every row of a
shipped dataset in file order, with the hyperparameters mlops.train is
given in test/sql/algo_random_forest.sql.

Random forests through the scikit-learn interface's XGBRFRegressor and
XGBRFClassifier (their defaults: one round of n_estimators parallel
trees, learning_rate 1, subsample 0.8, colsample_bynode 0.8,
reg_lambda 1e-5):

  rf_reg    data/diabetes.csv, progression ~ the ten features:
            n_estimators 20, max_depth 4, random_state 5
  rf_bin    data/breast_cancer.csv, diagnosis (benign = 0, malignant = 1)
            ~ the 30 features: n_estimators 15, max_depth 5, random_state 1
  rf_multi  data/iris.csv, species ~ the four measurements:
            n_estimators 10, max_depth 3, random_state 2

Missing values: the same data with the value of row i (1-based, file
order), feature j (0-based) blanked (NaN here, NULL in SQL) wherever
(7 i + 3 j) % 11 = 0, about one value in eleven; trained and predicted
with those NaNs, so XGBoost learns each split's default direction:

  na_reg    diabetes, xgb.train reg:squarederror, 25 rounds, max_depth 3,
            eta 0.3, seed 0
  na_bin    breast cancer, xgb.train binary:logistic, 10 rounds,
            max_depth 3, eta 0.3, seed 0

Feature importance (Booster.get_score, each importance_type) of na_reg
and rf_multi: imp_na_reg, imp_rf_multi, for the features some tree
splits on.

Every other parameter is XGBoost's default (tree_method auto: exact on
one machine for data this small); nthread 1.  Printed for every row:
the prediction or the probability of each class, 17 significant digits.

Rerun from the repository root:
  /usr/bin/python3 test/reference/random_forest.py > test/reference/random_forest.out
"""
import numpy as np
import xgboost as xgb

from refutil import header, load, section

print("-- xgboost %s" % xgb.__version__)
print()


def blank(X):
    X = X.copy()
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if (7 * (i + 1) + 3 * j) % 11 == 0:
                X[i, j] = np.nan
    return X


diabetes = header("diabetes")[:-1]
Xd, yd = load("diabetes", diabetes, "progression")
yd = np.array([float(v) for v in yd])
bcnames = header("breast_cancer")[:-1]
Xb, lab = load("breast_cancer", bcnames, "diagnosis")
yb = np.array([1 if v == "malignant" else 0 for v in lab])
irisnames = header("iris")[:-1]
Xi, labi = load("iris", irisnames, "species")
classes = sorted(set(labi))
yi = np.array([classes.index(v) for v in labi])

m = xgb.XGBRFRegressor(n_estimators=20, max_depth=4, random_state=5, n_jobs=1)
p = m.fit(Xd, yd).predict(Xd)
section("rf_reg", ["row", "prediction"], [(i + 1, v) for i, v in enumerate(p)])

m = xgb.XGBRFClassifier(n_estimators=15, max_depth=5, random_state=1, n_jobs=1)
P = m.fit(Xb, yb).predict_proba(Xb)
section("rf_bin", ["row", "p_malignant"], [(i + 1, P[i, 1]) for i in range(len(yb))])

m = xgb.XGBRFClassifier(n_estimators=10, max_depth=3, random_state=2, n_jobs=1)
P = m.fit(Xi, yi).predict_proba(Xi)
rf_multi = m.get_booster()
section("rf_multi", ["row", "class", "probability"],
        [(i + 1, c, P[i, k]) for i in range(len(yi)) for k, c in enumerate(classes)])


def fit(X, y, params, rounds):
    params = dict(params, nthread=1, verbosity=1)
    return xgb.train(params, xgb.DMatrix(X, label=y), rounds)


Xdn = blank(Xd)
b = fit(Xdn, yd, {"objective": "reg:squarederror", "max_depth": 3, "eta": 0.3,
                  "seed": 0}, 25)
p = b.predict(xgb.DMatrix(Xdn))
section("na_reg", ["row", "prediction"], [(i + 1, v) for i, v in enumerate(p)])
na_reg = b

Xbn = blank(Xb)
b = fit(Xbn, yb.astype(float), {"objective": "binary:logistic", "max_depth": 3,
                                "eta": 0.3, "seed": 0}, 10)
p = b.predict(xgb.DMatrix(Xbn))
section("na_bin", ["row", "p_malignant"], [(i + 1, v) for i, v in enumerate(p)])


def importance(name, booster, features):
    kinds = ["weight", "gain", "total_gain", "cover", "total_cover"]
    score = {k: booster.get_score(importance_type=k) for k in kinds}
    section(name, ["feature"] + kinds,
            [(features[int(f[1:])],) + tuple(score[k][f] for k in kinds)
             for f in sorted(score["weight"], key=lambda f: int(f[1:]))])


importance("imp_na_reg", na_reg, diabetes)
importance("imp_rf_multi", rf_multi, irisnames)
