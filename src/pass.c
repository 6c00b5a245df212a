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

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"

#include "pass.h"

/* The query of one training pass: aggregate(options, row) or (row, options). */
char *
MlopsPassSql(const MlopsTrainJob *a, const char *aggregate, const char *params)
{
	if (a->nfeat <= MLOPS_MAX_ARGS_FEATURES)
		return psprintf("SELECT mlops.%s(%s, %s) FROM %s", aggregate, params,
						a->row_sql, a->relname);
	return psprintf("SELECT mlops.%s(%s, %s) FROM %s", aggregate, a->row_sql,
					params, a->relname);
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
	int			rc;
	int			save_nestlevel = NewGUCNestLevel();

	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	rc = SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0);
	AtEOXact_GUC(true, save_nestlevel);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "training query failed: %s", SPI_result_code_string(rc));
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
						 isnull);
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

