/*-------------------------------------------------------------------------
 *
 * mlops.c
 *	  Module entry: PG_MODULE_MAGIC, _PG_init, the GUCs, and the event
 *	  trigger that keeps DROP EXTENSION from deleting models unasked.
 *
 * Dropping the extension drops its catalog tables, and with them every
 * model, version, deployment, grant and audit row.  The event trigger
 * mlops_drop_guard fires at ddl_command_start of DROP EXTENSION, DROP
 * SCHEMA and DROP OWNED, before anything is dropped: it reads the
 * command's parse tree (only C event triggers get it, which is why this
 * is not PL/pgSQL) to see whether the command drops mlops, and if so, and
 * mlops.allow_drop is off, refuses it while mlops.model holds a row.  It
 * looks only when the caller may drop the object, so a role without that
 * right still gets PostgreSQL's own permission error and learns nothing
 * about the catalog.  The model table is locked in ACCESS EXCLUSIVE mode,
 * as the drop would lock it anyway, before counting, so no model can be
 * created between the count and the drop.  sql_drop and ddl_command_end
 * cannot do this: by then the tables, and the trigger itself, are gone.
 *
 * IDENTIFICATION
 *	  src/mlops.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#if PG_VERSION_NUM >= 160000
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#endif

#include "sqlexec.h"
#include "mlops.h"
#include "xgboost.h"

PG_MODULE_MAGIC;

/* decoded model versions kept per backend (cache.c) */
int			mlops_model_cache_size = 64;

/* let DROP EXTENSION mlops delete the models it holds (mlops_drop_guard) */
static bool mlops_allow_drop = false;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("mlops.model_cache_size",
							"Decoded model versions each backend keeps in memory.",
							"Versions are immutable, so cached ones never go stale.",
							&mlops_model_cache_size,
							64, 1, 100000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("mlops.allow_drop",
							 "Lets DROP EXTENSION mlops delete the models it holds.",
							 "Without it, DROP EXTENSION mlops, DROP SCHEMA mlops CASCADE and DROP OWNED BY the extension's owner are refused while models exist.",
							 &mlops_allow_drop,
							 false,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("mlops.xgboost_threads",
							"Threads XGBoost trains with (its nthread).",
							"Parallelism comes from PostgreSQL's own workers; more threads make one training use more cores of the server.",
							&mlops_xgboost_threads,
							1, 1, 64,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("mlops");
}

/* Is one of a DROP statement's names (a list of String) "mlops"? */
static bool
NamesMlops(List *names)
{
	ListCell   *lc;

	foreach(lc, names)
		if (strcmp(strVal(lfirst(lc)), "mlops") == 0)
			return true;
	return false;
}

/*
 * Does this command drop the extension, and may the caller do it?  The
 * extension's schema is always mlops (the control file fixes it).
 */
static bool
DropsMlops(Node *parsetree, Oid extoid)
{
	Oid			roleid = GetUserId();

	if (IsA(parsetree, DropStmt))
	{
		DropStmt   *stmt = (DropStmt *) parsetree;

		if (stmt->removeType == OBJECT_EXTENSION && NamesMlops(stmt->objects))
#if PG_VERSION_NUM >= 160000
			return object_ownercheck(ExtensionRelationId, extoid, roleid);
#else
			return pg_extension_ownercheck(extoid, roleid);
#endif
		if (stmt->removeType == OBJECT_SCHEMA &&
			stmt->behavior == DROP_CASCADE && NamesMlops(stmt->objects))
		{
			Oid			nsp = get_namespace_oid("mlops", true);

#if PG_VERSION_NUM >= 160000
			return OidIsValid(nsp) &&
				object_ownercheck(NamespaceRelationId, nsp, roleid);
#else
			return OidIsValid(nsp) && pg_namespace_ownercheck(nsp, roleid);
#endif
		}
		return false;
	}
	if (IsA(parsetree, DropOwnedStmt))
	{
		DropOwnedStmt *stmt = (DropOwnedStmt *) parsetree;
		MlopsSavedUser saved;
		Oid			owner;
		ListCell   *lc;

		/* the owner of the catalog tables, which is the extension's */
		MlopsBecomeCatalogOwner(&saved);
		owner = GetUserId();
		MlopsRestoreUser(&saved);
		foreach(lc, stmt->roles)
		{
			RoleSpec   *spec = lfirst_node(RoleSpec, lc);

			if (spec->roletype != ROLESPEC_PUBLIC &&
				get_rolespec_oid(spec, true) == owner &&
				has_privs_of_role(roleid, owner))
				return true;
		}
	}
	return false;
}

/* Refuse the drop while mlops.model holds a row. */
static void
RefuseWhileModelsExist(void)
{
	Oid			nsp = get_namespace_oid("mlops", true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid("model", nsp) : InvalidOid;
	MlopsSavedUser saved;
	bool		isnull;
	int64		models;

	if (!OidIsValid(relid))
		return;
	LockRelationOid(relid, AccessExclusiveLock);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MlopsBecomeCatalogOwner(&saved);
	if (SPI_execute("SELECT pg_catalog.count(*) FROM mlops.model", false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not count the models in mlops.model");
	MlopsRestoreUser(&saved);
	models = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	if (models > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg_plural("cannot drop extension \"mlops\" because it holds %lld model",
							   "cannot drop extension \"mlops\" because it holds %lld models",
							   models, (long long) models),
				 errdetail("Dropping the extension deletes every model, version, deployment, grant and audit row in schema mlops."),
				 errhint("Drop the models with mlops.drop_model() first, or run SET mlops.allow_drop = on to drop them with the extension.")));
}

/*
 * mlops._drop_guard(): the event trigger mlops_drop_guard, at
 * ddl_command_start of DROP EXTENSION, DROP SCHEMA and DROP OWNED.
 */
PG_FUNCTION_INFO_V1(mlops_drop_guard);
Datum
mlops_drop_guard(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Oid			extoid;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("mlops._drop_guard() must be called as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	extoid = get_extension_oid("mlops", true);
	if (!mlops_allow_drop && OidIsValid(extoid) &&
		DropsMlops(trigdata->parsetree, extoid))
		RefuseWhileModelsExist();
	PG_RETURN_NULL();
}
