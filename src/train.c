/*-------------------------------------------------------------------------
 *
 * train.c
 *	  mlops.train: argument checks, privilege checks, the training passes,
 *	  storing the new version and deciding whether to deploy it.
 *
 * The training data is read as the calling role with one SQL query per
 * pass through SPI, so table, column and row-level privileges apply as to
 * any query of the caller's.  All passes run read-only under the same
 * snapshot (the statement's), so they see the same rows.  The query
 * quotes every identifier and schema-qualifies every function, type and
 * the relation, and its per-row work is an aggregate that PostgreSQL may
 * run in parallel workers.
 *
 * The passes are the family's (algorithm.h: its routine's train, given
 * the resolved job of pass.h); train.c resolves the relation, columns,
 * hyperparameters and privileges first, prepares the comparison with the
 * deployed version for deploy => 'best', and stores what the family
 * trained.  Nothing is written to the catalog until every pass has
 * succeeded, so an error or a cancel leaves no version behind.
 *
 * IDENTIFICATION
 *	  src/train.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "acl.h"
#include "algorithm.h"
#include "artifact.h"
#include "cache.h"
#include "catalog.h"
#include "metrics.h"
#include "mlops.h"
#include "pass.h"
#include "preprocess.h"
#include "train.h"

typedef struct TrainArgs
{
	char	   *model;
	Oid			relid;
	char	   *target;
	char	   *algorithm;
	const MlopsAlgorithmRoutine *algo;
	void	   *params;			/* the family's, from hyperparams */
	int64		seed;
	double		test_size;
	char	   *deploy;
	/* resolved */
	char	   *relname;		/* schema-qualified and quoted */
	int			nfeat;			/* feature columns */
	char	  **features;
	Oid		   *feature_types;
	MlopsFeatureSpec *spec;		/* how they encode */
	char	  **encoded;		/* the features' names, spec->nfeat */
	int			max_categories; /* feature options, of every family */
	int			on_overflow;	/* 0: __other__, 1: error */
	char	   *impute_all;		/* "impute": one strategy for every column, */
	Jsonb	   *impute_columns; /* or an object of column: strategy; or NULL */
	Jsonb	   *date_parts;		/* an array of parts, or an object of column: parts */
	int			scale;			/* MLOPS_SCALE_*, unless the family scales itself */
	double		impute_value;	/* NaN unless given */
	Oid			target_type;
	char	   *target_sql;		/* the target as the passes receive it */
	char	   *row_sql;		/* how the passes receive a row */
	char	   *row_dd_sql;		/* the same in double-double, or NULL */
	/* classifiers: the classes found in the target column, in order */
	MlopsLabelKind label_kind;
	int			nclasses;
	char	  **classes;
	bool		classes_sampled;	/* listed from a block sample, unconfirmed */
} TrainArgs;

static bool HasExactDigits(Oid type);
struct Compare;
static void CompareTotalsFrom(MlopsTrainJob *job, struct Compare *cmp, Datum m, bool isnull);
static void AppendExact(StringInfo sql, const char *col, Oid type);

static bool
IsNumericType(Oid type)
{
	switch (getBaseType(type))
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
			return true;
		default:
			return false;
	}
}

/* A JSON number as a double; out of range becomes infinity. */
static double
NumericToDouble(Numeric num)
{
	char	   *str = DatumGetCString(DirectFunctionCall1(numeric_out,
														  NumericGetDatum(num)));

	return strtod(str, NULL);
}

/* A JSON number that must be a 64-bit integer. */
static int64
NumericToSeed(Numeric num)
{
	char	   *str = DatumGetCString(DirectFunctionCall1(numeric_out,
														  NumericGetDatum(num)));
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(str, &end, 10);
	if (*end != '\0' || errno != 0 || end == str)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hyperparameter \"seed\" must be an integer between %lld and %lld",
						(long long) PG_INT64_MIN, (long long) PG_INT64_MAX)));
	return (int64) v;
}

/* "a, b and c" of a family's hyperparameter names, and seed. */
static char *
ParamList(const MlopsAlgorithmRoutine *algo)
{
	StringInfoData buf;
	const MlopsParamDef *p;

	initStringInfo(&buf);
	for (p = algo->params; p->name != NULL; p++)
		appendStringInfo(&buf, "%s, ", p->name);
	if (buf.len > 0)
		buf.data[buf.len -= 2] = '\0';
	appendStringInfo(&buf, "%sseed", buf.len > 0 ? " and " : "");
	return buf.data;
}

/* An enum's choices for messages: "a", "b" or "c". */
static char *
ChoiceList(const MlopsParamDef *p)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; p->choices[i] != NULL; i++)
		appendStringInfo(&buf, "%s\"%s\"",
						 i == 0 ? "" : p->choices[i + 1] ? ", " : " or ",
						 p->choices[i]);
	return buf.data;
}

/* A number for a message: as given, or in scientific notation when long (1e308). */
static char *
NumberText(Numeric n)
{
	char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
	double		d = NumericToDouble(n);

	if (strlen(text) <= 24)
		return text;
	return isfinite(d) ? psprintf("%g", d) : numeric_out_sci(n, 6);
}

/* Set a family's hyperparameter from its JSON value, checked. */
static void
SetParam(const MlopsParamDef *p, void *params, const JsonbValue *v)
{
	char	   *field = (char *) params + p->offset;
	double		d;

	switch (p->kind)
	{
		case MLOPS_PARAM_BOOL:
			if (v->type != jbvBool)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hyperparameter \"%s\" must be true or false", p->name)));
			*(bool *) field = v->val.boolean;
			break;
		case MLOPS_PARAM_REAL:
			if (v->type != jbvNumeric)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hyperparameter \"%s\" must be a number", p->name)));
			d = NumericToDouble(v->val.numeric);
			if (p->max > p->min && !(d >= p->min && d <= p->max))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hyperparameter \"%s\" must be a number between %g and %g, not %s",
								p->name, p->min, p->max, NumberText(v->val.numeric))));
			if (!isfinite(d) || d < p->min)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 p->min == 0 ?
						 errmsg("hyperparameter \"%s\" must be a non-negative finite number", p->name) :
						 errmsg("hyperparameter \"%s\" must be a finite number of at least %g",
								p->name, p->min)));
			*(double *) field = d;
			break;
		case MLOPS_PARAM_INT:
			d = v->type == jbvNumeric ? NumericToDouble(v->val.numeric) : -1;
			if (v->type != jbvNumeric || d != floor(d) || d < p->min ||
				(p->max > p->min && d > p->max) || d > PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hyperparameter \"%s\" must be an integer between %.0f and %.0f",
								p->name, p->min,
								p->max > p->min ? p->max : (double) PG_INT32_MAX)));
			*(int *) field = (int) d;
			break;
		case MLOPS_PARAM_ENUM:
			{
				int			i;

				for (i = 0; v->type == jbvString && p->choices[i] != NULL; i++)
					if (strlen(p->choices[i]) == v->val.string.len &&
						memcmp(p->choices[i], v->val.string.val,
							   v->val.string.len) == 0)
						break;
				if (v->type != jbvString || p->choices[i] == NULL)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("hyperparameter \"%s\" must be one of %s",
									p->name, ChoiceList(p))));
				*(int *) field = i;
			}
			break;
	}
}

/*
 * The feature options, keys of every family's hyperparams (a family's own
 * key of a name, as k-means' and PCA's scale, takes precedence).
 */
static const char *const overflow_choices[] = {"other", "error", NULL};
static const char *const scale_choices[] = {"none", "standard", "minmax", NULL};
static const MlopsParamDef feature_params[] = {
	{"max_categories", MLOPS_PARAM_INT, offsetof(TrainArgs, max_categories), 100, 1,
	MLOPS_MAX_FEATURES, NULL},
	{"on_overflow", MLOPS_PARAM_ENUM, offsetof(TrainArgs, on_overflow), 0, 0, 0,
	overflow_choices},
	/* any finite number (max <= min: no upper bound); NaN: not given */
	{"impute_value", MLOPS_PARAM_REAL, offsetof(TrainArgs, impute_value), NAN, -DBL_MAX,
	-DBL_MAX, NULL},
	{"scale", MLOPS_PARAM_ENUM, offsetof(TrainArgs, scale), MLOPS_SCALE_NONE, 0, 0,
	scale_choices},
	{NULL, 0, 0, 0, 0, 0, NULL}
};

/* Defaults of a params struct. */
static void
SetDefaults(const MlopsParamDef *defs, void *params)
{
	const MlopsParamDef *p;

	for (p = defs; p->name != NULL; p++)
	{
		char	   *field = (char *) params + p->offset;

		if (p->kind == MLOPS_PARAM_BOOL)
			*(bool *) field = p->dflt != 0;
		else if (p->kind == MLOPS_PARAM_INT || p->kind == MLOPS_PARAM_ENUM)
			*(int *) field = (int) p->dflt;
		else
			*(double *) field = p->dflt;
	}
}

/* A JSON object's keys and values, in its order; returns how many. */
static int
ObjectEntries(JsonbContainer *obj, char ***keys, JsonbValue **vals)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	int			max = Max(JsonContainerSize(obj), 1);
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	*keys = palloc(sizeof(char *) * max);
	*vals = palloc(sizeof(JsonbValue) * max);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			(*keys)[n] = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
			(*vals)[n++] = v;
	}
	return n;
}

/*
 * The family's hyperparameters from mlops.train's hyperparams, defaults
 * first; seed is everyone's (it seeds the split), and so are the feature
 * options (feature_params), which are fields of a.
 */
