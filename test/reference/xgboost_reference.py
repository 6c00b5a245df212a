#!/usr/bin/python3
"""Reference predictions of Debian's python3-xgboost (the library mlops
loads, libxgboost.so.0) for the xgboost family, trained on every row of a
shipped dataset in file order, with the hyperparameters mlops.train is
given in test/sql/algo_xgboost.sql:

  xgb_reg    data/diabetes.csv, progression ~ the ten features:
             reg:squarederror, n_estimators 30, max_depth 3, eta 0.2,
             subsample 0.8, colsample_bytree 0.9, seed 3
  xgb_bin    data/breast_cancer.csv, diagnosis (benign = class 0,
             malignant = 1, mlops's order) ~ the 30 features:
             binary:logistic, n_estimators 20, max_depth 4, eta 0.3
  xgb_multi  data/iris.csv, species (setosa, versicolor, virginica) ~ the
             four measurements: multi:softprob, n_estimators 15,
             max_depth 2, eta 0.5, min_child_weight 2, lambda 2

Every other parameter is XGBoost's default (tree_method auto, which is
exact on one machine for data this small); nthread 1.  Printed for every
row (1.. in file order): the prediction (regression) or the probability
of each class, with 17 significant digits.  mlops walks the trees in C;
its predictions must equal these to 1e-6.

Rerun from the repository root:
  /usr/bin/python3 test/reference/xgboost_reference.py > test/reference/xgboost_reference.out
"""
import numpy as np
import xgboost as xgb

from refutil import header, load, section

print("-- xgboost %s" % xgb.__version__)
print()


def fit(X, y, params, rounds):
    params = dict(params, nthread=1, verbosity=1)
    return xgb.train(params, xgb.DMatrix(X, label=y), rounds)


names = header("diabetes")[:-1]
X, y = load("diabetes", names, "progression")
y = np.array([float(v) for v in y])
b = fit(X, y, {"objective": "reg:squarederror", "max_depth": 3, "eta": 0.2,
               "subsample": 0.8, "colsample_bytree": 0.9, "seed": 3}, 30)
p = b.predict(xgb.DMatrix(X))
section("xgb_reg", ["row", "prediction"], [(i + 1, v) for i, v in enumerate(p)])

names = header("breast_cancer")[:-1]
X, lab = load("breast_cancer", names, "diagnosis")
y = np.array([1.0 if v == "malignant" else 0.0 for v in lab])
b = fit(X, y, {"objective": "binary:logistic", "max_depth": 4, "eta": 0.3,
               "seed": 0}, 20)
p = b.predict(xgb.DMatrix(X))
section("xgb_bin", ["row", "p_malignant"], [(i + 1, v) for i, v in enumerate(p)])

names = header("iris")[:-1]
X, lab = load("iris", names, "species")
classes = sorted(set(lab))
y = np.array([float(classes.index(v)) for v in lab])
b = fit(X, y, {"objective": "multi:softprob", "num_class": 3, "max_depth": 2,
               "eta": 0.5, "min_child_weight": 2, "lambda": 2, "seed": 0}, 15)
P = b.predict(xgb.DMatrix(X))
section("xgb_multi", ["row", "class", "probability"],
        [(i + 1, c, P[i, k]) for i in range(len(lab)) for k, c in enumerate(classes)])
