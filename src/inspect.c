/*-------------------------------------------------------------------------
 *
 * inspect.c
 *	  What a stored version holds, by model reference: mlops.coefficients,
 *	  mlops.classes, mlops.centers, mlops.components and
 *	  mlops.feature_importance.
 *
 * Each function resolves the reference as scoring does (the deployed
 * version, or 'name@N', with the predict privilege checked) and asks the
 * version's family to describe itself; a family that has no such thing
 * (a clustering model has no coefficients) is an error that says so.
 *
 * IDENTIFICATION
 *	  src/inspect.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "algorithm.h"
#include "cache.h"
#include "resolve.h"

/* The model a materialized inspection function describes, resolved. */
static const MlopsModel *
InspectedModel(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MlopsVersionRef ref;
	const MlopsModel *m;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model name must not be NULL")));
	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MlopsResolveModel(PG_GETARG_TEXT_PP(0), &ref);
	m = MlopsGetModel(&ref, rsinfo->econtext->ecxt_per_query_memory);
	SPI_finish();
	return m;
}

/* The family has no such thing: an error naming the model and its family. */
static void
NoSuch(FunctionCallInfo fcinfo, const MlopsModel *m, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_WRONG_OBJECT_TYPE),
			 errmsg("model \"%s\" has no %s (algorithm %s)",
					text_to_cstring(PG_GETARG_TEXT_PP(0)), what, m->algo->name)));
}

/*
 * mlops.coefficients(model) returns table(term, estimate, std_error,
 * statistic, p_value)
 */
PG_FUNCTION_INFO_V1(mlops_coefficients);
Datum
mlops_coefficients(PG_FUNCTION_ARGS)
{
	const MlopsModel *m = InspectedModel(fcinfo);

	if (m->algo->coefficients == NULL)
		NoSuch(fcinfo, m, "coefficients");
	m->algo->coefficients(m, (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

/* mlops.centers(model) returns table(cluster, feature, value) */
PG_FUNCTION_INFO_V1(mlops_centers);
Datum
mlops_centers(PG_FUNCTION_ARGS)
{
	const MlopsModel *m = InspectedModel(fcinfo);

	if (m->algo->centers == NULL)
		NoSuch(fcinfo, m, "cluster centres");
	m->algo->centers(m, (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

/*
 * mlops.components(model) returns table(component, feature, loading,
 * explained_variance, explained_variance_ratio)
 */
PG_FUNCTION_INFO_V1(mlops_components);
Datum
mlops_components(PG_FUNCTION_ARGS)
{
	const MlopsModel *m = InspectedModel(fcinfo);

	if (m->algo->components == NULL)
		NoSuch(fcinfo, m, "components");
	m->algo->components(m, (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

/*
 * mlops.feature_importance(model) returns table(feature, gain, total_gain,
 * weight, cover, total_cover)
 */
PG_FUNCTION_INFO_V1(mlops_feature_importance);
Datum
mlops_feature_importance(PG_FUNCTION_ARGS)
{
	const MlopsModel *m = InspectedModel(fcinfo);

	if (m->algo->importance == NULL)
		NoSuch(fcinfo, m, "feature importance");
	m->algo->importance(m, (ReturnSetInfo *) fcinfo->resultinfo);
	return (Datum) 0;
}

/* The version a model argument names, decoded, as the caller may see it. */
static const MlopsModel *
NamedModel(FunctionCallInfo fcinfo)
{
	MlopsVersionRef ref;
	const MlopsModel *m;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model name must not be NULL")));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MlopsResolveModel(PG_GETARG_TEXT_PP(0), &ref);
	m = MlopsGetModel(&ref, CurrentMemoryContext);
	SPI_finish();
	return m;
}

static Datum
TextArray(char **strs, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * n);
	int			i;

	for (i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(strs[i]);
	return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * mlops.feature_names(model) returns text[]: the encoded features, in the
 * order the array form of predict takes them: a numeric or boolean
 * column's name, a categorical one's "column=category" (the reference
 * level left out), "column=__other__" and "column IS NULL".
 */
PG_FUNCTION_INFO_V1(mlops_feature_names);
Datum
mlops_feature_names(PG_FUNCTION_ARGS)
{
	const MlopsModel *m = NamedModel(fcinfo);

	PG_RETURN_DATUM(TextArray(m->feature_names, m->nfeat));
}

/*
 * mlops.classes(model) returns text[]: a classifier's classes in the
 * order of predict_proba's probabilities; NULL for any other model.
 */
PG_FUNCTION_INFO_V1(mlops_classes);
Datum
mlops_classes(PG_FUNCTION_ARGS)
{
	const MlopsModel *m = NamedModel(fcinfo);

	if (m->nclasses == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(TextArray(m->classes, m->nclasses));
}