static void
ParseHyperparams(Jsonb *hp, TrainArgs *a)
{
	const MlopsParamDef *p;
	char	  **keys;
	JsonbValue *vals;
	int			n;
	int			e;

	a->params = palloc0(a->algo->params_size);
	SetDefaults(a->algo->params, a->params);
	SetDefaults(feature_params, a);
	if (!JB_ROOT_IS_OBJECT(hp) || JB_ROOT_IS_SCALAR(hp))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hyperparams must be a JSON object")));
	n = ObjectEntries(&hp->root, &keys, &vals);
	for (e = 0; e < n; e++)
	{
		const char *key = keys[e];
		JsonbValue	v = vals[e];

		if (strcmp(key, "seed") == 0)
		{
			if (v.type != jbvNumeric)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hyperparameter \"seed\" must be an integer")));
			a->seed = NumericToSeed(v.val.numeric);
			continue;
		}
		if (strcmp(key, "date_parts") == 0)
		{
			if (v.type != jbvBinary)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hyperparameter \"date_parts\" must be an array of parts or an object of column: parts"),
						 errhint("Parts: \"dow\", \"day\", \"month\", \"quarter\", \"hour\".")));
			a->date_parts = JsonbValueToJsonb(&v);
			continue;
		}
		if (strcmp(key, "impute") == 0)
		{
			if (v.type == jbvString)
				a->impute_all = pnstrdup(v.val.string.val, v.val.string.len);
			else if (v.type == jbvBinary && JsonContainerIsObject(v.val.binary.data))
				a->impute_columns = JsonbValueToJsonb(&v);
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("hyperparameter \"impute\" must be a strategy or an object of column: strategy"),
						 errhint("Strategies: \"drop\", \"mean\", \"median\", \"constant\" (with impute_value).")));
			continue;
		}
		for (p = a->algo->params; p->name != NULL; p++)
			if (strcmp(key, p->name) == 0)
				break;
		if (p->name != NULL)
		{
			SetParam(p, a->params, &v);
			continue;
		}
		for (p = feature_params; p->name != NULL; p++)
			if (strcmp(key, p->name) == 0)
				break;
		if (p->name != NULL)
		{
			SetParam(p, a, &v);
			continue;
		}
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown hyperparameter \"%s\" for algorithm \"%s\"",
						key, a->algo->name),
				 errhint("%s takes %s.", a->algo->title, ParamList(a->algo))));
	}
}

/* A column by name, or NULL. */
static Form_pg_attribute
LookUpColumn(TupleDesc desc, const char *name)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return att;
	}
	return NULL;
}

/* Find a column by name; an unknown one is an error naming it. */
static Form_pg_attribute
FindColumn(TupleDesc desc, const char *name, const char *relname)
{
	Form_pg_attribute att = LookUpColumn(desc, name);

	if (att != NULL)
		return att;
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" of relation %s does not exist", name, relname)));
	return NULL;				/* keep compiler quiet */
}

/* The feature columns of types no feature is made of, for one error naming all. */
typedef struct NonNumeric
{
	int			count;
	Form_pg_attribute first;
	StringInfoData list;		/* "a" (text), "b" (date) */
} NonNumeric;

static void
NoteNonNumeric(NonNumeric *nn, Form_pg_attribute att)
{
	MlopsColumnKind kind;
	MlopsTypeFamily family;

	if (MlopsColumnKindFor(att->atttypid, &kind, &family))
		return;
	if (nn->count == 0)
	{
		nn->first = att;
		initStringInfo(&nn->list);
	}
	appendStringInfo(&nn->list, "%s\"%s\" (%s)", nn->count ? ", " : "",
					 NameStr(att->attname), format_type_be(att->atttypid));
	nn->count++;
}

/*
 * One error naming every feature column of a type no feature is made of;
 * the hint depends on whether the features were defaulted or listed.  A
 * default feature list with such a column is refused rather than
 * trimmed, so that the same call will not silently train on other
 * columns once that type can be a feature.
 */
static void
ReportNonNumeric(const NonNumeric *nn, bool defaulted)
{
	if (nn->count == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 nn->count == 1 ?
			 errmsg("feature column \"%s\" has type %s, which cannot be a feature",
					NameStr(nn->first->attname),
					format_type_be(nn->first->atttypid)) :
			 errmsg("%d feature columns have types that cannot be features", nn->count),
			 nn->count > 1 ? errdetail("Not features: %s.", nn->list.data) : 0,
			 defaulted ?
			 errhint("Features default to every column except the target, and only numeric (smallint, integer, bigint, real, double precision, numeric), boolean, categorical (text, varchar, char, enum), date and time (date, timestamp, timestamptz) and numeric array columns can be features: list the features, or cast the columns in a view.") :
			 errhint("Only numeric (smallint, integer, bigint, real, double precision, numeric), boolean, categorical (text, varchar, char, enum), date and time (date, timestamp, timestamptz) and numeric array columns can be features: leave these out, or cast them in a view.")));
}


/*
 * Why a version cannot read column name of a relation as a feature, as a
 * sentence for a message, or NULL when it can: the column exists, is
 * numeric and the current role may read it.
 */
static char *
ColumnProblem(TupleDesc desc, Oid relid, const char *relname, int32 version,
			  const char *name)
{
	Form_pg_attribute att = LookUpColumn(desc, name);

	if (att == NULL)
		return psprintf("Version %d reads column \"%s\", which relation %s does not have.",
						version, name, relname);
	if (!IsNumericType(att->atttypid))
		return psprintf("Version %d reads column \"%s\", which has type %s in relation %s.",
						version, name, format_type_be(att->atttypid), relname);
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_attribute_aclcheck(relid, att->attnum, GetUserId(),
							  ACL_SELECT) != ACLCHECK_OK)
		return psprintf("Version %d reads column \"%s\" of relation %s, which the current role may not read.",
						version, name, relname);
	return NULL;
}

/*
 * The target column's type must suit the family's task: a number to
 * regress on, or a class label (boolean, an integer, text, an enum, or a
 * float or numeric column whose values are integers, checked when the
 * classes are read).
 */
static void
CheckTargetType(TrainArgs *a, Form_pg_attribute att)
{
	Oid			base = getBaseType(att->atttypid);

	if (a->algo->task == MLOPS_TASK_REGRESSION)
	{
		if (!IsNumericType(att->atttypid))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("target column \"%s\" has type %s, which is not numeric",
							a->target, format_type_be(att->atttypid)),
					 errdetail("%s predicts a number.", a->algo->title),
					 errhint("Train a classifier, such as algorithm 'logistic', on text or boolean labels.")));
		a->label_kind = MLOPS_LABEL_NONE;
		a->target_sql = psprintf("%s::pg_catalog.float8", quote_identifier(a->target));
		return;
	}
	if (base == BOOLOID)
		a->label_kind = MLOPS_LABEL_BOOLEAN;
	else if (IsNumericType(base))
		a->label_kind = MLOPS_LABEL_NUMERIC;
	else if (base == TEXTOID || base == VARCHAROID || base == BPCHAROID ||
			 type_is_enum(base))
		a->label_kind = MLOPS_LABEL_TEXT;
	else
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" has type %s, which cannot hold class labels",
						a->target, format_type_be(att->atttypid)),
				 errhint("Class labels are boolean, integer, text or enum values, or floats whose values are integers.")));
}


/* Rows of the block sample a big relation's classes are first listed from. */
#define CLASS_SAMPLE_ROWS 20000

/*
 * A classifier's classes: the target's distinct non-NULL values in the
 * type's order (text by the column's collation, enums in enum order,
 * false before true, numbers ascending), read as the caller.  The passes
 * then receive each row's class as its 0-based index.  SPI is connected.
 *
 * With may_sample, a relation much bigger than CLASS_SAMPLE_ROWS has its
 * classes listed from a block sample instead of a scan of its own: if
 * the sample holds two classes or more, they stand unconfirmed, and the
 * family's first full pass counts the rows of other labels (the job's
 * class_check_sql); any there, and training starts again with the list
 * of every row (TrainJob).  A rare class costs a restart, never a wrong
 * list.
 */
static void
ResolveClasses(TrainArgs *a, bool may_sample)
{
	const char *col = quote_identifier(a->target);
	Oid			base = getBaseType(a->target_type);
	char	   *sample = may_sample ?
		MlopsSampleClauseFor(a->relid, a->seed, CLASS_SAMPLE_ROWS) : NULL;
	char	   *sql;
	int			i;

	if (a->label_kind == MLOPS_LABEL_NUMERIC &&
		(base == FLOAT4OID || base == FLOAT8OID || base == NUMERICOID))
	{
		/* a fraction, NaN, an infinity or beyond 2^53 is not a class */
		sql = psprintf("SELECT %s::pg_catalog.text FROM %s WHERE %s IS NOT NULL AND "
					   "(%s::pg_catalog.text IN ('NaN', 'Infinity', '-Infinity') OR "
					   "%s::pg_catalog.numeric <> pg_catalog.trunc(%s::pg_catalog.numeric) OR "
					   "pg_catalog.abs(%s::pg_catalog.numeric) > 9007199254740992) LIMIT 1",
					   col, a->relname, col, col, col, col, col);
		if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "reading the target column failed");
		if (SPI_processed > 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("target column \"%s\" holds %s, which is not a class label",
							a->target, SPI_getvalue(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1)),
					 errdetail("A classifier's numeric labels are integers of at most 2^53 in magnitude."),
					 errhint("Train a regression, such as algorithm 'linear', on a continuous target.")));
	}
	/* s.col: the label column itself, not the text output column of that name */
	sql = psprintf("SELECT %s FROM (SELECT DISTINCT %s FROM %s%s WHERE %s IS NOT NULL) s "
				   "ORDER BY s.%s LIMIT %d",
				   MlopsLabelTextSql(a->target, a->target_type, a->label_kind), col,
				   a->relname, sample ? sample : "", col, col, MLOPS_MAX_CLASSES + 1);
	if (SPI_execute(sql, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "reading the classes failed");
	if (sample != NULL && (SPI_processed < 2 || SPI_processed > MLOPS_MAX_CLASSES))
	{
		/* what the errors below report needs every row */
		ResolveClasses(a, false);
		return;
	}
	a->classes_sampled = sample != NULL;
	if (SPI_processed > MLOPS_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("target column \"%s\" has more than %d classes",
						a->target, MLOPS_MAX_CLASSES)));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 errdetail("Target column \"%s\" of relation %s holds no value.",
						   a->target, a->relname)));
	if (SPI_processed == 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("target column \"%s\" holds a single class, \"%s\"",
						a->target, SPI_getvalue(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1)),
				 errdetail("A classifier needs at least two classes.")));
	a->nclasses = (int) SPI_processed;
	a->classes = palloc(sizeof(char *) * a->nclasses);
	for (i = 0; i < a->nclasses; i++)
	{
		a->classes[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		if (strlen(a->classes[i]) > MLOPS_MAX_LABEL_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a class label of target column \"%s\" is longer than %d bytes",
							a->target, MLOPS_MAX_LABEL_LEN)));
	}
	a->target_sql = MlopsClassIndexSql(a->target,
									   MlopsLabelTextSql(a->target, a->target_type,
														 a->label_kind),
									   a->classes, a->nclasses, true);
}

