/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  Reading and writing mlops.model, mlops.model_version and
 *	  mlops.deployment; mlops.deploy, mlops.rollback, mlops.drop_model.
 *
 * Every statement runs as the owner of the catalog tables (the extension's
 * owner), switched to by sqlexec.c; ordinary roles hold no privilege on
 * the base tables at all (users read the views, see views.c).  So every lookup is followed by
 * the caller's privilege check in C (acl.c), which also reports a model the
 * caller holds nothing on exactly like one that does not exist.  The
 * previous user is restored on the way out, and by transaction abort on
 * error.
 *
 * Every statement is schema-qualified down to its operators and functions,
 * so no search_path can redirect it.  Statements are prepared once per
 * backend (SPI_keepplan, sqlexec.c).
 *
 * Locking: deploy, rollback and adding a version take the model's row lock
 * (SELECT ... FOR UPDATE) first, so concurrent callers are serialised and
 * version numbers and the deployment history stay consistent.  Versions
 * are never updated (a trigger refuses it); the deployment history is
 * append-only; the live version is the newest deployment row.
 *
 * All functions here except the SQL-callable ones expect SPI to be
 * connected by the caller.
 *
 * IDENTIFICATION
 *	  src/catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/float.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "artifact.h"
#include "catalog.h"
#include "mlops.h"
#include "roles.h"
#include "train.h"

#define EQ " OPERATOR(pg_catalog.=) "

/* prepared statements, kept for the life of the backend */
typedef enum CatalogStmt
{
	STMT_RESOLVE_DEPLOYED,
	STMT_RESOLVE_VERSION,
	STMT_FETCH_ARTIFACT,
	STMT_MODEL_BY_NAME,
	STMT_LOCK_MODEL,
	STMT_CREATE_MODEL,
	STMT_NEXT_VERSION,
	STMT_INSERT_VERSION,
	STMT_INSERT_DEPLOYMENT,
	STMT_DEPLOYED_NOW,
	STMT_DEPLOYED_VERSION,
	STMT_LIST_VERSIONS,
	STMT_VERSION_EXISTS,
	STMT_BEST_VERSION,
	STMT_LATEST_VERSION,
	STMT_HISTORY,
	STMT_DROP_MODEL,
	STMT_DESCRIBE,
	NUM_STMTS
} CatalogStmt;

