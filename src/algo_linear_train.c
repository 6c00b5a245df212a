/*-------------------------------------------------------------------------
 *
 * algo_linear_train.c
 *	  Training linear regression (the family's train callback): the R
 *	  factor pass, the solve, and the second pass, which gives test-set
 *	  metrics for the held-out rows and, for the training rows, X'r in
 *	  extended precision for steps of iterative refinement.
 *
 * The second pass's sums make one more combinable aggregate
 * (mlops._linear_eval_state) whose state is a float8[] updated in place:
 *
 *	 [0] nparams  [1] training rows  [2,3] RSS  [4 .. 4+2k) X'r
 *	 then n_test, SSE (2), SAE (2), mean(y), M2(y)
 *
 * Sums are double-double (a high and a low double), and so are the
 * residuals, formed from double-double coefficients with exact products
 * (fma): the cancellation in y - Xb and in X'r, which is what refinement
 * needs, loses nothing that matters.  The mean
 * and M2 of the test target merge with Chan's formula.
 *
 * For mlops.train's deploy => 'best', _linear_compare_state is the same
 * pass with a comparison section after the state (CMP_*): on each
 * held-out row it also scores the deployed version, whose stored model
 * (of any family) and feature positions among the row's values (plus
 * extra values only it reads) are arguments, so one scan decides the
 * split from the new version's values and measures both versions on
 * exactly those rows.
 *
 * Every argument is validated as if an attacker called it: the support
 * functions are not executable by PUBLIC, but a role granted EXECUTE can
 * put them in an aggregate of its own making and pass any float8[] as the
 * state, the coefficients or a row.  A state is one-dimensional float8
 * without NULLs, its element 0 is a parameter count in range, its length
 * is exactly EV_LEN of that count, and both sides of a combine agree;
 * nothing is read or written before that is known (EvalCheck).
 *
 * IDENTIFICATION
 *	  src/algo_linear_train.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

/* all backend: the artifact fuzzer (-DFRONTEND) links no pass */
#ifndef FRONTEND

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/float.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/memutils.h"

#include "algorithm.h"
#include "algo_linear.h"
#include "artifact.h"
#include "ddouble.h"
#include "metrics.h"
#include "mlops.h"
#include "pass.h"
#include "preprocess.h"

/* Totals read back from the _linear_eval_state aggregate. */
typedef struct EvalTotals
{
	int			nparams;
	double		n_refined;
	double		rss;			/* training rows, at the pass's coefficients */
	double	   *g;				/* X'r over training rows, nparams */
	double		n_test;
	double		sse;
	double		sae;
	double		mean_y;
	double		m2_y;
} EvalTotals;

#define EV_K		0
#define EV_NTRAIN	1
#define EV_RSS		2
#define EV_G		4
#define EV_TEST(k)	(4 + 2 * (k))
#define EV_LEN(k)	(EV_TEST(k) + 7)

/*
 * A _linear_compare_state is an evaluation state followed by the
 * comparison on the held-out rows: rows compared, both versions' SSE (2
 * each), mean(y), M2(y), and held-out rows the other version could not
 * score.
 */
#define CMP_N		0
#define CMP_SSE_C	1
#define CMP_SSE_D	3
#define CMP_MEAN	5
#define CMP_M2		6
#define CMP_SKIPPED	7
#define CMP_EXTRA	8



/*
 * The residual (y + yl) - (x + xl)'(c + c_lo) in double-double: each
 * product of a feature and a coefficient's high part is exact (fma), so
 * the cancellation between y and the prediction, which on a near-exact
 * fit is total, costs nothing.  xl (NULL: none) and yl are the parts of
 * numeric data a double rounded off.
 */
static inline void
DDResidual(double y, double yl, const double *x, const double *xl,
		   int nfeat, const double *c, int k, bool intercept,
		   double *rh, double *rl)
{
	int			off = intercept ? 1 : 0;
	double		hi = y;
	double		lo = yl;
	double		s;
	int			j;

	if (intercept)
	{
		DDAdd(&hi, &lo, -c[0]);
		lo -= c[k];
	}
	for (j = 0; j < nfeat; j++)
	{
		double		ch = c[off + j];
		double		p = x[j] * ch;
		double		pe = fma(x[j], ch, -p);

		DDAdd(&hi, &lo, -p);
		lo -= pe + x[j] * c[k + off + j];
		if (xl != NULL)
			lo -= xl[j] * ch;
	}
	s = hi + lo;
	*rl = lo - (s - hi);
	*rh = s;
}

