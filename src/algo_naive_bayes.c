/*-------------------------------------------------------------------------
 *
 * algo_naive_bayes.c
 *	  Gaussian naive Bayes, as scikit-learn's GaussianNB: one aggregate
 *	  pass of per-class counts, means and variances.
 *
 * The model: for K classes, class k has a prior (its share of the
 * training rows), a mean theta_kj and a variance var_kj of every feature
 * j.  var_kj is the class's population variance (divided by n_k) plus
 * epsilon = var_smoothing * the largest population variance of any
 * feature over all training rows, as sklearn's var_smoothing * np.var(X,
 * axis=0).max().  A row's class probabilities are sklearn's
 * predict_proba: the joint log likelihood
 *
 *	 jll_k = log prior_k - 1/2 sum_j log(2 pi var_kj)
 *			 - 1/2 sum_j (x_j - theta_kj)^2 / var_kj
 *
 * normalised by its logsumexp, in that order of operations.  A row so far
 * from every class that each jll is -Infinity (squared distances beyond
 * double precision) goes wholly to the class of smallest standardised
 * distance, the limit of the posterior, rather than to NaN.
 *
 * Training is one pass, mlops._naive_bayes_state, an mlops.pass_state
 * (pass_state.c) whose dims[0] is K and whose body is, per class, its
 * count and then, per feature, the mean and M2 (sum of squared
 * deviations) as double-doubles: Welford's update per row, Chan's formula
 * to merge states, both in double-double, so that a parallel or a
 * distributed fit equals the serial one and both are the exact moments
 * to far below the rounding of the doubles stored in the model.  The
 * moments of all rows, for epsilon, are the Chan merge of the classes'.
 * Rows of the test split (MlopsRowIsTest of the row and its class index,
 * as every family decides it) are counted, not absorbed.
 *
 * Every argument is validated as if an attacker called it (the support
 * functions are not executable by PUBLIC, but may be granted): every
 * state argument is checked (StateArg: the generic header, then
 * StateProblem: pass, flags, class and feature counts, length) before a
 * byte of its body is read; a class's count is checked before it is
 * used, and a merge checks every count of both sides.
 *
 * IDENTIFICATION
 *	  src/algo_naive_bayes.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "lib/stringinfo.h"

#include "algorithm.h"
#include "artifact.h"

#ifndef FRONTEND
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "pass.h"
#include "pass_state.h"
#include "preprocess.h"
#endif

extern const MlopsAlgorithmRoutine mlops_naive_bayes_routine;

/* The family's part of a decoded model. */
typedef struct NaiveBayesModel
{
	double	   *log_prior;		/* K */
	double	   *theta;			/* K x nfeat, class after class */
	double	   *var;			/* K x nfeat, epsilon included */
	double	   *log_norm;		/* K: -1/2 sum_j log(2 pi var_kj), derived */
} NaiveBayesModel;

/*
 * The joint log likelihood of every class for x, as sklearn computes it.
 * Returns false when every class's is -Infinity (x beyond double
 * precision from every class); jll is then -Infinity throughout.
 */
static bool
JointLogLikelihood(const MlopsModel *m, const double *restrict x, double *jll)
{
	const NaiveBayesModel *nb = (const NaiveBayesModel *) m->payload;
	int			p = m->nfeat;
	bool		finite = false;
	int			k;
	int			j;

	for (k = 0; k < m->nclasses; k++)
	{
		const double *restrict theta = nb->theta + (Size) k * p;
		const double *restrict var = nb->var + (Size) k * p;
		double		sq = 0;

		for (j = 0; j < p; j++)
		{
			double		d = x[j] - theta[j];

			sq += d * d / var[j];
		}
		jll[k] = nb->log_prior[k] + (nb->log_norm[k] - 0.5 * sq);
		finite |= isfinite(jll[k]);
	}
	return finite;
}

/* log |a - b|, also when a - b overflows */
static inline double
LogAbsDiff(double a, double b)
{
	double		d = a - b;

	if (isinf(d))
		return log(fabs(a / 2 - b / 2)) + M_LN2;
	return log(fabs(d));
}

/*
 * For x beyond double precision from every class: the class of smallest
 * sum_j (x_j - theta_kj)^2 / var_kj, compared through its logarithm (the
 * first of a tie).
 */
