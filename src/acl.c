/*-------------------------------------------------------------------------
 *
 * acl.c
 *	  Model privileges: the checks, the privilege-checked lock on a model
 *	  (MlopsLockModel), mlops.grant, mlops.revoke and their audit rows.
 *
 * Threat model.  The attacker is a LOGIN role in the same database: it
 * can create temporary objects and aggregates of its own, read EXPLAIN
 * output and planner statistics, hold transactions open, and be renamed,
 * dropped or dumped and restored elsewhere.  Every family and every new
 * function keeps these rules:
 *	 - no internal function (a '_' name: transition, combine, final, eval)
 *	   is executable by PUBLIC; aggregates call them with their owner's
 *	   rights (the internal aggregates themselves stay executable, since
 *	   mlops.train runs them as the caller to read the data as the caller);
 *	 - every C entry point validates every argument it reads as if the
 *	   attacker called it directly, through an aggregate of its own making
 *	   (dimensions, counts, lengths, element types, NULLs, state headers);
 *	 - privileges are looked up under the latest snapshot, so a revoke or
 *	   drop takes effect at the next statement in every isolation level;
 *	   versions and deployments are resolved under the statement's;
 *	 - users never query the base catalog tables: the views read through
 *	   the filtering functions of views.c, so no qual, index condition,
 *	   EXPLAIN count or planner statistic reaches a hidden row;
 *	 - roles are stored as mlops.role_ref (roles.c): by OID inside the
 *	   cluster, by name in dumps;
 *	 - deploying, by any path (train's deploy argument too), needs the
 *	   deploy privilege, decided before any data is read.
 *
 * A role holds a privilege on a model when it is a superuser, has the
 * privileges of mlops_admin, has the privileges of the model's owner (the
 * role that created it), or has the privileges of a grantee of a row of
 * mlops.model_privilege for that privilege or for 'own' (or the row is
 * PUBLIC's).  "Has the privileges of" is has_privs_of_role, so membership
 * works as for GRANT, INHERIT included.  A grantee or owner whose role was
 * dropped, or that a restore could not bind to a role, gives nothing.
 * Creating a model takes membership in mlops_trainer (or mlops_admin, or
 * superuser).  A model the caller holds nothing on is reported exactly
 * like one that does not exist, and both paths do the same lookups.
 *
 * The privilege rows are read as the catalog's owner, under a fresh
 * catalog snapshot, and the answers are cached per backend until an
 * invalidation says they may have changed (see MaskCacheEntry).  Nothing
 * here trusts the caller's search_path: statements are schema-qualified
 * down to the operators.
 *
 * Every write to a model starts with MlopsLockModel: find the model
 * (catalog.c), check, take its row lock, check again.  The writes
 * themselves, and the audit rows (written as the owner, in the caller's
 * transaction), are catalog.c's.  This module is above sqlexec.c and
 * catalog.c and below everything that decides on models (registry.c,
 * train.c, resolve.c, views.c), and calls none of those.
 *
 * IDENTIFICATION
 *	  src/acl.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "acl.h"
#include "catalog.h"
#include "roles.h"
#include "sqlexec.h"

#define EQ " OPERATOR(pg_catalog.=) "

typedef enum AclStmt
{
	ACL_MODEL_GRANTS,
	ACL_MODEL_BY_NAME,
	ACL_PRIVILEGE_ROWS,
	ACL_GRANT,
	ACL_REVOKE,
	NUM_ACL_STMTS
} AclStmt;

static const MlopsStatement acl_defs[NUM_ACL_STMTS] =
{
	[ACL_MODEL_GRANTS] = {
		"SELECT m.owner, p.grantee, p.privilege FROM mlops.model m "
		"LEFT JOIN mlops.model_privilege p ON p.model_id" EQ "m.model_id "
		"WHERE m.model_id" EQ "$1",
		1, {INT8OID}
	},
	[ACL_MODEL_BY_NAME] = {
		"SELECT model_id, task FROM mlops.model WHERE name" EQ "$1",
		1, {TEXTOID}
	},
	[ACL_PRIVILEGE_ROWS] = {
		"SELECT ctid, grantee FROM mlops.model_privilege "
		"WHERE model_id" EQ "$1 AND privilege" EQ "$2",
		2, {INT8OID, TEXTOID}
	},
	[ACL_GRANT] = {
		"INSERT INTO mlops.model_privilege (model_id, grantee, privilege, "
		"granted_by) VALUES ($1, $2::mlops.role_ref, $3, $4::mlops.role_ref)",
		4, {INT8OID, TEXTOID, TEXTOID, TEXTOID}
	},
	[ACL_REVOKE] = {
		"DELETE FROM mlops.model_privilege WHERE ctid" EQ "$1",
		1, {TIDOID}
	},
};

static SPIPlanPtr acl_plans[NUM_ACL_STMTS];

static int	ReadModelMask(int64 model_id, Oid roleid);

/*
 * Run one of our statements as the catalog owner; SPI must be connected.
 * Reads see the latest committed privileges (MlopsRunStatementLatest).
 */
