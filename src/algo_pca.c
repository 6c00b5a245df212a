/*-------------------------------------------------------------------------
 *
 * algo_pca.c
 *	  Principal component analysis: one aggregate pass for the mean and
 *	  the co-moment matrix of the features, then the eigen-decomposition
 *	  of the covariance (or, scaled, the correlation) matrix.
 *
 * The model is R's prcomp(x, center = TRUE, scale. = scale == 'standard')
 * and scikit-learn's PCA: component c is the c-th eigenvector of the
 * covariance matrix C / (n - 1) (of the columns divided by their standard
 * deviation with denominator n - 1 when scaled), its explained variance
 * the eigenvalue (prcomp's sdev^2, sklearn's explained_variance_), its
 * ratio the eigenvalue over the trace (the total variance).  Components
 * come in decreasing order of variance; each loading vector's sign is
 * chosen so that its entry of largest magnitude (the first of a tie) is
 * positive, as test/reference/pca.R normalises prcomp's.  The transform
 * of x is ((x - mean) / scale) . loadings, one score per component.
 *
 * The pass (mlops._pca_train_state) keeps, in an mlops.pass_state, the
 * running mean and the co-moment matrix C = sum (x - mean)(x - mean)' of
 * the rows it absorbed: Welford's update per row, C += (x - mean_old)
 * (x - mean_new)', and Chan's formula to merge two states, C = Ca + Cb +
 * d d' na nb / n with d = mean_b - mean_a.  Both are as accurate as the
 * two-pass computation on centred data, in one scan: the raw sums of
 * squares would lose the digits the means share.  The state's dims[0] is
 * the feature count (0 until the first row), its body the mean and then
 * the full p x p matrix, of which the upper triangle is kept.  Nothing is
 * held out: a decomposition learns from every row.
 *
 * Every argument of the support functions is checked as if an attacker
 * made it (StateProblem, on every call): they are not executable by
 * PUBLIC, but a role granted EXECUTE could feed them anything.  A crafted
 * body holding NaN or infinities is refused before LAPACK sees it.
 *
 * IDENTIFICATION
 *	  src/algo_pca.c
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

#include "linalg.h"
#include "pass.h"
#include "pass_state.h"
#include "preprocess.h"
#endif

extern const MlopsAlgorithmRoutine mlops_pca_routine;

/* The family's part of a decoded model. */
typedef struct PcaModel
{
	int			k;				/* components kept */
	bool		scaled;			/* scale = 'standard' */
	double	   *mean;			/* nfeat */
	double	   *scale;			/* nfeat: standard deviations, or 1 */
	double	   *components;		/* k x nfeat, component after component */
	double	   *variance;		/* k: explained variance */
	double	   *ratio;			/* k: explained variance ratio */
} PcaModel;

/*
 * A feature's centre and scale keep every standardised value of a small
 * input finite: (|x| + |mean|) / scale stays below 1e300 for |x| <= 1, so
 * with loadings in [-1, 1] a score of 1600 features cannot overflow.
 */
static inline bool
CentreScaleOk(double mean, double scale)
{
	return isfinite(mean) && isfinite(scale) && scale > 0 &&
		(fabs(mean) + 1) / scale <= 1e300;
}

/* The component scores of x: ((x - mean) / scale) . loadings. */
static void
PcaTransform(const MlopsModel *m, const double *restrict x, double *out)
{
	const PcaModel *pm = (const PcaModel *) m->payload;
	int			p = m->nfeat;
	double		z[MLOPS_MAX_FEATURES];
	int			c;
	int			j;

	for (j = 0; j < p; j++)
		z[j] = (x[j] - pm->mean[j]) / pm->scale[j];
	for (c = 0; c < pm->k; c++)
	{
		const double *restrict l = pm->components + (Size) c * p;
		double		s = 0;

		/* auto-vectorised */
		for (j = 0; j < p; j++)
			s += z[j] * l[j];
		out[c] = s;
	}
}

/*
 * A decomposition predicts nothing (mlops.predict refuses it, predict.c);
 * the callback gives the first component's score, which the generic code
 * may still ask for.
 */
static double
PcaPredict(const MlopsModel *m, const double *x)
{
	const PcaModel *pm = (const PcaModel *) m->payload;
	const double *restrict l = pm->components;
	double		s = 0;
	int			j;

	for (j = 0; j < m->nfeat; j++)
		s += (x[j] - pm->mean[j]) / pm->scale[j] * l[j];
	return s;
}

