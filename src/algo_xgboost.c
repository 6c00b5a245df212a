/*-------------------------------------------------------------------------
 *
 * algo_xgboost.c
 *	  Gradient-boosted trees and random forests through XGBoost: for each
 *	  of the two names, "xgboost" and "random_forest", a regressor and a
 *	  classifier (train.c picks by the target or the objective), all four
 *	  sharing everything below.  A random forest is XGBoost's: one round
 *	  of n_estimators parallel trees, each on a sample of rows and columns
 *	  (XGBRFRegressor's and XGBRFClassifier's defaults).
 *
 * Training loads the rows the feature spec encodes into a dense float
 * matrix (a DestReceiver on the scan: no tuple is copied), the held-out
 * test rows left out and, with early stopping, a validation part of the
 * training rows split off by a hash of its own; XGBoost boosts on it
 * (xgboost.c) one round at a time, cancellable between rounds.
 *
 * The stored model is XGBoost's own (its JSON, kept as it is for export)
 * and, decoded from it once at training, the trees in a compact form that
 * scoring walks in C, comparing float32 feature values with float32
 * thresholds and summing float32 leaf values as XGBoost's predictor
 * does, so that predictions are XGBoost's to rounding; the library is
 * never called to score.  The decoder checks every node: children come
 * after their parent (so every walk ends), features exist, values are
 * finite.
 *
 * Payload (after the common part): u32 objective, u32 groups (1, or the
 * classes of multi:softprob), f64 base margin, u32 rounds, u32 trees, then
 * per tree u32 group, u32 nodes and per node i32 left (-1: a leaf), i32
 * right, u32 feature, f32 value (threshold, or the leaf's value), u8
 * default_left; last u32 length and XGBoost's JSON model.
 *
 * IDENTIFICATION
 *	  src/algo_xgboost.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "algorithm.h"
#include "artifact.h"

#ifndef FRONTEND
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "tcop/dest.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "metrics.h"
#include "pass.h"
#include "preprocess.h"
#include "xgb_json.h"
#include "xgboost.h"
#endif

#define XGB_REGRESSOR_ID 7
#define XGB_CLASSIFIER_ID 8
#define RF_REGRESSOR_ID 9
#define RF_CLASSIFIER_ID 10

/* objectives, as stored */
#define XGB_OBJ_SQUAREDERROR 0
#define XGB_OBJ_BINARY_LOGISTIC 1
#define XGB_OBJ_MULTI_SOFTPROB 2

/* bounds the decoder holds a model to */
#define XGB_MAX_TREES 1000000
#define XGB_MAX_NODES (1 << 24)
#define XGB_NODE_BYTES 17

typedef struct XgbNode
{
	int32		left;			/* -1: a leaf */
	int32		right;
	int32		feature;
	float		value;			/* the split's threshold, or the leaf's value */
	bool		default_left;	/* where a missing value goes */
} XgbNode;

/* A node as scoring walks it: 16 bytes, a leaf its own two children. */
typedef struct XgbStep
{
	int32		child[2];		/* left, right */
	uint32		feature;		/* the split's feature, XGB_DEFAULT_LEFT set if so */
	float		value;
} XgbStep;

#define XGB_DEFAULT_LEFT 0x80000000u

typedef struct XgbTree
{
	int32		group;			/* the class it scores (multi:softprob), else 0 */
	int32		nnodes;
	XgbNode    *nodes;
	/* decoded models: the nodes with each leaf its own two children */
	XgbStep    *walk;
	int32		depth;			/* the steps to its deepest leaf */
} XgbTree;

typedef struct XgbModel
{
	int32		objective;
	int32		ngroups;
	double		base_margin;
	int32		rounds;
	int32		ntrees;
	XgbTree    *trees;
	uint32		json_len;
	const char *json;			/* XGBoost's model, as it saved it */
} XgbModel;

extern const MlopsAlgorithmRoutine mlops_xgboost_routine;
extern const MlopsAlgorithmRoutine mlops_xgboost_classifier_routine;
extern const MlopsAlgorithmRoutine mlops_random_forest_routine;
extern const MlopsAlgorithmRoutine mlops_random_forest_classifier_routine;

static void
XgbEncode(const MlopsModel *m, StringInfo buf)
{
	const XgbModel *xm = (const XgbModel *) m->payload;
	int			t;
	int			i;

	MlopsPutU32(buf, xm->objective);
	MlopsPutU32(buf, xm->ngroups);
	MlopsPutF64(buf, xm->base_margin);
	MlopsPutU32(buf, xm->rounds);
	MlopsPutU32(buf, xm->ntrees);
	for (t = 0; t < xm->ntrees; t++)
	{
		const XgbTree *tr = &xm->trees[t];

		MlopsPutU32(buf, tr->group);
		MlopsPutU32(buf, tr->nnodes);
		for (i = 0; i < tr->nnodes; i++)
		{
			const XgbNode *n = &tr->nodes[i];
			uint32		bits;

			MlopsPutU32(buf, (uint32) n->left);
			MlopsPutU32(buf, (uint32) n->right);
			MlopsPutU32(buf, (uint32) n->feature);
			memcpy(&bits, &n->value, sizeof(bits));
			MlopsPutU32(buf, bits);
			appendStringInfoChar(buf, n->default_left ? 1 : 0);
		}
	}
	MlopsPutU32(buf, xm->json_len);
	appendBinaryStringInfo(buf, xm->json, xm->json_len);
}

