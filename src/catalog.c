/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  Rows of mlops.model, mlops.model_version, mlops.deployment and
 *	  mlops.audit_log, and model-name parsing.
 *
 * Row access only (DESIGN.md, "Layers"): prepared statements over the
 * catalog tables, no privilege logic and nothing SQL-callable.  Every
 * statement runs as the owner of the catalog tables (the extension's
 * owner), switched to by sqlexec.c; ordinary roles hold no privilege on
 * the base tables at all (users read the views, see views.c).  So every
 * lookup here is followed by the caller's privilege check (acl.c), which
 * also reports a model the caller holds nothing on exactly like one that
 * does not exist.
 *
 * Every statement is schema-qualified down to its operators and functions,
 * so no search_path can redirect it.  Statements are prepared once per
 * backend (SPI_keepplan, sqlexec.c); nothing else is cached here.
 *
 * Locking: the writes (a version, a deployment, a description, a drop)
 * expect the caller to hold the model's row lock, which MlopsLockModel
 * (acl.c) takes with MlopsLockModelRow (SELECT ... FOR UPDATE), so
 * concurrent callers are serialised and version numbers and the
 * deployment history stay consistent.  Versions are never updated (a
 * trigger refuses it); the deployment history is append-only; the live
 * version is the newest deployment row.
 *
 * Audit rows are written as the owner, in the caller's transaction, so an
 * action that rolls back leaves no audit row either.  Writing a version
 * or a deployment writes its audit row too.
 *
 * All functions here expect SPI to be connected by the caller, except
 * MlopsLookUpVersion and MlopsAudit, which connect it themselves.
 *
 * IDENTIFICATION
 *	  src/catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "artifact.h"
