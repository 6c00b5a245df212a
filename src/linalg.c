/*-------------------------------------------------------------------------
 *
 * linalg.c
 *	  The only file that talks to OpenBLAS and LAPACKE.
 *
 * Least squares is done on the R factor of [X | y] (tall-skinny QR):
 * rows are buffered and folded into the current triangle with LAPACK's
 * triangular-pentagonal QR (dtpqrt), which never touches the zeros below
 * the diagonal and runs blocked.  Merging two partial states is the same
 * call with a triangular second block.  Work arrays come from palloc (the
 * _work variants of LAPACKE), so an error frees them with the context.
 *
 * All matrices are column-major.  Every LAPACK info is checked: info < 0
 * is our bug, info > 0 is reported by the caller as a data condition.
 *
 * IDENTIFICATION
 *	  src/linalg.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <dlfcn.h>
#include <math.h>

#include <cblas.h>
#include <lapacke.h>

#include "linalg.h"

/*
 * Block size for dtpqrt: small panels keep most work in BLAS-3.  4 folds
 * 520-row buffers of 22 columns about 8% faster than 8 (bench/README.md),
 * which is under 2% of a training pass, but moves the last bits of R enough
 * to lose Longley's standard errors their 13th digit: kept at 8.
 */
#define QR_BLOCK 8

/*
 * Keep BLAS single-threaded inside a backend: parallelism comes from
 * PostgreSQL's own workers, and no library thread may run beside ours.
 */
void
MlopsLinalgInit(void)
{
	int			(*shutdown) (void);

	openblas_set_num_threads(1);

	/*
	 * Loading libopenblas has already started its thread pool, one thread
	 * per core beyond the first, unless OPENBLAS_NUM_THREADS said otherwise
	 * in the postmaster's environment.  Lowering the count does not stop
	 * them, and each spins (sched_yield) for about 2^28 cycles before it
	 * sleeps: some 100 ms of CPU in every backend and every parallel worker
	 * that loads this library, even for a statement that never calls BLAS.
	 * Stop them now.  With one thread BLAS runs in the caller and never
	 * starts the pool again.  Builds without a pool (serial, or OpenMP)
	 * lack the function or make it a no-op, hence dlsym.
	 */
	shutdown = (int (*) (void)) dlsym(RTLD_DEFAULT, "blas_thread_shutdown_");
	if (shutdown != NULL)
		shutdown();
}

/*
 * Fold m rows B (m x n, leading dimension ldb) into the upper triangle R
 * (n x n, leading dimension n).  B is overwritten.
 */
void
MlopsQrAbsorbRows(double *R, int n, double *B, int m, int ldb)
{
	int			nb = Min(QR_BLOCK, n);
	double	   *t;
	double	   *work;
	lapack_int	info;

	if (m <= 0)
		return;
	t = palloc(sizeof(double) * nb * n);
	work = palloc(sizeof(double) * nb * n);
	info = LAPACKE_dtpqrt_work(LAPACK_COL_MAJOR, m, n, 0, nb,
							   R, n, B, ldb, t, nb, work);
	if (info != 0)
		elog(ERROR, "dtpqrt failed with info %d", (int) info);
	pfree(t);
	pfree(work);
}

/*
 * Fold the upper triangle R2 into R (both n x n): the R factor of the two
 * stacked triangles, which is the R factor of the union of their rows.
 */
void
MlopsQrAbsorbTriangle(double *R, const double *R2, int n)
{
	int			nb = Min(QR_BLOCK, n);
	double	   *b = palloc(sizeof(double) * n * n);
	double	   *t = palloc(sizeof(double) * nb * n);
	double	   *work = palloc(sizeof(double) * nb * n);
	lapack_int	info;

	memcpy(b, R2, sizeof(double) * n * n);
	info = LAPACKE_dtpqrt_work(LAPACK_COL_MAJOR, n, n, n, nb,
							   R, n, b, n, t, nb, work);
	if (info != 0)
		elog(ERROR, "dtpqrt failed with info %d", (int) info);
	pfree(b);
	pfree(t);
	pfree(work);
}

/*
 * Solve R x = b (or R' x = b) in place for the leading k x k upper
 * triangle of R.  The caller has checked that the diagonal is nonzero.
 */
void
MlopsTriSolve(const double *R, int ld, int k, double *x, bool transpose)
{
	cblas_dtrsv(CblasColMajor, CblasUpper,
				transpose ? CblasTrans : CblasNoTrans,
				CblasNonUnit, k, R, ld, x, 1);
}

/* Replace the leading k x k upper triangle of R by its inverse. */
void
MlopsTriInverse(double *R, int ld, int k)
{
	lapack_int	info;

	info = LAPACKE_dtrtri_work(LAPACK_COL_MAJOR, 'U', 'N', k, R, ld);
	if (info != 0)
		elog(ERROR, "dtrtri failed with info %d", (int) info);
}

/*
 * Reciprocal condition number (1-norm estimate) of the leading k x k
 * triangle after scaling its columns to unit length, which is the
 * condition that matters for the accuracy of least squares.
 */
double
MlopsTriRcond(const double *R, int ld, int k)
{
	double	   *s = palloc(sizeof(double) * k * k);
	double	   *work = palloc(sizeof(double) * 3 * k);
	lapack_int *iwork = palloc(sizeof(lapack_int) * k);
	double		rcond = 0.0;
	lapack_int	info;
	int			i,
				j;

	for (j = 0; j < k; j++)
	{
		double		norm = cblas_dnrm2(j + 1, R + (size_t) j * ld, 1);

		for (i = 0; i < k; i++)
			s[(size_t) j * k + i] = (i <= j && norm > 0) ?
				R[(size_t) j * ld + i] / norm : 0.0;
	}
	info = LAPACKE_dtrcon_work(LAPACK_COL_MAJOR, '1', 'U', 'N', k, s, k,
							   &rcond, work, iwork);
	if (info != 0)
		elog(ERROR, "dtrcon failed with info %d", (int) info);
	pfree(s);
	pfree(work);
	pfree(iwork);
	return rcond;
}
