/*-------------------------------------------------------------------------
 *
 * predict.c
 *	  mlops.predict: scoring by model name, with a feature array or a row.
 *
 * The model argument ('name' for the deployed version, 'name@3' for a
 * pinned one) is resolved on the first call of a statement, through SPI
 * under the statement's snapshot, and kept in fn_extra with the decoded
 * model.  fn_extra lives as long as the expression (one execution of one
 * statement), so the leader and every parallel worker, which share the
 * snapshot, score a statement with the same version, and a deploy that
 * commits mid-statement is seen by the next statement.  Decoding is
 * shared across statements by the per-backend cache (cache.c).
 *
 * The row form maps the row's columns to the version's columns by name;
 * the mapping is built once per row type.  A version whose columns are
 * all numeric reads each as one feature: a row without NULLs whose
 * columns up to the last feature all have fixed widths (the usual float8
 * table) is read in place at offsets computed with the mapping; any
 * other row is deformed only up to the last feature.  Any other version's
 * row goes through the encoder of its feature spec (preprocess.c), the
 * one its training passes used.  A NULL numeric or boolean column gives
 * a NULL score, as NULL inputs do in SQL; a NULL element inside a
 * feature array is an error, as the array form has no column to blame.
 *
 * IDENTIFICATION
 *	  src/predict.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"

#include "algorithm.h"
#include "cache.h"
#include "catalog.h"
#include "mlops.h"
#include "preprocess.h"
#include "resolve.h"
#include "sqlexec.h"

/* models one call site resolves per statement before recycling slots */
#define RESOLVED_SLOTS 8

typedef struct Resolved
{
	text	   *ref;			/* the model argument, as given */
	const MlopsModel *model;
	/* row form: column mapping for one row type */
	Oid			rowtype;
	int32		rowtypmod;
	TupleTableSlot *slot;		/* for the row type, in fn_mcxt */
	int			lastatt;		/* last column holding a feature */
	HeapTupleData tuple;		/* the row the slot holds */
	AttrNumber *attnum;			/* per feature (per column with an encoder), 1-based */
	MlopsConv  *conv;
	MlopsSpecEncoder *encoder;	/* a spec with boolean or categorical columns */
	NullableDatum *values;		/* its columns' values, in spec order */
	/* rows without NULLs, when no column up to lastatt has variable width */
	int		   *offset;			/* per feature, in the row's data; or NULL */
	int			fixed_end;		/* bytes of data up to the end of lastatt */
} Resolved;

/* what the row form's second argument is, decided once per call site */
typedef enum ArgKind
{
	ARG_UNKNOWN = 0,
	ARG_ARRAY,
	ARG_ROW
} ArgKind;

typedef struct PredictState
{
	ArgKind		argkind;
	MemoryContext cxt;			/* resolved models, reset per statement */
	MlopsSnapshotTag snap;		/* the snapshot the models were resolved under */
	int			nresolved;
	int			next_slot;
	Resolved	slots[RESOLVED_SLOTS];
	double	   *x;				/* scratch feature vector */
	int			xlen;
} PredictState;

static Resolved *
GetResolved(FunctionCallInfo fcinfo)
{
	PredictState *ps = (PredictState *) fcinfo->flinfo->fn_extra;
	text	   *ref;
	Resolved   *r;
	MlopsVersionRef vref;
	MemoryContext old;
	Snapshot	snap;
	int			i;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model name must not be NULL")));
	ref = PG_GETARG_TEXT_PP(0);

	if (ps == NULL)
	{
		ps = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									sizeof(PredictState));
		ps->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										"mlops predict", ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = ps;
	}

	/*
	 * fn_extra usually lives for one statement, but PL/pgSQL keeps simple
	 * expressions for the whole transaction: if the snapshot has changed
	 * since the models were resolved, this is a new statement, which must
	 * see deploys committed in between.
	 */
	snap = GetActiveSnapshot();
	if (ps->nresolved > 0 && !MlopsSnapshotSame(&ps->snap, snap))
	{
		MemoryContextReset(ps->cxt);
		ps->nresolved = 0;
		ps->next_slot = 0;
	}
	if (ps->nresolved == 0)
		MlopsSnapshotRemember(&ps->snap, snap);
	for (i = 0; i < ps->nresolved; i++)
	{
		r = &ps->slots[i];
		if (VARSIZE_ANY_EXHDR(r->ref) == VARSIZE_ANY_EXHDR(ref) &&
			memcmp(VARDATA_ANY(r->ref), VARDATA_ANY(ref),
				   VARSIZE_ANY_EXHDR(ref)) == 0)
			return r;
	}

	/* first use of this model in this statement: resolve it */
	if (ps->nresolved < RESOLVED_SLOTS)
		r = &ps->slots[ps->nresolved++];
	else
	{
		r = &ps->slots[ps->next_slot];
		ps->next_slot = (ps->next_slot + 1) % RESOLVED_SLOTS;
	}
	memset(r, 0, sizeof(Resolved));
	MlopsResolveModel(ref, &vref);
	r->model = MlopsGetModel(&vref, ps->cxt);

	old = MemoryContextSwitchTo(ps->cxt);
	r->ref = (text *) PG_DETOAST_DATUM_COPY(PointerGetDatum(ref));
	MemoryContextSwitchTo(old);
	if (ps->xlen < r->model->nfeat)
	{
		ps->x = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
								   sizeof(double) * r->model->nfeat);
		ps->xlen = r->model->nfeat;
	}
	return r;
}