static void
ExecAsOwner(AclStmt s, Datum *values, const char *nulls, bool read_only)
{
	MlopsSavedUser saved;

	MlopsBecomeCatalogOwner(&saved);
	if (read_only)
		MlopsRunStatementLatest(&acl_defs[s], &acl_plans[s], values, nulls, 0);
	else
		MlopsRunStatement(&acl_defs[s], &acl_plans[s], values, nulls, false, 0);
	MlopsRestoreUser(&saved);
}

/*
 * The backend's cache of privilege masks, by (model, role).  An entry is
 * good until the next invalidation that could change it: grant, revoke,
 * creating or dropping a model (all send a relcache invalidation of
 * mlops.model_privilege, delivered at commit) and any change to roles or
 * memberships (syscache callbacks).  Callers process pending
 * invalidations at the start of each statement (MlopsAclNewStatement), so
 * a revoke is seen by the next statement in every isolation level.
 */
#define MASK_CACHE_MAX 8192

typedef struct MaskKey
{
	int64		model_id;
	Oid			roleid;
} MaskKey;

typedef struct MaskEntry
{
	MaskKey		key;
	int			mask;
} MaskEntry;

static HTAB *mask_cache = NULL;
static uint64 acl_generation = 1;
static uint64 mask_cache_generation = 0;
static Oid	privilege_relid = InvalidOid;

static void
AclRelcacheCallback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == privilege_relid)
	{
		acl_generation++;
		privilege_relid = InvalidOid;	/* the extension may be recreated */
	}
}

static void
AclSyscacheCallback(Datum arg, int cacheid, uint32 hashvalue)
{
	acl_generation++;
}

static Oid
PrivilegeRelid(void)
{
	static bool registered = false;

	if (!registered)
	{
		CacheRegisterRelcacheCallback(AclRelcacheCallback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHOID, AclSyscacheCallback, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, AclSyscacheCallback,
									  (Datum) 0);
		registered = true;
	}
	if (!OidIsValid(privilege_relid))
		privilege_relid = get_relname_relid("model_privilege",
											get_namespace_oid("mlops", false));
	return privilege_relid;
}

/* Tell every backend, at commit, that privileges on models changed. */
void
MlopsAclInvalidate(void)
{
	CacheInvalidateRelcacheByRelid(PrivilegeRelid());
}

/* Called once per statement before its privilege checks. */
void
MlopsAclNewStatement(void)
{
	AcceptInvalidationMessages();
}