static int
NearestClass(const MlopsModel *m, const double *x)
{
	const NaiveBayesModel *nb = (const NaiveBayesModel *) m->payload;
	int			p = m->nfeat;
	int			best = 0;
	double		best_lq = 0;
	int			k;
	int			j;

	for (k = 0; k < m->nclasses; k++)
	{
		const double *theta = nb->theta + (Size) k * p;
		const double *var = nb->var + (Size) k * p;
		double		tmax = -DBL_MAX;
		double		s = 0;
		double		lq;

		/* log sum_j exp(t_j), t_j = 2 log |x_j - theta_j| - log var_j */
		for (j = 0; j < p; j++)
			tmax = Max(tmax, 2 * LogAbsDiff(x[j], theta[j]) - log(var[j]));
		for (j = 0; j < p; j++)
			s += exp(2 * LogAbsDiff(x[j], theta[j]) - log(var[j]) - tmax);
		lq = tmax + log(s);
		if (k == 0 || lq < best_lq)
		{
			best = k;
			best_lq = lq;
		}
	}
	return best;
}

/*
 * Class probabilities: exp(jll - logsumexp(jll)), as predict_proba,
 * computed as exp(jll - max) / sum: when the joint log likelihoods are
 * beyond 2^53 in magnitude, max + log(sum) rounds to max, and the
 * logsumexp form would give every tied class a probability of 1.
 */
static void
NaiveBayesProba(const MlopsModel *m, const double *x, double *out)
{
	double		jll[MLOPS_MAX_CLASSES];
	int			K = m->nclasses;
	double		mx;
	double		s = 0;
	int			k;

	if (!JointLogLikelihood(m, x, jll))
	{
		int			best = NearestClass(m, x);

		for (k = 0; k < K; k++)
			out[k] = k == best ? 1.0 : 0.0;
		return;
	}
	mx = jll[MlopsArgmax(jll, K)];
	for (k = 0; k < K; k++)
		s += (out[k] = exp(jll[k] - mx));
	for (k = 0; k < K; k++)
		out[k] /= s;
}

/* The most probable class (largest joint log likelihood, the first of a tie). */
static double
NaiveBayesPredict(const MlopsModel *m, const double *x)
{
	double		jll[MLOPS_MAX_CLASSES];

	if (!JointLogLikelihood(m, x, jll))
		return NearestClass(m, x);
	return MlopsArgmax(jll, m->nclasses);
}

static int
NaiveBayesOutputs(const MlopsModel *m)
{
	return m->nclasses;
}

/* After the common part: f64 log_prior[K], theta[K nfeat], var[K nfeat]. */
static void
NaiveBayesEncode(const MlopsModel *m, StringInfo buf)
{
	const NaiveBayesModel *nb = (const NaiveBayesModel *) m->payload;
	Size		n = (Size) m->nclasses * m->nfeat;
	Size		i;

	for (i = 0; i < (Size) m->nclasses; i++)
		MlopsPutF64(buf, nb->log_prior[i]);
	for (i = 0; i < n; i++)
		MlopsPutF64(buf, nb->theta[i]);
	for (i = 0; i < n; i++)
		MlopsPutF64(buf, nb->var[i]);
}

/*
 * -1/2 sum_j log(2 pi var_kj) of a class, the part of its joint log
 * likelihood besides the prior that does not depend on x; false unless
 * finite.
 */
static bool
LogNorm(const double *var, int p, double *out)
{
	double		s = 0;
	int			j;

	for (j = 0; j < p; j++)
		s += log(2.0 * M_PI * var[j]);
	*out = -0.5 * s;
	return isfinite(*out);
}