/*
 * What mlops.predict returns for the family's output s: a classifier's
 * class as its value when the labels are numbers or booleans, else its
 * index; any other model's output as it is.
 */
static inline double
PredictValue(const MlopsModel *m, double s)
{
	return m->class_values != NULL ? m->class_values[(int) s] : s;
}

/* A decomposition predicts nothing: say what to use instead. */
static void
CheckPredicts(const Resolved *r)
{
	if (unlikely(r->model->algo->task == MLOPS_TASK_DECOMPOSITION))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is a %s model, which predicts nothing",
						text_to_cstring(r->ref), r->model->algo->name),
				 errhint("Use mlops.transform for its component scores.")));
}

/*
 * Where an array's NULL features become missing values, NaN, for a model
 * that takes them; else NULL (a NULL feature is an error).
 */
static double *
MissingBuffer(FunctionCallInfo fcinfo, const Resolved *r)
{
	return r->model->algo->missing_values ?
		((PredictState *) fcinfo->flinfo->fn_extra)->x : NULL;
}

/* mlops.predict(model text, features float8[]) */
PG_FUNCTION_INFO_V1(mlops_predict);
Datum
mlops_predict(PG_FUNCTION_ARGS)
{
	Resolved   *r = GetResolved(fcinfo);
	const double *x;

	CheckPredicts(r);
	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	x = MlopsScoringArray(PG_GETARG_ARRAYTYPE_P(1), r->model->nfeat, MissingBuffer(fcinfo, r));
	x = MlopsSpecScaleArray(r->model->spec, x,
							((PredictState *) fcinfo->flinfo->fn_extra)->x);
	PG_RETURN_FLOAT8(PredictValue(r->model, MlopsPredict(r->model, x)));
}

/* A fixed-width feature column, read in place (MapRow found its offset). */
#define READ_AS(type) \
	do { type v; memcpy(&v, p, sizeof(v)); return (double) v; } while (0)

static inline double
ReadInPlace(const char *p, MlopsConv conv)
{
	switch (conv)
	{
		case MLOPS_CONV_FLOAT8:
			READ_AS(float8);
		case MLOPS_CONV_FLOAT4:
			READ_AS(float4);
		case MLOPS_CONV_INT2:
			READ_AS(int16);
		case MLOPS_CONV_INT4:
			READ_AS(int32);
		case MLOPS_CONV_INT8:
			READ_AS(int64);
		case MLOPS_CONV_NUMERIC:
		case MLOPS_CONV_DATE:
		case MLOPS_CONV_TIMESTAMP:
			break;				/* variable width, or not a plain spec's */
	}
	elog(ERROR, "feature conversion %d cannot be read in place", (int) conv);
	return 0;					/* keep compiler quiet */
}

/*
 * A row's feature j must be a finite number, or NaN (missing) for a
 * model that takes missing values.
 */
static inline void
CheckFeature(const MlopsModel *m, int j, double v)
{
	if (!isfinite(v) && !(isnan(v) && m->algo->missing_values))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("column \"%s\" is %s", m->feature_names[j],
						isnan(v) ? "NaN" : "infinite")));
}

/* The column of a row type named name (1-based), or an error naming it. */
static AttrNumber
RowColumn(TupleDesc tupdesc, const char *name, const Resolved *r)
{
	int			a;

	for (a = 0; a < tupdesc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, a);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return a + 1;
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("row has no column \"%s\", a feature of model \"%s\"",
					name, text_to_cstring(r->ref)),
			 errhint("The row form matches columns to features by name.")));
	return InvalidAttrNumber;	/* keep compiler quiet */
}

/*
 * A numeric column for a plain spec's column c: of the type family it
 * had at training, or an error naming both types.
 */