static const MlopsStatement stmt_defs[NUM_STMTS] =
{
	[STMT_RESOLVE_DEPLOYED] = {
		"SELECT m.model_id, v.version, v.xmin FROM mlops.model m "
		"LEFT JOIN LATERAL (SELECT d.version FROM mlops.deployment d "
		"  WHERE d.model_id" EQ "m.model_id "
		"  ORDER BY d.deployment_id DESC LIMIT 1) d ON true "
		"LEFT JOIN mlops.model_version v ON v.model_id" EQ "m.model_id "
		"  AND v.version" EQ "d.version "
		"WHERE m.name" EQ "$1",
		1, {TEXTOID}
	},
	[STMT_RESOLVE_VERSION] = {
		"SELECT m.model_id, v.version, v.xmin FROM mlops.model m "
		"LEFT JOIN mlops.model_version v ON v.model_id" EQ "m.model_id "
		"  AND v.version" EQ "$2 "
		"WHERE m.name" EQ "$1",
		2, {TEXTOID, INT4OID}
	},
	[STMT_FETCH_ARTIFACT] = {
		"SELECT artifact, checksum FROM mlops.model_version "
		"WHERE model_id" EQ "$1 AND version" EQ "$2",
		2, {INT8OID, INT4OID}
	},
	[STMT_MODEL_BY_NAME] = {
		"SELECT model_id FROM mlops.model WHERE name" EQ "$1",
		1, {TEXTOID}
	},
	[STMT_LOCK_MODEL] = {
		"SELECT task FROM mlops.model WHERE model_id" EQ "$1 FOR UPDATE",
		1, {INT8OID}
	},
	[STMT_CREATE_MODEL] = {
		"INSERT INTO mlops.model (name, owner, task) "
		"VALUES ($1, $2::mlops.role_ref, $3) ON CONFLICT (name) DO NOTHING",
		3, {TEXTOID, TEXTOID, TEXTOID}
	},
	[STMT_NEXT_VERSION] = {
		"SELECT pg_catalog.max(version) FROM mlops.model_version "
		"WHERE model_id" EQ "$1",
		1, {INT8OID}
	},
	[STMT_INSERT_VERSION] = {
		"INSERT INTO mlops.model_version (model_id, version, algorithm, "
		"hyperparams, features, target, source, n_train, n_test, metrics, "
		"artifact, checksum, trained_by, training_ms) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
		14, {INT8OID, INT4OID, TEXTOID, JSONBOID, JSONBOID, TEXTOID, TEXTOID,
		INT8OID, INT8OID, JSONBOID, BYTEAOID, INT8OID, TEXTOID, FLOAT8OID}
	},
	[STMT_INSERT_DEPLOYMENT] = {
		"INSERT INTO mlops.deployment (model_id, version, deployed_by, reason, "
		"detail) VALUES ($1, $2, $3, $4, $5)",
		5, {INT8OID, INT4OID, TEXTOID, TEXTOID, JSONBOID}
	},
	[STMT_DEPLOYED_NOW] = {
		"SELECT version FROM mlops.deployment WHERE model_id" EQ "$1 "
		"ORDER BY deployment_id DESC LIMIT 1",
		1, {INT8OID}
	},
	[STMT_DEPLOYED_VERSION] = {
		"SELECT m.model_id, v.version, v.xmin, v.target FROM mlops.model m "
		"JOIN LATERAL (SELECT d.version FROM mlops.deployment d "
		"  WHERE d.model_id" EQ "m.model_id "
		"  ORDER BY d.deployment_id DESC LIMIT 1) d ON true "
		"JOIN mlops.model_version v ON v.model_id" EQ "m.model_id "
		"  AND v.version" EQ "d.version "
		"WHERE m.name" EQ "$1",
		1, {TEXTOID}
	},
	[STMT_LIST_VERSIONS] = {
		"SELECT version, xmin, target FROM mlops.model_version "
		"WHERE model_id" EQ "$1 ORDER BY version",
		1, {INT8OID}
	},
	[STMT_VERSION_EXISTS] = {
		"SELECT 1 FROM mlops.model_version WHERE model_id" EQ "$1 "
		"AND version" EQ "$2",
		2, {INT8OID, INT4OID}
	},
	[STMT_BEST_VERSION] = {
		"SELECT version, "
		"(metrics OPERATOR(pg_catalog.->>) 'r2')::pg_catalog.float8 AS r2 "
		"FROM mlops.model_version WHERE model_id" EQ "$1 "
		"ORDER BY r2 DESC NULLS LAST, version DESC LIMIT 1",
		1, {INT8OID}
	},
	[STMT_LATEST_VERSION] = {
		"SELECT pg_catalog.max(version) FROM mlops.model_version "
		"WHERE model_id" EQ "$1",
		1, {INT8OID}
	},
	[STMT_HISTORY] = {
		"SELECT version, reason FROM mlops.deployment WHERE model_id" EQ "$1 "
		"ORDER BY deployment_id",
		1, {INT8OID}
	},
	[STMT_DROP_MODEL] = {
		"DELETE FROM mlops.model WHERE model_id" EQ "$1",
		1, {INT8OID}
	},
	[STMT_DESCRIBE] = {
		"UPDATE mlops.model SET description = $2 WHERE model_id" EQ "$1",
		2, {INT8OID, TEXTOID}
	},
};

static SPIPlanPtr stmt_plans[NUM_STMTS];

/*
 * Run one of the catalog statements as the catalog's owner: users hold no
 * privilege on the base tables, so every read is followed by an explicit
 * check in acl.c.
 */
