/*-------------------------------------------------------------------------
 *
 * linalg.c
 *	  The only file that talks to OpenBLAS (its BLAS and LAPACK).
 *
 * Least squares is done on the R factor of [X | y] (tall-skinny QR):
 * rows are buffered and folded into the current triangle with LAPACK's
 * triangular-pentagonal QR (dtpqrt), which never touches the zeros below
 * the diagonal and runs blocked.  Merging two partial states is the same
 * call with a triangular second block.  Work arrays come from palloc, so
 * an error frees them with the context.
 *
 * OpenBLAS is loaded by dlopen the first time one of these functions runs,
 * not linked into mlops.so.  Every parallel worker loads the libraries its
 * leader has loaded, for any statement, and relocating OpenBLAS into a
 * backend cost 7-10 ms of CPU (its 16,000 symbol relocations looked up
 * through everything postgres links, and those of the LAPACKE, LAPACK and
 * BLAS wrappers that liblapacke drags in): paid by every worker of every
 * parallel query in a session that has scored or trained, for a library
 * only training calls.  So scoring workers never load it, and training
 * workers load only libopenblas, calling its LAPACK (Fortran) entry points
 * directly, as LAPACKE's column-major _work wrappers do.
 *
 * All matrices are column-major.  Every LAPACK info is checked: info < 0
 * is our bug, info > 0 is reported by the caller as a data condition.
 * LAPACK reports a bad argument through xerbla, which prints to the
 * server's stderr before it returns, so every call's dimensions are
 * checked here first (CheckDims): callers validate what they are given
 * (crafted states never get this far), and a slip is an ERROR that
 * LAPACK never sees.
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

#include "linalg.h"

/* the OpenBLAS soname the Makefile found, as the dynamic linker spells it */
#ifndef MLOPS_BLAS_LIBRARY
#define MLOPS_BLAS_LIBRARY "libopenblas.so.0"
#endif

/*
 * OpenBLAS binds its own 14,000 exported symbols at load: looked up in its
 * own scope first (glibc's RTLD_DEEPBIND) rather than through everything
 * postgres links, loading takes about 1.6 ms instead of 5.5 (fresh
 * backend).  It then also calls the libc it links, not a definition that
 * postgres might export under the same name.  AddressSanitizer refuses
 * RTLD_DEEPBIND.
 */
#if defined(RTLD_DEEPBIND) && !defined(__SANITIZE_ADDRESS__)
#define BLAS_DEEPBIND RTLD_DEEPBIND
#else
#define BLAS_DEEPBIND 0
#endif

/*
 * Block size for dtpqrt: small panels keep most work in BLAS-3.  4 folds
 * 520-row buffers of 22 columns about 8% faster than 8 (bench/README.md),
 * which is under 2% of a training pass, but moves the last bits of R enough
 * to lose Longley's standard errors their 13th digit: kept at 8.
 */
#define QR_BLOCK 8

/* A call's dimensions are what LAPACK accepts, or an ERROR (our bug). */
static inline void
CheckDims(const char *routine, bool ok)
{
	if (unlikely(!ok))
		elog(ERROR, "invalid dimensions for %s", routine);
}

/*
 * The entry points used, resolved once per backend.  LAPACK's Fortran
 * interface takes every argument by reference and, after the last one, the
 * length of each character argument (gfortran's ABI, as in LAPACK's own
 * lapack.h with LAPACK_FORTRAN_STRLEN_END).
 */