static void
CheckNumericColumn(Form_pg_attribute att, const MlopsSpecColumn *c,
				   const Resolved *r, MlopsConv *conv)
{
	MlopsColumnKind kind;
	MlopsTypeFamily family;

	if (!MlopsConvFor(att->atttypid, conv))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" has type %s, but feature \"%s\" must be numeric",
						NameStr(att->attname), format_type_be(att->atttypid), c->name)));
	(void) MlopsColumnKindFor(att->atttypid, &kind, &family);
	if (family != c->family)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" has type %s, but model \"%s\" was trained on it as %s",
						c->name, format_type_be(att->atttypid), text_to_cstring(r->ref),
						c->type_name),
				 errhint("Cast the column to a%s %s type, or train a new version.",
						 c->family == MLOPS_TYPES_INTEGER ? "n" : "",
						 MlopsTypeFamilyName(c->family))));
}

/*
 * Where each feature of a plain spec sits in a row that has no NULLs, if
 * every column up to the last feature has a fixed width: then the row is
 * read in place, not deformed (the offsets are those heap_fill_tuple
 * lays out).  Else r->offset stays NULL.
 */
static void
FixedOffsets(Resolved *r, TupleDesc tupdesc, int last)
{
	int			nfeat = r->model->nfeat;
	int		   *offset = palloc(sizeof(int) * nfeat);
	int			a;
	int			j;

	r->fixed_end = 0;
	for (a = 0; a < last; a++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, a);

		if (att->attisdropped || att->attlen <= 0)
		{
			pfree(offset);
			return;
		}
		r->fixed_end = att_align_nominal(r->fixed_end, att->attalign);
		for (j = 0; j < nfeat; j++)
			if (r->attnum[j] == a + 1)
				offset[j] = r->fixed_end;
		r->fixed_end += att->attlen;
	}
	r->offset = offset;
}

/*
 * Map the model's columns to those of a row type, by name: a plain
 * spec's columns are its features; any other spec's get an encoder (and,
 * when only NULLs need it, the offsets to read a row without NULLs).
 */
static void
MapRow(FunctionCallInfo fcinfo, Resolved *r, PredictState *ps, Oid typid,
	   int32 typmod)
{
	TupleDesc	tupdesc = lookup_rowtype_tupdesc(typid, typmod);
	const MlopsModel *m = r->model;
	const MlopsFeatureSpec *spec = m->spec;
	MemoryContext old = MemoryContextSwitchTo(ps->cxt);
	int			last = 0;
	int			j;

	r->attnum = palloc(sizeof(AttrNumber) * spec->ncolumns);
	r->conv = palloc(sizeof(MlopsConv) * spec->ncolumns);
	for (j = 0; j < spec->ncolumns; j++)
	{
		r->attnum[j] = RowColumn(tupdesc, spec->columns[j].name, r);
		last = Max(last, r->attnum[j]);
	}
	r->encoder = NULL;
	r->offset = NULL;
	if (!MlopsSpecIsPlain(spec))
	{
		Oid		   *types = palloc(sizeof(Oid) * spec->ncolumns);

		for (j = 0; j < spec->ncolumns; j++)
			types[j] = TupleDescAttr(tupdesc, r->attnum[j] - 1)->atttypid;
		r->encoder = MlopsSpecEncoderCreate(spec, types, text_to_cstring(r->ref));
		r->values = palloc(sizeof(NullableDatum) * spec->ncolumns);
	}
	/* a row without NULLs is its features: read in place when it can be */
	if (MlopsSpecReadsInPlace(spec))
	{
		for (j = 0; j < spec->ncolumns; j++)
			CheckNumericColumn(TupleDescAttr(tupdesc, r->attnum[j] - 1),
							   &spec->columns[j], r, &r->conv[j]);
		FixedOffsets(r, tupdesc, last);
	}
	r->rowtype = typid;
	r->rowtypmod = typmod;
	if (r->slot != NULL)
		ExecDropSingleTupleTableSlot(r->slot);
	r->slot = MakeSingleTupleTableSlot(CreateTupleDescCopy(tupdesc),
									   &TTSOpsHeapTuple);
	r->lastatt = last;
	MemoryContextSwitchTo(old);
	ReleaseTupleDesc(tupdesc);
}