static bool
NaiveBayesDecode(MlopsReader *r, MlopsModel *m, const char **error)
{
	NaiveBayesModel *nb;
	int			K = m->nclasses;
	Size		n;
	Size		i;

	if (K < 2)
	{
		*error = "a naive Bayes model needs two or more classes";
		return false;
	}
	n = (Size) K * m->nfeat;
	if (r->left != (K + 2 * n) * sizeof(double))
	{
		*error = "invalid naive Bayes model length";
		return false;
	}
	nb = palloc(sizeof(NaiveBayesModel));
	nb->log_prior = palloc(sizeof(double) * K);
	nb->theta = palloc(sizeof(double) * n);
	nb->var = palloc(sizeof(double) * n);
	nb->log_norm = palloc(sizeof(double) * K);
	for (i = 0; i < (Size) K; i++)
	{
		nb->log_prior[i] = MlopsGetF64(r);
		if (!(isfinite(nb->log_prior[i]) && nb->log_prior[i] <= 0))
			r->ok = false;
	}
	for (i = 0; i < n; i++)
		if (!isfinite(nb->theta[i] = MlopsGetF64(r)))
			r->ok = false;
	for (i = 0; i < n; i++)
	{
		nb->var[i] = MlopsGetF64(r);
		if (!(isfinite(nb->var[i]) && nb->var[i] > 0))
			r->ok = false;
	}
	/* log(2 pi var) finite for every variance: the jll is never NaN */
	for (i = 0; r->ok && i < (Size) K; i++)
		if (!LogNorm(nb->var + i * m->nfeat, m->nfeat, &nb->log_norm[i]))
			r->ok = false;
	if (!r->ok)
	{
		*error = "invalid naive Bayes model parameters";
		return false;
	}
	m->payload = nb;
	return true;
}

#ifndef FRONTEND

/* Hyperparameters (MlopsAlgorithmRoutine.params). */
typedef struct NaiveBayesParams
{
	double		var_smoothing;	/* epsilon / the largest feature variance */
} NaiveBayesParams;

/*
 * The pass state: dims[0] = K, the other dims zero; nfeat -1 (and no
 * body) until the first row with every value; then per class STRIDE(p)
 * doubles: the count, then per feature mean (hi, lo) and M2 (hi, lo).
 */
#define NB_PASS_MOMENTS 1
#define NB_K(st)		((st)->dims[0])
#define NB_STRIDE(p)	(1 + 4 * (Size) (p))
#define NB_CLASS(st, k)	((st)->data + (Size) (k) * NB_STRIDE((st)->nfeat))

/* counts are exact in a double below 2^53 */
#define NB_MAX_COUNT	9007199254740992.0

/* double-double arithmetic: hi + lo, |lo| <= ulp(hi) / 2 */
typedef struct DD
{
	double		hi;
	double		lo;
} DD;

static inline DD
DDNorm(double s, double e)
{
	DD			r;

	r.hi = s + e;
	r.lo = e - (r.hi - s);
	return r;
}

static inline DD
DDSum(DD a, DD b)
{
	double		s = a.hi + b.hi;
	double		bb = s - a.hi;
	double		e = (a.hi - (s - bb)) + (b.hi - bb);

	return DDNorm(s, e + a.lo + b.lo);
}

static inline DD
DDNeg(DD a)
{
	a.hi = -a.hi;
	a.lo = -a.lo;
	return a;
}

static inline DD
DDProd(DD a, DD b)
{
	double		p = a.hi * b.hi;
	double		e = fma(a.hi, b.hi, -p);

	return DDNorm(p, e + (a.hi * b.lo + a.lo * b.hi));
}

/* a * b for a double b (the counts: exact integers) */
static inline DD
DDScale(DD a, double b)
{
	double		p = a.hi * b;
	double		e = fma(a.hi, b, -p);

	return DDNorm(p, e + a.lo * b);
}

/* a / b for a double b != 0 */
static inline DD
DDDiv(DD a, double b)
{
	double		q = a.hi / b;
	double		p = q * b;
	double		pe = fma(q, b, -p);

	return DDNorm(q, (((a.hi - p) - pe) + a.lo) / b);
}

static inline DD
DDGet(const double *v)
{
	DD			r;

	r.hi = v[0];
	r.lo = v[1];
	return r;
}

static inline void
DDPut(double *v, DD a)
{
	v[0] = a.hi;
	v[1] = a.lo;
}

/* Welford's update of a class's n (already counting x), mean and M2 by x. */
static inline void
AddValue(double *restrict mean, double *restrict m2, double n, double x)
{
	DD			dx = {x, 0};
	DD			d = DDSum(dx, DDNeg(DDGet(mean)));
	DD			mu = DDSum(DDGet(mean), DDDiv(d, n));

	DDPut(mean, mu);
	DDPut(m2, DDSum(DDGet(m2), DDProd(d, DDSum(dx, DDNeg(mu)))));
}

