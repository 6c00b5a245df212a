/*-------------------------------------------------------------------------
 *
 * algo_logistic.c
 *	  Logistic regression, binary and multinomial, by Newton's method on
 *	  the penalised log-likelihood.
 *
 * The model: for K classes, the first the reference, class k >= 1 has
 * coefficients b_k over [1 | x] (intercept first), eta_k = b_k'[1|x],
 * eta_0 = 0, and P(class k) = softmax(eta)_k.  Binary models are K = 2,
 * whose coefficients are the log-odds of the second class against the
 * first, as R's glm reports them for a two-level factor.
 *
 * Training minimises -loglik + (alpha/2) |w|^2 (intercepts unpenalised;
 * alpha = 1/C of scikit-learn).  Each Newton iteration is one aggregate
 * pass (mlops._logistic_state) that sums, over the training rows, the
 * gradient of the log-likelihood (in double-double: the optimum is where
 * it cancels to zero, and its accuracy is the coefficients' accuracy)
 * and the Hessian, at the current coefficients; the leader solves the
 * Newton system by Cholesky.  A step that raises the objective is halved.
 * The iteration stops when the step is below tol relative to the
 * coefficients: Newton converges quadratically, so the coefficients it
 * then returns are exact to about tol^2, and the Hessian of the last pass,
 * which gives the Wald standard errors, is the one at the optimum to
 * about tol.
 *
 * Scans: on a big table Newton starts from fits on two block samples, so
 * that two to four passes over every row remain; the first of those also
 * confirms classes train.c listed from a sample (pass.h), and the one the
 * previous step predicts to be the last also evaluates the model (the
 * generic evaluation aggregate as a second column of the same scan).
 *
 * Separation: when a combination of the features separates the classes,
 * the likelihood has no maximum; Newton's steps then stop shrinking while
 * some fitted probability reaches 0 or 1 in double precision.  That is
 * reported as an ERROR naming the columns of the growing direction (with
 * alpha > 0 the optimum is always finite).  A finite optimum, even with
 * fitted probabilities within 1e-10 of 0 or 1, is reached with shrinking
 * steps and never trips it.
 *
 * IDENTIFICATION
 *	  src/algo_logistic.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"

#include "algorithm.h"
#include "artifact.h"

#ifndef FRONTEND
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"

#include "algo_linear.h"
#include "ddouble.h"
#include "linalg.h"
#include "pass.h"
#include "pass_state.h"
#include "preprocess.h"
#endif

extern const MlopsAlgorithmRoutine mlops_logistic_routine;

#define LOGISTIC_ID 3			/* mlops_logistic_routine.id */

/* The family's part of a decoded model. */
typedef struct LogisticModel
{
	int			p;				/* parameters per class: nfeat + 1 */
	double	   *coef;			/* (K - 1) x p, class after class, intercept first */
	double	   *std_error;		/* the same layout; NaN when unknown */
} LogisticModel;

/* exp(eta_k) / sum exp(eta) over the K classes, eta_0 = 0, without overflow */
static void
Softmax(const double *eta, int K, double *prob)
{
	double		mx = 0;
	double		sum = 0;
	int			k;

	for (k = 1; k < K; k++)
		mx = Max(mx, eta[k]);
	for (k = 0; k < K; k++)
	{
		prob[k] = exp((k == 0 ? 0 : eta[k]) - mx);
		sum += prob[k];
	}
	for (k = 0; k < K; k++)
		prob[k] /= sum;
}

/* eta_k = b_k'[1|x] for k = 1 .. K-1 (eta[0] = 0) */
static void
Eta(const double *coef, int p, int K, const double *restrict x, double *eta)
{
	int			k;
	int			j;

	eta[0] = 0;
	for (k = 1; k < K; k++)
	{
		const double *restrict b = coef + (Size) (k - 1) * p;
		double		s = 0;

		for (j = 1; j < p; j++)
			s += b[j] * x[j - 1];
		eta[k] = s + b[0];
	}
}

/* Class probabilities; binary ones from the log-odds, each side accurate. */
static void
LogisticProba(const MlopsModel *m, const double *x, double *out)
{
	const LogisticModel *lm = (const LogisticModel *) m->payload;
	double		eta[MLOPS_MAX_CLASSES];

	Eta(lm->coef, lm->p, m->nclasses, x, eta);
	if (m->nclasses == 2)
	{
		double		e = exp(-fabs(eta[1]));

		out[eta[1] >= 0 ? 1 : 0] = 1.0 / (1.0 + e);
		out[eta[1] >= 0 ? 0 : 1] = e / (1.0 + e);
		return;
	}
	Softmax(eta, m->nclasses, out);
}

/* The most probable class, the first of a tie. */
static double
LogisticPredict(const MlopsModel *m, const double *x)
{
	double		prob[MLOPS_MAX_CLASSES];

	LogisticProba(m, x, prob);
	return MlopsArgmax(prob, m->nclasses);
}

static int
LogisticOutputs(const MlopsModel *m)
{
	return m->nclasses;
}

/* After the common part: f64 coef[(K-1) p], f64 std_error[(K-1) p]. */
static void
LogisticEncode(const MlopsModel *m, StringInfo buf)
{
	const LogisticModel *lm = (const LogisticModel *) m->payload;
	Size		n = (Size) (m->nclasses - 1) * lm->p;
	Size		i;

	for (i = 0; i < n; i++)
		MlopsPutF64(buf, lm->coef[i]);
	for (i = 0; i < n; i++)
		MlopsPutF64(buf, lm->std_error[i]);
}

