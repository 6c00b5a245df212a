/*-------------------------------------------------------------------------
 *
 * metrics.c
 *	  The second pass of linear training: test-set metrics for the held-out
 *	  rows, and, for the training rows, X'r in extended precision for one
 *	  step of iterative refinement.
 *
 * Both are sums, so the pass is one more combinable aggregate
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
 * Every argument is validated as if an attacker called it: the support
 * functions are not executable by PUBLIC, but a role granted EXECUTE can
 * put them in an aggregate of its own making and pass any float8[] as the
 * state, the coefficients or a row.  A state is one-dimensional float8
 * without NULLs, its element 0 is a parameter count in range, its length
 * is exactly EV_LEN of that count, and both sides of a combine agree;
 * nothing is read or written before that is known (EvalCheck).
 *
 * IDENTIFICATION
 *	  src/metrics.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"

#include "metrics.h"
#include "mlops.h"
#include "preprocess.h"

#define EV_K		0
#define EV_NTRAIN	1
#define EV_RSS		2
#define EV_G		4
#define EV_TEST(k)	(4 + 2 * (k))
#define EV_LEN(k)	(EV_TEST(k) + 7)

/* hi + lo += a, exactly rounded to double-double */
static inline void
DDAdd(double *hi, double *lo, double a)
{
	double		s = *hi + a;
	double		bb = s - *hi;
	double		e = (*hi - (s - bb)) + (a - bb);

	e += *lo;
	*hi = s + e;
	*lo = e - (*hi - s);
}

/* hi + lo += x * (rh + rl), with the product of x and rh exact */
static inline void
DDAddProduct(double *hi, double *lo, double x, double rh, double rl)
{
	double		p = x * rh;
	double		pe = fma(x, rh, -p);

	DDAdd(hi, lo, p);
	*lo += pe + x * rl;
}

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
NewEvalState(int k)
{
	int			len = EV_LEN(k);
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
 * state's element 0) and return its data.  k is at most one more than
 * MLOPS_MAX_FEATURES (features and an intercept), so EV_LEN(k) cannot
 * overflow.
 */
static double *
EvalCheck(ArrayType *st, int k)
{
	double	   *d;
	double		kd;

	if (ARR_NDIM(st) != 1 || ARR_DIMS(st)[0] < 1 ||
		ARR_ELEMTYPE(st) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid _linear_eval_state value"),
				 errdetail("A state is a one-dimensional array of double precision.")));
	if (ARR_HASNULL(st) && array_contains_nulls(st))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("invalid _linear_eval_state value"),
				 errdetail("A state must not contain nulls.")));
	d = (double *) ARR_DATA_PTR(st);
	kd = d[EV_K];
	if (!(kd >= 1 && kd <= MLOPS_MAX_FEATURES + 1) || kd != floor(kd) ||
		(k >= 0 && kd != k))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid _linear_eval_state value"),
				 k >= 0 ?
				 errdetail("The state's parameter count is %g, expected %d.", kd, k) :
				 errdetail("The state's parameter count %g is not an integer from 1 to %d.",
						   kd, MLOPS_MAX_FEATURES + 1)));
	if (ARR_DIMS(st)[0] != EV_LEN((int) kd))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid _linear_eval_state value"),
				 errdetail("A state with parameter count %d has %d elements, not %d.",
						   (int) kd, EV_LEN((int) kd), ARR_DIMS(st)[0])));
	return d;
}

/*
 * The transition work of _linear_eval_state: options at arguments
 * opt .. opt+4 (coef, fit_intercept, test_size, seed, refine); the row
 * (x == NULL: it holds a NULL, skipped).  coef holds 2k doubles: high
 * parts, then low.
 */
static Datum
EvalAccum(FunctionCallInfo fcinfo, int opt, const double *x,
		  const double *xl, int nfeat, double y, double yl)
{
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
				 errmsg("_linear_eval_state called in non-aggregate context")));
	for (j = opt; j < opt + 5; j++)
		if (PG_ARGISNULL(j))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("_linear_eval_state options must not be NULL")));
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
				 errmsg("invalid coefficients for _linear_eval_state"),
				 errdetail("Coefficients are a one-dimensional float8 array without nulls, of an even length from 2 to %d.",
						   2 * (MLOPS_MAX_FEATURES + 1))));
	k = ARR_DIMS(coefarr)[0] / 2;
	c = (const double *) ARR_DATA_PTR(coefarr);
	off = intercept ? 1 : 0;

	st = PG_ARGISNULL(0) ? NewEvalState(k) : PG_GETARG_ARRAYTYPE_P(0);
	d = EvalCheck(st, k);

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
 * _linear_eval_state(features, target, coef, fit_intercept, test_size,
 * seed, refine) transition: the row as an array.
 */
