#!/usr/bin/python3
"""The best LRE any solver can reach on the NIST StRD linear problems when
the data are stored as float8, for test/sql/nist.sql (column data_limit).

Builds each design the way nist.sql does (every value the double nearest
to NIST's exact decimal one: y and x read by strtod, x^j computed exactly
and rounded once), solves the least-squares problem of those doubles
EXACTLY in rational arithmetic (normal equations in fractions.Fraction),
and prints the LRE of that exact solution against NIST's certified values.
A solver that is exact for its input gets this figure; one that does
better is being helped by its own rounding errors.

For Filip it also takes the design R's lm() builds (x^j by libm pow(),
written out by R as hex doubles) and reports R's own LRE, the LRE of the
exact solution of R's design, and how close R's answer is to that exact
solution.  Needs Rscript for that part (skipped when absent).

Rerun from the repository root:  /usr/bin/python3 test/reference/nist_exact.py
"""
import csv
import math
import os
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal, getcontext
from fractions import Fraction as F

getcontext().prec = 100
DIR = "data/nist-strd/"
SETS = ["Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley",
        "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"]


def load(name):
    lines = open(DIR + name + ".dat", "rb").read().decode().split("\r\n")
    a, b = map(int, re.search(r"lines (\d+) to (\d+)", lines[5]).groups())
    return [l.split() for l in lines[a - 1:b]]


cert, summ = {}, {}
for r in csv.DictReader(open(DIR + "certified.csv")):
    cert.setdefault(r["dataset"], []).append(Decimal(r["estimate"]))
for r in csv.DictReader(open(DIR + "summary.csv")):
    summ[r["dataset"]] = r


def solve_exact(X, y):
    n = len(X[0])
    A = [[sum(F(r[i]) * F(r[j]) for r in X) for j in range(n)] for i in range(n)]
    b = [sum(F(r[i]) * F(v) for r, v in zip(X, y)) for i in range(n)]
    for c in range(n):
        for i in range(c + 1, n):
            f = A[i][c] / A[c][c]
            for j in range(c, n):
                A[i][j] -= f * A[c][j]
            b[i] -= f * b[c]
    x = [None] * n
    for i in reversed(range(n)):
        x[i] = (b[i] - sum(A[i][j] * x[j] for j in range(i + 1, n))) / A[i][i]
    return x


def dec(v):
    v = F(v)
    return Decimal(v.numerator) / Decimal(v.denominator)


def lre(est, c):
    e = abs(dec(est)) if c == 0 else abs(dec(est) - c) / abs(c)
    return 15.0 if e == 0 else max(0.0, min(15.0, -float(e.log10())))


def design(name):
    s = summ[name]
    rows = load(name)
    k, icpt = int(s["k"]), s["intercept"] == "yes"
    X = []
    for r in rows:
        row = [1.0] if icpt else []
        if int(s["x_vars"]) > 1:
            row += [float(v) for v in r[1:]]
        else:
            row += [float(Decimal(r[1]) ** j) for j in range(1, k + 1)]
        X.append(row)
    return X, [float(r[0]) for r in rows]


for name in SETS:
    X, y = design(name)
    b = solve_exact(X, y)
    print("%-9s %5.2f" % (name, min(lre(v, c) for v, c in zip(b, cert[name]))))

if shutil.which("Rscript"):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "filip.txt")
        subprocess.run(["Rscript", "-e", """
L <- sub("\\r$", "", readLines("%sFilip.dat"))
d <- read.table(text = L[61:142], col.names = c("y", "x"))
f <- lm(y ~ x + I(x^2) + I(x^3) + I(x^4) + I(x^5) + I(x^6) + I(x^7) +
        I(x^8) + I(x^9) + I(x^10), data = d, tol = 1e-10)
X <- model.matrix(f)
writeLines(c(paste(sprintf("%%a", coef(f)), collapse = " "),
             apply(cbind(sprintf("%%a", d$y), matrix(sprintf("%%a", X), nrow(X))),
                   1, paste, collapse = " ")), "%s")
""" % (DIR, out)], check=True)
        lines = [l.split() for l in open(out)]
    rcoef = [float.fromhex(v) for v in lines[0]]
    y = [float.fromhex(r[0]) for r in lines[1:]]
    X = [[float.fromhex(v) for v in r[1:]] for r in lines[1:]]
    xs = [r[1] for r in load("Filip")]
    same = all(X[i][j] == math.pow(float(xs[i]), j)
               for i in range(len(xs)) for j in range(11))
    b = solve_exact(X, y)
    print("Filip, R's design (x^j = pow(x, j): %s)" % same)
    print("  lm() against certified:          %.2f" %
          min(lre(v, c) for v, c in zip(rcoef, cert["Filip"])))
    print("  exact LS of R's design:          %.2f" %
          min(lre(v, c) for v, c in zip(b, cert["Filip"])))
    print("  lm() against that exact LS:      %.2f" %
          min(lre(v, dec(e)) for v, e in zip(rcoef, b)))