static bool
LogisticDecode(MlopsReader *r, MlopsModel *m, const char **error)
{
	LogisticModel *lm;
	Size		n;
	Size		i;

	if (m->nclasses < 2)
	{
		*error = "a logistic model needs two or more classes";
		return false;
	}
	n = (Size) (m->nclasses - 1) * (m->nfeat + 1);
	if (r->left != 2 * n * sizeof(double))
	{
		*error = "invalid logistic model length";
		return false;
	}
	lm = palloc(sizeof(LogisticModel));
	lm->p = m->nfeat + 1;
	lm->coef = palloc(sizeof(double) * n);
	lm->std_error = palloc(sizeof(double) * n);
	for (i = 0; i < n; i++)
		if (!isfinite(lm->coef[i] = MlopsGetF64(r)))
			r->ok = false;
	for (i = 0; i < n; i++)
	{
		lm->std_error[i] = MlopsGetF64(r);
		if (isinf(lm->std_error[i]) || lm->std_error[i] < 0)
			r->ok = false;
	}
	if (!r->ok)
	{
		*error = "invalid logistic model coefficients";
		return false;
	}
	m->payload = lm;
	return true;
}

#ifndef FRONTEND

/* Hyperparameters (MlopsAlgorithmRoutine.params). */
typedef struct LogisticParams
{
	double		alpha;			/* L2 penalty on the non-intercept coefficients */
	int			max_iter;
	double		tol;			/* relative Newton step at which to stop */
} LogisticParams;

/*
 * Most coefficients a fit may have ((K - 1) x (nfeat + 1)): the Hessian of
 * that many is 32 MB, factored by the leader once per iteration.
 */
#define LOGISTIC_MAX_PARAMS 2048

/*
 * The pass state (mlops.pass_state, pass kind LOGISTIC_PASS_NEWTON):
 * dims[0] = K classes, dims[1] = p = nfeat + 1 parameters per class,
 * dims[2] = the rows a buffer holds and dims[3] = the rows in it now; the
 * header counts training rows (nrows), held-out and skipped ones.  Body,
 * m = (K - 1) p:
 *	 [0,1] deviance (-2 loglik, double-double)  [2] max |eta|
 *	 [3 .. 3+2m) gradient of the log-likelihood (double-double pairs)
 *	 then the Hessian of -loglik, m x m column-major (upper triangle used)
 *	 then the buffer of B rows, each [1|x] then for two classes the
 *	 residual y - p and the weight p (1 - p), for more the residuals
 *	 onehot(y)_k - p_k of each class k >= 1, then their probabilities p_k
 *	 (row-major: a row is appended to one run of memory)
 * Rows are buffered and folded in by blocks (X'r by dgemv; X'WX by dsyrk,
 * or for K > 2 each of the (K-1)K/2 blocks X' diag(p_k (delta_kl - p_l)) X
 * by dgemm), which costs a fraction of a row-by-row rank-one update.
 * A state that has seen no row with every value has no dimensions yet
 * (nfeat -1, empty body) and only counts.
 */
#define LOGISTIC_PASS_NEWTON 1
#define LS_DEV		0
#define LS_MAXETA	2
#define LS_G		3
#define LS_H(m)		(LS_G + 2 * (Size) (m))
#define LS_BUF(m)	(LS_H(m) + (Size) (m) * (m))
#define LS_BUFCOLS(p, K) ((p) + 2 * ((K) - 1))
#define LS_LEN(m, p, K, b)	(LS_BUF(m) + (Size) (b) * LS_BUFCOLS(p, K))
#define LS_K(st)	((st)->dims[0])
#define LS_P(st)	((st)->dims[1])
#define LS_BUFCAP(st) ((st)->dims[2])
#define LS_NBUF(st)	((st)->dims[3])
#define LS_M(st)	((LS_K(st) - 1) * LS_P(st))

/* Rows a state buffers: about 256 KB of them, an even number. */
static inline int
BufferRows(int p, int K)
{
	return Max(16, Min(1024, (32768 / LS_BUFCOLS(p, K)) & ~1));
}

/*
 * The reason a state's logistic fields do not match its body, or NULL:
 * K and p in range, (K-1) p within the limit, the buffer's dimensions,
 * the body exactly LS_LEN.  O(1): it runs for every row.
 */
static inline const char *
StateProblem(const MlopsPassState *st)
{
	if (st->pass != LOGISTIC_PASS_NEWTON || st->flags != 0)
		return "its pass or flags are wrong";
	if (st->nfeat < 0)
	{
		if (st->nfeat != -1 || LS_K(st) != 0 || LS_P(st) != 0 ||
			LS_BUFCAP(st) != 0 || LS_NBUF(st) != 0 || st->nrows != 0 ||
			MLOPS_PASS_STATE_NDOUBLES(st) != 0)
			return "it has rows or a body but no dimensions";
		return NULL;
	}
	if (LS_K(st) < 2 || LS_K(st) > MLOPS_MAX_CLASSES ||
		st->nfeat > MLOPS_MAX_FEATURES || LS_P(st) != st->nfeat + 1 ||
		(int64) (LS_K(st) - 1) * LS_P(st) > LOGISTIC_MAX_PARAMS)
		return "its class or parameter count is out of range";
	if (LS_BUFCAP(st) < 1 || LS_BUFCAP(st) > 4096 ||
		LS_NBUF(st) < 0 || LS_NBUF(st) >= LS_BUFCAP(st) || st->nrows < LS_NBUF(st))
		return "its buffer length is out of range";
	if (MLOPS_PASS_STATE_NDOUBLES(st) !=
		LS_LEN(LS_M(st), LS_P(st), LS_K(st), LS_BUFCAP(st)))
		return "its length does not match its header";
	return NULL;
}