/*
 * algorithm => 'auto': the facts the choice rests on (algorithm.c makes
 * it): whether there is a target, whether its type holds labels rather
 * than numbers, and for numbers whether exactly two distinct values
 * occur, read as the caller.  A column that does not exist is left to
 * ResolveColumns to report.
 */
static const MlopsAlgorithmRoutine *
AutoAlgorithm(const char *target, Oid relid)
{
	AttrNumber	att;
	Oid			base;
	int64		ndistinct = 0;
	bool		isnull;

	if (target == NULL)
		return MlopsAlgorithmAuto(false, false, 0);
	att = get_attnum(relid, target);
	if (att == InvalidAttrNumber)
		return MlopsAlgorithmAuto(true, false, 0);
	base = getBaseType(get_atttype(relid, att));
	if (base == BOOLOID || base == TEXTOID || base == VARCHAROID ||
		base == BPCHAROID || type_is_enum(base))
		return MlopsAlgorithmAuto(true, true, 0);
	/* without the privilege to read it, ResolveColumns says so */
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_attribute_aclcheck(relid, att, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return MlopsAlgorithmAuto(true, false, 0);
	if (IsNumericType(base))
	{
		/*
		 * Up to three distinct values, each found by a scan that stops at
		 * it: a DISTINCT ... LIMIT 3 hashes every row first (2 s of a
		 * million-row regression target).
		 */
		const char *c = quote_identifier(target);
		const char *rel = MlopsRelationToRead(relid);
		char	   *sql = psprintf("WITH v1 AS (SELECT %s AS v FROM %s WHERE %s IS NOT NULL LIMIT 1), "
								   "v2 AS (SELECT %s AS v FROM %s WHERE %s OPERATOR(pg_catalog.<>) (SELECT v FROM v1) LIMIT 1), "
								   "v3 AS (SELECT %s AS v FROM %s WHERE %s OPERATOR(pg_catalog.<>) (SELECT v FROM v1) "
								   "AND %s OPERATOR(pg_catalog.<>) (SELECT v FROM v2) LIMIT 1) "
								   "SELECT (SELECT pg_catalog.count(*) FROM v1) OPERATOR(pg_catalog.+) "
								   "(SELECT pg_catalog.count(*) FROM v2) OPERATOR(pg_catalog.+) "
								   "(SELECT pg_catalog.count(*) FROM v3)",
								   c, rel, c, c, rel, c, c, rel, c, c);

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute(sql, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "counting the target's values failed");
		ndistinct = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1, &isnull));
		SPI_finish();
	}
	return MlopsAlgorithmAuto(true, false, ndistinct);
}

/*
 * A supervised family needs a target, and clustering and decomposition
 * take none; they learn from every row, so test_size does not apply.
 */
static void
CheckTargetGiven(TrainArgs *a)
{
	bool		supervised = a->algo->task == MLOPS_TASK_REGRESSION ||
		a->algo->task == MLOPS_TASK_CLASSIFICATION;

	if (supervised && a->target == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("algorithm \"%s\" needs a target column", a->algo->name),
				 errhint("Pass the column to predict as target; only clustering and decomposition train without one.")));
	if (!supervised && a->target != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("algorithm \"%s\" takes no target, but target \"%s\" was given",
						a->algo->name, a->target),
				 errhint("Pass target => NULL: %s learns from the features alone.",
						 MlopsTaskName(a->algo->task))));
	if (!supervised)
		a->test_size = 0;
}

/*
 * Check the relation and the columns, and that the caller may read them:
 * SELECT on the table, or on every column used.
 */
static void
ResolveColumns(TrainArgs *a, ArrayType *features)
{
	Relation	rel;
	TupleDesc	desc;
	Form_pg_attribute att;
	AttrNumber *attnums;
	int			i,
				j;
	bool		table_ok;
	NonNumeric	nn;

	nn.count = 0;
	a->relname = MlopsRelationToRead(a->relid);

	rel = relation_open(a->relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	attnums = palloc(sizeof(AttrNumber) * (desc->natts + 1));
	att = NULL;
	attnums[0] = InvalidAttrNumber;
	if (a->target != NULL)
	{
		att = FindColumn(desc, a->target, a->relname);
		CheckTargetType(a, att);
		a->target_type = att->atttypid;
		attnums[0] = att->attnum;
	}

	if (features == NULL)
	{
		a->features = palloc(sizeof(char *) * desc->natts);
		a->feature_types = palloc(sizeof(Oid) * desc->natts);
		a->nfeat = 0;
		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute f = TupleDescAttr(desc, i);

			if (f->attisdropped || f->attnum == attnums[0])
				continue;
			NoteNonNumeric(&nn, f);
			a->features[a->nfeat] = pstrdup(NameStr(f->attname));
			a->feature_types[a->nfeat] = f->atttypid;
			attnums[++a->nfeat] = f->attnum;
		}
		if (a->nfeat == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relation %s has no column besides the target to use as a feature",
							a->relname)));
	}
	else
	{
		Datum	   *elems;
		bool	   *nulls;

		if (ARR_NDIM(features) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("features must be a one-dimensional array")));
		deconstruct_array(features, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &a->nfeat);
		if (a->nfeat == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("features must not be empty"),
					 errhint("Pass NULL to use every column except the target.")));
		if (a->nfeat > MLOPS_MAX_FEATURES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a model cannot have more than %d features, got %d",
							MLOPS_MAX_FEATURES, a->nfeat)));
		a->features = palloc(sizeof(char *) * a->nfeat);
		a->feature_types = palloc(sizeof(Oid) * a->nfeat);
		for (i = 0; i < a->nfeat; i++)
		{
			Form_pg_attribute f;

			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("feature name %d is NULL", i + 1)));
			a->features[i] = TextDatumGetCString(elems[i]);
			for (j = 0; j < i; j++)
				if (strcmp(a->features[j], a->features[i]) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_DUPLICATE_COLUMN),
							 errmsg("feature \"%s\" is listed more than once",
									a->features[i])));
			if (a->target != NULL && strcmp(a->features[i], a->target) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("column \"%s\" cannot be both the target and a feature",
								a->target)));
			f = FindColumn(desc, a->features[i], a->relname);
			NoteNonNumeric(&nn, f);
			a->feature_types[i] = f->atttypid;
			attnums[i + 1] = f->attnum;
		}
	}
	ReportNonNumeric(&nn, features == NULL);

	/* privileges: the table, or each column we read */
	table_ok = pg_class_aclcheck(a->relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
	for (i = a->target ? 0 : 1; !table_ok && i <= a->nfeat; i++)
		if (pg_attribute_aclcheck(a->relid, attnums[i], GetUserId(),
								  ACL_SELECT) != ACLCHECK_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to train on column \"%s\" of relation %s",
							i == 0 ? a->target : a->features[i - 1], a->relname)));
	relation_close(rel, AccessShareLock);

}

/*
 * The entries of a hyperparameter that is an object of column: value, each
 * as its column's index and its value; a key that is not a feature is an
 * error naming the hyperparameter (what) and the key.  Returns how many.
 */
static int
ColumnEntries(const TrainArgs *a, Jsonb *obj, const char *what, int **cols,
			  JsonbValue **vals)
{
	char	  **keys;
	int			n = ObjectEntries(&obj->root, &keys, vals);
	int			e;
	int			i;

	*cols = palloc(sizeof(int) * Max(n, 1));
	for (e = 0; e < n; e++)
	{
		for (i = 0; i < a->nfeat; i++)
			if (strcmp(a->features[i], keys[e]) == 0)
				break;
		if (i == a->nfeat)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s names column \"%s\", which is not a feature", what, keys[e])));
		(*cols)[e] = i;
	}
	return n;
}

/* A strategy's MlopsImpute, or an error naming it. */
static MlopsImpute
ImputeStrategy(const TrainArgs *a, const char *name)
{
	MlopsImpute i;

	for (i = MLOPS_IMPUTE_DROP; i <= MLOPS_IMPUTE_MISSING; i++)
		if (strcmp(name, MlopsImputeName(i)) == 0)
			break;
	if (i > MLOPS_IMPUTE_MISSING)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown impute strategy \"%s\"", name),
				 errhint("Strategies: \"drop\", \"mean\", \"median\", \"constant\" (with impute_value), \"missing\" (trees).")));
	if (i == MLOPS_IMPUTE_MISSING && !a->algo->missing_values)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("impute \"missing\" needs a family that learns where missing values go, not \"%s\"",
						a->algo->name),
				 errhint("Tree families (xgboost, random_forest) take missing values.")));
	return i;
}

/*
 * Each column's imputation from hyperparams' impute: one strategy for
 * every numeric and boolean column, or per column; a column named that is
 * not a feature, or is categorical (a NULL there is a category), is an
 * error, and so is constant without impute_value or impute_value without
 * constant.
 */
static MlopsImpute *
ImputeByColumn(const TrainArgs *a)
{
	MlopsImpute *imp = palloc0(sizeof(MlopsImpute) * a->nfeat);
	bool		constant = false;
	int			i;

	for (i = 0; i < a->nfeat; i++)
	{
		MlopsColumnKind kind;
		MlopsTypeFamily family;

		(void) MlopsColumnKindFor(a->feature_types[i], &kind, &family);
		if (kind != MLOPS_COLUMN_NUMERIC && kind != MLOPS_COLUMN_BOOLEAN)
			continue;
		if (a->impute_all != NULL)
			imp[i] = ImputeStrategy(a, a->impute_all);
		else if (a->algo->missing_values)
			imp[i] = MLOPS_IMPUTE_MISSING;
	}
	if (a->impute_all != NULL)
		(void) ImputeStrategy(a, a->impute_all);
	if (a->impute_columns != NULL)
	{
		int		   *cols;
		JsonbValue *vals;
		int			n = ColumnEntries(a, a->impute_columns, "impute", &cols, &vals);
		int			e;

		for (e = 0; e < n; e++)
		{
			const char *col = a->features[cols[e]];
			MlopsColumnKind kind;
			MlopsTypeFamily family;

			(void) MlopsColumnKindFor(a->feature_types[cols[e]], &kind, &family);
			if (kind == MLOPS_COLUMN_CATEGORICAL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("impute names column \"%s\", which is categorical", col),
						 errdetail("A NULL in a categorical column is a category of its own.")));
			if (kind == MLOPS_COLUMN_ARRAY)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("impute names column \"%s\", an array, whose NULLs are not imputed", col)));
			if (vals[e].type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the impute strategy of column \"%s\" must be a string", col)));
			imp[cols[e]] = ImputeStrategy(a, pnstrdup(vals[e].val.string.val,
												  vals[e].val.string.len));
		}
	}
	for (i = 0; i < a->nfeat; i++)
		constant |= imp[i] == MLOPS_IMPUTE_CONSTANT;
	if (constant != !isnan(a->impute_value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 constant ?
				 errmsg("impute \"constant\" needs impute_value, the number that stands in for NULL") :
				 errmsg("impute_value is only used with impute \"constant\"")));
	return imp;
}

