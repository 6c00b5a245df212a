/*-------------------------------------------------------------------------
 *
 * algo_linear.c
 *	  Linear regression: its aggregates over mlops.pass_state
 *	  (mlops.linear_state, mlops.linear_merge), and the solve
 *	  (mlops.linear_final and the training path).
 *
 * The state holds the R factor of [1 | X | y] (tall-skinny QR): R of a
 * union of row sets is R of the stacked R factors, so partial states from
 * parallel workers or from the shards of a distributed table merge exactly.
 * Rows are buffered inside the state and folded in by blocks with LAPACK
 * (linalg.c).  The transition function updates the state in place when
 * called as an aggregate, so no row copies it.
 *
 * The state is an mlops.pass_state (pass_state.c owns its header, counts,
 * text and binary forms): dims are ncol, bufcap and nbuf, the body R and
 * then the buffer.  Before it is sent, a copy has its buffer folded into
 * R (LinearStateCompact), so what travels is R and the zeros of an idle
 * buffer are not sent.
 *
 * Every argument is validated as if an attacker called it: the support
 * functions (mlops._linear_accum, _linear_combine, _linear_train_accum)
 * are not executable by PUBLIC, but a role granted EXECUTE can put them in
 * an aggregate of its own making and hand them any state and any row.
 * Every state argument is checked (StateArg: the generic header, then
 * StateProblem: pass, flags, dimensions, buffer, size) before a byte of
 * it is read, on every call, which costs a few comparisons per row;
 * counts never wrap; the text and binary input check a header's lengths
 * before allocating.
 *
 * Solving: b = R11^-1 r1y on the triangle; a column whose diagonal is tiny
 * relative to its norm is a linear combination of the columns before it,
 * reported by name.  Ridge (alpha > 0) folds sqrt(alpha) * I for the
 * non-intercept columns into a copy of R.  Training may then refine b with
 * a second pass (algo_linear_train.c) that computes X'r in extended precision.
 *
 * IDENTIFICATION
 *	  src/algo_linear.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"

#include "algo_linear.h"
#include "algorithm.h"
#include "artifact.h"

#ifndef FRONTEND
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "linalg.h"
#include "preprocess.h"
#endif

/*
 * The stored model (frontend-safe): after the common part, u32
 * fit_intercept, f64 intercept, f64 coef[nfeat], f64 std_error[nparams],
 * f64 sigma, i64 df_resid.
 */
static void
LinearEncode(const MlopsModel *m, StringInfo buf)
{
	const LinearModel *lm = (const LinearModel *) m->payload;
	int			nparams = m->nfeat + (lm->fit_intercept ? 1 : 0);
	int			i;

	MlopsPutU32(buf, lm->fit_intercept ? 1 : 0);
	MlopsPutF64(buf, lm->intercept);
	for (i = 0; i < m->nfeat; i++)
		MlopsPutF64(buf, lm->coef[i]);
	for (i = 0; i < nparams; i++)
		MlopsPutF64(buf, lm->std_error[i]);
	MlopsPutF64(buf, lm->sigma);
	MlopsPutU64(buf, (uint64) lm->df_resid);
}

/* finite, or NaN (unknown), and never negative */
static inline bool
StatisticOk(double v)
{
	return !isinf(v) && !(v < 0);
}

static bool
LinearDecode(MlopsReader *r, MlopsModel *m, const char **error)
{
	LinearModel *lm = palloc0(sizeof(LinearModel));
	uint32		flags = (uint32) MlopsGetLE(r, 4);
	int			nparams;
	int			i;

	if (!r->ok || flags > 1)
	{
		*error = "invalid linear model header";
		return false;
	}
	lm->fit_intercept = (flags == 1);
	nparams = m->nfeat + (lm->fit_intercept ? 1 : 0);
	/* reject a short payload before allocating for it */
	if (r->left < sizeof(double) * ((Size) m->nfeat + nparams + 3))
	{
		*error = "payload shorter than its feature count";
		return false;
	}
	lm->coef = palloc(sizeof(double) * m->nfeat);
	lm->std_error = palloc(sizeof(double) * nparams);
	lm->intercept = MlopsGetF64(r);
	if (!isfinite(lm->intercept) || (!lm->fit_intercept && lm->intercept != 0))
		r->ok = false;
	for (i = 0; i < m->nfeat; i++)
	{
		lm->coef[i] = MlopsGetF64(r);
		if (!isfinite(lm->coef[i]))
			r->ok = false;
	}
	for (i = 0; i < nparams; i++)
	{
		lm->std_error[i] = MlopsGetF64(r);
		if (!StatisticOk(lm->std_error[i]))
			r->ok = false;
	}
	lm->sigma = MlopsGetF64(r);
	lm->df_resid = (int64) MlopsGetLE(r, 8);
	if (!r->ok || !StatisticOk(lm->sigma) || lm->df_resid < 0 ||
		m->nclasses != 0)
	{
		*error = "invalid linear model coefficients";
		return false;
	}
	m->payload = lm;
	return true;
}

