# Helpers shared by the R reference scripts (source from the repository
# root): a section of SQL VALUES rows under a "-- name (columns)" comment.
section <- function(name, columns, rows) {
  cat(sprintf("-- %s (%s)\n", name, paste(columns, collapse = ", ")))
  cat(rows, sep = ",\n")
  cat("\n\n")
}
