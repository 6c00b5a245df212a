/*-------------------------------------------------------------------------
 *
 * algo_elastic_net.h
 *	  The elastic net (scikit-learn's ElasticNet; the lasso at l1_ratio 1),
 *	  fitted by coordinate descent on the Gram matrix of linear's R factor.
 *
 * IDENTIFICATION
 *	  include/algo_elastic_net.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_ALGO_ELASTIC_NET_H
#define MLOPS_ALGO_ELASTIC_NET_H

#include "mlops.h"

/* The family's part of a decoded model (MlopsModel.payload). */
typedef struct ElasticNetModel
{
	bool		fit_intercept;
	double		intercept;		/* 0 when !fit_intercept */
	double	   *coef;			/* nfeat coefficients */
} ElasticNetModel;

/* Hyperparameters (MlopsAlgorithmRoutine.params). */
typedef struct ElasticNetParams
{
	double		alpha;			/* total penalty */
	double		l1_ratio;		/* its L1 share, in [0, 1] */
	bool		fit_intercept;
	int			max_iter;		/* coordinate descent sweeps */
	double		tol;
} ElasticNetParams;

extern const struct MlopsAlgorithmRoutine mlops_elastic_net_routine;

#endif							/* MLOPS_ALGO_ELASTIC_NET_H */
