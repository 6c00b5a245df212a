/*-------------------------------------------------------------------------
 *
 * preprocess.h
 *	  Training rows: array checks, finiteness, and the deterministic
 *	  train/test split.
 *
 * IDENTIFICATION
 *	  include/preprocess.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_PREPROCESS_H
#define MLOPS_PREPROCESS_H

#include "fmgr.h"
#include "utils/array.h"

extern const double *MlopsScoringArray(ArrayType *arr, int nfeat);
extern void MlopsNumericToDoubleDouble(Datum num, double *hi, double *lo);
extern uint64 MlopsRowHash(const double *x, int nfeat, double y, int64 seed);
extern bool MlopsRowIsTest(const double *x, int nfeat, double y,
						   int64 seed, double test_size);
extern const double *MlopsTrainingRow(ArrayType *arr, int *nfeat);
extern const double *MlopsTrainingRowArgs(FunctionCallInfo fcinfo, int first,
										  int *nfeat, double *y);
extern void MlopsCheckFinite(const double *x, int nfeat, double y,
							 ArrayType *names, int64 ordinal);

#endif							/* MLOPS_PREPROCESS_H */
