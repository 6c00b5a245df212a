#!/usr/bin/python3
"""Reference values for evaluation metrics: sklearn.metrics on R's fitted
values, read from the committed .out files (rerun those scripts first):

  binary      logistic_binary.out, both cases (breast_cancer: positive
              class 'malignant'; iris_vv: 'virginica'); the predicted class
              is the second one when p > 0.5, else the first (a tie at 0.5
              goes to the first class, as sklearn's predict does; no fitted
              p is exactly 0.5).
  multiclass  multinomial.out (wine, 3 classes); the predicted class is the
              argmax of the probabilities, ties to the first class.
  regression  diabetes_lm_fitted.out (lm on diabetes).
  ties        a hand-checkable table of 12 (y_true, y_score) pairs with
              tied scores, also across the classes: sklearn's roc_auc_score
              counts a tied positive/negative pair as 1/2 (checked here
              against that count), and roc_curve makes one point per
              distinct threshold (drop_intermediate=True then drops the
              point at 0.92, collinear with its neighbours).

Conventions of scikit-learn 1.2 worth knowing when comparing:
  * roc_curve's first threshold is max(y_score) + 1 (1.3 and later print
    inf), with fpr = tpr = 0 there; the default drop_intermediate=True
    drops collinear points, so both that and drop_intermediate=False are
    printed for the ties table, only the default for the fits.
  * log_loss clips probabilities to [eps, 1 - eps], eps = 2.2e-16 (the
    float64 machine epsilon, eps='auto'); none of these probabilities is
    below that.
  * precision/recall/f1 per class (average=None) in sorted class order;
    'macro' is the unweighted mean, 'weighted' weights by support;
    'binary' uses pos_label (binary case only).
  * roc_auc_score for several classes: multi_class='ovr', average macro
    and weighted.
  * mean_squared_error is the mean (denominator n); rmse is its sqrt;
    explained_variance_score = 1 - var(y - f) / var(y).

Rerun from the repository root:
  /usr/bin/python3 test/reference/metrics.py > test/reference/metrics.out
"""
import numpy as np
import sklearn
from sklearn import metrics as M

from refutil import load, read_out, section

metric_rows, confusion_rows, roc_rows = [], [], []


def add(case, metric, which, value):
    metric_rows.append((case, metric, which, float(value)))


def classification(case, y, pred, classes):
    add(case, "accuracy_score", "", M.accuracy_score(y, pred))
    add(case, "balanced_accuracy_score", "",
        M.balanced_accuracy_score(y, pred))
    for name, f in (("precision_score", M.precision_score),
                    ("recall_score", M.recall_score),
                    ("f1_score", M.f1_score)):
        for avg in ("macro", "weighted"):
            add(case, name, avg, f(y, pred, average=avg))
        for c, v in zip(classes, f(y, pred, average=None, labels=classes)):
            add(case, name, c, v)
        if len(classes) == 2:
            add(case, name, "binary, pos_label " + classes[1],
                f(y, pred, average="binary", pos_label=classes[1]))
    cm = M.confusion_matrix(y, pred, labels=classes)
    for i, a in enumerate(classes):
        for j, b in enumerate(classes):
            confusion_rows.append((case, a, b, int(cm[i, j])))


def roc(case, y01, score, drop=True):
    fpr, tpr, thr = M.roc_curve(y01, score, drop_intermediate=drop)
    for k, (t, a, b) in enumerate(zip(thr, fpr, tpr)):
        roc_rows.append((case, drop, k + 1, t, a, b))


# binary
glm = read_out("test/reference/logistic_binary.out", "r_glm_prob")
for case, data, label, keep in (
        ("breast_cancer", "breast_cancer", "diagnosis", None),
        ("iris_vv", "iris", "species", ("versicolor", "virginica"))):
    _, y = load(data, [], label)
    rows = [r for r in glm if r[0] == case]
    y = [y[r[1] - 1] for r in rows]
    p = np.array([r[2] for r in rows])
    classes = sorted(set(y))
    assert keep is None or classes == list(keep)
    assert not np.any(p == 0.5)
    pred = [classes[1] if v > 0.5 else classes[0] for v in p]
    classification(case, y, pred, classes)
    y01 = np.array([v == classes[1] for v in y])
    add(case, "roc_auc_score", "", M.roc_auc_score(y01, p))
    add(case, "log_loss", "", M.log_loss(y01, p))
    roc(case, y01, p)

# multiclass
_, y = load("wine", [], "cultivar")
classes = sorted(set(y))
prob = read_out("test/reference/multinomial.out", "multinom_prob")
P = np.array([[r[2] for r in prob if r[0] == i + 1] for i in range(len(y))])
assert [r[1] for r in prob[:3]] == classes
pred = [classes[k] for k in P.argmax(1)]
classification("wine", y, pred, classes)
for avg in ("macro", "weighted"):
    add("wine", "roc_auc_score", "ovr " + avg,
        M.roc_auc_score(y, P, multi_class="ovr", average=avg, labels=classes))
add("wine", "log_loss", "", M.log_loss(y, P, labels=classes))

# regression
lm = read_out("test/reference/diabetes_lm_fitted.out", "r_lm_fitted")
yt = np.array([r[1] for r in lm], float)
f = np.array([r[2] for r in lm])
add("diabetes_lm", "r2_score", "", M.r2_score(yt, f))
mse = M.mean_squared_error(yt, f)
add("diabetes_lm", "mean_squared_error", "", mse)
add("diabetes_lm", "root_mean_squared_error", "sqrt(mse)", np.sqrt(mse))
add("diabetes_lm", "mean_absolute_error", "", M.mean_absolute_error(yt, f))
add("diabetes_lm", "explained_variance_score", "",
    M.explained_variance_score(yt, f))

# ties
TIES = [(0, 0.1), (0, 0.4), (1, 0.35), (1, 0.8), (0, 0.4),
        (1, 0.4), (1, 0.9), (0, 0.1), (1, 0.1), (0, 0.8), (1, 0.95),
        (1, 0.92)]
ty = np.array([a for a, _ in TIES])
ts = np.array([b for _, b in TIES])
pos, neg = ts[ty == 1], ts[ty == 0]
hand = np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg])
auc = M.roc_auc_score(ty, ts)
assert abs(auc - hand) < 1e-15, (auc, hand)
add("ties", "roc_auc_score", "", auc)
add("ties", "log_loss", "", M.log_loss(ty, ts))
roc("ties", ty, ts, drop=False)
roc("ties", ty, ts, drop=True)

section("ties_data", ["i", "y_true", "y_score"],
        [(i + 1, int(a), b) for i, (a, b) in enumerate(TIES)])
section("sk_metric", ["case", "metric", "average_or_class", "value"],
        metric_rows)
section("sk_confusion", ["case", "true_class", "predicted_class", "count"],
        confusion_rows)
section("sk_roc_curve", ["case", "drop_intermediate", "point", "threshold",
                         "fpr", "tpr"], roc_rows)
print("-- ties: roc_auc %.17g = %d/%d by counting tied pairs as 1/2"
      % (auc, round(hand * len(pos) * len(neg) * 2), 2 * len(pos) * len(neg)))
print("-- scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__))
