/*-------------------------------------------------------------------------
 *
 * preprocess.c
 *	  Turning SQL values into feature vectors: the feature spec learned at
 *	  training (which columns, how each encodes: numbers, 0/1 booleans,
 *	  one-hot categories) and its application to a row, which the
 *	  training passes and the row form of every scoring function share;
 *	  array checks for training and scoring, finiteness checks, and the
 *	  train/test split.
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

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "fmgr.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/timestamp.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "featurespec.h"
#include "mlops.h"
#include "pass_state.h"
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

/*
 * What a VARIADIC "any" transition's call site keeps: the values' types,
 * checked once per query, and the row's scratch; with a feature spec,
 * the spec (and its bytes, to see it is the same on the next call) and
 * its encoder.
 */
typedef struct VariadicRow
{
	int			nvalues;		/* features, or the spec's columns */
	bytea	   *spec_bytes;
	bool		spec_stable;	/* a constant: never compared again */
	MlopsFeatureSpec *spec;		/* NULL: a plain row of float8 */
	MlopsSpecEncoder *encoder;
	NullableDatum *values;		/* a record's columns, in the spec's order */
	int			nfeat;
	double	   *x;
	MlopsOneHotLayout *one_hot;	/* a spec's, or NULL */
	/*
	 * Past MLOPS_MAX_ARGS_FEATURES columns a spec's columns come as one
	 * record (MlopsSpecArgsSql), deformed into values; its type and
	 * typmod are those of the first row, the encoder made for them.
	 */
	bool		composite;
	Oid			row_type;
	int32		row_typmod;
	Datum	   *dvalues;
	bool	   *dnulls;
} VariadicRow;

/* The spec argument at argno, decoded; an invalid one is an error. */
static MlopsFeatureSpec *
SpecArg(FunctionCallInfo fcinfo, int argno, bytea **bytes)
{
	MlopsFeatureSpec *spec;
	const char *error;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the feature spec of a training row must not be NULL")));
	*bytes = PG_GETARG_BYTEA_PP(argno);
	spec = MlopsSpecDecode(VARDATA_ANY(*bytes), VARSIZE_ANY_EXHDR(*bytes), &error);
	if (spec == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid feature spec: %s", error)));
	return spec;
}

/* Which of a spec's features are one-hot (MlopsOneHotLayout). */
static MlopsOneHotLayout *
OneHotLayout(const MlopsFeatureSpec *spec)
{
	MlopsOneHotLayout *l = palloc0(sizeof(MlopsOneHotLayout));
	bool	   *mask = palloc(sizeof(bool) * Max(spec->nfeat, 1));
	int			j;

	MlopsSpecOneHot(spec, mask);
	l->nfeat = spec->nfeat;
	l->dense = palloc(sizeof(int) * Max(spec->nfeat, 1));
	l->one_hot = palloc(sizeof(int) * Max(spec->nfeat, 1));
	l->rank = palloc(sizeof(int) * Max(spec->nfeat, 1));
	for (j = 0; j < spec->nfeat; j++)
	{
		l->rank[j] = mask[j] ? l->n_one_hot : -1;
		if (mask[j])
			l->one_hot[l->n_one_hot++] = j;
		else
			l->dense[l->ndense++] = j;
	}
	l->dense_from = l->ndense > 0 ? l->dense[0] : 0;
	for (j = 0; j < l->ndense; j++)
		if (l->dense[j] != l->dense[0] + j)
			l->dense_from = -1;
	for (j = 0; j < spec->ncolumns; j++)
		l->ngroups += spec->columns[j].kind == MLOPS_COLUMN_CATEGORICAL;
	l->hot = palloc(sizeof(int) * Max(l->ngroups, 1));
	pfree(mask);
	return l;
}

/* Set up a call site's row: types checked, spec decoded, scratch. */
static VariadicRow *
NewVariadicRow(FunctionCallInfo fcinfo, int first, int ntarget)
{
	MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	VariadicRow *row = palloc0(sizeof(VariadicRow));
	bool		has_spec = PG_NARGS() > first &&
		get_fn_expr_argtype(fcinfo->flinfo, first) == BYTEAOID;
	int			vfirst = first + (has_spec ? 1 : 0);
	int			n = PG_NARGS() - vfirst - ntarget;
	/* the float8 values: all of them, or a spec's target */
	int			last_float = has_spec ? vfirst + ntarget : PG_NARGS();
	int			j;

	if (n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 ntarget ?
				 errmsg("a training row needs a target and at least one feature") :
				 errmsg("a training row needs at least one feature")));
	for (j = vfirst; j < last_float; j++)
		if (get_fn_expr_argtype(fcinfo->flinfo, j) != FLOAT8OID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("training values must be double precision")));
	row->nvalues = n;
	row->nfeat = n;
	if (has_spec)
	{
		MlopsFeatureSpec *spec = SpecArg(fcinfo, first, &row->spec_bytes);

		row->composite = n == 1 && spec->ncolumns != 1 &&
			type_is_rowtype(get_fn_expr_argtype(fcinfo->flinfo, vfirst + ntarget));
		if (n != spec->ncolumns && !row->composite)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a training row has %d columns, its feature spec %d",
							n, spec->ncolumns)));
		row->spec_bytes = (bytea *) PG_DETOAST_DATUM_COPY(PointerGetDatum(row->spec_bytes));
		row->spec_stable = MlopsPassStateArgIsStable(fcinfo, first);
		row->spec = spec;
		row->nfeat = spec->nfeat;
		row->one_hot = OneHotLayout(spec);
		if (!row->composite)
		{
			Oid		   *types = palloc(sizeof(Oid) * n);

			for (j = 0; j < n; j++)
				types[j] = get_fn_expr_argtype(fcinfo->flinfo, vfirst + ntarget + j);
			row->encoder = MlopsSpecEncoderCreate(spec, types, NULL);
		}
	}
	row->x = palloc(sizeof(double) * row->nfeat);
	MemoryContextSwitchTo(old);
	return row;
}

/*
 * The spec's columns of a row passed as one record, as NullableDatum in
 * the row's scratch; the first row's type makes the encoder, every other
 * row must have it.
 */
static const NullableDatum *
DeformRow(FunctionCallInfo fcinfo, VariadicRow *row, Datum d)
{
	HeapTupleHeader td = DatumGetHeapTupleHeader(d);
	Oid			type = HeapTupleHeaderGetTypeId(td);
	int32		typmod = HeapTupleHeaderGetTypMod(td);
	HeapTupleData tuple;
	TupleDesc	desc;
	int			n = row->spec->ncolumns;
	int			j;

	if (row->encoder == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		Oid		   *types = palloc(sizeof(Oid) * n);

		desc = lookup_rowtype_tupdesc(type, typmod);
		if (desc->natts != n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a training row has %d columns, its feature spec %d",
							desc->natts, n)));
		for (j = 0; j < n; j++)
			types[j] = TupleDescAttr(desc, j)->atttypid;
		ReleaseTupleDesc(desc);
		row->encoder = MlopsSpecEncoderCreate(row->spec, types, NULL);
		row->row_type = type;
		row->row_typmod = typmod;
		row->dvalues = palloc(sizeof(Datum) * n);
		row->dnulls = palloc(sizeof(bool) * n);
		row->values = palloc(sizeof(NullableDatum) * n);
		MemoryContextSwitchTo(old);
	}
	else if (type != row->row_type || typmod != row->row_typmod)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the rows of a training pass must all be of one type")));
	desc = lookup_rowtype_tupdesc(type, typmod);
	tuple.t_len = HeapTupleHeaderGetDatumLength(td);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = td;
	heap_deform_tuple(&tuple, desc, row->dvalues, row->dnulls);
	ReleaseTupleDesc(desc);
	for (j = 0; j < n; j++)
	{
		row->values[j].value = row->dvalues[j];
		row->values[j].isnull = row->dnulls[j];
	}
	return row->values;
}

