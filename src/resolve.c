/*-------------------------------------------------------------------------
 *
 * resolve.c
 *	  Resolving a model reference ('churn', 'churn@3') to one version for
 *	  scoring: the lookup, the predict privilege check and the backend's
 *	  cache of resolutions.
 *
 * Above acl.c and catalog.c, below everything that scores (predict.c,
 * the families' SQL functions such as mlops.coefficients).  Versions and
 * deployments are looked up under the statement's snapshot (catalog.c,
 * as the catalog owner), privileges under the latest one (acl.c), so a
 * deploy is seen by the next statement and a revoke too.
 *
 * Caching (see the comment above ResolvedEntry): entries are keyed on
 * the snapshot they were resolved under, so they need no invalidation: a
 * statement whose snapshot differs in any way simply misses.  The cache
 * is bounded (RESOLVE_CACHE_MAX) and rebuilt empty when full.
 *
 * IDENTIFICATION
 *	  src/resolve.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "acl.h"
#include "catalog.h"
#include "mlops.h"
#include "resolve.h"
#include "sqlexec.h"

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
	else if (MlopsLookUpVersion(name, version, out) == 0)
	{
		/* the same work as for a model the caller cannot see */
		MlopsAclModelMask(0, GetUserId());
		MlopsAclNoSuchModel(name);
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