static MaskEntry *
MaskCacheEntry(int64 model_id, Oid roleid, bool *found)
{
	MaskKey		key;

	(void) PrivilegeRelid();
	if (mask_cache != NULL &&
		(mask_cache_generation != acl_generation ||
		 hash_get_num_entries(mask_cache) >= MASK_CACHE_MAX))
	{
		hash_destroy(mask_cache);
		mask_cache = NULL;
	}
	if (mask_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(MaskKey);
		ctl.entrysize = sizeof(MaskEntry);
		ctl.hcxt = CacheMemoryContext;
		mask_cache = hash_create("mlops privilege masks", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		mask_cache_generation = acl_generation;
	}
	memset(&key, 0, sizeof(key));
	key.model_id = model_id;
	key.roleid = roleid;
	return hash_search(mask_cache, &key, HASH_FIND, found);
}

static int
PrivilegeBit(const char *priv)
{
	if (strcmp(priv, "predict") == 0)
		return MLOPS_PRIV_PREDICT;
	if (strcmp(priv, "train") == 0)
		return MLOPS_PRIV_TRAIN;
	if (strcmp(priv, "deploy") == 0)
		return MLOPS_PRIV_DEPLOY;
	if (strcmp(priv, "own") == 0)
		return MLOPS_PRIV_ALL;
	return 0;
}

static const char *
PrivilegeName(int priv)
{
	switch (priv)
	{
		case MLOPS_PRIV_PREDICT:
			return "predict";
		case MLOPS_PRIV_TRAIN:
			return "train";
		case MLOPS_PRIV_DEPLOY:
			return "deploy";
		default:
			return "own";
	}
}

/* Superusers and members of mlops_admin hold every privilege. */
bool
MlopsAclIsAdmin(Oid roleid)
{
	Oid			admin;

	if (superuser_arg(roleid))
		return true;
	admin = get_role_oid(MLOPS_ADMIN_ROLE, true);
	return OidIsValid(admin) && has_privs_of_role(roleid, admin);
}

/* Whether roleid may create models: mlops_trainer (or an admin). */
bool
MlopsAclMayCreate(Oid roleid)
{
	Oid			trainer;

	if (MlopsAclIsAdmin(roleid))
		return true;
	trainer = get_role_oid(MLOPS_TRAINER_ROLE, true);
	return OidIsValid(trainer) && has_privs_of_role(roleid, trainer);
}

/*
 * The privileges roleid holds on a model, as MLOPS_PRIV_* bits; 0 when it
 * holds none or the model does not exist (admins: every bit, unchecked).
 */
int
MlopsAclModelMask(int64 model_id, Oid roleid)
{
	MaskEntry  *e;
	bool		found;
	uint64		generation;
	int			mask;

	if (MlopsAclIsAdmin(roleid))
		return MLOPS_PRIV_ALL;
	e = MaskCacheEntry(model_id, roleid, &found);
	if (e != NULL)
		return e->mask;

	/*
	 * An invalidation processed while reading (SPI takes locks) means the
	 * answer may already be stale: use it for this check, don't keep it.
	 */
	generation = acl_generation;
	mask = ReadModelMask(model_id, roleid);
	if (generation == acl_generation)
	{
		e = MaskCacheEntry(model_id, roleid, &found);
		if (e == NULL)
		{
			MaskKey		key;

			memset(&key, 0, sizeof(key));
			key.model_id = model_id;
			key.roleid = roleid;
			e = hash_search(mask_cache, &key, HASH_ENTER, &found);
		}
		e->mask = mask;
	}
	return mask;
}

/*
 * A role column of an SPI result must be a role_ref; an install whose
 * catalog predates the library (0.1.0 has no upgrade path yet) would
 * otherwise hand an OID to the role_ref reader.
 */
static void
CheckRoleColumn(int col)
{
	if (TupleDescAttr(SPI_tuptable->tupdesc, col - 1)->attlen != -1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the mlops catalog does not match the installed library"),
				 errhint("Dump the models, then DROP EXTENSION mlops and CREATE EXTENSION mlops.")));
}

/* MlopsAclModelMask without the cache: reads the model's grants. */
static int
ReadModelMask(int64 model_id, Oid roleid)
{
	Datum		args[1];
	int			mask = 0;
	uint64		i;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = Int64GetDatum(model_id);
	ExecAsOwner(ACL_MODEL_GRANTS, args, NULL, true);
	CheckRoleColumn(1);
	CheckRoleColumn(2);
	for (i = 0; i < SPI_processed && mask != MLOPS_PRIV_ALL; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Oid			role;
		Datum		grantee;

		if (i == 0 &&
			MlopsRoleRefGrantee(MlopsRoleRefFromDatum(SPI_getbinval(tup, desc, 1, &isnull)),
								&role) == GRANTEE_ROLE &&
			has_privs_of_role(roleid, role))
		{
			mask = MLOPS_PRIV_ALL;
			break;
		}
		grantee = SPI_getbinval(tup, desc, 2, &isnull);
		if (isnull)
			continue;
		switch (MlopsRoleRefGrantee(MlopsRoleRefFromDatum(grantee), &role))
		{
			case GRANTEE_NONE:
				continue;
			case GRANTEE_ROLE:
				if (!has_privs_of_role(roleid, role))
					continue;
				break;
			case GRANTEE_PUBLIC:
				break;
		}
		mask |= PrivilegeBit(TextDatumGetCString(SPI_getbinval(tup, desc, 3,
															  &isnull)));
	}
	SPI_finish();
	return mask;
}

/*
 * Report a model that does not exist, or that the caller cannot see.  The
 * one ereport site for both: an error carries its source file, line and
 * function to every client (psql shows them as LOCATION), so two sites
 * would tell a hidden model from a missing one.
 */
void
MlopsAclNoSuchModel(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("model \"%s\" does not exist", name)));
}

/*
 * Require a privilege on a model that exists (the caller found it).  A
 * model the role holds no privilege on is reported exactly like one that
 * does not exist (42704); a missing privilege is 42501.
 */
