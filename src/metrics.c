/*-------------------------------------------------------------------------
 *
 * metrics.c
 *	  Scoring stored models inside an aggregate, whatever their family:
 *	  models passed as artifact arguments, and the pass that scores every
 *	  version of a model on the same rows (mlops.deploy(model, 'best',
 *	  relation, target)).
 *
 * An aggregate cannot look a model up (parallel workers have no SPI), so
 * the caller passes the stored artifacts as a bytea or bytea[] argument;
 * they are decoded once per call site (MlopsArgModelsGet) with the same
 * checked decoder as the catalog's, and recognised on later rows by the
 * argument's datum or, when that changes, its bytes.  A role granted
 * EXECUTE on these support functions may pass any bytes: a bad one is an
 * error, as a corrupt catalog row is.
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
#include "utils/array.h"
#include "utils/memutils.h"

#include "algorithm.h"
#include "artifact.h"
#include "ddouble.h"
#include "metrics.h"
#include "mlops.h"

/* Decode the artifact bytes a, of length len, or raise an error for what. */
static const MlopsModel *
DecodeArg(const char *a, Size len, const char *what)
{
	const char *error;
	const MlopsModel *m = MlopsArtifactDecode(a, len, &error);

	if (m == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid model for %s", what),
				 errdetail("The artifact failed validation: %s.", error)));
	return m;
}

/*
 * The models of argument argno (a bytea artifact, or with is_array a
 * bytea[] of them), decoded on the first call and kept in *slot, which
 * lives in fn_mcxt; "what" names the function in errors.
 */
MlopsArgModels *
MlopsArgModelsGet(FunctionCallInfo fcinfo, int argno, bool is_array,
				  const char *what, MlopsArgModels **slot)
{
	Datum		raw = PG_GETARG_DATUM(argno);
	MlopsArgModels *am = *slot;
	struct varlena *v;
	MemoryContext old;
	int			maxfeat = 1;
	int			i;

	if (am != NULL && am->raw == raw)
		return am;
	v = PG_DETOAST_DATUM_PACKED(raw);
	if (am != NULL && am->len == VARSIZE_ANY_EXHDR(v) &&
		memcmp(am->bytes, VARDATA_ANY(v), am->len) == 0)
	{
		am->raw = raw;
		return am;
	}
	if (am == NULL)
	{
		am = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(MlopsArgModels));
		am->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
										"mlops argument models",
										ALLOCSET_SMALL_SIZES);
		*slot = am;
	}
	MemoryContextReset(am->cxt);
	am->n = 0;
	am->raw = (Datum) 0;
	old = MemoryContextSwitchTo(am->cxt);
	am->len = VARSIZE_ANY_EXHDR(v);
	am->bytes = palloc(am->len + 1);
	memcpy(am->bytes, VARDATA_ANY(v), am->len);
	if (is_array)
	{
		ArrayType  *arr = DatumGetArrayTypeP(PointerGetDatum(v));
		Datum	   *elems;
		bool	   *nulls;
		int			n;

		if (ARR_NDIM(arr) != 1 || ARR_ELEMTYPE(arr) != BYTEAOID)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid models for %s", what),
					 errdetail("Models are a one-dimensional bytea array.")));
		deconstruct_array(arr, BYTEAOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &n);
		if (n < 1 || n > MLOPS_MAX_SCORED_VERSIONS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid models for %s", what),
					 errdetail("A call scores 1 to %d models, not %d.",
							   MLOPS_MAX_SCORED_VERSIONS, n)));
		am->models = palloc(sizeof(MlopsModel *) * n);
		for (i = 0; i < n; i++)
		{
			struct varlena *e;

			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("invalid models for %s", what),
						 errdetail("Model %d is NULL.", i + 1)));
			e = PG_DETOAST_DATUM_PACKED(elems[i]);
			am->models[i] = DecodeArg(VARDATA_ANY(e), VARSIZE_ANY_EXHDR(e), what);
		}
		am->n = n;
	}
	else
	{
		am->models = palloc(sizeof(MlopsModel *));
		am->models[0] = DecodeArg(am->bytes, am->len, what);
		am->n = 1;
	}
	for (i = 0; i < am->n; i++)
		maxfeat = Max(maxfeat, am->models[i]->nfeat);
	am->x = palloc(sizeof(double) * maxfeat);
	MemoryContextSwitchTo(old);
	am->raw = raw;
	return am;
}

