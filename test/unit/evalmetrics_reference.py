#!/usr/bin/python3
"""Reference values for test/unit/test_evalmetrics.c, from scikit-learn.

Writes test/unit/evalmetrics_cases.h: every case's input data and the
values scikit-learn returns for it, as C initialisers printed with %.17g.
Run it from the repository root with Debian's python3 (python3-sklearn):

    /usr/bin/python3 test/unit/evalmetrics_reference.py

The header is committed; rerun only when cases change, and commit both.
Inputs come from numpy's seeded Generator, so a rerun with the same
numpy and sklearn reproduces the header byte for byte.
"""

import math
import sys
import warnings
from fractions import Fraction

import numpy as np
import scipy
import sklearn
from scipy.spatial.distance import cdist
from sklearn import metrics

warnings.simplefilter("ignore")  # zero_division and friends warn by design

OUT = "test/unit/evalmetrics_cases.h"
rng = np.random.default_rng(20240517)


def g(x):
    """A double as a C literal, %.17g; nan and inf as math.h macros."""
    x = float(x)
    if math.isnan(x):
        return "NAN"
    if math.isinf(x):
        return "INFINITY" if x > 0 else "-INFINITY"
    return "%.17g" % x


def darr(name, a):
    a = np.asarray(a, dtype=np.float64).ravel()
    body = ",\n\t".join(", ".join(g(v) for v in a[i:i + 4])
                        for i in range(0, len(a), 4))
    return "static const double %s[%d] = {\n\t%s\n};\n" % (name, max(len(a), 1),
                                                          body or "0")


def iarr(name, a):
    a = np.asarray(a, dtype=np.int64).ravel()
    body = ",\n\t".join(", ".join(str(int(v)) for v in a[i:i + 16])
                        for i in range(0, len(a), 16))
    return "static const int32 %s[%d] = {\n\t%s\n};\n" % (name, max(len(a), 1),
                                                         body or "0")


out = []
tables = {"reg": [], "cls": [], "roc": [], "ovr": [], "sil": []}

# --- regression -----------------------------------------------------------


def exact_r2(y, p):
    """r2 in exact rational arithmetic on the given doubles (no sklearn)."""
    fy = [Fraction(float(v)) for v in y]
    fr = [Fraction(float(a)) - Fraction(float(b)) for a, b in zip(y, p)]
    n = len(fy)
    my = sum(fy) / n
    den = sum((v - my) ** 2 for v in fy)
    num = sum(v * v for v in fr)
    if num == 0:
        return 1.0
    if den == 0:
        return 0.0
    return float(1 - num / den)


def reg_case(name, y, p, note=""):
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    n = len(y)
    r2 = metrics.r2_score(y, p) if n >= 2 else float("nan")
    rmse = metrics.mean_squared_error(y, p, squared=False)
    mae = metrics.mean_absolute_error(y, p)
    ev = metrics.explained_variance_score(y, p)
    ex = exact_r2(y, p) if n >= 2 else float("nan")
    out.append("/* %s: n=%d, sklearn r2 %s, exact-rational r2 %s%s */\n"
               % (name, n, g(r2), g(ex), note))
    out.append(darr("reg_%s_y" % name, y))
    out.append(darr("reg_%s_p" % name, p))
    tables["reg"].append('\t{"%s", %d, reg_%s_y, reg_%s_p, %s, %s, %s, %s, %s},\n'
                         % (name, n, name, name, g(r2), g(rmse), g(mae), g(ev),
                            g(ex)))
    return r2, ex


y = rng.normal(5.0, 2.0, 200)
reg_case("random", y, y + rng.normal(0.0, 0.5, 200))
y = rng.normal(0.0, 1.0, 300)
reg_case("unrelated", y, rng.normal(0.3, 1.5, 300))
y = 1e6 + rng.normal(0.0, 1.0, 400)
reg_case("offset1e6", y, y + rng.normal(0.01, 0.1, 400))
y = 1e9 + rng.normal(0.0, 1.0, 2000)
reg_case("offset1e9", y, y + rng.normal(0.0, 0.3, 2000),
         "; plain-double Welford is off here, double-double is not")