/* A spec argument that is not a constant must stay the one decoded. */
static void
CheckSameSpec(FunctionCallInfo fcinfo, int argno, const VariadicRow *row)
{
	bytea	   *b;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the feature spec of a training row must not be NULL")));
	b = PG_GETARG_BYTEA_PP(argno);
	if (VARSIZE_ANY_EXHDR(b) != VARSIZE_ANY_EXHDR(row->spec_bytes) ||
		memcmp(VARDATA_ANY(b), VARDATA_ANY(row->spec_bytes), VARSIZE_ANY_EXHDR(b)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the feature spec of a training pass must be the same for every row")));
}

/*
 * A training row passed as separate arguments from argument "first" on:
 * what mlops.train's queries use, since building an array per row costs
 * more than the scan itself.  Either every value is float8, target first
 * (y == NULL: the row has no target, only features), or "first" is a
 * feature spec (bytea), followed by the target (float8) and the spec's
 * columns as they are, which the spec encodes into features.  *cache
 * keeps the call site's state (fn_extra, unless the caller keeps its
 * own there).  Returns NULL when the row is skipped: a NULL target, a
 * NULL feature, or a NULL in a numeric or boolean column.
 */
const double *
MlopsTrainingRowArgsIn(FunctionCallInfo fcinfo, int first, int *nfeat,
					   double *y, void **cache)
{
	VariadicRow *row = (VariadicRow *) *cache;
	int			ntarget = y != NULL ? 1 : 0;
	int			vfirst;
	int			j;

	if (row == NULL)
		*cache = row = NewVariadicRow(fcinfo, first, ntarget);
	*nfeat = row->nfeat;
	vfirst = first + (row->spec ? 1 : 0);
	if (ntarget && fcinfo->args[vfirst].isnull)
		return NULL;
	if (ntarget)
		*y = DatumGetFloat8(fcinfo->args[vfirst].value);
	if (row->spec != NULL)
	{
		const NullableDatum *values = fcinfo->args + vfirst + ntarget;

		if (!row->spec_stable)
			CheckSameSpec(fcinfo, first, row);
		if (row->composite)
		{
			if (values->isnull)
				return NULL;
			values = DeformRow(fcinfo, row, values->value);
		}
		return MlopsSpecEncodeRowHot(row->encoder, values, row->x,
									 row->one_hot->hot) ? row->x : NULL;
	}
	{
		const NullableDatum *args = fcinfo->args + vfirst + ntarget;
		bool		anynull = false;

		/* one pass, no branch per value: float8 is passed by value */
		for (j = 0; j < row->nvalues; j++)
		{
			anynull |= args[j].isnull;
			row->x[j] = DatumGetFloat8(args[j].value);
		}
		if (anynull)
			return NULL;
	}
	return row->x;
}

/*
 * Which features of the rows MlopsTrainingRowArgs read at this call site
 * are one-hot indicators (NULL: a plain row); after its first call.
 */
const MlopsOneHotLayout *
MlopsTrainingRowOneHot(FunctionCallInfo fcinfo)
{
	VariadicRow *row = (VariadicRow *) fcinfo->flinfo->fn_extra;

	return row ? row->one_hot : NULL;
}

/* The same, keeping the call site's state in fn_extra. */
const double *
MlopsTrainingRowArgs(FunctionCallInfo fcinfo, int first, int *nfeat,
					 double *y)
{
	return MlopsTrainingRowArgsIn(fcinfo, first, nfeat, y,
								  &fcinfo->flinfo->fn_extra);
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

/*
 * NaN or infinity anywhere in a training row is an error naming it, but
 * for a NaN feature with missing (a family that takes missing values).
 */
void
MlopsCheckFinite(const double *x, int nfeat, double y, ArrayType *names,
				 int64 ordinal, bool missing)
{
	const uint64 exponent = UINT64CONST(0x7ff0000000000000);
	uint64		bad = 0;
	int			j;

	/*
	 * The common case first, branch-free (vectorised): only an exponent of
	 * all ones (NaN, infinity) carries into bit 63 when 1 is added to it.
	 */
	for (j = 0; j < nfeat; j++)
	{
		uint64		bits;

		memcpy(&bits, &x[j], sizeof(bits));
		bad |= (bits & exponent) + (UINT64CONST(1) << 52);
	}
	if ((bad >> 63) == 0 && isfinite(y))
		return;

	if (!isfinite(y))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s is %s in training row %lld",
						TargetLabel(names, nfeat),
						isnan(y) ? "NaN" : "infinite", (long long) ordinal),
				 errhint("Filter the row out, or replace the value.")));
	for (j = 0; j < nfeat; j++)
		if (!isfinite(x[j]) && !(missing && isnan(x[j])))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s is %s in training row %lld",
							FeatureLabel(names, j),
							isnan(x[j]) ? "NaN" : "infinite",
							(long long) ordinal),
					 errhint("Filter the row out, or replace the value.")));
}

/*
 * A training row for a library that computes in float32 (XGBoost): a
 * finite value beyond its range would become infinity there, an error
 * naming it here.
 */
void
MlopsCheckFloat32(const double *x, int nfeat, double y, ArrayType *names, int64 ordinal)
{
	bool		bad = fabs(y) > FLT_MAX;
	int			j;

	for (j = 0; j < nfeat; j++)
		bad |= fabs(x[j]) > FLT_MAX;
	if (!bad)
		return;
	for (j = -1; j < nfeat; j++)
		if (fabs(j < 0 ? y : x[j]) > FLT_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s is %g in training row %lld, beyond the float32 range XGBoost trains in",
							j < 0 ? TargetLabel(names, nfeat) : FeatureLabel(names, j),
							j < 0 ? y : x[j], (long long) ordinal),
					 errhint("Scale the column, or filter the row out.")));
}

/*
 * A feature array passed to predict: one-dimensional, lower bound 1,
 * double precision, as many elements as the model has features, none
 * infinite.  NULL and NaN are errors, unless missing is given (a buffer
 * of nfeat, for a model that takes missing values): then they are missing
 * values, NaN, and a NULL's row is copied into missing.
 */
const double *
MlopsScoringArray(ArrayType *arr, int nfeat, double *missing)
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
	x = (const double *) ARR_DATA_PTR(arr);
	if (ARR_HASNULL(arr))
	{
		bits8	   *bitmap = ARR_NULLBITMAP(arr);
		int			k = 0;

		for (j = 0; j < n; j++)
		{
			if (bitmap[j / 8] & (1 << (j % 8)))
			{
				if (missing != NULL)
					missing[j] = x[k];
				k++;
			}
			else if (missing != NULL)
				missing[j] = get_float8_nan();
			else
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("feature %d is NULL", j + 1)));
		}
		x = missing;
	}
	for (j = 0; j < n; j++)
		if (!isfinite(x[j]) && (missing == NULL || !isnan(x[j])))
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
 * A row's hash, from its values and a seed: what decides the
 * deterministic train/test split (MlopsRowIsTest) and samples of rows.
 */
uint64
MlopsRowHash(const double *x, int nfeat, double y, int64 seed)
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
	return DatumGetUInt64(hash_uint32_extended((uint32) (h ^ (h >> 32)), h));
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
	uint64		h = MlopsRowHash(x, nfeat, y, seed);

	return (double) (h >> 11) * (1.0 / 9007199254740992.0) < test_size;
}

/* ---- numbers of any numeric type, as predict's row form reads them ---- */

/* How a numeric type converts to double, or false when it is not one. */
bool
MlopsConvFor(Oid type, MlopsConv *conv)
{
	switch (getBaseType(type))
	{
		case FLOAT8OID:
			*conv = MLOPS_CONV_FLOAT8;
			return true;
		case FLOAT4OID:
			*conv = MLOPS_CONV_FLOAT4;
			return true;
		case INT2OID:
			*conv = MLOPS_CONV_INT2;
			return true;
		case INT4OID:
			*conv = MLOPS_CONV_INT4;
			return true;
		case INT8OID:
			*conv = MLOPS_CONV_INT8;
			return true;
		case NUMERICOID:
			*conv = MLOPS_CONV_NUMERIC;
			return true;
		default:
			return false;
	}
}