static double
LinearPredict(const MlopsModel *m, const double *restrict x)
{
	const LinearModel *lm = (const LinearModel *) m->payload;
	const double *restrict w = lm->coef;
	double		s = 0;
	int			j;

	/* auto-vectorised */
	for (j = 0; j < m->nfeat; j++)
		s += w[j] * x[j];
	return s + lm->intercept;
}

#ifndef FRONTEND

/* A diagonal below this fraction of its column's norm means collinear. */
#define RANK_TOLERANCE 1e-12

#define STATE_R(st)		((st)->data)
#define STATE_BUF(st)	((st)->data + (Size) LINEAR_NCOL(st) * LINEAR_NCOL(st))

/*
 * Bounds of a valid state's buffer (BufferRows gives 24 .. 520); a state
 * built by another build may hold a different count, within these.
 */
#define STATE_MAX_BUFCAP 65536

/* doubles in the body of a state: R, then the buffer */
static Size
StateDoubles(int ncol, int bufcap)
{
	return add_size(mul_size(ncol, ncol), mul_size(ncol, bufcap));
}

/*
 * Rows per buffer: enough to keep LAPACK busy (520 rows fold about 13%
 * faster than 256 in bench/), bounded in bytes.  The count is an odd
 * multiple of 8, so the buffer's column stride is an odd number of cache
 * lines: with a power of two, the columns a row is appended to all map to
 * the same few L1 sets and every append misses.
 */
static int
BufferRows(int ncol)
{
	int			rows = Max(16, Min(512, 32768 / Max(ncol, 1)));

	return (rows & ~15) + 8;
}

/*
 * Refuse, before allocating anything, a fit whose memory would exceed
 * maintenance_work_mem: the state (R and the row buffer) and the solve's
 * three more n x n matrices (R with the penalty, its inverse, a copy).
 */
void
MlopsLinearCheckMemory(int nfeat, bool fit_intercept)
{
	int			ncol;

	/* the feature count first: the sizes below assume it is bounded */
	MlopsPassStateCheckMemory(mlops_linear_routine.state_fit, nfeat, 0);
	ncol = nfeat + (fit_intercept ? 1 : 0) + 1;
	MlopsPassStateCheckMemory(mlops_linear_routine.state_fit, nfeat,
							  add_size(MlopsPassStateSize(StateDoubles(ncol, BufferRows(ncol))),
									   mul_size(mul_size(3 * sizeof(double), ncol), ncol)));
}

/*
 * A new state of pass LINEAR_PASS_QR, or (with an intercept, nfeat < 0)
 * a dimensionless LINEAR_PASS_GRAM one, which algo_linear_gram.c sizes.
 */
static MlopsPassState *
NewState(MemoryContext cxt, int pass, int nfeat, bool fit_intercept)
{
	int32		dims[MLOPS_PASS_STATE_NDIMS] = {0, 0, 0, 0};

	Assert(pass == LINEAR_PASS_QR || (fit_intercept && nfeat < 0));
	if (nfeat >= 0)
	{
		MlopsLinearCheckMemory(nfeat, fit_intercept);
		dims[0] = nfeat + (fit_intercept ? 1 : 0) + 1;
		dims[1] = BufferRows(dims[0]);
	}
	return MlopsPassStateNew(cxt, mlops_linear_routine.id, pass,
							 fit_intercept ? LINEAR_FIT_INTERCEPT : 0, nfeat,
							 dims, StateDoubles(dims[0], dims[1]));
}

/* Fold the buffered rows into R. */
static void
FlushBuffer(MlopsPassState *st)
{
	if (LINEAR_NBUF(st) > 0)
	{
		MlopsQrAbsorbRows(STATE_R(st), LINEAR_NCOL(st), STATE_BUF(st),
						  LINEAR_NBUF(st), LINEAR_BUFCAP(st));
		LINEAR_NBUF(st) = 0;
	}
}

/*
 * Before a state is sent: its buffered rows are folded into R (on a
 * copy), and the buffer is zeroed, so an idle buffer is trailing zeros
 * that the wire format does not send.  This is the fold linear_final
 * and the merge would do anyway, on the same rows in the same order.
 */
static void
LinearStateCompact(MlopsPassState *st)
{
	if (st->pass == LINEAR_PASS_GRAM)
		MlopsLinearGramCompact(st);
	else if (LINEAR_NBUF(st) > 0)
	{
		FlushBuffer(st);
		memset(STATE_BUF(st), 0,
			   sizeof(double) * (Size) LINEAR_NCOL(st) * LINEAR_BUFCAP(st));
	}
}