y = rng.normal(-3.0, 10.0, 150)
reg_case("perfect", y, y.copy())
y = rng.integers(0, 20, 1000).astype(np.float64)
reg_case("integers", y, y + rng.integers(-2, 3, 1000))
y = np.full(50, 3.0)
reg_case("const_exact", y, rng.normal(3.0, 1.0, 50),
         "; mean of y is exact, so sklearn's denominator is 0 and"
         " force_finite gives 0.0")
y = np.full(10, 2.5)
reg_case("const_perfect", y, y.copy(), "; 0/0 gives 1.0")
y = np.array([7.25])
reg_case("single", y, np.array([6.0]), "; r2 is nan below two samples")

# The documented difference: np.mean of three 0.1 is 0.1 + 1.4e-17, so
# sklearn's denominator is about 6e-34 instead of 0 and its r2 is a
# rounding artefact near -1e31; evalmetrics keeps the mean exact enough
# to see the constant and returns force_finite's 0.0.  Kept out of the
# table (the harness checks 0.0 for it), sklearn's values in a comment.
y = np.full(3, 0.1)
p = y + rng.normal(0.0, 0.1, 3)
out.append(darr("reg_const_inexact_y", y))
out.append(darr("reg_const_inexact_p", p))
out.append("/* const_inexact (not a case): y = three 0.1, sklearn r2 %s,"
           " explained_variance %s; exact r2 %s */\n"
           % (g(metrics.r2_score(y, p)), g(metrics.explained_variance_score(y, p)),
              g(exact_r2(y, p))))

# --- classification -------------------------------------------------------


def cls_case(name, K, yt, yp, prob):
    yt = np.asarray(yt)
    yp = np.asarray(yp)
    n = len(yt)
    labels = list(range(K))
    acc = metrics.accuracy_score(yt, yp)
    bal = metrics.balanced_accuracy_score(yt, yp)
    pc, rc, fc, sc = metrics.precision_recall_fscore_support(
        yt, yp, labels=labels, average=None)
    avg = {}
    for a in ("macro", "weighted"):
        avg[a] = metrics.precision_recall_fscore_support(
            yt, yp, labels=labels, average=a)[:3]
    if K == 2:
        avg["binary"] = metrics.precision_recall_fscore_support(
            yt, yp, labels=labels, average="binary", pos_label=1)[:3]
    else:
        avg["binary"] = (float("nan"),) * 3
    if prob is not None:
        prob = np.asarray(prob, dtype=np.float64)
        ll = metrics.log_loss(yt, prob, labels=labels)
        pcols = 1 if prob.ndim == 1 else prob.shape[1]
    else:
        ll = float("nan")
        pcols = 0
    out.append("/* %s: K=%d n=%d */\n" % (name, K, n))
    out.append(iarr("cls_%s_y" % name, yt))
    out.append(iarr("cls_%s_p" % name, yp))
    out.append(darr("cls_%s_prob" % name, prob if prob is not None else []))
    out.append(darr("cls_%s_pc" % name, pc))
    out.append(darr("cls_%s_rc" % name, rc))
    out.append(darr("cls_%s_fc" % name, fc))
    vals = [acc, bal] + list(avg["macro"]) + list(avg["weighted"]) + \
        list(avg["binary"]) + [ll]
    tables["cls"].append(
        '\t{"%s", %d, %d, cls_%s_y, cls_%s_p, %d, cls_%s_prob, '
        'cls_%s_pc, cls_%s_rc, cls_%s_fc,\n\t {%s}},\n'
        % (name, K, n, name, name, pcols, name, name, name, name,
           ", ".join(g(v) for v in vals)))


def noisy_labels(yt, K, keep):
    yp = yt.copy()
    flip = rng.random(len(yt)) > keep
    yp[flip] = rng.integers(0, K, flip.sum())
    return yp


def probs_for(yt, K, sharp):
    a = np.ones((len(yt), K))
    a[np.arange(len(yt)), yt] += sharp
    return rng.dirichlet(a[0] * 0 + 1, len(yt)) * 0.3 + \
        0.7 * a / a.sum(axis=1, keepdims=True)