/* One node, checked: a leaf, or a split on a feature into later nodes. */
static bool
ReadNode(MlopsReader *r, XgbNode *n, int i, int nnodes, int nfeat)
{
	uint32		bits;
	int			dl;

	n->left = (int32) MlopsGetLE(r, 4);
	n->right = (int32) MlopsGetLE(r, 4);
	n->feature = (int32) MlopsGetLE(r, 4);
	bits = (uint32) MlopsGetLE(r, 4);
	memcpy(&n->value, &bits, sizeof(bits));
	dl = (int) MlopsGetLE(r, 1);
	n->default_left = dl == 1;
	if (!r->ok || dl > 1 || !isfinite(n->value))
		return false;
	if (n->left == -1)
		return n->right == -1;
	return n->left > i && n->left < nnodes && n->right > i && n->right < nnodes &&
		n->feature >= 0 && n->feature < nfeat;
}

/*
 * The tree as Leaves walks it: a leaf leads to itself, so that every row
 * takes depth steps without a test for leaves (the decoder has checked
 * that children come after their parent: one forward sweep finds every
 * node's level).
 */
static void
MakeWalk(XgbTree *tr)
{
	int32	   *level = palloc0(sizeof(int32) * tr->nnodes);
	int			i;

	tr->walk = palloc(sizeof(XgbStep) * tr->nnodes);
	tr->depth = 0;
	for (i = 0; i < tr->nnodes; i++)
	{
		const XgbNode *n = &tr->nodes[i];
		XgbStep    *w = &tr->walk[i];

		w->value = n->value;
		if (n->left < 0)
		{
			w->child[0] = w->child[1] = i;
			w->feature = 0;
			tr->depth = Max(tr->depth, level[i]);
			continue;
		}
		w->child[0] = n->left;
		w->child[1] = n->right;
		w->feature = (uint32) n->feature | (n->default_left ? XGB_DEFAULT_LEFT : 0);
		level[n->left] = level[n->right] = level[i] + 1;
	}
	pfree(level);
}

static bool
XgbDecode(MlopsReader *r, MlopsModel *m, const char **error)
{
	XgbModel   *xm = palloc0(sizeof(XgbModel));
	bool		classifier = m->algo->task == MLOPS_TASK_CLASSIFICATION;
	int			t;
	int			i;

	xm->objective = (int32) MlopsGetLE(r, 4);
	xm->ngroups = (int32) MlopsGetLE(r, 4);
	xm->base_margin = MlopsGetF64(r);
	xm->rounds = (int32) MlopsGetLE(r, 4);
	xm->ntrees = (int32) MlopsGetLE(r, 4);
	if (!r->ok ||
		!(classifier ? (xm->objective == XGB_OBJ_BINARY_LOGISTIC && m->nclasses == 2 &&
						xm->ngroups == 1) ||
		  (xm->objective == XGB_OBJ_MULTI_SOFTPROB && m->nclasses >= 2 &&
		   xm->ngroups == m->nclasses)
		  : xm->objective == XGB_OBJ_SQUAREDERROR && m->nclasses == 0 && xm->ngroups == 1))
	{
		*error = "invalid XGBoost objective or classes";
		return false;
	}
	if (!isfinite(xm->base_margin) || xm->ntrees < 1 || xm->ntrees > XGB_MAX_TREES ||
		xm->rounds < 1 || xm->rounds > xm->ntrees)
	{
		*error = "invalid XGBoost model header";
		return false;
	}
	/* each tree takes at least its header and a node: bound before allocating */
	if ((Size) xm->ntrees * (8 + XGB_NODE_BYTES) > r->left)
	{
		*error = "invalid XGBoost model length";
		return false;
	}
	xm->trees = palloc0(sizeof(XgbTree) * xm->ntrees);
	for (t = 0; t < xm->ntrees; t++)
	{
		XgbTree    *tr = &xm->trees[t];

		tr->group = (int32) MlopsGetLE(r, 4);
		tr->nnodes = (int32) MlopsGetLE(r, 4);
		if (!r->ok || tr->group < 0 || tr->group >= xm->ngroups || tr->nnodes < 1 ||
			tr->nnodes > XGB_MAX_NODES || (Size) tr->nnodes * XGB_NODE_BYTES > r->left)
		{
			*error = "invalid XGBoost tree header";
			return false;
		}
		tr->nodes = palloc(sizeof(XgbNode) * tr->nnodes);
		for (i = 0; i < tr->nnodes; i++)
			if (!ReadNode(r, &tr->nodes[i], i, tr->nnodes, m->nfeat))
			{
				*error = "invalid XGBoost tree node";
				return false;
			}
	}
	for (t = 0; t < xm->ntrees; t++)
		MakeWalk(&xm->trees[t]);
	xm->json_len = (uint32) MlopsGetLE(r, 4);
	if (!r->ok || xm->json_len != r->left)
	{
		*error = "invalid XGBoost model length";
		return false;
	}
	xm->json = palloc(xm->json_len + 1);
	memcpy((char *) xm->json, r->p, xm->json_len);
	((char *) xm->json)[xm->json_len] = '\0';
	r->p += xm->json_len;
	r->left = 0;
	m->payload = xm;
	return true;
}

/* One step of a walk: the child a row goes to (a NaN, missing, the default way). */
static inline int
Step(const XgbNode *n, const double *x)
{
	float		f = (float) x[n->feature];
	int			right = !((f < n->value) | ((f != f) & n->default_left));

	/* arithmetic, not a select, which the compiler would make a branch */
	return n->left + ((n->right - n->left) & -right);
}

/* The leaf a row reaches in one tree. */
static inline float
Leaf(const XgbNode *nodes, const double *x)
{
	int			i = 0;

	while (nodes[i].left >= 0)
		i = Step(&nodes[i], x);
	return nodes[i].value;
}

