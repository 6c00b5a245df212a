/*-------------------------------------------------------------------------
 *
 * evaluate.c
 *	  The evaluation pass, for every family: a stored model scored on a
 *	  relation's rows (all of them, or the held-out rows of a training
 *	  split), summed by task into the metrics of evalmetrics.c.
 *
 * mlops.evaluate, mlops.confusion_matrix and mlops.roc_curve read a
 * relation as the caller, with the version resolved as scoring does.
 *
 * mlops._eval_state(artifact, test_size, seed, target, features) is an
 * aggregate with an internal state: regression sums, or a confusion
 * matrix, the log-loss and each row's class scores (for the ROC AUC),
 * which a final function turns into the metrics document: the same keys
 * a version's stored metrics hold.  Its state never comes from SQL (an
 * internal value cannot be written there), but the serialized form does
 * cross from the parallel workers, and is checked when read back.
 *
 * IDENTIFICATION
 *	  src/evaluate.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "algorithm.h"
#include "cache.h"
#include "catalog.h"
#include "ddouble.h"
#include "evalmetrics.h"
#include "metrics.h"
#include "pass.h"
#include "preprocess.h"
#include "resolve.h"

/*
 * Rows clustering keeps for the silhouette: those of the smallest hashes
 * (MlopsRowHash, seed 0), so the sample is the same however the rows are
 * split among workers and merged.
 */
#define EVAL_SAMPLE 1000

typedef struct EvalState
{
	int32		task;			/* MlopsTask of the model */
	int32		nclasses;		/* classifiers */
	char	  **classes;		/* their labels, for per-class keys */
	int64		skipped;		/* rows with a NULL */
	MlopsEvalRegState reg;
	MlopsEvalClassState *cls;
	MlopsEvalScores scores;		/* each row's class scores, for the AUC */
	/* clustering */
	int32		nfeat;
	int64		n;
	double		inertia[2];		/* double-double */
	int32		nsample;
	double	   *dist;			/* scratch: the distances to every centre */
	uint64	   *hash;			/* EVAL_SAMPLE each */
	int32	   *cluster;
	double	   *sample;			/* EVAL_SAMPLE x nfeat */
} EvalState;

static EvalState *
NewEvalState(MemoryContext cxt, const MlopsModel *m)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	EvalState  *st = palloc0(sizeof(EvalState));
	int			i;

	st->task = m->algo->task;
	MlopsEvalRegInit(&st->reg);
	if (st->task == MLOPS_TASK_CLUSTERING)
	{
		st->nfeat = m->nfeat;
		st->dist = palloc(sizeof(double) * m->algo->outputs(m));
		st->hash = palloc(sizeof(uint64) * EVAL_SAMPLE);
		st->cluster = palloc(sizeof(int32) * EVAL_SAMPLE);
		st->sample = palloc(sizeof(double) * EVAL_SAMPLE * m->nfeat);
	}
	if (st->task == MLOPS_TASK_CLASSIFICATION)
	{
		st->nclasses = m->nclasses;
		st->classes = palloc(sizeof(char *) * m->nclasses);
		for (i = 0; i < m->nclasses; i++)
			st->classes[i] = pstrdup(m->classes[i]);
		st->cls = MlopsEvalClassCreate(m->nclasses);
		MlopsEvalScoresInit(&st->scores, m->nclasses == 2 ? 1 : m->nclasses);
	}
	MemoryContextSwitchTo(old);
	return st;
}

static void
Check(const char *problem)
{
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot evaluate: %s", problem)));
}

/* Keep a row in the silhouette sample when its hash is among the smallest. */
static void
SampleRow(EvalState *st, uint64 h, int32 cluster, const double *x)
{
	int			slot = st->nsample;
	int			i;

	if (slot == EVAL_SAMPLE)
	{
		slot = 0;
		for (i = 1; i < EVAL_SAMPLE; i++)
			if (st->hash[i] > st->hash[slot])
				slot = i;
		if (h >= st->hash[slot])
			return;
	}
	else
		st->nsample++;
	st->hash[slot] = h;
	st->cluster[slot] = cluster;
	memcpy(st->sample + (Size) slot * st->nfeat, x, sizeof(double) * st->nfeat);
}

/* A clustering model on one row: inertia, and the sample. */
static void
ClusterRow(EvalState *st, const MlopsModel *m, const double *x)
{
	int			c;

	m->algo->predict_vector(m, x, st->dist);
	c = (int) MlopsPredict(m, x);
	DDAdd(&st->inertia[0], &st->inertia[1], st->dist[c] * st->dist[c]);
	st->n++;
	SampleRow(st, MlopsRowHash(x, m->nfeat, 0, 0), c, x);
}

/*
 * _eval_state(artifact, test_size, seed, target, features [, split])
 * transition: with test_size > 0 only the rows the training split held
 * out count, decided from the row's features or, given split, from those
 * (the features of the version whose split it is).
 * A classifier's target is the row's class index; one it cannot be is an
 * error, as is a non-finite feature.
 */
/* What an evaluation call site keeps in fn_extra. */
typedef struct EvalCallSite
{
	MlopsArgModels *models;
	void	   *row;			/* MlopsTrainingRowArgsIn's */
} EvalCallSite;