static int
PcaOutputs(const MlopsModel *m)
{
	return ((const PcaModel *) m->payload)->k;
}

/*
 * After the common part: u32 k, u32 scaled, f64 mean[nfeat], f64
 * scale[nfeat], f64 components[k nfeat], f64 variance[k], f64 ratio[k].
 */
static void
PcaEncode(const MlopsModel *m, StringInfo buf)
{
	const PcaModel *pm = (const PcaModel *) m->payload;
	Size		i;

	MlopsPutU32(buf, (uint32) pm->k);
	MlopsPutU32(buf, pm->scaled ? 1 : 0);
	for (i = 0; i < m->nfeat; i++)
		MlopsPutF64(buf, pm->mean[i]);
	for (i = 0; i < m->nfeat; i++)
		MlopsPutF64(buf, pm->scale[i]);
	for (i = 0; i < (Size) pm->k * m->nfeat; i++)
		MlopsPutF64(buf, pm->components[i]);
	for (i = 0; i < pm->k; i++)
		MlopsPutF64(buf, pm->variance[i]);
	for (i = 0; i < pm->k; i++)
		MlopsPutF64(buf, pm->ratio[i]);
}

static bool
PcaDecode(MlopsReader *r, MlopsModel *m, const char **error)
{
	PcaModel   *pm;
	uint32		k = (uint32) MlopsGetLE(r, 4);
	uint32		scaled = (uint32) MlopsGetLE(r, 4);
	int			p = m->nfeat;
	Size		i;

	if (!r->ok || k < 1 || k > (uint32) p || scaled > 1 || m->nclasses != 0)
	{
		*error = "invalid pca model header";
		return false;
	}
	/* nfeat <= MLOPS_MAX_FEATURES: no overflow */
	if (r->left != sizeof(double) * ((Size) 2 * p + (Size) k * p + 2 * k))
	{
		*error = "invalid pca model length";
		return false;
	}
	pm = palloc(sizeof(PcaModel));
	pm->k = (int) k;
	pm->scaled = scaled == 1;
	pm->mean = palloc(sizeof(double) * p);
	pm->scale = palloc(sizeof(double) * p);
	pm->components = palloc(sizeof(double) * k * p);
	pm->variance = palloc(sizeof(double) * k);
	pm->ratio = palloc(sizeof(double) * k);
	for (i = 0; i < p; i++)
		pm->mean[i] = MlopsGetF64(r);
	for (i = 0; i < p; i++)
	{
		pm->scale[i] = MlopsGetF64(r);
		if (!CentreScaleOk(pm->mean[i], pm->scale[i]) ||
			(!pm->scaled && pm->scale[i] != 1))
			r->ok = false;
	}
	for (i = 0; i < (Size) k * p; i++)
	{
		pm->components[i] = MlopsGetF64(r);
		if (!(fabs(pm->components[i]) <= 1))
			r->ok = false;
	}
	for (i = 0; i < k; i++)
	{
		pm->variance[i] = MlopsGetF64(r);
		if (!(pm->variance[i] >= 0 && isfinite(pm->variance[i])))
			r->ok = false;
	}
	for (i = 0; i < k; i++)
	{
		pm->ratio[i] = MlopsGetF64(r);
		if (!(pm->ratio[i] >= 0 && pm->ratio[i] <= 1))
			r->ok = false;
	}
	if (!r->ok)
	{
		*error = "invalid pca model values";
		return false;
	}
	m->payload = pm;
	return true;
}

#ifndef FRONTEND

/* Hyperparameters (MlopsAlgorithmRoutine.params). */
typedef struct PcaParams
{
	int			n_components;	/* 0: all features */
	int			scale;			/* index in pca_scales */
} PcaParams;

#define PCA_SCALE_NONE 0
#define PCA_SCALE_STANDARD 1

static const char *const pca_scales[] = {"none", "standard", NULL};

/* the kind of pass of a state (MlopsPassState.pass) */
#define PCA_PASS_MOMENTS 1

#define STATE_MEAN(st)	((st)->data)
#define STATE_C(st)		((st)->data + (st)->nfeat)