/* The features of an array of any numeric element type, all finite. */
static const double *
NumericArrayFeatures(Resolved *r, PredictState *ps, ArrayType *arr)
{
	Oid			elemtype = ARR_ELEMTYPE(arr);
	MlopsConv	conv;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			j;

	if (elemtype == FLOAT8OID)
		return MlopsScoringArray(arr, r->model->nfeat,
								 r->model->algo->missing_values ? ps->x : NULL);
	if (!MlopsConvFor(elemtype, &conv))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("features must be numbers, not %s",
						format_type_be(elemtype))));
	if (ARR_NDIM(arr) != 1 || ARR_LBOUND(arr)[0] != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional array starting at index 1")));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign,
					  &elems, &nulls, &n);
	if (n != r->model->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model expects %d features, got %d", r->model->nfeat, n)));
	for (j = 0; j < n; j++)
	{
		if (nulls[j] && !r->model->algo->missing_values)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature %d is NULL", j + 1)));
		ps->x[j] = nulls[j] ? get_float8_nan() : MlopsConvert(elems[j], conv);
		if (!isfinite(ps->x[j]) && !(isnan(ps->x[j]) && r->model->algo->missing_values))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("feature %d is %s", j + 1,
							isnan(ps->x[j]) ? "NaN" : "infinite")));
	}
	return ps->x;
}

/*
 * The features of a deformed row through the model's encoder, or NULL
 * when a numeric or boolean column is NULL; all finite.
 */
static const double *
EncodedFeatures(Resolved *r, const Datum *values, const bool *isnull, double *x)
{
	const MlopsModel *m = r->model;
	int			j;

	for (j = 0; j < m->spec->ncolumns; j++)
	{
		r->values[j].value = values[r->attnum[j] - 1];
		r->values[j].isnull = isnull[r->attnum[j] - 1];
	}
	if (!MlopsSpecEncodeRow(r->encoder, r->values, x))
		return NULL;
	for (j = 0; j < m->nfeat; j++)
		CheckFeature(m, j, x[j]);
	return x;
}

/*
 * The features of the call's second argument (a row, whose columns are
 * matched to features by name, or an array of any numeric type), or NULL
 * when the result is NULL (a NULL argument or column).  A row without
 * NULLs whose features have fixed widths is read in place; its values are
 * checked only with check (else the caller checks them when the score is
 * not finite, which is what a NaN or infinite feature makes it).
 */
static const double *
CallFeatures(FunctionCallInfo fcinfo, Resolved *r, bool check)
{
	PredictState *ps = (PredictState *) fcinfo->flinfo->fn_extra;
	HeapTupleHeader td;
	Oid			typid;
	int32		typmod;
	const MlopsModel *m = r->model;
	Datum	   *values;
	bool	   *isnull;
	double	   *x;
	uint32		len;
	int			j;

	if (PG_ARGISNULL(1))
		return NULL;
	if (ps->argkind == ARG_UNKNOWN)
	{
		/* the argument's type is fixed by the call site: look it up once */
		Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 1);

		if (OidIsValid(get_element_type(argtype)))
			ps->argkind = ARG_ARRAY;
		else if (type_is_rowtype(argtype))
			ps->argkind = ARG_ROW;
		else
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("mlops.predict expects a row or an array of numbers, not %s",
							format_type_be(argtype))));
	}
	if (ps->argkind == ARG_ARRAY)
		return MlopsSpecScaleArray(r->model->spec,
								   NumericArrayFeatures(r, ps, PG_GETARG_ARRAYTYPE_P(1)),
								   ps->x);

	td = PG_GETARG_HEAPTUPLEHEADER(1);
	typid = HeapTupleHeaderGetTypeId(td);
	typmod = HeapTupleHeaderGetTypMod(td);
	if (r->attnum == NULL || r->rowtype != typid || r->rowtypmod != typmod)
		MapRow(fcinfo, r, ps, typid, typmod);

	x = ps->x;
	len = HeapTupleHeaderGetDatumLength(td);
	if (r->offset != NULL && !(td->t_infomask & HEAP_HASNULL) &&
		HeapTupleHeaderGetNatts(td) >= r->lastatt &&
		td->t_hoff + r->fixed_end <= len)
	{
		/* no NULLs, fixed widths: read the features in place */
		const char *data = (const char *) td + td->t_hoff;

		for (j = 0; j < m->nfeat; j++)
			x[j] = ReadInPlace(data + r->offset[j], r->conv[j]);
		if (check)
			for (j = 0; j < m->nfeat; j++)
				CheckFeature(m, j, x[j]);
		return x;
	}

	/* deform only up to the last feature column */
	r->tuple.t_len = len;
	ItemPointerSetInvalid(&r->tuple.t_self);
	r->tuple.t_tableOid = InvalidOid;
	r->tuple.t_data = td;
	ExecStoreHeapTuple(&r->tuple, r->slot, false);
	slot_getsomeattrs(r->slot, r->lastatt);
	values = r->slot->tts_values;
	isnull = r->slot->tts_isnull;
	if (r->encoder != NULL)
		return EncodedFeatures(r, values, isnull, x);
	for (j = 0; j < m->nfeat; j++)
	{
		int			a = r->attnum[j] - 1;

		if (isnull[a])
			return NULL;
		x[j] = r->conv[j] == MLOPS_CONV_FLOAT8 ? DatumGetFloat8(values[a]) :
			MlopsConvert(values[a], r->conv[j]);
		CheckFeature(m, j, x[j]);
	}
	return x;
}