static EvalCallSite *
EvalSite(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(EvalCallSite));
	return (EvalCallSite *) fcinfo->flinfo->fn_extra;
}

/*
 * The state of a transition call (argument 0, or a new one), its model
 * (argument 1, decoded once) and options, checked.
 */
static EvalState *
EvalBegin(FunctionCallInfo fcinfo, const MlopsModel **m, double *test_size,
		  int64 *seed)
{
	MemoryContext aggcxt;
	EvalState  *st;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("_eval_state called in non-aggregate context")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("_eval_state options must not be NULL")));
	*m = MlopsArgModelsGet(fcinfo, 1, false, "_eval_state",
						   &EvalSite(fcinfo)->models)->models[0];
	*test_size = PG_GETARG_FLOAT8(2);
	*seed = PG_GETARG_INT64(3);
	st = PG_ARGISNULL(0) ? NewEvalState(aggcxt, *m) :
		(EvalState *) PG_GETARG_POINTER(0);
	if (st->task != (*m)->algo->task || st->nclasses != (st->cls ? (*m)->nclasses : 0) ||
		(st->task == MLOPS_TASK_CLUSTERING && st->nfeat != (*m)->nfeat))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("_eval_state was given another model mid-pass")));
	if (st->task == MLOPS_TASK_DECOMPOSITION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("a %s model has no evaluation", (*m)->algo->name),
				 errhint("mlops.components gives its explained variance.")));
	return st;
}

/*
 * Add one row to the state: x (NULL: it holds a NULL, skipped) and y; if
 * test_size > 0 only a row the training split held out, decided from
 * split (another version's features) or else from x.
 */
/* A classifier's row: its class index y and its class probabilities. */
static void
ClassRow(EvalState *st, const MlopsModel *m, const double *prob, double y,
		 MemoryContext cxt)
{
	MemoryContext old;
	double		term;
	int			actual = (int) y;

	if (!(y >= 0 && y < m->nclasses && y == floor(y)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid class index %g for _eval_state", y)));
	Check(MlopsEvalClassAccum(st->cls, actual, MlopsArgmax(prob, m->nclasses)));
	Check(MlopsEvalLogLossTerm(prob, m->nclasses, actual, &term));
	MlopsEvalClassAddLogLoss(st->cls, term);
	old = MemoryContextSwitchTo(cxt);
	Check(MlopsEvalScoresAdd(&st->scores, m->nclasses == 2 ? prob + 1 : prob,
							 actual));
	MemoryContextSwitchTo(old);
}

static void
EvalRow(FunctionCallInfo fcinfo, EvalState *st, const MlopsModel *m,
		const double *x, int nfeat, double y, double test_size, int64 seed,
		const double *split, int nsplit)
{
	MemoryContext aggcxt;
	int			j;

	(void) AggCheckCallContext(fcinfo, &aggcxt);
	if (x == NULL)
	{
		st->skipped++;
		return;
	}
	if (nfeat != m->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("row has %d features, the model %d", nfeat, m->nfeat)));
	for (j = 0; j < nfeat; j++)
		if (!isfinite(x[j]) && !(isnan(x[j]) && m->algo->missing_values))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("column \"%s\" is %s", m->feature_names[j],
							isnan(x[j]) ? "NaN" : "infinite")));
	if (test_size > 0 &&
		!MlopsRowIsTest(split ? split : x, split ? nsplit : nfeat, y, seed, test_size))
		return;

	if (st->task == MLOPS_TASK_CLUSTERING)
	{
		ClusterRow(st, m, x);
		return;
	}
	if (st->cls == NULL)
	{
		Check(MlopsEvalRegAccum(&st->reg, y, MlopsPredict(m, x)));
		return;
	}
	{
		double		prob[MLOPS_MAX_CLASSES];

		m->algo->predict_vector(m, x, prob);
		ClassRow(st, m, prob, y, aggcxt);
	}
}

/*
 * _eval_state(artifact, test_size, seed, target, features [, split])
 * transition: with test_size > 0 only the rows the training split held
 * out count, decided from the row's features or, given split, from those
 * (the features of the version whose split it is).  A classifier's
 * target is the row's class index; one it cannot be is an error, as is a
 * non-finite feature.
 */
PG_FUNCTION_INFO_V1(mlops_eval_accum);
Datum
mlops_eval_accum(PG_FUNCTION_ARGS)
{
	const MlopsModel *m;
	double		test_size;
	int64		seed;
	EvalState  *st = EvalBegin(fcinfo, &m, &test_size, &seed);
	const double *x = NULL;
	const double *split = NULL;
	int			nfeat = 0;
	int			nsplit = 0;

	if ((!PG_ARGISNULL(4) || st->task == MLOPS_TASK_CLUSTERING) && !PG_ARGISNULL(5))
		x = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(5), &nfeat);
	if (x != NULL && test_size > 0 && PG_NARGS() > 6)
	{
		/* the split of another version's training: its features decide */
		if (PG_ARGISNULL(6) ||
			(split = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(6), &nsplit)) == NULL)
			PG_RETURN_POINTER(st);
	}
	EvalRow(fcinfo, st, m, x, nfeat, PG_ARGISNULL(4) ? 0 : PG_GETARG_FLOAT8(4),
			test_size, seed, split, nsplit);
	PG_RETURN_POINTER(st);
}