/* doubles in the body of a state of p features: the mean and C */
static Size
StateDoubles(int p)
{
	return add_size(p, mul_size(p, p));
}

/*
 * The reason a pca state's header does not describe its body, or NULL;
 * the generic header (pass_state.h) is already checked: pass and flags,
 * nfeat in range, dims[0] = nfeat (0 for a state without a row, which
 * has no body and no rows), a sized state has rows (a merge divides by
 * them), the other dimensions zero, and the body's length.  O(1), reads
 * no byte of the body.
 */
static inline const char *
StateProblem(const MlopsPassState *st)
{
	if (st->pass != PCA_PASS_MOMENTS || st->flags != 0)
		return "its pass or flags are wrong";
	if (st->nfeat < -1 || st->nfeat == 0 || st->nfeat > MLOPS_MAX_FEATURES)
		return "its feature count is out of range";
	if (st->dims[0] != Max(st->nfeat, 0) || st->dims[1] != 0 ||
		st->dims[2] != 0 || st->dims[3] != 0)
		return "its dimensions do not match its feature count";
	if (st->nfeat < 0 ? st->nrows != 0 : st->nrows < 1)
		return "its row count does not match its dimensions";
	/* nfeat <= MLOPS_MAX_FEATURES: no overflow */
	if (MLOPS_PASS_STATE_NDOUBLES(st) !=
		(st->nfeat < 0 ? 0 : (Size) st->nfeat * (st->nfeat + 1)))
		return "its length does not match its header";
	return NULL;
}

/* MlopsAlgorithmRoutine.state_problem */
static const char *
PcaStateProblem(const MlopsPassState *st)
{
	return StateProblem(st);
}

#define StateArg(fcinfo, n) \
	MlopsPassStateArg((fcinfo), (n), mlops_pca_routine.id, StateProblem)

/*
 * Refuse, before allocating, a fit whose memory would exceed
 * maintenance_work_mem: the state, and the leader's two p x p copies and
 * the eigen-decomposition's work.
 */
static void
CheckMemory(int nfeat)
{
	/* the feature count first: the sizes below assume it is bounded */
	MlopsPassStateCheckMemory(mlops_pca_routine.state_fit, nfeat, 0);
	MlopsPassStateCheckMemory(mlops_pca_routine.state_fit, nfeat,
							  add_size(MlopsPassStateSize(StateDoubles(nfeat)),
									   mul_size(mul_size(3 * sizeof(double), nfeat),
												nfeat + 2)));
}

/* A state of p features (-1: none yet), counts zero. */
static MlopsPassState *
NewState(MemoryContext cxt, int p)
{
	int32		dims[MLOPS_PASS_STATE_NDIMS] = {Max(p, 0), 0, 0, 0};

	if (p >= 0)
		CheckMemory(p);
	return MlopsPassStateNew(cxt, mlops_pca_routine.id, PCA_PASS_MOMENTS, 0,
							 p, dims, p < 0 ? 0 : StateDoubles(p));
}

/* The upper triangle of C += d (x - mean)' after mean += d / n. */
static void
AddRow(MlopsPassState *st, const double *x)
{
	int			p = st->nfeat;
	double		n = (double) st->nrows;
	double	   *restrict mean = STATE_MEAN(st);
	double	   *restrict C = STATE_C(st);
	double		d[MLOPS_MAX_FEATURES];
	double		e[MLOPS_MAX_FEATURES];
	int			i;
	int			j;

	for (j = 0; j < p; j++)
	{
		d[j] = x[j] - mean[j];
		mean[j] += d[j] / n;
		e[j] = x[j] - mean[j];
	}
	for (j = 0; j < p; j++)
	{
		double	   *restrict col = C + (Size) j * p;
		double		ej = e[j];

		/* auto-vectorised */
		for (i = 0; i <= j; i++)
			col[i] += d[i] * ej;
	}
}

/*
 * The transition work of both forms: absorb one row (x == NULL: it holds
 * a NULL, skipped); names, when given, name the columns in messages.
 */
