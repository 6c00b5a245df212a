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

#include "pass_state.h"			/* backend only */

/*
 * The aggregate state (an mlops.pass_state of pass LINEAR_PASS_QR): the
 * upper triangle R of the QR factorisation of [1 | X | y] over the rows
 * seen so far, column-major ncol x ncol, then a buffer of rows not yet
 * folded in, column-major bufcap x ncol, nbuf of them in use.  Updated
 * in place by the transition function.
 */
#define LINEAR_PASS_QR 1
/* ... or (algo_linear_gram.c) the Gram matrix of the shifted rows */
#define LINEAR_PASS_GRAM 2
#define LINEAR_FIT_INTERCEPT 0x0001

#define LINEAR_NCOL(st)		((st)->dims[0])	/* nfeat + intercept + 1 (the target) */
#define LINEAR_BUFCAP(st)	((st)->dims[1])	/* rows the buffer holds */
#define LINEAR_NBUF(st)		((st)->dims[2])	/* rows in the buffer now */

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
extern struct MlopsPassState *MlopsLinearStatePass(struct MlopsTrainJob *job,
												   bool fit_intercept,
												   bool full_rank,
												   double *gram_cond);
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
extern struct MlopsPassState *MlopsLinearStateFromDatum(Datum d);
extern void MlopsLinearSolve(const struct MlopsPassState *st, double alpha,
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

extern void MlopsLinearStateR(const struct MlopsPassState *st, LinearStateR *out);

/* algo_linear_gram.c */
struct MlopsOneHotLayout;
extern const char *MlopsLinearGramProblem(const struct MlopsPassState *st);
extern struct MlopsPassState *MlopsLinearGramSized(struct MlopsPassState *st,
												   int nfeat,
												   const struct MlopsOneHotLayout *l);
extern void MlopsLinearGramAbsorb(struct MlopsPassState *st, const double *x,
								  double y, const struct MlopsOneHotLayout *l);
extern void MlopsLinearGramCompact(struct MlopsPassState *st);
extern void MlopsLinearGramCountUnseen(struct MlopsPassState *st,
									   const struct MlopsOneHotLayout *l);
extern double MlopsLinearGramUnseen(const struct MlopsPassState *st);
extern void MlopsLinearGramMerge(struct MlopsPassState *a,
								 const struct MlopsPassState *b);
extern double *MlopsLinearGramR(const struct MlopsPassState *st, double *cond);

#endif							/* MLOPS_ALGO_LINEAR_H */