/* inline for the encoder's loop, which converts most of a row's values */
static inline double
Convert(Datum d, MlopsConv conv)
{
	switch (conv)
	{
		case MLOPS_CONV_FLOAT8:
			return DatumGetFloat8(d);
		case MLOPS_CONV_FLOAT4:
			return (double) DatumGetFloat4(d);
		case MLOPS_CONV_INT2:
			return (double) DatumGetInt16(d);
		case MLOPS_CONV_INT4:
			return (double) DatumGetInt32(d);
		case MLOPS_CONV_INT8:
			return (double) DatumGetInt64(d);
		case MLOPS_CONV_NUMERIC:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
		case MLOPS_CONV_DATE:
			if (DATE_NOT_FINITE(DatumGetDateADT(d)))
				return DATE_IS_NOBEGIN(DatumGetDateADT(d)) ? -get_float8_infinity() :
					get_float8_infinity();
			return ((double) DatumGetDateADT(d) + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)) *
				SECS_PER_DAY;
		case MLOPS_CONV_TIMESTAMP:
			if (TIMESTAMP_NOT_FINITE(DatumGetTimestamp(d)))
				return TIMESTAMP_IS_NOBEGIN(DatumGetTimestamp(d)) ? -get_float8_infinity() :
					get_float8_infinity();
			return (double) DatumGetTimestamp(d) / USECS_PER_SEC +
				(double) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
	}
	return 0;					/* keep compiler quiet */
}

double
MlopsConvert(Datum d, MlopsConv conv)
{
	return Convert(d, conv);
}

/* ---- which columns can be features, and how ---- */

/*
 * A column type's kind and family (domains unwrapped), or false when no
 * feature can be made of it.
 */
bool
MlopsColumnKindFor(Oid type, MlopsColumnKind *kind, MlopsTypeFamily *family)
{
	Oid			base = getBaseType(type);

	switch (base)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			*kind = MLOPS_COLUMN_NUMERIC;
			*family = MLOPS_TYPES_INTEGER;
			return true;
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
			*kind = MLOPS_COLUMN_NUMERIC;
			*family = MLOPS_TYPES_FLOAT;
			return true;
		case BOOLOID:
			*kind = MLOPS_COLUMN_BOOLEAN;
			*family = MLOPS_TYPES_BOOLEAN;
			return true;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			*kind = MLOPS_COLUMN_CATEGORICAL;
			*family = MLOPS_TYPES_TEXT;
			return true;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			*kind = MLOPS_COLUMN_NUMERIC;
			*family = base == DATEOID ? MLOPS_TYPES_DATE :
				base == TIMESTAMPOID ? MLOPS_TYPES_TIMESTAMP : MLOPS_TYPES_TIMESTAMPTZ;
			return true;
		default:
			if (OidIsValid(get_element_type(base)))
			{
				MlopsConv	conv;
				MlopsColumnKind ekind;

				/* a one-dimensional array of numbers: its elements */
				if (!MlopsConvFor(get_element_type(base), &conv))
					return false;
				(void) MlopsColumnKindFor(get_element_type(base), &ekind, family);
				*kind = MLOPS_COLUMN_ARRAY;
				return true;
			}
			if (type_is_enum(base))
			{
				*kind = MLOPS_COLUMN_CATEGORICAL;
				*family = MLOPS_TYPES_ENUM;
				return true;
			}
			return false;
	}
}

/* ---- applying a spec to a row ---- */

/* A category's position in its column's list, by its text. */
typedef struct CategorySlot
{
	const char *str;			/* NULL: empty slot */
	uint64		head;			/* its first 8 bytes (CategoryHead) */
	int			len;
	int			index;
} CategorySlot;

typedef struct EncoderColumn
{
	const MlopsSpecColumn *col;
	MlopsConv	conv;			/* numeric, a time's epoch, an array's elements */
	Oid			elem_type;		/* an array's */
	int16		elem_len;
	bool		elem_byval;
	char		elem_align;
	bool		is_bpchar;		/* trailing blanks do not count */
	Oid			enum_type;		/* an enum's values: by OID, below */
	CategorySlot *slots;		/* categorical: open addressing */
	uint32		mask;
	int			nenum;
	Oid		   *enum_oids;		/* sorted, with their indexes */
	int		   *enum_index;
} EncoderColumn;

/*
 * What the last row left in a training call site's buffer: there, a
 * categorical column's indicators are cleared by unsetting the one that
 * row set, not by zeroing the column's width (145 doubles a row of the
 * benchmark's typed table).
 */
typedef struct EncoderMemo
{
	const double *x;			/* the buffer, NULL: nothing known */
	int		   *set;			/* per column, the feature set, or -1 */
} EncoderMemo;

/* A numeric column without scaling: most of a row, read in a tight loop. */
typedef struct EncoderNumber
{
	int			column;
	int			offset;
	MlopsConv	conv;
	bool		drop;			/* a NULL drops the row, else impute_value */
	double		impute_value;
} EncoderNumber;

struct MlopsSpecEncoder
{
	const MlopsFeatureSpec *spec;
	EncoderColumn *cols;
	int			nnumbers;
	int			nfloat8;		/* numbers[0 .. nfloat8 - 1] are float8 */
	EncoderNumber *numbers;
	int			nrest;
	int		   *rest;			/* the other columns, in spec order */
	bool		float8_only;	/* every column a float8 feature as it is */
	EncoderMemo *memo;			/* for encodings with hot (training's) */
	NullableDatum *row;			/* a slot's columns, for EncodeSlotRow */
};

/* 4 bytes as a little-endian number, on any host */
static inline uint32
Load32LE(const char *p)
{
	uint32		w;

	memcpy(&w, p, 4);
#ifdef WORDS_BIGENDIAN
	w = pg_bswap32(w);
#endif
	return w;
}

/*
 * A category's first 8 bytes, zero-padded: for the short values
 * categories mostly are, the whole of them, so that a lookup compares
 * and hashes one word, not bytes.
 */
static inline uint64
CategoryHead(const char *str, int len)
{
	const unsigned char *s = (const unsigned char *) str;
	uint64		head;

	if (len >= 8)
	{
		memcpy(&head, str, 8);
		return head;
	}
	/*
	 * Shorter: whole loads that overlap, so that each byte lands at 8 times
	 * its position whatever the length (a branch on each bit of the length
	 * was mispredicted on categories of mixed lengths, 't9' and 't10').
	 */
	if (len >= 4)
		return Load32LE(str) | (uint64) Load32LE(str + len - 4) << (8 * (len - 4));
	if (len > 0)
		return s[0] | (uint64) s[len / 2] << (8 * (len / 2)) |
			(uint64) s[len - 1] << (8 * (len - 1));
	return 0;
}

/*
 * Two multiplications with a fold between: one alone left the table's
 * low bits blind to a head's last bytes, and 99 of 100 categories
 * 'city_000' .. 'city_099' shared a first slot.
 */
static inline uint32
CategoryHash(const char *str, int len, uint64 head)
{
	uint64		h;

	if (len > 8)
		return hash_bytes((const unsigned char *) str, len);
	h = (head ^ (uint64) len) * UINT64CONST(0x9E3779B97F4A7C15);
	h ^= h >> 32;
	return (uint32) ((h * UINT64CONST(0x9E3779B97F4A7C15)) >> 32);
}

static inline int
FindCategory(const EncoderColumn *ec, const char *str, int len)
{
	uint64		head = CategoryHead(str, len);
	uint32		h = CategoryHash(str, len, head) & ec->mask;

	for (;; h = (h + 1) & ec->mask)
	{
		const CategorySlot *s = &ec->slots[h];

		if (s->str == NULL)
			return -1;
		if (s->head == head && s->len == len &&
			(len <= 8 || memcmp(s->str + 8, str + 8, len - 8) == 0))
			return s->index;
	}
}