/* MlopsAlgorithmRoutine.state_problem */
static const char *
LogisticStateProblem(const MlopsPassState *st)
{
	return StateProblem(st);
}

#define StateArg(fcinfo, n) \
	MlopsPassStateArg((fcinfo), (n), LOGISTIC_ID, StateProblem)

static MlopsPassState *
NewState(int K, int p)
{
	int			b = K > 0 ? BufferRows(p, K) : 0;
	int32		dims[MLOPS_PASS_STATE_NDIMS] = {K, p, b, 0};

	return MlopsPassStateNew(CurrentMemoryContext, LOGISTIC_ID, LOGISTIC_PASS_NEWTON,
							 0, K > 0 ? p - 1 : -1, dims,
							 K > 0 ? LS_LEN((K - 1) * p, p, K, b) : 0);
}

/*
 * Fold n buffered rows (row r at x + r * ld, laid out as AddRow appends
 * them) into the sums of st: X'r into the gradient, X'WX into the
 * Hessian.  The buffer is scratch afterwards: binary rows are scaled in
 * place by sqrt(w).
 */
static void
FoldRows(MlopsPassState *st, double *x, int ld, int n)
{
	int			p = LS_P(st);
	int			K = LS_K(st);
	int			m = LS_M(st);
	double	   *g = st->data + LS_G;
	double	   *H = st->data + LS_H(m);
	double		gx[MLOPS_MAX_FEATURES + 1];
	double	   *t;
	int			i;
	int			j;
	int			k;
	int			l;

	if (n == 0)
		return;
	for (k = 1; k < K; k++)
	{
		MlopsGemvRows(x, n, p, ld, x + p + k - 1, ld, gx);
		for (j = 0; j < p; j++)
			DDAdd(&g[2 * ((k - 1) * p + j)], &g[2 * ((k - 1) * p + j) + 1], gx[j]);
	}
	if (K == 2)
	{
		for (i = 0; i < n; i++)
		{
			double	   *row = x + (Size) i * ld;
			double		sw = sqrt(row[p + 1]);

			for (j = 0; j < p; j++)
				row[j] *= sw;
		}
		MlopsSyrkRows(H, p, x, n, ld);
		return;
	}
	/* block (k, l) of the Hessian, k <= l: X' diag(p_k (delta_kl - p_l)) X */
	t = palloc(sizeof(double) * n * p);
	for (k = 1; k < K; k++)
		for (l = k; l < K; l++)
		{
			for (i = 0; i < n; i++)
			{
				const double *row = x + (Size) i * ld;
				double		w = row[p + K - 2 + k] *
					((k == l ? 1.0 : 0.0) - row[p + K - 2 + l]);

				for (j = 0; j < p; j++)
					t[(Size) i * p + j] = row[j] * w;
			}
			MlopsGemmAdd(false, true, p, p, n, t, p, x, ld,
						 H + (Size) (l - 1) * p * m + (Size) (k - 1) * p, m);
		}
	pfree(t);
}

/* Fold a state's buffer into its sums. */
static void
FlushBuffer(MlopsPassState *st)
{
	if (LS_NBUF(st) > 0)
	{
		FoldRows(st, st->data + LS_BUF(LS_M(st)), LS_BUFCOLS(LS_P(st), LS_K(st)),
				 LS_NBUF(st));
		LS_NBUF(st) = 0;
	}
}

/* MlopsAlgorithmRoutine.state_compact: an idle buffer is zeros, not sent. */
static void
LogisticStateCompact(MlopsPassState *st)
{
	if (st->nfeat >= 0)
	{
		FlushBuffer(st);
		memset(st->data + LS_BUF(LS_M(st)), 0,
			   sizeof(double) * LS_BUFCAP(st) * LS_BUFCOLS(LS_P(st), LS_K(st)));
	}
}

/*
 * Add one training row of class y: its deviance and |eta| to the sums,
 * and to the buffer [1|x] with what the Hessian and gradient need (see
 * the state's layout): the gradient of the log-likelihood is
 * (onehot(y) - prob) x [1|x] for each class k >= 1, the Hessian of
 * -loglik prob_k (delta_kl - prob_l) [1|x][1|x]'.
 */
static void
AddRow(double *d, const double *coef, int K, int p, const double *x, int y,
	   double *buf, int32 *nbuf)
{
	double		eta[MLOPS_MAX_CLASSES];
	double		prob[MLOPS_MAX_CLASSES];
	double		dev;
	int			n = *nbuf;
	double	   *row;
	int			k;

	Eta(coef, p, K, x, eta);
	if (K == 2)
	{
		double		e = exp(-fabs(eta[1]));
		double		t = y == 1 ? -eta[1] : eta[1];

		prob[1] = eta[1] >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
		prob[0] = eta[1] >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
		/* 2 softplus(t), with the exp(-|t|) already at hand */
		dev = 2 * (Max(t, 0.0) + log1p(e));
	}
	else
	{
		double		mx = 0;
		double		sum = 0;

		for (k = 1; k < K; k++)
			mx = Max(mx, eta[k]);
		for (k = 0; k < K; k++)
			sum += exp(eta[k] - mx);
		Softmax(eta, K, prob);
		dev = 2 * (mx + log(sum) - eta[y]);
	}
	DDAdd(&d[LS_DEV], &d[LS_DEV + 1], dev);
	for (k = 1; k < K; k++)
		d[LS_MAXETA] = Max(d[LS_MAXETA], fabs(eta[k]));

	row = buf + (Size) n * LS_BUFCOLS(p, K);
	row[0] = 1.0;
	memcpy(row + 1, x, sizeof(double) * (p - 1));
	for (k = 1; k < K; k++)
		row[p + k - 1] = (y == k ? 1.0 : 0.0) - prob[k];
	if (K == 2)
		row[p + 1] = prob[1] * prob[0];
	else
		for (k = 1; k < K; k++)
			row[p + K - 2 + k] = prob[k];
	*nbuf = n + 1;
}