static ArrayType *
NewEvalState(int k, int extra)
{
	int			len = EV_LEN(k) + extra;
	Datum	   *zeros = palloc(sizeof(Datum) * len);
	int			i;

	for (i = 0; i < len; i++)
		zeros[i] = Float8GetDatum(0.0);
	zeros[EV_K] = Float8GetDatum((double) k);
	return construct_array(zeros, len, FLOAT8OID, sizeof(float8),
						   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/*
 * Check an evaluation state of k parameters (k < 0: read k from the
 * state's element 0) followed by "extra" more elements (the comparison
 * section of a _linear_compare_state, else 0), and return its data.  k is
 * at most one more than MLOPS_MAX_FEATURES (features and an intercept),
 * so EV_LEN(k) + extra cannot overflow.  "what" names the aggregate in
 * messages.
 */
static double *
StateCheck(ArrayType *st, int k, int extra, const char *what)
{
	double	   *d;
	double		kd;

	if (ARR_NDIM(st) != 1 || ARR_DIMS(st)[0] < 1 ||
		ARR_ELEMTYPE(st) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s value", what),
				 errdetail("A state is a one-dimensional array of double precision.")));
	if (ARR_HASNULL(st) && array_contains_nulls(st))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("invalid %s value", what),
				 errdetail("A state must not contain nulls.")));
	d = (double *) ARR_DATA_PTR(st);
	kd = d[EV_K];
	if (!(kd >= 1 && kd <= MLOPS_MAX_FEATURES + 1) || kd != floor(kd) ||
		(k >= 0 && kd != k))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s value", what),
				 k >= 0 ?
				 errdetail("The state's parameter count is %g, expected %d.", kd, k) :
				 errdetail("The state's parameter count %g is not an integer from 1 to %d.",
						   kd, MLOPS_MAX_FEATURES + 1)));
	if (ARR_DIMS(st)[0] != EV_LEN((int) kd) + extra)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s value", what),
				 errdetail("A state with parameter count %d has %d elements, not %d.",
						   (int) kd, EV_LEN((int) kd) + extra, ARR_DIMS(st)[0])));
	return d;
}

static inline double *
EvalCheck(ArrayType *st, int k)
{
	return StateCheck(st, k, 0, "_linear_eval_state");
}

/*
 * What a pass's call site keeps in fn_extra: the argument types of a row
 * given as separate arguments, its scratch, and, when comparing, the
 * other version decoded.
 */
typedef struct CallSiteState
{
	bool		row_checked;	/* the argument types were checked */
	bool		any_numeric;
	bool	   *is_numeric;		/* per value, target first */
	double	   *xh;				/* features */
	double	   *xl;				/* what doubles rounded off numeric ones */
	void	   *spec_row;		/* with a feature spec: MlopsTrainingRowArgsIn's */
	MlopsArgModels *other;
} CallSiteState;

static CallSiteState *
CallSite(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CallSiteState));
	return (CallSiteState *) fcinfo->flinfo->fn_extra;
}

/*
 * The other version of a _linear_compare_state pass (the deployed one, of
 * any family), scored on the same held-out rows: its stored model, and
 * where each of its m features is among the row's values (1-based: the
 * candidate's features, then the extra values, which only it reads).
 */
typedef struct CompareArgs
{
	const MlopsModel *model;
	double	   *x;				/* scratch, m */
	const int32 *pos;			/* m */
	int			m;
	const double *extra;		/* nextra, or NULL: some are NULL */
	int			nextra;
} CompareArgs;

/* Where a _linear_compare_state transition has its comparison arguments. */
typedef struct CompareSpec
{
	int			other;
	int			pos;
	int			extra;
} CompareSpec;

/*
 * Read and check the comparison arguments: other bytea (the stored
 * model), other_pos int4[] (a position per feature of it) and extra
 * float8[] (may be NULL or hold NULLs: then the rows it belongs to cannot
 * be scored by the other version).  The positions are checked where they
 * are used, against the row's width.
 */
static void
CompareArgsGet(FunctionCallInfo fcinfo, int other, int pos, int extra,
			   CompareArgs *out)
{
	MlopsArgModels *am;
	ArrayType  *op;

	if (PG_ARGISNULL(other) || PG_ARGISNULL(pos))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("_linear_compare_state options must not be NULL")));
	am = MlopsArgModelsGet(fcinfo, other, false, "_linear_compare_state",
						   &CallSite(fcinfo)->other);
	op = PG_GETARG_ARRAYTYPE_P(pos);
	if (ARR_NDIM(op) != 1 || ARR_ELEMTYPE(op) != INT4OID ||
		(ARR_HASNULL(op) && array_contains_nulls(op)) ||
		ARR_DIMS(op)[0] > MLOPS_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid feature positions for _linear_compare_state"),
				 errdetail("Positions are a one-dimensional integer array without nulls, of 1 to %d elements.",
						   MLOPS_MAX_FEATURES)));
	out->m = ARR_DIMS(op)[0];
	out->model = am->models[0];
	out->x = am->x;
	if (out->m != out->model->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid feature positions for _linear_compare_state"),
				 errdetail("The other model reads %d features, the positions place %d.",
						   out->model->nfeat, out->m)));
	out->pos = (const int32 *) ARR_DATA_PTR(op);
	out->extra = NULL;
	out->nextra = 0;
	if (!PG_ARGISNULL(extra))
	{
		ArrayType  *ex = PG_GETARG_ARRAYTYPE_P(extra);

		if (ARR_NDIM(ex) > 1 || ARR_ELEMTYPE(ex) != FLOAT8OID)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid extra values for _linear_compare_state"),
					 errdetail("Extra values are a one-dimensional float8 array.")));
		out->nextra = ARR_NDIM(ex) == 0 ? 0 : ARR_DIMS(ex)[0];
		if (!(ARR_HASNULL(ex) && array_contains_nulls(ex)))
			out->extra = (const double *) ARR_DATA_PTR(ex);
	}
	else
		out->nextra = -1;		/* unknown: no position past the features */
}

