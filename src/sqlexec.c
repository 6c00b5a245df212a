/*-------------------------------------------------------------------------
 *
 * sqlexec.c
 *	  Running the extension's own statements: preparing them once per
 *	  backend, running them under the statement's or a fresh catalog
 *	  snapshot, and switching to the owner of the catalog tables to do so.
 *
 * This is the lowest layer of the catalog code (DESIGN.md, "Layers"): it
 * knows no table and no privilege, and calls nothing of the extension.
 *
 * Statements are prepared the first time they run and kept for the life
 * of the backend (SPI_keepplan); callers keep one SPIPlanPtr per
 * statement.  Every statement is schema-qualified down to its operators
 * and functions by its author, so no search_path can redirect it.  SPI
 * must be connected by the caller.
 *
 * The owner switch is SetUserIdAndSecContext, the way PostgreSQL's RI
 * triggers do it; ordinary roles hold no privilege on the base tables, so
 * every caller that reads as the owner makes the caller's privilege check
 * itself (acl.c).  The previous user is restored on the way out, and by
 * transaction abort on error.
 *
 * Snapshot tags remember enough of a snapshot to tell whether a later one
 * sees the same rows; the per-statement and per-backend caches of
 * resolved versions (predict.c, resolve.c) key their entries on them.
 *
 * IDENTIFICATION
 *	  src/sqlexec.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "sqlexec.h"

static void
PrepareStatement(const MlopsStatement *stmt, SPIPlanPtr *plan)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(stmt->sql, stmt->nargs,
									(Oid *) stmt->argtypes);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s",
				 stmt->sql, SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		*plan = p;
	}
}

static void
CheckResult(const MlopsStatement *stmt, int rc)
{
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed for \"%s\": %s",
			 stmt->sql, SPI_result_code_string(rc));
}

/* Run a statement, preparing it the first time; SPI must be connected. */
int
MlopsRunStatement(const MlopsStatement *stmt, SPIPlanPtr *plan,
				  Datum *values, const char *nulls, bool read_only, long count)
{
	int			rc;

	PrepareStatement(stmt, plan);
	rc = SPI_execute_plan(*plan, values, nulls, read_only, count);
	CheckResult(stmt, rc);
	return rc;
}

/*
 * Run a read-only statement under a snapshot taken now rather than the
 * statement's or the transaction's: privileges are looked up the way the
 * system caches do, so a revoke committed by another session is seen by
 * the next statement even inside a REPEATABLE READ transaction.  A fresh
 * catalog snapshot, because GetLatestSnapshot is refused in parallel mode
 * and scoring runs in parallel workers.
 */
int
MlopsRunStatementLatest(const MlopsStatement *stmt, SPIPlanPtr *plan,
						Datum *values, const char *nulls, long count)
{
	int			rc;

	PrepareStatement(stmt, plan);
	rc = SPI_execute_snapshot(*plan, values, nulls,
							  GetCatalogSnapshot(InvalidOid), InvalidSnapshot,
							  true, false, count);
	CheckResult(stmt, rc);
	return rc;
}

/* Save the caller's identity and become the owner of the catalog. */
void
MlopsBecomeCatalogOwner(MlopsSavedUser *saved)
{
	Oid			nsp = get_namespace_oid("mlops", false);
	Oid			relid = get_relname_relid("model", nsp);
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(relid))
		elog(ERROR, "mlops catalog table \"model\" is missing");
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);

	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	SetUserIdAndSecContext(owner,
						   saved->sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

void
MlopsRestoreUser(const MlopsSavedUser *saved)
{
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}

/*
 * Whether two snapshots see exactly the same rows: equal bounds, running
 * transactions and command id.  Transactions outside the running list
 * have committed or aborted for good, so equal fields mean equal
 * visibility.  A snapshot with subtransactions or many running
 * transactions is not remembered (it simply never matches).
 */
void
MlopsSnapshotRemember(MlopsSnapshotTag *tag, Snapshot snap)
{
	tag->valid = snap->xcnt <= MLOPS_SNAPSHOT_XIDS && snap->subxcnt == 0 &&
		!snap->suboverflowed && !snap->takenDuringRecovery;
	if (!tag->valid)
		return;
	tag->xmin = snap->xmin;
	tag->xmax = snap->xmax;
	tag->curcid = snap->curcid;
	tag->xcnt = snap->xcnt;
	memcpy(tag->xip, snap->xip, sizeof(TransactionId) * snap->xcnt);
}

bool
MlopsSnapshotSame(const MlopsSnapshotTag *tag, Snapshot snap)
{
	return tag->valid && tag->xmin == snap->xmin &&
		tag->xmax == snap->xmax && tag->curcid == snap->curcid &&
		tag->xcnt == snap->xcnt && snap->subxcnt == 0 &&
		!snap->suboverflowed && !snap->takenDuringRecovery &&
		memcmp(tag->xip, snap->xip, sizeof(TransactionId) * tag->xcnt) == 0;
}