static void
BuildCategoryTable(EncoderColumn *ec)
{
	const MlopsSpecColumn *c = ec->col;
	uint32		size = 4;
	int			i;

	/* sparse, so that a lookup rarely probes twice: that branch is random */
	while (size < (c->ncategories <= 1024 ? 8 : 2) * (uint32) c->ncategories)
		size <<= 1;
	ec->slots = palloc0(sizeof(CategorySlot) * size);
	ec->mask = size - 1;
	for (i = 0; i < c->ncategories; i++)
	{
		int			len = strlen(c->categories[i]);
		uint64		head = CategoryHead(c->categories[i], len);
		uint32		h = CategoryHash(c->categories[i], len, head) & ec->mask;

		while (ec->slots[h].str != NULL)
			h = (h + 1) & ec->mask;
		ec->slots[h].str = c->categories[i];
		ec->slots[h].head = head;
		ec->slots[h].len = len;
		ec->slots[h].index = i;
	}
}

static int
CompareOids(const void *a, const void *b)
{
	Oid			x = *(const Oid *) a;
	Oid			y = *(const Oid *) b;

	return x < y ? -1 : x > y;
}

/*
 * An enum's values by OID: each label's category index (-1: none), so a
 * row's value is found without a catalog lookup.
 */
static void
BuildEnumTable(EncoderColumn *ec, Oid enum_type)
{
	CatCList   *list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(enum_type));
	Oid		   *pairs = palloc(sizeof(Oid) * 2 * Max(list->n_members, 1));
	int			i;

	for (i = 0; i < list->n_members; i++)
	{
		Form_pg_enum e = (Form_pg_enum) GETSTRUCT(&list->members[i]->tuple);
		const char *label = NameStr(e->enumlabel);

		pairs[2 * i] = e->oid;
		pairs[2 * i + 1] = (Oid) (FindCategory(ec, label, strlen(label)) + 1);
	}
	ec->nenum = list->n_members;
	ReleaseSysCacheList(list);
	qsort(pairs, ec->nenum, 2 * sizeof(Oid), CompareOids);
	ec->enum_oids = palloc(sizeof(Oid) * Max(ec->nenum, 1));
	ec->enum_index = palloc(sizeof(int) * Max(ec->nenum, 1));
	for (i = 0; i < ec->nenum; i++)
	{
		ec->enum_oids[i] = pairs[2 * i];
		ec->enum_index[i] = (int) pairs[2 * i + 1] - 1;
	}
	ec->enum_type = enum_type;
}

static int
FindEnum(const EncoderColumn *ec, Oid v)
{
	int			lo = 0;
	int			hi = ec->nenum - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (ec->enum_oids[mid] == v)
			return ec->enum_index[mid];
		if (ec->enum_oids[mid] < v)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;					/* a label added since: unseen */
}

/*
 * An encoder of the spec's columns given with these types (one per
 * column, in spec order), in the current memory context.  A type outside
 * the family the column had at training is an error naming the column,
 * both types and, when scoring, the model.
 */
MlopsSpecEncoder *
MlopsSpecEncoderCreate(const MlopsFeatureSpec *spec, const Oid *types,
					   const char *model)
{
	MlopsSpecEncoder *enc = palloc0(sizeof(MlopsSpecEncoder));
	int			i;
	int			j;

	enc->spec = spec;
	enc->cols = palloc0(sizeof(EncoderColumn) * spec->ncolumns);
	for (i = 0; i < spec->ncolumns; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];
		EncoderColumn *ec = &enc->cols[i];
		MlopsColumnKind kind;
		MlopsTypeFamily family;
		Oid			base = getBaseType(types[i]);

		ec->col = c;
		if (!MlopsColumnKindFor(types[i], &kind, &family) || family != c->family ||
			(kind == MLOPS_COLUMN_ARRAY) != (c->kind == MLOPS_COLUMN_ARRAY))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 model ?
					 errmsg("column \"%s\" has type %s, but model \"%s\" was trained on it as %s",
							c->name, format_type_be(types[i]), model, c->type_name) :
					 errmsg("column \"%s\" has type %s, but the feature spec has %s",
							c->name, format_type_be(types[i]), c->type_name),
					 errhint("Cast the column to a %s type, or train a new version.",
							 MlopsTypeFamilyName(c->family))));
		if (MLOPS_IS_TIME_FAMILY(family))
			ec->conv = family == MLOPS_TYPES_DATE ? MLOPS_CONV_DATE : MLOPS_CONV_TIMESTAMP;
		else if (kind == MLOPS_COLUMN_NUMERIC)
			(void) MlopsConvFor(types[i], &ec->conv);
		if (kind == MLOPS_COLUMN_ARRAY)
		{
			ec->elem_type = get_element_type(base);
			(void) MlopsConvFor(ec->elem_type, &ec->conv);
			get_typlenbyvalalign(ec->elem_type, &ec->elem_len, &ec->elem_byval,
								 &ec->elem_align);
		}
		if (c->kind != MLOPS_COLUMN_CATEGORICAL)
			continue;
		BuildCategoryTable(ec);
		ec->is_bpchar = base == BPCHAROID;
		if (family == MLOPS_TYPES_ENUM)
			BuildEnumTable(ec, base);
	}
	enc->numbers = palloc(sizeof(EncoderNumber) * Max(spec->ncolumns, 1));
	enc->rest = palloc(sizeof(int) * Max(spec->ncolumns, 1));
	/* the float8 numbers first, then the other numbers */
	for (j = 0; j < 2; j++)
		for (i = 0; i < spec->ncolumns; i++)
		{
			const MlopsSpecColumn *c = &spec->columns[i];
			EncoderNumber *en = &enc->numbers[enc->nnumbers];

			if (c->kind != MLOPS_COLUMN_NUMERIC || c->shift != NULL)
			{
				if (j == 0)
					enc->rest[enc->nrest++] = i;
				continue;
			}
			if ((enc->cols[i].conv == MLOPS_CONV_FLOAT8) != (j == 0))
				continue;
			en->column = i;
			en->offset = c->offset;
			en->conv = enc->cols[i].conv;
			en->drop = c->impute == MLOPS_IMPUTE_DROP;
			en->impute_value = c->impute_value;
			enc->nnumbers++;
			enc->nfloat8 += j == 0;
		}
	enc->memo = palloc0(sizeof(EncoderMemo));
	enc->memo->set = palloc(sizeof(int) * Max(spec->ncolumns, 1));
	enc->row = palloc(sizeof(NullableDatum) * Max(spec->ncolumns, 1));
	enc->float8_only = MlopsSpecReadsInPlace(spec);
	for (i = 0; enc->float8_only && i < spec->ncolumns; i++)
		enc->float8_only = enc->cols[i].conv == MLOPS_CONV_FLOAT8 &&
			spec->columns[i].offset == i;
	return enc;
}

/*
 * The part of a date or time a categorical column is (UTC for
 * timestamptz, the stored fields for timestamp), or -1 for an infinite
 * one.
 */
static int
DatePartOf(const EncoderColumn *ec, Datum d)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (ec->col->family == MLOPS_TYPES_DATE)
	{
		DateADT		date = DatumGetDateADT(d);

		if (DATE_NOT_FINITE(date))
			return -1;
		j2date(date + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
		tm.tm_hour = 0;
	}
	else if (TIMESTAMP_NOT_FINITE(DatumGetTimestamp(d)) ||
			 timestamp2tm(DatumGetTimestamp(d), NULL, &tm, &fsec, NULL, NULL) != 0)
		return -1;
	switch (ec->col->part)
	{
		case MLOPS_PART_DOW:
			return j2day(date2j(tm.tm_year, tm.tm_mon, tm.tm_mday));
		case MLOPS_PART_DAY:
			return tm.tm_mday;
		case MLOPS_PART_MONTH:
			return tm.tm_mon;
		case MLOPS_PART_QUARTER:
			return (tm.tm_mon - 1) / 3 + 1;
		case MLOPS_PART_HOUR:
			return tm.tm_hour;
		case MLOPS_PART_NONE:
			break;
	}
	return -1;
}