/*
 * _eval_state(artifact, test_size, seed, VARIADIC target, features...)
 * transition: the row as separate float8 values, the target first unless
 * the model clusters, which spares an array per row; or, after the
 * artifact's options, a feature spec, the target and the spec's columns
 * (MlopsTrainingRowArgs).
 */
PG_FUNCTION_INFO_V1(mlops_eval_accum_args);
Datum
mlops_eval_accum_args(PG_FUNCTION_ARGS)
{
	const MlopsModel *m;
	double		test_size;
	int64		seed;
	EvalState  *st = EvalBegin(fcinfo, &m, &test_size, &seed);
	EvalCallSite *site = EvalSite(fcinfo);
	bool		clusters = st->task == MLOPS_TASK_CLUSTERING;
	double		y = 0;
	int			n = 0;
	const double *x = MlopsTrainingRowArgsIn(fcinfo, 4, &n, clusters ? NULL : &y,
											 &site->row);

	if (n != m->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("row has %d features, the model %d", n, m->nfeat)));
	EvalRow(fcinfo, st, m, x, n, y, test_size, seed, NULL, 0);
	PG_RETURN_POINTER(st);
}

/*
 * mlops._held_out(test_size, seed, VARIADIC row) returns boolean: whether
 * the training split of a version with this test_size and seed holds the
 * row out, the row given as its training passes receive it (float8
 * target and features, or a feature spec, the target and the spec's
 * columns); NULL for a row training skips.  What deploy => 'best'
 * filters the rows with when the versions read typed columns.
 */
PG_FUNCTION_INFO_V1(mlops_held_out);
Datum
mlops_held_out(PG_FUNCTION_ARGS)
{
	double		test_size;
	double		y = 0;
	int			nfeat = 0;
	const double *x;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("_held_out options must not be NULL")));
	test_size = PG_GETARG_FLOAT8(0);
	if (!(test_size >= 0 && test_size < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("test_size must be at least 0 and less than 1, not %g", test_size)));
	x = MlopsTrainingRowArgs(fcinfo, 2, &nfeat, &y);
	if (x == NULL)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(test_size > 0 &&
				   MlopsRowIsTest(x, nfeat, y, PG_GETARG_INT64(1), test_size));
}

PGDLLEXPORT Datum mlops_eval_serialize(PG_FUNCTION_ARGS);
PGDLLEXPORT Datum mlops_eval_deserialize(PG_FUNCTION_ARGS);

/* Combine two evaluation states (of the same model); either may be NULL. */
PG_FUNCTION_INFO_V1(mlops_eval_combine);
Datum
mlops_eval_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MemoryContext old;
	EvalState  *a;
	EvalState  *b;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("_eval_state combine called in non-aggregate context")));
	a = PG_ARGISNULL(0) ? NULL : (EvalState *) PG_GETARG_POINTER(0);
	b = PG_ARGISNULL(1) ? NULL : (EvalState *) PG_GETARG_POINTER(1);
	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		/*
		 * b may not outlive this call: a worker's state, deserialized, is
		 * in the per-tuple context, which is reset before the next combine
		 * or the final function.  The result is a copy in the aggregate's
		 * context, made by the same serial round trip.
		 */
		Datum		copy = DirectFunctionCall1(mlops_eval_serialize,
											   PointerGetDatum(b));

		old = MemoryContextSwitchTo(aggcxt);
		a = (EvalState *) DatumGetPointer(DirectFunctionCall1(mlops_eval_deserialize,
															  copy));
		MemoryContextSwitchTo(old);
		PG_RETURN_POINTER(a);
	}
	if (a->task != b->task || a->nclasses != b->nclasses)
		elog(ERROR, "_eval_state combine of states of different models");
	a->skipped += b->skipped;
	MlopsEvalRegMerge(&a->reg, &b->reg);
	if (a->task == MLOPS_TASK_CLUSTERING)
	{
		int			i;

		if (a->nfeat != b->nfeat)
			elog(ERROR, "_eval_state combine of states of different models");
		a->n += b->n;
		DDMerge(a->inertia, b->inertia);
		for (i = 0; i < b->nsample; i++)
			SampleRow(a, b->hash[i], b->cluster[i], b->sample + (Size) i * b->nfeat);
	}
	if (a->cls != NULL)
	{
		Check(MlopsEvalClassMerge(a->cls, b->cls));
		old = MemoryContextSwitchTo(aggcxt);
		Check(MlopsEvalScoresMerge(&a->scores, &b->scores));
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_POINTER(a);
}

/*
 * Serialized: task, nclasses, skipped, the regression state's bytes, and
 * for classifiers the labels, the class state's bytes and the scores.
 */