/*
 * The transition work of both forms: options (coef, test_size, seed) at
 * opt .. opt+2; the row (x == NULL: it holds a NULL, skipped) with its
 * class index y.  The state is updated in place.
 */
static Datum
LogisticAccum(FunctionCallInfo fcinfo, int opt, const double *x, int nfeat,
			  double y)
{
	ArrayType  *coefarr;
	MlopsPassState *st;
	const double *coef;
	double		test_size;
	int64		seed;
	int			m;
	int			j;

	MlopsPassStateCheckAggregate(fcinfo, "_logistic_state");
	for (j = opt; j < opt + 3; j++)
		if (PG_ARGISNULL(j))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("_logistic_state options must not be NULL")));
	coefarr = PG_GETARG_ARRAYTYPE_P(opt);
	test_size = PG_GETARG_FLOAT8(opt + 1);
	seed = PG_GETARG_INT64(opt + 2);
	st = PG_ARGISNULL(0) ? NewState(0, 0) : StateArg(fcinfo, 0);
	MlopsPassStateCheckCanCountRow(st);
	if (x == NULL)
	{
		st->nskipped++;
		PG_RETURN_POINTER(st);
	}
	if (st->nfeat < 0)
	{
		/* the coefficients' length says K, the row's width p */
		int			p = nfeat + 1;
		MlopsPassState *sized;

		m = ARR_NDIM(coefarr) == 1 ? ARR_DIMS(coefarr)[0] : 0;
		if (nfeat > MLOPS_MAX_FEATURES || m < p || m % p != 0 ||
			m / p + 1 > MLOPS_MAX_CLASSES || m > LOGISTIC_MAX_PARAMS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid coefficients for _logistic_state"),
					 errdetail("A row of %d features needs (K - 1) x %d coefficients, at most %d.",
							   nfeat, p, LOGISTIC_MAX_PARAMS)));
		sized = NewState(m / p + 1, p);
		sized->nskipped = st->nskipped;
		sized->nheld = st->nheld;
		st = sized;
	}
	m = LS_M(st);
	if (ARR_NDIM(coefarr) != 1 || ARR_ELEMTYPE(coefarr) != FLOAT8OID ||
		ARR_DIMS(coefarr)[0] != m ||
		(ARR_HASNULL(coefarr) && array_contains_nulls(coefarr)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid coefficients for _logistic_state"),
				 errdetail("The state has %d parameters.", m)));
	if (nfeat != st->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training row has %d features, expected %d", nfeat, st->nfeat)));
	if (!(y >= 0 && y < LS_K(st) && y == floor(y)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid class index %g for _logistic_state", y)));
	for (j = 0; j < nfeat; j++)
		if (!isfinite(x[j]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("feature %d is %s in a training row", j + 1,
							isnan(x[j]) ? "NaN" : "infinite"),
					 errhint("Filter the row out, or replace the value.")));
	if (test_size > 0 && MlopsRowIsTest(x, nfeat, y, seed, test_size))
	{
		st->nheld++;
		PG_RETURN_POINTER(st);
	}
	coef = (const double *) ARR_DATA_PTR(coefarr);
	for (j = 0; j < m && (st->nrows == 0 || !MlopsPassStateArgIsStable(fcinfo, opt)); j++)
		if (!isfinite(coef[j]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid coefficients for _logistic_state"),
					 errdetail("Coefficient %d is not finite.", j + 1)));
	st->nrows++;
	AddRow(st->data, coef, LS_K(st), LS_P(st), x, (int) y, st->data + LS_BUF(m),
		   &LS_NBUF(st));
	if (LS_NBUF(st) == LS_BUFCAP(st))
	{
		CHECK_FOR_INTERRUPTS();
		FlushBuffer(st);
	}
	PG_RETURN_POINTER(st);
}

/*
 * _logistic_state(coef, test_size, seed, VARIADIC class, features...)
 * transition: the row as separate float8 arguments, the class index first.
 */
PG_FUNCTION_INFO_V1(mlops_logistic_accum_args);
Datum
mlops_logistic_accum_args(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	double		y = 0;
	const double *x = MlopsTrainingRowArgs(fcinfo, 4, &nfeat, &y);

	return LogisticAccum(fcinfo, 1, x, nfeat, y);
}

/*
 * _logistic_state(features, class, coef, test_size, seed) transition:
 * the row as an array, past MLOPS_MAX_ARGS_FEATURES features.
 */
PG_FUNCTION_INFO_V1(mlops_logistic_accum);
Datum
mlops_logistic_accum(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	double		y = 0;
	const double *x = NULL;

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		y = PG_GETARG_FLOAT8(2);
		x = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(1), &nfeat);
	}
	return LogisticAccum(fcinfo, 3, x, nfeat, y);
}