/* One step of a walk: where a row goes (NaN, missing, the default way). */
static inline int
WalkStep(const XgbStep *w, const double *x)
{
	float		f = (float) x[w->feature & ~XGB_DEFAULT_LEFT];
	int			left = (f < w->value) | ((f != f) & (int) (w->feature >> 31));

	return w->child[!left];
}

/*
 * The leaves a row reaches in XGB_LANES trees, walked side by side for
 * as many steps as the deepest takes (a leaf stays where it is): a walk
 * is a chain of dependent loads, and interleaving independent chains,
 * without a branch, hides their latency.
 */
#define XGB_LANES 8

static inline void
Leaves(const XgbTree *trees, const double *x, float *leaf)
{
	const XgbStep *w[XGB_LANES];
	int			at[XGB_LANES];
	int			depth = 0;
	int			d;
	int			k;

	for (k = 0; k < XGB_LANES; k++)
	{
		w[k] = trees[k].walk;
		at[k] = 0;
		depth = Max(depth, trees[k].depth);
	}
	for (d = 0; d < depth; d++)
	{
#pragma GCC unroll 8
		for (k = 0; k < XGB_LANES; k++)
			at[k] = WalkStep(&w[k][at[k]], x);
	}
	for (k = 0; k < XGB_LANES; k++)
		leaf[k] = w[k][at[k]].value;
}

/*
 * The margins of a row, per group: the base margin plus each tree's leaf,
 * summed in float32 and tree order as XGBoost's CPU predictor sums them,
 * a value compared as float32.  Should the float32 sum overflow (leaves
 * no fit makes), it is taken again in double, which cannot.
 */
static void
Margins(const XgbModel *xm, const double *x, double *margin)
{
	float		f[MLOPS_MAX_CLASSES];
	bool		finite = true;
	int			g;
	int			t;

	for (g = 0; g < xm->ngroups; g++)
		f[g] = (float) xm->base_margin;
	/* summed in tree order, as XGBoost sums */
	for (t = 0; t + XGB_LANES <= xm->ntrees; t += XGB_LANES)
	{
		float		leaf[XGB_LANES];
		int			k;

		Leaves(&xm->trees[t], x, leaf);
		for (k = 0; k < XGB_LANES; k++)
			f[xm->trees[t + k].group] += leaf[k];
	}
	for (; t < xm->ntrees; t++)
		f[xm->trees[t].group] += Leaf(xm->trees[t].nodes, x);
	for (g = 0; g < xm->ngroups; g++)
	{
		margin[g] = f[g];
		finite &= isfinite(f[g]);
	}
	if (finite)
		return;
	for (g = 0; g < xm->ngroups; g++)
		margin[g] = xm->base_margin;
	for (t = 0; t < xm->ntrees; t++)
		margin[xm->trees[t].group] += Leaf(xm->trees[t].nodes, x);
}

/*
 * Class probabilities from margins: the logistic or softmax function, in
 * double (XGBoost's are float32: they differ by rounding, about 1e-7),
 * so that they sum to 1.
 */
static void
Probabilities(const XgbModel *xm, const double *margin, int nclasses, double *out)
{
	if (xm->objective == XGB_OBJ_BINARY_LOGISTIC)
	{
		out[1] = 1.0 / (1.0 + exp(-margin[0]));
		out[0] = 1.0 / (1.0 + exp(margin[0]));
	}
	else
	{
		double		mx = margin[0];
		double		sum = 0;
		int			k;

		for (k = 1; k < nclasses; k++)
			mx = Max(mx, margin[k]);
		for (k = 0; k < nclasses; k++)
			sum += (out[k] = exp(margin[k] - mx));
		for (k = 0; k < nclasses; k++)
			out[k] /= sum;
	}
}

static int
XgbOutputs(const MlopsModel *m)
{
	return m->nclasses > 0 ? m->nclasses : 1;
}

static void
XgbPredictVector(const MlopsModel *m, const double *x, double *out)
{
	const XgbModel *xm = (const XgbModel *) m->payload;
	double		margin[MLOPS_MAX_CLASSES];

	Margins(xm, x, margin);
	if (m->nclasses == 0)
		out[0] = margin[0];
	else
		Probabilities(xm, margin, m->nclasses, out);
}

static double
XgbPredict(const MlopsModel *m, const double *x)
{
	double		p[MLOPS_MAX_CLASSES];

	XgbPredictVector(m, x, p);
	return m->nclasses == 0 ? p[0] : MlopsArgmax(p, m->nclasses);
}

#ifndef FRONTEND

/* Hyperparameters: XGBoost's names, defaults and ranges. */
typedef struct XgbParams
{
	int			n_estimators;
	int			max_depth;
	double		eta;
	double		subsample;
	double		colsample_bytree;
	double		colsample_bylevel;
	double		colsample_bynode;
	double		min_child_weight;
	double		lambda;
	double		alpha;
	double		gamma;
	int			max_bin;
	int			tree_method;
	int			objective;
	int			early_stopping_rounds;
	double		validation_fraction;
} XgbParams;

static const char *const tree_methods[] = {"auto", "exact", "approx", "hist", NULL};
static const char *const objectives[] = {"auto", "reg:squarederror", "binary:logistic",
"multi:softprob", NULL};

/*
 * What the loader keeps: the encoder of the scan's columns (the target
 * first), the rows boosted on and, with early stopping, the validation
 * rows, as float32 row-major matrices that grow by doubling within the
 * memory allowed.
 */
typedef struct XgbRows
{
	float	   *x;
	float	   *y;
	double	   *yd;				/* y as read, for the metrics (training rows) */
	int64		n;
	int64		cap;
} XgbRows;

