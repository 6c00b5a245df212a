/*-------------------------------------------------------------------------
 *
 * registry.h
 *	  Deploying, rolling back, dropping and describing models; SQL-callable
 *	  only.
 *
 * IDENTIFICATION
 *	  include/registry.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_REGISTRY_H
#define MLOPS_REGISTRY_H

#include "fmgr.h"

extern Datum mlops_deploy_version(PG_FUNCTION_ARGS);
extern Datum mlops_deploy_strategy(PG_FUNCTION_ARGS);
extern Datum mlops_rollback(PG_FUNCTION_ARGS);
extern Datum mlops_drop_model(PG_FUNCTION_ARGS);
extern Datum mlops_describe(PG_FUNCTION_ARGS);

#endif							/* MLOPS_REGISTRY_H */