PG_FUNCTION_INFO_V1(mlops_eval_serialize);
Datum
mlops_eval_serialize(PG_FUNCTION_ARGS)
{
	EvalState  *st = (EvalState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->task);
	pq_sendint32(&buf, st->nclasses);
	pq_sendint64(&buf, st->skipped);
	pq_sendbytes(&buf, (const char *) &st->reg, sizeof(st->reg));
	if (st->task == MLOPS_TASK_CLUSTERING)
	{
		pq_sendint32(&buf, st->nfeat);
		pq_sendint64(&buf, st->n);
		pq_sendfloat8(&buf, st->inertia[0]);
		pq_sendfloat8(&buf, st->inertia[1]);
		pq_sendint32(&buf, st->nsample);
		pq_sendbytes(&buf, (const char *) st->hash, sizeof(uint64) * st->nsample);
		pq_sendbytes(&buf, (const char *) st->cluster, sizeof(int32) * st->nsample);
		pq_sendbytes(&buf, (const char *) st->sample,
					 sizeof(double) * st->nsample * st->nfeat);
	}
	if (st->cls != NULL)
	{
		for (i = 0; i < st->nclasses; i++)
		{
			int			len = strlen(st->classes[i]);

			pq_sendint32(&buf, len);
			pq_sendbytes(&buf, st->classes[i], len);
		}
		pq_sendbytes(&buf, (const char *) st->cls, MlopsEvalClassSize(st->nclasses));
		pq_sendint64(&buf, st->scores.n);
		pq_sendbytes(&buf, (const char *) st->scores.score,
					 sizeof(double) * st->scores.n * st->scores.nscores);
		pq_sendbytes(&buf, (const char *) st->scores.label,
					 sizeof(int32) * st->scores.n);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read n bytes, refusing to read past the end. */
static const char *
GetBytes(StringInfo buf, Size n)
{
	if (n > (Size) (buf->len - buf->cursor))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid _eval_state serialization")));
	return pq_getmsgbytes(buf, (int) n);
}

PG_FUNCTION_INFO_V1(mlops_eval_deserialize);
Datum
mlops_eval_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	EvalState  *st = palloc0(sizeof(EvalState));
	int			i;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	st->task = (int32) pq_getmsgint(&buf, 4);
	st->nclasses = (int32) pq_getmsgint(&buf, 4);
	st->skipped = pq_getmsgint64(&buf);
	memcpy(&st->reg, GetBytes(&buf, sizeof(st->reg)), sizeof(st->reg));
	if (st->task == MLOPS_TASK_CLASSIFICATION)
	{
		int64		n;

		if (st->nclasses < 2 || st->nclasses > MLOPS_MAX_CLASSES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid _eval_state serialization")));
		st->classes = palloc(sizeof(char *) * st->nclasses);
		for (i = 0; i < st->nclasses; i++)
		{
			int			len = (int) pq_getmsgint(&buf, 4);

			if (len < 0 || len > MLOPS_MAX_LABEL_LEN)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("invalid _eval_state serialization")));
			st->classes[i] = pnstrdup(GetBytes(&buf, len), len);
		}
		st->cls = palloc(MlopsEvalClassSize(st->nclasses));
		memcpy(st->cls, GetBytes(&buf, MlopsEvalClassSize(st->nclasses)),
			   MlopsEvalClassSize(st->nclasses));
		if (st->cls->nclasses != st->nclasses)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid _eval_state serialization")));
		MlopsEvalScoresInit(&st->scores, st->nclasses == 2 ? 1 : st->nclasses);
		n = pq_getmsgint64(&buf);
		if (n < 0 || (Size) n > (Size) (buf.len - buf.cursor) / sizeof(int32))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid _eval_state serialization")));
		if (n > 0)
		{
			const double *score = (const double *)
				GetBytes(&buf, sizeof(double) * n * st->scores.nscores);
			const int32 *label = (const int32 *) GetBytes(&buf, sizeof(int32) * n);
			MlopsEvalScores in;

			in.n = in.capacity = n;
			in.nscores = st->scores.nscores;
			in.score = (double *) score;
			in.label = (int32 *) label;
			Check(MlopsEvalScoresMerge(&st->scores, &in));
		}
	}
	else if (st->task == MLOPS_TASK_CLUSTERING)
	{
		st->nfeat = (int32) pq_getmsgint(&buf, 4);
		st->n = pq_getmsgint64(&buf);
		st->inertia[0] = pq_getmsgfloat8(&buf);
		st->inertia[1] = pq_getmsgfloat8(&buf);
		st->nsample = (int32) pq_getmsgint(&buf, 4);
		if (st->nfeat < 1 || st->nfeat > MLOPS_MAX_FEATURES ||
			st->nsample < 0 || st->nsample > EVAL_SAMPLE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid _eval_state serialization")));
		st->hash = palloc(sizeof(uint64) * EVAL_SAMPLE);
		st->cluster = palloc(sizeof(int32) * EVAL_SAMPLE);
		st->sample = palloc(sizeof(double) * EVAL_SAMPLE * st->nfeat);
		memcpy(st->hash, GetBytes(&buf, sizeof(uint64) * st->nsample),
			   sizeof(uint64) * st->nsample);
		memcpy(st->cluster, GetBytes(&buf, sizeof(int32) * st->nsample),
			   sizeof(int32) * st->nsample);
		memcpy(st->sample, GetBytes(&buf, sizeof(double) * st->nsample * st->nfeat),
			   sizeof(double) * st->nsample * st->nfeat);
		for (i = 0; i < st->nsample; i++)
			if (st->cluster[i] < 0 || st->cluster[i] >= MLOPS_MAX_CLUSTERS)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("invalid _eval_state serialization")));
	}
	else if (st->task < MLOPS_TASK_REGRESSION || st->task > MLOPS_TASK_DECOMPOSITION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid _eval_state serialization")));
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(st);
}