static int
Exec(CatalogStmt s, Datum *values, bool read_only, long count)
{
	MlopsSavedUser saved;
	int			rc;

	MlopsBecomeCatalogOwner(&saved);
	rc = MlopsRunStatement(&stmt_defs[s], &stmt_plans[s], values, NULL,
						   read_only, count);
	MlopsRestoreUser(&saved);
	return rc;
}

static Datum
GetCol(int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col,
						 isnull);
}

static char *
CurrentUserName(void)
{
	return GetUserNameFromId(GetUserId(), false);
}

/* Model names are identifiers of at most 63 bytes without '@'. */
void
MlopsCheckModelName(const char *name)
{
	size_t		len = strlen(name);
	size_t		i;

	if (len == 0 || len > MLOPS_MAX_NAME_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model name must be 1 to %d bytes long",
						MLOPS_MAX_NAME_LEN)));
	for (i = 0; i < len; i++)
		if (name[i] == '@' || (unsigned char) name[i] < 0x20)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("model name \"%s\" must not contain '@' or control characters",
							name),
					 errhint("'@' separates a model name from a version, as in 'churn@3'.")));
}

/* Split 'name' or 'name@N' into name and version (0 = the deployed one). */
void
MlopsParseModelRef(text *ref, char **name, int32 *version)
{
	char	   *s = text_to_cstring(ref);
	char	   *at = strrchr(s, '@');

	*version = 0;
	if (at != NULL)
	{
		char	   *end;
		long		v;

		errno = 0;
		v = strtol(at + 1, &end, 10);
		if (at[1] < '0' || at[1] > '9' || *end != '\0' || errno != 0 ||
			v < 1 || v > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid model reference \"%s\"", s),
					 errhint("Write 'name' for the deployed version or 'name@3' for version 3.")));
		*version = (int32) v;
		*at = '\0';
	}
	MlopsCheckModelName(s);
	*name = s;
}

/*
 * The backend's cache of resolved model references.  A reference resolves
 * under the statement's snapshot, so an entry serves only statements
 * whose snapshot sees exactly what the resolving one saw
 * (MlopsSnapshotSame).  So a deploy is seen by the next statement that
 * takes a new snapshot, a REPEATABLE READ transaction keeps the version
 * of its snapshot, and while writers commit the cache simply misses.
 * Privileges are not part of an entry: they are checked on every
 * resolution (acl.c caches them on its own terms).
 */
#define RESOLVE_CACHE_MAX 1024

typedef struct ResolvedEntry
{
	char		ref[MLOPS_MAX_NAME_LEN + 16];	/* the key: 'name@N', 0 = deployed */
	int64		model_id;
	int32		version;
	TransactionId xmin;
	MlopsSnapshotTag snap;
} ResolvedEntry;

static HTAB *resolve_cache = NULL;