/* The bit of a date part's name in a parts mask, or an error naming it. */
static uint32
PartBits(const JsonbValue *v)
{
	MlopsDatePart p;

	for (p = MLOPS_PART_NONE + 1; v->type == jbvString && p <= MLOPS_PART_LAST; p++)
		if (strlen(MlopsDatePartName(p)) == v->val.string.len &&
			memcmp(MlopsDatePartName(p), v->val.string.val, v->val.string.len) == 0)
			return 1 << p;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 v->type == jbvString ?
			 errmsg("unknown date part \"%.*s\"", v->val.string.len, v->val.string.val) :
			 errmsg("a date part must be a string"),
			 errhint("Parts: \"dow\", \"day\", \"month\", \"quarter\", \"hour\".")));
	return 0;					/* keep compiler quiet */
}

/* The parts mask of a JSON array of part names. */
static uint32
PartsOf(JsonbContainer *arr, const char *column)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	uint32		bits = 0;

	if (!JsonContainerIsArray(arr) || JsonContainerIsScalar(arr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 column ?
				 errmsg("the date parts of column \"%s\" must be an array of parts", column) :
				 errmsg("hyperparameter \"date_parts\" must be an array of parts or an object of column: parts")));
	it = JsonbIteratorInit(arr);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_ELEM)
			bits |= PartBits(&v);
	return bits;
}

/*
 * Each column's date parts from hyperparams' date_parts: one list for
 * every date and time column (a date has no hour: skipped), or per
 * column, where a column that is no date or time, or an hour of a date,
 * is an error.
 */
static uint32 *
PartsByColumn(const TrainArgs *a)
{
	uint32	   *parts = palloc0(sizeof(uint32) * a->nfeat);
	JsonbContainer *root;
	int			i;

	if (a->date_parts == NULL)
		return parts;
	root = &a->date_parts->root;
	if (JsonContainerIsArray(root))
	{
		uint32		bits = PartsOf(root, NULL);

		for (i = 0; i < a->nfeat; i++)
		{
			MlopsColumnKind kind;
			MlopsTypeFamily family;

			(void) MlopsColumnKindFor(a->feature_types[i], &kind, &family);
			if (MLOPS_IS_TIME_FAMILY(family))
				parts[i] = family == MLOPS_TYPES_DATE ? bits & ~(1 << MLOPS_PART_HOUR) : bits;
		}
		return parts;
	}
	{
		int		   *cols;
		JsonbValue *vals;
		int			n = ColumnEntries(a, a->date_parts, "date_parts", &cols, &vals);
		int			e;

		for (e = 0; e < n; e++)
		{
			const char *col = a->features[cols[e]];
			MlopsColumnKind kind;
			MlopsTypeFamily family;

			i = cols[e];
			(void) MlopsColumnKindFor(a->feature_types[i], &kind, &family);
			if (!MLOPS_IS_TIME_FAMILY(family))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("date_parts names column \"%s\", which has type %s, not a date or time",
								col, format_type_be(a->feature_types[i]))));
			if (vals[e].type != jbvBinary)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the date parts of column \"%s\" must be an array of parts", col)));
			parts[i] = PartsOf(vals[e].val.binary.data, col);
			if (family == MLOPS_TYPES_DATE && (parts[i] & (1 << MLOPS_PART_HOUR)))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("column \"%s\" is a date, which has no hour", col)));
		}
	}
	return parts;
}

/*
 * The feature spec: each column's encoding, categories learned from the
 * rows training reads; the features' names must differ.
 */
/* Rows of the block sample a big relation's categories are first listed from. */
#define CATEGORY_SAMPLE_ROWS 30000

/*
 * The feature spec: the columns' kinds, and what training learns of them
 * (categories, imputed values, scaling).  With may_sample, a big
 * relation's categories are listed from a block sample, and stand
 * unconfirmed (spec->sampled) until the family's first pass checks them
 * against every row (TrainJob).
 */
static void
LearnSpec(TrainArgs *a, bool may_sample)
{
	MlopsSpecRequest req;
	int			i;
	int			j;

	req.relname = a->relname;
	req.target = a->target;
	req.ncolumns = a->nfeat;
	req.columns = a->features;
	req.types = a->feature_types;
	req.drop_first = a->algo->drops_reference && a->algo->drops_reference(a->params);
	req.max_categories = a->max_categories;
	req.overflow_error = a->on_overflow == 1;
	req.impute = ImputeByColumn(a);
	req.parts = PartsByColumn(a);
	req.scale = a->scale;
	req.impute_value = a->impute_value;
	req.sample = may_sample ?
		MlopsSampleClauseFor(a->relid, a->seed, CATEGORY_SAMPLE_ROWS) : NULL;
	a->spec = MlopsLearnSpec(&req);
	a->encoded = MlopsSpecFeatureNames(a->spec);
	if (MlopsSpecIsPlain(a->spec))
		return;
	for (i = 0; i < a->spec->nfeat; i++)
		for (j = 0; j < i; j++)
			if (strcmp(a->encoded[i], a->encoded[j]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_COLUMN),
						 errmsg("two features would be named \"%s\"", a->encoded[i]),
						 errdetail("A categorical column's features are named column=category, column=__other__ and column IS NULL."),
						 errhint("Rename a column or a category in a view.")));
}

/*
 * How the passes receive a row: the target (as a number, or a
 * classifier's class index) and features as separate arguments after
 * their options, or, past MLOPS_MAX_ARGS_FEATURES, as ARRAY[features],
 * target before their options.
 */
static void
BuildRowSql(TrainArgs *a)
{
	StringInfoData sql;
	int			i;

	initStringInfo(&sql);
	a->row_dd_sql = NULL;
	if (!MlopsSpecIsPlain(a->spec))
	{
		/* the spec, the target and the columns as they are, to encode */
		appendStringInfoString(&sql, MlopsSpecArgsSql(a->spec, a->target_sql));
		a->row_sql = sql.data;
		return;
	}
	if (a->nfeat <= MLOPS_MAX_ARGS_FEATURES)
	{
		if (a->target_sql != NULL)
			appendStringInfoString(&sql, a->target_sql);
		for (i = 0; i < a->nfeat; i++)
			appendStringInfo(&sql, "%s%s::pg_catalog.float8",
							 i > 0 || a->target_sql ? ", " : "",
							 quote_identifier(a->features[i]));
	}
	else
	{
		appendStringInfoString(&sql, "ARRAY[");
		for (i = 0; i < a->nfeat; i++)
			appendStringInfo(&sql, "%s%s::pg_catalog.float8", i ? ", " : "",
							 quote_identifier(a->features[i]));
		appendStringInfoString(&sql, "]::pg_catalog.float8[]");
		if (a->target_sql != NULL)
			appendStringInfo(&sql, ", %s", a->target_sql);
	}
	a->row_sql = sql.data;
	if (a->label_kind != MLOPS_LABEL_NONE || a->target == NULL)
		return;

	/*
	 * numeric and bigint values may carry more digits than a double: the
	 * refinement passes then get those columns as they are, and read them
	 * as double-doubles (the double and what it rounded off), so they
	 * refine towards the least-squares solution of the data as stored, not
	 * of its rounding.
	 */
	if (a->nfeat <= MLOPS_MAX_ARGS_FEATURES)
	{
		bool		exact = HasExactDigits(a->target_type);

		for (i = 0; i < a->nfeat; i++)
			exact |= HasExactDigits(a->feature_types[i]);
		if (exact)
		{
			initStringInfo(&sql);
			AppendExact(&sql, a->target, a->target_type);
			for (i = 0; i < a->nfeat; i++)
			{
				appendStringInfoString(&sql, ", ");
				AppendExact(&sql, a->features[i], a->feature_types[i]);
			}
			a->row_dd_sql = sql.data;
		}
	}
}

/* Types whose values a double may not hold exactly. */
static bool
HasExactDigits(Oid type)
{
	Oid			base = getBaseType(type);

	return base == NUMERICOID || base == INT8OID;
}

/* col as numeric when a double may not hold it exactly, else as float8 */
static void
AppendExact(StringInfo sql, const char *col, Oid type)
{
	appendStringInfo(sql, "%s::pg_catalog.%s", quote_identifier(col),
					 HasExactDigits(type) ? "numeric" : "float8");
}

/*
 * deploy => 'best': the deployed version, looked up before the passes and
 * scored by the metrics pass on the new version's held-out rows (its
 * split is decided from the new version's values; the deployed version
 * reads its own feature columns, which may be others).
 */
typedef struct Compare
{
	bool		deployed;		/* a version was deployed at the start */
	int32		version;		/* which */
	char	   *problem;		/* why the two cannot be compared, or NULL */
	const MlopsModel *other;	/* the deployed version's model */
	MlopsCompare pass;			/* what the family's pass compares with */
	bool		by_filter;		/* either reads typed columns: CompareFiltered */
} Compare;

/*
 * Why the deployed version's spec cannot read the relation's rows, or
 * NULL: a column it reads missing, of another type family, unreadable by
 * the current role, or the target.
 */
static char *
SpecColumnProblem(Oid relid, const char *relname, const char *target,
				  const MlopsFeatureSpec *spec, int32 version)
{
	Relation	rel = relation_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	char	   *problem = NULL;
	int			i;

	for (i = 0; i < spec->ncolumns && problem == NULL; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];
		Form_pg_attribute att = LookUpColumn(desc, c->name);
		MlopsColumnKind kind;
		MlopsTypeFamily family;

		if (att == NULL)
			problem = psprintf("Version %d reads column \"%s\", which relation %s does not have.",
							   version, c->name, relname);
		else if (!MlopsColumnKindFor(att->atttypid, &kind, &family) || family != c->family ||
				 (kind == MLOPS_COLUMN_ARRAY) != (c->kind == MLOPS_COLUMN_ARRAY))
			problem = psprintf("Version %d reads column \"%s\" as %s, which has type %s in relation %s.",
							   version, c->name, c->type_name, format_type_be(att->atttypid),
							   relname);
		else if (target != NULL && strcmp(c->name, target) == 0)
			problem = psprintf("Version %d reads column \"%s\", the target.", version, c->name);
		else if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
				 pg_attribute_aclcheck(relid, att->attnum, GetUserId(),
									   ACL_SELECT) != ACLCHECK_OK)
			problem = psprintf("Version %d reads column \"%s\" of relation %s, which the current role may not read.",
							   version, c->name, relname);
	}
	relation_close(rel, AccessShareLock);
	return problem;
}