static void
JsonPerClass(StringInfo buf, const char *key, const EvalState *st,
			 double macro, double weighted, const double *per_class)
{
	int			i;

	appendStringInfo(buf, ", \"%s\": {\"macro\": ", key);
	MlopsJsonValue(buf, macro);
	appendStringInfoString(buf, ", \"weighted\": ");
	MlopsJsonValue(buf, weighted);
	appendStringInfoString(buf, ", \"per_class\": {");
	for (i = 0; i < st->nclasses; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		escape_json(buf, st->classes[i]);
		appendStringInfoString(buf, ": ");
		MlopsJsonValue(buf, per_class[i]);
	}
	appendStringInfoString(buf, "}}");
}

/* The metrics of a classifier's state, as JSON keys after a first one. */
static void
ClassMetrics(StringInfo buf, EvalState *st)
{
	MlopsEvalClassResult r;
	double		auc;

	Check(MlopsEvalClassFinish(st->cls, &r));
	MlopsJsonNumber(buf, "accuracy", r.accuracy);
	MlopsJsonNumber(buf, "balanced_accuracy", r.balanced_accuracy);
	JsonPerClass(buf, "precision", st, r.precision_macro, r.precision_weighted, r.precision);
	JsonPerClass(buf, "recall", st, r.recall_macro, r.recall_weighted, r.recall);
	JsonPerClass(buf, "f1", st, r.f1_macro, r.f1_weighted, r.f1);
	if (st->nclasses == 2)
	{
		MlopsJsonNumber(buf, "precision_binary", r.precision_binary);
		MlopsJsonNumber(buf, "recall_binary", r.recall_binary);
		MlopsJsonNumber(buf, "f1_binary", r.f1_binary);
		Check(MlopsEvalRocAuc(st->scores.score, st->scores.label, st->scores.n, &auc));
	}
	else
		Check(MlopsEvalRocAucOvr(st->scores.score, st->scores.label, st->scores.n,
								 st->nclasses, &auc));
	MlopsJsonNumber(buf, "roc_auc", auc);
	MlopsJsonNumber(buf, "log_loss", r.log_loss);
	appendStringInfo(buf, ", \"n\": %lld", (long long) r.n);
	MlopsJsonNumber(buf, "score", st->nclasses == 2 ? auc : r.f1_macro);
	appendStringInfo(buf, ", \"score_metric\": \"%s\"",
					 st->nclasses == 2 ? "roc_auc" : "f1_macro");
}

/* The metrics of a clustering state: inertia, silhouette of the sample. */
static void
ClusterMetrics(StringInfo buf, EvalState *st)
{
	double		silhouette = get_float8_nan();
	int			nlabels = 0;
	int			i;

	for (i = 0; i < st->nsample; i++)
		nlabels = Max(nlabels, st->cluster[i] + 1);
	if (st->nsample >= 2 && nlabels >= 2)
		Check(MlopsEvalSilhouette(st->sample, st->nsample, st->nfeat, st->cluster,
								  nlabels, &silhouette));
	MlopsJsonNumber(buf, "inertia", st->inertia[0] + st->inertia[1]);
	MlopsJsonNumber(buf, "silhouette", silhouette);
	appendStringInfo(buf, ", \"silhouette_sample\": %d, \"n\": %lld",
					 st->nsample, (long long) st->n);
	MlopsJsonNumber(buf, "score", st->inertia[0] + st->inertia[1]);
	appendStringInfoString(buf, ", \"score_metric\": \"inertia\"");
}

/* _eval_state final: the metrics document ({"n": 0} for no row). */
static Jsonb *EvalStateJson(EvalState *st);

PG_FUNCTION_INFO_V1(mlops_eval_final);
Datum
mlops_eval_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(EvalStateJson((EvalState *) PG_GETARG_POINTER(0)));
}

/* The metrics of an evaluation state, as jsonb. */
static Jsonb *
EvalStateJson(EvalState *st)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"rows_skipped\": %lld", (long long) st->skipped);
	if (st->task == MLOPS_TASK_CLUSTERING && st->n > 0)
		ClusterMetrics(&buf, st);
	else if (st->cls != NULL && st->cls->n > 0)
		ClassMetrics(&buf, st);
	else if (st->cls == NULL && st->reg.n > 0)
	{
		MlopsEvalRegResult r;

		Check(MlopsEvalRegFinish(&st->reg, &r));
		MlopsJsonNumber(&buf, "r2", r.r2);
		MlopsJsonNumber(&buf, "rmse", r.rmse);
		MlopsJsonNumber(&buf, "mae", r.mae);
		MlopsJsonNumber(&buf, "explained_variance", r.explained_variance);
		appendStringInfo(&buf, ", \"n\": %lld", (long long) r.n);
		MlopsJsonNumber(&buf, "score", r.r2);
		appendStringInfoString(&buf, ", \"score_metric\": \"r2\"");
	}
	else
		appendStringInfoString(&buf, ", \"n\": 0");
	appendStringInfoChar(&buf, '}');
	return MlopsJsonbFromString(buf.data);
}