static ResolvedEntry *
ResolveCacheEntry(const char *ref, HASHACTION action)
{
	if (resolve_cache == NULL ||
		(action == HASH_ENTER &&
		 hash_get_num_entries(resolve_cache) >= RESOLVE_CACHE_MAX))
	{
		HASHCTL		ctl;

		if (resolve_cache != NULL)
			hash_destroy(resolve_cache);
		ctl.keysize = MLOPS_MAX_NAME_LEN + 16;
		ctl.entrysize = sizeof(ResolvedEntry);
		ctl.hcxt = CacheMemoryContext;
		resolve_cache = hash_create("mlops resolved models", 64, &ctl,
									HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	return hash_search(resolve_cache, ref, action, NULL);
}

/*
 * Look 'name' or 'name@N' up under the statement's snapshot.  Unknown
 * names and versions are 42704, a model with no deployed version 55000;
 * the privilege check is the caller's.  Returns the model id, or 0 when
 * the model does not exist.
 */
static int64
LookUpVersion(const char *name, int32 version, MlopsVersionRef *out)
{
	Datum		args[2];
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = CStringGetTextDatum(name);
	args[1] = Int32GetDatum(version);
	Exec(version == 0 ? STMT_RESOLVE_DEPLOYED : STMT_RESOLVE_VERSION, args,
		 true, 2);
	if (SPI_processed == 0)
	{
		SPI_finish();
		return 0;
	}
	out->model_id = DatumGetInt64(GetCol(1, &isnull));
	out->version = DatumGetInt32(GetCol(2, &isnull));
	if (isnull)
		out->version = 0;
	else
		out->xmin = DatumGetTransactionId(GetCol(3, &isnull));
	SPI_finish();
	return out->model_id;
}

/*
 * Resolve 'name' or 'name@N' to a version, under the current snapshot,
 * and check the predict privilege under the latest one (see acl.c).
 * Callers resolve once per statement and model, so a REVOKE or SET ROLE
 * between executions is seen.  Unknown models, versions and models the
 * role holds no privilege on are 42704; a missing predict privilege is
 * 42501; a model with no deployed version is 55000.  Connects to SPI
 * itself when it has to read.
 */
void
MlopsResolveModel(text *ref, MlopsVersionRef *out)
{
	char	   *name;
	int32		version;
	char	   *key;
	ResolvedEntry *e;
	Snapshot	snap = GetActiveSnapshot();

	MlopsAclNewStatement();
	MlopsParseModelRef(ref, &name, &version);
	/* canonical, so 'm@3' and 'm@003' share an entry and keys stay short */
	key = psprintf("%s@%d", name, version);
	memset(out, 0, sizeof(*out));
	out->name = name;
	e = ResolveCacheEntry(key, HASH_FIND);
	if (e != NULL && MlopsSnapshotSame(&e->snap, snap))
	{
		out->model_id = e->model_id;
		out->version = e->version;
		out->xmin = e->xmin;
	}
	else if (LookUpVersion(name, version, out) == 0)
	{
		/* the same work as for a model the caller cannot see */
		MlopsAclModelMask(0, GetUserId());
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name)));
	}
	MlopsAclCheck(out->model_id, name, MLOPS_PRIV_PREDICT);
	if (out->version == 0)
	{
		if (version == 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("model \"%s\" has no deployed version", name),
					 errhint("Deploy one with mlops.deploy('%s', version).", name)));
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("version %d of model \"%s\" does not exist",
						version, name)));
	}
	if (e == NULL || !MlopsSnapshotSame(&e->snap, snap))
	{
		if (e == NULL)
			e = ResolveCacheEntry(key, HASH_ENTER);
		e->model_id = out->model_id;
		e->version = out->version;
		e->xmin = out->xmin;
		MlopsSnapshotRemember(&e->snap, snap);
	}
}

/* The artifact of a resolved version, detoasted; valid until SPI_finish. */
bytea *
MlopsFetchArtifact(const MlopsVersionRef *ref)
{
	Datum		args[2];
	bool		isnull;
	Datum		d;

	args[0] = Int64GetDatum(ref->model_id);
	args[1] = Int32GetDatum(ref->version);
	Exec(STMT_FETCH_ARTIFACT, args, true, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("version %d of model \"%s\" does not exist",
						ref->version, ref->name)));
	d = GetCol(1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored model \"%s\" version %d has no artifact",
						ref->name, ref->version)));
	/*
	 * A wide model's row is stored out of line: the column holds a TOAST
	 * pointer, which must be detoasted (and copied out of SPI's memory)
	 * before anyone reads the bytes (here, in SPI's memory).
	 */
	return (bytea *) PG_DETOAST_DATUM_COPY(d);
}

/*
 * The caller's privileges on a model it is about to lock: the create
 * right for a model this transaction just created, the train privilege
 * for training (42501 even when hidden), else priv (a hidden model is
 * 42704, as if it did not exist).
 */
static int
CheckLockPrivilege(int64 model_id, const char *name, const char *task,
				   bool created, int priv)
{
	if (created)
	{
		MlopsAclCheckCreate(name);
		return MLOPS_PRIV_ALL;
	}
	if (task != NULL)
		return MlopsAclCheckTrainOn(model_id, name);
	return MlopsAclCheck(model_id, name, priv);
}