/*
 * Chan's merge of (nb, mean b, M2 b) into (na, mean a, M2 a), one
 * feature; na and nb are the counts before the merge, both > 0.
 */
static inline void
MergeValue(double *restrict mean_a, double *restrict m2_a, double na,
		   const double *mean_b, const double *m2_b, double nb)
{
	double		n = na + nb;
	DD			delta = DDSum(DDGet(mean_b), DDNeg(DDGet(mean_a)));
	DD			cross = DDDiv(DDScale(DDScale(DDProd(delta, delta), na), nb), n);

	DDPut(mean_a, DDSum(DDGet(mean_a), DDDiv(DDScale(delta, nb), n)));
	DDPut(m2_a, DDSum(DDSum(DDGet(m2_a), DDGet(m2_b)), cross));
}

/* Chan's merge of a whole class of p features (counts before the merge). */
static void
MergeClass(double *a, const double *b, int p)
{
	double		na = a[0];
	double		nb = b[0];
	int			j;

	if (nb == 0)
		return;
	if (na == 0)
		memcpy(a, b, sizeof(double) * NB_STRIDE(p));
	else
	{
		for (j = 0; j < p; j++)
			MergeValue(&a[1 + 4 * j], &a[3 + 4 * j], na,
					   &b[1 + 4 * j], &b[3 + 4 * j], nb);
		a[0] = na + nb;
	}
}

/*
 * The reason a naive Bayes state's header does not describe its body, or
 * NULL; the generic header is already checked.  O(1), reads no byte of
 * the body.
 */
static inline const char *
StateProblem(const MlopsPassState *st)
{
	int32		K = NB_K(st);

	if (st->pass != NB_PASS_MOMENTS || st->flags != 0)
		return "its pass or flags are wrong";
	if (K < 2 || K > MLOPS_MAX_CLASSES)
		return "its class count is out of range";
	if (st->dims[1] != 0 || st->dims[2] != 0 || st->dims[3] != 0)
		return "its unused dimensions are not zero";
	if (st->nfeat < -1 || st->nfeat == 0 || st->nfeat > MLOPS_MAX_FEATURES)
		return "its feature count is out of range";
	if (st->nfeat < 0)
	{
		if (st->nrows != 0 || MLOPS_PASS_STATE_NDOUBLES(st) != 0)
			return "it has rows but no dimensions";
	}
	else if (MLOPS_PASS_STATE_NDOUBLES(st) != (Size) K * NB_STRIDE(st->nfeat))
		return "its length does not match its header";
	return NULL;
}

/* MlopsAlgorithmRoutine.state_problem */
static const char *
NaiveBayesStateProblem(const MlopsPassState *st)
{
	return StateProblem(st);
}

#define StateArg(fcinfo, n) \
	MlopsPassStateArg((fcinfo), (n), mlops_naive_bayes_routine.id, StateProblem)

static void
BadState(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid pass_state value"),
			 errdetail("%s", detail)));
}

/*
 * Refuse, before allocating anything, a fit whose state would exceed
 * maintenance_work_mem (the leader also holds the model, smaller).
 */
static void
CheckMemory(int K, int nfeat)
{
	MlopsPassStateCheckMemory(mlops_naive_bayes_routine.state_fit, nfeat, 0);
	MlopsPassStateCheckMemory(mlops_naive_bayes_routine.state_fit, nfeat,
							  mul_size(2, MlopsPassStateSize(mul_size(K, NB_STRIDE(nfeat)))));
}

/* A zeroed state of K classes and nfeat features (-1: not known yet). */
static MlopsPassState *
NewState(int K, int nfeat)
{
	int32		dims[MLOPS_PASS_STATE_NDIMS] = {K, 0, 0, 0};

	if (nfeat > 0)
		CheckMemory(K, nfeat);
	return MlopsPassStateNew(CurrentMemoryContext, mlops_naive_bayes_routine.id,
							 NB_PASS_MOMENTS, 0, nfeat, dims,
							 nfeat > 0 ? (Size) K * NB_STRIDE(nfeat) : 0);
}