/* rows a regression's metrics take at once: its two arrays stay in L2 */
#define OUTPUT_BLOCK 16384

/*
 * A supervised version's metrics on the rows it trained on (test_size 0)
 * from outputs its family already has (the tree families: XGBoost's own
 * margins of its training rows), as the evaluation pass would compute
 * them from the same outputs, without a pass: out holds n rows of the
 * model's outputs (a prediction, or the class probabilities), y their
 * targets (class indexes).
 */
Jsonb *
MlopsEvaluateOutputs(MlopsTrainJob *job, const MlopsModel *m, int64 n,
					 const double *y, const double *out, Jsonb *extra)
{
	EvalState  *st = NewEvalState(CurrentMemoryContext, m);
	int			k = m->algo->outputs(m);
	int64		i;

	Assert(job->test_size == 0);
	for (i = 0; i < n && st->cls == NULL; i += OUTPUT_BLOCK)
	{
		CHECK_FOR_INTERRUPTS();
		Check(MlopsEvalRegAccumBlock(&st->reg, y + i, out + i,
									 Min(OUTPUT_BLOCK, n - i)));
	}
	for (i = 0; i < n && st->cls != NULL; i++)
	{
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		ClassRow(st, m, out + i * k, y[i], CurrentMemoryContext);
	}
	return MlopsEvalFinish(job, JsonbPGetDatum(EvalStateJson(st)), false, extra);
}

/*
 * The evaluation aggregate over a training job's rows, as a call to put
 * in a pass's SELECT list: the artifact is parameter $artifact_param,
 * test_size and seed $2 and $3 (as in every pass query), so a family may
 * evaluate in the scan of its last pass.
 */
char *
MlopsEvalCallSql(const MlopsTrainJob *job, int artifact_param)
{
	StringInfoData sql;
	int			i;

	initStringInfo(&sql);
	if (MlopsRowAsArgs(job))
		appendStringInfo(&sql, "mlops._eval_state($%d, $2, $3, %s)",
						 artifact_param, job->row_sql);
	else
	{
		appendStringInfo(&sql, "mlops._eval_state($%d, $2, $3, %s, ARRAY[",
						 artifact_param,
						 job->target_sql ? job->target_sql : "NULL::pg_catalog.float8");
		for (i = 0; i < job->nfeat; i++)
			appendStringInfo(&sql, "%s%s::pg_catalog.float8", i ? ", " : "",
							 quote_identifier(job->features[i]));
		appendStringInfoString(&sql, "]::pg_catalog.float8[])");
	}
	return sql.data;
}

/*
 * The metrics of a version a family just trained, on the rows the split
 * held out (or, with test_size 0, on the training rows), merged with the
 * family's own keys in extra; sets job->n_test.  SPI is connected.
 */
Jsonb *
MlopsEvaluateHeldOut(MlopsTrainJob *job, Jsonb *extra)
{
	Oid			types[3] = {BYTEAOID, FLOAT8OID, INT8OID};
	Datum		values[3];
	bool		isnull;
	Datum		metrics;

	values[0] = PointerGetDatum(job->artifact);
	values[1] = Float8GetDatum(job->test_size);
	values[2] = Int64GetDatum(job->seed);
	metrics = MlopsRunPass(psprintf("SELECT %s FROM %s", MlopsEvalCallSql(job, 1),
									job->relname),
						   3, types, values, &isnull);
	return MlopsEvalFinish(job, metrics, isnull, extra);
}

/*
 * The version's metrics from what the evaluation aggregate returned
 * (MlopsEvaluateHeldOut, or a family's own pass that ran it), with the
 * family's keys in extra; sets job->n_test.
 */
Jsonb *
MlopsEvalFinish(MlopsTrainJob *job, Datum metrics, bool isnull, Jsonb *extra)
{
	Jsonb	   *where;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation %s changed during training", job->relname)));
	job->n_test = 0;
	if (job->test_size > 0)
	{
		JsonbValue *n = getKeyJsonValueFromContainer(&DatumGetJsonbP(metrics)->root,
													 "n", 1, NULL);

		if (n != NULL && n->type == jbvNumeric)
			job->n_test = DatumGetInt64(DirectFunctionCall1(numeric_int8,
															NumericGetDatum(n->val.numeric)));
	}
	where = MlopsJsonbFromString(job->n_test > 0 ? "{\"evaluated_on\": \"test\"}" :
								 "{\"evaluated_on\": \"train\"}");
	metrics = DirectFunctionCall2(jsonb_concat, JsonbPGetDatum(where), metrics);
	return DatumGetJsonbP(DirectFunctionCall2(jsonb_concat, metrics,
											  JsonbPGetDatum(extra)));
}

/* What an evaluation on a relation reads, resolved and checked. */
typedef struct EvalOn
{
	MlopsVersionRef ref;
	const MlopsModel *model;
	char	   *model_name;
	char	   *relname;
	char	   *target;			/* NULL for clustering */
	char	   *label_sql;		/* classifiers: the target's label as text */
	char	   *target_sql;		/* the target as the pass receives it */
	char	   *features_sql;	/* ARRAY[features]::float8[], or NULL */
	char	   *row_sql;		/* what _eval_state reads after its options */
	char	   *score_arg;		/* predict's features: the array, or the row */
} EvalOn;

