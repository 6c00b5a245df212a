/*-------------------------------------------------------------------------
 *
 * metrics.h
 *	  Scoring stored models of any family inside an aggregate, and scoring
 *	  every version of a model on the same rows.
 *
 * IDENTIFICATION
 *	  include/metrics.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_METRICS_H
#define MLOPS_METRICS_H

#include "fmgr.h"
#include "utils/array.h"

#include "mlops.h"

/*
 * Two versions whose SSE on the same rows differ by less than this
 * fraction of the target's sum of squares (their r2 by less than it) are
 * tied: below it the difference is rounding, as on an exact fit.
 */
#define MLOPS_R2_TIE 1e-12

/* Most versions one _score_state pass scores. */
#define MLOPS_MAX_SCORED_VERSIONS 1000

/* The models an aggregate received as artifacts, decoded once. */
typedef struct MlopsArgModels
{
	Datum		raw;			/* the argument they were decoded from */
	char	   *bytes;			/* its bytes, to recognise it when raw changes */
	Size		len;
	int			n;
	const MlopsModel **models;
	double	   *x;				/* scratch: the widest model's features */
	MemoryContext cxt;
} MlopsArgModels;

/* Totals of a _score_state: nv versions on the same rows. */
typedef struct ScoreTotals
{
	int			nv;
	double		n;
	double		skipped;
	double		m2_y;
	double	   *sse;			/* nv */
} ScoreTotals;

extern MlopsArgModels *MlopsArgModelsGet(FunctionCallInfo fcinfo, int argno,
										 bool is_array, const char *what,
										 MlopsArgModels **slot);
extern void MlopsScoreTotals(ArrayType *state, int nv, ScoreTotals *out);

#endif							/* MLOPS_METRICS_H */