typedef struct XgbLoader
{
	DestReceiver pub;
	MlopsTrainJob *job;
	MlopsSpecEncoder *enc;
	int			ncols;
	double	   *x;
	ArrayType  *names;
	double		valid_fraction;
	Size		limit;			/* bytes the matrices may take */
	MemoryContext cxt;			/* theirs: the caller's, not the scan's */
	XgbRows		train;
	XgbRows		valid;
	int64		seen;
	int64		nskipped;
	int64		nheld;
} XgbLoader;

/*
 * XGBoost copies the matrix into its own (a value and an index per
 * entry, then its quantile sketch): about three times the float32 matrix
 * in all, which maintenance_work_mem must hold.
 */
#define XGB_MEMORY_FACTOR 3

/*
 * A training row is finite but for missing features (NaN), within
 * float32's range too, or an error naming the value.
 */
static void
CheckRow(const XgbLoader *ld, double y)
{
	MlopsCheckFinite(ld->x, ld->job->nfeat, y, ld->names, ld->seen, true);
	MlopsCheckFloat32(ld->x, ld->job->nfeat, y, ld->names, ld->seen);
}

/* A row into rows, as float32: checked in the same loop in the common case */
static void
AppendRow(XgbLoader *ld, XgbRows *rows, double y)
{
	int			p = ld->job->nfeat;
	bool		keep_y = rows == &ld->train;	/* only its metrics read y */
	int			ok = fabs(y) <= FLT_MAX;
	float	   *dst;
	int			j;

	if (rows->n == rows->cap)
	{
		int64		cap = Max(1024, rows->cap * 2);
		int64		train_cap = keep_y ? cap : ld->train.cap;
		Size		need = (Size) (ld->train.cap + ld->valid.cap - rows->cap + cap) *
			((p + 1) * sizeof(float) * XGB_MEMORY_FACTOR) + (Size) train_cap * sizeof(double);

		if (need > ld->limit)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("an XGBoost fit of %d features on more than " INT64_FORMAT " rows needs more than maintenance_work_mem (%zu kB)",
							p, ld->train.n + ld->valid.n, ld->limit / 1024),
					 errdetail("The rows are loaded into a matrix of 4 bytes a value, which XGBoost copies: about %d bytes a value in all.",
							   (int) (XGB_MEMORY_FACTOR * sizeof(float))),
					 errhint("Raise maintenance_work_mem, or train on fewer rows or features.")));
		rows->x = rows->x ? repalloc_huge(rows->x, (Size) cap * p * sizeof(float))
			: MemoryContextAllocHuge(ld->cxt, (Size) cap * p * sizeof(float));
		rows->y = rows->y ? repalloc_huge(rows->y, (Size) cap * sizeof(float))
			: MemoryContextAllocHuge(ld->cxt, (Size) cap * sizeof(float));
		if (keep_y)
			rows->yd = rows->yd ? repalloc_huge(rows->yd, (Size) cap * sizeof(double))
				: MemoryContextAllocHuge(ld->cxt, (Size) cap * sizeof(double));
		rows->cap = cap;
	}
	dst = rows->x + rows->n * p;
	for (j = 0; j < p; j++)
	{
		ok &= fabs(ld->x[j]) <= FLT_MAX;
		dst[j] = (float) ld->x[j];
	}
	if (!ok)
		CheckRow(ld, y);
	rows->y[rows->n] = (float) y;
	if (keep_y)
		rows->yd[rows->n] = y;
	rows->n++;
}

static void
LoaderStartup(DestReceiver *self, int operation, TupleDesc desc)
{
	XgbLoader  *ld = (XgbLoader *) self;
	Oid		   *types = palloc(sizeof(Oid) * ld->ncols);
	int			i;

	for (i = 0; i < ld->ncols; i++)
		types[i] = TupleDescAttr(desc, i + 1)->atttypid;
	ld->enc = MlopsSpecEncoderCreate(ld->job->spec, types, NULL);
}

static bool
LoaderReceive(TupleTableSlot *slot, DestReceiver *self)
{
	XgbLoader  *ld = (XgbLoader *) self;
	MlopsTrainJob *job = ld->job;
	double		y;

	if ((++ld->seen & 4095) == 0)
		CHECK_FOR_INTERRUPTS();
	slot_getallattrs(slot);
	if (slot->tts_isnull[0])
	{
		ld->nskipped++;
		return true;
	}
	y = DatumGetFloat8(slot->tts_values[0]);
	if (!MlopsSpecEncodeSlotRow(ld->enc, slot->tts_values + 1, slot->tts_isnull + 1, ld->x))
	{
		ld->nskipped++;
		return true;
	}
	if (job->test_size > 0 && MlopsRowIsTest(ld->x, job->nfeat, y, job->seed, job->test_size))
	{
		CheckRow(ld, y);
		ld->nheld++;
	}
	else if (ld->valid_fraction > 0 &&
			 MlopsRowIsTest(ld->x, job->nfeat, y, ~job->seed, ld->valid_fraction))
		AppendRow(ld, &ld->valid, y);
	else
		AppendRow(ld, &ld->train, y);
	return true;
}

static void
LoaderNoop(DestReceiver *self)
{
}