/* Give a dimensionless state (only counts so far) its dimensions. */
static MlopsPassState *
SizeState(MemoryContext cxt, MlopsPassState *st, int nfeat)
{
	MlopsPassState *sized = NewState(cxt, LINEAR_PASS_QR, nfeat,
									 (st->flags & LINEAR_FIT_INTERCEPT) != 0);

	sized->nrows = st->nrows;
	sized->nskipped = st->nskipped;
	sized->nheld = st->nheld;
	return sized;
}

/*
 * The reason a linear state's header does not describe its body, or NULL
 * when it does; the generic header (pass_state.h) is already checked:
 * pass, flags, nfeat in range (and at least one parameter), ncol = nfeat
 * + intercept + 1, bufcap, nbuf, the unused dimension zero, and the
 * body's length.  O(1) and without a function call, since it runs for
 * every row; it reads no byte of the body.
 */
static inline const char *
StateProblem(const MlopsPassState *st)
{
	int32		ncol = LINEAR_NCOL(st);
	int32		bufcap = LINEAR_BUFCAP(st);
	int32		nbuf = LINEAR_NBUF(st);

	if ((st->pass != LINEAR_PASS_QR && st->pass != LINEAR_PASS_GRAM) ||
		(st->flags & ~LINEAR_FIT_INTERCEPT) != 0 ||
		(st->pass == LINEAR_PASS_GRAM && !(st->flags & LINEAR_FIT_INTERCEPT)))
		return "its pass or flags are wrong";
	if (st->nfeat < -1 || st->nfeat > MLOPS_MAX_FEATURES)
		return "its feature count is out of range";
	if (st->nfeat < 0)
	{
		if (ncol != 0 || st->nrows != 0)
			return "it has rows but no dimensions";
	}
	else
	{
		if (ncol != st->nfeat + ((st->flags & LINEAR_FIT_INTERCEPT) ? 1 : 0) + 1)
			return "its column count does not match its feature count";
		if (ncol < 2)
			return "it has no parameter to fit";
	}
	if (st->pass == LINEAR_PASS_GRAM)
		return MlopsLinearGramProblem(st);
	if (st->nfeat < 0 && (bufcap != 0 || nbuf != 0))
		return "it has rows but no dimensions";
	/* a full buffer is folded at once: the next row needs a slot */
	if (st->nfeat >= 0 &&
		(bufcap < 1 || bufcap > STATE_MAX_BUFCAP ||
		 nbuf < 0 || nbuf >= bufcap || st->nrows < nbuf))
		return "its buffer length is out of range";
	if (st->dims[3] != 0)
		return "its unused dimension is not zero";
	/* ncol <= MLOPS_MAX_FEATURES + 2 and bufcap <= 65536: no overflow */
	if (MLOPS_PASS_STATE_NDOUBLES(st) !=
		(Size) ncol * ncol + (Size) ncol * bufcap)
		return "its length does not match its header";
	return NULL;
}

/* MlopsAlgorithmRoutine.state_problem */
static const char *
LinearStateProblem(const MlopsPassState *st)
{
	return StateProblem(st);
}

/* Check a state that came from outside (detoasted, any source). */
MlopsPassState *
MlopsLinearStateFromDatum(Datum d)
{
	return MlopsPassStateFromDatum(d, mlops_linear_routine.id, StateProblem);
}

/* Argument n of a transition or combine call, a linear state, checked. */
#define StateArg(fcinfo, n) \
	MlopsPassStateArg((fcinfo), (n), mlops_linear_routine.id, StateProblem)

/*
 * The transition work shared by the public and the training aggregates:
 * fold one row (x == NULL: a row with a NULL, skipped) into the state.
 * Returns the (possibly new) state; in place whenever possible.
 */