static struct
{
	bool		loaded;
	void		(*dtpqrt) (const blasint *m, const blasint *n, const blasint *l,
						   const blasint *nb, double *a, const blasint *lda,
						   double *b, const blasint *ldb, double *t,
						   const blasint *ldt, double *work, blasint *info);
	void		(*dtrtri) (const char *uplo, const char *diag, const blasint *n,
						   double *a, const blasint *lda, blasint *info,
						   size_t uplo_len, size_t diag_len);
	void		(*dtrcon) (const char *norm, const char *uplo, const char *diag,
						   const blasint *n, const double *a, const blasint *lda,
						   double *rcond, double *work, blasint *iwork,
						   blasint *info, size_t norm_len, size_t uplo_len,
						   size_t diag_len);
	void		(*dtrsv) (enum CBLAS_ORDER order, enum CBLAS_UPLO uplo,
						  enum CBLAS_TRANSPOSE trans, enum CBLAS_DIAG diag,
						  blasint n, const double *a, blasint lda, double *x,
						  blasint incx);
	double		(*dnrm2) (blasint n, const double *x, blasint incx);
	void		(*dpotrf) (const char *uplo, const blasint *n, double *a,
						   const blasint *lda, blasint *info, size_t uplo_len);
	void		(*dsyrk) (enum CBLAS_ORDER order, enum CBLAS_UPLO uplo,
						  enum CBLAS_TRANSPOSE trans, blasint n, blasint k,
						  double alpha, const double *a, blasint lda,
						  double beta, double *c, blasint ldc);
	void		(*dgemm) (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transa,
						  enum CBLAS_TRANSPOSE transb, blasint m, blasint n,
						  blasint k, double alpha, const double *a, blasint lda,
						  const double *b, blasint ldb, double beta, double *c,
						  blasint ldc);
	void		(*dgemv) (enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans,
						  blasint m, blasint n, double alpha, const double *a,
						  blasint lda, const double *x, blasint incx,
						  double beta, double *y, blasint incy);
	void		(*dsyev) (const char *jobz, const char *uplo, const blasint *n,
						  double *a, const blasint *lda, double *w,
						  double *work, const blasint *lwork, blasint *info,
						  size_t jobz_len, size_t uplo_len);
}			blas;

static void *
BlasSymbol(void *lib, const char *name)
{
	void	   *p = dlsym(lib, name);

	if (p == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not find function \"%s\" in library \"%s\"",
						name, MLOPS_BLAS_LIBRARY)));
	return p;
}

/*
 * Load OpenBLAS and keep it single-threaded: parallelism comes from
 * PostgreSQL's own workers, and no library thread may run beside ours.
 * Loading starts OpenBLAS's thread pool, one thread per core beyond the
 * first, unless OPENBLAS_NUM_THREADS=1 is in the server's environment
 * (pg_ctlcluster, hence make bench, clears it); each of those threads
 * spins (sched_yield) for about 2^28 cycles, some 100 ms of CPU, before
 * it sleeps, and lowering the thread count does not stop them.  So the
 * pool is shut down at once; with one thread BLAS runs in the caller and
 * never starts it again.  Builds without a pool (serial, OpenMP) lack the
 * shutdown function or make it a no-op.
 */
static void *
OpenBlas(void)
{
	void	   *lib = dlopen(MLOPS_BLAS_LIBRARY, RTLD_NOW | RTLD_LOCAL | BLAS_DEEPBIND);
	void		(*set_threads) (int);
	int			(*shutdown) (void);

	if (lib == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("could not load library \"%s\": %s",
						MLOPS_BLAS_LIBRARY, dlerror())));
	set_threads = BlasSymbol(lib, "openblas_set_num_threads");
	set_threads(1);
	shutdown = dlsym(lib, "blas_thread_shutdown_");
	if (shutdown != NULL)
		shutdown();
	return lib;
}

/*
 * OpenBLAS chooses its kernels by the CPU's model, and on a model newer
 * than it knows falls back to Prescott's (SSE3) though the CPU may have
 * AVX2 and FMA: then it is loaded again with OPENBLAS_CORETYPE=Haswell,
 * whose kernels need only those (linear training 15% faster on such a
 * machine, bench/README.md).  Not when the server's environment chooses,
 * and not when the library stays loaded (another user holds it).
 */
static void *
OpenBlasWithKernels(void)
{
	void	   *lib = OpenBlas();

#if defined(__x86_64__) && defined(__GNUC__)
	char	   *(*corename) (void) = dlsym(lib, "openblas_get_corename");

	if (corename != NULL && getenv("OPENBLAS_CORETYPE") == NULL &&
		pg_strcasecmp(corename(), "Prescott") == 0 &&
		__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
		dlclose(lib) == 0)
	{
		/* the pool is stopped: nothing runs in the library as it unloads */
		setenv("OPENBLAS_CORETYPE", "Haswell", 0);
		lib = OpenBlas();
		unsetenv("OPENBLAS_CORETYPE");
		corename = dlsym(lib, "openblas_get_corename");
		elog(DEBUG2, "OpenBLAS fell back to Prescott's kernels on a CPU with AVX2, now %s",
			 corename ? corename() : "?");
	}
#endif
	return lib;
}