/*
 * Resolve mlops.evaluate's (model, relation, target): the version (the
 * predict privilege is checked), the columns it reads, which must exist,
 * and for a classifier that every label in the target is one of its
 * classes (an error names the first that is not).  SPI is connected; the
 * relation is read as the caller, so its privileges apply.
 */
static void
ResolveEvalOn(FunctionCallInfo fcinfo, EvalOn *e)
{
	const MlopsFeatureSpec *spec;
	Oid			relid;
	AttrNumber	att = InvalidAttrNumber;
	StringInfoData sql;
	int			i;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", PG_ARGISNULL(0) ? "model name" : "relation")));
	MlopsResolveModel(PG_GETARG_TEXT_PP(0), &e->ref);
	e->model = MlopsGetModel(&e->ref, fcinfo->flinfo->fn_mcxt);
	spec = e->model->spec;
	e->model_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	relid = PG_GETARG_OID(1);
	e->relname = MlopsRelationToRead(relid);
	e->target = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	if (e->model->algo->task == MLOPS_TASK_DECOMPOSITION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has no evaluation (algorithm %s)",
						e->model_name, e->model->algo->name),
				 errhint("mlops.components gives its explained variance.")));
	if ((e->target == NULL) != (e->model->algo->task == MLOPS_TASK_CLUSTERING))
		ereport(ERROR,
				(errcode(e->target ? ERRCODE_INVALID_PARAMETER_VALUE :
						 ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 e->target ?
				 errmsg("model \"%s\" is a clustering model, which is evaluated without a target",
						e->model_name) :
				 errmsg("evaluating model \"%s\" needs a target column", e->model_name)));
	if (e->target != NULL)
	{
		att = get_attnum(relid, e->target);
		if (att == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation %s does not exist",
							e->target, e->relname)));
	}
	for (i = 0; i < spec->ncolumns; i++)
		if (get_attnum(relid, spec->columns[i].name) == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("relation %s has no column \"%s\", a feature of model \"%s\"",
							e->relname, spec->columns[i].name, e->model_name)));
	e->features_sql = NULL;
	if (MlopsSpecIsPlain(spec))
	{
		initStringInfo(&sql);
		appendStringInfoString(&sql, "ARRAY[");
		for (i = 0; i < e->model->nfeat; i++)
			appendStringInfo(&sql, "%s%s::pg_catalog.float8", i ? ", " : "",
							 quote_identifier(e->model->feature_names[i]));
		appendStringInfoString(&sql, "]::pg_catalog.float8[]");
		e->features_sql = sql.data;
	}

	if (e->target == NULL)
		e->target_sql = "NULL::pg_catalog.float8";
	else if (e->model->nclasses == 0)
		e->target_sql = psprintf("%s::pg_catalog.float8", quote_identifier(e->target));
	else
	{
		Oid			type = get_atttype(relid, att);
		char	   *check;

		e->label_sql = MlopsLabelTextSql(e->target, type, e->model->label_kind);
		e->target_sql = MlopsClassIndexSql(e->target, e->label_sql, e->model->classes,
										   e->model->nclasses, false);
		check = psprintf("SELECT %s::pg_catalog.text FROM %s WHERE %s < 0 LIMIT 1",
						 quote_identifier(e->target), e->relname, e->target_sql);
		if (SPI_execute(check, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "checking the target's labels failed");
		if (SPI_processed > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("target column \"%s\" holds \"%s\", which is not a class of model \"%s\"",
							e->target, SPI_getvalue(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1),
							e->model_name),
					 errhint("mlops.classes('%s') lists its classes.", e->model_name)));
	}
	e->score_arg = e->features_sql ? e->features_sql : "_mlops_row_";
	/* a clustering model's rows have no target */
	e->row_sql = e->features_sql ?
		psprintf("%s, %s", e->target_sql, e->features_sql) :
		MlopsSpecArgsSql(spec, e->target ? e->target_sql : NULL);
}

/*
 * mlops.evaluate(model, relation, target) returns jsonb: the metrics of
 * the version on every row of the relation, with the keys a version's
 * stored metrics have, read as the caller in one pass.
 */
PG_FUNCTION_INFO_V1(mlops_evaluate);
Datum
mlops_evaluate(PG_FUNCTION_ARGS)
{
	EvalOn		e;
	Oid			types[1] = {BYTEAOID};
	Datum		values[1];
	bool		isnull;
	Datum		metrics;
	StringInfoData head;
	MemoryContext caller = CurrentMemoryContext;
	Jsonb	   *result;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ResolveEvalOn(fcinfo, &e);
	values[0] = PointerGetDatum(MlopsFetchArtifact(&e.ref));
	metrics = MlopsRunPass(psprintf("SELECT mlops._eval_state($1, 0, 0, %s) FROM %s",
									e.row_sql, e.relname),
						   1, types, values, &isnull);
	initStringInfo(&head);
	appendStringInfoString(&head, "{\"model\": ");
	escape_json(&head, e.model_name);
	appendStringInfo(&head, ", \"version\": %d, \"evaluated_on\": ", e.ref.version);
	escape_json(&head, e.relname);
	appendStringInfoChar(&head, '}');
	if (isnull)
		metrics = JsonbPGetDatum(MlopsJsonbFromString("{\"n\": 0}"));
	metrics = DirectFunctionCall2(jsonb_concat,
								  JsonbPGetDatum(MlopsJsonbFromString(head.data)),
								  metrics);
	MemoryContextSwitchTo(caller);
	result = DatumGetJsonbPCopy(metrics);
	SPI_finish();
	PG_RETURN_JSONB_P(result);
}