/*
 * One held-out row of a comparison: both versions' squared errors, as the
 * stored models compute them (the other through its family's predict;
 * the candidate as linear's predict does, the features' sum, then the
 * intercept, with its coefficients as its artifact will hold them, high
 * plus low part), so that two equal models tie exactly.  A row
 * the other version cannot score (a NULL, NaN or infinite value it reads)
 * is counted, not compared.
 */
static void
CompareRow(double *s, const CompareArgs *cmp, const double *c, int k,
		   bool intercept, const double *x, int nfeat, double y)
{
	int			off = intercept ? 1 : 0;
	int			width = nfeat + Max(cmp->nextra, 0);
	bool		ok = true;
	double		pc = 0;
	double		pd;
	double		ec;
	double		ed;
	double		delta;
	int			j;

	for (j = 0; j < cmp->m; j++)
	{
		int32		p = cmp->pos[j];
		double		v;

		if (p < 1 || p > width)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid feature positions for _linear_compare_state"),
					 errdetail("Position %d of the other model is %d; the row has %d values.",
							   j + 1, p, width)));
		if (p <= nfeat)
			v = x[p - 1];
		else if (cmp->extra != NULL)
			v = cmp->extra[p - nfeat - 1];
		else
		{
			ok = false;
			continue;
		}
		if (!isfinite(v))
			ok = false;
		cmp->x[j] = v;
	}
	if (!ok || !isfinite(y))
	{
		s[CMP_SKIPPED] += 1;
		return;
	}
	pd = MlopsPredict(cmp->model, cmp->x);
	for (j = 0; j < nfeat; j++)
		pc += (c[off + j] + c[k + off + j]) * x[j];
	pc += intercept ? c[0] + c[k] : 0.0;

	ec = y - pc;
	ed = y - pd;
	s[CMP_N] += 1;
	DDAdd(&s[CMP_SSE_C], &s[CMP_SSE_C + 1], ec * ec);
	DDAdd(&s[CMP_SSE_D], &s[CMP_SSE_D + 1], ed * ed);
	delta = y - s[CMP_MEAN];
	s[CMP_MEAN] += delta / s[CMP_N];
	s[CMP_M2] += delta * (y - s[CMP_MEAN]);
}

/*
 * The transition work of _linear_eval_state and _linear_compare_state:
 * options at arguments opt .. opt+4 (coef, fit_intercept, test_size, seed,
 * refine); the row (x == NULL: it holds a NULL, skipped); spec, for a
 * comparison, where the other version's arguments are (read and checked
 * only for held-out rows, the only ones that use them, so that the
 * comparison costs nothing on training rows).  coef holds 2k doubles:
 * high parts, then low.
 */
static Datum
EvalAccum(FunctionCallInfo fcinfo, int opt, const double *x,
		  const double *xl, int nfeat, double y, double yl,
		  const CompareSpec *cmp)
{
	const char *what = cmp ? "_linear_compare_state" : "_linear_eval_state";
	MemoryContext aggcxt;
	ArrayType  *st;
	ArrayType  *coefarr;
	const double *c;
	double	   *d;
	bool		intercept;
	double		test_size;
	int64		seed;
	bool		refine;
	bool		is_test;
	int			k;
	int			off;
	double		rh;
	double		rl;
	int			j;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", what)));
	for (j = opt; j < opt + 5; j++)
		if (PG_ARGISNULL(j))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s options must not be NULL", what)));
	coefarr = PG_GETARG_ARRAYTYPE_P(opt);
	intercept = PG_GETARG_BOOL(opt + 1);
	test_size = PG_GETARG_FLOAT8(opt + 2);
	seed = PG_GETARG_INT64(opt + 3);
	refine = PG_GETARG_BOOL(opt + 4);
	if (ARR_NDIM(coefarr) != 1 || ARR_ELEMTYPE(coefarr) != FLOAT8OID ||
		(ARR_HASNULL(coefarr) && array_contains_nulls(coefarr)) ||
		ARR_DIMS(coefarr)[0] % 2 != 0 ||
		ARR_DIMS(coefarr)[0] > 2 * (MLOPS_MAX_FEATURES + 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid coefficients for %s", what),
				 errdetail("Coefficients are a one-dimensional float8 array without nulls, of an even length from 2 to %d.",
						   2 * (MLOPS_MAX_FEATURES + 1))));
	k = ARR_DIMS(coefarr)[0] / 2;
	c = (const double *) ARR_DATA_PTR(coefarr);
	off = intercept ? 1 : 0;

	st = PG_ARGISNULL(0) ? NewEvalState(k, cmp ? CMP_EXTRA : 0) :
		PG_GETARG_ARRAYTYPE_P(0);
	d = StateCheck(st, k, cmp ? CMP_EXTRA : 0, what);

	if (x == NULL)
		PG_RETURN_ARRAYTYPE_P(st);
	if (nfeat + off != k)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("row has %d features, the model %d", nfeat, k - off)));

	/* training rows need no work unless this pass refines */
	is_test = test_size > 0 && MlopsRowIsTest(x, nfeat, y, seed, test_size);
	if (!is_test && !refine)
		PG_RETURN_ARRAYTYPE_P(st);

	DDResidual(y, yl, x, xl, nfeat, c, k, intercept, &rh, &rl);

	if (is_test)
	{
		double	   *t = d + EV_TEST(k);
		double		e = rh + rl;
		double		delta;

		t[0] += 1;
		DDAddProduct(&t[1], &t[2], e, e, 0.0);
		DDAdd(&t[3], &t[4], fabs(e));
		delta = y - t[5];
		t[5] += delta / t[0];
		t[6] += delta * (y - t[5]);
		if (cmp != NULL)
		{
			CompareArgs other;

			CompareArgsGet(fcinfo, cmp->other, cmp->pos, cmp->extra, &other);
			CompareRow(d + EV_LEN(k), &other, c, k, intercept, x, nfeat, y);
		}
	}
	else
	{
		d[EV_NTRAIN] += 1;
		/* (rh + rl)^2 = rh (rh + rl) + rh rl, dropping rl^2 */
		DDAddProduct(&d[EV_RSS], &d[EV_RSS + 1], rh, rh, rl);
		d[EV_RSS + 1] += rh * rl;
		if (intercept)
			DDAddProduct(&d[EV_G], &d[EV_G + 1], 1.0, rh, rl);
		for (j = 0; j < nfeat; j++)
		{
			DDAddProduct(&d[EV_G + 2 * (off + j)], &d[EV_G + 2 * (off + j) + 1],
						 x[j], rh, rl);
			if (xl != NULL)
				d[EV_G + 2 * (off + j) + 1] += xl[j] * rh;
		}
	}
	PG_RETURN_ARRAYTYPE_P(st);
}