/*
 * mlops.predict(model text, row anyelement): columns matched by name, or
 * an array of any numeric type.  A regression's features are checked
 * only when its score is not finite, which a bad feature makes it; the
 * first bad one is reported, as for any other row.
 */
PG_FUNCTION_INFO_V1(mlops_predict_row);
Datum
mlops_predict_row(PG_FUNCTION_ARGS)
{
	Resolved   *r = GetResolved(fcinfo);
	const MlopsModel *m = r->model;
	const double *x;
	double		score;
	int			j;

	CheckPredicts(r);
	/* a tree's score is finite whatever its features: check them first */
	x = CallFeatures(fcinfo, r, m->nclasses > 0 || m->algo->missing_values);
	if (x == NULL)
		PG_RETURN_NULL();
	score = MlopsPredict(m, x);
	if (unlikely(!isfinite(score)))
		for (j = 0; j < m->nfeat; j++)
			CheckFeature(m, j, x[j]);
	PG_RETURN_FLOAT8(PredictValue(m, score));
}

/*
 * The model's vector output for the call's features, as float8[], built
 * in place (one allocation per row, which is what scoring a table costs).
 */
static Datum
VectorOutput(FunctionCallInfo fcinfo, const char *what)
{
	Resolved   *r = GetResolved(fcinfo);
	const MlopsModel *m = r->model;
	const double *x;
	ArrayType  *a;
	Size		len;
	int			n;

	if (m->algo->predict_vector == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has no %s (algorithm %s)",
						text_to_cstring(r->ref), what, m->algo->name)));
	x = CallFeatures(fcinfo, r, true);
	if (x == NULL)
		PG_RETURN_NULL();
	n = m->algo->outputs(m);
	len = ARR_OVERHEAD_NONULLS(1) + sizeof(double) * n;
	a = (ArrayType *) palloc(len);
	SET_VARSIZE(a, len);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = n;
	ARR_LBOUND(a)[0] = 1;
	m->algo->predict_vector(m, x, (double *) ARR_DATA_PTR(a));
	PG_RETURN_ARRAYTYPE_P(a);
}

/* A classifier, or an error naming the model and what was asked of it. */
static const MlopsModel *
Classifier(FunctionCallInfo fcinfo, const char *fn)
{
	Resolved   *r = GetResolved(fcinfo);

	if (r->model->nclasses == 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is a %s model, not a classifier",
						text_to_cstring(r->ref), r->model->algo->name),
				 errhint("%s is for classification models; use mlops.predict.", fn)));
	return r->model;
}

/*
 * mlops.predict_proba(model, features or row) returns float8[]: one
 * probability per class, in the order of mlops.classes(model).
 */
PG_FUNCTION_INFO_V1(mlops_predict_proba);
Datum
mlops_predict_proba(PG_FUNCTION_ARGS)
{
	(void) Classifier(fcinfo, "mlops.predict_proba");
	return VectorOutput(fcinfo, "class probabilities");
}

/*
 * mlops.transform(model, features or row) returns float8[]: a clustering
 * model's distances to its centres, a decomposition's component scores.
 */
PG_FUNCTION_INFO_V1(mlops_transform);
Datum
mlops_transform(PG_FUNCTION_ARGS)
{
	Resolved   *r = GetResolved(fcinfo);

	if (r->model->nclasses > 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has no transform (algorithm %s)",
						text_to_cstring(r->ref), r->model->algo->name),
				 errhint("Use mlops.predict_proba for a classifier's class probabilities.")));
	return VectorOutput(fcinfo, "transform");
}

/* mlops.predict_label(model, features or row) returns the class as text. */
PG_FUNCTION_INFO_V1(mlops_predict_label);
Datum
mlops_predict_label(PG_FUNCTION_ARGS)
{
	const MlopsModel *m = Classifier(fcinfo, "mlops.predict_label");
	const double *x = CallFeatures(fcinfo, GetResolved(fcinfo), true);

	if (x == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(m->classes[(int) MlopsPredict(m, x)]));
}