#include "catalog.h"
#include "mlops.h"
#include "roles.h"
#include "sqlexec.h"

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
	STMT_LATEST_VERSION,
	STMT_INSERT_VERSION,
	STMT_INSERT_DEPLOYMENT,
	STMT_DEPLOYED_NOW,
	STMT_DEPLOYED_VERSION,
	STMT_LIST_VERSIONS,
	STMT_VERSION_EXISTS,
	STMT_BEST_VERSION,
	STMT_HISTORY,
	STMT_DROP_MODEL,
	STMT_DESCRIBE,
	STMT_AUDIT,
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
	[STMT_LATEST_VERSION] = {
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
	/*
	 * each version's stored score, among those measured by the newest
	 * version's metric; inertia is better lower, every other higher
	 */
	[STMT_BEST_VERSION] = {
		"SELECT version, score, metric FROM ("
		"SELECT version, (metrics OPERATOR(pg_catalog.->>) 'score')::pg_catalog.float8 AS score, "
		"metrics OPERATOR(pg_catalog.->>) 'score_metric' AS metric "
		"FROM mlops.model_version WHERE model_id" EQ "$1) v "
		"WHERE metric" EQ "(SELECT metrics OPERATOR(pg_catalog.->>) 'score_metric' "
		"FROM mlops.model_version WHERE model_id" EQ "$1 ORDER BY version DESC LIMIT 1) "
		"ORDER BY CASE WHEN metric" EQ "'inertia' THEN OPERATOR(pg_catalog.-) score "
		"ELSE score END DESC NULLS LAST, version DESC LIMIT 1",
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
	[STMT_AUDIT] = {
		"INSERT INTO mlops.audit_log (role, session_role, action, model_id, "
		"model, detail) SELECT $1, $2, $3, $4, COALESCE($5, "
		"(SELECT name FROM mlops.model WHERE model_id" EQ "$4)), "
		"$6::pg_catalog.jsonb",
		6, {TEXTOID, TEXTOID, TEXTOID, INT8OID, TEXTOID, TEXTOID}
	},
};

static SPIPlanPtr stmt_plans[NUM_STMTS];

/*
 * Run one of the catalog statements as the catalog's owner: users hold no
 * privilege on the base tables, so every read is followed by an explicit
 * check in acl.c.  nulls as for SPI_execute_plan (NULL: none).
 */
static int
Exec(CatalogStmt s, Datum *values, const char *nulls, bool read_only,
	 long count)
{
	MlopsSavedUser saved;
	int			rc;

	MlopsBecomeCatalogOwner(&saved);
	rc = MlopsRunStatement(&stmt_defs[s], &stmt_plans[s], values, nulls,
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
 * Look 'name' or 'name@N' (version 0: the deployed one) up under the
 * statement's snapshot, connecting SPI itself.  Returns the model id, or
 * 0 when the model does not exist; out->version is 0 when the version
 * does not exist or nothing is deployed.  The privilege check, and the
 * errors, are the caller's (resolve.c).
 */
int64
MlopsLookUpVersion(const char *name, int32 version, MlopsVersionRef *out)
{
	Datum		args[2];
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = CStringGetTextDatum(name);
	args[1] = Int32GetDatum(version);
	Exec(version == 0 ? STMT_RESOLVE_DEPLOYED : STMT_RESOLVE_VERSION, args,
		 NULL, true, 2);
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


/* The artifact of a resolved version, detoasted; valid until SPI_finish. */
bytea *
MlopsFetchArtifact(const MlopsVersionRef *ref)
{
	Datum		args[2];
	bool		isnull;
	Datum		d;

	args[0] = Int64GetDatum(ref->model_id);
	args[1] = Int32GetDatum(ref->version);
	Exec(STMT_FETCH_ARTIFACT, args, NULL, true, 1);
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
 * Create a model of that task, owned by the current user, unless one of
 * that name exists; true when this call created it.
 */
bool
MlopsCreateModel(const char *name, const char *task)
{
	Datum		args[3];

	args[0] = CStringGetTextDatum(name);
	args[1] = CStringGetTextDatum(MlopsRoleRefText(GetUserId()));
	args[2] = CStringGetTextDatum(task);
	Exec(STMT_CREATE_MODEL, args, NULL, false, 0);
	return SPI_processed > 0;
}

/* The id of the model of that name, 0 when there is none. */
int64
MlopsModelIdByName(const char *name)
{
	Datum		args[1];
	bool		isnull;

	args[0] = CStringGetTextDatum(name);
	Exec(STMT_MODEL_BY_NAME, args, NULL, false, 1);
	if (SPI_processed == 0)
		return 0;
	return DatumGetInt64(GetCol(1, &isnull));
}

/*
 * Lock a model's row for the rest of the transaction (SELECT ... FOR
 * UPDATE, waiting for a concurrent holder); returns the model's task, or
 * NULL when the row is gone.
 */
char *
MlopsLockModelRow(int64 model_id)
{
	Datum		args[1];
	bool		isnull;

	args[0] = Int64GetDatum(model_id);
	Exec(STMT_LOCK_MODEL, args, NULL, false, 1);
	if (SPI_processed == 0)
		return NULL;
	return TextDatumGetCString(GetCol(1, &isnull));
}

/*
 * Append a row to mlops.audit; detail_json is a JSON object, model NULL
 * to look the name up.
 */
void
MlopsAudit(const char *action, int64 model_id, const char *model,
		   const char *detail_json)
{
	Datum		args[6];

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = CStringGetTextDatum(GetUserNameFromId(GetUserId(), false));
	args[1] = CStringGetTextDatum(GetUserNameFromId(GetSessionUserId(), false));
	args[2] = CStringGetTextDatum(action);
	args[3] = Int64GetDatum(model_id);
	args[4] = model ? CStringGetTextDatum(model) : (Datum) 0;
	args[5] = CStringGetTextDatum(detail_json);
	Exec(STMT_AUDIT, args, model ? NULL : "    n ", false, 0);
	SPI_finish();
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
	Exec(STMT_LATEST_VERSION, args, NULL, false, 1);
	maxv = GetCol(1, &isnull);
	version = isnull ? 1 : DatumGetInt32(maxv) + 1;

	args[1] = Int32GetDatum(version);
	args[2] = CStringGetTextDatum(v->algorithm);
	args[3] = JsonbPGetDatum(v->hyperparams);
	args[4] = JsonbPGetDatum(v->features);
	/* clustering and decomposition have no target */
	args[5] = v->target ? CStringGetTextDatum(v->target) : (Datum) 0;
	args[6] = CStringGetTextDatum(v->source);
	args[7] = Int64GetDatum(v->n_train);
	args[8] = Int64GetDatum(v->n_test);
	args[9] = JsonbPGetDatum(v->metrics);
	args[10] = PointerGetDatum(v->artifact);
	args[11] = Int64GetDatum((int64) MlopsArtifactChecksum(v->artifact));
	args[12] = CStringGetTextDatum(who);
	args[13] = Float8GetDatum(v->training_ms);
	Exec(STMT_INSERT_VERSION, args, v->target ? NULL : "     n        ", false, 0);
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
	Exec(STMT_DEPLOYED_NOW, args, NULL, false, 1);
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
	Exec(STMT_DEPLOYED_VERSION, args, NULL, false, 1);
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
	Exec(STMT_LIST_VERSIONS, args, NULL, false, 0);
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
	Exec(STMT_INSERT_DEPLOYMENT, args, nulls, false, 0);
	MlopsAudit(strcmp(reason, "rollback") == 0 ? "rollback" : "deploy",
			   model_id, NULL, AuditDetail(version, NULL, reason));
}

/* Whether a model has that version. */
bool
MlopsVersionExists(int64 model_id, int32 version)
{
	Datum		args[2];

	args[0] = Int64GetDatum(model_id);
	args[1] = Int32GetDatum(version);
	Exec(STMT_VERSION_EXISTS, args, NULL, false, 1);
	return SPI_processed > 0;
}

/*
 * The version a deploy strategy picks among a model's versions: with
 * best, the one of best stored score among those of the newest version's
 * score_metric (*score and *metric get them; NaN when it has none), else
 * the newest.  0 when the model has no versions.
 */
int32
MlopsPickVersion(int64 model_id, bool best, double *score, char **metric)
{
	Datum		args[1];
	bool		isnull;
	int32		version;
	Datum		d;

	args[0] = Int64GetDatum(model_id);
	Exec(best ? STMT_BEST_VERSION : STMT_LATEST_VERSION, args, NULL, false, 1);
	if (SPI_processed == 0 || (GetCol(1, &isnull), isnull))
		return 0;
	version = DatumGetInt32(GetCol(1, &isnull));
	if (best)
	{
		d = GetCol(2, &isnull);
		*score = isnull ? get_float8_nan() : DatumGetFloat8(d);
		d = GetCol(3, &isnull);
		*metric = isnull ? pstrdup("score") : TextDatumGetCString(d);
	}
	return version;
}

/*
 * A model's deployment history, oldest first: each row's version and
 * whether it was a rollback.  Returns the count; the arrays are palloc'd.
 */
uint64
MlopsDeploymentHistory(int64 model_id, int32 **versions, bool **rollbacks)
{
	Datum		args[1];
	uint64		i;

	args[0] = Int64GetDatum(model_id);
	Exec(STMT_HISTORY, args, NULL, false, 0);
	*versions = palloc(sizeof(int32) * (SPI_processed + 1));
	*rollbacks = palloc(sizeof(bool) * (SPI_processed + 1));
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		char	   *reason;

		CHECK_FOR_INTERRUPTS();
		(*versions)[i] = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
													 SPI_tuptable->tupdesc, 1,
													 &isnull));
		reason = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[i],
												   SPI_tuptable->tupdesc, 2,
												   &isnull));
		(*rollbacks)[i] = strcmp(reason, "rollback") == 0;
	}
	return SPI_processed;
}

/* Delete a model; its versions, history and grants go by cascade. */
void
MlopsDeleteModel(int64 model_id)
{
	Datum		args[1];

	args[0] = Int64GetDatum(model_id);
	Exec(STMT_DROP_MODEL, args, NULL, false, 0);
}

/* Set a model's description (a text Datum), or clear it (isnull). */
void
MlopsSetDescription(int64 model_id, Datum description, bool isnull)
{
	Datum		args[2];
	char		nulls[2] = {' ', ' '};

	args[0] = Int64GetDatum(model_id);
	args[1] = isnull ? (Datum) 0 : description;
	if (isnull)
		nulls[1] = 'n';
	Exec(STMT_DESCRIBE, args, nulls, false, 0);
}
