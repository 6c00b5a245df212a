/*-------------------------------------------------------------------------
 *
 * views.c
 *	  The readers of the catalog that users query: mlops.visible_models(),
 *	  mlops.visible_versions(), mlops.visible_deployments(),
 *	  mlops.visible_privileges() and mlops.visible_audit(), one per base
 *	  table, under the views mlops.models, mlops.versions,
 *	  mlops.deployments, mlops.model_privileges and mlops.audit.
 *
 * Users hold no privilege on the base tables.  Row-level security on them
 * was not enough: the planner runs leakproof comparisons (text, bigint,
 * oid equality and ordering) as index conditions before any policy, so
 * EXPLAIN ANALYZE counted the hidden rows a qual matched, and ANALYZE left
 * other teams' values in the planner's statistics.  Each reader instead
 * scans its whole table as the catalog's owner and returns the rows of the
 * models the caller holds some privilege on (MlopsAclModelMask; admins see
 * every row), materialized.  No qual can be pushed into a function scan,
 * and its estimates come from the function's declared row count, so
 * nothing about a hidden row reaches a plan, an EXPLAIN count or a
 * statistic the caller can read.
 *
 * The answer for each model is kept for the call, so a model costs one
 * privilege lookup per reader and statement; nothing outlives the call, so
 * a REVOKE or SET ROLE is seen by the next statement.  The readers return
 * the table's own row type, which they map the rows of "SELECT *" onto by
 * position, so a column added to a table flows through them (and a dropped
 * one is skipped).
 *
 * IDENTIFICATION
 *	  src/views.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupconvert.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/hsearch.h"

#include "acl.h"
#include "sqlexec.h"
#include "views.h"

typedef enum ReaderStmt
{
	READ_MODEL,
	READ_MODEL_VERSION,
	READ_DEPLOYMENT,
	READ_MODEL_PRIVILEGE,
	READ_AUDIT_LOG,
	NUM_READER_STMTS
} ReaderStmt;

/* every base table has model_id; nothing else is named */
static const MlopsStatement reader_defs[NUM_READER_STMTS] =
{
	[READ_MODEL] = {"SELECT * FROM mlops.model", 0, {InvalidOid}},
	[READ_MODEL_VERSION] = {"SELECT * FROM mlops.model_version", 0, {InvalidOid}},
	[READ_DEPLOYMENT] = {"SELECT * FROM mlops.deployment", 0, {InvalidOid}},
	[READ_MODEL_PRIVILEGE] = {"SELECT * FROM mlops.model_privilege", 0, {InvalidOid}},
	[READ_AUDIT_LOG] = {"SELECT * FROM mlops.audit_log", 0, {InvalidOid}},
};

static SPIPlanPtr reader_plans[NUM_READER_STMTS];

/* whether the caller may see a model, per model and call */
typedef struct VisibleEntry
{
	int64		model_id;
	bool		visible;
} VisibleEntry;

/*
 * Fill the materialized result of a reader with the visible rows of its
 * table.
 */
static void
ReadVisible(FunctionCallInfo fcinfo, ReaderStmt s)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			roleid = GetUserId();
	bool		admin = MlopsAclIsAdmin(roleid);
	MlopsSavedUser saved;
	SPITupleTable *tuptable;
	uint64		nrows;
	int			idcol;
	TupleConversionMap *map;
	HTAB	   *models = NULL;
	uint64		i;

	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MlopsBecomeCatalogOwner(&saved);
	MlopsRunStatement(&reader_defs[s], &reader_plans[s], NULL, NULL, true, 0);
	MlopsRestoreUser(&saved);

	/* the privilege lookups below run SPI too: keep our result */
	tuptable = SPI_tuptable;
	nrows = SPI_processed;
	idcol = SPI_fnumber(tuptable->tupdesc, "model_id");
	if (idcol <= 0)
		elog(ERROR, "mlops catalog statement \"%s\" returns no model_id",
			 reader_defs[s].sql);
	map = convert_tuples_by_position(tuptable->tupdesc, rsinfo->setDesc,
									 "mlops catalog row does not match its row type");
	if (!admin)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(VisibleEntry);
		ctl.hcxt = CurrentMemoryContext;
		models = hash_create("mlops visible models", 64, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}

	for (i = 0; i < nrows; i++)
	{
		HeapTuple	tup = tuptable->vals[i];

		CHECK_FOR_INTERRUPTS();
		if (!admin)
		{
			bool		isnull;
			int64		model_id;
			VisibleEntry *e;
			bool		found;

			model_id = DatumGetInt64(SPI_getbinval(tup, tuptable->tupdesc,
												   idcol, &isnull));
			if (isnull)
				continue;
			e = hash_search(models, &model_id, HASH_ENTER, &found);
			if (!found)
				e->visible = MlopsAclModelMask(model_id, roleid) != 0;
			if (!e->visible)
				continue;
		}
		if (map != NULL)
			tup = execute_attr_map_tuple(tup, map);
		tuplestore_puttuple(rsinfo->setResult, tup);
	}
	SPI_finish();
}

/* mlops.visible_models(): the rows of mlops.model the caller may see */
PG_FUNCTION_INFO_V1(mlops_visible_models);
Datum
mlops_visible_models(PG_FUNCTION_ARGS)
{
	ReadVisible(fcinfo, READ_MODEL);
	return (Datum) 0;
}

/* mlops.visible_versions(): the rows of mlops.model_version */
PG_FUNCTION_INFO_V1(mlops_visible_versions);
Datum
mlops_visible_versions(PG_FUNCTION_ARGS)
{
	ReadVisible(fcinfo, READ_MODEL_VERSION);
	return (Datum) 0;
}

/* mlops.visible_deployments(): the rows of mlops.deployment */
PG_FUNCTION_INFO_V1(mlops_visible_deployments);
Datum
mlops_visible_deployments(PG_FUNCTION_ARGS)
{
	ReadVisible(fcinfo, READ_DEPLOYMENT);
	return (Datum) 0;
}

/* mlops.visible_privileges(): the rows of mlops.model_privilege */
PG_FUNCTION_INFO_V1(mlops_visible_privileges);
Datum
mlops_visible_privileges(PG_FUNCTION_ARGS)
{
	ReadVisible(fcinfo, READ_MODEL_PRIVILEGE);
	return (Datum) 0;
}

/*
 * mlops.visible_audit(): the rows of mlops.audit_log; those of a dropped
 * model only for admins, as the model is gone.
 */
PG_FUNCTION_INFO_V1(mlops_visible_audit);
Datum
mlops_visible_audit(PG_FUNCTION_ARGS)
{
	ReadVisible(fcinfo, READ_AUDIT_LOG);
	return (Datum) 0;
}
