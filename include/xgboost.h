/*-------------------------------------------------------------------------
 *
 * xgboost.h
 *	  XGBoost's C API as the tree families use it (xgboost.c): handles
 *	  owned by the memory context current when they were made.
 *
 * IDENTIFICATION
 *	  include/xgboost.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_XGBOOST_H
#define MLOPS_XGBOOST_H

/* the GUC mlops.xgboost_threads: XGBoost's nthread */
extern int	mlops_xgboost_threads;

typedef struct XgbOwned XgbMatrix;
typedef struct XgbOwned XgbBooster;

extern void XgbCheck(int rc, const char *what);
extern XgbMatrix *XgbMatrixCreate(const float *data, int64 nrow, int ncol,
								  const float *label);
extern XgbBooster *XgbBoosterCreate(XgbMatrix *train);
extern void XgbSetParam(XgbBooster *b, const char *name, const char *value);
extern void XgbUpdate(XgbBooster *b, int iter, XgbMatrix *train);
extern double XgbEval(XgbBooster *b, int iter, XgbMatrix *m, const char *name);
extern XgbBooster *XgbSlice(XgbBooster *b, int rounds);
extern float *XgbTrainingMargins(XgbBooster *b, XgbMatrix *m, int64 nvalues);
extern char *XgbModelJson(XgbBooster *b, Size *len);
extern void XgbFree(struct XgbOwned *handle);

#endif							/* MLOPS_XGBOOST_H */
