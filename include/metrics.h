/*-------------------------------------------------------------------------
 *
 * metrics.h
 *	  Second training pass (test-set metrics and refinement) and the
 *	  metrics document stored with each version.
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

extern void MlopsEvalTotals(ArrayType *state, int nparams, EvalTotals *out);

#endif							/* MLOPS_METRICS_H */
