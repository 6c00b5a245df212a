#!/usr/bin/env Rscript
# Reference values for test/sql/reference.sql: ordinary least squares on
# data/diabetes.csv (442 rows) with R's lm(): estimate, std. error, t value
# and p value of every term, printed as SQL VALUES rows with 17 significant
# digits (enough to read back every double exactly).
#
# Rerun from the repository root:  Rscript test/reference/diabetes_lm.R
# and paste its output over the VALUES list of r_lm in reference.sql.
d <- read.csv("data/diabetes.csv")
fit <- lm(progression ~ age + sex + bmi + bp + s1 + s2 + s3 + s4 + s5 + s6,
          data = d)
s <- coef(summary(fit))
terms <- rownames(s)
cat(sprintf("('%s', %.17g, %.17g, %.17g, %.17g)", terms, s[, 1], s[, 2],
            s[, 3], s[, 4]), sep = ",\n")
cat("\n")
cat(sprintf("-- %s, sigma %.17g, df %d, r.squared %.17g\n", R.version.string,
            summary(fit)$sigma, fit$df.residual, summary(fit)$r.squared))
