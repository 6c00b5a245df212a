/*-------------------------------------------------------------------------
 *
 * views.h
 *	  The readers behind the catalog views: mlops.visible_models() and
 *	  its siblings, one per base table, SQL-callable only.
 *
 * IDENTIFICATION
 *	  include/views.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_VIEWS_H
#define MLOPS_VIEWS_H

#include "fmgr.h"

extern Datum mlops_visible_models(PG_FUNCTION_ARGS);
extern Datum mlops_visible_versions(PG_FUNCTION_ARGS);
extern Datum mlops_visible_deployments(PG_FUNCTION_ARGS);
extern Datum mlops_visible_privileges(PG_FUNCTION_ARGS);
extern Datum mlops_visible_audit(PG_FUNCTION_ARGS);

#endif							/* MLOPS_VIEWS_H */