static Datum
LinearAccum(FunctionCallInfo fcinfo, int pass, bool fit_intercept,
			double test_size, int64 seed, ArrayType *names, const double *x,
			int nfeat, double y, const MlopsOneHotLayout *layout)
{
	MlopsPassState *st;
	double	   *buf;
	int			bufcap;
	int			j;

	MlopsPassStateCheckAggregate(fcinfo, "linear_state transition");
	if (PG_ARGISNULL(0))
	{
		if (pass == LINEAR_PASS_GRAM && !fit_intercept)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a Gram pass needs an intercept")));
		st = NewState(CurrentMemoryContext, pass, -1, fit_intercept);
	}
	else
		st = StateArg(fcinfo, 0);
	MlopsPassStateCheckCanCountRow(st);

	if (x == NULL)
	{
		st->nskipped++;
		PG_RETURN_POINTER(st);
	}
	/* an encoder's indicators are 0 or 1: only the rest need a look */
	if (layout == NULL || !MlopsDenseFinite(x, layout, y))
		MlopsCheckFinite(x, nfeat, y, names, MlopsPassStateRowsSeen(st) + 1, false);

	if (st->pass == LINEAR_PASS_GRAM && (st->nfeat < 0 || nfeat == st->nfeat))
		st = MlopsLinearGramSized(st, nfeat, layout);
	else if (st->nfeat < 0)
		st = SizeState(CurrentMemoryContext, st, nfeat);
	else if (nfeat != st->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training row has %d features, expected %d",
						nfeat, st->nfeat)));

	if (st->pass == LINEAR_PASS_GRAM)
		MlopsLinearGramCountUnseen(st, layout);
	if (test_size > 0 && MlopsRowIsTest(x, nfeat, y, seed, test_size))
	{
		st->nheld++;
		PG_RETURN_POINTER(st);
	}

	if (st->pass == LINEAR_PASS_GRAM)
	{
		MlopsLinearGramAbsorb(st, x, y, layout);
		st->nrows++;
		if ((st->nrows & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		PG_RETURN_POINTER(st);
	}

	/* append the row [1 | x | y] to the column-major buffer */
	bufcap = LINEAR_BUFCAP(st);
	buf = STATE_BUF(st) + LINEAR_NBUF(st);
	if (st->flags & LINEAR_FIT_INTERCEPT)
	{
		*buf = 1.0;
		buf += bufcap;
	}
	for (j = 0; j < nfeat; j++)
	{
		*buf = x[j];
		buf += bufcap;
	}
	*buf = y;
	LINEAR_NBUF(st)++;
	st->nrows++;
	if (LINEAR_NBUF(st) == bufcap)
	{
		CHECK_FOR_INTERRUPTS();
		FlushBuffer(st);
	}
	PG_RETURN_POINTER(st);
}

/* The row of an aggregate taking (features float8[], target float8). */
static const double *
ArrayRow(FunctionCallInfo fcinfo, int *nfeat, double *y)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return NULL;
	*y = PG_GETARG_FLOAT8(2);
	return MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(1), nfeat);
}

/* linear_state(features, target [, fit_intercept]) transition */
PG_FUNCTION_INFO_V1(mlops_linear_accum);
Datum
mlops_linear_accum(PG_FUNCTION_ARGS)
{
	bool		fit_intercept = true;
	const double *x;
	int			nfeat = 0;
	double		y = 0;

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
		fit_intercept = PG_GETARG_BOOL(3);
	x = ArrayRow(fcinfo, &nfeat, &y);
	return LinearAccum(fcinfo, LINEAR_PASS_QR, fit_intercept, 0.0, 0, NULL,
					   x, nfeat, y, NULL);
}

/* The training options (fit_intercept, test_size, seed, names) from opt on. */
static Datum
TrainAccum(FunctionCallInfo fcinfo, int pass, int opt, const double *x,
		   int nfeat, double y, const MlopsOneHotLayout *layout)
{
	return LinearAccum(fcinfo, pass,
					   PG_ARGISNULL(opt) ? true : PG_GETARG_BOOL(opt),
					   PG_ARGISNULL(opt + 1) ? 0.0 : PG_GETARG_FLOAT8(opt + 1),
					   PG_ARGISNULL(opt + 2) ? 0 : PG_GETARG_INT64(opt + 2),
					   PG_ARGISNULL(opt + 3) ? NULL : PG_GETARG_ARRAYTYPE_P(opt + 3),
					   x, nfeat, y, layout);
}

/*
 * _linear_train_state(features, target, fit_intercept, test_size, seed,
 * names) transition: rows of the test split are counted, not absorbed;
 * errors name the column.  mlops.train uses it beyond
 * MLOPS_MAX_ARGS_FEATURES features.
 */
PG_FUNCTION_INFO_V1(mlops_linear_train_accum);
Datum
mlops_linear_train_accum(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	double		y = 0;
	const double *x = ArrayRow(fcinfo, &nfeat, &y);

	return TrainAccum(fcinfo, LINEAR_PASS_QR, 3, x, nfeat, y, NULL);
}

/*
 * A row as separate arguments (VARIADIC target, features... or spec,
 * target, columns...) after the options, into a state of the pass.
 */
static Datum
ArgsAccum(FunctionCallInfo fcinfo, int pass)
{
	int			nfeat = 0;
	double		y = 0;
	const double *x = MlopsTrainingRowArgs(fcinfo, 5, &nfeat, &y);

	return TrainAccum(fcinfo, pass, 1, x, nfeat, y,
					  pass == LINEAR_PASS_GRAM ? MlopsTrainingRowOneHot(fcinfo) : NULL);
}

