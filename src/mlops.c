/*-------------------------------------------------------------------------
 *
 * mlops.c
 *	  Module entry: PG_MODULE_MAGIC, _PG_init and the GUCs.
 *
 * IDENTIFICATION
 *	  src/mlops.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "mlops.h"

PG_MODULE_MAGIC;

/* decoded model versions kept per backend (cache.c) */
int			mlops_model_cache_size = 64;

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
	MarkGUCPrefixReserved("mlops");
}