/* A classifier's evaluation, or an error naming the model. */
static void
RequireClassifier(const EvalOn *e, const char *fn, int nclasses)
{
	if (e->model->nclasses == 0 || (nclasses > 0 && e->model->nclasses != nclasses))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is not a %s", e->model_name,
						nclasses == 2 ? "binary classifier" : "classifier"),
				 errhint("%s is for %s models.", fn,
						 nclasses == 2 ? "binary classification" : "classification")));
}

/*
 * mlops.confusion_matrix(model, relation, target) returns table(actual,
 * predicted, n): every pair of classes, in class order, with its count
 * (zero included), as scikit-learn's confusion_matrix.
 */
PG_FUNCTION_INFO_V1(mlops_confusion_matrix);
Datum
mlops_confusion_matrix(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EvalOn		e;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	char	   *sql;
	int64	   *counts;
	int			K;
	uint64		r;
	int			i;
	int			j;

	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ResolveEvalOn(fcinfo, &e);
	RequireClassifier(&e, "mlops.confusion_matrix", 0);
	K = e.model->nclasses;
	/* as predict_label does, column by column: the row form of predict */
	sql = psprintf("SELECT t, p, pg_catalog.count(*) FROM (SELECT %s AS t, "
				   "pg_catalog.array_position(mlops.classes($1), mlops.predict_label($1, %s)) - 1 AS p "
				   "FROM %s _mlops_row_) s WHERE t IS NOT NULL AND p IS NOT NULL GROUP BY t, p",
				   e.target_sql, e.score_arg, e.relname);
	values[0] = PointerGetDatum(cstring_to_text(psprintf("%s@%d", e.ref.name, e.ref.version)));
	if (SPI_execute_with_args(sql, 1, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "computing the confusion matrix failed");
	counts = palloc0(sizeof(int64) * K * K);
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		int			a = (int) DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[r],
														   SPI_tuptable->tupdesc, 1, &isnull));
		int			p = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r],
												SPI_tuptable->tupdesc, 2, &isnull));

		if (a < 0 || a >= K || p < 0 || p >= K)
			elog(ERROR, "confusion matrix class out of range");
		counts[a * K + p] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r],
														SPI_tuptable->tupdesc, 3, &isnull));
	}
	for (i = 0; i < K; i++)
		for (j = 0; j < K; j++)
		{
			Datum		row[3];
			bool		nulls[3] = {false, false, false};

			row[0] = CStringGetTextDatum(e.model->classes[i]);
			row[1] = CStringGetTextDatum(e.model->classes[j]);
			row[2] = Int64GetDatum(counts[i * K + j]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
		}
	SPI_finish();
	return (Datum) 0;
}

/*
 * mlops.roc_curve(model, relation, target) returns table(threshold, fpr,
 * tpr) for a binary classifier, the points scikit-learn's roc_curve
 * returns (drop_intermediate), scored on the probability of the second
 * class of mlops.classes.  The rows' scores are held in memory.
 */
PG_FUNCTION_INFO_V1(mlops_roc_curve);
Datum
mlops_roc_curve(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EvalOn		e;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	char	   *sql;
	double	   *score;
	int32	   *label;
	MlopsEvalRocPoint *points;
	int64		npoints;
	uint64		n;
	uint64		r;

	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ResolveEvalOn(fcinfo, &e);
	RequireClassifier(&e, "mlops.roc_curve", 2);
	sql = psprintf("SELECT * FROM (SELECT %s AS t, (mlops.predict_proba($1, %s))[2] AS s FROM %s _mlops_row_) q "
				   "WHERE t IS NOT NULL AND s IS NOT NULL",
				   e.target_sql, e.score_arg, e.relname);
	values[0] = PointerGetDatum(cstring_to_text(psprintf("%s@%d", e.ref.name, e.ref.version)));
	if (SPI_execute_with_args(sql, 1, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "scoring the rows failed");
	n = SPI_processed;
	score = palloc(sizeof(double) * Max(n, 1));
	label = palloc(sizeof(int32) * Max(n, 1));
	for (r = 0; r < n; r++)
	{
		bool		isnull;

		CHECK_FOR_INTERRUPTS();
		label[r] = (int32) DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[r],
														SPI_tuptable->tupdesc, 1, &isnull));
		score[r] = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[r],
												SPI_tuptable->tupdesc, 2, &isnull));
	}
	Check(MlopsEvalRocCurve(score, label, (int64) n, &points, &npoints));
	for (r = 0; r < (uint64) npoints; r++)
	{
		Datum		row[3];
		bool		nulls[3] = {false, false, false};

		row[0] = Float8GetDatum(points[r].threshold);
		row[1] = Float8GetDatum(points[r].fpr);
		row[2] = Float8GetDatum(points[r].tpr);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, row, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}