/* The job's rows, encoded, into ld's matrices: one scan, read as the caller. */
static void
LoadRows(MlopsTrainJob *job, XgbLoader *ld)
{
	const MlopsFeatureSpec *spec = job->spec;
	StringInfoData sql;
	SPIExecuteOptions opts;
	int			i;

	ld->pub.receiveSlot = LoaderReceive;
	ld->pub.rStartup = LoaderStartup;
	ld->pub.rShutdown = LoaderNoop;
	ld->pub.rDestroy = LoaderNoop;
	/* not DestNone: SPI would take the rows for discarded */
	ld->pub.mydest = DestTuplestore;
	ld->job = job;
	ld->ncols = spec->ncolumns;
	ld->x = palloc(sizeof(double) * job->nfeat);
	ld->names = DatumGetArrayTypeP(MlopsTextArray(job->features, job->nfeat, job->target));
	ld->limit = (Size) maintenance_work_mem * 1024;
	ld->cxt = CurrentMemoryContext;

	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT %s", job->target_sql);
	for (i = 0; i < spec->ncolumns; i++)
		appendStringInfo(&sql, ", %s", quote_identifier(spec->columns[i].name));
	appendStringInfo(&sql, " FROM %s", job->relname);
	memset(&opts, 0, sizeof(opts));
	opts.read_only = true;
	opts.dest = &ld->pub;
	if (SPI_execute_extended(sql.data, &opts) != SPI_OK_SELECT)
		elog(ERROR, "reading the training rows failed");
	if (ld->train.n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 ld->nskipped > 0 ?
				 errdetail("All " INT64_FORMAT " rows had a NULL target or feature, or were held out.",
						   ld->nskipped) : 0));
}

static char *
Real(double v)
{
	return psprintf("%.17g", v);
}

/*
 * The booster's parameters: XGBoost's names, our values; a forest grows
 * its n_estimators trees side by side in one round.
 */
static void
SetParams(XgbBooster *b, const MlopsTrainJob *job, const XgbParams *p, int objective,
		  bool forest)
{
	XgbSetParam(b, "objective", objectives[objective + 1]);
	if (forest)
		XgbSetParam(b, "num_parallel_tree", psprintf("%d", p->n_estimators));
	if (objective == XGB_OBJ_MULTI_SOFTPROB)
		XgbSetParam(b, "num_class", psprintf("%d", job->nclasses));
	XgbSetParam(b, "max_depth", psprintf("%d", p->max_depth));
	XgbSetParam(b, "eta", Real(p->eta));
	XgbSetParam(b, "subsample", Real(p->subsample));
	XgbSetParam(b, "colsample_bytree", Real(p->colsample_bytree));
	XgbSetParam(b, "colsample_bylevel", Real(p->colsample_bylevel));
	XgbSetParam(b, "colsample_bynode", Real(p->colsample_bynode));
	XgbSetParam(b, "min_child_weight", Real(p->min_child_weight));
	XgbSetParam(b, "lambda", Real(p->lambda));
	XgbSetParam(b, "alpha", Real(p->alpha));
	XgbSetParam(b, "gamma", Real(p->gamma));
	XgbSetParam(b, "max_bin", psprintf("%d", p->max_bin));
	XgbSetParam(b, "tree_method", tree_methods[p->tree_method]);
	XgbSetParam(b, "seed", psprintf(INT64_FORMAT, job->seed));
	XgbSetParam(b, "nthread", psprintf("%d", mlops_xgboost_threads));
}

/*
 * A query over XGBoost's JSON model ($1, text), read only, parsed with
 * search_path pg_catalog, pg_temp: its operators and casts are the
 * built-in ones whatever the caller's search_path holds.
 */
static int
QueryModelJson(const char *sql, const char *json)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(json)};
	int			save_nestlevel = NewGUCNestLevel();
	int			rc;

	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	rc = SPI_execute_with_args(sql, 1, types, values, NULL, true, 0);
	AtEOXact_GUC(true, save_nestlevel);
	return rc;
}

/*
 * The booster's trees (its JSON model, len bytes) into xm: each a class's
 * (tree_info), its nodes' children, split features and conditions (a
 * leaf's value) and missing values' way; and the base score as a margin.
 */
static void
ReadTrees(const char *json, Size len, int objective, XgbModel *xm)
{
	XgbJsonModel jm;
	int			r;

	XgbReadJsonModel(json, len, &jm);
	if (jm.ntrees == 0)
		elog(ERROR, "XGBoost's model has no trees");
	if (jm.ntree_info != jm.ntrees)
		elog(ERROR, "XGBoost's model lists the classes of %d trees, not %d",
			 jm.ntree_info, jm.ntrees);
	if (!jm.has_base_score)
		elog(ERROR, "XGBoost's model lacks its base score");
	xm->ntrees = jm.ntrees;
	xm->trees = palloc0(sizeof(XgbTree) * xm->ntrees);
	for (r = 0; r < jm.ntrees; r++)
	{
		const XgbJsonTree *jt = &jm.trees[r];
		XgbTree    *tr = &xm->trees[r];
		int			i;

		if (jt->left == NULL || jt->right == NULL || jt->feature == NULL ||
			jt->condition == NULL || jt->default_left == NULL)
			elog(ERROR, "XGBoost's tree %d lacks one of its node arrays", r);
		tr->group = jm.tree_info[r];
		tr->nnodes = jt->nnodes;
		tr->nodes = palloc(sizeof(XgbNode) * Max(tr->nnodes, 1));
		for (i = 0; i < tr->nnodes; i++)
		{
			tr->nodes[i].left = jt->left[i];
			tr->nodes[i].right = jt->right[i];
			tr->nodes[i].feature = jt->left[i] >= 0 ? jt->feature[i] : 0;
			tr->nodes[i].value = jt->condition[i];
			tr->nodes[i].default_left = jt->default_left[i] != 0;
		}
	}
	/* binary:logistic keeps it as a probability */
	xm->base_margin = objective == XGB_OBJ_BINARY_LOGISTIC ?
		(float) -log(1.0 / jm.base_score - 1.0) : jm.base_score;
}