/*
 * An array column's elements into out, or false when it holds a NULL; an
 * array of another length than at training is an error naming it.
 */
static bool
ArrayElements(const EncoderColumn *ec, Datum d, double *out)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	int			n = ARR_NDIM(arr) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	Datum	   *elems;
	bool	   *nulls;
	int			j;

	if (ARR_NDIM(arr) > 1 || n != ec->col->array_length)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("column \"%s\" holds an array of %d elements, not the %d it had at training",
						ec->col->name, n, ec->col->array_length)));
	if (ARR_HASNULL(arr) && array_contains_nulls(arr))
		return false;
	if (ec->conv == MLOPS_CONV_FLOAT8)
	{
		memcpy(out, ARR_DATA_PTR(arr), sizeof(double) * n);
		return true;
	}
	deconstruct_array(arr, ec->elem_type, ec->elem_len, ec->elem_byval, ec->elem_align,
					  &elems, &nulls, &n);
	for (j = 0; j < n; j++)
		out[j] = Convert(elems[j], ec->conv);
	return true;
}

/* A categorical value's category index, or -1 when it has none. */
static int
CategoryOf(const EncoderColumn *ec, Datum d)
{
	text	   *t;
	const char *str;
	int			len;

	if (ec->enum_type != InvalidOid)
		return FindEnum(ec, DatumGetObjectId(d));
	if (ec->col->part != MLOPS_PART_NONE)
	{
		char		buf[16];
		int			v = DatePartOf(ec, d);

		if (v < 0)
			return -1;
		return FindCategory(ec, buf, snprintf(buf, sizeof(buf), "%d", v));
	}
	/* DatumGetTextPP, but without a call for the plain value most are */
	t = (text *) DatumGetPointer(d);
	if (VARATT_IS_COMPRESSED(t) || VARATT_IS_EXTERNAL(t))
		t = DatumGetTextPP(d);
	str = VARDATA_ANY(t);
	len = VARSIZE_ANY_EXHDR(t);
	if (ec->is_bpchar)
		len = bpchartruelen((char *) str, len);
	return FindCategory(ec, str, len);
}

/*
 * numbers[from .. to - 1] of a row into x (float8: all of them float8,
 * which inlining turns into a loop without a conversion's switch).
 */
static inline bool
EncodeNumbers(const EncoderNumber *numbers, int from, int to, bool float8,
			  const NullableDatum *values, double *x)
{
	int			i;

	for (i = from; i < to; i++)
	{
		const EncoderNumber *en = &numbers[i];
		const NullableDatum *v = &values[en->column];

		if (!v->isnull)
			x[en->offset] = float8 ? DatumGetFloat8(v->value) :
				Convert(v->value, en->conv);
		else if (en->drop)
			return false;
		else
			x[en->offset] = en->impute_value;
	}
	return true;
}

/*
 * Encode a row's columns (in spec order) into x (spec->nfeat values).
 * False when the row has no features: a NULL numeric or boolean column
 * without imputation; with it, the stored value stands in.
 * A categorical NULL is its NULL feature, a value it never saw at
 * training its __other__ feature, or with neither all zeros (the
 * reference level, when the first category is dropped).
 */
bool
MlopsSpecEncodeRow(const MlopsSpecEncoder *enc, const NullableDatum *values,
				   double *x)
{
	return MlopsSpecEncodeRowHot(enc, values, x, NULL);
}

/*
 * The same from a slot's arrays (the spec's first column at values[0]),
 * float8 columns read from them directly: the rows of a training scan.
 */
bool
MlopsSpecEncodeSlotRow(const MlopsSpecEncoder *enc, const Datum *values,
					   const bool *isnull, double *x)
{
	int			n = enc->spec->ncolumns;
	int			i;

	if (enc->float8_only)
	{
		for (i = 0; i < n && !isnull[i]; i++)
			x[i] = DatumGetFloat8(values[i]);
		if (i == n)
			return true;
	}
	for (i = 0; i < n; i++)
	{
		enc->row[i].value = values[i];
		enc->row[i].isnull = isnull[i];
	}
	return MlopsSpecEncodeRowHot(enc, enc->row, x, NULL);
}

/*
 * The same, and in hot (NULL: not wanted) for each categorical column in
 * turn the feature it set, -1 (the reference level) or MLOPS_HOT_UNSEEN
 * (a value or NULL it neither lists nor pools).
 */
bool
MlopsSpecEncodeRowHot(const MlopsSpecEncoder *enc, const NullableDatum *values,
					  double *x, int *hot)
{
	const MlopsFeatureSpec *spec = enc->spec;
	int			i;
	int			j;
	int			r;

	/* with hot, x is the call site's own buffer, as the last row left it */
	bool		known = hot != NULL && enc->memo->x == x;

	enc->memo->x = NULL;
	/* float8 columns as they are (the common case of a big training) */
	if (enc->float8_only)
	{
		for (i = 0; i < spec->ncolumns && !values[i].isnull; i++)
			x[i] = DatumGetFloat8(values[i].value);
		if (i == spec->ncolumns)
			return true;
	}
	if (!EncodeNumbers(enc->numbers, 0, enc->nfloat8, true, values, x) ||
		!EncodeNumbers(enc->numbers, enc->nfloat8, enc->nnumbers, false, values, x))
		return false;
	for (r = 0; r < enc->nrest; r++)
	{
		const EncoderColumn *ec = &enc->cols[enc->rest[r]];
		const MlopsSpecColumn *c = ec->col;
		double	   *out = x + c->offset;
		int			drop;
		int			k;

		i = enc->rest[r];

		switch (c->kind)
		{
			case MLOPS_COLUMN_NUMERIC:
			case MLOPS_COLUMN_BOOLEAN:
				if (values[i].isnull)
				{
					if (c->impute == MLOPS_IMPUTE_DROP)
						return false;
					*out = c->impute_value;
				}
				else if (c->kind == MLOPS_COLUMN_NUMERIC)
					*out = Convert(values[i].value, ec->conv);
				else
					*out = DatumGetBool(values[i].value) ? 1.0 : 0.0;
				break;
			case MLOPS_COLUMN_ARRAY:
				if (values[i].isnull || !ArrayElements(ec, values[i].value, out))
					return false;
				break;
			case MLOPS_COLUMN_CATEGORICAL:
				if (known && c->shift == NULL)
				{
					if (enc->memo->set[i] >= 0)
						x[enc->memo->set[i]] = 0.0;
				}
				else
					memset(out, 0, sizeof(double) * c->width);
				drop = (c->flags & MLOPS_SPEC_DROP_FIRST) ? 1 : 0;
				if (values[i].isnull)
					k = (c->flags & MLOPS_SPEC_NULL) ? c->width - 1 : MLOPS_HOT_UNSEEN;
				else
				{
					k = CategoryOf(ec, values[i].value);
					if (k >= drop)
						k -= drop;
					else if (k >= 0)
						k = -1; /* the reference level */
					else if (c->flags & MLOPS_SPEC_OTHER)
						k = c->ncategories - drop;
					else
						k = MLOPS_HOT_UNSEEN;
				}
				if (k >= 0)
					out[k] = 1.0;
				enc->memo->set[i] = k >= 0 ? c->offset + k : -1;
				if (hot != NULL)
					*hot++ = k >= 0 ? c->offset + k : k;
				break;
		}
		if (c->shift != NULL)
			for (j = 0; j < c->width; j++)
				out[j] = (out[j] - c->shift[j]) / c->scale[j];
	}
	if (hot != NULL)
		enc->memo->x = x;
	return true;
}