/*
 * _score_state(artifacts, layout, target, features): every version of
 * a model scored on the same rows, for mlops.deploy(model, 'best',
 * relation, target).  artifacts holds the versions' stored models, of
 * any family; layout, version after version, the 1-based positions of
 * its features in the row's features array.  A row
 * whose target or one of whose features is NULL, NaN or infinite is
 * skipped for every version, so all of them are measured on the same
 * rows.  The state is a float8[]:
 *
 *	 [0] versions V  [1] rows  [2] rows skipped  [3] mean(y)  [4] M2(y)
 *	 then each version's SSE (2 each)
 */
#define SC_V		0
#define SC_N		1
#define SC_SKIPPED	2
#define SC_MEAN		3
#define SC_M2		4
#define SC_SSE		5
#define SC_LEN(v)	(SC_SSE + 2 * (v))

static double *
ScoreCheck(ArrayType *st, int nv)
{
	double	   *d;
	double		vd;

	if (ARR_NDIM(st) != 1 || ARR_DIMS(st)[0] < 1 ||
		ARR_ELEMTYPE(st) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid _score_state value"),
				 errdetail("A state is a one-dimensional array of double precision.")));
	if (ARR_HASNULL(st) && array_contains_nulls(st))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("invalid _score_state value"),
				 errdetail("A state must not contain nulls.")));
	d = (double *) ARR_DATA_PTR(st);
	vd = d[SC_V];
	if (!(vd >= 1 && vd <= MLOPS_MAX_SCORED_VERSIONS) || vd != floor(vd) ||
		(nv >= 0 && vd != nv) || ARR_DIMS(st)[0] != SC_LEN((int) vd))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid _score_state value"),
				 errdetail("A state holds 1 to %d versions (%s), and 5 elements and 2 per version.",
						   MLOPS_MAX_SCORED_VERSIONS,
						   nv >= 0 ? psprintf("expected %d", nv) : "as its first element says")));
	return d;
}

/*
 * Check the layout of a _score_state call against its models: for each
 * model in turn, the 1-based positions of its features in the row's
 * features array (checked against the row's width where they are used).
 */
static void
ScoreLayout(const MlopsArgModels *models, ArrayType *layarr)
{
	int			need = 0;
	int			v;

	if (ARR_NDIM(layarr) != 1 || ARR_ELEMTYPE(layarr) != INT4OID ||
		(ARR_HASNULL(layarr) && array_contains_nulls(layarr)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid models for _score_state"),
				 errdetail("The layout is a one-dimensional integer array without nulls.")));
	for (v = 0; v < models->n; v++)
		need += models->models[v]->nfeat;
	if (ARR_DIMS(layarr)[0] != need)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid models for _score_state"),
				 errdetail("The models read %d features in all, the layout places %d.",
						   need, ARR_DIMS(layarr)[0])));
}

