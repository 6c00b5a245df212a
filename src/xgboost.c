/*-------------------------------------------------------------------------
 *
 * xgboost.c
 *	  XGBoost's C API (Debian's libxgboost), loaded the first time a
 *	  tree model trains, with every handle owned by a memory context.
 *
 * The library is not linked: like OpenBLAS (linalg.c) it is opened by
 * its soname on first use, so that the extension loads, and every other
 * family trains and scores, where it is not installed, and no backend
 * that never trains a tree relocates it.  Scoring never calls it: the
 * trees are walked in C (algo_xgboost.c).
 *
 * Every entry point returns nonzero on failure, C++ exceptions caught
 * inside the library; XgbCheck turns that into an ERROR with the
 * library's message.  A DMatrix or Booster is freed by a reset callback
 * of the memory context current when it was made, so that an ERROR
 * between creation and the explicit free (a cancel between rounds, a
 * failed parameter) releases it with the context; XGBoost never calls
 * back into PostgreSQL.
 *
 * With mlops.xgboost_threads > 1 XGBoost's OpenMP runtime starts threads
 * in the backend.  They must never run PostgreSQL's signal handlers, so
 * every call runs with the backend's signals blocked (SIGQUIT aside: its
 * handler only ends the process), which the threads it starts inherit;
 * a signal then waits for the call, at most a round, as CHECK_FOR_INTERRUPTS
 * between rounds would anyway.  When a booster is freed the runtime's
 * pool is shut down (omp_pause_resource_all), so that no thread outlives
 * the training.
 *
 * IDENTIFICATION
 *	  src/xgboost.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <dlfcn.h>
#include <signal.h>

#include <xgboost/c_api.h>

#include "libpq/pqsignal.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "xgboost.h"

#ifndef MLOPS_XGBOOST_LIBRARY
#define MLOPS_XGBOOST_LIBRARY "libxgboost.so.0"
#endif

int			mlops_xgboost_threads = 1;

/* the entry points used, resolved once per backend */
static struct
{
	bool		loaded;
	__typeof__(XGBGetLastError) *last_error;
	__typeof__(XGBSetGlobalConfig) *set_global_config;
	__typeof__(XGDMatrixCreateFromMat) *dmatrix_from_mat;
	__typeof__(XGDMatrixSetFloatInfo) *dmatrix_set_float_info;
	__typeof__(XGDMatrixFree) *dmatrix_free;
	__typeof__(XGBoosterCreate) *booster_create;
	__typeof__(XGBoosterFree) *booster_free;
	__typeof__(XGBoosterSetParam) *booster_set_param;
	__typeof__(XGBoosterUpdateOneIter) *booster_update;
	__typeof__(XGBoosterSaveModelToBuffer) *booster_save;
	__typeof__(XGBoosterEvalOneIter) *booster_eval;
	__typeof__(XGBoosterSlice) *booster_slice;
	__typeof__(XGBoosterPredict) *booster_predict;
	int			(*omp_pause_all) (int); /* OpenMP 5's; NULL if absent */
}			xgb;

/* the backend's signals but SIGQUIT, and the mask a call replaced */
static sigset_t call_mask;
static sigset_t saved_mask;

/* XGB(call): a library call with the backend's signals blocked */
#define XGB(call) (BlockSignals(), RestoreSignals(call))

static inline void
BlockSignals(void)
{
	sigprocmask(SIG_SETMASK, &call_mask, &saved_mask);
}

static inline int
RestoreSignals(int rc)
{
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	return rc;
}

static void *
Symbol(void *lib, const char *name)
{
	void	   *p = dlsym(lib, name);

	if (p == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("could not find function \"%s\" in library \"%s\"",
						name, MLOPS_XGBOOST_LIBRARY)));
	return p;
}

static void
LoadXgboost(void)
{
	void	   *lib;

	if (likely(xgb.loaded))
		return;
	lib = dlopen(MLOPS_XGBOOST_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("could not load library \"%s\": %s", MLOPS_XGBOOST_LIBRARY, dlerror()),
				 errhint("Tree models need XGBoost: install Debian's libxgboost0.")));
	xgb.last_error = Symbol(lib, "XGBGetLastError");
	xgb.set_global_config = Symbol(lib, "XGBSetGlobalConfig");
	xgb.dmatrix_from_mat = Symbol(lib, "XGDMatrixCreateFromMat");
	xgb.dmatrix_set_float_info = Symbol(lib, "XGDMatrixSetFloatInfo");
	xgb.dmatrix_free = Symbol(lib, "XGDMatrixFree");
	xgb.booster_create = Symbol(lib, "XGBoosterCreate");
	xgb.booster_free = Symbol(lib, "XGBoosterFree");
	xgb.booster_set_param = Symbol(lib, "XGBoosterSetParam");
	xgb.booster_update = Symbol(lib, "XGBoosterUpdateOneIter");
	xgb.booster_save = Symbol(lib, "XGBoosterSaveModelToBuffer");
	xgb.booster_eval = Symbol(lib, "XGBoosterEvalOneIter");
	xgb.booster_slice = Symbol(lib, "XGBoosterSlice");
	xgb.booster_predict = Symbol(lib, "XGBoosterPredict");
	/* omp_pause_soft is 1; the runtime is the library's dependency */
	xgb.omp_pause_all = dlsym(lib, "omp_pause_resource_all");
	call_mask = BlockSig;
	sigdelset(&call_mask, SIGQUIT);
	xgb.loaded = true;
	/* warnings only, to the server's log (XGBoost's own stderr) */
	XgbCheck(XGB(xgb.set_global_config("{\"verbosity\": 1}")), "setting its verbosity");
}

