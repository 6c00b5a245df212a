#!/usr/bin/env Rscript
# Reference values for typed features: R's lm and glm with factor and
# logical predictors, which R codes as mlops does (treatment coding, the
# first level the reference; a logical as one 0/1 column "xTRUE"),
# printed as SQL VALUES rows with 17 significant digits.  mlops names a
# level's column "column=level" and a boolean's the column itself: the
# terms below are renamed so.
#
#   mtcars_lm     data/mtcars.csv, mpg ~ wt + cyl + am: cyl text (levels
#                 "4", "6", "8"), am boolean
#   mtcars_glm    glm(am ~ hp + cyl, binomial), epsilon 1e-14
#   mtcars_enum   mpg ~ wt + gear with gear's levels in the order
#                 "5", "4", "3" (an enum's order, not the text's): the
#                 reference is "5"
#   iris_lm       data/iris.csv, sepal_length ~ sepal_width + petal_length
#                 + species (text, reference "setosa")
#   mtcars_na     mpg ~ wt + hp + cyl with wt missing in rows 3, 10, 17, 24
#                 and hp in rows 5, 20: na.omit drops those six rows
# Rows are numbered 1.. in the order of the CSV file.
#
# Rerun from the repository root:
#   Rscript test/reference/typed_features.R > test/reference/typed_features.out
mt <- read.csv("data/mtcars.csv", colClasses = c(cyl = "character",
                                                 gear = "character"))
mt$am <- mt$am == "true"
mt$cyl <- factor(mt$cyl)
mt_enum <- mt
mt_enum$gear <- factor(mt$gear, levels = c("5", "4", "3"))
mt_na <- mt
mt_na$wt[c(3, 10, 17, 24)] <- NA
mt_na$hp[c(5, 20)] <- NA
iris <- read.csv("data/iris.csv")
iris$species <- factor(iris$species)
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
fits <- list(
  mtcars_lm = lm(mpg ~ wt + cyl + am, data = mt),
  mtcars_glm = glm(am ~ hp + cyl, family = binomial, data = mt, control = ctl),
  mtcars_enum = lm(mpg ~ wt + gear, data = mt_enum),
  iris_lm = lm(sepal_length ~ sepal_width + petal_length + species, data = iris),
  mtcars_na = lm(mpg ~ wt + hp + cyl, data = mt_na, na.action = na.omit))
# R's term names as mlops's: cyl6 -> cyl=6, amTRUE -> am
term_name <- function(f, terms) {
  out <- terms
  for (v in names(f$xlevels))
    for (l in f$xlevels[[v]])
      out[terms == paste0(v, l)] <- paste0(v, "=", l)
  sub("TRUE$", "", out)
}
source("test/reference/refutil.R")
coef_rows <- unlist(lapply(names(fits), function(k) {
  s <- coef(summary(fits[[k]]))
  sprintf("('%s', '%s', %.17g, %.17g)", k, term_name(fits[[k]], rownames(s)),
          s[, 1], s[, 2])
}))
section("r_coef", c("fit", "term", "estimate", "std_error"), coef_rows)
# rows by their number in the file (the row names, which na.omit keeps)
fitted_rows <- unlist(lapply(names(fits), function(k) {
  f <- fitted(fits[[k]])
  rows <- as.integer(names(f))
  sprintf("('%s', %d, %.17g)", k, rows, f)
}))
section("r_fitted", c("fit", "row", "fitted"), fitted_rows)