yt = rng.integers(0, 2, 300)
p1 = np.clip(0.5 + 0.35 * (2 * yt - 1) + rng.normal(0, 0.25, 300), 0, 1)
cls_case("bin_random", 2, yt, (p1 >= 0.5).astype(int), p1)
yt = rng.integers(0, 2, 60)
cls_case("bin_perfect", 2, yt, yt, yt.astype(np.float64))
yt = rng.integers(0, 2, 80)
cls_case("bin_never_pred1", 2, yt, np.zeros(80, dtype=int),
         rng.uniform(0, 0.49, 80))
yt = rng.integers(0, 2, 90)
pr = rng.uniform(0, 1, (90, 2))
pr[:5] = [[0, 1], [1, 0], [0.2, 0.2], [0.7, 0.7], [0, 0.5]]
cls_case("bin_twocol_unnormalised", 2, yt, pr.argmax(axis=1), pr)
for K in (3, 4, 5):
    yt = rng.integers(0, K, 100 * K)
    cls_case("k%d_random" % K, K, yt, noisy_labels(yt, K, 0.6),
             probs_for(yt, K, 2.0))
yt = rng.integers(0, 3, 240)
yp = noisy_labels(yt, 3, 0.5)
yp[yp == 2] = 0
cls_case("k3_never_pred2", 3, yt, yp, probs_for(yt, 3, 1.0))
yt = rng.integers(0, 3, 150)
cls_case("k4_absent_true3", 4, yt, noisy_labels(yt, 4, 0.7), None)
yt = rng.integers(0, 4, 200)
cls_case("k5_absent4", 5, yt, noisy_labels(yt, 4, 0.7), probs_for(yt, 5, 3.0))
yt = rng.integers(0, 3, 75)
pr = np.eye(3)[yt]
cls_case("k3_perfect", 3, yt, yt, pr)

# --- binary ROC -----------------------------------------------------------


def roc_case(name, score, lab):
    score = np.asarray(score, dtype=np.float64)
    lab = np.asarray(lab)
    n = len(score)
    fpr, tpr, thr = metrics.roc_curve(lab, score)
    if 0 < lab.sum() < n:
        auc = metrics.roc_auc_score(lab, score)
    else:
        auc = float("nan")  # sklearn raises: the C side must report an error
    out.append("/* %s: n=%d, %d distinct scores, %d curve points */\n"
               % (name, n, len(np.unique(score)), len(thr)))
    out.append(darr("roc_%s_s" % name, score))
    out.append(iarr("roc_%s_l" % name, lab))
    out.append(darr("roc_%s_thr" % name, thr))
    out.append(darr("roc_%s_fpr" % name, fpr))
    out.append(darr("roc_%s_tpr" % name, tpr))
    tables["roc"].append(
        '\t{"%s", %d, roc_%s_s, roc_%s_l, %s, %d, roc_%s_thr, roc_%s_fpr, '
        'roc_%s_tpr},\n' % (name, n, name, name, g(auc), len(thr), name, name,
                            name))


