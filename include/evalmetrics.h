/*-------------------------------------------------------------------------
 *
 * evalmetrics.h
 *	  Evaluation metrics (regression, classification, ROC, silhouette)
 *	  computed as scikit-learn 1.2 computes them, from states that
 *	  aggregates accumulate and combine.
 *
 * Nothing here touches fmgr, SPI or elog: functions that can fail return
 * an error string (NULL on success) and the caller picks the SQLSTATE.
 * Inputs must be finite; the functions check and say so rather than
 * assume it.  Memory comes from palloc in CurrentMemoryContext.
 *
 * IDENTIFICATION
 *	  include/evalmetrics.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_EVALMETRICS_H
#define MLOPS_EVALMETRICS_H

#include "mlops.h"

/* A double-double: value = hi + lo, |lo| <= ulp(hi) / 2. */
typedef struct MlopsEvalDD
{
	double		hi;
	double		lo;
} MlopsEvalDD;

/*
 * Regression: count, mean and M2 of y and of the residual r = y - yhat
 * (Welford per row, Chan's formula to merge), and the sums of r^2 and
 * |r|, all in double-double.  Plain fields, so a state serialises as
 * int64 + 12 float8.
 */
typedef struct MlopsEvalRegState
{
	int64		n;
	MlopsEvalDD mean_y;
	MlopsEvalDD m2_y;
	MlopsEvalDD mean_r;
	MlopsEvalDD m2_r;
	MlopsEvalDD sse;
	MlopsEvalDD sae;
} MlopsEvalRegState;

typedef struct MlopsEvalRegResult
{
	int64		n;
	double		r2;				/* NaN when n < 2, as sklearn */
	double		rmse;
	double		mae;
	double		explained_variance;
} MlopsEvalRegResult;

extern void MlopsEvalRegInit(MlopsEvalRegState *st);
extern const char *MlopsEvalRegAccum(MlopsEvalRegState *st,
									 double y, double yhat);
extern const char *MlopsEvalRegAccumBlock(MlopsEvalRegState *st,
										  const double *y,
										  const double *yhat, int64 n);
extern void MlopsEvalRegMerge(MlopsEvalRegState *dst,
							  const MlopsEvalRegState *src);
extern const char *MlopsEvalRegFinish(const MlopsEvalRegState *st,
									  MlopsEvalRegResult *res);

/*
 * Classification over classes 0 .. nclasses-1: the confusion matrix
 * (counts[actual * nclasses + predicted]) and the sum of per-row log-loss
 * terms (MlopsEvalLogLossTerm).  Allocate with MlopsEvalClassCreate; the
 * struct is flat, MlopsEvalClassSize(k) bytes, so it can be copied into
 * a varlena as is.
 */
typedef struct MlopsEvalClassState
{
	int32		nclasses;
	int64		n;				/* rows in the matrix */
	int64		n_logloss;		/* rows that added a log-loss term */
	MlopsEvalDD logloss;
	int64		counts[FLEXIBLE_ARRAY_MEMBER];
} MlopsEvalClassState;

#define MlopsEvalClassSize(k) \
	(offsetof(MlopsEvalClassState, counts) + \
	 sizeof(int64) * (Size) (k) * (Size) (k))

typedef struct MlopsEvalClassResult
{
	int32		nclasses;
	int64		n;
	double		accuracy;
	double		balanced_accuracy;
	double		precision_macro;
	double		recall_macro;
	double		f1_macro;
	double		precision_weighted;
	double		recall_weighted;
	double		f1_weighted;
	/* average='binary', pos_label = class 1; NaN unless nclasses == 2 */
	double		precision_binary;
	double		recall_binary;
	double		f1_binary;
	double		log_loss;		/* NaN unless every row added a term */
	double	   *precision;		/* per class, nclasses each */
	double	   *recall;
	double	   *f1;
	int64	   *support;		/* rows whose actual class it is */
} MlopsEvalClassResult;

/* NULL unless 2 <= nclasses <= MLOPS_MAX_CLASSES */
extern MlopsEvalClassState *MlopsEvalClassCreate(int32 nclasses);
extern const char *MlopsEvalClassAccum(MlopsEvalClassState *st,
									   int32 actual, int32 predicted);
extern const char *MlopsEvalLogLossTerm(const double *prob, int32 nprob,
										int32 actual, double *term);
extern void MlopsEvalClassAddLogLoss(MlopsEvalClassState *st, double term);
extern const char *MlopsEvalClassMerge(MlopsEvalClassState *dst,
									   const MlopsEvalClassState *src);
extern const char *MlopsEvalClassFinish(const MlopsEvalClassState *st,
										MlopsEvalClassResult *res);

/*
 * ROC.  Scores and labels as the caller collected them; MlopsEvalScores
 * is a growable collection with a merge (concatenation) for aggregates.
 * Binary labels are 0 or 1 (1 is the positive class).
 */
typedef struct MlopsEvalScored
{
	double		score;
	int32		label;
} MlopsEvalScored;

typedef struct MlopsEvalRocPoint
{
	double		threshold;
	double		fpr;
	double		tpr;
} MlopsEvalRocPoint;

typedef struct MlopsEvalScores
{
	int64		n;
	int64		capacity;
	int32		nscores;		/* 1 (binary) or nclasses (one-vs-rest) */
	double	   *score;			/* n * nscores, row-major */
	int32	   *label;
} MlopsEvalScores;

extern void MlopsEvalSortScored(MlopsEvalScored *items, int64 n);
extern const char *MlopsEvalRocAuc(const double *score, const int32 *label,
								   int64 n, double *auc);
extern const char *MlopsEvalRocAucOvr(const double *score,
									  const int32 *label, int64 n,
									  int32 nclasses, double *auc);
extern const char *MlopsEvalRocCurve(const double *score, const int32 *label,
									 int64 n, MlopsEvalRocPoint **points,
									 int64 *npoints);

extern void MlopsEvalScoresInit(MlopsEvalScores *s, int32 nscores);
extern const char *MlopsEvalScoresAdd(MlopsEvalScores *s,
									  const double *score, int32 label);
extern const char *MlopsEvalScoresMerge(MlopsEvalScores *dst,
										const MlopsEvalScores *src);

/* Silhouette (Euclidean): n points row-major n * dim, labels 0 .. nlabels-1 */
extern const char *MlopsEvalSilhouette(const double *x, int64 n, int32 dim,
									   const int32 *label, int32 nlabels,
									   double *score);

#endif							/* MLOPS_EVALMETRICS_H */
