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
	/*
	 * A TABLESAMPLE clause to list the categories from, or NULL: the
	 * spec's are then unconfirmed (MlopsFeatureSpec.sampled) unless the
	 * sample could not stand for the relation (a column with more than
	 * max_categories, or too few), when they are listed from every row.
	 */
	const char *sample;
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
extern bool MlopsSpecEncodeSlotRow(const MlopsSpecEncoder *enc,
								   const Datum *values, const bool *isnull,
								   double *x);
extern bool MlopsSpecEncodeRowHot(const MlopsSpecEncoder *enc,
								  const NullableDatum *values, double *x,
								  int *hot);

extern const double *MlopsScoringArray(ArrayType *arr, int nfeat, double *missing);
extern void MlopsNumericToDoubleDouble(Datum num, double *hi, double *lo);
extern uint64 MlopsRowHash(const double *x, int nfeat, double y, int64 seed);
extern bool MlopsRowIsTest(const double *x, int nfeat, double y,
						   int64 seed, double test_size);
extern const double *MlopsTrainingRow(ArrayType *arr, int *nfeat);
extern const double *MlopsTrainingRowArgs(FunctionCallInfo fcinfo, int first,
										  int *nfeat, double *y);
/*
 * A feature spec's features split into the one-hot indicators of its
 * categorical columns and the rest (dense), each list ascending.
 */
typedef struct MlopsOneHotLayout
{
	int			nfeat;
	int			ndense;
	int		   *dense;
	int			dense_from;		/* dense[j] = dense_from + j for all j, or -1 */
	int			n_one_hot;
	int		   *one_hot;
	int		   *rank;			/* per feature: its index in one_hot, or -1 */
	int			ngroups;		/* categorical columns */
	/*
	 * Of the row last read: per categorical column the feature set, -1
	 * for none (the reference level), or MLOPS_HOT_UNSEEN for a value or
	 * a NULL that the spec does not list and cannot pool.
	 */
	int		   *hot;
} MlopsOneHotLayout;

#define MLOPS_HOT_UNSEEN (-2)

/* Are a row's dense features (l: which they are) and its target finite? */
static inline bool
MlopsDenseFinite(const double *x, const MlopsOneHotLayout *l, double y)
{
	double		zero = y * 0.0;	/* NaN unless finite */
	int			i;

	if (l->dense_from >= 0)
		for (i = 0; i < l->ndense; i++)
			zero += x[l->dense_from + i] * 0.0;
	else
		for (i = 0; i < l->ndense; i++)
			zero += x[l->dense[i]] * 0.0;
	return zero == 0;
}

/* Did the row last read hold a category its spec does not list? */
static inline bool
MlopsOneHotRowUnseen(const MlopsOneHotLayout *l)
{
	int			g;

	for (g = 0; g < l->ngroups; g++)
		if (l->hot[g] == MLOPS_HOT_UNSEEN)
			return true;
	return false;
}

extern const MlopsOneHotLayout *MlopsTrainingRowOneHot(FunctionCallInfo fcinfo);
extern const double *MlopsTrainingRowArgsIn(FunctionCallInfo fcinfo, int first,
											int *nfeat, double *y, void **cache);
extern void MlopsCheckFinite(const double *x, int nfeat, double y,
							 ArrayType *names, int64 ordinal, bool missing);
extern void MlopsCheckFloat32(const double *x, int nfeat, double y, ArrayType *names,
							  int64 ordinal);

#endif							/* MLOPS_PREPROCESS_H */