/* Combine two _logistic_state states; either may be NULL. */
PG_FUNCTION_INFO_V1(mlops_logistic_combine);
Datum
mlops_logistic_combine(PG_FUNCTION_ARGS)
{
	MlopsPassState *a;
	MlopsPassState *b;
	MlopsPassCounts counts;
	Size		i;
	int			m;

	if (!MlopsPassStateCombineArgs(fcinfo, LOGISTIC_ID, StateProblem,
								   "_logistic_state combine", &a, &b))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	MlopsPassStateMergedCounts(a, b, &counts);
	if (a->nfeat < 0 && b->nfeat >= 0)
	{
		/* a has only counts: b's sums become the state's */
		MlopsPassState *t = a;

		a = MlopsPassStateCopy(b);
		b = t;
	}
	if (b->nfeat >= 0)
	{
		if (LS_K(a) != LS_K(b) || LS_P(a) != LS_P(b))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("cannot merge logistic states of %d and %d classes, %d and %d features",
							LS_K(a), LS_K(b), a->nfeat, b->nfeat)));
		m = LS_M(a);
		{
			/* b may be read-only: its buffered rows are folded from a copy */
			int			bb = LS_BUFCAP(b);
			Size		n = (Size) bb * LS_BUFCOLS(LS_P(b), LS_K(b));
			double	   *copy = palloc(sizeof(double) * n);

			FlushBuffer(a);
			memcpy(copy, b->data + LS_BUF(m), sizeof(double) * n);
			FoldRows(a, copy, LS_BUFCOLS(LS_P(b), LS_K(b)), LS_NBUF(b));
			pfree(copy);
		}
		DDMerge(&a->data[LS_DEV], &b->data[LS_DEV]);
		a->data[LS_MAXETA] = Max(a->data[LS_MAXETA], b->data[LS_MAXETA]);
		for (i = 0; i < (Size) m; i++)
			DDMerge(&a->data[LS_G + 2 * i], &b->data[LS_G + 2 * i]);
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < (Size) m * m; i++)
			a->data[LS_H(m) + i] += b->data[LS_H(m) + i];
	}
	MlopsPassStateSetCounts(a, &counts);
	PG_RETURN_POINTER(a);
}

/*
 * Refuse, before the first scan, a fit whose memory would exceed
 * maintenance_work_mem: a pass state per worker and the leader's copies
 * of the Hessian.
 */
static void
CheckMemory(int nfeat, int m)
{
	MlopsPassStateCheckMemory(mlops_logistic_routine.state_fit, nfeat,
							  sizeof(double) * (LS_LEN(m, nfeat + 1, m / (nfeat + 1) + 1,
													   BufferRows(nfeat + 1, m / (nfeat + 1) + 1)) +
												(Size) 2 * m * m));
}

/* What one pass measured at the coefficients it was given. */
typedef struct PassResult
{
	double		ntrain;
	double		nheld;
	double		nskipped;
	double		deviance;
	double		max_eta;
	double	   *g;				/* m: gradient of the log-likelihood */
	double	   *H;				/* m x m: Hessian of -loglik, upper */
	Datum		eval;			/* the evaluation run in the pass, if any */
	bool		eval_isnull;
	bool		reclass;		/* a label is not one of the sampled classes */
} PassResult;

/*
 * Run one pass at coef (m values), over the sample's blocks or every row,
 * and read what it summed.  False when it found no training row: an
 * error, unless over a sample.
 */
static bool
RunLogisticPass(MlopsTrainJob *job, const double *coef, int m,
				const char *sample, bytea *eval_artifact, PassResult *out)
{
	Datum	   *c = palloc(sizeof(Datum) * m);
	Oid			types[4] = {FLOAT8ARRAYOID, FLOAT8OID, INT8OID, BYTEAOID};
	Datum		values[4];
	Datum		cols[3];
	bool		nulls[3];
	const char *check = sample == NULL ? job->class_check_sql : NULL;
	char	   *also = NULL;
	int			ncols = 1;
	bool		isnull;
	Datum		state;
	MlopsPassState *st;
	const double *d;
	int			i;

	for (i = 0; i < m; i++)
		c[i] = Float8GetDatum(coef[i]);
	values[0] = PointerGetDatum(construct_array(c, m, FLOAT8OID, sizeof(float8),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[1] = Float8GetDatum(job->test_size);
	values[2] = Int64GetDatum(job->seed);
	values[3] = PointerGetDatum(eval_artifact);
	/* the pass's other columns: the evaluation, the class check */
	if (eval_artifact != NULL)
		also = MlopsEvalCallSql(job, 4);
	if (check != NULL)
		also = also ? psprintf("%s, %s", also, check) : pstrdup(check);
	ncols += (eval_artifact != NULL) + (check != NULL);
	MlopsRunPassColumns(MlopsPassSqlSampled(job, "_logistic_state", "$1, $2, $3", sample, also),
						eval_artifact ? 4 : 3, types, values, ncols, cols, nulls);
	state = cols[0];
	isnull = nulls[0];
	out->reclass = check != NULL && !MlopsClassesConfirmed(job, cols[ncols - 1], nulls[ncols - 1]);
	if (out->reclass)
		return true;
	out->eval_isnull = true;
	if (eval_artifact != NULL && !nulls[1])
	{
		out->eval = PointerGetDatum(DatumGetJsonbPCopy(cols[1]));
		out->eval_isnull = false;
	}
	if (isnull && sample != NULL)
		return false;
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Relation %s has no row with a class and every feature.",
						   job->relname)));
	st = MlopsPassStateCopy(MlopsPassStateFromDatum(state, LOGISTIC_ID, StateProblem));
	if (st->nfeat >= 0)
		FlushBuffer(st);
	out->ntrain = st->nrows;
	out->nheld = st->nheld;
	out->nskipped = st->nskipped;
	if (st->nrows == 0 && sample != NULL)
		return false;
	if (st->nrows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Relation %s has no training row with a class and every feature.",
						   job->relname)));
	if (LS_K(st) != job->nclasses || st->nfeat != job->nfeat)
		elog(ERROR, "logistic pass returned a state of another shape");
	d = st->data;
	out->deviance = d[LS_DEV] + d[LS_DEV + 1];
	out->max_eta = d[LS_MAXETA];
	out->g = palloc(sizeof(double) * m);
	for (i = 0; i < m; i++)
		out->g[i] = d[LS_G + 2 * i] + d[LS_G + 2 * i + 1];
	out->H = palloc(sizeof(double) * m * m);
	memcpy(out->H, d + LS_H(m), sizeof(double) * m * m);
	return true;
}

