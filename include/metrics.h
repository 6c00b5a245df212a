/*-------------------------------------------------------------------------
 *
 * metrics.h
 *	  Second training pass (test-set metrics and refinement, and the
 *	  comparison with the deployed version), and scoring every version of
 *	  a model on the same rows.
 *
 * IDENTIFICATION
 *	  include/metrics.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_METRICS_H
#define MLOPS_METRICS_H

#include "utils/array.h"

/* Totals read back from the _linear_eval_state aggregate. */
typedef struct EvalTotals
{
	int			nparams;
	double		n_refined;
	double		rss;			/* training rows, at the pass's coefficients */
	double	   *g;				/* X'r over training rows, nparams */
	double		n_test;
	double		sse;
	double		sae;
	double		mean_y;
	double		m2_y;
} EvalTotals;

/*
 * The comparison a _linear_compare_state adds: on the candidate's
 * held-out rows that the other (deployed) version can score, both
 * versions' sums of squared errors.
 */
typedef struct CompareTotals
{
	double		n;
	double		skipped;		/* held-out rows the other version could not score */
	double		sse_candidate;
	double		sse_other;
	double		m2_y;
} CompareTotals;

/*
 * Two versions whose SSE on the same rows differ by less than this
 * fraction of the target's sum of squares (their r2 by less than it) are
 * tied: below it the difference is rounding, as on an exact fit.
 */
#define MLOPS_R2_TIE 1e-12

/* Most versions one _linear_score_state pass scores. */
#define MLOPS_MAX_SCORED_VERSIONS 1000

/* Totals of a _linear_score_state: nv versions on the same rows. */
typedef struct ScoreTotals
{
	int			nv;
	double		n;
	double		skipped;
	double		m2_y;
	double	   *sse;			/* nv */
} ScoreTotals;

extern void MlopsEvalTotals(ArrayType *state, int nparams, EvalTotals *out);
extern void MlopsCompareTotals(ArrayType *state, int nparams, EvalTotals *out,
							   CompareTotals *cmp);
extern void MlopsScoreTotals(ArrayType *state, int nv, ScoreTotals *out);

#endif							/* MLOPS_METRICS_H */
