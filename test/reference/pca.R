#!/usr/bin/env Rscript
# Reference values for principal component analysis: R's prcomp(x,
# center = TRUE, scale. = FALSE) and scale. = TRUE on data/iris.csv (the
# four measurements) and data/diabetes.csv (the ten features, not the
# target).  Printed per component: sdev^2 (the explained variance, with
# denominator n - 1), its share of the total (explained variance ratio),
# and the rotation (loadings).  A loading vector's sign is arbitrary; here
# each is flipped so that its largest-magnitude entry is positive.
# pca_sklearn.py compares sklearn's PCA with these numbers.
#
# Rerun from the repository root:
#   Rscript test/reference/pca.R > test/reference/pca.out
iris <- read.csv("data/iris.csv")
diabetes <- read.csv("data/diabetes.csv")
sets <- list(iris = iris[, 1:4], diabetes = diabetes[, 1:10])
source("test/reference/refutil.R")
var_rows <- character(0)
rot_rows <- character(0)
for (name in names(sets)) {
  for (scaled in c(FALSE, TRUE)) {
    p <- prcomp(sets[[name]], center = TRUE, scale. = scaled)
    v <- p$sdev^2
    var_rows <- c(var_rows, sprintf("('%s', %s, %d, %.17g, %.17g)", name,
                                    tolower(scaled), seq_along(v), v,
                                    v / sum(v)))
    R <- p$rotation
    for (j in seq_len(ncol(R))) {
      r <- R[, j] * sign(R[which.max(abs(R[, j])), j])
      rot_rows <- c(rot_rows, sprintf("('%s', %s, %d, '%s', %.17g)", name,
                                      tolower(scaled), j, rownames(R), r))
    }
  }
}
section("r_pca_variance", c("dataset", "scaled", "component",
                            "explained_variance", "explained_variance_ratio"),
        var_rows)
section("r_pca_rotation", c("dataset", "scaled", "component", "feature",
                            "loading"), rot_rows)
cat(sprintf("-- %s, prcomp center = TRUE\n", R.version.string))