/*
 * The row of an array-form pass: features at argument arg, the target at
 * arg + 1; x stays NULL when either holds a NULL (the row is skipped).
 */
static const double *
ArrayRow(FunctionCallInfo fcinfo, int arg, int *nfeat, double *y)
{
	if (PG_ARGISNULL(arg) || PG_ARGISNULL(arg + 1))
		return NULL;
	*y = PG_GETARG_FLOAT8(arg + 1);
	return MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(arg), nfeat);
}

/*
 * _linear_eval_state(features, target, coef, fit_intercept, test_size,
 * seed, refine) transition: the row as an array.
 */
PG_FUNCTION_INFO_V1(mlops_linear_eval_accum);
Datum
mlops_linear_eval_accum(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	double		y = 0;
	const double *x = ArrayRow(fcinfo, 1, &nfeat, &y);

	return EvalAccum(fcinfo, 3, x, NULL, nfeat, y, 0.0, NULL);
}

/*
 * _linear_compare_state(features, target, extra, coef, fit_intercept,
 * test_size, seed, refine, other, other_pos) transition: the row as an
 * array, the values only the other version reads in extra.
 */
PG_FUNCTION_INFO_V1(mlops_linear_compare_accum);
Datum
mlops_linear_compare_accum(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	double		y = 0;
	const double *x = ArrayRow(fcinfo, 1, &nfeat, &y);
	const CompareSpec cmp = {9, 10, 3};

	return EvalAccum(fcinfo, 4, x, NULL, nfeat, y, 0.0, &cmp);
}


/*
 * The transition of a pass with the row as separate arguments from
 * argument "first" on (target, then features), options from argument 1:
 * each value float8, or numeric for data a double does not hold exactly
 * (the refinement passes on numeric and bigint columns), read as a
 * double-double; or a feature spec, the target and the spec's columns
 * (MlopsTrainingRowArgs).  The argument types are checked once per query.
 */
static Datum
EvalAccumArgs(FunctionCallInfo fcinfo, int first, const CompareSpec *cmp)
{
	int			nvals = PG_NARGS() - first;
	int			nfeat = nvals - 1;
	CallSiteState *row = CallSite(fcinfo);
	double		y = 0;
	double		yl = 0;
	int			j;

	if (row->spec_row != NULL ||
		get_fn_expr_argtype(fcinfo->flinfo, first) == BYTEAOID)
	{
		/* a feature spec, the target and its columns */
		const double *x = MlopsTrainingRowArgsIn(fcinfo, first, &nfeat, &y,
												 &row->spec_row);

		return EvalAccum(fcinfo, 1, x, NULL, nfeat, y, 0.0, cmp);
	}
	if (!row->row_checked)
	{
		MemoryContext cxt = fcinfo->flinfo->fn_mcxt;

		if (nfeat < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a training row needs a target and at least one feature")));
		row->is_numeric = MemoryContextAllocZero(cxt, sizeof(bool) * nvals);
		for (j = 0; j < nvals; j++)
		{
			Oid			type = get_fn_expr_argtype(fcinfo->flinfo, first + j);

			if (type != FLOAT8OID && type != NUMERICOID)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("training values must be double precision or numeric")));
			row->is_numeric[j] = (type == NUMERICOID);
			row->any_numeric |= row->is_numeric[j];
		}
		row->xh = MemoryContextAlloc(cxt, sizeof(double) * nfeat);
		row->xl = MemoryContextAllocZero(cxt, sizeof(double) * nfeat);
		row->row_checked = true;
	}

	for (j = 0; j < nvals; j++)
		if (PG_ARGISNULL(first + j))
			return EvalAccum(fcinfo, 1, NULL, NULL, nfeat, 0.0, 0.0, cmp);
	for (j = 0; j < nvals; j++)
	{
		double	   *h = j == 0 ? &y : &row->xh[j - 1];
		double	   *l = j == 0 ? &yl : &row->xl[j - 1];

		if (row->is_numeric[j])
			MlopsNumericToDoubleDouble(PG_GETARG_DATUM(first + j), h, l);
		else
			*h = PG_GETARG_FLOAT8(first + j);
	}
	return EvalAccum(fcinfo, 1, row->xh, row->any_numeric ? row->xl : NULL,
					 nfeat, y, yl, cmp);
}

