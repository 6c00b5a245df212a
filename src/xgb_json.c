/*-------------------------------------------------------------------------
 *
 * xgb_json.c
 *	  The trees of XGBoost's JSON model (XGBoosterSaveModelToBuffer's
 *	  "json" format), read in one pass of PostgreSQL's JSON parser.
 *
 * Training converts the booster's trees into the compact form scoring
 * walks (algo_xgboost.c).  Casting the JSON to jsonb made every one of
 * its numbers a numeric, most of them in arrays no one reads (gains,
 * hessian sums, parents): a fifth of a second for 100 trees of depth 6.
 * Here the parser's callbacks keep only what a tree needs:
 *
 *   learner.learner_model_param.base_score
 *   learner.gradient_booster.model.tree_info[]
 *   learner.gradient_booster.model.trees[].{left_children, right_children,
 *       split_indices, split_conditions, default_left}[]
 *
 * The JSON is XGBoost's, never a user's; a document that is not what the
 * library writes is an internal error.  The caller checks the trees.
 *
 * IDENTIFICATION
 *	  src/xgb_json.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

#include "xgb_json.h"

/* What a container (object or array) holds, as far as the trees go. */
typedef enum ContainerRole
{
	ROLE_OTHER,
	ROLE_TREES,					/* the array of trees */
	ROLE_TREE,					/* one tree */
	ROLE_PARAM,					/* learner_model_param */
	ROLE_VALUES					/* an array of numbers kept */
} ContainerRole;

/* The arrays kept: a tree's five, then tree_info. */
static const char *const fields[] = {"left_children", "right_children", "split_indices",
"split_conditions", "default_left"};
#define NFIELDS lengthof(fields)
#define FIELD_TREE_INFO NFIELDS
#define FIELD_CONDITION 3

#define MAX_DEPTH 64

typedef struct Container
{
	ContainerRole role;
	bool		array;
	const char *key;			/* the field it is the value of, or NULL */
} Container;

typedef struct ReadState
{
	MemoryContext out;			/* where the results go */
	XgbJsonModel *m;
	Container	stack[MAX_DEPTH];
	int			top;			/* -1: outside the document */
	const char *key;			/* the object field whose value comes next */
	int			field;			/* the kept array being read */
	void	   *values;			/* its values so far */
	int32		n;
	int32		cap;
	int32		tree_cap;
} ReadState;

static bool
KeyAt(const ReadState *st, int depth, const char *name)
{
	return depth >= 0 && st->stack[depth].key != NULL &&
		strcmp(st->stack[depth].key, name) == 0;
}

/*
 * The role of a container about to be pushed as the value of key; for a
 * kept array, *field says which.
 */
static ContainerRole
RoleOf(const ReadState *st, bool array, const char *key, int *field)
{
	int			t = st->top;
	int			i;

	if (t >= 0 && st->stack[t].role == ROLE_TREES && !array)
		return ROLE_TREE;
	if (key == NULL)
		return ROLE_OTHER;
	if (array && t >= 0 && st->stack[t].role == ROLE_TREE)
		for (i = 0; i < NFIELDS; i++)
			if (strcmp(key, fields[i]) == 0)
			{
				*field = i;
				return ROLE_VALUES;
			}
	if (array && KeyAt(st, t, "model") && KeyAt(st, t - 1, "gradient_booster") &&
		KeyAt(st, t - 2, "learner"))
	{
		if (strcmp(key, "trees") == 0)
			return ROLE_TREES;
		if (strcmp(key, "tree_info") == 0)
		{
			*field = FIELD_TREE_INFO;
			return ROLE_VALUES;
		}
	}
	if (!array && strcmp(key, "learner_model_param") == 0 && KeyAt(st, t, "learner"))
		return ROLE_PARAM;
	return ROLE_OTHER;
}

static void
Push(ReadState *st, bool array)
{
	/* an object's field has a name, an array's element none */
	const char *key = st->top >= 0 && !st->stack[st->top].array ? st->key : NULL;
	int			field = -1;
	ContainerRole role = RoleOf(st, array, key, &field);
	XgbJsonModel *m = st->m;

	if (st->top + 1 >= MAX_DEPTH)
		elog(ERROR, "XGBoost's model JSON nests deeper than %d", MAX_DEPTH);
	st->top++;
	st->stack[st->top].role = role;
	st->stack[st->top].array = array;
	st->stack[st->top].key = key;
	st->key = NULL;
	if (role == ROLE_TREE)
	{
		if (m->ntrees == st->tree_cap)
		{
			st->tree_cap = Max(16, st->tree_cap * 2);
			m->trees = m->trees == NULL ?
				MemoryContextAlloc(st->out, sizeof(XgbJsonTree) * st->tree_cap) :
				repalloc(m->trees, sizeof(XgbJsonTree) * st->tree_cap);
		}
		memset(&m->trees[m->ntrees], 0, sizeof(XgbJsonTree));
		m->trees[m->ntrees++].nnodes = -1;
	}
	else if (role == ROLE_VALUES)
	{
		st->field = field;
		st->n = 0;
		st->cap = 64;
		st->values = MemoryContextAlloc(st->out, sizeof(int32) * st->cap);
	}
}