/* _score_state(artifacts, layout, target, features) transition */
PG_FUNCTION_INFO_V1(mlops_score_accum);
Datum
mlops_score_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MlopsArgModels *models;
	ArrayType  *layarr;
	ArrayType  *st;
	ArrayType  *xarr;
	const int32 *lay;
	const double *x;
	double	   *d;
	double		y;
	int			nv;
	int			nx;
	int			i;
	int			v;
	int			j;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("_score_state called in non-aggregate context")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("_score_state models must not be NULL")));
	models = MlopsArgModelsGet(fcinfo, 1, true, "_score_state",
							   (MlopsArgModels **) &fcinfo->flinfo->fn_extra);
	nv = models->n;
	layarr = PG_GETARG_ARRAYTYPE_P(2);
	ScoreLayout(models, layarr);
	if (PG_ARGISNULL(0))
	{
		Datum	   *zeros = palloc(sizeof(Datum) * SC_LEN(nv));

		for (i = 0; i < SC_LEN(nv); i++)
			zeros[i] = Float8GetDatum(0.0);
		zeros[SC_V] = Float8GetDatum((double) nv);
		st = construct_array(zeros, SC_LEN(nv), FLOAT8OID, sizeof(float8),
							 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	}
	else
		st = PG_GETARG_ARRAYTYPE_P(0);
	d = ScoreCheck(st, nv);

	if (PG_ARGISNULL(3) || PG_ARGISNULL(4))
	{
		d[SC_SKIPPED] += 1;
		PG_RETURN_ARRAYTYPE_P(st);
	}
	y = PG_GETARG_FLOAT8(3);
	xarr = PG_GETARG_ARRAYTYPE_P(4);
	if (ARR_NDIM(xarr) != 1 || ARR_ELEMTYPE(xarr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("features must be a one-dimensional array of double precision")));
	nx = ARR_DIMS(xarr)[0];
	x = (const double *) ARR_DATA_PTR(xarr);
	if ((ARR_HASNULL(xarr) && array_contains_nulls(xarr)) || !isfinite(y))
	{
		d[SC_SKIPPED] += 1;
		PG_RETURN_ARRAYTYPE_P(st);
	}
	for (j = 0; j < nx; j++)
		if (!isfinite(x[j]))
		{
			d[SC_SKIPPED] += 1;
			PG_RETURN_ARRAYTYPE_P(st);
		}

	lay = (const int32 *) ARR_DATA_PTR(layarr);
	i = 0;
	for (v = 0; v < nv; v++)
	{
		const MlopsModel *m = models->models[v];
		double		e;

		for (j = 0; j < m->nfeat; j++)
		{
			int32		pos = lay[i + j];

			if (pos < 1 || pos > nx)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid models for _score_state"),
						 errdetail("Model %d reads feature %d; the row has %d.",
								   v + 1, pos, nx)));
			models->x[j] = x[pos - 1];
		}
		e = y - MlopsPredict(m, models->x);
		DDAdd(&d[SC_SSE + 2 * v], &d[SC_SSE + 2 * v + 1], e * e);
		i += m->nfeat;
	}
	AddMoment(&d[SC_N], &d[SC_MEAN], &d[SC_M2], y);
	PG_RETURN_ARRAYTYPE_P(st);
}

/* Combine two _score_state states. */
PG_FUNCTION_INFO_V1(mlops_score_combine);
Datum
mlops_score_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	double	   *da;
	double	   *db;
	int			nv;
	int			v;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("_score_state combine called in non-aggregate context")));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		(void) ScoreCheck(PG_GETARG_ARRAYTYPE_P(0), -1);
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	db = ScoreCheck(PG_GETARG_ARRAYTYPE_P(1), -1);
	nv = (int) db[SC_V];
	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(PG_GETARG_ARRAYTYPE_P_COPY(1));
	da = ScoreCheck(PG_GETARG_ARRAYTYPE_P(0), nv);
	for (v = 0; v < nv; v++)
		DDMerge(&da[SC_SSE + 2 * v], &db[SC_SSE + 2 * v]);
	da[SC_SKIPPED] += db[SC_SKIPPED];
	MergeMoments(&da[SC_N], &da[SC_MEAN], &da[SC_M2], db[SC_N], db[SC_MEAN],
				 db[SC_M2]);
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

/* Read the totals of a finished _score_state of nv versions. */
void
MlopsScoreTotals(ArrayType *state, int nv, ScoreTotals *out)
{
	double	   *d = ScoreCheck(state, nv);
	int			v;

	out->nv = nv;
	out->n = d[SC_N];
	out->skipped = d[SC_SKIPPED];
	out->m2_y = d[SC_M2];
	out->sse = palloc(sizeof(double) * nv);
	for (v = 0; v < nv; v++)
		out->sse[v] = d[SC_SSE + 2 * v] + d[SC_SSE + 2 * v + 1];
}
