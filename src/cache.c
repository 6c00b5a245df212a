/*-------------------------------------------------------------------------
 *
 * cache.c
 *	  Per-backend cache of decoded model versions.
 *
 * Versions are immutable, so a decoded version never goes stale and needs
 * no invalidation.  The key is (model id, version, xmin of the version
 * row): a version written by a transaction that rolled back and written
 * again later has the same id and number but another xmin, so it can
 * never be served from the cache by mistake.
 *
 * The cache holds at most mlops.model_cache_size entries; when full, the
 * least recently used entry goes.  A caller's memory context pins the
 * model it gets until that context is reset or deleted (a reset
 * callback), and an evicted model that is still pinned is freed when the
 * last pin goes: an eviction never pulls a model from under a running
 * statement, and no model is copied.
 *
 * IDENTIFICATION
 *	  src/cache.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "algorithm.h"
#include "artifact.h"
#include "cache.h"

typedef struct CacheKey
{
	int64		model_id;
	int32		version;
	TransactionId xmin;
} CacheKey;

/* A decoded model and its memory; outlives its hash entry while pinned. */
typedef struct CachedModel
{
	MemoryContext cxt;			/* holds the model and this struct */
	MlopsModel *model;
	int			pins;
	bool		evicted;
} CachedModel;

typedef struct CacheEntry
{
	CacheKey	key;
	CachedModel *cached;
	uint64		last_used;
} CacheEntry;

/* One caller context's pin on a model, released with that context. */
typedef struct ModelPin
{
	MemoryContextCallback cb;
	CachedModel *cached;
} ModelPin;

static HTAB *model_cache = NULL;
static uint64 use_clock = 0;

static void
Unpin(void *arg)
{
	CachedModel *cm = ((ModelPin *) arg)->cached;

	if (--cm->pins == 0 && cm->evicted)
		MemoryContextDelete(cm->cxt);
}

static void
EvictOldest(void)
{
	HASH_SEQ_STATUS seq;
	CacheEntry *e;
	CacheEntry *oldest = NULL;

	hash_seq_init(&seq, model_cache);
	while ((e = hash_seq_search(&seq)) != NULL)
		if (oldest == NULL || e->last_used < oldest->last_used)
			oldest = e;
	if (oldest != NULL)
	{
		CachedModel *cm = oldest->cached;

		hash_search(model_cache, &oldest->key, HASH_REMOVE, NULL);
		cm->evicted = true;
		if (cm->pins == 0)
			MemoryContextDelete(cm->cxt);
	}
}

/*
 * The decoded model of a resolved version, pinned until cxt is reset or
 * deleted; read-only.  Fetches and decodes the artifact on a miss.  A
 * corrupt artifact is an error naming the model and version.
 */
const MlopsModel *
MlopsGetModel(const MlopsVersionRef *ref, MemoryContext cxt)
{
	CacheKey	key;
	CacheEntry *e;
	ModelPin   *pin;
	bool		found;

	if (model_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(CacheKey);
		ctl.entrysize = sizeof(CacheEntry);
		model_cache = hash_create("mlops model cache", 64, &ctl,
								  HASH_ELEM | HASH_BLOBS);
	}
	memset(&key, 0, sizeof(key));
	key.model_id = ref->model_id;
	key.version = ref->version;
	key.xmin = ref->xmin;

	e = hash_search(model_cache, &key, HASH_FIND, NULL);
	if (e == NULL)
	{
		bytea	   *art;
		MemoryContext ecxt;
		MlopsModel *m;
		const char *error;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		art = MlopsFetchArtifact(ref);

		ecxt = AllocSetContextCreate(TopMemoryContext, "mlops cached model",
									 ALLOCSET_SMALL_SIZES);
		PG_TRY();
		{
			MemoryContext old = MemoryContextSwitchTo(ecxt);

			m = MlopsArtifactDecode(VARDATA_ANY(art), VARSIZE_ANY_EXHDR(art),
									&error);
			MemoryContextSwitchTo(old);
		}
		PG_CATCH();
		{
			MemoryContextDelete(ecxt);
			PG_RE_THROW();
		}
		PG_END_TRY();
		SPI_finish();
		if (m == NULL)
		{
			MemoryContextDelete(ecxt);
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("stored model \"%s\" version %d is corrupt",
							ref->name, ref->version),
					 errdetail("The artifact failed validation: %s.", error)));
		}
		while (hash_get_num_entries(model_cache) >= Max(mlops_model_cache_size, 1))
			EvictOldest();
		e = hash_search(model_cache, &key, HASH_ENTER, &found);
		e->cached = MemoryContextAllocZero(ecxt, sizeof(CachedModel));
		e->cached->cxt = ecxt;
		e->cached->model = m;
	}
	e->last_used = ++use_clock;
	pin = MemoryContextAlloc(cxt, sizeof(ModelPin));
	pin->cached = e->cached;
	pin->cb.func = Unpin;
	pin->cb.arg = pin;
	MemoryContextRegisterResetCallback(cxt, &pin->cb);
	e->cached->pins++;
	return e->cached->model;
}
