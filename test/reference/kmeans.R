#!/usr/bin/env Rscript
# Reference values for k-means: R's kmeans(x, centers = 3, nstart = 50,
# iter.max = 100) with set.seed(1), both algorithm = "Hartigan-Wong" (the
# default) and "Lloyd", on
#   iris         data/iris.csv, the four measurements (150 rows)
#   iris_scaled  the same after R's scale()
#   wine         data/wine.csv, the 13 measurements (178 rows), unscaled
#   wine_scaled  the same after R's scale() (centred, divided by the sd
#                with denominator n - 1)
# Printed: tot.withinss (the best of the 50 starts; = sklearn's inertia_),
# betweenss, totss, and the centres sorted by their first coordinate (the
# cluster numbering is arbitrary), each with its cluster size.
# kmeans_sklearn.py gives sklearn's KMeans(n_init=50) for comparison.
#
# Rerun from the repository root:
#   Rscript test/reference/kmeans.R > test/reference/kmeans.out
iris <- read.csv("data/iris.csv")
wine <- read.csv("data/wine.csv")
sets <- list(iris = as.matrix(iris[, 1:4]),
             iris_scaled = scale(as.matrix(iris[, 1:4])),
             wine = as.matrix(wine[, 1:13]),
             wine_scaled = scale(as.matrix(wine[, 1:13])))
source("test/reference/refutil.R")
fit_rows <- character(0)
centre_rows <- character(0)
for (name in names(sets)) {
  for (algorithm in c("Hartigan-Wong", "Lloyd")) {
    set.seed(1)
    km <- kmeans(sets[[name]], centers = 3, nstart = 50, iter.max = 100,
                 algorithm = algorithm)
    fit_rows <- c(fit_rows, sprintf("('%s', '%s', %.17g, %.17g, %.17g)", name,
                                    algorithm, km$tot.withinss, km$betweenss,
                                    km$totss))
    o <- order(km$centers[, 1])
    for (j in seq_along(o)) {
      k <- o[j]
      centre_rows <- c(centre_rows, sprintf(
        "('%s', '%s', %d, %d, '%s', %.17g)", name, algorithm, j,
        km$size[k], colnames(km$centers), km$centers[k, ]))
    }
  }
}
section("r_kmeans_fit", c("dataset", "algorithm", "tot_withinss",
                          "betweenss", "totss"), fit_rows)
section("r_kmeans_centre", c("dataset", "algorithm", "cluster", "size",
                             "feature", "centre"), centre_rows)
cat(sprintf("-- %s, kmeans centers 3 nstart 50 iter.max 100, set.seed(1)\n",
            R.version.string))
