/*-------------------------------------------------------------------------
 *
 * cache.h
 *	  Per-backend cache of decoded model versions.
 *
 * IDENTIFICATION
 *	  include/cache.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_CACHE_H
#define MLOPS_CACHE_H

#include "catalog.h"
#include "mlops.h"

extern const MlopsModel *MlopsGetModel(const MlopsVersionRef *ref,
									   MemoryContext cxt);

#endif							/* MLOPS_CACHE_H */