/*
 * A feature array as the array form of scoring takes it (raw values, as
 * mlops.feature_names lists them), scaled as the spec says into out; x
 * itself when nothing is scaled.
 */
const double *
MlopsSpecScaleArray(const MlopsFeatureSpec *spec, const double *x, double *out)
{
	int			i;
	int			j;

	if (!spec->scaled)
		return x;
	if (out != x)
		memcpy(out, x, sizeof(double) * spec->nfeat);
	for (i = 0; i < spec->ncolumns; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];

		for (j = 0; c->shift != NULL && j < c->width; j++)
			out[c->offset + j] = (x[c->offset + j] - c->shift[j]) / c->scale[j];
	}
	return out;
}

/*
 * A row as a spec's aggregates receive it (MlopsTrainingRowArgs): the
 * spec as a constant, the target (target_sql, or none when NULL) and the
 * spec's columns.
 */
char *
MlopsSpecArgsSql(const MlopsFeatureSpec *spec, const char *target_sql)
{
	bytea	   *bytes = MlopsSpecEncode(spec);
	char	   *hex = palloc(2 * VARSIZE_ANY_EXHDR(bytes) + 1);
	StringInfoData sql;
	int			i;

	hex[hex_encode(VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes), hex)] = '\0';
	initStringInfo(&sql);
	appendStringInfo(&sql, "pg_catalog.decode('%s', 'hex')", hex);
	if (target_sql != NULL)
		appendStringInfo(&sql, ", %s", target_sql);
	/* past the 100 arguments of a function call: the columns as one record */
	if (spec->ncolumns > MLOPS_MAX_ARGS_FEATURES)
		appendStringInfoString(&sql, ", ROW(");
	for (i = 0; i < spec->ncolumns; i++)
		appendStringInfo(&sql, "%s%s", i == 0 && spec->ncolumns > MLOPS_MAX_ARGS_FEATURES ?
						 "" : ", ", quote_identifier(spec->columns[i].name));
	if (spec->ncolumns > MLOPS_MAX_ARGS_FEATURES)
		appendStringInfoChar(&sql, ')');
	return sql.data;
}

/* ---- learning a spec at training ---- */

/* grouping() takes at most 31 arguments: categories are read in chunks */
#define CATEGORY_CHUNK 31

/*
 * What a categorical spec column's categories are the values of: the
 * column, or the part of a date or time (in UTC for timestamptz, as the
 * encoder computes it).
 */
static char *
CategoryExpr(const MlopsSpecColumn *c)
{
	const char *col = quote_identifier(c->name);

	if (c->part == MLOPS_PART_NONE)
		return pstrdup(col);
	return psprintf("pg_catalog.date_part('%s', %s%s)::pg_catalog.int4",
					MlopsDatePartName(c->part), col,
					c->family == MLOPS_TYPES_TIMESTAMPTZ ? " AT TIME ZONE 'UTC'" : "");
}

/* A numeric, boolean or time column's value as float8, in SQL. */
static char *
NumberExpr(const MlopsSpecColumn *c)
{
	const char *col = quote_identifier(c->name);

	if (c->kind == MLOPS_COLUMN_BOOLEAN)
		return psprintf("%s::pg_catalog.int4::pg_catalog.float8", col);
	if (MLOPS_IS_TIME_FAMILY(c->family))
		return psprintf("pg_catalog.date_part('epoch', %s)", col);
	return psprintf("%s::pg_catalog.float8", col);
}

/*
 * The categories of columns cols[0 .. m) (indexes into the spec's columns),
 * all categorical, from one scan: each column's distinct values among the
 * rows training reads, in the column's order (its collation, or enum
 * order), at most max_categories of them, the most frequent (ties going
 * to the first in that order); rarer ones pool into __other__, or with
 * on_overflow error are an error.  From a sample (a TABLESAMPLE clause,
 * else ""), returns false, without an error, when a column has more than
 * max_categories or fewer than two: only every row can say which are
 * the most frequent, or whether the column is a feature at all.  SPI is
 * connected.
 */
static bool
LearnCategories(const MlopsSpecRequest *req, MlopsFeatureSpec *spec,
				const int *cols, int m, const char *where, const char *sample)
{
	StringInfoData sql;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1];
	uint64		r;
	int			i;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT g, v, nd FROM (SELECT g, v, ");
	for (i = 0; i < m; i++)
		appendStringInfo(&sql, "o%d, ", i);
	appendStringInfoString(&sql, "pg_catalog.row_number() OVER (PARTITION BY g, v IS NULL ORDER BY n DESC");
	for (i = 0; i < m; i++)
		appendStringInfo(&sql, ", o%d", i);
	appendStringInfoString(&sql, ") AS r, pg_catalog.count(*) OVER (PARTITION BY g, v IS NULL) AS nd "
						   "FROM (SELECT GROUPING(");
	for (i = 0; i < m; i++)
		appendStringInfo(&sql, "%s%s", i ? ", " : "", CategoryExpr(&spec->columns[cols[i]]));
	appendStringInfoString(&sql, ") AS g, COALESCE(");
	for (i = 0; i < m; i++)
		appendStringInfo(&sql, "%s(%s)::pg_catalog.text", i ? ", " : "",
						 CategoryExpr(&spec->columns[cols[i]]));
	appendStringInfoString(&sql, ") AS v, ");
	for (i = 0; i < m; i++)
		appendStringInfo(&sql, "%s AS o%d, ", CategoryExpr(&spec->columns[cols[i]]), i);
	appendStringInfo(&sql, "pg_catalog.count(*) AS n FROM %s%s%s GROUP BY GROUPING SETS (",
					 req->relname, sample, where);
	for (i = 0; i < m; i++)
		appendStringInfo(&sql, "%s(%s)", i ? ", " : "", CategoryExpr(&spec->columns[cols[i]]));
	appendStringInfoString(&sql, ")) s) w WHERE r <= $1 ORDER BY g");
	for (i = 0; i < m; i++)
		appendStringInfo(&sql, ", o%d", i);

	args[0] = Int64GetDatum((int64) req->max_categories);
	if (SPI_execute_with_args(sql.data, 1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the categories failed");

	for (i = 0; i < m; i++)
	{
		MlopsSpecColumn *c = &spec->columns[cols[i]];
		/* in the set grouping column i alone, every other bit is set */
		int64		g = ((INT64CONST(1) << m) - 1) & ~(INT64CONST(1) << (m - 1 - i));
		int64		nd = 0;

		c->categories = palloc(sizeof(char *) * Min(req->max_categories, Max(SPI_processed, 1)));
		c->ncategories = 0;
		c->flags &= MLOPS_SPEC_DROP_FIRST;
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			char	   *v;

			if (DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull)) != g)
				continue;
			v = SPI_getvalue(tup, desc, 2);
			if (v == NULL)
			{
				c->flags |= MLOPS_SPEC_NULL;
				continue;
			}
			nd = DatumGetInt64(SPI_getbinval(tup, desc, 3, &isnull));
			if (strlen(v) > MLOPS_MAX_LABEL_LEN)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("column \"%s\" holds a value of %zu bytes, longer than the %d a category can have",
								c->name, strlen(v), MLOPS_MAX_LABEL_LEN),
						 errhint("Leave the column out, or shorten its values in a view.")));
			c->categories[c->ncategories++] = v;
		}
		if (*sample && (nd > req->max_categories || c->ncategories < 2))
			return false;
		if (nd > req->max_categories && req->overflow_error)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("column \"%s\" has %lld categories, more than max_categories (%d)",
							c->name, (long long) nd, req->max_categories),
					 errhint("Raise max_categories, or let rarer categories pool into __other__ with \"on_overflow\": \"other\".")));
		if (nd > req->max_categories)
			c->flags |= MLOPS_SPEC_OTHER;
	}
	return true;
}