/* whether parameter i is an intercept (not penalised) */
static inline bool
IsIntercept(int i, int p)
{
	return i % p == 0;
}

/* The penalised objective -loglik + (alpha/2) |w|^2 (deviance is -2 loglik). */
static double
Objective(const PassResult *r, const double *coef, int m, int p, double alpha)
{
	double		pen = 0;
	int			i;

	for (i = 0; i < m; i++)
		if (!IsIntercept(i, p))
			pen += coef[i] * coef[i];
	return r->deviance / 2 + alpha / 2 * pen;
}

/* A singular Hessian: a column that is a combination of the ones before it. */
static void
ReportSingular(const MlopsTrainJob *job, int bad)
{
	int			p = job->nfeat + 1;
	int			col = (bad - 1) % p;

	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 col == 0 ?
			 errmsg("cannot fit class \"%s\" of target column \"%s\": its Hessian is singular",
					job->classes[(bad - 1) / p + 1], job->target) :
			 errmsg("design matrix is singular: column \"%s\" is constant or a linear combination of the columns before it",
					job->features[col - 1]),
			 errhint("Drop the column, or set alpha > 0 for a penalised fit.")));
}

/*
 * The Newton step at coef: (H + alpha I') step = g - alpha w'.  H is
 * replaced by its Cholesky factor (for the standard errors).  Returns 0,
 * or for a singular H the 1-based parameter where it fails (a column
 * that is a combination of the ones before it, or a class without rows).
 */
static int
NewtonStep(const MlopsTrainJob *job, PassResult *r, const double *coef,
		   int m, double alpha, double *step)
{
	int			p = job->nfeat + 1;
	int			bad;
	int			i;

	for (i = 0; i < m; i++)
	{
		step[i] = r->g[i] - (IsIntercept(i, p) ? 0 : alpha * coef[i]);
		if (!IsIntercept(i, p))
			r->H[(Size) i * m + i] += alpha;
	}
	bad = MlopsCholesky(r->H, m);
	if (bad != 0)
		return bad;
	MlopsTriSolve(r->H, m, m, step, true);
	MlopsTriSolve(r->H, m, m, step, false);
	return 0;
}

static double
Norm(const double *v, int n)
{
	double		s = 0;
	int			i;

	for (i = 0; i < n; i++)
		s += v[i] * v[i];
	return sqrt(s);
}

/*
 * Coefficients growing without bound: report the classes (multinomial)
 * or columns whose coefficients the steps keep pushing.
 */
static void
ReportSeparation(const MlopsTrainJob *job, const double *step, int m, int iter)
{
	int			p = job->nfeat + 1;
	double		big = 0;
	StringInfoData cols;
	int			n = 0;
	int			i;

	for (i = 0; i < m; i++)
		if (!IsIntercept(i, p))
			big = Max(big, fabs(step[i]));
	initStringInfo(&cols);
	for (i = 0; i < m && n < 5; i++)
		if (!IsIntercept(i, p) && fabs(step[i]) >= 0.3 * big)
		{
			appendStringInfo(&cols, "%s\"%s\"", n ? ", " : "", job->features[i % p - 1]);
			if (job->nclasses > 2)
				appendStringInfo(&cols, " (class \"%s\")", job->classes[i / p + 1]);
			n++;
		}
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("the classes of target column \"%s\" are separated by the features, so the fit has no finite optimum",
					job->target),
			 errdetail("After %d iterations some fitted probabilities are 0 or 1 in double precision and the coefficients keep growing along %s.",
					   iter, cols.data),
			 errhint("Set alpha > 0 for a finite penalised fit, or drop the separating columns.")));
}