int
MlopsAclCheck(int64 model_id, const char *name, int priv)
{
	int			mask = MlopsAclModelMask(model_id, GetUserId());

	if (mask == 0)
		MlopsAclNoSuchModel(name);
	if ((mask & priv) != priv)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for model \"%s\": %s privilege required",
						name, PrivilegeName(priv)),
				 errhint("A role that owns the model can grant it with mlops.grant().")));
	return mask;
}

/* Require the right to create a model. */
void
MlopsAclCheckCreate(const char *name)
{
	if (!MlopsAclMayCreate(GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to create model \"%s\"", name),
				 errdetail("Only members of role \"%s\" may create models.",
						   MLOPS_TRAINER_ROLE)));
}

/*
 * The check mlops.train makes before it reads any data: the train
 * privilege on an existing model, the right to create a new one.  Model
 * names are global, so a name taken by a model the caller cannot see is
 * refused with 42501 (as CREATE TABLE reports a taken name).  Returns the
 * caller's privileges on the model (all of them on a new model, which its
 * creator owns), so that train decides about deploying before training
 * and the outcome never reveals a comparison the caller may not make;
 * *task gets an existing model's task (NULL for a new one).  The checks
 * are made again once the model's row is locked.
 */
int
MlopsAclCheckTrain(const char *name, char **task)
{
	Datum		args[1];
	bool		found;
	bool		isnull;
	int64		model_id = 0;
	MemoryContext caller = CurrentMemoryContext;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = CStringGetTextDatum(name);
	ExecAsOwner(ACL_MODEL_BY_NAME, args, NULL, true);
	found = SPI_processed > 0;
	*task = NULL;
	if (found)
	{
		model_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, 1,
											   &isnull));
		*task = MemoryContextStrdup(caller, SPI_getvalue(SPI_tuptable->vals[0],
														 SPI_tuptable->tupdesc, 2));
	}
	SPI_finish();

	if (!found)
	{
		MlopsAclCheckCreate(name);
		return MLOPS_PRIV_ALL;
	}
	return MlopsAclCheckTrainOn(model_id, name);
}

/*
 * The train privilege on an existing model: 42501 even if it is invisible.
 * Returns the caller's privilege mask.
 */
int
MlopsAclCheckTrainOn(int64 model_id, const char *name)
{
	int			mask = MlopsAclModelMask(model_id, GetUserId());

	if (!(mask & MLOPS_PRIV_TRAIN))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for model \"%s\": train privilege required",
						name),
				 errhint("A role that owns the model can grant it with mlops.grant().")));
	return mask;
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
	int64		model_id;
	char	   *existing_task;
	bool		created = false;
	int			m;

	MlopsAclNewStatement();
	if (task != NULL)
	{
		created = MlopsCreateModel(name, task);
		if (created)
			MlopsAclInvalidate();
	}
	model_id = MlopsModelIdByName(name);
	if (model_id == 0)
	{
		/* the same work as for a model the caller cannot see */
		MlopsAclModelMask(0, GetUserId());
		MlopsAclNoSuchModel(name);
	}
	CheckLockPrivilege(model_id, name, task, created, priv);

	existing_task = MlopsLockModelRow(model_id);
	if (existing_task == NULL)
		MlopsAclNoSuchModel(name);
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
 * Parse a grantee: an exact role name, as has_table_privilege takes it.
 * Only the lower-case keyword public means PUBLIC (PostgreSQL reserves
 * that name); 'Public' is the role named Public, 42704 when none exists.
 */
static Oid
GranteeArg(FunctionCallInfo fcinfo, int n, char **name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("role must not be NULL")));
	*name = text_to_cstring(PG_GETARG_TEXT_PP(n));
	if (strcmp(*name, "public") == 0)
	{
		*name = "PUBLIC";
		return InvalidOid;
	}
	return get_role_oid(*name, false);
}

static int
PrivilegeArg(FunctionCallInfo fcinfo, int n, char **name)
{
	int			bit;

	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("privilege must not be NULL")));
	*name = text_to_cstring(PG_GETARG_TEXT_PP(n));
	bit = PrivilegeBit(*name);
	if (bit == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown model privilege \"%s\"", *name),
				 errhint("Privileges are predict, train, deploy and own.")));
	return bit;
}

static char *
GrantDetail(const char *priv, const char *grantee, bool changed)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"privilege\": ");
	escape_json(&buf, priv);
	appendStringInfoString(&buf, ", \"grantee\": ");
	escape_json(&buf, grantee);
	appendStringInfo(&buf, ", \"changed\": %s}", changed ? "true" : "false");
	return buf.data;
}

