/*-------------------------------------------------------------------------
 *
 * pass.c
 *	  Running a training pass: one aggregate query over the job's
 *	  relation, read as the caller through SPI, and the small JSON helpers
 *	  the families' metrics documents share.
 *
 * IDENTIFICATION
 *	  src/pass.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "featurespec.h"
#include "pass.h"

/* The query of one training pass: aggregate(options, row) or (row, options). */
char *
MlopsPassSql(const MlopsTrainJob *a, const char *aggregate, const char *params)
{
	return MlopsPassSqlSampled(a, aggregate, params, NULL, NULL);
}

/*
 * The same over a sample of the relation's blocks (MlopsSampleClause), or
 * all; with another aggregate call (also_sql, or NULL) computed in the
 * same scan as a second column.
 */
char *
MlopsPassSqlSampled(const MlopsTrainJob *a, const char *aggregate,
					const char *params, const char *sample, const char *also_sql)
{
	const char *also = also_sql ? psprintf(", %s", also_sql) : "";

	if (sample == NULL)
		sample = "";
	if (MlopsRowAsArgs(a))
		return psprintf("SELECT mlops.%s(%s, %s)%s FROM %s%s", aggregate, params,
						a->row_sql, also, a->relname, sample);
	return psprintf("SELECT mlops.%s(%s, %s)%s FROM %s%s", aggregate, a->row_sql,
					params, also, a->relname, sample);
}

/*
 * Does the job's row_sql pass the row as separate arguments (after the
 * options), rather than as an array (before them)?  A spec with boolean
 * or categorical columns always does; a plain one up to
 * MLOPS_MAX_ARGS_FEATURES features.
 */
bool
MlopsRowAsArgs(const MlopsTrainJob *job)
{
	return !MlopsSpecIsPlain(job->spec) || job->nfeat <= MLOPS_MAX_ARGS_FEATURES;
}

/*
 * A TABLESAMPLE clause reading about target_rows rows of the job's
 * relation, by blocks and repeatably (from the seed), for a family that
 * starts from a fit on a sample; NULL when the relation cannot be sampled
 * (a view, a foreign table) or is not much bigger than the sample (by
 * its planner estimate).
 */
char *
MlopsSampleClause(const MlopsTrainJob *job, double target_rows)
{
	return MlopsSampleClauseFor(job->relid, job->seed, target_rows);
}

/* The same for relation relid and seed. */
char *
MlopsSampleClauseFor(Oid relid, int64 seed, double target_rows)
{
	char		relkind = get_rel_relkind(relid);
	double		reltuples;
	HeapTuple	tup;
	double		pct;

	if (relkind != RELKIND_RELATION && relkind != RELKIND_MATVIEW &&
		relkind != RELKIND_PARTITIONED_TABLE)
		return NULL;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return NULL;
	reltuples = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
	ReleaseSysCache(tup);
	if (relkind == RELKIND_PARTITIONED_TABLE || reltuples <= 0)
		return NULL;
	pct = 100.0 * target_rows / reltuples;
	if (pct >= 25)
		return NULL;
	return psprintf(" TABLESAMPLE SYSTEM (%.6f) REPEATABLE (%lld)", pct,
					(long long) (seed & 0x7fffffff));
}

/*
 * Read what the job's class_check_sql counted: true, and the classes confirmed,
 * when no row had another label; else false, with job->classes_incomplete
 * set: the family returns at once, and train.c lists every row's classes
 * and calls it again.
 */
bool
MlopsClassesConfirmed(MlopsTrainJob *job, Datum count, bool isnull)
{
	if (isnull)
		elog(ERROR, "the class check of a training pass returned NULL");
	if (DatumGetInt64(count) > 0)
	{
		job->classes_incomplete = true;
		return false;
	}
	job->class_check_sql = NULL;
	return true;
}

