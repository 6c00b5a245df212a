"""Helpers shared by the Python reference scripts in test/reference/.

Not a reference script itself: it reads the CSVs in data/, prints SQL
VALUES rows with 17 significant digits, and reads those rows back from
the committed .out files (so one script can use another's numbers, e.g.
metrics.py scores the probabilities logistic_binary.R fitted).
"""
import csv
import re

import numpy as np


def load(name, features, label=None):
    """Columns of data/<name>.csv: X (float, one column per feature) and,
    when label is given, the label column as a list of strings."""
    rows = list(csv.DictReader(open("data/%s.csv" % name)))
    X = np.array([[float(r[f]) for f in features] for r in rows])
    if label is None:
        return X
    return X, [r[label] for r in rows]


def header(path):
    """Feature names of data/<path>.csv, in file order."""
    with open("data/%s.csv" % path) as f:
        return f.readline().strip().split(",")


def fmt(v):
    """One SQL literal: strings quoted, floats with 17 significant digits
    (or %g when that reads back as the same double, so parameters print
    as 0.1, not 0.10000000000000001), -0 as 0."""
    if isinstance(v, str):
        return "'%s'" % v.replace("'", "''")
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return "%d" % v
    v = float(v) + 0.0
    short = "%g" % v
    return short if float(short) == v else "%.17g" % v


def section(name, columns, rows):
    """Print a comment naming the table and its columns, then its VALUES
    rows separated by commas, ready to paste after INSERT INTO name VALUES."""
    print("-- %s (%s)" % (name, ", ".join(columns)))
    print(",\n".join("(" + ", ".join(fmt(v) for v in r) + ")" for r in rows))
    print()


def read_out(path, name):
    """The rows of section name in a .out file printed by section() (or the
    R scripts, which use the same layout), as lists of str/float/int."""
    rows, inside = [], False
    for line in open(path):
        if line.startswith("-- "):
            inside = line.split()[1] == name
            continue
        if inside and line.startswith("("):
            body = line.strip().rstrip(",")[1:-1]
            rows.append([_value(v) for v in re.findall(r"'(?:[^']|'')*'|[^, ]+", body)])
    if not rows:
        raise ValueError("no section %s in %s" % (name, path))
    return rows


def _value(tok):
    if tok in ("true", "false"):
        return tok
    if tok.startswith("'"):
        return tok[1:-1].replace("''", "'")
    if re.fullmatch(r"-?\d+", tok):
        return int(tok)
    return float(tok)