/* A dimensionless state (counts only) given its feature count. */
static MlopsPassState *
SizeState(MlopsPassState *st, int nfeat)
{
	MlopsPassState *sized = NewState(NB_K(st), nfeat);

	sized->nrows = st->nrows;
	sized->nskipped = st->nskipped;
	sized->nheld = st->nheld;
	return sized;
}

/*
 * The transition work of both forms: options (K, test_size, seed, names)
 * from argument opt on, and the row (x == NULL: it holds a NULL) with its
 * class index y.
 */
static Datum
NaiveBayesAccum(FunctionCallInfo fcinfo, int opt, const double *x, int nfeat,
				double y)
{
	MlopsPassState *st;
	ArrayType  *names;
	double		test_size;
	int64		seed;
	int			K;
	double	   *c;
	int			j;

	MlopsPassStateCheckAggregate(fcinfo, "_naive_bayes_state transition");
	for (j = opt; j < opt + 3; j++)
		if (PG_ARGISNULL(j))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("_naive_bayes_state options must not be NULL")));
	K = PG_GETARG_INT32(opt);
	test_size = PG_GETARG_FLOAT8(opt + 1);
	seed = PG_GETARG_INT64(opt + 2);
	names = PG_ARGISNULL(opt + 3) ? NULL : PG_GETARG_ARRAYTYPE_P(opt + 3);
	if (K < 2 || K > MLOPS_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("_naive_bayes_state needs 2 to %d classes, not %d",
						MLOPS_MAX_CLASSES, K)));
	if (PG_ARGISNULL(0))
		st = NewState(K, -1);
	else
		st = StateArg(fcinfo, 0);
	if (NB_K(st) != K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("_naive_bayes_state was given %d classes for a state of %d",
						K, NB_K(st))));
	MlopsPassStateCheckCanCountRow(st);
	if (x == NULL)
	{
		st->nskipped++;
		PG_RETURN_POINTER(st);
	}
	MlopsCheckFinite(x, nfeat, y, names, MlopsPassStateRowsSeen(st) + 1, false);
	if (!(y >= 0 && y < K && y == floor(y)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid class index %g for _naive_bayes_state", y)));
	if (st->nfeat < 0)
		st = SizeState(st, nfeat);
	else if (nfeat != st->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training row has %d features, expected %d",
						nfeat, st->nfeat)));
	if (test_size > 0 && MlopsRowIsTest(x, nfeat, y, seed, test_size))
	{
		st->nheld++;
		PG_RETURN_POINTER(st);
	}

	c = NB_CLASS(st, (int) y);
	if (!(c[0] >= 0 && c[0] <= (double) st->nrows && c[0] == floor(c[0])))
		BadState("A class count is not a whole number of the state's rows.");
	c[0] += 1;
	for (j = 0; j < nfeat; j++)
		AddValue(&c[1 + 4 * j], &c[3 + 4 * j], c[0], x[j]);
	st->nrows++;
	PG_RETURN_POINTER(st);
}

/*
 * _naive_bayes_state(nclasses, test_size, seed, names, VARIADIC class,
 * features...) transition: the row as separate float8 arguments, the
 * class index first.
 */
PG_FUNCTION_INFO_V1(mlops_naive_bayes_accum_args);
Datum
mlops_naive_bayes_accum_args(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	double		y = 0;
	const double *x = MlopsTrainingRowArgs(fcinfo, 5, &nfeat, &y);

	return NaiveBayesAccum(fcinfo, 1, x, nfeat, y);
}

/*
 * _naive_bayes_state(features, class, nclasses, test_size, seed, names)
 * transition: the row as an array, past MLOPS_MAX_ARGS_FEATURES features.
 */
PG_FUNCTION_INFO_V1(mlops_naive_bayes_accum);
Datum
mlops_naive_bayes_accum(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	double		y = 0;
	const double *x = NULL;

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		y = PG_GETARG_FLOAT8(2);
		x = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(1), &nfeat);
	}
	return NaiveBayesAccum(fcinfo, 3, x, nfeat, y);
}