/*
 * The metrics of a fit on every row (test_size 0, no validation part):
 * the rows are XGBoost's training matrix, whose margins it kept while
 * boosting (the sums of float32 leaves scoring computes: one walk of a
 * million rows would cost several scans); the outputs follow from them
 * as at scoring.
 */
static Jsonb *
MetricsOnTrainingRows(MlopsTrainJob *job, const MlopsModel *model, XgbBooster *b,
					  XgbMatrix *train, const XgbLoader *ld, Jsonb *extra)
{
	const XgbModel *xm = (const XgbModel *) model->payload;
	int			k = XgbOutputs(model);
	int64		n = ld->train.n;
	float	   *margin = XgbTrainingMargins(b, train, n * xm->ngroups);
	double	   *out = palloc_extended(sizeof(double) * n * k, MCXT_ALLOC_HUGE);
	int64		i;

	for (i = 0; i < n; i++)
	{
		double		mg[MLOPS_MAX_CLASSES];
		int			g;

		for (g = 0; g < xm->ngroups; g++)
			mg[g] = margin[i * xm->ngroups + g];
		if (model->nclasses == 0)
			out[i] = mg[0];
		else
			Probabilities(xm, mg, model->nclasses, out + i * k);
	}
	pfree(margin);
	return MlopsEvaluateOutputs(job, model, n, ld->train.yd, out, extra);
}

/* The routine of a family (forest or boosted trees) for a task. */
static const MlopsAlgorithmRoutine *
Routine(bool forest, bool classifier)
{
	if (forest)
		return classifier ? &mlops_random_forest_classifier_routine :
			&mlops_random_forest_routine;
	return classifier ? &mlops_xgboost_classifier_routine : &mlops_xgboost_routine;
}

/*
 * XGBoost reads its real hyperparameters as float32 and refuses a value
 * that is not 0 but below float32's smallest normal one: ours to report.
 */
static void
CheckFloat32Params(const XgbParams *p)
{
	const char *names[] = {"eta", "min_child_weight", "lambda", "alpha", "gamma"};
	double		values[] = {p->eta, p->min_child_weight, p->lambda, p->alpha, p->gamma};
	int			i;

	for (i = 0; i < lengthof(values); i++)
		if (values[i] > 0 && values[i] < FLT_MIN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("hyperparameter \"%s\" must be 0 or at least %g, not %g",
							names[i], FLT_MIN, values[i]),
					 errdetail("XGBoost keeps it as a float32.")));
}

/*
 * Where a training's time went, at DEBUG1: what XGBoost spends (its
 * matrix, the rounds, the model's JSON) against our loading before and
 * our work after (the trees, the artifact, the metrics), which make
 * bench reports without subtracting a second run's noisy XGBoost time.
 */
static void
ReportTimes(instr_time start, instr_time loaded, instr_time boosted)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, boosted);
	INSTR_TIME_SUBTRACT(boosted, loaded);
	INSTR_TIME_SUBTRACT(loaded, start);
	elog(DEBUG1, "xgboost training: loading %.1f ms, in XGBoost %.1f ms, after %.1f ms",
		 INSTR_TIME_GET_MILLISEC(loaded), INSTR_TIME_GET_MILLISEC(boosted),
		 INSTR_TIME_GET_MILLISEC(now));
}

/*
 * Training: load, boost (a forest: one round), keep the best rounds when
 * stopping early, store, evaluate on the held-out rows.
 */