static Datum
PcaAccum(FunctionCallInfo fcinfo, ArrayType *names, const double *x, int nfeat)
{
	MlopsPassState *st;

	MlopsPassStateCheckAggregate(fcinfo, "_pca_train_state transition");
	if (PG_ARGISNULL(0))
		st = NewState(CurrentMemoryContext, -1);
	else
		st = StateArg(fcinfo, 0);
	MlopsPassStateCheckCanCountRow(st);
	if (x == NULL)
	{
		st->nskipped++;
		PG_RETURN_POINTER(st);
	}
	MlopsCheckFinite(x, nfeat, 0.0, names, MlopsPassStateRowsSeen(st) + 1, false);
	if (st->nfeat < 0)
	{
		MlopsPassState *sized = NewState(CurrentMemoryContext, nfeat);

		sized->nskipped = st->nskipped;
		sized->nheld = st->nheld;
		st = sized;
	}
	else if (nfeat != st->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training row has %d features, expected %d",
						nfeat, st->nfeat)));
	st->nrows++;
	AddRow(st, x);
	if ((st->nrows & 1023) == 0)
		CHECK_FOR_INTERRUPTS();
	PG_RETURN_POINTER(st);
}

/*
 * _pca_train_state(names, VARIADIC features...) transition: the row as
 * separate float8 arguments, which spares building an array per row.
 */
PG_FUNCTION_INFO_V1(mlops_pca_train_accum_args);
Datum
mlops_pca_train_accum_args(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	const double *x = MlopsTrainingRowArgs(fcinfo, 2, &nfeat, NULL);

	return PcaAccum(fcinfo, PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1),
					x, nfeat);
}

/*
 * _pca_train_state(features, names) transition: the row as an array,
 * past MLOPS_MAX_ARGS_FEATURES features.
 */
PG_FUNCTION_INFO_V1(mlops_pca_train_accum);
Datum
mlops_pca_train_accum(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	const double *x = NULL;

	if (!PG_ARGISNULL(1))
		x = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(1), &nfeat);
	return PcaAccum(fcinfo, PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2),
					x, nfeat);
}

/* Merge two states (Chan et al.); either may be NULL. */
PG_FUNCTION_INFO_V1(mlops_pca_combine);
Datum
mlops_pca_combine(PG_FUNCTION_ARGS)
{
	MlopsPassState *a;
	MlopsPassState *b;
	MlopsPassCounts counts;
	double		na;
	double		nb;
	double		w;
	double	   *d;
	int			p;
	int			i;
	int			j;

	if (!MlopsPassStateCombineArgs(fcinfo, mlops_pca_routine.id, StateProblem,
								   "_pca_train_state combine", &a, &b))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	MlopsPassStateMergedCounts(a, b, &counts);
	if (b->nfeat < 0)
	{
		MlopsPassStateSetCounts(a, &counts);
		PG_RETURN_POINTER(a);
	}
	if (a->nfeat < 0)
	{
		a = MlopsPassStateCopy(b);
		MlopsPassStateSetCounts(a, &counts);
		PG_RETURN_POINTER(a);
	}
	if (a->nfeat != b->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge pca states with %d and %d features",
						a->nfeat, b->nfeat)));

	CHECK_FOR_INTERRUPTS();
	p = a->nfeat;
	na = (double) a->nrows;
	nb = (double) b->nrows;
	w = na * nb / (na + nb);
	d = palloc(sizeof(double) * p);
	for (j = 0; j < p; j++)
	{
		d[j] = STATE_MEAN(b)[j] - STATE_MEAN(a)[j];
		STATE_MEAN(a)[j] += d[j] * (nb / (na + nb));
	}
	for (j = 0; j < p; j++)
	{
		double	   *restrict ca = STATE_C(a) + (Size) j * p;
		const double *restrict cb = STATE_C(b) + (Size) j * p;
		double		dj = d[j] * w;

		/* auto-vectorised */
		for (i = 0; i <= j; i++)
			ca[i] += cb[i] + d[i] * dj;
	}
	pfree(d);
	MlopsPassStateSetCounts(a, &counts);
	PG_RETURN_POINTER(a);
}

