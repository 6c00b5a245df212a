/*-------------------------------------------------------------------------
 *
 * algo_linear.h
 *	  Linear regression (ordinary least squares and ridge) on a combinable
 *	  R-factor state.
 *
 * IDENTIFICATION
 *	  include/algo_linear.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_ALGO_LINEAR_H
#define MLOPS_ALGO_LINEAR_H

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "mlops.h"

/*
 * The aggregate state (SQL type mlops.linear_state): the upper triangle R
 * of the QR factorisation of [1 | X | y] over the rows seen so far, plus a
 * buffer of rows not yet folded in.  Updated in place by the transition
 * function; a plain varlena, so it crosses process and node boundaries.
 */
typedef struct LinearState
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint32		magic;
	uint16		format;
	uint16		flags;			/* LINEAR_FIT_INTERCEPT */
	int32		nfeat;			/* features; -1 until the first row */
	int32		ncol;			/* nfeat + intercept + 1 (the target) */
	int32		bufcap;			/* rows the buffer holds */
	int32		nbuf;			/* rows in the buffer now */
	int64		nrows;			/* rows absorbed, buffered ones included */
	int64		nskipped;		/* rows skipped for a NULL */
	int64		nheld;			/* rows held out as the test set */
	double		data[FLEXIBLE_ARRAY_MEMBER];	/* R, then the buffer */
} LinearState;

#define LINEAR_STATE_MAGIC 0x4d4c4c53	/* "MLLS" */
#define LINEAR_STATE_FORMAT 1
#define LINEAR_FIT_INTERCEPT 0x0001

/* The family's part of a decoded model (MlopsModel.payload). */
typedef struct LinearModel
{
	bool		fit_intercept;
	double		intercept;		/* 0 when !fit_intercept */
	double	   *coef;			/* nfeat coefficients */
	double	   *std_error;		/* intercept first (if any), NaN if unknown */
	double		sigma;			/* residual standard error, NaN if unknown */
	int64		df_resid;		/* residual degrees of freedom */
} LinearModel;

/* Hyperparameters (MlopsAlgorithmRoutine.params). */
typedef struct LinearParams
{
	bool		fit_intercept;
	double		alpha;			/* ridge penalty; 0 for least squares */
} LinearParams;

extern const struct MlopsAlgorithmRoutine mlops_linear_routine;

struct MlopsTrainJob;
extern void MlopsLinearTrain(struct MlopsTrainJob *job);

/* algo_linear_train.c: the passes, for families built on the R factor */
extern LinearState *MlopsLinearStatePass(struct MlopsTrainJob *job,
										 bool fit_intercept);
extern void MlopsLinearPredictorMetrics(struct MlopsTrainJob *job,
										const double *coef, int nparams,
										bool fit_intercept, int64 nheld,
										int64 n, int64 nskipped, double rss,
										double tss, StringInfo m);

/* A solved model plus what training reports about it. */
typedef struct LinearFit
{
	int			nfeat;
	int			nparams;		/* nfeat + intercept */
	bool		fit_intercept;
	double		alpha;
	double	   *coef;			/* nparams, intercept first */
	double	   *coef_lo;		/* low parts after refinement (double-double) */
	double	   *R;				/* R factor of [1|X|y] without the penalty */
	int			ldr;
	double		rss;
	double		tss;
	double		rcond;
	int64		n;
	int64		nskipped;
	int64		nheld;
} LinearFit;

extern void MlopsLinearCheckMemory(int nfeat, bool fit_intercept);
extern LinearState *MlopsLinearStateFromDatum(Datum d);
extern void MlopsLinearSolve(const LinearState *st, double alpha,
							 const char *const *names, LinearFit *fit);
extern double MlopsLinearCorrect(LinearFit *fit, const double *g);
extern void MlopsLinearToModel(const LinearFit *fit, char **names,
							   MlopsModel *model);
extern double MlopsLinearRss(const LinearFit *fit);
extern const char *MlopsLinearTerm(const MlopsModel *model, int f);

/*
 * A finished state as another family reads it (MlopsLinearStateR): R of
 * [1 | X | y] over the training rows, ncol x ncol column-major (upper
 * triangle), or NULL when no row was fitted.
 */
typedef struct LinearStateR
{
	int			nfeat;			/* -1 until a row was seen */
	int			ncol;			/* nfeat + intercept + 1 */
	bool		fit_intercept;
	int64		nrows;
	int64		nskipped;
	int64		nheld;
	double	   *R;
} LinearStateR;

extern void MlopsLinearStateR(const LinearState *st, LinearStateR *out);

#endif							/* MLOPS_ALGO_LINEAR_H */
