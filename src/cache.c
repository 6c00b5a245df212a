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
 * least recently used entry goes.  Callers get a copy in their own memory
 * context, so an eviction never pulls a model from under a running
 * statement.
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

#include "artifact.h"
#include "cache.h"

typedef struct CacheKey
{
	int64		model_id;
	int32		version;
	TransactionId xmin;
} CacheKey;

typedef struct CacheEntry
{
	CacheKey	key;
	MemoryContext cxt;
	MlopsModel *model;
	uint64		last_used;
} CacheEntry;

static HTAB *model_cache = NULL;
static uint64 use_clock = 0;

/* Deep copy of a model into cxt. */
MlopsModel *
MlopsCopyModel(const MlopsModel *m, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	MlopsModel *c = palloc(sizeof(MlopsModel));
	int			nparams = m->nfeat + (m->fit_intercept ? 1 : 0);
	int			i;

	*c = *m;
	c->coef = palloc(sizeof(double) * m->nfeat);
	memcpy(c->coef, m->coef, sizeof(double) * m->nfeat);
	c->std_error = palloc(sizeof(double) * nparams);
	memcpy(c->std_error, m->std_error, sizeof(double) * nparams);
	c->feature_names = palloc(sizeof(char *) * m->nfeat);
	for (i = 0; i < m->nfeat; i++)
		c->feature_names[i] = pstrdup(m->feature_names[i]);
	MemoryContextSwitchTo(old);
	return c;
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
		MemoryContextDelete(oldest->cxt);
		hash_search(model_cache, &oldest->key, HASH_REMOVE, NULL);
	}
}

/*
 * The decoded model of a resolved version, as a copy in cxt.  Fetches and
 * decodes the artifact on a miss.  A corrupt
 * artifact is an error naming the model and version.
 */
MlopsModel *
MlopsGetModel(const MlopsVersionRef *ref, MemoryContext cxt)
{
	CacheKey	key;
	CacheEntry *e;
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
		e->cxt = ecxt;
		e->model = m;
	}
	e->last_used = ++use_clock;
	return MlopsCopyModel(e->model, cxt);
}
