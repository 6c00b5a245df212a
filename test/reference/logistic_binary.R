#!/usr/bin/env Rscript
# Reference values for binary logistic regression: R's glm(family =
# binomial) iterated to epsilon 1e-14 (IRLS, i.e. Newton on the
# log-likelihood), printed as SQL VALUES rows with 17 significant digits.
#
# Two cases, both with a finite maximum-likelihood estimate
# (test/reference/separation_check.py shows by linear programming that no
# separating or quasi-separating hyperplane exists for either):
#   breast_cancer  data/breast_cancer.csv, all 569 rows,
#                  diagnosis ~ mean_texture + mean_smoothness
#                              + mean_symmetry + mean_fractal_dimension;
#                  well conditioned, fitted probabilities in [6e-4, 1-2e-3].
#   iris_vv        data/iris.csv, the 100 rows with species versicolor or
#                  virginica, species ~ all four measurements; the optimum
#                  is finite, but 33 fitted probabilities are within 1e-6
#                  of 0 or 1 (the smallest is 6e-11, the largest 1-6e-13):
#                  a separation detector must not flag it.
# The response is a factor with levels in sorted order, so the modelled
# probability is that of the second class: 'malignant' and 'virginica'.
# Rows are numbered 1.. in the order of the CSV file (header not counted;
# iris_vv rows are 51..150).
#
# The last lines are comments on data/separated.csv and
# data/quasi_separated.csv, where no finite MLE exists: what glm does.
#
# Rerun from the repository root:
#   Rscript test/reference/logistic_binary.R > test/reference/logistic_binary.out
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
bc <- read.csv("data/breast_cancer.csv")
bc$diagnosis <- factor(bc$diagnosis)
iris <- read.csv("data/iris.csv")
iris$row <- seq_len(nrow(iris))
vv <- iris[iris$species != "setosa", ]
vv$species <- factor(vv$species)
cases <- list(
  breast_cancer = list(formula = diagnosis ~ mean_texture + mean_smoothness +
                         mean_symmetry + mean_fractal_dimension,
                       data = bc, rows = seq_len(nrow(bc))),
  iris_vv = list(formula = species ~ sepal_length + sepal_width +
                   petal_length + petal_width,
                 data = vv, rows = vv$row))
fits <- lapply(cases, function(k) glm(k$formula, family = binomial,
                                      data = k$data, control = ctl))
source("test/reference/refutil.R")
coef_rows <- unlist(lapply(names(fits), function(k) {
  s <- coef(summary(fits[[k]]))
  sprintf("('%s', '%s', %.17g, %.17g, %.17g, %.17g)", k, rownames(s),
          s[, 1], s[, 2], s[, 3], s[, 4])
}))
section("r_glm_coef", c("case", "term", "estimate", "std_error", "z_value",
                        "p_value"), coef_rows)
fit_rows <- sapply(names(fits), function(k) {
  f <- fits[[k]]
  sprintf("('%s', %.17g, %.17g, %.17g, %d, %d, %d)", k, deviance(f),
          f$null.deviance, AIC(f), f$iter, f$df.residual, f$df.null)
})
section("r_glm_fit", c("case", "deviance", "null_deviance", "aic",
                       "iterations", "df_residual", "df_null"), fit_rows)
# summary.glm's standard errors come from the weights of the last IRLS
# iteration, taken at the coefficients before its step, so they lag the
# optimum by about sqrt(epsilon) (1e-8 relative on breast_cancer); these
# are the same formula, sqrt(diag((X'WX)^-1)), at the fitted values of the
# final coefficients, i.e. the Wald standard errors at the optimum.
se_rows <- unlist(lapply(names(fits), function(k) {
  f <- fits[[k]]
  p <- fitted(f)
  X <- model.matrix(f)
  se <- sqrt(diag(solve(crossprod(X * sqrt(p * (1 - p))))))
  sprintf("('%s', '%s', %.17g)", k, colnames(X), se)
}))
section("r_glm_se_at_optimum", c("case", "term", "std_error"), se_rows)
prob_rows <- unlist(lapply(names(fits), function(k) {
  sprintf("('%s', %d, %.17g)", k, cases[[k]]$rows, fitted(fits[[k]]))
}))
section("r_glm_prob", c("case", "row", "probability"), prob_rows)

cat(sprintf("-- %s, glm epsilon 1e-14 maxit 100\n", R.version.string))
for (k in names(fits)) {
  f <- fits[[k]]
  p <- fitted(f)
  X <- model.matrix(f)
  H <- crossprod(X * sqrt(p * (1 - p)))  # Fisher information = -Hessian
  d <- 1 / sqrt(diag(H))
  cat(sprintf(paste("-- %s: converged %s in %d iterations, max |coef| %.3g,",
                    "cond(Hessian) %.3g (%.3g with unit diagonal),",
                    "fitted p in [%.3g, 1 - %.3g], %d rows within 1e-6 of 0",
                    "or 1\n"),
              k, f$converged, f$iter, max(abs(coef(f))), kappa(H, exact = TRUE),
              kappa(H * outer(d, d), exact = TRUE), min(p), 1 - max(p),
              sum(p < 1e-6 | p > 1 - 1e-6)))
}
for (name in c("separated", "quasi_separated")) {
  d <- read.csv(sprintf("data/%s.csv", name))
  d$y <- d$y == "true"
  w <- character(0)
  f <- withCallingHandlers(glm(y ~ x, family = binomial, data = d,
                               control = ctl),
                           warning = function(c) {
                             w <<- c(w, conditionMessage(c))
                             invokeRestart("muffleWarning")
                           })
  cat(sprintf(paste("-- data/%s.csv (no finite MLE): glm converged %s after",
                    "%d iterations, coef (%.3g, %.3g), deviance %.3g;",
                    "warnings: %s\n"),
              name, f$converged, f$iter, coef(f)[1], coef(f)[2], deviance(f),
              paste(unique(w), collapse = "; ")))
}