/*
 * _linear_train_state(fit_intercept, test_size, seed, names, VARIADIC
 * target, features...) transition: the same with the row as separate
 * arguments, which spares building an array per row.
 */
PG_FUNCTION_INFO_V1(mlops_linear_train_accum_args);
Datum
mlops_linear_train_accum_args(PG_FUNCTION_ARGS)
{
	return ArgsAccum(fcinfo, LINEAR_PASS_QR);
}

/*
 * _linear_gram_state(fit_intercept, test_size, seed, names, VARIADIC
 * spec, target, columns...) transition: the same rows into a Gram state
 * (algo_linear_gram.c), for a spec's sparse rows; fit_intercept must be
 * true.
 */
PG_FUNCTION_INFO_V1(mlops_linear_gram_accum_args);
Datum
mlops_linear_gram_accum_args(PG_FUNCTION_ARGS)
{
	return ArgsAccum(fcinfo, LINEAR_PASS_GRAM);
}

/* Merge two states: the combine function, and linear_merge's transition. */
PG_FUNCTION_INFO_V1(mlops_linear_combine);
Datum
mlops_linear_combine(PG_FUNCTION_ARGS)
{
	MlopsPassState *a;
	MlopsPassState *b;
	MlopsPassCounts counts;

	if (!MlopsPassStateCombineArgs(fcinfo, mlops_linear_routine.id, StateProblem,
								   "linear_merge", &a, &b))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}

	if ((a->flags & LINEAR_FIT_INTERCEPT) != (b->flags & LINEAR_FIT_INTERCEPT))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge linear states with and without an intercept")));
	if (a->pass != b->pass)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge a QR linear state with a Gram linear state")));
	MlopsPassStateMergedCounts(a, b, &counts);
	if (b->nfeat < 0)
	{
		a->nskipped = counts.nskipped;
		a->nheld = counts.nheld;
		PG_RETURN_POINTER(a);
	}
	if (a->nfeat < 0 && a->pass == LINEAR_PASS_GRAM)
	{
		a = MlopsPassStateCopy(b);
		MlopsPassStateSetCounts(a, &counts);
		PG_RETURN_POINTER(a);
	}
	if (a->nfeat < 0)
		a = SizeState(CurrentMemoryContext, a, b->nfeat);
	else if (a->nfeat != b->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge linear states with %d and %d features",
						a->nfeat, b->nfeat)));

	CHECK_FOR_INTERRUPTS();
	if (a->pass == LINEAR_PASS_GRAM)
	{
		MlopsLinearGramMerge(a, b);
		MlopsPassStateSetCounts(a, &counts);
		PG_RETURN_POINTER(a);
	}
	FlushBuffer(a);
	if (LINEAR_NBUF(b) > 0)
	{
		/* b may be read-only: fold a copy of its rows */
		Size		n = (Size) LINEAR_BUFCAP(b) * LINEAR_NCOL(b);
		double	   *rows = palloc(n * sizeof(double));

		memcpy(rows, STATE_BUF(b), n * sizeof(double));
		MlopsQrAbsorbRows(STATE_R(a), LINEAR_NCOL(a), rows, LINEAR_NBUF(b),
						  LINEAR_BUFCAP(b));
		pfree(rows);
	}
	MlopsQrAbsorbTriangle(STATE_R(a), STATE_R(b), LINEAR_NCOL(a));
	MlopsPassStateSetCounts(a, &counts);
	PG_RETURN_POINTER(a);
}

/*
 * R of all the rows a state holds, buffered ones included, in a new
 * ncol x ncol column-major array; the state stays untouched.
 */