/* Two-sided p value of a standard normal z. */
static double
NormalTwoSidedP(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

/* How a Newton run ended. */
typedef enum NewtonEnd
{
	NEWTON_CONVERGED,
	NEWTON_MAX_ITER,
	NEWTON_SEPARATED,			/* step: the growing direction */
	NEWTON_SINGULAR,			/* *bad: where the Hessian fails */
	NEWTON_EMPTY,				/* a sample without training rows */
	NEWTON_RECLASS				/* classes incomplete: train again (pass.h) */
} NewtonEnd;

/* The version's artifact at coefficients coef with standard errors se. */
static bytea *
LogisticArtifact(const MlopsTrainJob *job, double *coef, double *se)
{
	MlopsModel	model;
	LogisticModel lm;

	lm.p = job->nfeat + 1;
	lm.coef = coef;
	lm.std_error = se;
	memset(&model, 0, sizeof(model));
	model.algo = &mlops_logistic_routine;
	model.nfeat = job->nfeat;
	model.feature_names = job->features;
	model.spec = job->spec;
	model.nclasses = job->nclasses;
	model.classes = job->classes;
	model.label_kind = job->label_kind;
	model.payload = &lm;
	return MlopsArtifactEncode(&model);
}

/*
 * Newton iterations from coef (updated), one pass each over the sample
 * or every row, until the step is below tol relative to the coefficients
 * (they are then exact to about tol^2, and the last pass's Hessian, in r,
 * is the one at them to about tol) or max_iter passes; a step that raises
 * the objective is halved, as glm does.  *iters gets the passes run.
 *
 * With fold_eval, a pass that the last step predicts to be the last one
 * (quadratic convergence: a relative step s makes the next about s^2)
 * also runs the evaluation of the model at its coefficients, in the same
 * scan; when it does end the iteration, r->eval holds the metrics, which
 * are those of coefficients within tol of the ones returned.
 */
static NewtonEnd
Newton(MlopsTrainJob *job, const LogisticParams *params, double *coef,
	   const char *sample, double tol, int max_iter, bool fold_eval,
	   PassResult *r, double *step, int *iters, int *bad)
{
	int			p = job->nfeat + 1;
	int			m = (job->nclasses - 1) * p;
	double	   *prev = palloc(sizeof(double) * m);
	double		prev_obj = get_float8_infinity();
	double		prev_step = get_float8_infinity();
	int			slow = 0;
	int			i;

	memcpy(prev, coef, sizeof(double) * m);
	for (*iters = 1;; (*iters)++)
	{
		double		obj;
		double		sn;
		double		rel = prev_step / (Norm(coef, m) + tol);
		bytea	   *eval = NULL;

		CHECK_FOR_INTERRUPTS();
		if (fold_eval && 10 * rel * rel <= tol)
		{
			double	   *nan = palloc(sizeof(double) * m);

			for (i = 0; i < m; i++)
				nan[i] = get_float8_nan();
			eval = LogisticArtifact(job, coef, nan);
		}
		if (!RunLogisticPass(job, coef, m, sample, eval, r))
			return NEWTON_EMPTY;
		if (r->reclass)
			return NEWTON_RECLASS;
		if (r->ntrain < m && params->alpha == 0)
		{
			if (sample != NULL)
				return NEWTON_EMPTY;
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("not enough rows to fit %d parameters, got %.0f", m, r->ntrain),
					 errhint("Add rows, drop features, or set alpha > 0.")));
		}
		obj = Objective(r, coef, m, p, params->alpha);
		if (obj > prev_obj * (1 + 1e-12) && *iters <= max_iter)
		{
			for (i = 0; i < m; i++)
				coef[i] = (coef[i] + prev[i]) / 2;
			continue;
		}
		if ((*bad = NewtonStep(job, r, coef, m, params->alpha, step)) != 0)
			return NEWTON_SINGULAR;
		sn = Norm(step, m);

		/*
		 * Converged: the step is below tol, or it stopped shrinking at a
		 * size that only rounding explains.
		 */
		if (sn <= tol * (Norm(coef, m) + tol) ||
			(sn <= 1e-8 * Norm(coef, m) && sn >= 0.5 * prev_step))
		{
			for (i = 0; i < m; i++)
				coef[i] += step[i];
			return NEWTON_CONVERGED;
		}
		/* separation: steps that stop shrinking with probabilities at 0 or 1 */
		slow = (sn > 0.5 * prev_step) ? slow + 1 : 0;
		if (params->alpha == 0 && *iters >= 6 && slow >= 3 && r->max_eta > 36)
			return NEWTON_SEPARATED;
		if (*iters >= max_iter)
			return NEWTON_MAX_ITER;
		memcpy(prev, coef, sizeof(double) * m);
		for (i = 0; i < m; i++)
			coef[i] += step[i];
		prev_obj = obj;
		prev_step = sn;
	}
}

/*
 * Rows the warm start fits on: enough that the full passes start within
 * about 1% of the optimum, whence Newton needs two to four of them (on
 * the bench table 3 for 2 classes, 4 for 3; 4 and 4 with 100,000 rows).
 */
#define WARM_START_ROWS 200000.0

/*
 * The family's train callback.  On a table much bigger than
 * WARM_START_ROWS, Newton first runs on a block sample of about that many
 * rows (TABLESAMPLE SYSTEM, repeatable from the seed): it costs a
 * fraction of one scan, and any trouble there (separation, a singular
 * Hessian, an empty sample) only means starting from zero.  Then Newton
 * on every training row, one pass per iteration, and the held-out rows'
 * metrics through the generic evaluation pass.
 */
