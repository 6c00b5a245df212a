#!/usr/bin/env Rscript
# The fitted values of diabetes_lm.R's lm() fit (all ten features,
# data/diabetes.csv), one row per CSV row (1.. in file order) with 17
# significant digits, for metrics.py to score.
#
# Rerun from the repository root:
#   Rscript test/reference/diabetes_lm_fitted.R > test/reference/diabetes_lm_fitted.out
d <- read.csv("data/diabetes.csv")
fit <- lm(progression ~ age + sex + bmi + bp + s1 + s2 + s3 + s4 + s5 + s6,
          data = d)
cat("-- r_lm_fitted (row, progression, fitted)\n")
cat(sprintf("(%d, %.17g, %.17g)", seq_len(nrow(d)), d$progression,
            fitted(fit)), sep = ",\n")
cat(sprintf("\n\n-- %s\n", R.version.string))