/* A kept array ends: its values go to their tree (or to tree_info). */
static void
KeepValues(ReadState *st)
{
	XgbJsonModel *m = st->m;
	XgbJsonTree *tr;

	if (st->field == FIELD_TREE_INFO)
	{
		m->tree_info = st->values;
		m->ntree_info = st->n;
		return;
	}
	tr = &m->trees[m->ntrees - 1];
	if (tr->nnodes >= 0 && tr->nnodes != st->n)
		elog(ERROR, "XGBoost's tree %d has arrays of different lengths (%s)",
			 m->ntrees - 1, fields[st->field]);
	tr->nnodes = st->n;
	switch (st->field)
	{
		case 0:
			tr->left = st->values;
			break;
		case 1:
			tr->right = st->values;
			break;
		case 2:
			tr->feature = st->values;
			break;
		case 3:
			tr->condition = st->values;
			break;
		case 4:
			tr->default_left = st->values;
			break;
	}
}

static void
Pop(ReadState *st)
{
	if (st->stack[st->top].role == ROLE_VALUES)
	{
		KeepValues(st);
		st->values = NULL;
	}
	st->top--;
}

static void
ObjectStart(void *state)
{
	Push((ReadState *) state, false);
}

static void
ArrayStart(void *state)
{
	Push((ReadState *) state, true);
}

static void
ContainerEnd(void *state)
{
	Pop((ReadState *) state);
}

static void
FieldStart(void *state, char *fname, bool isnull)
{
	((ReadState *) state)->key = fname;
}

/* A number as XGBoost writes it: an integer, or a float32's digits. */
static float
ParseFloat(const char *token, const char *what)
{
	char	   *end;
	float		v;

	errno = 0;
	v = strtof(token, &end);
	if (end == token || *end != '\0' || errno == ERANGE)
		elog(ERROR, "XGBoost's model JSON has %s \"%s\"", what, token);
	return v;
}

static int32
ParseInt(const char *token, JsonTokenType type)
{
	char	   *end;
	long		v;

	if (type == JSON_TOKEN_TRUE || type == JSON_TOKEN_FALSE)
		return type == JSON_TOKEN_TRUE;
	errno = 0;
	v = strtol(token, &end, 10);
	if (type != JSON_TOKEN_NUMBER || end == token || *end != '\0' || errno == ERANGE ||
		v < PG_INT32_MIN || v > PG_INT32_MAX)
		elog(ERROR, "XGBoost's model JSON has a node field \"%s\"", token);
	return (int32) v;
}

static void
Scalar(void *state, char *token, JsonTokenType type)
{
	ReadState  *st = (ReadState *) state;
	Container  *c = &st->stack[st->top];

	if (c->role == ROLE_VALUES)
	{
		if (st->n == st->cap)
		{
			if (st->cap >= MaxAllocSize / sizeof(int32) / 2)
				elog(ERROR, "XGBoost's model JSON has an array too long to read");
			st->cap *= 2;
			st->values = repalloc(st->values, sizeof(int32) * st->cap);
		}
		if (st->field == FIELD_CONDITION)
			((float *) st->values)[st->n++] = ParseFloat(token, "a split condition");
		else
			((int32 *) st->values)[st->n++] = ParseInt(token, type);
	}
	else if (c->role == ROLE_PARAM && st->key != NULL && strcmp(st->key, "base_score") == 0)
	{
		st->m->base_score = ParseFloat(token, "a base score");
		st->m->has_base_score = true;
	}
}

/*
 * Read XGBoost's JSON model (len bytes) into out, its arrays allocated in
 * the current memory context.
 */
void
XgbReadJsonModel(const char *json, Size len, XgbJsonModel *out)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "XGBoost JSON",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old;
	ReadState	st;
	JsonSemAction sem;
	JsonLexContext *lex;
	JsonParseErrorType rc;

	if (len > PG_INT32_MAX)
		elog(ERROR, "XGBoost's model JSON is too long to read");
	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.out = CurrentMemoryContext;
	st.m = out;
	st.top = -1;
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &st;
	sem.object_start = ObjectStart;
	sem.object_end = ContainerEnd;
	sem.array_start = ArrayStart;
	sem.array_end = ContainerEnd;
	sem.object_field_start = FieldStart;
	sem.scalar = Scalar;

	/* the parser's strings (every field name and number) die with cxt */
	old = MemoryContextSwitchTo(cxt);
	lex = makeJsonLexContextCstringLen(pstrdup(json), (int) len, PG_UTF8, true);
	rc = pg_parse_json(lex, &sem);
	if (rc != JSON_SUCCESS)
		elog(ERROR, "XGBoost's model JSON does not parse: %s", json_errdetail(rc, lex));
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}