/*
 * The categories of the spec's categorical columns cats[0 .. ncat), in
 * chunks of CATEGORY_CHUNK columns a scan, from the sample (NULL: every
 * row); false when the sample cannot stand for the relation.
 */
static bool
ListCategories(const MlopsSpecRequest *req, MlopsFeatureSpec *spec,
			   const int *cats, int ncat, const char *where, const char *sample)
{
	int			i;

	for (i = 0; i < ncat; i += CATEGORY_CHUNK)
		if (!LearnCategories(req, spec, cats + i, Min(CATEGORY_CHUNK, ncat - i),
							 where, sample ? sample : ""))
			return false;
	return true;
}

/*
 * Report what makes a categorical column no feature: no value but NULL,
 * or a single category that is the reference level.
 */
static void
CheckCategorical(const MlopsSpecRequest *req, const MlopsSpecColumn *c)
{
	if (c->ncategories == 0 && (c->flags & MLOPS_SPEC_NULL))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("column \"%s\" holds only NULL values in the rows training reads",
						c->name),
				 errhint("Leave the column out of the features.")));
	if (c->ncategories == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Relation %s returned no rows.", req->relname)));
	if (c->ncategories == 1 && c->flags == MLOPS_SPEC_DROP_FIRST)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("column \"%s\" holds a single category, \"%s\", which cannot explain anything",
						c->name, c->categories[0]),
				 errhint("Leave the column out of the features.")));
}

/*
 * The SQL aggregates over the rows training reads that column c needs:
 * its mean or median when imputed so, an array's least and greatest
 * length and dimensions.  Returns how many.
 */
static int
StatsSql(const MlopsSpecColumn *c, StringInfo sql, int n)
{
	const char *col = quote_identifier(c->name);
	const char *sep = n ? ", " : "";

	if (c->impute == MLOPS_IMPUTE_MEAN)
		appendStringInfo(sql, "%spg_catalog.avg(%s)", sep, NumberExpr(c));
	else if (c->impute == MLOPS_IMPUTE_MEDIAN)
		appendStringInfo(sql, "%spg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)",
						 sep, NumberExpr(c));
	else if (c->kind == MLOPS_COLUMN_ARRAY)
	{
		appendStringInfo(sql, "%spg_catalog.min(pg_catalog.cardinality(%s)), "
						 "pg_catalog.max(pg_catalog.cardinality(%s)), "
						 "pg_catalog.max(pg_catalog.array_ndims(%s))", sep, col, col, col);
		return 3;
	}
	else
		return 0;
	return 1;
}

/* The mean or median the query gave, which stands in for NULLs. */
static void
SetImputed(MlopsSpecColumn *c, Datum d, bool isnull)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("column \"%s\" holds only NULL values in the rows training reads, so it has no %s to impute",
						c->name, MlopsImputeName(c->impute)),
				 errhint("Leave the column out, or impute a constant.")));
	c->impute_value = DatumGetFloat8(d);
	if (!isfinite(c->impute_value))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("column \"%s\" has a %s of %g, which cannot stand in for NULL",
						c->name, MlopsImputeName(c->impute), c->impute_value),
				 errhint("Filter out the NaN and infinite values.")));
}

/*
 * An array column's length from its least and greatest length and
 * dimensions: one, the same in every row, and at most a model's features.
 */
static void
SetArrayLength(const MlopsSpecRequest *req, MlopsSpecColumn *c, HeapTuple tup,
			   TupleDesc desc, int att)
{
	bool		null_min;
	bool		null_dims;
	int64		lo = DatumGetInt32(SPI_getbinval(tup, desc, att, &null_min));
	int64		hi = DatumGetInt32(SPI_getbinval(tup, desc, att + 1, &null_min));
	int64		dims = DatumGetInt32(SPI_getbinval(tup, desc, att + 2, &null_dims));

	if (null_min)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Relation %s returned no rows.", req->relname)));
	if (lo != hi || lo < 1 || (!null_dims && dims > 1))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 !null_dims && dims > 1 ?
				 errmsg("column \"%s\" holds multi-dimensional arrays", c->name) :
				 lo != hi ?
				 errmsg("column \"%s\" holds arrays of %lld to %lld elements", c->name,
						(long long) lo, (long long) hi) :
				 errmsg("column \"%s\" holds empty arrays", c->name),
				 errdetail("An array column is one feature per element, so its arrays must be one-dimensional and of one length."),
				 errhint("Filter the rows, or pick the elements in a view.")));
	if (hi > MLOPS_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("column \"%s\" holds arrays of %lld elements, more than the %d features a model can have",
						c->name, (long long) hi, MLOPS_MAX_FEATURES)));
	c->array_length = (int) lo;
}

/*
 * The means and medians that stand in for NULLs and the arrays' lengths,
 * over the rows training reads, in one scan.  SPI is connected.
 */
static void
LearnColumnStats(const MlopsSpecRequest *req, MlopsFeatureSpec *spec,
				 const char *where)
{
	StringInfoData sql;
	int			n = 0;
	int			i;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	for (i = 0; i < spec->ncolumns; i++)
		n += StatsSql(&spec->columns[i], &sql, n);
	if (n == 0)
		return;
	appendStringInfo(&sql, " FROM %s%s", req->relname, where);
	if (SPI_execute(sql.data, true, 0) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "reading the columns' statistics failed");
	n = 1;
	for (i = 0; i < spec->ncolumns; i++)
	{
		MlopsSpecColumn *c = &spec->columns[i];
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		if (c->kind == MLOPS_COLUMN_ARRAY)
		{
			SetArrayLength(req, c, tup, desc, n);
			n += 3;
		}
		else if (c->impute == MLOPS_IMPUTE_MEAN || c->impute == MLOPS_IMPUTE_MEDIAN)
		{
			Datum		d = SPI_getbinval(tup, desc, n++, &isnull);

			SetImputed(c, d, isnull);
		}
	}
}

/* Feature j of a numeric, time or array column, as float8 SQL. */
static char *
ElementExpr(const MlopsSpecColumn *c, int j)
{
	const char *col = quote_identifier(c->name);

	if (c->kind != MLOPS_COLUMN_ARRAY)
		return NumberExpr(c);
	return psprintf("(%s)[pg_catalog.array_lower(%s, 1) + %d]::pg_catalog.float8", col, col, j);
}

/*
 * The shift and scale of every numeric, time and array column's features
 * (standard: the mean and population standard deviation, as sklearn's
 * StandardScaler; minmax: the least value and the range), over the
 * values the rows training reads hold, in one scan; a feature of one
 * value gets a scale of 1, as sklearn gives it.  SPI is connected.
 */
static void
LearnScaling(const MlopsSpecRequest *req, MlopsFeatureSpec *spec, const char *where)
{
	StringInfoData sql;
	const char *f1 = req->scale == MLOPS_SCALE_STANDARD ? "avg" : "min";
	const char *f2 = req->scale == MLOPS_SCALE_STANDARD ? "stddev_pop" : "max";
	int			n = 0;
	int			att = 1;
	int			i;
	int			j;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	for (i = 0; i < spec->ncolumns; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];

		if (c->kind != MLOPS_COLUMN_NUMERIC && c->kind != MLOPS_COLUMN_ARRAY)
			continue;
		for (j = 0; j < (c->kind == MLOPS_COLUMN_ARRAY ? c->array_length : 1); j++)
		{
			CHECK_FOR_INTERRUPTS();
			appendStringInfo(&sql, "%spg_catalog.%s(%s), pg_catalog.%s(%s)", n++ ? ", " : "",
							 f1, ElementExpr(c, j), f2, ElementExpr(c, j));
		}
	}
	if (n == 0)
		return;
	appendStringInfo(&sql, " FROM %s%s", req->relname, where);
	if (SPI_execute(sql.data, true, 0) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "reading the columns' scaling failed");
	for (i = 0; i < spec->ncolumns; i++)
	{
		MlopsSpecColumn *c = &spec->columns[i];
		int			w = c->kind == MLOPS_COLUMN_ARRAY ? c->array_length : 1;

		if (c->kind != MLOPS_COLUMN_NUMERIC && c->kind != MLOPS_COLUMN_ARRAY)
			continue;
		c->shift = palloc(sizeof(double) * w);
		c->scale = palloc(sizeof(double) * w);
		for (j = 0; j < w; j++)
		{
			bool		null1;
			bool		null2;
			double		a = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0],
														 SPI_tuptable->tupdesc, att++, &null1));
			double		b = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0],
														 SPI_tuptable->tupdesc, att++, &null2));
			double		scale = req->scale == MLOPS_SCALE_STANDARD ? b : b - a;

			if (null1 || null2 || !isfinite(a) || !isfinite(scale))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("column \"%s\" cannot be scaled: its values are %s", c->name,
								null1 || null2 ? "all NULL" : "too large or not finite"),
						 errhint("Leave the column out, or train without scale.")));
			c->shift[j] = a;
			c->scale[j] = scale > 0 ? scale : 1.0;
		}
	}
}

