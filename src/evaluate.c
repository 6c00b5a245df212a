/*-------------------------------------------------------------------------
 *
 * evaluate.c
 *	  The evaluation pass, for every family: a stored model scored on a
 *	  relation's rows (all of them, or the held-out rows of a training
 *	  split), summed by task into the metrics of evalmetrics.c.
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
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "algorithm.h"
#include "evalmetrics.h"
#include "metrics.h"
#include "pass.h"
#include "preprocess.h"

typedef struct EvalState
{
	int32		task;			/* MlopsTask of the model */
	int32		nclasses;		/* classifiers */
	char	  **classes;		/* their labels, for per-class keys */
	int64		skipped;		/* rows with a NULL */
	MlopsEvalRegState reg;
	MlopsEvalClassState *cls;
	MlopsEvalScores scores;		/* each row's class scores, for the AUC */
} EvalState;

static EvalState *
NewEvalState(MemoryContext cxt, const MlopsModel *m)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	EvalState  *st = palloc0(sizeof(EvalState));
	int			i;

	st->task = m->algo->task;
	MlopsEvalRegInit(&st->reg);
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

/*
 * _eval_state(artifact, test_size, seed, target, features) transition:
 * with test_size > 0 only the rows the training split held out count.
 * A classifier's target is the row's class index; one it cannot be is an
 * error, as is a non-finite feature.
 */
PG_FUNCTION_INFO_V1(mlops_eval_accum);
Datum
mlops_eval_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	MemoryContext old;
	MlopsArgModels *am;
	const MlopsModel *m;
	EvalState  *st;
	double		test_size;
	int64		seed;
	const double *x;
	int			nfeat;
	double		y;
	int			j;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("_eval_state called in non-aggregate context")));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("_eval_state options must not be NULL")));
	am = MlopsArgModelsGet(fcinfo, 1, false, "_eval_state",
						   (MlopsArgModels **) &fcinfo->flinfo->fn_extra);
	m = am->models[0];
	test_size = PG_GETARG_FLOAT8(2);
	seed = PG_GETARG_INT64(3);
	st = PG_ARGISNULL(0) ? NewEvalState(aggcxt, m) :
		(EvalState *) PG_GETARG_POINTER(0);
	if (st->task != m->algo->task || st->nclasses != (st->cls ? m->nclasses : 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("_eval_state was given another model mid-pass")));
	if (PG_ARGISNULL(4) || PG_ARGISNULL(5))
	{
		st->skipped++;
		PG_RETURN_POINTER(st);
	}
	y = PG_GETARG_FLOAT8(4);
	x = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(5), &nfeat);
	if (x == NULL)
	{
		st->skipped++;
		PG_RETURN_POINTER(st);
	}
	if (nfeat != m->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("row has %d features, the model %d", nfeat, m->nfeat)));
	for (j = 0; j < nfeat; j++)
		if (!isfinite(x[j]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("column \"%s\" is %s", m->feature_names[j],
							isnan(x[j]) ? "NaN" : "infinite")));
	if (test_size > 0 && !MlopsRowIsTest(x, nfeat, y, seed, test_size))
		PG_RETURN_POINTER(st);

	if (st->cls == NULL)
	{
		Check(MlopsEvalRegAccum(&st->reg, y, MlopsPredict(m, x)));
		PG_RETURN_POINTER(st);
	}
	{
		double		prob[MLOPS_MAX_CLASSES];
		double		term;
		int			actual = (int) y;

		if (!(y >= 0 && y < m->nclasses && y == floor(y)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid class index %g for _eval_state", y)));
		m->algo->predict_vector(m, x, prob);
		Check(MlopsEvalClassAccum(st->cls, actual, MlopsArgmax(prob, m->nclasses)));
		Check(MlopsEvalLogLossTerm(prob, m->nclasses, actual, &term));
		MlopsEvalClassAddLogLoss(st->cls, term);
		old = MemoryContextSwitchTo(aggcxt);
		Check(MlopsEvalScoresAdd(&st->scores, m->nclasses == 2 ? prob + 1 : prob,
								 actual));
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_POINTER(st);
}

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
		PG_RETURN_POINTER(b);
	if (a->task != b->task || a->nclasses != b->nclasses)
		elog(ERROR, "_eval_state combine of states of different models");
	a->skipped += b->skipped;
	MlopsEvalRegMerge(&a->reg, &b->reg);
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

/* _eval_state final: the metrics document ({"n": 0} for no row). */
PG_FUNCTION_INFO_V1(mlops_eval_final);
Datum
mlops_eval_final(PG_FUNCTION_ARGS)
{
	EvalState  *st;
	StringInfoData buf;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (EvalState *) PG_GETARG_POINTER(0);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"rows_skipped\": %lld", (long long) st->skipped);
	if (st->cls != NULL && st->cls->n > 0)
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
	PG_RETURN_JSONB_P(MlopsJsonbFromString(buf.data));
}

/*
 * The metrics of a version a family just trained, on the rows the split
 * held out (or, with test_size 0, on the training rows), merged with the
 * family's own keys in extra; sets job->n_test.  SPI is connected.
 */
Jsonb *
MlopsEvaluateHeldOut(MlopsTrainJob *job, Jsonb *extra)
{
	StringInfoData sql;
	Oid			types[3] = {BYTEAOID, FLOAT8OID, INT8OID};
	Datum		values[3];
	bool		isnull;
	Datum		metrics;
	Jsonb	   *where;
	int			i;

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT mlops._eval_state($1, $2, $3, %s, ARRAY[",
					 job->target_sql);
	for (i = 0; i < job->nfeat; i++)
		appendStringInfo(&sql, "%s%s::pg_catalog.float8", i ? ", " : "",
						 quote_identifier(job->features[i]));
	appendStringInfo(&sql, "]::pg_catalog.float8[]) FROM %s", job->relname);
	values[0] = PointerGetDatum(job->artifact);
	values[1] = Float8GetDatum(job->test_size);
	values[2] = Int64GetDatum(job->seed);
	metrics = MlopsRunPass(sql.data, 3, types, values, &isnull);
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