/*
 * Find a model, check the caller's privilege on it, lock its row for the
 * rest of the transaction and check again, since a revoke or drop may
 * have committed while we waited for the lock.  Checking first means a
 * model the caller cannot see is never locked by it, so it never waits
 * behind the owner's open transaction.  With a task (training), a missing
 * model is created first, owned by the caller, and an existing one must
 * be of that task.  Returns the model's id; *mask, when asked for, gets
 * the caller's privileges on it.
 */
int64
MlopsLockModel(const char *name, const char *task, int priv, int *mask)
{
	Datum		args[3];
	bool		isnull;
	int64		model_id;
	char	   *existing_task;
	bool		created = false;
	int			m;

	MlopsAclNewStatement();
	args[0] = CStringGetTextDatum(name);
	if (task != NULL)
	{
		args[1] = CStringGetTextDatum(MlopsRoleRefText(GetUserId()));
		args[2] = CStringGetTextDatum(task);
		Exec(STMT_CREATE_MODEL, args, false, 0);
		created = SPI_processed > 0;
		if (created)
			MlopsAclInvalidate();
	}
	Exec(STMT_MODEL_BY_NAME, args, false, 1);
	if (SPI_processed == 0)
	{
		/* the same work as for a model the caller cannot see */
		MlopsAclModelMask(0, GetUserId());
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name)));
	}
	model_id = DatumGetInt64(GetCol(1, &isnull));
	CheckLockPrivilege(model_id, name, task, created, priv);

	args[0] = Int64GetDatum(model_id);
	Exec(STMT_LOCK_MODEL, args, false, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name)));
	existing_task = TextDatumGetCString(GetCol(1, &isnull));
	AcceptInvalidationMessages();
	m = CheckLockPrivilege(model_id, name, task, created, priv);
	if (task != NULL && strcmp(existing_task, task) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is a %s model, not %s",
						name, existing_task, task)));
	if (mask != NULL)
		*mask = m;
	return model_id;
}

/*
 * The detail of an audit row for a version: {"version": N, "algorithm":
 * ..., "source": ...} for training, {"version": N, "reason": ...} for a
 * deployment.
 */
static char *
AuditDetail(int32 version, const char *algorithm, const char *other)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d", version);
	if (algorithm)
	{
		appendStringInfoString(&buf, ", \"algorithm\": ");
		escape_json(&buf, algorithm);
	}
	appendStringInfoString(&buf, algorithm ? ", \"source\": " : ", \"reason\": ");
	escape_json(&buf, other);
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/* Insert a new immutable version; the model row must be locked. */
int32
MlopsInsertVersion(int64 model_id, const MlopsNewVersion *v)
{
	Datum		args[14];
	bool		isnull;
	Datum		maxv;
	int32		version;
	char	   *who = CurrentUserName();

	args[0] = Int64GetDatum(model_id);
	Exec(STMT_NEXT_VERSION, args, false, 1);
	maxv = GetCol(1, &isnull);
	version = isnull ? 1 : DatumGetInt32(maxv) + 1;

	args[1] = Int32GetDatum(version);
	args[2] = CStringGetTextDatum(v->algorithm);
	args[3] = JsonbPGetDatum(v->hyperparams);
	args[4] = JsonbPGetDatum(v->features);
	args[5] = CStringGetTextDatum(v->target);
	args[6] = CStringGetTextDatum(v->source);
	args[7] = Int64GetDatum(v->n_train);
	args[8] = Int64GetDatum(v->n_test);
	args[9] = JsonbPGetDatum(v->metrics);
	args[10] = PointerGetDatum(v->artifact);
	args[11] = Int64GetDatum((int64) MlopsArtifactChecksum(v->artifact));
	args[12] = CStringGetTextDatum(who);
	args[13] = Float8GetDatum(v->training_ms);
	Exec(STMT_INSERT_VERSION, args, false, 0);
	MlopsAudit("train", model_id, NULL, AuditDetail(version, v->algorithm, v->source));
	return version;
}

