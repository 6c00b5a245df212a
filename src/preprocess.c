/*-------------------------------------------------------------------------
 *
 * preprocess.c
 *	  Turning SQL values into feature vectors: array checks for training
 *	  and scoring, finiteness checks, and the train/test split.
 *
 * The split is a hash of the row's values and the seed, so the same data
 * and seed give the same split whatever the scan order, in a serial or a
 * parallel plan, on one node or many.  Identical rows land on the same
 * side, which is harmless.
 *
 * IDENTIFICATION
 *	  src/preprocess.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "mlops.h"
#include "preprocess.h"

/*
 * A training row's features from an array, or NULL when the array holds a
 * NULL (the row is skipped).  Used by the exported aggregates, which take
 * (features float8[], target float8), and by mlops.train beyond
 * MLOPS_MAX_ARGS_FEATURES features.
 */
const double *
MlopsTrainingRow(ArrayType *arr, int *nfeat)
{
	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("features must be an array of double precision")));
	if (ARR_NDIM(arr) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional, non-empty array")));
	if (ARR_HASNULL(arr) && array_contains_nulls(arr))
		return NULL;
	*nfeat = ARR_DIMS(arr)[0];
	if (*nfeat > MLOPS_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a model cannot have more than %d features, got %d",
						MLOPS_MAX_FEATURES, *nfeat)));
	return (const double *) ARR_DATA_PTR(arr);
}

/* Scratch row of a VARIADIC "any" transition function, in fn_extra. */
typedef struct VariadicRow
{
	int			nfeat;
	double		x[FLEXIBLE_ARRAY_MEMBER];
} VariadicRow;

/*
 * A training row passed as separate float8 arguments, target first, from
 * argument "first" on: what mlops.train's queries use, since building an
 * array per row costs more than the scan itself.  With y NULL the row has
 * no target (clustering, decomposition): features only.  The argument
 * types are checked once per query.  Returns NULL when any value is NULL.
 */
const double *
MlopsTrainingRowArgs(FunctionCallInfo fcinfo, int first, int *nfeat,
					 double *y)
{
	VariadicRow *row = (VariadicRow *) fcinfo->flinfo->fn_extra;
	int			ntarget = y != NULL ? 1 : 0;
	int			n = PG_NARGS() - first - ntarget;
	int			j;

	if (row == NULL)
	{
		if (n < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 y != NULL ?
					 errmsg("a training row needs a target and at least one feature") :
					 errmsg("a training row needs at least one feature")));
		for (j = first; j < PG_NARGS(); j++)
			if (get_fn_expr_argtype(fcinfo->flinfo, j) != FLOAT8OID)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("training values must be double precision")));
		row = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
								 offsetof(VariadicRow, x) + sizeof(double) * n);
		row->nfeat = n;
		fcinfo->flinfo->fn_extra = row;
	}
	{
		const NullableDatum *args = fcinfo->args + first + ntarget;
		bool		anynull = y != NULL && fcinfo->args[first].isnull;

		/* one pass, no branch per value: float8 is passed by value */
		for (j = 0; j < n; j++)
		{
			anynull |= args[j].isnull;
			row->x[j] = DatumGetFloat8(args[j].value);
		}
		if (anynull)
			return NULL;
	}
	if (y != NULL)
		*y = PG_GETARG_FLOAT8(first);
	*nfeat = n;
	return row->x;
}

/*
 * Name of column j of names for messages, or NULL when unknown.  names
 * holds the feature names, optionally followed by the target's name.
 */
static char *
ColumnName(ArrayType *names, int j)
{
	if (names != NULL && ARR_NDIM(names) == 1 && j < ARR_DIMS(names)[0] &&
		ARR_ELEMTYPE(names) == TEXTOID && !ARR_HASNULL(names))
	{
		Datum	   *elems;
		int			n;

		deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, NULL, &n);
		return TextDatumGetCString(elems[j]);
	}
	return NULL;
}

/* Feature j for messages: the column name when known. */
static char *
FeatureLabel(ArrayType *names, int j)
{
	char	   *name = ColumnName(names, j);

	return name ? psprintf("column \"%s\"", name) : psprintf("feature %d", j + 1);
}