/*
 * _linear_eval_state(coef, fit_intercept, test_size, seed, refine,
 * VARIADIC target, features...) transition: the row as separate arguments.
 */
PG_FUNCTION_INFO_V1(mlops_linear_eval_accum_args);
Datum
mlops_linear_eval_accum_args(PG_FUNCTION_ARGS)
{
	return EvalAccumArgs(fcinfo, 6, NULL);
}

/*
 * _linear_compare_state(coef, fit_intercept, test_size, seed, refine,
 * other, other_pos, extra, VARIADIC target, features...) transition: the
 * candidate's metrics as _linear_eval_state computes them, and on its
 * held-out rows both its squared errors and the other version's.
 */
PG_FUNCTION_INFO_V1(mlops_linear_compare_accum_args);
Datum
mlops_linear_compare_accum_args(PG_FUNCTION_ARGS)
{
	const CompareSpec cmp = {6, 7, 8};

	return EvalAccumArgs(fcinfo, 9, &cmp);
}


/*
 * Combine two evaluation states (extra = CMP_EXTRA: comparison states);
 * either may be NULL.
 */
static Datum
CombineStates(FunctionCallInfo fcinfo, int extra, const char *what)
{
	MemoryContext aggcxt;
	ArrayType  *a;
	ArrayType  *b;
	double	   *da;
	double	   *db;
	double	   *ta;
	double	   *tb;
	int			k;
	int			i;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s combine called in non-aggregate context", what)));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		(void) StateCheck(PG_GETARG_ARRAYTYPE_P(0), -1, extra, what);
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	db = StateCheck(b, -1, extra, what);
	k = (int) db[EV_K];
	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(PG_GETARG_ARRAYTYPE_P_COPY(1));
	a = PG_GETARG_ARRAYTYPE_P(0);
	da = StateCheck(a, k, extra, what);

	da[EV_NTRAIN] += db[EV_NTRAIN];
	for (i = EV_RSS; i < EV_TEST(k); i += 2)
		DDMerge(&da[i], &db[i]);
	ta = da + EV_TEST(k);
	tb = db + EV_TEST(k);
	DDMerge(&ta[1], &tb[1]);
	DDMerge(&ta[3], &tb[3]);
	MergeMoments(&ta[0], &ta[5], &ta[6], tb[0], tb[5], tb[6]);
	if (extra == CMP_EXTRA)
	{
		ta = da + EV_LEN(k);
		tb = db + EV_LEN(k);
		DDMerge(&ta[CMP_SSE_C], &tb[CMP_SSE_C]);
		DDMerge(&ta[CMP_SSE_D], &tb[CMP_SSE_D]);
		ta[CMP_SKIPPED] += tb[CMP_SKIPPED];
		MergeMoments(&ta[CMP_N], &ta[CMP_MEAN], &ta[CMP_M2],
					 tb[CMP_N], tb[CMP_MEAN], tb[CMP_M2]);
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Combine two _linear_eval_state states. */
PG_FUNCTION_INFO_V1(mlops_linear_eval_combine);
Datum
mlops_linear_eval_combine(PG_FUNCTION_ARGS)
{
	return CombineStates(fcinfo, 0, "_linear_eval_state");
}

/* Combine two _linear_compare_state states. */
PG_FUNCTION_INFO_V1(mlops_linear_compare_combine);
Datum
mlops_linear_compare_combine(PG_FUNCTION_ARGS)
{
	return CombineStates(fcinfo, CMP_EXTRA, "_linear_compare_state");
}

static void
ReadEvalTotals(const double *d, int nparams, EvalTotals *out)
{
	const double *t = d + EV_TEST(nparams);
	int			i;

	out->nparams = nparams;
	out->n_refined = d[EV_NTRAIN];
	out->rss = d[EV_RSS] + d[EV_RSS + 1];
	out->g = palloc(sizeof(double) * nparams);
	for (i = 0; i < nparams; i++)
		out->g[i] = d[EV_G + 2 * i] + d[EV_G + 2 * i + 1];
	out->n_test = t[0];
	out->sse = t[1] + t[2];
	out->sae = t[3] + t[4];
	out->mean_y = t[5];
	out->m2_y = t[6];
}

/* Read the totals of a finished _linear_eval_state. */
static void
EvalTotalsOf(ArrayType *state, int nparams, EvalTotals *out)
{
	ReadEvalTotals(EvalCheck(state, nparams), nparams, out);
}

/*
 * Read the totals of a finished _linear_compare_state: the candidate's
 * metrics and the comparison on the held-out rows both versions scored.
 */
static void
CompareTotalsOf(ArrayType *state, int nparams, EvalTotals *out,
				   CompareTotals *cmp)
{
	double	   *d = StateCheck(state, nparams, CMP_EXTRA, "_linear_compare_state");
	const double *s = d + EV_LEN(nparams);

	ReadEvalTotals(d, nparams, out);
	cmp->n = s[CMP_N];
	cmp->skipped = s[CMP_SKIPPED];
	cmp->sse_candidate = s[CMP_SSE_C] + s[CMP_SSE_C + 1];
	cmp->sse_other = s[CMP_SSE_D] + s[CMP_SSE_D + 1];
	cmp->m2_y = s[CMP_M2];
}


/*
 * Refine when the column-scaled condition number is above the first bound
 * (below it one QR already gives ~14 digits) and below the second (where
 * cond * DBL_EPSILON nears 1 and the semi-normal equations cannot
 * converge).  In between, a step is kept only if the residual sum of
 * squares, measured in double-double by the next pass, does not go up:
 * refinement then converges to the least-squares solution of the data as
 * stored.  On NIST's Filip (cond 8e9) it does so in 3 passes.
 */
#define REFINE_MIN_COND 1e2
#define REFINE_MAX_COND 1e13
#define REFINE_MAX_PASSES 3

/*
 * Above this condition number the rounding of numeric data to doubles
 * costs digits that matter (cond * 1e-16 > 1e-10 relative), so refinement
 * reads numeric and bigint columns at full precision; below it, the
 * per-value conversion is not worth its time.
 */
#define REFINE_EXACT_COND 1e6

/*
 * The query of a metrics pass: _linear_eval_state, or, when comparing,
 * _linear_compare_state with the deployed version as $6, $7 and the
 * extra columns.  row is the row as separate values (the double-double
 * form included), or NULL for the array form.
 */
static char *
MetricsSql(const MlopsTrainJob *a, const MlopsCompare *cmp, const char *row)
{
	if (cmp == NULL)
		return row ? psprintf("SELECT mlops._linear_eval_state($1, $2, $3, $4, $5, %s) FROM %s",
							  row, a->relname)
			: MlopsPassSql(a, "_linear_eval_state", "$1, $2, $3, $4, $5");
	if (row)
		return psprintf("SELECT mlops._linear_compare_state($1, $2, $3, $4, $5, $6, $7, %s, %s) FROM %s",
						cmp->extra_sql, row, a->relname);
	return psprintf("SELECT mlops._linear_compare_state(%s, %s, $1, $2, $3, $4, $5, $6, $7) FROM %s",
					a->row_sql, cmp->extra_sql, a->relname);
}

/*
 * Past this shifted, column-scaled condition number a Gram pass's
 * coefficients (error about cond^2 * DBL_EPSILON) could be wrong in the
 * eighth digit: the rows are read again by TSQR.
 */
#define GRAM_MAX_COND 1e4

/*
 * A Gram pass's fit is refined past this shifted condition number, where
 * its error bound cond^2 * DBL_EPSILON passes 2e-10.  Below it a
 * refinement pass (a scan, and X'r over every feature in double-double)
 * would cost more than the whole fit for digits far past statistical
 * precision: on make bench's typed table (shifted condition 169) the
 * fit is within 4.5e-13 (normwise) of the refined one.
 */
#define GRAM_REFINE_COND 1e3

/*
 * Does pass 1 read the rows into a Gram state (algo_linear_gram.c)?  For
 * a fit with an intercept on rows at least half of whose features are
 * one-hot: there the Gram update, which only touches a row's nonzeros,
 * costs a fraction of TSQR's.
 */
static bool
UseGram(const MlopsTrainJob *a, bool fit_intercept)
{
	int			one_hot = MlopsSpecOneHot(a->spec, NULL);

	return fit_intercept && MlopsRowAsArgs(a) && one_hot > 0 &&
		2 * one_hot >= a->nfeat;
}

/* One first pass, by the aggregate named, checked. */
static MlopsPassState *
StatePass(MlopsTrainJob *a, const char *aggregate, bool fit_intercept)
{
	char	   *sql;
	Oid			types[4];
	Datum		values[4];
	bool		isnull;
	Datum		state;

	sql = MlopsPassSql(a, aggregate, "$1, $2, $3, $4");
	types[0] = BOOLOID;
	values[0] = BoolGetDatum(fit_intercept);
	types[1] = FLOAT8OID;
	values[1] = Float8GetDatum(a->test_size);
	types[2] = INT8OID;
	values[2] = Int64GetDatum(a->seed);
	types[3] = TEXTARRAYOID;
	/* names for error messages: the features, then the target */
	values[3] = MlopsTextArray(a->features, a->nfeat, a->target);
	state = MlopsRunPass(sql, 4, types, values, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Relation %s returned no rows.", a->relname)));
	return MlopsLinearStateFromDatum(state);
}

/*
 * Pass 1 of a family built on the R factor (linear, elastic_net): the
 * state of [1 | X | y] over the job's training rows, checked.  A Gram
 * pass (UseGram) whose factor is too ill-conditioned to trust, or, when
 * full_rank (a fit without a penalty), rank-deficient, is followed by a
 * TSQR pass, which fits or names the column.  *gram_cond (NULL: not
 * wanted) is the kept Gram state's condition number, 0 for a QR state.
 *
 * A spec whose categories were listed from a sample (spec->sampled) is
 * confirmed by the Gram pass, which counts the rows holding a category
 * the list lacks; when there are any, or the rows are not read into a
 * Gram state, job->categories_incomplete is set and NULL returned: the
 * family returns at once, and train.c lists every row's categories and
 * calls it again.
 */
MlopsPassState *
MlopsLinearStatePass(MlopsTrainJob *a, bool fit_intercept, bool full_rank,
					 double *gram_cond)
{
	MlopsPassState *st;
	double		cond = 0;

	if (a->spec->sampled && !UseGram(a, fit_intercept))
	{
		a->categories_incomplete = true;
		return NULL;
	}
	if (UseGram(a, fit_intercept))
	{
		st = StatePass(a, "_linear_gram_state", fit_intercept);
		if (a->spec->sampled && MlopsLinearGramUnseen(st) > 0)
		{
			a->categories_incomplete = true;
			return NULL;
		}
		a->spec->sampled = false;
		if (st->nfeat < 0 || st->nrows == 0)
			cond = 1;			/* nothing to factor: the solve reports it */
		else
			pfree(MlopsLinearGramR(st, &cond));
		/* a penalty makes a zero pivot (every level kept) harmless */
		if (!full_rank || cond <= GRAM_MAX_COND)
		{
			if (gram_cond)
				*gram_cond = cond;
			return st;
		}
	}
	if (gram_cond)
		*gram_cond = 0;
	return StatePass(a, "_linear_train_state", fit_intercept);
}

/*
 * One metrics pass (when comparing, the comparison pass) at coefficients
 * coef + coef_lo (k, intercept first; coef_lo NULL: zero), refining or
 * not; exact reads numeric data at full precision, when the job can.
 */
static void
MetricsPass(MlopsTrainJob *a, const double *coef, const double *coef_lo,
			int k, bool fit_intercept, bool refine, bool exact,
			EvalTotals *ev)
{
	MlopsCompare *cmp = a->compare;
	Datum	   *c = palloc(sizeof(Datum) * 2 * k);
	char	   *sql;
	Oid			types[7];
	Datum		values[7];
	bool		isnull;
	Datum		state;
	int			i;

	for (i = 0; i < k; i++)
	{
		c[i] = Float8GetDatum(coef[i]);
		c[k + i] = Float8GetDatum(coef_lo ? coef_lo[i] : 0.0);
	}
	if (exact && a->row_dd_sql != NULL)
		sql = MetricsSql(a, cmp, a->row_dd_sql);
	else
		sql = MetricsSql(a, cmp, MlopsRowAsArgs(a) ?
						 a->row_sql : NULL);
	types[0] = FLOAT8ARRAYOID;
	values[0] = PointerGetDatum(construct_array(c, 2 * k, FLOAT8OID,
												sizeof(float8), FLOAT8PASSBYVAL,
												TYPALIGN_DOUBLE));
	types[1] = BOOLOID;
	values[1] = BoolGetDatum(fit_intercept);
	types[2] = FLOAT8OID;
	values[2] = Float8GetDatum(a->test_size);
	types[3] = INT8OID;
	values[3] = Int64GetDatum(a->seed);
	types[4] = BOOLOID;
	values[4] = BoolGetDatum(refine);
	types[5] = BYTEAOID;
	values[5] = cmp ? cmp->artifact : (Datum) 0;
	types[6] = INT4ARRAYOID;
	values[6] = cmp ? cmp->positions : (Datum) 0;
	state = MlopsRunPass(sql, cmp ? 7 : 5, types, values, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation %s changed during training", a->relname)));
	if (cmp != NULL)
	{
		CompareTotalsOf(DatumGetArrayTypeP(state), k, ev, &cmp->totals);
		cmp->totals.done = true;
	}
	else
		EvalTotalsOf(DatumGetArrayTypeP(state), k, ev);
}

/*
 * The start of a regression's metrics document: the test set's r2, rmse,
 * mae and n when rows were held out (ev), else the training set's from
 * rss and tss (mae unknown); then n_train, rows_skipped, train_r2,
 * train_rmse, and score, the r2 (score_metric).  The caller appends its
 * own keys and the closing brace.
 */
static void
MetricsHead(StringInfo m, const EvalTotals *ev, int64 n, int64 nskipped,
			double rss, double tss)
{
	double		train_r2 = tss > 0 ? 1.0 - rss / tss : get_float8_nan();
	double		r2 = train_r2;

	if (ev->n_test > 0)
	{
		r2 = ev->m2_y > 0 ? 1.0 - ev->sse / ev->m2_y : get_float8_nan();
		appendStringInfo(m, "{\"evaluated_on\": \"test\"");
		MlopsJsonNumber(m, "r2", r2);
		MlopsJsonNumber(m, "rmse", sqrt(ev->sse / ev->n_test));
		MlopsJsonNumber(m, "mae", ev->sae / ev->n_test);
		appendStringInfo(m, ", \"n\": %lld", (long long) ev->n_test);
	}
	else
	{
		appendStringInfo(m, "{\"evaluated_on\": \"train\"");
		MlopsJsonNumber(m, "r2", train_r2);
		MlopsJsonNumber(m, "rmse", sqrt(rss / n));
		appendStringInfoString(m, ", \"mae\": null");
		appendStringInfo(m, ", \"n\": %lld", (long long) n);
	}
	appendStringInfo(m, ", \"n_train\": %lld, \"rows_skipped\": %lld",
					 (long long) n, (long long) nskipped);
	MlopsJsonNumber(m, "train_r2", train_r2);
	MlopsJsonNumber(m, "train_rmse", sqrt(rss / n));
	MlopsJsonNumber(m, "score", r2);
	appendStringInfoString(m, ", \"score_metric\": \"r2\"");
}

/*
 * For a family whose predictions are linear, x'w + b, fitted on the rows
 * of MlopsLinearStatePass (elastic_net): the metrics pass at coef
 * (nparams, intercept first), or when the job compares, the comparison
 * pass, which runs only when rows were held out (nheld > 0); then the
 * start of the metrics document (MetricsHead) into m.  Sets job->n_test.
 */
void
MlopsLinearPredictorMetrics(MlopsTrainJob *a, const double *coef,
							int nparams, bool fit_intercept, int64 nheld,
							int64 n, int64 nskipped, double rss, double tss,
							StringInfo m)
{
	EvalTotals	ev;

	memset(&ev, 0, sizeof(ev));
	if (nheld > 0)
		MetricsPass(a, coef, NULL, nparams, fit_intercept, false, false, &ev);
	a->n_test = (int64) ev.n_test;
	MetricsHead(m, &ev, n, nskipped, rss, tss);
}

/*
 * The family's train callback: fit a linear model; fills the job's
 * metrics document, artifact and counts, and, when it compares, the
 * comparison's totals.
 */
void
MlopsLinearTrain(MlopsTrainJob *a)
{
	const LinearParams *params = (const LinearParams *) a->params;
	LinearFit	fit;
	MlopsModel	model;
	double		cond;
	bool		refine;
	int			passes = 0;
	double		prev_rss = 0;
	double		prev_step = 0;
	double	   *prev_coef = NULL;
	double	   *prev_lo = NULL;
	double		gram_cond;
	MlopsPassState *st;
	EvalTotals	ev;
	StringInfoData m;
	int			i;

	memset(&ev, 0, sizeof(ev));

	/* fail before the scan when the fit cannot fit in memory */
	MlopsLinearCheckMemory(a->nfeat, params->fit_intercept);

	/* pass 1: the R factor of the training rows */
	st = MlopsLinearStatePass(a, params->fit_intercept, params->alpha == 0,
							  &gram_cond);
	if (st == NULL)
		return;					/* categories unconfirmed: train.c starts again */
	MlopsLinearSolve(st, params->alpha, (const char *const *) a->features, &fit);

	cond = fit.rcond > 0 ? 1.0 / fit.rcond : get_float8_infinity();
	refine = (params->alpha == 0 && cond > REFINE_MIN_COND && cond < REFINE_MAX_COND);
	if (gram_cond > 0)
		refine = (params->alpha == 0 && gram_cond > GRAM_REFINE_COND);

	/* pass 2 (and more while refinement still moves): metrics, X'r */
	while (fit.nheld > 0 || refine)
	{
		double		step;

		MetricsPass(a, fit.coef, fit.coef_lo, fit.nparams, params->fit_intercept,
					refine, refine && cond > REFINE_EXACT_COND, &ev);
		if (!refine)
			break;

		/*
		 * The pass measured the RSS at the current coefficients: if the
		 * last step raised it, refinement is not converging, so take the
		 * step back and stop.
		 */
		if (passes > 0 && ev.rss > prev_rss)
		{
			memcpy(fit.coef, prev_coef, sizeof(double) * fit.nparams);
			memcpy(fit.coef_lo, prev_lo, sizeof(double) * fit.nparams);
			fit.rss = prev_rss;
			passes--;
			break;
		}

		/*
		 * Apply the correction.  The metrics of this pass were taken at the
		 * coefficients before it, which differ only in the last digits once
		 * refinement has converged; stop when the step is at rounding level.
		 */
		if (prev_coef == NULL)
		{
			prev_coef = palloc(sizeof(double) * fit.nparams);
			prev_lo = palloc(sizeof(double) * fit.nparams);
		}
		memcpy(prev_coef, fit.coef, sizeof(double) * fit.nparams);
		memcpy(prev_lo, fit.coef_lo, sizeof(double) * fit.nparams);
		prev_rss = ev.rss;
		passes++;
		fit.rss = ev.rss;
		step = MlopsLinearCorrect(&fit, ev.g);
		if (step < 1e-15)
			break;
		if (passes >= REFINE_MAX_PASSES)
		{
			/* no pass left to check this step: keep it only if shrinking */
			if (step > prev_step)
			{
				memcpy(fit.coef, prev_coef, sizeof(double) * fit.nparams);
				memcpy(fit.coef_lo, prev_lo, sizeof(double) * fit.nparams);
				fit.rss = prev_rss;
				passes--;
			}
			break;
		}
		prev_step = step;
	}

	for (i = 0; i < fit.nparams; i++)
		if (!isfinite(fit.coef[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("coefficients overflowed double precision"),
					 errhint("Rescale the features or the target.")));

	MlopsLinearToModel(&fit, a->features, &model);
	model.spec = a->spec;
	a->artifact = MlopsArtifactEncode(&model);
	a->n_train = fit.n;
	a->n_test = (int64) ev.n_test;

	initStringInfo(&m);
	MetricsHead(&m, &ev, fit.n, fit.nskipped, fit.rss, fit.tss);
	MlopsJsonNumber(&m, "condition_number", cond);
	appendStringInfo(&m, ", \"refinement_passes\": %d, \"solver\": \"%s\"}", passes,
					 gram_cond > 0 ? "gram" : "qr");
	a->metrics = MlopsJsonbFromString(m.data);
}

#endif							/* !FRONTEND */