/* Every class count of a state whole, and their sum its row count. */
static void
CheckCounts(const MlopsPassState *st)
{
	double		sum = 0;
	int			k;

	if (st->nfeat < 0)
		return;
	for (k = 0; k < NB_K(st); k++)
	{
		double		n = NB_CLASS(st, k)[0];

		if (!(n >= 0 && n <= NB_MAX_COUNT && n == floor(n)))
			BadState("A class count is not a whole number.");
		sum += n;
	}
	if (sum != (double) st->nrows)
		BadState("The class counts do not add up to the state's rows.");
}

/* Combine two _naive_bayes_state states; either may be NULL. */
PG_FUNCTION_INFO_V1(mlops_naive_bayes_combine);
Datum
mlops_naive_bayes_combine(PG_FUNCTION_ARGS)
{
	MlopsPassState *a;
	MlopsPassState *b;
	MlopsPassCounts counts;
	int			k;

	if (!MlopsPassStateCombineArgs(fcinfo, mlops_naive_bayes_routine.id, StateProblem,
								   "_naive_bayes_state combine", &a, &b))
	{
		if (b != NULL)
			CheckCounts(b);
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	CheckCounts(b);
	CheckCounts(a);
	if (NB_K(a) != NB_K(b))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge naive Bayes states of %d and %d classes",
						NB_K(a), NB_K(b))));
	MlopsPassStateMergedCounts(a, b, &counts);
	if (b->nfeat < 0)
	{
		a->nskipped = counts.nskipped;
		a->nheld = counts.nheld;
		PG_RETURN_POINTER(a);
	}
	if (a->nfeat < 0)
		a = SizeState(a, b->nfeat);
	else if (a->nfeat != b->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge naive Bayes states with %d and %d features",
						a->nfeat, b->nfeat)));
	CHECK_FOR_INTERRUPTS();
	for (k = 0; k < NB_K(a); k++)
		MergeClass(NB_CLASS(a, k), NB_CLASS(b, k), a->nfeat);
	MlopsPassStateSetCounts(a, &counts);
	PG_RETURN_POINTER(a);
}

/*
 * Run the pass and return its state, checked against the job; NULL when
 * a row's label is not one of the classes sampled (job->classes_incomplete).
 */
static MlopsPassState *
RunNaiveBayesPass(MlopsTrainJob *job)
{
	Oid			types[4] = {INT4OID, FLOAT8OID, INT8OID, TEXTARRAYOID};
	Datum		values[4];
	Datum		cols[2];
	bool		nulls[2];
	const char *check = job->class_check_sql;
	bool		isnull;
	Datum		state;
	MlopsPassState *st;

	values[0] = Int32GetDatum(job->nclasses);
	values[1] = Float8GetDatum(job->test_size);
	values[2] = Int64GetDatum(job->seed);
	/* names for error messages: the features, then the target */
	values[3] = MlopsTextArray(job->features, job->nfeat, job->target);
	MlopsRunPassColumns(MlopsPassSqlSampled(job, "_naive_bayes_state", "$1, $2, $3, $4",
											NULL, check),
						4, types, values, check ? 2 : 1, cols, nulls);
	if (check != NULL && !MlopsClassesConfirmed(job, cols[1], nulls[1]))
		return NULL;
	state = cols[0];
	isnull = nulls[0];
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Relation %s returned no rows.", job->relname)));
	st = MlopsPassStateFromDatum(state, mlops_naive_bayes_routine.id, StateProblem);
	CheckCounts(st);
	if (st->nrows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Relation %s has no training row with a class and every feature.",
						   job->relname)));
	if (NB_K(st) != job->nclasses || st->nfeat != job->nfeat)
		elog(ERROR, "naive Bayes pass returned a state of another shape");
	return st;
}

/*
 * The family's train callback: the pass, the model from its moments, and
 * the metrics through the generic evaluation pass.
 */