/* The features' names as the text[] the pass names columns with. */
static Datum
FeatureNames(const MlopsTrainJob *job)
{
	Datum	   *d = palloc(sizeof(Datum) * job->nfeat);
	int			i;

	for (i = 0; i < job->nfeat; i++)
		d[i] = CStringGetTextDatum(job->features[i]);
	return PointerGetDatum(construct_array(d, job->nfeat, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/* Run the pass and return its state, checked, with rows to fit. */
static MlopsPassState *
RunPcaPass(const MlopsTrainJob *job)
{
	Oid			types[1] = {TEXTARRAYOID};
	Datum		values[1];
	bool		isnull;
	Datum		state;
	MlopsPassState *st;

	values[0] = FeatureNames(job);
	state = MlopsRunPass(MlopsPassSql(job, "_pca_train_state", "$1"),
						 1, types, values, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Relation %s has no rows.", job->relname)));
	st = MlopsPassStateFromDatum(state, mlops_pca_routine.id, StateProblem);
	if (st->nfeat < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("All %lld rows had a NULL feature.",
						   (long long) st->nskipped)));
	if (st->nfeat != job->nfeat)
		elog(ERROR, "pca pass returned %d features, expected %d",
			 st->nfeat, job->nfeat);
	if (st->nrows < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("not enough rows for a principal component analysis: it needs 2, got %lld",
						(long long) st->nrows),
				 errhint("Add rows, or filter fewer out.")));
	return st;
}

/* Flip v (n values) so that its entry of largest magnitude, the first of a tie, is positive. */
static void
NormaliseSign(double *v, int n)
{
	int			big = 0;
	int			i;

	for (i = 1; i < n; i++)
		if (fabs(v[i]) > fabs(v[big]))
			big = i;
	if (v[big] < 0)
		for (i = 0; i < n; i++)
			v[i] = -v[i];
}

static void
JsonArray(StringInfo buf, const char *key, const double *v, int n)
{
	int			i;

	appendStringInfo(buf, ", \"%s\": [", key);
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		MlopsJsonValue(buf, v[i]);
	}
	appendStringInfoChar(buf, ']');
}

/*
 * The family's train callback: the pass, the covariance (or correlation)
 * matrix, its eigen-decomposition, the model and its metrics.
 */
static void
PcaTrain(MlopsTrainJob *job)
{
	const PcaParams *params = (const PcaParams *) job->params;
	int			p = job->nfeat;
	int			k = params->n_components > 0 ? params->n_components : p;
	MlopsPassState *st;
	double		n1;
	double	   *mean;
	double	   *scale;
	double	   *A;
	double	   *w;
	double		total = 0;
	double		score = 0;
	PcaModel	pm;
	MlopsModel	model;
	StringInfoData s;
	int			c;
	int			i;
	int			j;

	if (k > p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_components must be at most the number of features, %d, not %d",
						p, k)));
	CheckMemory(p);
	st = RunPcaPass(job);

	/* the covariance matrix (upper triangle), checked before LAPACK sees it */
	n1 = (double) st->nrows - 1;
	mean = palloc(sizeof(double) * p);
	scale = palloc(sizeof(double) * p);
	A = palloc0(sizeof(double) * p * p);
	memcpy(mean, STATE_MEAN(st), sizeof(double) * p);
	for (j = 0; j < p; j++)
		for (i = 0; i <= j; i++)
			A[(Size) j * p + i] = STATE_C(st)[(Size) j * p + i] / n1;
	for (i = 0; i < p; i++)
		if (!isfinite(mean[i]) || !isfinite(A[(Size) i * p + i]) ||
			A[(Size) i * p + i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("the variance of column \"%s\" overflowed double precision",
							job->features[i]),
					 errhint("Rescale the column.")));
	for (i = 0; i < p * p; i++)
		if (!isfinite(A[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("training data overflowed double precision"),
					 errhint("Rescale the features.")));

	/* scale = 'standard': the correlation matrix, as prcomp(scale. = TRUE) */
	for (j = 0; j < p; j++)
	{
		scale[j] = params->scale == PCA_SCALE_STANDARD ?
			sqrt(A[(Size) j * p + j]) : 1.0;
		if (scale[j] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("column \"%s\" is constant, so it cannot be scaled to unit variance",
							job->features[j]),
					 errhint("Drop the column, or train with scale \"none\".")));
		if (!CentreScaleOk(mean[j], scale[j]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("the standard deviation of column \"%s\" is too small for its mean",
							job->features[j]),
					 errhint("Rescale the column, or train with scale \"none\".")));
	}
	if (params->scale == PCA_SCALE_STANDARD)
		for (j = 0; j < p; j++)
			for (i = 0; i <= j; i++)
				A[(Size) j * p + i] = i == j ? 1.0 :
					A[(Size) j * p + i] / scale[i] / scale[j];
	for (j = 0; j < p; j++)
		total += A[(Size) j * p + j];

	w = palloc(sizeof(double) * p);
	CHECK_FOR_INTERRUPTS();
	if (MlopsSymmetricEigen(A, p, w) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("the eigen-decomposition of the covariance matrix did not converge")));

	/* dsyev's order is ascending: component c is column p - 1 - c */
	pm.k = k;
	pm.scaled = params->scale == PCA_SCALE_STANDARD;
	pm.mean = mean;
	pm.scale = scale;
	pm.components = palloc(sizeof(double) * k * p);
	pm.variance = palloc(sizeof(double) * k);
	pm.ratio = palloc(sizeof(double) * k);
	for (c = 0; c < k; c++)
	{
		double	   *l = pm.components + (Size) c * p;

		memcpy(l, A + (Size) (p - 1 - c) * p, sizeof(double) * p);
		NormaliseSign(l, p);
		for (j = 0; j < p; j++)
			l[j] = Max(-1.0, Min(1.0, l[j]));
		/* rounding can leave a zero eigenvalue slightly negative */
		pm.variance[c] = Max(w[p - 1 - c], 0.0);
		pm.ratio[c] = total > 0 ? Min(pm.variance[c] / total, 1.0) : 0.0;
		score += pm.ratio[c];
	}

	memset(&model, 0, sizeof(model));
	model.algo = &mlops_pca_routine;
	model.nfeat = p;
	model.feature_names = job->features;
	model.spec = job->spec;
	model.payload = &pm;
	job->artifact = MlopsArtifactEncode(&model);
	job->n_train = st->nrows;
	job->n_test = 0;

	initStringInfo(&s);
	appendStringInfo(&s, "{\"n\": %lld, \"rows_skipped\": %lld, \"n_components\": %d",
					 (long long) st->nrows, (long long) st->nskipped, k);
	JsonArray(&s, "explained_variance", pm.variance, k);
	JsonArray(&s, "explained_variance_ratio", pm.ratio, k);
	MlopsJsonNumber(&s, "total_variance", total);
	MlopsJsonNumber(&s, "score", score);
	appendStringInfoString(&s, ", \"score_metric\": \"explained_variance_ratio\"}");
	job->metrics = MlopsJsonbFromString(s.data);
}