static double *
FoldedR(const MlopsPassState *st)
{
	int			ncol = LINEAR_NCOL(st);
	double	   *R;
	double		cond;
	int			i;

	if (st->pass == LINEAR_PASS_GRAM)
		R = MlopsLinearGramR(st, &cond);
	else
	{
		R = palloc(sizeof(double) * ncol * ncol);
		memcpy(R, STATE_R(st), sizeof(double) * ncol * ncol);
	}
	if (st->pass == LINEAR_PASS_QR && LINEAR_NBUF(st) > 0)
	{
		Size		n = (Size) LINEAR_BUFCAP(st) * ncol;
		double	   *rows = palloc(n * sizeof(double));

		memcpy(rows, STATE_BUF(st), n * sizeof(double));
		MlopsQrAbsorbRows(R, ncol, rows, LINEAR_NBUF(st), LINEAR_BUFCAP(st));
		pfree(rows);
	}
	for (i = 0; i < ncol * ncol; i++)
		if (!isfinite(R[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("training data overflowed double precision"),
					 errhint("Rescale the features or the target.")));
	return R;
}

/*
 * What another family reads of a finished state: its dimensions and
 * counts, and R of its rows (FoldedR).  A state that saw no row to fit
 * (nfeat < 0 or nrows == 0) has R = NULL.
 */
void
MlopsLinearStateR(const MlopsPassState *st, LinearStateR *out)
{
	out->nfeat = st->nfeat;
	out->ncol = LINEAR_NCOL(st);
	out->fit_intercept = (st->flags & LINEAR_FIT_INTERCEPT) != 0;
	out->nrows = st->nrows;
	out->nskipped = st->nskipped;
	out->nheld = st->nheld;
	out->R = (st->nfeat < 0 || st->nrows == 0) ? NULL : FoldedR(st);
}

/*
 * Solve the least-squares problem held in a state.  Raises the user-facing
 * errors (empty set, too few rows, collinear column) itself.
 */
void
MlopsLinearSolve(const MlopsPassState *st, double alpha,
				 const char *const *names, LinearFit *fit)
{
	int			ncol = LINEAR_NCOL(st);
	int			k = ncol - 1;
	bool		intercept = (st->flags & LINEAR_FIT_INTERCEPT) != 0;
	double	   *R;
	double	   *Rs;
	int			i,
				j;

	if (st->nfeat < 0 || st->nrows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 st->nskipped > 0 ?
				 errdetail("All %lld rows had a NULL target or feature.",
						   (long long) st->nskipped) : 0));
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a linear fit needs at least one feature or an intercept")));
	if (alpha == 0 && st->nrows < k)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("not enough rows to fit %d parameters, got %lld",
						k, (long long) st->nrows),
				 errhint("Add rows, drop features, or set alpha > 0.")));

	memset(fit, 0, sizeof(LinearFit));
	fit->nfeat = st->nfeat;
	fit->nparams = k;
	fit->fit_intercept = intercept;
	fit->alpha = alpha;
	fit->n = st->nrows;
	fit->nskipped = st->nskipped;
	fit->nheld = st->nheld;
	fit->ldr = ncol;

	R = FoldedR(st);
	fit->R = R;

	/* the system to solve: R itself, or R with the ridge penalty folded in */
	Rs = palloc(sizeof(double) * ncol * ncol);
	memcpy(Rs, R, sizeof(double) * ncol * ncol);
	if (alpha > 0)
	{
		int			first = intercept ? 1 : 0;
		int			m = k - first;
		double	   *pen = palloc0(sizeof(double) * m * ncol);

		for (i = 0; i < m; i++)
			pen[(Size) (first + i) * m + i] = sqrt(alpha);
		if (m > 0)
			MlopsQrAbsorbRows(Rs, ncol, pen, m, m);
	}

	/* rank check: each diagonal against the norm of its column */
	for (j = 0; j < k; j++)
	{
		double		norm = 0,
					rest = 0;

		for (i = 0; i <= j; i++)
			norm += Rs[(Size) j * ncol + i] * Rs[(Size) j * ncol + i];
		for (i = 1; i <= j; i++)
			rest += Rs[(Size) j * ncol + i] * Rs[(Size) j * ncol + i];
		norm = sqrt(norm);
		if (fabs(Rs[(Size) j * ncol + j]) <= RANK_TOLERANCE * norm || norm == 0)
		{
			const char *col = (intercept && j == 0) ? "intercept" :
			names ? names[j - (intercept ? 1 : 0)] : NULL;
			char		label[32];

			if (col == NULL)
			{
				snprintf(label, sizeof(label), "feature %d",
						 j - (intercept ? 1 : 0) + 1);
				col = label;
			}
			if (norm == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("design matrix is singular: column \"%s\" is all zeros", col),
						 errhint("Drop the column, or set alpha > 0 for ridge regression.")));
			if (intercept && j > 0 && sqrt(rest) <= RANK_TOLERANCE * norm)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("design matrix is singular: column \"%s\" is constant", col),
						 errhint("Drop the column, or set alpha > 0 for ridge regression.")));
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("design matrix is singular: column \"%s\" is a linear combination of the columns before it", col),
					 errhint("Drop the column, or set alpha > 0 for ridge regression.")));
		}
	}

	fit->coef = palloc(sizeof(double) * k);
	fit->coef_lo = palloc0(sizeof(double) * k);
	for (i = 0; i < k; i++)
		fit->coef[i] = Rs[(Size) k * ncol + i];
	MlopsTriSolve(Rs, ncol, k, fit->coef, false);
	pfree(Rs);

	/* total sum of squares, centred when there is an intercept */
	fit->tss = 0;
	for (i = intercept ? 1 : 0; i <= k; i++)
		fit->tss += R[(Size) k * ncol + i] * R[(Size) k * ncol + i];
	fit->rss = MlopsLinearRss(fit);
	fit->rcond = MlopsTriRcond(R, ncol, k);
}