/*
 * The version deployed now (0: none), under a snapshot taken now: callers
 * hold the model's row lock, so no deployment can commit after it.
 */
int32
MlopsDeployedVersionNow(int64 model_id)
{
	Datum		args[1];
	bool		isnull;

	args[0] = Int64GetDatum(model_id);
	Exec(STMT_DEPLOYED_NOW, args, false, 1);
	if (SPI_processed == 0)
		return 0;
	return DatumGetInt32(GetCol(1, &isnull));
}

/*
 * The deployed version of a model and its target, under a snapshot taken
 * now (so a deployment made earlier in the same statement, as by another
 * mlops.train call of it, is seen), read as the catalog owner without a
 * privilege check: for
 * mlops.train's deploy => 'best', whose caller holds train and deploy
 * (not necessarily predict), and which only uses the version to decide
 * the deployment.  False when the model does not exist or has no
 * deployed version.  out->name is set to name.
 */
bool
MlopsDeployedVersion(const char *name, MlopsVersionRef *out, char **target)
{
	Datum		args[1];
	bool		isnull;
	Datum		d;

	memset(out, 0, sizeof(*out));
	args[0] = CStringGetTextDatum(name);
	Exec(STMT_DEPLOYED_VERSION, args, false, 1);
	if (SPI_processed == 0)
		return false;
	out->model_id = DatumGetInt64(GetCol(1, &isnull));
	out->version = DatumGetInt32(GetCol(2, &isnull));
	out->xmin = DatumGetTransactionId(GetCol(3, &isnull));
	out->name = pstrdup(name);
	d = GetCol(4, &isnull);
	*target = isnull ? NULL : TextDatumGetCString(d);
	return true;
}

/*
 * Every version of a locked model, oldest first, with its target (NULL
 * when it has none).  Returns the count; the arrays are palloc'd.
 */
int
MlopsListVersions(int64 model_id, const char *name, MlopsVersionRef **refs,
				  char ***targets)
{
	Datum		args[1];
	uint64		i;
	int			n;

	args[0] = Int64GetDatum(model_id);
	Exec(STMT_LIST_VERSIONS, args, false, 0);
	if (SPI_processed > MaxAllocSize / sizeof(MlopsVersionRef))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("model \"%s\" has too many versions", name)));
	n = (int) SPI_processed;
	*refs = palloc0(sizeof(MlopsVersionRef) * Max(n, 1));
	*targets = palloc0(sizeof(char *) * Max(n, 1));
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		t;

		(*refs)[i].model_id = model_id;
		(*refs)[i].version = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
		(*refs)[i].xmin = DatumGetTransactionId(SPI_getbinval(tup, desc, 2, &isnull));
		(*refs)[i].name = pstrdup(name);
		t = SPI_getbinval(tup, desc, 3, &isnull);
		(*targets)[i] = isnull ? NULL : TextDatumGetCString(t);
	}
	return n;
}

/*
 * Append a row to the deployment history; the model row must be locked.
 * detail is the JSON object of the figures the decision was made on, or
 * NULL when there were none (an explicit version, a rollback).
 */
