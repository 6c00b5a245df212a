/*-------------------------------------------------------------------------
 *
 * resolve.h
 *	  Resolving a model reference to one version for scoring.
 *
 * IDENTIFICATION
 *	  include/resolve.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_RESOLVE_H
#define MLOPS_RESOLVE_H

#include "catalog.h"

extern void MlopsResolveModel(text *ref, MlopsVersionRef *out);

#endif							/* MLOPS_RESOLVE_H */