static void
XgbTrainWith(MlopsTrainJob *job, bool forest)
{
	const XgbParams *p = (const XgbParams *) job->params;
	int			objective = job->nclasses == 0 ? XGB_OBJ_SQUAREDERROR :
		job->nclasses == 2 ? XGB_OBJ_BINARY_LOGISTIC : XGB_OBJ_MULTI_SOFTPROB;
	XgbLoader	ld;
	XgbMatrix  *train;
	XgbMatrix  *valid = NULL;
	XgbBooster *b;
	XgbModel	xm;
	MlopsModel	model;
	instr_time	start;
	instr_time	loaded;
	instr_time	boosted;
	Size		json_len;
	char	   *json;
	int			rounds = 0;
	int			best = -1;
	double		best_loss = get_float8_infinity();
	StringInfoData s;

	if (p->objective != 0 && p->objective - 1 != objective &&
		!(p->objective - 1 == XGB_OBJ_MULTI_SOFTPROB && job->nclasses == 2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("objective \"%s\" does not fit target column \"%s\"",
						objectives[p->objective], job->target),
				 errdetail(job->nclasses == 0 ? "The target is a number to regress on." :
						   "The target holds %d classes.", job->nclasses)));
	if (p->objective - 1 == XGB_OBJ_MULTI_SOFTPROB)
		objective = XGB_OBJ_MULTI_SOFTPROB;
	CheckFloat32Params(p);

	INSTR_TIME_SET_CURRENT(start);
	memset(&ld, 0, sizeof(ld));
	ld.valid_fraction = p->early_stopping_rounds > 0 ? p->validation_fraction : 0;
	LoadRows(job, &ld);
	INSTR_TIME_SET_CURRENT(loaded);
	if (p->early_stopping_rounds > 0 && ld.valid.n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("early stopping has no validation row"),
				 errdetail("validation_fraction %g of " INT64_FORMAT " training rows split off none.",
						   p->validation_fraction, ld.train.n),
				 errhint("Raise validation_fraction, or set early_stopping_rounds to 0.")));

	train = XgbMatrixCreate(ld.train.x, ld.train.n, job->nfeat, ld.train.y);
	if (ld.valid.n > 0)
		valid = XgbMatrixCreate(ld.valid.x, ld.valid.n, job->nfeat, ld.valid.y);
	b = XgbBoosterCreate(train);
	SetParams(b, job, p, objective, forest);
	for (rounds = 0; rounds < (forest ? 1 : p->n_estimators); rounds++)
	{
		CHECK_FOR_INTERRUPTS();
		XgbUpdate(b, rounds, train);
		if (valid != NULL)
		{
			double		loss = XgbEval(b, rounds, valid, "valid");

			if (loss < best_loss)
			{
				best_loss = loss;
				best = rounds;
			}
			else if (rounds - best >= p->early_stopping_rounds)
			{
				rounds++;
				break;
			}
		}
	}
	if (valid != NULL && best + 1 < rounds)
		b = XgbSlice(b, best + 1);

	memset(&xm, 0, sizeof(xm));
	xm.objective = objective;
	xm.ngroups = objective == XGB_OBJ_MULTI_SOFTPROB ? job->nclasses : 1;
	xm.rounds = valid != NULL ? best + 1 : rounds;
	json = XgbModelJson(b, &json_len);
	INSTR_TIME_SET_CURRENT(boosted);
	ReadTrees(json, json_len, objective, &xm);
	xm.json = json;
	xm.json_len = (uint32) json_len;

	memset(&model, 0, sizeof(model));
	model.algo = Routine(forest, job->nclasses > 0);
	model.nfeat = job->nfeat;
	model.feature_names = job->features;
	model.spec = job->spec;
	model.nclasses = job->nclasses;
	model.classes = job->classes;
	model.label_kind = job->label_kind;
	model.payload = &xm;
	job->artifact = MlopsArtifactEncode(&model);
	job->n_train = ld.train.n;

	initStringInfo(&s);
	appendStringInfo(&s, "{\"n_train\": " INT64_FORMAT ", \"rows_skipped\": " INT64_FORMAT
					 ", \"rounds\": %d, \"trees\": %d",
					 ld.train.n, ld.nskipped, xm.rounds, xm.ntrees);
	if (valid != NULL)
	{
		appendStringInfo(&s, ", \"n_validation\": " INT64_FORMAT ", \"best_iteration\": %d",
						 ld.valid.n, best);
		MlopsJsonNumber(&s, "validation_loss", best_loss);
	}
	appendStringInfoChar(&s, '}');
	if (job->test_size == 0 && valid == NULL)
		job->metrics = MetricsOnTrainingRows(job, &model, b, train, &ld,
											 MlopsJsonbFromString(s.data));
	else
		job->metrics = MlopsEvaluateHeldOut(job, MlopsJsonbFromString(s.data));
	XgbFree(b);
	XgbFree(train);
	if (valid)
		XgbFree(valid);
	ReportTimes(start, loaded, boosted);
}

/*
 * MlopsAlgorithmRoutine.importance: XGBoost's feature importance, read
 * from its JSON model by SQL: per feature, the splits on it (weight), the
 * sum of their loss reductions (total_gain) and of their nodes' hessian
 * sums (total_cover), and their averages (gain, cover); a feature no tree
 * splits on has zeros, as scikit-learn's feature_importances_ gives.
 */