static void
LoadBlas(void)
{
	void	   *lib;

	if (likely(blas.loaded))
		return;
	lib = OpenBlasWithKernels();
	blas.dtpqrt = BlasSymbol(lib, "dtpqrt_");
	blas.dtrtri = BlasSymbol(lib, "dtrtri_");
	blas.dtrcon = BlasSymbol(lib, "dtrcon_");
	blas.dtrsv = BlasSymbol(lib, "cblas_dtrsv");
	blas.dnrm2 = BlasSymbol(lib, "cblas_dnrm2");
	blas.dpotrf = BlasSymbol(lib, "dpotrf_");
	blas.dsyrk = BlasSymbol(lib, "cblas_dsyrk");
	blas.dgemv = BlasSymbol(lib, "cblas_dgemv");
	blas.dgemm = BlasSymbol(lib, "cblas_dgemm");
	blas.dsyev = BlasSymbol(lib, "dsyev_");
	blas.loaded = true;
}

/* dtpqrt on column-major blocks: R (n x n) over B (m x n, rows l trapezoidal) */
static void
Dtpqrt(int m, int n, int l, double *R, double *B, int ldb)
{
	blasint		bm = m,
				bn = n,
				bl = l,
				nb = Min(QR_BLOCK, n),
				ldr = n,
				bldb = ldb,
				info;
	double	   *t;
	double	   *work;

	CheckDims("dtpqrt", m >= 0 && n >= 1 && l >= 0 && l <= Min(m, n) &&
			  ldb >= Max(1, m));
	t = palloc(sizeof(double) * nb * n);
	work = palloc(sizeof(double) * nb * n);
	LoadBlas();
	blas.dtpqrt(&bm, &bn, &bl, &nb, R, &ldr, B, &bldb, t, &nb, work, &info);
	if (info != 0)
		elog(ERROR, "dtpqrt failed with info %d", (int) info);
	pfree(t);
	pfree(work);
}

/*
 * Fold m rows B (m x n, leading dimension ldb) into the upper triangle R
 * (n x n, leading dimension n).  B is overwritten.
 */
void
MlopsQrAbsorbRows(double *R, int n, double *B, int m, int ldb)
{
	if (m > 0)
		Dtpqrt(m, n, 0, R, B, ldb);
}

/*
 * Fold the upper triangle R2 into R (both n x n): the R factor of the two
 * stacked triangles, which is the R factor of the union of their rows.
 */
void
MlopsQrAbsorbTriangle(double *R, const double *R2, int n)
{
	double	   *b = palloc(sizeof(double) * n * n);

	memcpy(b, R2, sizeof(double) * n * n);
	Dtpqrt(n, n, n, R, b, n);
	pfree(b);
}

/*
 * Solve R x = b (or R' x = b) in place for the leading k x k upper
 * triangle of R.  The caller has checked that the diagonal is nonzero.
 */
void
MlopsTriSolve(const double *R, int ld, int k, double *x, bool transpose)
{
	CheckDims("dtrsv", k >= 0 && ld >= Max(1, k));
	LoadBlas();
	blas.dtrsv(CblasColMajor, CblasUpper,
			   transpose ? CblasTrans : CblasNoTrans,
			   CblasNonUnit, k, R, ld, x, 1);
}

/*
 * Factor the symmetric n x n matrix A (its upper triangle) as U'U in
 * place, U upper triangular.  Returns 0, or when A is not positive
 * definite the 1-based order of the first leading minor that is not.
 * Then U solves with MlopsTriSolve (U' then U) and inverts with
 * MlopsTriInverse, as an R factor does.
 */
int
MlopsCholesky(double *A, int n)
{
	blasint		bn = n,
				info;

	CheckDims("dpotrf", n >= 1);
	LoadBlas();
	blas.dpotrf("U", &bn, A, &bn, &info, 1);
	if (info < 0)
		elog(ERROR, "dpotrf failed with info %d", (int) info);
	return (int) info;
}

/*
 * Eigenvalues and eigenvectors of the symmetric n x n matrix A (its upper
 * triangle), with LAPACK's dsyev (implicit QL/QR: orthonormal vectors,
 * every eigenvalue to about eps |A|): w gets the eigenvalues in ascending
 * order, A the eigenvectors as its columns in the same order.  Returns 0,
 * or, when the iteration did not converge, LAPACK's count of the
 * off-diagonal elements that did not reach zero.  A must be finite (NaN
 * can keep the iteration from ending); the caller checks.
 */