/*
 * Look the deployed version up (as the catalog owner: DeployFor made sure
 * the caller holds train, deploy and predict), fetch its stored model for
 * the pass to score, and map its features to the pass's values: the new
 * version's features where it shares them, else extra columns, which
 * must exist, be numeric and readable by the caller.
 */
static void
PrepareCompare(const TrainArgs *a, Compare *cmp)
{
	MlopsVersionRef ref;
	char	   *target;
	const MlopsModel *model;
	bytea	   *artifact;
	Relation	rel;
	Datum	   *op;
	StringInfoData extra;
	int			nextra = 0;
	int			j;
	int			i;

	memset(cmp, 0, sizeof(*cmp));
	if (!MlopsDeployedVersion(a->model, &ref, &target))
		return;
	cmp->deployed = true;
	cmp->version = ref.version;
	if (a->test_size == 0 && a->target != NULL)
	{
		cmp->problem = pstrdup("test_size is 0, so no row is held out to compare on.");
		return;
	}
	if ((target == NULL) != (a->target == NULL) ||
		(target != NULL && strcmp(target, a->target) != 0))
	{
		cmp->problem = psprintf("Version %d predicts \"%s\", the new version \"%s\".",
								ref.version, target ? target : "", a->target);
		return;
	}
	/*
	 * Under a snapshot taken now, as the lookup was: the version may have
	 * been written earlier in this statement (another mlops.train call).
	 */
	PushActiveSnapshot(GetTransactionSnapshot());
	model = MlopsGetModel(&ref, CurrentMemoryContext);
	artifact = MlopsFetchArtifact(&ref);
	PopActiveSnapshot();
	cmp->other = model;
	if (!MlopsSpecIsPlain(a->spec) || !MlopsSpecIsPlain(model->spec))
	{
		cmp->by_filter = true;
		cmp->pass.artifact = PointerGetDatum(artifact);
		cmp->problem = SpecColumnProblem(a->relid, a->relname, a->target, model->spec,
										 ref.version);
		/* the new version's row as separate arguments, for mlops._held_out */
		if (cmp->problem == NULL && MlopsSpecIsPlain(a->spec) &&
			a->nfeat > MLOPS_MAX_ARGS_FEATURES)
			cmp->problem = psprintf("The new version reads %d columns, more than a comparison with version %d, which reads typed columns, can read (%d).",
									a->nfeat, ref.version, MLOPS_MAX_ARGS_FEATURES);
		return;
	}

	rel = relation_open(a->relid, AccessShareLock);
	op = palloc(sizeof(Datum) * model->nfeat);
	initStringInfo(&extra);
	for (j = 0; j < model->nfeat && cmp->problem == NULL; j++)
	{
		const char *name = model->feature_names[j];

		for (i = 0; i < a->nfeat; i++)
			if (strcmp(a->features[i], name) == 0)
				break;
		if (i < a->nfeat)
		{
			op[j] = Int32GetDatum(i + 1);
			continue;
		}
		/* an extra column: once, however often it is read */
		cmp->problem = ColumnProblem(RelationGetDescr(rel), a->relid,
									 a->relname, ref.version, name);
		if (cmp->problem == NULL && strcmp(name, a->target) == 0)
			cmp->problem = psprintf("Version %d reads column \"%s\", the target.",
									ref.version, name);
		for (i = 0; i < j; i++)
			if (strcmp(model->feature_names[i], name) == 0)
				break;
		if (i < j)
			op[j] = op[i];
		else
		{
			appendStringInfo(&extra, "%s%s::pg_catalog.float8", nextra ? ", " : "",
							 quote_identifier(name));
			op[j] = Int32GetDatum(a->nfeat + ++nextra);
		}
	}
	relation_close(rel, AccessShareLock);
	if (cmp->problem != NULL)
		return;
	cmp->pass.version = ref.version;
	cmp->pass.artifact = PointerGetDatum(artifact);
	cmp->pass.positions = PointerGetDatum(construct_array(op, model->nfeat, INT4OID,
														  sizeof(int32), true,
														  TYPALIGN_INT));
	cmp->pass.extra_sql = nextra ? psprintf("ARRAY[%s]::pg_catalog.float8[]", extra.data)
		: pstrdup("NULL::pg_catalog.float8[]");
}

/*
 * Hand the resolved arguments to the family, which runs its passes and
 * fills the job's results (and, when comparing, cmp's totals).  Fail
 * before the first scan when the fit cannot fit in memory.
 */
static void
TrainJob(TrainArgs *a, Compare *cmp, MlopsTrainJob *job)
{
	memset(job, 0, sizeof(*job));
	job->model = a->model;
	job->relid = a->relid;
	job->relname = a->relname;
	job->target = a->target;
	job->target_sql = a->target_sql;
	job->target_type = a->target_type;
	job->nfeat = a->spec->nfeat;
	job->features = a->encoded;
	job->spec = a->spec;
	job->row_sql = a->row_sql;
	job->row_dd_sql = a->row_dd_sql;
	job->test_size = a->test_size;
	job->seed = a->seed;
	job->params = a->params;
	job->label_kind = a->label_kind;
	job->nclasses = a->nclasses;
	job->classes = a->classes;
	job->compare = cmp->deployed && cmp->problem == NULL && !cmp->by_filter ?
		&cmp->pass : NULL;
	if (a->classes_sampled)
		job->class_check_sql =
			psprintf("pg_catalog.count(*) FILTER (WHERE %s IS NOT NULL AND %s IS NULL)",
					 quote_identifier(a->target), a->target_sql);
	a->algo->train(job);
	if (job->classes_incomplete)
	{
		/* a label the sample did not hold: list every row's, train again */
		ResolveClasses(a, false);
		BuildRowSql(a);
		TrainJob(a, cmp, job);
	}
	else if (job->categories_incomplete)
	{
		/* the same for a category */
		elog(DEBUG1, "the categories of a sample were incomplete: listing every row's");
		LearnSpec(a, false);
		BuildRowSql(a);
		TrainJob(a, cmp, job);
	}
}

static Jsonb *
FeaturesJson(const TrainArgs *a)
{
	return MlopsSpecJson(a->spec);
}

/* The hyperparameters as stored with the version, defaults included. */
static Jsonb *
HyperparamsJson(const TrainArgs *a)
{
	StringInfoData s;
	const MlopsParamDef *p;
	int			i;

	initStringInfo(&s);
	appendStringInfo(&s, "{\"seed\": %lld", (long long) a->seed);
	MlopsJsonNumber(&s, "test_size", a->test_size);
	if (a->impute_all != NULL)
	{
		appendStringInfoString(&s, ", \"impute\": ");
		escape_json(&s, a->impute_all);
	}
	if (a->impute_columns != NULL)
		appendStringInfo(&s, ", \"impute\": %s",
						 JsonbToCString(NULL, &a->impute_columns->root,
										VARSIZE(a->impute_columns)));
	if (!isnan(a->impute_value))
		MlopsJsonNumber(&s, "impute_value", a->impute_value);
	if (a->scale != MLOPS_SCALE_NONE)
		appendStringInfo(&s, ", \"scale\": \"%s\"", scale_choices[a->scale]);
	if (a->date_parts != NULL)
		appendStringInfo(&s, ", \"date_parts\": %s",
						 JsonbToCString(NULL, &a->date_parts->root, VARSIZE(a->date_parts)));
	for (i = 0; i < a->spec->ncolumns; i++)
		if (a->spec->columns[i].kind == MLOPS_COLUMN_CATEGORICAL)
		{
			appendStringInfo(&s, ", \"max_categories\": %d, \"on_overflow\": \"%s\"",
							 a->max_categories, overflow_choices[a->on_overflow]);
			break;
		}
	for (p = a->algo->params; p->name != NULL; p++)
	{
		const char *field = (const char *) a->params + p->offset;

		if (p->kind == MLOPS_PARAM_BOOL)
			appendStringInfo(&s, ", \"%s\": %s", p->name,
							 *(const bool *) field ? "true" : "false");
		else if (p->kind == MLOPS_PARAM_INT && *(const int *) field < p->min)
			appendStringInfo(&s, ", \"%s\": null", p->name);
		else if (p->kind == MLOPS_PARAM_INT)
			appendStringInfo(&s, ", \"%s\": %d", p->name, *(const int *) field);
		else if (p->kind == MLOPS_PARAM_ENUM)
		{
			appendStringInfo(&s, ", \"%s\": ", p->name);
			escape_json(&s, p->choices[*(const int *) field]);
		}
		else
			MlopsJsonNumber(&s, p->name, *(const double *) field);
	}
	appendStringInfoChar(&s, '}');
	return MlopsJsonbFromString(s.data);
}

static void
RequireArg(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", name)));
}

/*
 * What deploy => x means for the caller's privileges on an existing model.
 * Without deploy, 'always' is refused and 'best' trains without deploying.
 * 'best' scores the deployed version on the new version's held-out rows,
 * which is scoring it: without predict it would let a role that may not
 * score the model learn its errors on rows of its choosing, so it trains
 * without deploying too.
 */
static char *
DeployFor(const char *model, char *deploy, int mask)
{
	if (!(mask & MLOPS_PRIV_DEPLOY) && strcmp(deploy, "always") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for model \"%s\": deploy privilege required",
						model),
				 errdetail("deploy => 'always' deploys the new version."),
				 errhint("Train with deploy => 'never', or have a role that owns the model grant deploy with mlops.grant().")));
	if (strcmp(deploy, "best") != 0 ||
		(mask & (MLOPS_PRIV_DEPLOY | MLOPS_PRIV_PREDICT)) ==
		(MLOPS_PRIV_DEPLOY | MLOPS_PRIV_PREDICT))
		return deploy;
	ereport(NOTICE,
			(errmsg("the new version of model \"%s\" will not be deployed",
					model),
			 (mask & MLOPS_PRIV_DEPLOY) ?
			 errdetail("deploy => 'best' scores the deployed version on the new version's test rows, which needs the predict privilege; it acts as 'never'.") :
			 errdetail("deploy => 'best' needs the deploy privilege, which the current role does not hold; it acts as 'never'.")));
	return "never";
}

