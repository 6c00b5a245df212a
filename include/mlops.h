/*-------------------------------------------------------------------------
 *
 * mlops.h
 *	  Types and limits shared by every mlops module.
 *
 * IDENTIFICATION
 *	  include/mlops.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_H
#define MLOPS_H

/* A model never has more features than a table has columns. */
#define MLOPS_MAX_FEATURES 1600

/*
 * Up to this many features, training passes the row to its aggregates as
 * separate arguments (a function takes at most FUNC_MAX_ARGS = 100, and
 * the passes need the state, five options and the target besides);
 * beyond it, as an array.
 */
#define MLOPS_MAX_ARGS_FEATURES 90

/* Longest model name: names are identifiers, like relation names. */
#define MLOPS_MAX_NAME_LEN (NAMEDATALEN - 1)

/* Algorithm identifiers, stored in artifacts: never renumber. */
typedef enum MlopsAlgorithm
{
	MLOPS_ALGO_LINEAR = 1
} MlopsAlgorithm;

/*
 * A decoded model, as scoring and mlops.coefficients see it.  Lives in one
 * memory context (the cache's), so freeing that context frees it.
 */
typedef struct MlopsModel
{
	MlopsAlgorithm algorithm;
	int			nfeat;
	char	  **feature_names;	/* nfeat names, in feature order */
	bool		fit_intercept;
	double		intercept;		/* 0 when !fit_intercept */
	double	   *coef;			/* nfeat coefficients */
	double	   *std_error;		/* intercept first (if any), NaN if unknown */
	double		sigma;			/* residual standard error, NaN if unknown */
	int64		df_resid;		/* residual degrees of freedom */
} MlopsModel;

/* predict.c */
extern double MlopsModelPredict(const MlopsModel *model, const double *x);

/* mlops.c */
extern int	mlops_model_cache_size;

#endif							/* MLOPS_H */