PG_FUNCTION_INFO_V1(mlops_linear_eval_accum);
Datum
mlops_linear_eval_accum(PG_FUNCTION_ARGS)
{
	const double *x = NULL;
	int			nfeat = 0;
	double		y = 0;

	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		x = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(1), &nfeat);
		y = PG_GETARG_FLOAT8(2);
	}
	return EvalAccum(fcinfo, 3, x, NULL, nfeat, y, 0.0);
}

/* Scratch for a row given as separate arguments, in fn_extra. */
typedef struct ArgsRow
{
	bool		any_numeric;
	bool	   *is_numeric;		/* per value, target first */
	double	   *xh;				/* features */
	double	   *xl;				/* what doubles rounded off numeric ones */
} ArgsRow;

/*
 * _linear_eval_state(coef, fit_intercept, test_size, seed, refine,
 * VARIADIC target, features...) transition: the row as separate arguments,
 * each float8, or numeric for data a double does not hold exactly (the
 * refinement passes on numeric and bigint columns), read as a
 * double-double.  The argument types are checked once per query.
 */
PG_FUNCTION_INFO_V1(mlops_linear_eval_accum_args);
Datum
mlops_linear_eval_accum_args(PG_FUNCTION_ARGS)
{
	const int	first = 6;
	int			nvals = PG_NARGS() - first;
	int			nfeat = nvals - 1;
	ArgsRow    *row = (ArgsRow *) fcinfo->flinfo->fn_extra;
	double		y = 0;
	double		yl = 0;
	int			j;

	if (row == NULL)
	{
		MemoryContext cxt = fcinfo->flinfo->fn_mcxt;

		if (nfeat < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a training row needs a target and at least one feature")));
		row = MemoryContextAllocZero(cxt, sizeof(ArgsRow));
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
		fcinfo->flinfo->fn_extra = row;
	}

	for (j = 0; j < nvals; j++)
		if (PG_ARGISNULL(first + j))
			return EvalAccum(fcinfo, 1, NULL, NULL, nfeat, 0.0, 0.0);
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
					 nfeat, y, yl);
}

/* Combine two _linear_eval_state states. */
PG_FUNCTION_INFO_V1(mlops_linear_eval_combine);
Datum
mlops_linear_eval_combine(PG_FUNCTION_ARGS)
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
	double		n;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("_linear_eval_state combine called in non-aggregate context")));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		(void) EvalCheck(PG_GETARG_ARRAYTYPE_P(0), -1);
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	db = EvalCheck(b, -1);
	k = (int) db[EV_K];
	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(PG_GETARG_ARRAYTYPE_P_COPY(1));
	a = PG_GETARG_ARRAYTYPE_P(0);
	da = EvalCheck(a, k);

	da[EV_NTRAIN] += db[EV_NTRAIN];
	for (i = EV_RSS; i < EV_TEST(k); i += 2)
	{
		DDAdd(&da[i], &da[i + 1], db[i]);
		da[i + 1] += db[i + 1];
	}
	ta = da + EV_TEST(k);
	tb = db + EV_TEST(k);
	n = ta[0] + tb[0];
	for (i = 1; i <= 3; i += 2)
	{
		DDAdd(&ta[i], &ta[i + 1], tb[i]);
		ta[i + 1] += tb[i + 1];
	}
	if (n > 0)
	{
		double		delta = tb[5] - ta[5];

		ta[6] += tb[6] + delta * delta * ta[0] * tb[0] / n;
		ta[5] += delta * tb[0] / n;
	}
	ta[0] = n;
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Read the totals of a finished _linear_eval_state. */
void
MlopsEvalTotals(ArrayType *state, int nparams, EvalTotals *out)
{
	double	   *d = EvalCheck(state, nparams);
	double	   *t = d + EV_TEST(nparams);
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