/* A number key of a metrics document, NaN when absent or null. */
static double
MetricOf(Jsonb *metrics, const char *key)
{
	JsonbValue *v = getKeyJsonValueFromContainer(&metrics->root, key, strlen(key), NULL);

	if (v == NULL || v->type != jbvNumeric)
		return get_float8_nan();
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  NumericGetDatum(v->val.numeric)));
}

/*
 * Why the deployed version and the new one cannot be compared by their
 * score on the same rows, or NULL: a classifier of other classes, a
 * clustering of another k or other features, a decomposition.
 */
static char *
ScoreProblem(const Compare *cmp, const MlopsModel *cand, const char *cand_name)
{
	const MlopsModel *o = cmp->other;
	int			i;

	if (o->algo->task != cand->algo->task || o->algo->task == MLOPS_TASK_DECOMPOSITION)
		return psprintf("Version %d is a %s model; versions of a decomposition are not compared.",
						cmp->version, o->algo->name);
	if (o->nclasses != cand->nclasses)
		return psprintf("Version %d has %d classes, %s %d.",
						cmp->version, o->nclasses, cand_name, cand->nclasses);
	for (i = 0; i < o->nclasses; i++)
		if (strcmp(o->classes[i], cand->classes[i]) != 0)
			return psprintf("Version %d was trained on other classes than %s.",
							cmp->version, cand_name);
	if (o->algo->task == MLOPS_TASK_CLUSTERING)
	{
		if (o->algo->outputs(o) != cand->algo->outputs(cand))
			return psprintf("Version %d has %d clusters, %s %d.", cmp->version,
							o->algo->outputs(o), cand_name, cand->algo->outputs(cand));
		if (o->nfeat != cand->nfeat)
			return psprintf("Version %d clusters other features than %s.",
							cmp->version, cand_name);
		for (i = 0; i < o->nfeat; i++)
			if (strcmp(o->feature_names[i], cand->feature_names[i]) != 0)
				return psprintf("Version %d clusters other features than %s.",
								cmp->version, cand_name);
	}
	return NULL;
}

/* ARRAY[columns]::float8[] of feature names, in SQL. */
static void
AppendFloatArray(StringInfo sql, char **names, int n)
{
	int			i;

	appendStringInfoString(sql, "ARRAY[");
	for (i = 0; i < n; i++)
		appendStringInfo(sql, "%s%s::pg_catalog.float8", i ? ", " : "", quote_identifier(names[i]));
	appendStringInfoString(sql, "]::pg_catalog.float8[]");
}

/*
 * The evaluation pass of the deployed version on the new version's
 * held-out rows.  Both plain: the deployed version's features and the new
 * one's, which decide the split, as arrays.  Either reading typed columns
 * (by_filter): the rows mlops._held_out says the new version's split
 * holds out, each version's row read through its own spec.
 */
static char *
ScoreCompareSql(const TrainArgs *a, const Compare *cmp)
{
	const MlopsModel *o = cmp->other;
	const char *target_sql = a->target_sql ? a->target_sql : "NULL::pg_catalog.float8";
	StringInfoData sql;

	initStringInfo(&sql);
	if (!cmp->by_filter)
	{
		appendStringInfo(&sql, "SELECT mlops._eval_state($1, $2, $3, %s, ", target_sql);
		AppendFloatArray(&sql, o->feature_names, o->nfeat);
		appendStringInfoString(&sql, ", ");
		AppendFloatArray(&sql, a->features, a->nfeat);
		appendStringInfo(&sql, ") FROM %s", a->relname);
		return sql.data;
	}
	appendStringInfoString(&sql, "SELECT mlops._eval_state($1, 0, 0, ");
	if (MlopsSpecIsPlain(o->spec))
	{
		appendStringInfo(&sql, "%s, ", target_sql);
		AppendFloatArray(&sql, o->feature_names, o->nfeat);
	}
	else
		appendStringInfoString(&sql, MlopsSpecArgsSql(o->spec, a->target_sql));
	appendStringInfo(&sql, ") FROM %s", a->relname);
	/* clustering is compared on every row */
	if (a->test_size > 0)
		appendStringInfo(&sql, " WHERE mlops._held_out($2, $3, %s)", a->row_sql);
	return sql.data;
}

/*
 * deploy => 'best' for a family whose passes do not compare, or when
 * either version reads typed columns: score the deployed version with
 * the evaluation pass on the rows the new version held out (the split
 * decided from the new version's features and target, so exactly its
 * test rows; every row for clustering), and compare its score with the
 * new version's, which the same rows gave.
 */
static void
CompareByScore(const TrainArgs *a, MlopsTrainJob *job, Compare *cmp)
{
	const char *error;
	MlopsModel *cand = MlopsArtifactDecode(VARDATA_ANY(job->artifact),
										   VARSIZE_ANY_EXHDR(job->artifact), &error);
	Oid			types[3] = {BYTEAOID, FLOAT8OID, INT8OID};
	Datum		values[3];
	bool		isnull;
	Datum		m;

	if (cand == NULL)
		elog(ERROR, "the new version's artifact is invalid: %s", error);
	cmp->problem = ScoreProblem(cmp, cand, "the new version");
	if (cmp->problem != NULL)
		return;
	values[0] = cmp->pass.artifact;
	values[1] = Float8GetDatum(a->test_size);
	values[2] = Int64GetDatum(a->seed);
	m = MlopsRunPass(ScoreCompareSql(a, cmp), 3, types, values, &isnull);
	CompareTotalsFrom(job, cmp, m, isnull);
}

/* The totals of a comparison by score, from the deployed version's metrics. */
static void
CompareTotalsFrom(MlopsTrainJob *job, Compare *cmp, Datum m, bool isnull)
{
	CompareTotals *t = &cmp->pass.totals;
	JsonbValue *metric;

	metric = getKeyJsonValueFromContainer(&job->metrics->root, "score_metric", 12, NULL);
	t->by_score = true;
	t->metric = metric && metric->type == jbvString ?
		pnstrdup(metric->val.string.val, metric->val.string.len) : "score";
	t->score_candidate = MetricOf(job->metrics, "score");
	t->n = isnull ? 0 : MetricOf(DatumGetJsonbP(m), "n");
	t->score_other = isnull ? get_float8_nan() : MetricOf(DatumGetJsonbP(m), "score");
	t->skipped = isnull ? 0 : MetricOf(DatumGetJsonbP(m), "rows_skipped");
	t->done = true;
}

/* A version and its r2 from an SSE, as a JSON object. */
static void
JsonVersionR2(StringInfo buf, const char *key, int32 version, double sse,
			  double m2_y)
{
	appendStringInfo(buf, ", \"%s\": {\"version\": %d", key, version);
	MlopsJsonNumber(buf, "r2", m2_y > 0 ? 1.0 - sse / m2_y : get_float8_nan());
	appendStringInfoChar(buf, '}');
}

/*
 * Whether the new version's score beats the deployed one's on the same
 * rows (inertia lower, any other score higher; a difference below 1e-12
 * relative is a tie, which keeps the deployed version), with the figures
 * in *detail.
 */
static bool
BetterScore(const TrainArgs *a, const CompareTotals *t, int32 version,
			int32 now, char **detail)
{
	bool		lower = strcmp(t->metric, "inertia") == 0;
	double		gain = lower ? t->score_other - t->score_candidate :
		t->score_candidate - t->score_other;
	StringInfoData buf;

	if (!(gain > 1e-12 * Max(fabs(t->score_other), 1e-300)))
		return false;
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"compared_on\": \"%s of version %d\", \"relation\": ",
					 a->target ? "test split" : "training rows", version);
	escape_json(&buf, a->relname);
	appendStringInfo(&buf, ", \"n\": %.0f, \"rows_skipped\": %.0f, \"score_metric\": ",
					 t->n, t->skipped);
	escape_json(&buf, t->metric);
	appendStringInfo(&buf, ", \"candidate\": {\"version\": %d", version);
	MlopsJsonNumber(&buf, "score", t->score_candidate);
	appendStringInfo(&buf, "}, \"deployed\": {\"version\": %d", now);
	MlopsJsonNumber(&buf, "score", t->score_other);
	appendStringInfoString(&buf, "}}");
	*detail = buf.data;
	return true;
}

/*
 * deploy => 'best', with the model's row locked: whether the new version
 * goes live, and in *detail the figures it was decided on.  With nothing
 * deployed it does.  Otherwise it must do better than the deployed
 * version on the same held-out rows (lower SSE, so higher r2; a tie, a
 * difference in r2 below MLOPS_R2_TIE, keeps the deployed one), and when the two could not be compared there, the
 * deployed version stays and a NOTICE says why.
 */
static bool
DecideBest(const TrainArgs *a, const Compare *cmp, int64 model_id,
		   int32 version, char **detail)
{
	int32		now = MlopsDeployedVersionNow(model_id);
	const CompareTotals *t = &cmp->pass.totals;
	char	   *problem = cmp->problem;
	StringInfoData buf;

	*detail = NULL;
	if (now == 0)
		return true;
	if (now != cmp->version)
		problem = psprintf("Version %d was deployed while the new version trained.",
						   now);
	else if (problem == NULL && t->n == 0)
		problem = t->skipped > 0 ?
			psprintf("Version %d could score none of the %.0f held-out rows.",
					 now, t->skipped) :
			pstrdup("No row was held out to compare on.");
	if (problem != NULL)
	{
		ereport(NOTICE,
				(errmsg("version %d of model \"%s\" was not deployed",
						version, a->model),
				 errdetail_internal("%s", problem),
				 errhint("deploy => 'best' keeps the deployed version %d when it cannot compare the two on the same rows. Deploy the new one with mlops.deploy('%s', %d), or compare them on a relation with mlops.deploy('%s', 'best', relation, target).",
						 now, a->model, version, a->model)));
		return false;
	}
	if (t->by_score)
		return BetterScore(a, t, version, now, detail);
	if (!(t->sse_other - t->sse_candidate > MLOPS_R2_TIE * t->m2_y))
		return false;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"compared_on\": \"test split of version %d\", \"relation\": ",
					 version);
	escape_json(&buf, a->relname);
	appendStringInfo(&buf, ", \"n\": %.0f, \"rows_skipped\": %.0f", t->n, t->skipped);
	JsonVersionR2(&buf, "candidate", version, t->sse_candidate, t->m2_y);
	JsonVersionR2(&buf, "deployed", now, t->sse_other, t->m2_y);
	appendStringInfoChar(&buf, '}');
	*detail = buf.data;
	return true;
}