/*
 * Learn the spec of the request's columns: each column's kind from its
 * type (a date or time column also gives a categorical column per part
 * asked), a categorical one's categories from the rows training reads (a
 * target, no NULL in a numeric, boolean or array column without
 * imputation), the imputed values and the arrays' length.  SPI is
 * connected.
 */
MlopsFeatureSpec *
MlopsLearnSpec(const MlopsSpecRequest *req)
{
	MlopsFeatureSpec *spec = palloc0(sizeof(MlopsFeatureSpec));
	StringInfoData where;
	int			maxcols = req->ncolumns * (MLOPS_PART_LAST + 1);
	int		   *cats = palloc(sizeof(int) * maxcols);
	int			ncat = 0;
	const char *error;
	int			i;
	int			p;

	spec->columns = palloc0(sizeof(MlopsSpecColumn) * maxcols);
	initStringInfo(&where);
	if (req->target != NULL)
		appendStringInfo(&where, " WHERE %s IS NOT NULL", quote_identifier(req->target));
	for (i = 0; i < req->ncolumns; i++)
	{
		MlopsSpecColumn *c = &spec->columns[spec->ncolumns++];

		c->name = req->columns[i];
		c->type_name = format_type_be(req->types[i]);
		if (!MlopsColumnKindFor(req->types[i], &c->kind, &c->family))
			elog(ERROR, "column \"%s\" of type %s cannot be a feature",
				 c->name, c->type_name);
		if (c->kind == MLOPS_COLUMN_CATEGORICAL)
		{
			cats[ncat++] = spec->ncolumns - 1;
			c->flags = req->drop_first ? MLOPS_SPEC_DROP_FIRST : 0;
			continue;
		}
		if (c->kind != MLOPS_COLUMN_ARRAY)
		{
			c->impute = req->impute[i];
			c->impute_value = c->impute == MLOPS_IMPUTE_MISSING ? get_float8_nan() :
				req->impute_value;
		}
		if (c->impute == MLOPS_IMPUTE_DROP)
			appendStringInfo(&where, "%s %s IS NOT NULL", where.len ? " AND" : " WHERE",
							 quote_identifier(c->name));
		for (p = MLOPS_PART_NONE + 1; p <= MLOPS_PART_LAST; p++)
			if (req->parts[i] & (1 << p))
			{
				MlopsSpecColumn *pc = &spec->columns[spec->ncolumns++];

				*pc = (MlopsSpecColumn) {.name = c->name, .type_name = c->type_name,
					.kind = MLOPS_COLUMN_CATEGORICAL, .family = c->family, .part = p,
				.flags = req->drop_first ? MLOPS_SPEC_DROP_FIRST : 0};
				cats[ncat++] = spec->ncolumns - 1;
			}
	}
	/* sampled categories stand unconfirmed until the fit pass checks them */
	spec->sampled = ncat > 0 && req->sample != NULL &&
		ListCategories(req, spec, cats, ncat, where.data, req->sample);
	if (!spec->sampled)
		ListCategories(req, spec, cats, ncat, where.data, NULL);
	LearnColumnStats(req, spec, where.data);
	if (req->scale != MLOPS_SCALE_NONE)
		LearnScaling(req, spec, where.data);
	for (i = 0; i < ncat; i++)
		CheckCategorical(req, &spec->columns[cats[i]]);
	if (!MlopsSpecLayout(spec, &error))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the features cannot be encoded: %s", error),
				 errdetail("A model has at most %d features, categories included.",
						   MLOPS_MAX_FEATURES)));
	return spec;
}

/*
 * The spec as the version's features jsonb: per column its name and
 * type, and, unless numeric, its encoding ("boolean", or "onehot" with
 * the categories, the reference level or null, and whether __other__
 * and NULL have features); with imputation, the strategy and the value.
 */
Jsonb *
MlopsSpecJson(const MlopsFeatureSpec *spec)
{
	StringInfoData s;
	int			i;
	int			j;

	initStringInfo(&s);
	appendStringInfoChar(&s, '[');
	for (i = 0; i < spec->ncolumns; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];

		appendStringInfoString(&s, i ? ", {\"name\": " : "{\"name\": ");
		escape_json(&s, c->name);
		appendStringInfoString(&s, ", \"type\": ");
		escape_json(&s, c->type_name);
		if (c->kind == MLOPS_COLUMN_BOOLEAN)
			appendStringInfoString(&s, ", \"encoding\": \"boolean\"");
		if (c->part != MLOPS_PART_NONE)
			appendStringInfo(&s, ", \"part\": \"%s\"", MlopsDatePartName(c->part));
		else if (MLOPS_IS_TIME_FAMILY(c->family))
			appendStringInfoString(&s, ", \"encoding\": \"epoch\"");
		if (c->kind == MLOPS_COLUMN_ARRAY)
			appendStringInfo(&s, ", \"encoding\": \"elements\", \"length\": %d",
							 c->array_length);
		if (c->shift != NULL)
		{
			int			w = c->kind == MLOPS_COLUMN_ARRAY ? c->array_length : 1;

			appendStringInfoString(&s, ", \"shift\": [");
			for (j = 0; j < w; j++)
				appendStringInfo(&s, "%s%.17g", j ? ", " : "", c->shift[j]);
			appendStringInfoString(&s, "], \"scale\": [");
			for (j = 0; j < w; j++)
				appendStringInfo(&s, "%s%.17g", j ? ", " : "", c->scale[j]);
			appendStringInfoChar(&s, ']');
		}
		if (c->impute != MLOPS_IMPUTE_DROP)
			appendStringInfo(&s, ", \"impute\": \"%s\"", MlopsImputeName(c->impute));
		/* finite: the decoder and the learning check it */
		if (MLOPS_IMPUTE_HAS_VALUE(c->impute))
			appendStringInfo(&s, ", \"impute_value\": %.17g", c->impute_value);
		if (c->kind == MLOPS_COLUMN_CATEGORICAL)
		{
			appendStringInfoString(&s, ", \"encoding\": \"onehot\", \"categories\": [");
			for (j = 0; j < c->ncategories; j++)
			{
				if (j)
					appendStringInfoString(&s, ", ");
				escape_json(&s, c->categories[j]);
			}
			appendStringInfoString(&s, "], \"reference\": ");
			if (c->flags & MLOPS_SPEC_DROP_FIRST)
				escape_json(&s, c->categories[0]);
			else
				appendStringInfoString(&s, "null");
			appendStringInfo(&s, ", \"other\": %s, \"null\": %s",
							 (c->flags & MLOPS_SPEC_OTHER) ? "true" : "false",
							 (c->flags & MLOPS_SPEC_NULL) ? "true" : "false");
		}
		appendStringInfoChar(&s, '}');
	}
	appendStringInfoChar(&s, ']');
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data)));
}