static void
XgbImportance(const MlopsModel *m, ReturnSetInfo *rsinfo)
{
	const XgbModel *xm = (const XgbModel *) m->payload;
	const char *sql =
		"SELECT s.f, pg_catalog.count(*), pg_catalog.sum(s.g), pg_catalog.sum(s.c) "
		"FROM pg_catalog.jsonb_array_elements($1::pg_catalog.jsonb->'learner'->'gradient_booster'->'model'->'trees') t(tree), "
		"LATERAL (SELECT (t.tree->'split_indices'->>n)::int4 AS f, "
		"(t.tree->'loss_changes'->>n)::float8 AS g, (t.tree->'sum_hessian'->>n)::float8 AS c "
		"FROM pg_catalog.generate_series(0, pg_catalog.jsonb_array_length(t.tree->'left_children') - 1) n "
		"WHERE (t.tree->'left_children'->>n)::int4 <> -1) s "
		"GROUP BY s.f";
	int64	   *weight = palloc0(sizeof(int64) * m->nfeat);
	double	   *gain = palloc0(sizeof(double) * m->nfeat);
	double	   *cover = palloc0(sizeof(double) * m->nfeat);
	uint64		r;
	int			j;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (QueryModelJson(sql, xm->json) != SPI_OK_SELECT)
		elog(ERROR, "reading XGBoost's model failed");
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull[4];
		int32		f = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull[0]));

		if (isnull[0] || f < 0 || f >= m->nfeat)
			elog(ERROR, "XGBoost's model splits on a feature it does not have");
		weight[f] = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull[1]));
		gain[f] = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull[2]));
		cover[f] = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull[3]));
		if (isnull[2] || isnull[3])
			elog(ERROR, "XGBoost's model lacks the gain or cover of a split");
	}
	SPI_finish();
	for (j = 0; j < m->nfeat; j++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = CStringGetTextDatum(m->feature_names[j]);
		values[1] = Float8GetDatum(weight[j] > 0 ? gain[j] / weight[j] : 0);
		values[2] = Float8GetDatum(gain[j]);
		values[3] = Int64GetDatum(weight[j]);
		values[4] = Float8GetDatum(weight[j] > 0 ? cover[j] / weight[j] : 0);
		values[5] = Float8GetDatum(cover[j]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/* the family's train callbacks */
static void
XgbTrain(MlopsTrainJob *job)
{
	XgbTrainWith(job, false);
}

static void
RfTrain(MlopsTrainJob *job)
{
	XgbTrainWith(job, true);
}

/*
 * The hyperparameters both families take, with the defaults that differ;
 * XGBoost keeps the reals as float32 (FLT_MAX at most).
 */
#define XGB_TREE_PARAMS(eta_, subsample_, colsample_bynode_, lambda_) \
	{"n_estimators", MLOPS_PARAM_INT, offsetof(XgbParams, n_estimators), 100, 1, 100000}, \
	{"max_depth", MLOPS_PARAM_INT, offsetof(XgbParams, max_depth), 6, 0, 63}, \
	{"eta", MLOPS_PARAM_REAL, offsetof(XgbParams, eta), eta_, 0, FLT_MAX}, \
	{"subsample", MLOPS_PARAM_REAL, offsetof(XgbParams, subsample), subsample_, 1e-6, 1}, \
	{"colsample_bytree", MLOPS_PARAM_REAL, offsetof(XgbParams, colsample_bytree), 1, 1e-6, 1}, \
	{"colsample_bylevel", MLOPS_PARAM_REAL, offsetof(XgbParams, colsample_bylevel), 1, 1e-6, 1}, \
	{"colsample_bynode", MLOPS_PARAM_REAL, offsetof(XgbParams, colsample_bynode), colsample_bynode_, 1e-6, 1}, \
	{"min_child_weight", MLOPS_PARAM_REAL, offsetof(XgbParams, min_child_weight), 1, 0, FLT_MAX}, \
	{"lambda", MLOPS_PARAM_REAL, offsetof(XgbParams, lambda), lambda_, 0, FLT_MAX}, \
	{"alpha", MLOPS_PARAM_REAL, offsetof(XgbParams, alpha), 0, 0, FLT_MAX}, \
	{"gamma", MLOPS_PARAM_REAL, offsetof(XgbParams, gamma), 0, 0, FLT_MAX}, \
	{"max_bin", MLOPS_PARAM_INT, offsetof(XgbParams, max_bin), 256, 2, 65536}, \
	{"tree_method", MLOPS_PARAM_ENUM, offsetof(XgbParams, tree_method), 0, 0, 0, tree_methods}, \
	{"objective", MLOPS_PARAM_ENUM, offsetof(XgbParams, objective), 0, 0, 0, objectives}

static const MlopsParamDef xgboost_params[] = {
	XGB_TREE_PARAMS(0.3, 1, 1, 1),
	{"early_stopping_rounds", MLOPS_PARAM_INT, offsetof(XgbParams, early_stopping_rounds), 0, 0, 100000},
	{"validation_fraction", MLOPS_PARAM_REAL, offsetof(XgbParams, validation_fraction), 0.1, 1e-6, 0.5},
	{NULL, 0, 0, 0, 0, 0}
};

/* XGBRFRegressor's and XGBRFClassifier's defaults; a forest stops nothing early */
static const MlopsParamDef random_forest_params[] = {
	XGB_TREE_PARAMS(1, 0.8, 0.8, 1e-5),
	{NULL, 0, 0, 0, 0, 0}
};

/*
 * MlopsAlgorithmRoutine.resolve: the classifier for a target of labels
 * or a classification objective, else the regressor.
 */
static bool
WantsClassifier(const void *params, bool labels)
{
	int			objective = ((const XgbParams *) params)->objective;

	return objective == 0 ? labels : objective - 1 != XGB_OBJ_SQUAREDERROR;
}

static const MlopsAlgorithmRoutine *
XgbResolve(const void *params, bool labels)
{
	return Routine(false, WantsClassifier(params, labels));
}

static const MlopsAlgorithmRoutine *
RfResolve(const void *params, bool labels)
{
	return Routine(true, WantsClassifier(params, labels));
}

#endif							/* !FRONTEND */

#ifndef FRONTEND
#define XGB_BACKEND(params_, train_, resolve_) \
	.params = params_, .params_size = sizeof(XgbParams), .train = train_, .resolve = resolve_, \
	.importance = XgbImportance,
#else
#define XGB_BACKEND(params_, train_, resolve_)
#endif

/* the four routines: the same model, two names, two tasks */
#define XGB_ROUTINE(name_, title_, id_, task_, predict_vector_, backend_) { \
	.name = name_, .title = title_, .id = id_, .task = task_, \
	.encode = XgbEncode, .decode = XgbDecode, .predict = XgbPredict, \
	.outputs = XgbOutputs, .predict_vector = predict_vector_, \
	.missing_values = true, backend_ \
}

const MlopsAlgorithmRoutine mlops_xgboost_routine =
XGB_ROUTINE("xgboost", "XGBoost regression", XGB_REGRESSOR_ID, MLOPS_TASK_REGRESSION,
			NULL, XGB_BACKEND(xgboost_params, XgbTrain, XgbResolve));
const MlopsAlgorithmRoutine mlops_xgboost_classifier_routine =
XGB_ROUTINE("xgboost", "XGBoost classification", XGB_CLASSIFIER_ID,
			MLOPS_TASK_CLASSIFICATION, XgbPredictVector,
			XGB_BACKEND(xgboost_params, XgbTrain, XgbResolve));
const MlopsAlgorithmRoutine mlops_random_forest_routine =
XGB_ROUTINE("random_forest", "XGBoost random forest regression", RF_REGRESSOR_ID,
			MLOPS_TASK_REGRESSION, NULL,
			XGB_BACKEND(random_forest_params, RfTrain, RfResolve));
const MlopsAlgorithmRoutine mlops_random_forest_classifier_routine =
XGB_ROUTINE("random_forest", "XGBoost random forest classification", RF_CLASSIFIER_ID,
			MLOPS_TASK_CLASSIFICATION, XgbPredictVector,
			XGB_BACKEND(random_forest_params, RfTrain, RfResolve));
