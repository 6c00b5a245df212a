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
#include "utils/array.h"
#include "utils/builtins.h"

#include "mlops.h"
#include "preprocess.h"

/*
 * A training row's features, or NULL when the array holds a NULL (the
 * row is skipped).  The array comes from the query train.c builds, or from
 * a user calling the aggregate directly.
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
 * Is this row in the test set?  A 64-bit hash of the row's bytes and the
 * seed, mapped to [0, 1).
 */
bool
MlopsRowIsTest(const double *x, int nfeat, double y, int64 seed,
			   double test_size)
{
	uint64		h;

	h = hash_bytes_extended((const unsigned char *) x,
							sizeof(double) * nfeat, (uint64) seed);
	h = hash_bytes_extended((const unsigned char *) &y, sizeof(y), h);
	return (double) (h >> 11) * (1.0 / 9007199254740992.0) < test_size;
}