roc_case("sklearn_doc", [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
lab = rng.integers(0, 2, 200)
roc_case("random", rng.normal(0, 1, 200) + 0.8 * lab, lab)
lab = rng.integers(0, 2, 500)
roc_case("ties", np.round(rng.normal(0, 1, 500) + 0.7 * lab, 1), lab)
lab = rng.integers(0, 2, 1000)
roc_case("int_ties", rng.integers(0, 6, 1000) + lab, lab)
lab = rng.integers(0, 2, 40)
roc_case("all_tied", np.full(40, 0.25), lab)
lab = np.array([0] * 30 + [1] * 20)
roc_case("perfect", np.r_[rng.uniform(0, 0.4, 30), rng.uniform(0.6, 1, 20)],
         lab)
roc_case("inverted", np.r_[rng.uniform(0.6, 1, 30), rng.uniform(0, 0.4, 20)],
         lab)
roc_case("signed_zero", [-0.0, 0.0, -1.0, 2.0, 0.0, -0.0, 1.5, -2.5],
         [1, 0, 0, 1, 1, 0, 0, 1])
roc_case("no_negatives", rng.uniform(0, 1, 12), np.ones(12, dtype=int))
roc_case("single_pair", [0.3, 0.3], [0, 1])

# --- one-vs-rest ROC AUC ----------------------------------------------------


def ovr_case(name, K, score, lab):
    score = np.asarray(score, dtype=np.float64)
    if K == 2:
        # sklearn takes only the positive column for binary targets
        auc = metrics.roc_auc_score(lab, score[:, 1])
    else:
        auc = metrics.roc_auc_score(lab, score, multi_class="ovr",
                                    average="macro", labels=list(range(K)))
    out.append("/* %s: K=%d n=%d */\n" % (name, K, len(lab)))
    out.append(darr("ovr_%s_s" % name, score))
    out.append(iarr("ovr_%s_l" % name, lab))
    tables["ovr"].append('\t{"%s", %d, %d, ovr_%s_s, ovr_%s_l, %s},\n'
                         % (name, K, len(lab), name, name, g(auc)))


for K in (3, 4, 5):
    lab = rng.integers(0, K, 80 * K)
    ovr_case("k%d_random" % K, K, probs_for(lab, K, 0.8), lab)
lab = rng.integers(0, 3, 300)
pal = np.array([[0.2, 0.3, 0.5], [0.5, 0.25, 0.25], [0.25, 0.5, 0.25],
                [0.125, 0.375, 0.5]])
ovr_case("k3_ties", 3, pal[(lab + rng.integers(0, 3, 300)) % 4], lab)
lab = rng.integers(0, 2, 100)
s1 = rng.uniform(0, 1, 100)
ovr_case("k2_binary_path", 2, np.c_[1 - s1, s1], lab)

# --- silhouette -------------------------------------------------------------


def sil_case(name, X, lab, nlabels):
    X = np.asarray(X, dtype=np.float64)
    s = metrics.silhouette_score(X, lab)
    direct = metrics.silhouette_score(cdist(X, X), lab, metric="precomputed")
    out.append("/* %s: n=%d d=%d, sklearn %s, with direct distances %s */\n"
               % (name, X.shape[0], X.shape[1], g(s), g(direct)))
    out.append(darr("sil_%s_x" % name, X))
    out.append(iarr("sil_%s_l" % name, lab))
    tables["sil"].append('\t{"%s", %d, %d, sil_%s_x, sil_%s_l, %d, %s},\n'
                         % (name, X.shape[0], X.shape[1], name, name, nlabels,
                            g(s)))


c = rng.normal(0, 4, (3, 2))
lab = rng.integers(0, 3, 150)
sil_case("blobs3_2d", c[lab] + rng.normal(0, 1, (150, 2)), lab, 3)
c = rng.normal(0, 3, (4, 5))
lab = rng.integers(0, 3, 120)
lab[17] = 3  # a cluster of one point: its silhouette is 0
sil_case("k4_5d_singleton", c[lab] + rng.normal(0, 1, (120, 5)), lab, 4)
lab = rng.choice([1, 3, 4], 90)  # labels 0 and 2 unused
sil_case("sparse_labels", rng.normal(0, 1, (90, 3)) + lab[:, None], lab, 5)
lab = rng.integers(0, 2, 60)
sil_case("random_k2", rng.normal(0, 1, (60, 4)), lab, 2)
sil_case("duplicates", [[0, 0], [0, 0], [1, 1], [1, 1], [0, 0]],
         [0, 1, 0, 1, 1], 2)

# --- write ------------------------------------------------------------------

with open(OUT, "w") as f:
    f.write("/*\n * %s\n *\t  Generated by test/unit/evalmetrics_reference.py"
            " -- do not edit.\n *\n * scikit-learn %s, numpy %s, scipy %s,"
            " python %s.\n */\n\n"
            % (OUT, sklearn.__version__, np.__version__, scipy.__version__,
               sys.version.split()[0]))
    f.write("".join(out))
    f.write("\nstatic const RegCase reg_cases[] = {\n%s};\n"
            % "".join(tables["reg"]))
    f.write("\nstatic const ClassCase cls_cases[] = {\n%s};\n"
            % "".join(tables["cls"]))
    f.write("\nstatic const RocCase roc_cases[] = {\n%s};\n"
            % "".join(tables["roc"]))
    f.write("\nstatic const OvrCase ovr_cases[] = {\n%s};\n"
            % "".join(tables["ovr"]))
    f.write("\nstatic const SilCase sil_cases[] = {\n%s};\n"
            % "".join(tables["sil"]))
print("wrote %s" % OUT)