/* The target for messages: its column name when names carries it. */
static char *
TargetLabel(ArrayType *names, int nfeat)
{
	char	   *name = ColumnName(names, nfeat);

	return name ? psprintf("target column \"%s\"", name) : pstrdup("target");
}

/* NaN or infinity anywhere in a training row is an error naming it. */
void
MlopsCheckFinite(const double *x, int nfeat, double y, ArrayType *names,
				 int64 ordinal)
{
	int			j;

	if (!isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s is %s in training row %lld",
						TargetLabel(names, nfeat),
						isnan(y) ? "NaN" : "infinite", (long long) ordinal),
				 errhint("Filter the row out, or replace the value.")));
	for (j = 0; j < nfeat; j++)
		if (!isfinite(x[j]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s is %s in training row %lld",
							FeatureLabel(names, j),
							isnan(x[j]) ? "NaN" : "infinite",
							(long long) ordinal),
					 errhint("Filter the row out, or replace the value.")));
}

/*
 * A feature array passed to predict: one-dimensional, lower bound 1,
 * double precision, no NULL, no NaN or infinity, as many elements as the
 * model has features.
 */
const double *
MlopsScoringArray(ArrayType *arr, int nfeat)
{
	const double *x;
	int			n;
	int			j;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("features must be an array of double precision")));
	if (ARR_NDIM(arr) != 1 || ARR_LBOUND(arr)[0] != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional array starting at index 1")));
	n = ARR_DIMS(arr)[0];
	if (n != nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model expects %d features, got %d", nfeat, n)));
	if (ARR_HASNULL(arr))
	{
		bits8	   *bitmap = ARR_NULLBITMAP(arr);

		for (j = 0; j < n; j++)
			if (!(bitmap[j / 8] & (1 << (j % 8))))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("feature %d is NULL", j + 1)));
	}
	x = (const double *) ARR_DATA_PTR(arr);
	for (j = 0; j < n; j++)
		if (!isfinite(x[j]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("feature %d is %s", j + 1,
							isnan(x[j]) ? "NaN" : "infinite")));
	return x;
}

/*
 * A numeric as a double-double: hi is the nearest double, lo the double
 * nearest to what hi rounded off.  hi's exact value is written with 41
 * significant digits, far below what lo can hold, so lo is right to the
 * last bit.  Used by refinement passes on numeric (and bigint) columns.
 */
void
MlopsNumericToDoubleDouble(Datum num, double *hi, double *lo)
{
	char		buf[64];
	Datum		exact;

	*hi = DatumGetFloat8(DirectFunctionCall1(numeric_float8, num));
	*lo = 0;
	if (!isfinite(*hi))
		return;
	snprintf(buf, sizeof(buf), "%.40e", *hi);
	exact = DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
								ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	*lo = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											 DirectFunctionCall2(numeric_sub,
																 num, exact)));
}

/*
 * Is this row in the test set?  A 64-bit hash of the row's values and the
 * seed, mapped to [0, 1).  The mixing is a multiply-xorshift per value
 * (cheap: it runs for every row of every pass), finished with
 * PostgreSQL's integer hash.
 */
bool
MlopsRowIsTest(const double *x, int nfeat, double y, int64 seed,
			   double test_size)
{
	uint64		h = (uint64) seed ^ UINT64CONST(0x9E3779B97F4A7C15);
	uint64		v;
	int			j;

	for (j = 0; j < nfeat; j++)
	{
		memcpy(&v, &x[j], sizeof(v));
		h = (h ^ v) * UINT64CONST(0xFF51AFD7ED558CCD);
		h ^= h >> 32;
	}
	memcpy(&v, &y, sizeof(v));
	h = (h ^ v) * UINT64CONST(0xC4CEB9FE1A85EC53);
	h = DatumGetUInt64(hash_uint32_extended((uint32) (h ^ (h >> 32)), h));
	return (double) (h >> 11) * (1.0 / 9007199254740992.0) < test_size;
}