Datum
MlopsTextArray(char **strs, int n, const char *last)
{
	Datum	   *d = palloc(sizeof(Datum) * (n + 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(strs[i]);
	d[n] = CStringGetTextDatum(last);
	return PointerGetDatum(construct_array(d, n + 1, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/*
 * Run a one-row, one-column aggregate query and return its value.
 *
 * JIT is off for the pass, as a function's SET clause would do it: the
 * per-row work is the aggregate's C code, so compiling the row expression
 * gains nothing (3M rows of 8 features trained as fast), while LLVM takes
 * seconds over a wide row (7 s for 1000 features) and cannot be
 * interrupted, so cancel and statement_timeout waited for it.
 */
Datum
MlopsRunPass(const char *sql, int nargs, Oid *types, Datum *values, bool *isnull)
{
	Datum		d;

	MlopsRunPassColumns(sql, nargs, types, values, 1, &d, isnull);
	return d;
}

/* The same for a pass of ncols aggregates: their values into out[], isnull[]. */
void
MlopsRunPassColumns(const char *sql, int nargs, Oid *types, Datum *values,
					int ncols, Datum *out, bool *isnull)
{
	int			rc;
	int			save_nestlevel = NewGUCNestLevel();
	int			i;

	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	rc = SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0);
	AtEOXact_GUC(true, save_nestlevel);
	if (rc != SPI_OK_SELECT || SPI_processed != 1 ||
		SPI_tuptable->tupdesc->natts != ncols)
		elog(ERROR, "training query failed: %s", SPI_result_code_string(rc));
	for (i = 0; i < ncols; i++)
		out[i] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
							   i + 1, &isnull[i]);
}

void
MlopsJsonValue(StringInfo buf, double v)
{
	if (isfinite(v))
		appendStringInfo(buf, "%.17g", v);
	else
		appendStringInfoString(buf, "null");
}

void
MlopsJsonNumber(StringInfo buf, const char *key, double v)
{
	appendStringInfo(buf, ", \"%s\": ", key);
	MlopsJsonValue(buf, v);
}

Jsonb *
MlopsJsonbFromString(const char *s)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s)));
}


/*
 * A relation rows can be read from (a table, view, materialized view,
 * foreign or partitioned table), as its schema-qualified, quoted name.
 */
char *
MlopsRelationToRead(Oid relid)
{
	char		relkind = get_rel_relkind(relid);

	if (relkind != RELKIND_RELATION && relkind != RELKIND_VIEW &&
		relkind != RELKIND_MATVIEW && relkind != RELKIND_FOREIGN_TABLE &&
		relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table, view or materialized view",
						get_rel_name(relid))));
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* A label as text: integers of float and numeric columns without a fraction. */
char *
MlopsLabelTextSql(const char *target, Oid type, MlopsLabelKind kind)
{
	Oid			base = getBaseType(type);

	if (kind == MLOPS_LABEL_NUMERIC &&
		(base == FLOAT4OID || base == FLOAT8OID || base == NUMERICOID))
		return psprintf("pg_catalog.trunc(%s::pg_catalog.numeric)::pg_catalog.text",
						quote_identifier(target));
	return psprintf("%s::pg_catalog.text", quote_identifier(target));
}

/*
 * A row's class as the passes receive it: the 0-based index of the
 * target's label among the n classes; NULL for a NULL target and, for a
 * label not among them, NULL with unseen_null, else -1.  Up to
 * CASE_CLASSES classes it is a CASE on the column itself, the labels as
 * literals of its type (free next to a scan); beyond, array_position on
 * the label text (label_sql, from MlopsLabelTextSql).
 */
#define CASE_CLASSES 32

char *
MlopsClassIndexSql(const char *target, const char *label_sql, char **classes,
				   int n, bool unseen_null)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	if (n <= CASE_CLASSES)
	{
		appendStringInfo(&buf, "(CASE WHEN %s IS NULL THEN NULL", quote_identifier(target));
		for (i = 0; i < n; i++)
			appendStringInfo(&buf, " WHEN %s = %s THEN %d", quote_identifier(target),
							 quote_literal_cstr(classes[i]), i);
		appendStringInfo(&buf, "%s END)::pg_catalog.float8", unseen_null ? "" : " ELSE -1");
		return buf.data;
	}
	appendStringInfoString(&buf, "ARRAY[");
	for (i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", quote_literal_cstr(classes[i]));
	appendStringInfoString(&buf, "]::pg_catalog.text[]");
	if (unseen_null)
		return psprintf("(pg_catalog.array_position(%s, %s) - 1)::pg_catalog.float8",
						buf.data, label_sql);
	return psprintf("CASE WHEN (%s) IS NOT NULL THEN "
					"(COALESCE(pg_catalog.array_position(%s, %s), 0) - 1)::pg_catalog.float8 END",
					label_sql, buf.data, label_sql);
}