int
MlopsSymmetricEigen(double *A, int n, double *w)
{
	blasint		bn = n,
				lwork = -1,
				info;
	double		query;
	double	   *work;

	CheckDims("dsyev", n >= 1);
	LoadBlas();
	blas.dsyev("V", "U", &bn, A, &bn, w, &query, &lwork, &info, 1, 1);
	if (info != 0)
		elog(ERROR, "dsyev workspace query failed with info %d", (int) info);
	lwork = Max((blasint) query, 3 * bn);
	work = palloc(sizeof(double) * lwork);
	blas.dsyev("V", "U", &bn, A, &bn, w, work, &lwork, &info, 1, 1);
	pfree(work);
	if (info < 0)
		elog(ERROR, "dsyev failed with info %d", (int) info);
	return (int) info;
}

/*
 * C += A'A on the upper triangle of the n x n matrix C, A being k rows of
 * n values, row r at A + r * ld (a row-major block).
 */
void
MlopsSyrkRows(double *C, int n, const double *A, int k, int ld)
{
	MlopsSyrkRowsInto(C, n, n, A, k, ld);
}

/* The same into the leading n x n block of a column-major C of stride ldc. */
void
MlopsSyrkRowsInto(double *C, int ldc, int n, const double *A, int k, int ld)
{
	CheckDims("dsyrk", n >= 1 && k >= 0 && ld >= n && ldc >= n);
	if (k == 0)
		return;
	LoadBlas();
	blas.dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, n, k, 1.0, A, ld,
			   1.0, C, ldc);
}

/*
 * y = A'x, A being k rows of n values (row r at A + r * ld), x k values
 * with stride incx.
 */
void
MlopsGemvRows(const double *A, int k, int n, int ld, const double *x,
			  int incx, double *y)
{
	CheckDims("dgemv", n >= 1 && k >= 0 && ld >= n && incx >= 1);
	LoadBlas();
	blas.dgemv(CblasColMajor, CblasNoTrans, n, k, 1.0, A, ld, x, incx, 0.0, y, 1);
}

/*
 * C += op(A) op(B) for column-major matrices: C m x n (leading dimension
 * ldc), op(A) m x k, op(B) k x n, op(X) = X' when its flag is set.
 */
void
MlopsGemmAdd(bool transa, bool transb, int m, int n, int k, const double *A,
			 int lda, const double *B, int ldb, double *C, int ldc)
{
	CheckDims("dgemm", m >= 1 && n >= 1 && k >= 0 && ldc >= m &&
			  lda >= Max(1, transa ? k : m) && ldb >= Max(1, transb ? n : k));
	if (k == 0)
		return;
	LoadBlas();
	blas.dgemm(CblasColMajor, transa ? CblasTrans : CblasNoTrans,
			   transb ? CblasTrans : CblasNoTrans, m, n, k, 1.0, A, lda,
			   B, ldb, 1.0, C, ldc);
}

/* Replace the leading k x k upper triangle of R by its inverse. */
void
MlopsTriInverse(double *R, int ld, int k)
{
	blasint		bk = k,
				bld = ld,
				info;

	CheckDims("dtrtri", k >= 1 && ld >= k);
	LoadBlas();
	blas.dtrtri("U", "N", &bk, R, &bld, &info, 1, 1);
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
	double	   *s;
	double	   *work;
	blasint    *iwork;
	double		rcond = 0.0;
	blasint		bk = k,
				info;
	int			i,
				j;

	CheckDims("dtrcon", k >= 1 && ld >= k);
	s = palloc(sizeof(double) * k * k);
	work = palloc(sizeof(double) * 3 * k);
	iwork = palloc(sizeof(blasint) * k);
	LoadBlas();
	for (j = 0; j < k; j++)
	{
		double		norm = blas.dnrm2(j + 1, R + (size_t) j * ld, 1);

		for (i = 0; i < k; i++)
			s[(size_t) j * k + i] = (i <= j && norm > 0) ?
				R[(size_t) j * ld + i] / norm : 0.0;
	}
	blas.dtrcon("1", "U", "N", &bk, s, &bk, &rcond, work, iwork, &info,
				1, 1, 1);
	if (info != 0)
		elog(ERROR, "dtrcon failed with info %d", (int) info);
	pfree(s);
	pfree(work);
	pfree(iwork);
	return rcond;
}