void
MlopsRecordDeployment(int64 model_id, int32 version, const char *reason,
					  const char *detail)
{
	Datum		args[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	char	   *who = CurrentUserName();
	MlopsSavedUser saved;

	args[0] = Int64GetDatum(model_id);
	args[1] = Int32GetDatum(version);
	args[2] = CStringGetTextDatum(who);
	args[3] = CStringGetTextDatum(reason);
	if (detail != NULL)
		args[4] = DirectFunctionCall1(jsonb_in, CStringGetDatum(detail));
	else
	{
		args[4] = (Datum) 0;
		nulls[4] = 'n';
	}
	MlopsBecomeCatalogOwner(&saved);
	MlopsRunStatement(&stmt_defs[STMT_INSERT_DEPLOYMENT],
					  &stmt_plans[STMT_INSERT_DEPLOYMENT], args, nulls, false, 0);
	MlopsRestoreUser(&saved);
	MlopsAudit(strcmp(reason, "rollback") == 0 ? "rollback" : "deploy",
			   model_id, NULL, AuditDetail(version, NULL, reason));
}

static char *
ModelNameArg(FunctionCallInfo fcinfo)
{
	char	   *name;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model name must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MlopsCheckModelName(name);
	return name;
}

static void
CheckWritable(const char *what)
{
	PreventCommandIfReadOnly(what);
	PreventCommandIfParallelMode(what);
}

/*
 * The start of a write to a model: refuse a read-only transaction, connect
 * SPI, check the caller's privilege and lock the model's row.
 */
static int64
LockModelForWrite(const char *name, const char *what, int priv)
{
	CheckWritable(what);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	return MlopsLockModel(name, NULL, priv, NULL);
}

/* mlops.deploy(model, version): make a version the live one. */
PG_FUNCTION_INFO_V1(mlops_deploy_version);
Datum
mlops_deploy_version(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	int32		version;
	int64		model_id;
	Datum		args[2];

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("version must not be NULL")));
	version = PG_GETARG_INT32(1);
	model_id = LockModelForWrite(name, "mlops.deploy()", MLOPS_PRIV_DEPLOY);
	args[0] = Int64GetDatum(model_id);
	args[1] = Int32GetDatum(version);
	Exec(STMT_VERSION_EXISTS, args, false, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("version %d of model \"%s\" does not exist",
						version, name)));
	MlopsRecordDeployment(model_id, version, "deploy", NULL);
	SPI_finish();
	PG_RETURN_INT32(version);
}

/*
 * mlops.deploy(model, strategy => 'best' | 'most_recent'), and
 * mlops.deploy(model, 'best', relation, target): 'best' alone reads each
 * version's stored r2, measured on its own test split; with a relation,
 * every version is scored on the same rows of it (train.c).
 */
PG_FUNCTION_INFO_V1(mlops_deploy_strategy);
Datum
mlops_deploy_strategy(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	char	   *strategy;
	bool		on_relation = PG_NARGS() == 4;
	int64		model_id;
	Datum		args[1];
	bool		isnull;
	int32		version;
	char	   *detail;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("strategy must not be NULL")));
	strategy = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (strcmp(strategy, "best") != 0 && strcmp(strategy, "most_recent") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown deploy strategy \"%s\"", strategy),
				 errhint("Use 'best' or 'most_recent'.")));
	if (on_relation)
	{
		if (strcmp(strategy, "best") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("deploy strategy \"%s\" does not compare versions on a relation",
							strategy),
					 errhint("Use strategy 'best' with a relation and a target.")));
		if (PG_ARGISNULL(2))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("relation must not be NULL")));
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("target must not be NULL")));
	}
	model_id = LockModelForWrite(name, "mlops.deploy()", MLOPS_PRIV_DEPLOY);
	if (on_relation)
	{
		/* it scores every version on the caller's rows */
		MlopsAclCheck(model_id, name, MLOPS_PRIV_PREDICT);
		detail = MlopsBestOnRelation(model_id, name, PG_GETARG_OID(2),
									 text_to_cstring(PG_GETARG_TEXT_PP(3)),
									 MlopsDeployedVersionNow(model_id),
									 &version);
		MlopsRecordDeployment(model_id, version, strategy, detail);
		SPI_finish();
		PG_RETURN_INT32(version);
	}
	args[0] = Int64GetDatum(model_id);
	Exec(strcmp(strategy, "best") == 0 ? STMT_BEST_VERSION : STMT_LATEST_VERSION,
		 args, false, 1);
	if (SPI_processed == 0 || (GetCol(1, &isnull), isnull))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" has no versions", name)));
	version = DatumGetInt32(GetCol(1, &isnull));
	detail = NULL;
	if (strcmp(strategy, "best") == 0)
	{
		/* each version's r2 was measured on its own test split */
		StringInfoData buf;
		Datum		r2 = GetCol(2, &isnull);

		initStringInfo(&buf);
		appendStringInfoString(&buf, "{\"compared_on\": \"stored metrics\", \"r2\": ");
		if (isnull || !isfinite(DatumGetFloat8(r2)))
			appendStringInfoString(&buf, "null}");
		else
			appendStringInfo(&buf, "%.17g}", DatumGetFloat8(r2));
		detail = buf.data;
	}
	MlopsRecordDeployment(model_id, version, strategy, detail);
	SPI_finish();
	PG_RETURN_INT32(version);
}