/* Residual sum of squares of the current coefficients: |R [b; -1]|^2. */
double
MlopsLinearRss(const LinearFit *fit)
{
	int			k = fit->nparams;
	int			ld = fit->ldr;
	double		rss = 0;
	int			i,
				j;

	for (i = 0; i <= k; i++)
	{
		double		v = -fit->R[(Size) k * ld + i];

		for (j = i; j < k; j++)
			v += fit->R[(Size) j * ld + i] * (fit->coef[j] + fit->coef_lo[j]);
		rss += v * v;
	}
	return rss;
}

/*
 * One step of iterative refinement (corrected semi-normal equations):
 * given g = X'(y - Xb) computed in extended precision, solve R'R d = g and
 * add d to b in double-double.  fit->rss, the RSS at b on entry, becomes
 * the RSS at b + d, which is RSS(b) - d'g.  Returns |d| / |b|.
 */
double
MlopsLinearCorrect(LinearFit *fit, const double *g)
{
	int			k = fit->nparams;
	double	   *d = palloc(sizeof(double) * k);
	double		dn = 0,
				bn = 0,
				dg = 0;
	int			i;

	memcpy(d, g, sizeof(double) * k);
	MlopsTriSolve(fit->R, fit->ldr, k, d, true);
	MlopsTriSolve(fit->R, fit->ldr, k, d, false);
	for (i = 0; i < k; i++)
	{
		dn += d[i] * d[i];
		bn += fit->coef[i] * fit->coef[i];
		dg += d[i] * g[i];
	}
	fit->rss = Max(fit->rss - dg, 0.0);
	for (i = 0; i < k; i++)
	{
		double		hi = fit->coef[i];
		double		s = hi + d[i];
		double		bb = s - hi;
		double		err = (hi - (s - bb)) + (d[i] - bb);
		double		lo = fit->coef_lo[i] + err;

		fit->coef[i] = s + lo;
		fit->coef_lo[i] = lo - (fit->coef[i] - s);
	}
	pfree(d);
	return bn > 0 ? sqrt(dn / bn) : 0.0;
}

/* Fill a model (for the artifact) from a fit, with OLS standard errors. */
void
MlopsLinearToModel(const LinearFit *fit, char **names, MlopsModel *model)
{
	int			k = fit->nparams;
	int			off = fit->fit_intercept ? 1 : 0;
	int64		df = fit->n - k;
	int			i,
				j;

	LinearModel *lm = palloc0(sizeof(LinearModel));

	memset(model, 0, sizeof(MlopsModel));
	model->algo = &mlops_linear_routine;
	model->nfeat = fit->nfeat;
	model->feature_names = names;
	model->payload = lm;
	lm->fit_intercept = fit->fit_intercept;
	lm->intercept = fit->fit_intercept ? fit->coef[0] + fit->coef_lo[0] : 0;
	lm->coef = palloc(sizeof(double) * fit->nfeat);
	for (i = 0; i < fit->nfeat; i++)
		lm->coef[i] = fit->coef[off + i] + fit->coef_lo[off + i];
	lm->df_resid = df;
	lm->sigma = (df > 0) ? sqrt(fit->rss / df) : get_float8_nan();
	lm->std_error = palloc(sizeof(double) * k);

	if (fit->alpha == 0 && df > 0)
	{
		/* Cov(b) = sigma^2 (R'R)^-1: se_i = sigma * |row i of R^-1| */
		double	   *Rinv = palloc(sizeof(double) * k * k);

		for (j = 0; j < k; j++)
			memcpy(Rinv + (Size) j * k, fit->R + (Size) j * fit->ldr,
				   sizeof(double) * k);
		MlopsTriInverse(Rinv, k, k);
		for (i = 0; i < k; i++)
		{
			double		s = 0;

			for (j = i; j < k; j++)
				s += Rinv[(Size) j * k + i] * Rinv[(Size) j * k + i];
			lm->std_error[i] = lm->sigma * sqrt(s);
		}
		pfree(Rinv);
	}
	else
	{
		for (i = 0; i < k; i++)
			lm->std_error[i] = get_float8_nan();
	}
}

