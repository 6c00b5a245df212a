/*-------------------------------------------------------------------------
 *
 * pass.h
 *	  A training job as a family's train callback sees it, and running
 *	  one pass (one aggregate query) over the job's relation.
 *
 * IDENTIFICATION
 *	  include/pass.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_PASS_H
#define MLOPS_PASS_H

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "mlops.h"

/*
 * The comparison deploy => 'best' needs: on the new version's held-out
 * rows, the squared errors of the new version and of the deployed one
 * (another family, perhaps, reading other columns).  train.c prepares the
 * deployed version's arguments; the family's pass fills the totals.
 */
typedef struct CompareTotals
{
	bool		done;			/* the family's pass compared the two */
	double		n;
	double		skipped;		/* held-out rows the other version could not score */
	double		sse_candidate;
	double		sse_other;
	double		m2_y;
	/* or, compared by train.c through the evaluation pass, their scores */
	bool		by_score;
	const char *metric;			/* score_metric; lower is better for inertia */
	double		score_candidate;
	double		score_other;
} CompareTotals;

typedef struct MlopsCompare
{
	int32		version;		/* the deployed version */
	Datum		artifact;		/* bytea: its stored model */
	Datum		positions;		/* int4[]: its features among the row's values */
	char	   *extra_sql;		/* float8[] of the columns only it reads */
	CompareTotals totals;		/* filled by the family's pass */
} MlopsCompare;

typedef struct MlopsTrainJob
{
	/* what to train on, resolved and checked by train.c */
	const char *model;
	Oid			relid;
	const char *relname;		/* schema-qualified and quoted */
	const char *target;
	const char *target_sql;		/* the target as the passes receive it */
	Oid			target_type;
	int			nfeat;			/* features, as encoded */
	char	  **features;		/* their names */
	struct MlopsFeatureSpec *spec;	/* the columns, and how they encode */
	const char *row_sql;		/* how the passes receive a row */
	const char *row_dd_sql;		/* the same with exact numerics, or NULL */
	double		test_size;
	int64		seed;
	void	   *params;			/* the family's hyperparameters, parsed */
	MlopsLabelKind label_kind;	/* classifiers: the classes, in order; the */
	int			nclasses;		/* passes receive a row's class as its */
	char	  **classes;		/* 0-based index */
	MlopsCompare *compare;		/* the deployed version to compare, or NULL */
	/*
	 * While the classes stand unconfirmed (listed from a sample): an
	 * aggregate for the SELECT list of the family's first pass over every
	 * row, counting the rows whose label is not one of them (read it with
	 * MlopsClassesConfirmed); NULL once they are confirmed, or when they
	 * were listed from every row.
	 */
	const char *class_check_sql;

	/* what the family trained */
	bytea	   *artifact;
	Jsonb	   *metrics;
	int64		n_train;
	int64		n_test;
	bool		classes_incomplete; /* a row's label is not in classes: train again */
	/* the spec's sampled categories missed one, or could not be checked */
	bool		categories_incomplete;
} MlopsTrainJob;

extern char *MlopsPassSql(const MlopsTrainJob *job, const char *aggregate,
						  const char *params);
extern char *MlopsPassSqlSampled(const MlopsTrainJob *job, const char *aggregate,
								 const char *params, const char *sample,
								 const char *also_sql);
extern bool MlopsRowAsArgs(const MlopsTrainJob *job);
extern char *MlopsSampleClause(const MlopsTrainJob *job, double target_rows);
extern char *MlopsSampleClauseFor(Oid relid, int64 seed, double target_rows);
extern bool MlopsClassesConfirmed(MlopsTrainJob *job, Datum count, bool isnull);
extern Datum MlopsRunPass(const char *sql, int nargs, Oid *types,
						  Datum *values, bool *isnull);
extern void MlopsRunPassColumns(const char *sql, int nargs, Oid *types,
								Datum *values, int ncols, Datum *out,
								bool *isnull);
extern Datum MlopsTextArray(char **strs, int n, const char *last);
extern void MlopsJsonValue(StringInfo buf, double v);
extern void MlopsJsonNumber(StringInfo buf, const char *key, double v);
extern Jsonb *MlopsJsonbFromString(const char *s);
extern char *MlopsRelationToRead(Oid relid);
extern char *MlopsLabelTextSql(const char *target, Oid type, MlopsLabelKind kind);
extern char *MlopsClassIndexSql(const char *target, const char *label_sql,
								char **classes, int n, bool unseen_null);

/* evaluate.c */
extern Jsonb *MlopsEvaluateHeldOut(MlopsTrainJob *job, Jsonb *extra);
extern Jsonb *MlopsEvaluateOutputs(MlopsTrainJob *job, const MlopsModel *m, int64 n,
								   const double *y, const double *out, Jsonb *extra);
extern char *MlopsEvalCallSql(const MlopsTrainJob *job, int artifact_param);
extern Jsonb *MlopsEvalFinish(MlopsTrainJob *job, Datum metrics, bool isnull,
							  Jsonb *extra);

#endif							/* MLOPS_PASS_H */