/*
 * mlops.rollback(model): back to the version that was live before the
 * current one.  The history is replayed as a stack (a deploy pushes, a
 * rollback pops), so repeated rollbacks walk back through it.
 */
PG_FUNCTION_INFO_V1(mlops_rollback);
Datum
mlops_rollback(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	int64		model_id;
	Datum		args[1];
	int32	   *stack;
	int			depth = 0;
	uint64		i;
	int32		target;

	model_id = LockModelForWrite(name, "mlops.rollback()", MLOPS_PRIV_DEPLOY);
	args[0] = Int64GetDatum(model_id);
	Exec(STMT_HISTORY, args, false, 0);
	stack = palloc(sizeof(int32) * (SPI_processed + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		int32		v = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
													SPI_tuptable->tupdesc, 1,
													&isnull));
		char	   *reason = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[i],
															   SPI_tuptable->tupdesc,
															   2, &isnull));

		CHECK_FOR_INTERRUPTS();
		if (strcmp(reason, "rollback") == 0)
		{
			if (depth > 0)
				depth--;
		}
		else if (depth == 0 || stack[depth - 1] != v)
			stack[depth++] = v;
	}
	if (depth == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" has no deployed version", name)));
	if (depth < 2)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot roll back model \"%s\"", name),
				 errdetail("Version %d is the oldest version in its deployment history.",
						   stack[0]),
				 errhint("Use mlops.deploy('%s', version) to deploy another version.",
						 name)));
	target = stack[depth - 2];
	MlopsRecordDeployment(model_id, target, "rollback", NULL);
	SPI_finish();
	PG_RETURN_INT32(target);
}

/* mlops.drop_model(model): the model, every version and its history. */
PG_FUNCTION_INFO_V1(mlops_drop_model);
Datum
mlops_drop_model(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	int64		model_id;
	Datum		args[1];

	model_id = LockModelForWrite(name, "mlops.drop_model()", MLOPS_PRIV_OWN);
	MlopsAudit("drop", model_id, name, "{}");
	args[0] = Int64GetDatum(model_id);
	Exec(STMT_DROP_MODEL, args, false, 0);
	MlopsAclInvalidate();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * mlops.describe(model, description): set a model's description, or clear
 * it with NULL.  Needs own; audited with the new description.
 */
PG_FUNCTION_INFO_V1(mlops_describe);
Datum
mlops_describe(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	int64		model_id;
	Datum		args[2];
	char		nulls[2] = {' ', ' '};
	MlopsSavedUser saved;
	StringInfoData detail;

	model_id = LockModelForWrite(name, "mlops.describe()", MLOPS_PRIV_OWN);
	args[0] = Int64GetDatum(model_id);
	initStringInfo(&detail);
	appendStringInfoString(&detail, "{\"description\": ");
	if (PG_ARGISNULL(1))
	{
		nulls[1] = 'n';
		args[1] = (Datum) 0;
		appendStringInfoString(&detail, "null");
	}
	else
	{
		args[1] = PG_GETARG_DATUM(1);
		escape_json(&detail, TextDatumGetCString(args[1]));
	}
	appendStringInfoChar(&detail, '}');
	MlopsBecomeCatalogOwner(&saved);
	MlopsRunStatement(&stmt_defs[STMT_DESCRIBE], &stmt_plans[STMT_DESCRIBE],
					  args, nulls, false, 0);
	MlopsRestoreUser(&saved);
	MlopsAudit("describe", model_id, NULL, detail.data);
	SPI_finish();
	PG_RETURN_VOID();
}
