/*-------------------------------------------------------------------------
 *
 * linalg.h
 *	  Dense linear algebra on column-major double matrices (OpenBLAS,
 *	  loaded on first use, behind a small interface).
 *
 * IDENTIFICATION
 *	  include/linalg.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_LINALG_H
#define MLOPS_LINALG_H

extern void MlopsQrAbsorbRows(double *R, int n, double *B, int m, int ldb);
extern void MlopsQrAbsorbTriangle(double *R, const double *R2, int n);
extern void MlopsTriSolve(const double *R, int ld, int k, double *x,
						  bool transpose);
extern void MlopsTriInverse(double *R, int ld, int k);
extern double MlopsTriRcond(const double *R, int ld, int k);
extern int	MlopsCholesky(double *A, int n);
extern void MlopsSyrkRows(double *C, int n, const double *A, int k, int ld);
extern void MlopsSyrkRowsInto(double *C, int ldc, int n, const double *A,
							  int k, int ld);
extern void MlopsGemvRows(const double *A, int k, int n, int ld,
						  const double *x, int incx, double *y);
extern void MlopsGemmAdd(bool transa, bool transb, int m, int n, int k,
						 const double *A, int lda, const double *B, int ldb,
						 double *C, int ldc);
extern int	MlopsSymmetricEigen(double *A, int n, double *w);

#endif							/* MLOPS_LINALG_H */