/*
 * Delete the model's rows for priv that name the grantee: its own (by
 * OID, or PUBLIC), and, when keep_live, only the unresolved ones that
 * carry its name (restored before the role existed).  Returns how many
 * live rows for the grantee remain or were deleted; SPI is connected.
 */
static int
DeleteGranteeRows(int64 model_id, Oid grantee, const char *name,
				  const char *priv, bool keep_live, int *deleted)
{
	Datum		args[2];
	uint64		n;
	uint64		i;
	ItemPointerData *ctids;
	int			live = 0;

	args[0] = Int64GetDatum(model_id);
	args[1] = CStringGetTextDatum(priv);
	ExecAsOwner(ACL_PRIVILEGE_ROWS, args, NULL, true);
	CheckRoleColumn(2);
	n = SPI_processed;
	ctids = palloc(sizeof(ItemPointerData) * (n + 1));
	*deleted = 0;
	for (i = 0; i < n; i++)
	{
		bool		isnull;
		RoleRef    *r = MlopsRoleRefFromDatum(SPI_getbinval(SPI_tuptable->vals[i],
															SPI_tuptable->tupdesc,
															2, &isnull));
		bool		own = OidIsValid(grantee) ?
			(r->kind == ROLEREF_ROLE && r->oid == grantee) :
			r->kind == ROLEREF_PUBLIC;
		bool		named = OidIsValid(grantee) &&
			r->kind == ROLEREF_UNRESOLVED && strcmp(r->name, name) == 0;

		if (own)
			live++;
		if (named || (own && !keep_live))
			ctids[(*deleted)++] = *(ItemPointer) DatumGetPointer(
				SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
							  1, &isnull));
	}
	for (i = 0; i < *deleted; i++)
	{
		args[0] = PointerGetDatum(&ctids[i]);
		ExecAsOwner(ACL_REVOKE, args, NULL, false);
	}
	return live;
}

/* Grant priv to a role (InvalidOid: PUBLIC); true when a row was added. */
static bool
GrantTo(int64 model_id, Oid grantee, const char *name, const char *priv)
{
	Datum		args[4];
	int			deleted;

	if (DeleteGranteeRows(model_id, grantee, name, priv, true, &deleted) > 0)
		return deleted > 0;
	args[0] = Int64GetDatum(model_id);
	args[1] = CStringGetTextDatum(MlopsRoleRefText(grantee));
	args[2] = CStringGetTextDatum(priv);
	args[3] = CStringGetTextDatum(MlopsRoleRefText(GetUserId()));
	ExecAsOwner(ACL_GRANT, args, NULL, false);
	return true;
}

/* Revoke priv from a role (InvalidOid: PUBLIC); true when rows went. */
static bool
RevokeFrom(int64 model_id, Oid grantee, const char *name, const char *priv)
{
	int			deleted;

	DeleteGranteeRows(model_id, grantee, name, priv, false, &deleted);
	return deleted > 0;
}

/* mlops.grant and mlops.revoke; the audit row says whether a row changed. */
static void
GrantOrRevoke(FunctionCallInfo fcinfo, bool is_grant)
{
	const char *what = is_grant ? "mlops.grant()" : "mlops.revoke()";
	char	   *model;
	char	   *priv;
	char	   *grantee_name;
	Oid			grantee;
	int64		model_id;
	bool		changed;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model name must not be NULL")));
	model = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MlopsCheckModelName(model);
	PrivilegeArg(fcinfo, 1, &priv);
	grantee = GranteeArg(fcinfo, 2, &grantee_name);
	PreventCommandIfReadOnly(what);
	PreventCommandIfParallelMode(what);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	model_id = MlopsLockModel(model, NULL, MLOPS_PRIV_OWN, NULL);

	changed = is_grant ? GrantTo(model_id, grantee, grantee_name, priv)
		: RevokeFrom(model_id, grantee, grantee_name, priv);
	if (changed)
		MlopsAclInvalidate();
	MlopsAudit(is_grant ? "grant" : "revoke", model_id, model,
			   GrantDetail(priv, grantee_name, changed));
	SPI_finish();
}

/* mlops.grant(model, privilege, role) */
PG_FUNCTION_INFO_V1(mlops_grant);
Datum
mlops_grant(PG_FUNCTION_ARGS)
{
	GrantOrRevoke(fcinfo, true);
	PG_RETURN_VOID();
}

/* mlops.revoke(model, privilege, role) */
PG_FUNCTION_INFO_V1(mlops_revoke);
Datum
mlops_revoke(PG_FUNCTION_ARGS)
{
	GrantOrRevoke(fcinfo, false);
	PG_RETURN_VOID();
}