/*
 * mlops.train(model, relation, target, algorithm, hyperparams, features,
 * test_size, deploy) returns (model, version, algorithm, metrics, deployed)
 */
PG_FUNCTION_INFO_V1(mlops_train);
Datum
mlops_train(PG_FUNCTION_ARGS)
{
	TrainArgs	a;
	TupleDesc	tupdesc;
	MemoryContext caller_cxt = CurrentMemoryContext;
	TimestampTz start = GetCurrentTimestamp();
	MlopsTrainJob job;
	Compare		cmp;
	char	   *task;
	char	   *detail = NULL;
	MlopsNewVersion nv;
	int64		model_id;
	int32		version;
	bool		deployed = false;
	int			mask;
	Datum		result[5];
	bool		nulls[5] = {false, false, false, false, false};
	long		secs;
	int			usecs;

	memset(&a, 0, sizeof(a));
	RequireArg(fcinfo, 0, "model name");
	RequireArg(fcinfo, 1, "relation");
	RequireArg(fcinfo, 3, "algorithm");
	RequireArg(fcinfo, 4, "hyperparams");
	RequireArg(fcinfo, 6, "test_size");
	RequireArg(fcinfo, 7, "deploy");

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	a.model = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MlopsCheckModelName(a.model);
	a.relid = PG_GETARG_OID(1);
	a.target = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	a.algorithm = text_to_cstring(PG_GETARG_TEXT_PP(3));
	a.test_size = PG_GETARG_FLOAT8(6);
	a.deploy = text_to_cstring(PG_GETARG_TEXT_PP(7));

	if (!(a.test_size >= 0 && a.test_size < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("test_size must be at least 0 and less than 1, not %g",
						a.test_size)));
	if (strcmp(a.deploy, "best") != 0 && strcmp(a.deploy, "always") != 0 &&
		strcmp(a.deploy, "never") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("deploy must be 'best', 'always' or 'never', not \"%s\"",
						a.deploy)));
	PreventCommandIfReadOnly("mlops.train()");
	PreventCommandIfParallelMode("mlops.train()");

	/*
	 * The train privilege (or mlops_trainer for a new model) before any
	 * data is read, and the deploy decision from privileges alone, so that
	 * the outcome never reveals how the new version compares.
	 */
	mask = MlopsAclCheckTrain(a.model, &task);
	a.deploy = DeployFor(a.model, a.deploy, mask);

	/* 'auto' keeps an existing model's task, else reads the target */
	a.algo = strcmp(a.algorithm, "auto") != 0 ? MlopsAlgorithmByName(a.algorithm) :
		task != NULL ? MlopsAlgorithmForTask(task) :
		AutoAlgorithm(a.target, a.relid);
	if (a.algo == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("algorithm \"%s\" is not supported", a.algorithm),
				 errhint("Supported algorithms: %s (and auto).",
						 MlopsAlgorithmNames())));
	a.algorithm = pstrdup(a.algo->name);
	CheckTargetGiven(&a);
	ParseHyperparams(PG_GETARG_JSONB_P(4), &a);
	/* a family of two routines (xgboost): the one for this target */
	if (a.algo->resolve != NULL)
		a.algo = a.algo->resolve(a.params, task != NULL ?
								 strcmp(task, "classification") == 0 :
								 AutoAlgorithm(a.target, a.relid)->task ==
								 MLOPS_TASK_CLASSIFICATION);

	ResolveColumns(&a, PG_ARGISNULL(5) ? NULL : PG_GETARG_ARRAYTYPE_P(5));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (a.label_kind != MLOPS_LABEL_NONE)
		ResolveClasses(&a, a.algo->confirms_classes);
	LearnSpec(&a, a.algo->confirms_categories);
	BuildRowSql(&a);
	memset(&cmp, 0, sizeof(cmp));
	if (strcmp(a.deploy, "best") == 0)
		PrepareCompare(&a, &cmp);
	TrainJob(&a, &cmp, &job);
	if (job.compare != NULL && !job.compare->totals.done)
		CompareByScore(&a, &job, &cmp);
	if (cmp.by_filter && cmp.problem == NULL)
		CompareByScore(&a, &job, &cmp);

	TimestampDifference(start, GetCurrentTimestamp(), &secs, &usecs);
	nv.algorithm = a.algorithm;
	nv.hyperparams = HyperparamsJson(&a);
	nv.features = FeaturesJson(&a);
	nv.target = a.target;
	nv.source = a.relname;
	nv.n_train = job.n_train;
	nv.n_test = job.n_test;
	nv.metrics = job.metrics;
	nv.artifact = job.artifact;
	nv.training_ms = secs * 1000.0 + usecs / 1000.0;

	/* checks create / train again, now that the row is locked */
	model_id = MlopsLockModel(a.model, MlopsTaskName(a.algo->task),
							  MLOPS_PRIV_TRAIN, &mask);
	a.deploy = DeployFor(a.model, a.deploy, mask);
	version = MlopsInsertVersion(model_id, &nv);
	if (strcmp(a.deploy, "always") == 0)
		deployed = true;
	else if (strcmp(a.deploy, "best") == 0)
		deployed = DecideBest(&a, &cmp, model_id, version, &detail);
	if (deployed)
		MlopsRecordDeployment(model_id, version, "train", detail);

	MemoryContextSwitchTo(caller_cxt);
	result[0] = CStringGetTextDatum(a.model);
	result[1] = Int32GetDatum(version);
	result[2] = CStringGetTextDatum(a.algorithm);
	result[3] = PointerGetDatum(DatumGetJsonbPCopy(JsonbPGetDatum(job.metrics)));
	result[4] = BoolGetDatum(deployed);
	SPI_finish();
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc),
													  result, nulls)));
}

/*
 * mlops.deploy(model, 'best', relation, target) for classification and
 * clustering, and for a regression with a version that reads typed
 * columns: every version comparable with the newest one (the same
 * target and classes; for clustering the same k and features) is scored
 * by the evaluation pass on every row of the relation it can score, one
 * scan each, and the best score wins (inertia the lowest, any other the
 * highest; a tie, within 1e-12 relative, goes to the deployed version,
 * else to the newer).  The relation is read as the caller; a label the
 * newest version never saw is an error naming it.  SPI is connected.
 */
static char *
BestByScoreOnRelation(const char *name, Oid relid, const char *relname,
					  const char *target, MlopsVersionRef *refs, char **targets,
					  int nver, int32 current, int32 *best)
{
	const MlopsModel *newest = MlopsGetModel(&refs[nver - 1], CurrentMemoryContext);
	bool		lower = newest->algo->task == MLOPS_TASK_CLUSTERING;
	char	   *target_sql = "NULL::pg_catalog.float8";
	char	   *metric = NULL;
	StringInfoData versions;
	StringInfoData skipped;
	double		best_score = get_float8_nan();
	int			nskipped = 0;
	int			nscored = 0;
	int			v;
	int			i;

	if ((target == NULL) != lower)
		ereport(ERROR,
				(errcode(lower ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 lower ?
				 errmsg("model \"%s\" is a clustering model, compared without a target", name) :
				 errmsg("comparing versions of model \"%s\" needs a target column", name)));
	if (newest->algo->task == MLOPS_TASK_DECOMPOSITION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is a %s model, whose versions are not compared",
						name, newest->algo->name),
				 errhint("Deploy a version by number with mlops.deploy(model, version).")));
	if (target != NULL && newest->algo->task == MLOPS_TASK_REGRESSION)
		target_sql = psprintf("%s::pg_catalog.float8", quote_identifier(target));
	else if (target != NULL)
	{
		AttrNumber	att = get_attnum(relid, target);
		char	   *label_sql;
		char	   *check;

		if (att == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation %s does not exist", target, relname)));
		label_sql = MlopsLabelTextSql(target, get_atttype(relid, att), newest->label_kind);
		target_sql = MlopsClassIndexSql(target, label_sql, newest->classes,
										newest->nclasses, false);
		check = psprintf("SELECT %s::pg_catalog.text FROM %s WHERE %s < 0 LIMIT 1",
						 quote_identifier(target), relname, target_sql);
		if (SPI_execute(check, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "checking the target's labels failed");
		if (SPI_processed > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("target column \"%s\" holds \"%s\", which is not a class of model \"%s\"",
							target, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
							name)));
	}
	initStringInfo(&versions);
	initStringInfo(&skipped);
	*best = 0;
	for (v = 0; v < nver; v++)
	{
		const MlopsModel *m = MlopsGetModel(&refs[v], CurrentMemoryContext);
		Compare		c;
		char	   *problem = NULL;
		StringInfoData sql;
		Oid			types[1] = {BYTEAOID};
		Datum		values[1];
		bool		isnull;
		Datum		res;
		double		score;
		double		n;

		CHECK_FOR_INTERRUPTS();
		memset(&c, 0, sizeof(c));
		c.version = refs[v].version;
		c.other = m;
		if ((targets[v] == NULL) != (target == NULL) ||
			(target != NULL && strcmp(targets[v], target) != 0))
			problem = psprintf("Version %d predicts \"%s\", not \"%s\".", refs[v].version,
							   targets[v] ? targets[v] : "", target ? target : "");
		else
			problem = ScoreProblem(&c, newest,
								   psprintf("version %d, the newest,", refs[nver - 1].version));
		if (problem == NULL && !MlopsSpecIsPlain(m->spec))
			problem = SpecColumnProblem(relid, relname, target, m->spec, refs[v].version);
		for (i = 0; problem == NULL && MlopsSpecIsPlain(m->spec) && i < m->nfeat; i++)
			if (get_attnum(relid, m->feature_names[i]) == InvalidAttrNumber)
				problem = psprintf("Version %d reads column \"%s\", which relation %s does not have.",
								   refs[v].version, m->feature_names[i], relname);
		if (problem != NULL)
		{
			ereport(NOTICE,
					(errmsg("version %d of model \"%s\" cannot be compared on relation %s",
							refs[v].version, name, relname),
					 errdetail_internal("%s", problem)));
			appendStringInfo(&skipped, "%s%d", nskipped++ ? ", " : "", refs[v].version);
			continue;
		}
		initStringInfo(&sql);
		appendStringInfoString(&sql, "SELECT mlops._eval_state($1, 0, 0, ");
		if (MlopsSpecIsPlain(m->spec))
		{
			appendStringInfo(&sql, "%s, ", target_sql);
			AppendFloatArray(&sql, m->feature_names, m->nfeat);
		}
		else
			appendStringInfoString(&sql, MlopsSpecArgsSql(m->spec, target == NULL ? NULL :
														  target_sql));
		appendStringInfo(&sql, ") FROM %s", relname);
		values[0] = PointerGetDatum(MlopsFetchArtifact(&refs[v]));
		res = MlopsRunPass(sql.data, 1, types, values, &isnull);
		score = isnull ? get_float8_nan() : MetricOf(DatumGetJsonbP(res), "score");
		n = isnull ? 0 : MetricOf(DatumGetJsonbP(res), "n");
		if (metric == NULL && !isnull)
		{
			JsonbValue *mv = getKeyJsonValueFromContainer(&DatumGetJsonbP(res)->root,
														  "score_metric", 12, NULL);

			if (mv != NULL && mv->type == jbvString)
				metric = pnstrdup(mv->val.string.val, mv->val.string.len);
		}
		appendStringInfo(&versions, "%s{\"version\": %d", nscored++ ? ", " : "",
						 refs[v].version);
		MlopsJsonNumber(&versions, "score", score);
		appendStringInfo(&versions, ", \"n\": %.0f}", n);
		if (isfinite(score))
		{
			double		tol = 1e-12 * Max(fabs(best_score), 1e-300);
			double		gain = lower ? best_score - score : score - best_score;

			/* better; or tied, and current or newer than a non-current best */
			if (*best == 0 || gain > tol ||
				(fabs(gain) <= tol && (refs[v].version == current || *best != current)))
			{
				*best = refs[v].version;
				best_score = score;
			}
		}
	}
	if (*best == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no version of model \"%s\" can be compared on relation %s",
						name, relname)));
	{
		StringInfoData buf;

		initStringInfo(&buf);
		appendStringInfoString(&buf, "{\"compared_on\": ");
		escape_json(&buf, relname);
		appendStringInfoString(&buf, ", \"target\": ");
		if (target)
			escape_json(&buf, target);
		else
			appendStringInfoString(&buf, "null");
		appendStringInfoString(&buf, ", \"score_metric\": ");
		escape_json(&buf, metric ? metric : "score");
		appendStringInfo(&buf, ", \"versions\": [%s], \"not_scored\": [%s]}",
						 versions.data, skipped.data);
		return buf.data;
	}
}

