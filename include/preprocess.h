/*-------------------------------------------------------------------------
 *
 * preprocess.h
 *	  Training and scoring rows: the feature spec learned at training and
 *	  its application, array checks, finiteness, and the deterministic
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
#include "utils/jsonb.h"

#include "featurespec.h"

/* how a numeric column's values convert to double */
typedef enum MlopsConv
{
	MLOPS_CONV_FLOAT8,
	MLOPS_CONV_FLOAT4,
	MLOPS_CONV_INT2,
	MLOPS_CONV_INT4,
	MLOPS_CONV_INT8,
	MLOPS_CONV_NUMERIC,
	MLOPS_CONV_DATE,			/* epoch seconds of a date's midnight */
	MLOPS_CONV_TIMESTAMP		/* of a timestamp (as UTC) or timestamptz */
} MlopsConv;

/* What learning a spec needs: the relation, its columns, the options. */
typedef struct MlopsSpecRequest
{
	const char *relname;		/* schema-qualified and quoted */
	const char *target;			/* rows without one are not read; or NULL */
	int			ncolumns;
	char	  **columns;
	const Oid  *types;
	bool		drop_first;		/* treatment coding: a reference level */
	int			max_categories;
	bool		overflow_error; /* more categories: an error, not __other__ */
	const MlopsImpute *impute;	/* per column (numeric and boolean ones) */
	const uint32 *parts;		/* per column: 1 << MlopsDatePart, a time one's parts */
	double		impute_value;	/* for MLOPS_IMPUTE_CONSTANT */
	int			scale;			/* MLOPS_SCALE_*: of numeric, time and array columns */
} MlopsSpecRequest;

#define MLOPS_SCALE_NONE 0
#define MLOPS_SCALE_STANDARD 1		/* (x - mean) / population sd, as sklearn */
#define MLOPS_SCALE_MINMAX 2		/* (x - min) / (max - min), into [0, 1] */

typedef struct MlopsSpecEncoder MlopsSpecEncoder;

extern bool MlopsConvFor(Oid type, MlopsConv *conv);
extern double MlopsConvert(Datum d, MlopsConv conv);
extern bool MlopsColumnKindFor(Oid type, MlopsColumnKind *kind,
							   MlopsTypeFamily *family);
extern MlopsFeatureSpec *MlopsLearnSpec(const MlopsSpecRequest *req);
extern Jsonb *MlopsSpecJson(const MlopsFeatureSpec *spec);
extern char *MlopsSpecArgsSql(const MlopsFeatureSpec *spec, const char *target_sql);
extern const double *MlopsSpecScaleArray(const MlopsFeatureSpec *spec,
										 const double *x, double *out);
extern MlopsSpecEncoder *MlopsSpecEncoderCreate(const MlopsFeatureSpec *spec,
												const Oid *types,
												const char *model);
extern bool MlopsSpecEncodeRow(const MlopsSpecEncoder *enc,
							   const NullableDatum *values, double *x);

extern const double *MlopsScoringArray(ArrayType *arr, int nfeat);
extern void MlopsNumericToDoubleDouble(Datum num, double *hi, double *lo);
extern uint64 MlopsRowHash(const double *x, int nfeat, double y, int64 seed);
extern bool MlopsRowIsTest(const double *x, int nfeat, double y,
						   int64 seed, double test_size);
extern const double *MlopsTrainingRow(ArrayType *arr, int *nfeat);
extern const double *MlopsTrainingRowArgs(FunctionCallInfo fcinfo, int first,
										  int *nfeat, double *y);
extern const double *MlopsTrainingRowArgsIn(FunctionCallInfo fcinfo, int first,
											int *nfeat, double *y, void **cache);
extern void MlopsCheckFinite(const double *x, int nfeat, double y,
							 ArrayType *names, int64 ordinal);

#endif							/* MLOPS_PREPROCESS_H */