static void
NaiveBayesTrain(MlopsTrainJob *job)
{
	const NaiveBayesParams *params = (const NaiveBayesParams *) job->params;
	int			K = job->nclasses;
	int			p = job->nfeat;
	MlopsPassState *st;
	double	   *all;
	double		maxvar = 0;
	double		epsilon;
	NaiveBayesModel nb;
	MlopsModel	model;
	StringInfoData s;
	int			k;
	int			j;

	CheckMemory(K, p);
	st = RunNaiveBayesPass(job);
	if (st == NULL)
		return;

	/* the moments of all training rows: Chan's merge of the classes' */
	all = palloc0(sizeof(double) * NB_STRIDE(p));
	for (k = 0; k < K; k++)
	{
		const double *c = NB_CLASS(st, k);

		if (c[0] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("class \"%s\" of target column \"%s\" has no training row",
							job->classes[k], job->target),
					 errdetail("Its rows were all held out as the test set or skipped for a NULL."),
					 errhint("Lower test_size, or fill in the NULL values.")));
		MergeClass(all, c, p);
	}
	for (j = 0; j < p; j++)
	{
		double		v = DDDiv(DDGet(&all[3 + 4 * j]), all[0]).hi;

		if (!(v >= 0))
			elog(ERROR, "naive Bayes pass returned a negative variance");
		maxvar = Max(maxvar, v);
	}
	epsilon = params->var_smoothing * maxvar;

	nb.log_prior = palloc(sizeof(double) * K);
	nb.theta = palloc(sizeof(double) * K * p);
	nb.var = palloc(sizeof(double) * K * p);
	nb.log_norm = NULL;
	for (k = 0; k < K; k++)
	{
		const double *c = NB_CLASS(st, k);

		nb.log_prior[k] = log(c[0] / (double) st->nrows);
		for (j = 0; j < p; j++)
		{
			double		v = DDDiv(DDGet(&c[3 + 4 * j]), c[0]).hi + epsilon;

			nb.theta[(Size) k * p + j] = c[1 + 4 * j] + c[2 + 4 * j];
			nb.var[(Size) k * p + j] = v;
			if (v == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("column \"%s\" has variance 0 in class \"%s\" of target column \"%s\"",
								job->features[j], job->classes[k], job->target),
						 errdetail("Its training rows of that class all hold %g, and epsilon (var_smoothing %g times the largest variance of a feature) is 0.",
								   nb.theta[(Size) k * p + j], params->var_smoothing),
						 errhint("Set var_smoothing > 0, or drop the column.")));
			if (!isfinite(log(2.0 * M_PI * v)) || !isfinite(nb.theta[(Size) k * p + j]))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("the variance of column \"%s\" in class \"%s\" of target column \"%s\" is out of range for type double precision",
								job->features[j], job->classes[k], job->target),
						 errhint("Rescale the column.")));
		}
	}

	memset(&model, 0, sizeof(model));
	model.algo = &mlops_naive_bayes_routine;
	model.nfeat = p;
	model.feature_names = job->features;
	model.spec = job->spec;
	model.nclasses = K;
	model.classes = job->classes;
	model.label_kind = job->label_kind;
	model.payload = &nb;
	job->artifact = MlopsArtifactEncode(&model);
	job->n_train = st->nrows;

	initStringInfo(&s);
	appendStringInfo(&s, "{\"n_train\": " INT64_FORMAT ", \"rows_skipped\": " INT64_FORMAT,
					 st->nrows, st->nskipped);
	MlopsJsonNumber(&s, "epsilon", epsilon);
	appendStringInfoChar(&s, '}');
	job->metrics = MlopsEvaluateHeldOut(job, MlopsJsonbFromString(s.data));
}

static const MlopsParamDef naive_bayes_params[] = {
	{"var_smoothing", MLOPS_PARAM_REAL, offsetof(NaiveBayesParams, var_smoothing), 1e-9, 0, 0},
	{NULL, 0, 0, 0, 0, 0}
};

#endif							/* !FRONTEND */

const MlopsAlgorithmRoutine mlops_naive_bayes_routine = {
	.name = "naive_bayes",
	.title = "Gaussian naive Bayes",
	.id = 4,
	.task = MLOPS_TASK_CLASSIFICATION,
	.encode = NaiveBayesEncode,
	.decode = NaiveBayesDecode,
	.predict = NaiveBayesPredict,
	.outputs = NaiveBayesOutputs,
	.predict_vector = NaiveBayesProba,
#ifndef FRONTEND
	.params = naive_bayes_params,
	.params_size = sizeof(NaiveBayesParams),
	.train = NaiveBayesTrain,
	.confirms_classes = true,
	.state_problem = NaiveBayesStateProblem,
#endif
	.state_fit = "naive Bayes fit",
};