/* linear_final(state, alpha): the coefficients, intercept first. */
PG_FUNCTION_INFO_V1(mlops_linear_final);
Datum
mlops_linear_final(PG_FUNCTION_ARGS)
{
	MlopsPassState *st;
	double		alpha = PG_ARGISNULL(1) ? 0.0 : PG_GETARG_FLOAT8(1);
	LinearFit	fit;
	Datum	   *elems;
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!isfinite(alpha) || alpha < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alpha must be a non-negative finite number, not %g", alpha)));
	st = MlopsLinearStateFromDatum(PG_GETARG_DATUM(0));
	MlopsLinearSolve(st, alpha, NULL, &fit);
	elems = palloc(sizeof(Datum) * fit.nparams);
	for (i = 0; i < fit.nparams; i++)
		elems[i] = Float8GetDatum(fit.coef[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, fit.nparams, FLOAT8OID,
										  sizeof(float8), FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}

/*
 * Two-sided p-value of Student's t with df degrees of freedom:
 * I_x(df/2, 1/2) with x = df / (df + t^2), the regularised incomplete beta
 * function by its continued fraction (modified Lentz).
 */
static double
IncompleteBetaCF(double a, double b, double x)
{
	const double tiny = 1e-300;
	double		c = 1.0,
				d = 1.0 - (a + b) * x / (a + 1.0),
				h;
	int			m;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (m = 1; m <= 10000; m++)
	{
		double		m2 = 2.0 * m;
		double		aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		double		del;

		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-16)
			break;
	}
	return h;
}

static double
RegularizedBeta(double a, double b, double x)
{
	double		lbt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	if (x < (a + 1.0) / (a + b + 2.0))
		return exp(lbt) * IncompleteBetaCF(a, b, x) / a;
	return 1.0 - exp(lbt) * IncompleteBetaCF(b, a, 1.0 - x) / b;
}

static double
StudentTwoSidedP(double t, double df)
{
	return RegularizedBeta(df / 2.0, 0.5, df / (df + t * t));
}

/*
 * The coefficients rows of mlops.coefficients (inspect.c): (term,
 * estimate, std_error, statistic, p_value), the statistic being t.
 *
 * Terms follow R's lm: the intercept is "(Intercept)", which only a
 * quoted column name could collide with, and a feature's term is its
 * column name verbatim, except that a column literally named
 * "(Intercept)" is shown in backquotes, as R shows it, so that the two
 * never read alike.  MlopsLinearTerm is the term of feature f (-1: the
 * intercept), for every family with linear coefficients.
 */
const char *
MlopsLinearTerm(const MlopsModel *m, int f)
{
	if (f < 0)
		return "(Intercept)";
	if (strcmp(m->feature_names[f], "(Intercept)") == 0)
		return "`(Intercept)`";
	return m->feature_names[f];
}

static void
LinearCoefficients(const MlopsModel *m, ReturnSetInfo *rsinfo)
{
	const LinearModel *lm = (const LinearModel *) m->payload;
	int			nparams = m->nfeat + (lm->fit_intercept ? 1 : 0);
	int			i;

	for (i = 0; i < nparams; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		int			f = lm->fit_intercept ? i - 1 : i;
		double		est = f < 0 ? lm->intercept : lm->coef[f];
		double		se = lm->std_error[i];

		values[0] = CStringGetTextDatum(MlopsLinearTerm(m, f));
		values[1] = Float8GetDatum(est);
		if (isnan(se) || lm->df_resid <= 0)
			nulls[2] = nulls[3] = nulls[4] = true;
		else
		{
			values[2] = Float8GetDatum(se);
			if (se > 0)
			{
				double		t = est / se;

				values[3] = Float8GetDatum(t);
				values[4] = Float8GetDatum(StudentTwoSidedP(t, (double) lm->df_resid));
			}
			else
				nulls[3] = nulls[4] = true;
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

static const MlopsParamDef linear_params[] = {
	{"fit_intercept", MLOPS_PARAM_BOOL, offsetof(LinearParams, fit_intercept), 1, 0, 0, NULL},
	{"alpha", MLOPS_PARAM_REAL, offsetof(LinearParams, alpha), 0, 0, 0, NULL},
	{NULL, 0, 0, 0, 0, 0, NULL}
};

/* MlopsAlgorithmRoutine.drops_reference: least squares with an intercept */
static bool
LinearDropsReference(const void *params)
{
	const LinearParams *lp = (const LinearParams *) params;

	return lp->fit_intercept && lp->alpha == 0;
}

#endif							/* !FRONTEND */

const MlopsAlgorithmRoutine mlops_linear_routine = {
	.name = "linear",
	.title = "Linear regression",
	.id = 1,
	.task = MLOPS_TASK_REGRESSION,
	.encode = LinearEncode,
	.decode = LinearDecode,
	.predict = LinearPredict,
#ifndef FRONTEND
	.params = linear_params,
	.params_size = sizeof(LinearParams),
	.train = MlopsLinearTrain,
	.coefficients = LinearCoefficients,
	.drops_reference = LinearDropsReference,
	.state_problem = LinearStateProblem,
	.state_compact = LinearStateCompact,
#endif
	.confirms_categories = true,
	.state_fit = "linear fit",
};