static void
LogisticTrain(MlopsTrainJob *job)
{
	const LogisticParams *params = (const LogisticParams *) job->params;
	int			K = job->nclasses;
	int			p = job->nfeat + 1;
	int			m = (K - 1) * p;
	double	   *coef = palloc0(sizeof(double) * m);
	double	   *step = palloc0(sizeof(double) * m);
	char	   *sample;
	int			sample_iters = 0;
	int			stage;
	bool		converged;
	NewtonEnd	end;
	PassResult	r;
	double	   *se;
	bool		folded;
	StringInfoData s;
	int			iter;
	int			bad;
	int			i;

	if (m > LOGISTIC_MAX_PARAMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a logistic fit of %d classes and %d features has %d coefficients, more than %d",
						K, job->nfeat, m, LOGISTIC_MAX_PARAMS)));
	CheckMemory(job->nfeat, m);

	/*
	 * A small sample first, whence the big one needs a pass or two; the
	 * big one as big as the table allows, up to WARM_START_ROWS.  A
	 * sample's optimum is about 1e-2 from the table's (relative), so
	 * Newton on it stops at a relative step of 1e-2 (then exact to about
	 * 1e-4): converging it further would not bring the table's closer.
	 */
	for (stage = 0; stage < 2; stage++)
	{
		double		rows = stage == 0 ? WARM_START_ROWS / 10 : WARM_START_ROWS;
		int			it = 0;

		sample = MlopsSampleClause(job, Max(rows, 100.0 * m * (stage == 0 ? 1 : 10)));
		if (sample == NULL && stage == 1)
			sample = MlopsSampleClause(job, Max(rows / 2, 1000.0 * m));
		if (sample == NULL)
			continue;
		end = Newton(job, params, coef, sample, 1e-2, Min(params->max_iter, 50),
					 false, &r, step, &it, &bad);
		sample_iters += it;
		if (end != NEWTON_CONVERGED)
			memset(coef, 0, sizeof(double) * m);
	}
	end = Newton(job, params, coef, NULL, params->tol, params->max_iter, true,
				 &r, step, &iter, &bad);
	if (end == NEWTON_RECLASS)
		return;
	if (end == NEWTON_SINGULAR)
		ReportSingular(job, bad);
	if (end == NEWTON_SEPARATED)
		ReportSeparation(job, step, m, iter);
	converged = end == NEWTON_CONVERGED;
	if (!converged)
		ereport(WARNING,
				(errmsg("logistic regression on target column \"%s\" did not converge in %d iterations",
						job->target, params->max_iter),
				 errhint("Raise max_iter or tol, scale the features, or set alpha > 0.")));
	for (i = 0; i < m; i++)
		if (!isfinite(coef[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("coefficients overflowed double precision"),
					 errhint("Rescale the features, or set alpha > 0.")));

	/* Wald standard errors: the diagonal of H^-1 = U^-1 U^-T (U from the last pass) */
	se = palloc(sizeof(double) * m);
	MlopsTriInverse(r.H, m, m);
	for (i = 0; i < m; i++)
	{
		double		v = 0;
		int			j;

		for (j = i; j < m; j++)
			v += r.H[(Size) j * m + i] * r.H[(Size) j * m + i];
		se[i] = params->alpha == 0 ? sqrt(v) : get_float8_nan();
	}
	job->artifact = LogisticArtifact(job, coef, se);
	job->n_train = (int64) r.ntrain;

	/* the last pass evaluated the model when it was predicted to be the last */
	folded = converged && !r.eval_isnull;
	initStringInfo(&s);
	appendStringInfo(&s, "{\"n_train\": %.0f, \"rows_skipped\": %.0f, \"iterations\": %d, "
					 "\"sample_iterations\": %d, \"passes\": %d, \"converged\": %s",
					 r.ntrain, r.nskipped, iter, sample_iters, iter + (folded ? 0 : 1),
					 converged ? "true" : "false");
	MlopsJsonNumber(&s, "deviance", r.deviance);
	appendStringInfoChar(&s, '}');
	if (folded)
		job->metrics = MlopsEvalFinish(job, r.eval, false, MlopsJsonbFromString(s.data));
	else
		job->metrics = MlopsEvaluateHeldOut(job, MlopsJsonbFromString(s.data));
}

/*
 * mlops.coefficients rows: (term, estimate, std_error, z, p value); the
 * terms of a multinomial model are "<class>:<term>".
 */
static void
LogisticCoefficients(const MlopsModel *m, ReturnSetInfo *rsinfo)
{
	const LogisticModel *lm = (const LogisticModel *) m->payload;
	int			k;
	int			j;

	for (k = 1; k < m->nclasses; k++)
		for (j = 0; j < lm->p; j++)
		{
			Size		i = (Size) (k - 1) * lm->p + j;
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};
			const char *term = MlopsLinearTerm(m, j - 1);
			double		se = lm->std_error[i];

			values[0] = CStringGetTextDatum(m->nclasses == 2 ? term :
											psprintf("%s:%s", m->classes[k], term));
			values[1] = Float8GetDatum(lm->coef[i]);
			if (isnan(se))
				nulls[2] = nulls[3] = nulls[4] = true;
			else
			{
				values[2] = Float8GetDatum(se);
				if (se > 0)
				{
					values[3] = Float8GetDatum(lm->coef[i] / se);
					values[4] = Float8GetDatum(NormalTwoSidedP(lm->coef[i] / se));
				}
				else
					nulls[3] = nulls[4] = true;
			}
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
}

static const MlopsParamDef logistic_params[] = {
	{"alpha", MLOPS_PARAM_REAL, offsetof(LogisticParams, alpha), 0, 0, 0, NULL},
	{"max_iter", MLOPS_PARAM_INT, offsetof(LogisticParams, max_iter), 100, 1, 10000, NULL},
	{"tol", MLOPS_PARAM_REAL, offsetof(LogisticParams, tol), 1e-8, 1e-15, 1, NULL},
	{NULL, 0, 0, 0, 0, 0, NULL}
};

/* MlopsAlgorithmRoutine.drops_reference: the likelihood, unpenalised */
static bool
LogisticDropsReference(const void *params)
{
	return ((const LogisticParams *) params)->alpha == 0;
}

#endif							/* !FRONTEND */

const MlopsAlgorithmRoutine mlops_logistic_routine = {
	.name = "logistic",
	.title = "Logistic regression",
	.id = LOGISTIC_ID,
	.task = MLOPS_TASK_CLASSIFICATION,
	.encode = LogisticEncode,
	.decode = LogisticDecode,
	.predict = LogisticPredict,
	.outputs = LogisticOutputs,
	.predict_vector = LogisticProba,
#ifndef FRONTEND
	.params = logistic_params,
	.params_size = sizeof(LogisticParams),
	.train = LogisticTrain,
	.confirms_classes = true,
	.coefficients = LogisticCoefficients,
	.drops_reference = LogisticDropsReference,
	.state_problem = LogisticStateProblem,
	.state_compact = LogisticStateCompact,
#endif
	.state_fit = "logistic fit",
};