/* An ERROR with XGBoost's message when a call failed. */
void
XgbCheck(int rc, const char *what)
{
	if (rc != 0)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("XGBoost failed %s: %s", what, xgb.last_error())));
}

/* A handle and the context callback that frees it unless freed first. */
typedef struct XgbOwned
{
	MemoryContextCallback cb;
	void	   *handle;
	bool		booster;
} XgbOwned;

static void
FreeOwned(void *arg)
{
	XgbOwned   *o = (XgbOwned *) arg;

	if (o->handle == NULL)
		return;
	(void) XGB(o->booster ? xgb.booster_free(o->handle) : xgb.dmatrix_free(o->handle));
	o->handle = NULL;
	/* no thread of XGBoost's outlives the training (an error's too) */
	if (o->booster && xgb.omp_pause_all != NULL)
		(void) XGB(xgb.omp_pause_all(1));
}

static XgbOwned *
Own(void *handle, bool booster)
{
	XgbOwned   *o = palloc0(sizeof(XgbOwned));

	o->handle = handle;
	o->booster = booster;
	o->cb.func = FreeOwned;
	o->cb.arg = o;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &o->cb);
	return o;
}

XgbMatrix *
XgbMatrixCreate(const float *data, int64 nrow, int ncol, const float *label)
{
	DMatrixHandle h = NULL;
	XgbMatrix  *m;

	LoadXgboost();
	XgbCheck(XGB(xgb.dmatrix_from_mat(data, (bst_ulong) nrow, (bst_ulong) ncol,
								  get_float4_nan(), &h)),
			 "creating a matrix");
	m = Own(h, false);
	XgbCheck(XGB(xgb.dmatrix_set_float_info(h, "label", label, (bst_ulong) nrow)),
			 "setting the labels");
	return m;
}

XgbBooster *
XgbBoosterCreate(XgbMatrix *train)
{
	BoosterHandle h = NULL;
	LoadXgboost();
	XgbCheck(XGB(xgb.booster_create((DMatrixHandle *) &train->handle, 1, &h)),
			 "creating a booster");
	return Own(h, true);
}

void
XgbSetParam(XgbBooster *b, const char *name, const char *value)
{
	XgbCheck(XGB(xgb.booster_set_param(b->handle, name, value)),
			 psprintf("setting parameter \"%s\" to \"%s\"", name, value));
}

void
XgbUpdate(XgbBooster *b, int iter, XgbMatrix *train)
{
	XgbCheck(XGB(xgb.booster_update(b->handle, iter,
								train->handle)),
			 psprintf("in boosting round %d", iter + 1));
}

/*
 * The evaluation metric of round iter on one matrix named name, as
 * XGBoost prints it ("[3]\tvalid-rmse:0.123"): its value.
 */
double
XgbEval(XgbBooster *b, int iter, XgbMatrix *m, const char *name)
{
	DMatrixHandle mats[1] = {m->handle};
	const char *names[1] = {name};
	const char *out = NULL;
	const char *colon;

	XgbCheck(XGB(xgb.booster_eval(b->handle, iter, mats, names, 1, &out)),
			 "evaluating a round");
	colon = out ? strrchr(out, ':') : NULL;
	if (colon == NULL)
		elog(ERROR, "XGBoost returned no evaluation: \"%s\"", out ? out : "");
	return strtod(colon + 1, NULL);
}

/*
 * The booster's margins of a matrix it trained on, n values each row,
 * palloc'd: XGBoost keeps them from training (its prediction cache), so
 * this walks no tree.
 */
float *
XgbTrainingMargins(XgbBooster *b, XgbMatrix *m, int64 nvalues)
{
	bst_ulong	len = 0;
	const float *out = NULL;
	float	   *copy;

	/* option 1: margins; all trees; not for a training step */
	XgbCheck(XGB(xgb.booster_predict(b->handle, m->handle, 1, 0, 0, &len, &out)),
			 "predicting its training rows");
	if ((int64) len != nvalues || out == NULL)
		elog(ERROR, "XGBoost returned " UINT64_FORMAT " margins, not " INT64_FORMAT,
			 (uint64) len, nvalues);
	copy = palloc_extended(sizeof(float) * len, MCXT_ALLOC_HUGE);
	memcpy(copy, out, sizeof(float) * len);
	return copy;
}

/* The booster's first rounds only (the best iteration), as a new booster. */
XgbBooster *
XgbSlice(XgbBooster *b, int rounds)
{
	BoosterHandle h = NULL;

	XgbCheck(XGB(xgb.booster_slice(b->handle, 0, rounds, 1, &h)),
			 "keeping the best rounds");
	return Own(h, true);
}

/* The booster's model as XGBoost's JSON, palloc'd and NUL-terminated. */
char *
XgbModelJson(XgbBooster *b, Size *len)
{
	bst_ulong	n = 0;
	const char *buf = NULL;
	char	   *copy;

	XgbCheck(XGB(xgb.booster_save(b->handle, "{\"format\": \"json\"}", &n, &buf)),
			 "saving the model");
	if (n >= MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the XGBoost model is too large to store (%llu bytes)",
						(unsigned long long) n)));
	copy = palloc(n + 1);
	memcpy(copy, buf, n);
	copy[n] = '\0';
	*len = n;
	return copy;
}

/* Free a handle now (its context callback then does nothing). */
void
XgbFree(struct XgbOwned *handle)
{
	FreeOwned(handle);
}