/*
 * For mlops.deploy(model, 'best', relation, target), with the model's row
 * locked and the deploy privilege checked: score every version of the
 * model on the same rows of the relation, read as the caller with one
 * _score_state pass, and pick the best (lowest SSE, so highest
 * r2; a tie, within MLOPS_R2_TIE, goes to the deployed version, current,
 * else to the newer
 * one).  A version that cannot score the relation (another target, a
 * feature column missing, not numeric or not readable) is left out with
 * a NOTICE; a row holding a NULL, NaN or infinity in the target or in a
 * column some version reads is left out for all of them.  Returns the
 * deployment's detail; *best gets the version.  SPI must be connected.
 */
char *
MlopsBestOnRelation(int64 model_id, const char *name, Oid relid,
					const char *target, int32 current, int32 *best)
{
	char	   *relname = MlopsRelationToRead(relid);
	Relation	rel;
	TupleDesc	desc;
	Form_pg_attribute att;
	MlopsVersionRef *refs;
	char	  **targets;
	int			nver;
	int32	   *scored;
	int			nv = 0;
	StringInfoData skipped;
	int			nskipped = 0;
	char	  **cols;
	int			ncols = 0;
	Datum	   *arts;
	Datum	   *layout;
	int			nlay = 0;
	StringInfoData sql;
	Oid			types[2] = {BYTEAARRAYOID, INT4ARRAYOID};
	Datum		values[2];
	bool		isnull;
	Datum		state;
	ScoreTotals t;
	StringInfoData buf;
	int			b;
	int			i;
	int			j;
	int			v;

	nver = MlopsListVersions(model_id, name, &refs, &targets);
	if (nver == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" has no versions", name)));
	if (MlopsGetModel(&refs[nver - 1], CurrentMemoryContext)->algo->task !=
		MLOPS_TASK_REGRESSION)
		return BestByScoreOnRelation(name, relid, relname, target, refs, targets,
									 nver, current, best);
	if (target == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("comparing versions of model \"%s\" needs a target column", name)));

	rel = relation_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	att = FindColumn(desc, target, relname);
	if (!IsNumericType(att->atttypid))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" has type %s, which is not numeric",
						target, format_type_be(att->atttypid))));
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		pg_attribute_aclcheck(relid, att->attnum, GetUserId(),
							  ACL_SELECT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to compare versions on column \"%s\" of relation %s",
						target, relname)));
	/* a version reading typed columns is scored through its own spec */
	for (v = 0; v < nver; v++)
		if (targets[v] != NULL && strcmp(targets[v], target) == 0 &&
			!MlopsSpecIsPlain(MlopsGetModel(&refs[v], CurrentMemoryContext)->spec))
		{
			relation_close(rel, AccessShareLock);
			return BestByScoreOnRelation(name, relid, relname, target, refs, targets,
										 nver, current, best);
		}

	/* each version's features as positions among the pass's columns */
	scored = palloc(sizeof(int32) * nver);
	cols = palloc(sizeof(char *) * (MLOPS_MAX_FEATURES + 1));
	arts = palloc(sizeof(Datum) * nver);
	layout = NULL;
	initStringInfo(&skipped);
	for (v = 0; v < nver; v++)
	{
		const MlopsModel *m;
		char	   *problem = NULL;

		CHECK_FOR_INTERRUPTS();
		if (targets[v] == NULL || strcmp(targets[v], target) != 0)
			problem = psprintf("Version %d predicts \"%s\", not \"%s\".",
							   refs[v].version, targets[v] ? targets[v] : "",
							   target);
		m = problem ? NULL : MlopsGetModel(&refs[v], CurrentMemoryContext);
		for (j = 0; m != NULL && j < m->nfeat && problem == NULL; j++)
			problem = ColumnProblem(desc, relid, relname, refs[v].version,
									m->feature_names[j]);
		if (problem == NULL && nv >= MLOPS_MAX_SCORED_VERSIONS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("cannot compare more than %d versions of model \"%s\" at once",
							MLOPS_MAX_SCORED_VERSIONS, name),
					 errhint("Drop old versions with mlops.drop_model() on a copy, or compare by deploying versions explicitly.")));
		if (problem != NULL)
		{
			ereport(NOTICE,
					(errmsg("version %d of model \"%s\" cannot score relation %s",
							refs[v].version, name, relname),
					 errdetail_internal("%s", problem)));
			appendStringInfo(&skipped, "%s%d", nskipped++ ? ", " : "",
							 refs[v].version);
			continue;
		}
		arts[nv] = PointerGetDatum(MlopsFetchArtifact(&refs[v]));
		layout = layout ? repalloc(layout, sizeof(Datum) * (nlay + m->nfeat))
			: palloc(sizeof(Datum) * m->nfeat);
		for (j = 0; j < m->nfeat; j++)
		{
			for (i = 0; i < ncols; i++)
				if (strcmp(cols[i], m->feature_names[j]) == 0)
					break;
			if (i == ncols)
			{
				/* a table has at most MLOPS_MAX_FEATURES columns */
				if (ncols >= MLOPS_MAX_FEATURES)
					elog(ERROR, "more feature columns than relation %s has", relname);
				cols[ncols++] = pstrdup(m->feature_names[j]);
			}
			layout[nlay++] = Int32GetDatum(i + 1);
		}
		scored[nv++] = refs[v].version;
	}
	relation_close(rel, AccessShareLock);
	if (nv == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("no version of model \"%s\" can score relation %s",
						name, relname),
				 errhint("Compare on a relation that has the columns the versions were trained on.")));

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT mlops._score_state($1, $2, %s::pg_catalog.float8, ARRAY[",
					 quote_identifier(target));
	for (i = 0; i < ncols; i++)
		appendStringInfo(&sql, "%s%s::pg_catalog.float8", i ? ", " : "",
						 quote_identifier(cols[i]));
	appendStringInfo(&sql, "]::pg_catalog.float8[]) FROM %s", relname);
	values[0] = PointerGetDatum(construct_array(arts, nv, BYTEAOID, -1, false,
												TYPALIGN_INT));
	values[1] = PointerGetDatum(construct_array(layout, nlay, INT4OID,
												sizeof(int32), true, TYPALIGN_INT));
	state = MlopsRunPass(sql.data, 2, types, values, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("relation %s has no rows to compare versions on", relname)));
	MlopsScoreTotals(DatumGetArrayTypeP(state), nv, &t);
	if (t.n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("relation %s has no rows to compare versions on", relname),
				 errdetail("Each of its %.0f rows holds a NULL, NaN or infinite value in the target or a feature.",
						   t.skipped)));

	b = 0;
	for (v = 1; v < nv; v++)
		if (t.sse[v] <= t.sse[b])
			b = v;
	for (v = 0; v < nv; v++)
		if (scored[v] == current &&
			t.sse[v] - t.sse[b] <= MLOPS_R2_TIE * t.m2_y)
			b = v;
	*best = scored[b];

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"compared_on\": ");
	escape_json(&buf, relname);
	appendStringInfoString(&buf, ", \"target\": ");
	escape_json(&buf, target);
	appendStringInfo(&buf, ", \"n\": %.0f, \"rows_skipped\": %.0f, \"versions\": [",
					 t.n, t.skipped);
	for (v = 0; v < nv; v++)
	{
		appendStringInfo(&buf, "%s{\"version\": %d", v ? ", " : "", scored[v]);
		MlopsJsonNumber(&buf, "r2", t.m2_y > 0 ? 1.0 - t.sse[v] / t.m2_y : get_float8_nan());
		MlopsJsonNumber(&buf, "rmse", sqrt(t.sse[v] / t.n));
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfo(&buf, "], \"not_scored\": [%s]}", skipped.data);
	return buf.data;
}