/*
 * mlops.components rows: (component, feature, loading, explained_variance,
 * explained_variance_ratio), components numbered from 1 as prcomp's PC1...
 */
static void
PcaComponents(const MlopsModel *m, ReturnSetInfo *rsinfo)
{
	const PcaModel *pm = (const PcaModel *) m->payload;
	int			c;
	int			j;

	for (c = 0; c < pm->k; c++)
		for (j = 0; j < m->nfeat; j++)
		{
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};

			values[0] = Int32GetDatum(c + 1);
			values[1] = CStringGetTextDatum(m->feature_names[j]);
			values[2] = Float8GetDatum(pm->components[(Size) c * m->nfeat + j]);
			values[3] = Float8GetDatum(pm->variance[c]);
			values[4] = Float8GetDatum(pm->ratio[c]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
}

static const MlopsParamDef pca_params[] = {
	{"n_components", MLOPS_PARAM_INT, offsetof(PcaParams, n_components), 0, 1,
	MLOPS_MAX_FEATURES},
	{"scale", MLOPS_PARAM_ENUM, offsetof(PcaParams, scale), PCA_SCALE_NONE, 0, 0,
	pca_scales},
	{NULL, 0, 0, 0, 0, 0, NULL}
};

#endif							/* !FRONTEND */

const MlopsAlgorithmRoutine mlops_pca_routine = {
	.name = "pca",
	.title = "Principal component analysis",
	.id = 6,
	.task = MLOPS_TASK_DECOMPOSITION,
	.encode = PcaEncode,
	.decode = PcaDecode,
	.predict = PcaPredict,
	.outputs = PcaOutputs,
	.predict_vector = PcaTransform,
#ifndef FRONTEND
	.params = pca_params,
	.params_size = sizeof(PcaParams),
	.train = PcaTrain,
	.components = PcaComponents,
	.state_problem = PcaStateProblem,
#endif
	.state_fit = "principal component analysis",
};
