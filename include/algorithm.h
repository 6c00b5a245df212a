/*-------------------------------------------------------------------------
 *
 * algorithm.h
 *	  The algorithm interface: one struct of callbacks per model family,
 *	  as PostgreSQL's index access methods have IndexAmRoutine.
 *
 * Each src/algo_<name>.c fills one MlopsAlgorithmRoutine and
 * src/algorithm.c lists them; the rest of the code reaches a family only
 * through its routine, found by name (mlops.train) or by the id stored in
 * an artifact.  Adding a family is adding its file, one line in that
 * list, its SQL objects and its tests.
 *
 * The stored-model callbacks (encode, decode, predict) are frontend-safe:
 * the decoder's fuzzer links the family files with -DFRONTEND, where
 * only they exist.
 *
 * IDENTIFICATION
 *	  include/algorithm.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_ALGORITHM_H
#define MLOPS_ALGORITHM_H

#include "lib/stringinfo.h"

#include "mlops.h"

typedef enum MlopsTask
{
	MLOPS_TASK_REGRESSION = 1,
	MLOPS_TASK_CLASSIFICATION,
	MLOPS_TASK_CLUSTERING,
	MLOPS_TASK_DECOMPOSITION
} MlopsTask;

/* A bounded little-endian reader over an artifact; any overrun sets ok = false. */
typedef struct MlopsReader
{
	const unsigned char *p;
	Size		left;
	bool		ok;
} MlopsReader;

/*
 * A hyperparameter, declared (as bloom declares its reloptions): its JSON
 * key in mlops.train's hyperparams, its kind, where it goes in the
 * family's params struct, its default, smallest and largest value (no
 * largest when max is not above min).  An enum is a JSON string among
 * choices (NULL-terminated), stored in the params struct as the int index
 * of the choice, dflt being the default's index.  An int whose default is
 * below its min has no default value (the family picks one, as n_components
 * = all features) and is stored with the version as null when not given.
 * train.c parses and checks them, and stores them with the version,
 * defaults included.
 */
typedef enum MlopsParamKind
{
	MLOPS_PARAM_BOOL,			/* bool */
	MLOPS_PARAM_REAL,			/* double: finite, in [min, max] */
	MLOPS_PARAM_INT,			/* int: an integer in [min, max] */
	MLOPS_PARAM_ENUM			/* int: the index of a string in choices */
} MlopsParamKind;

typedef struct MlopsParamDef
{
	const char *name;
	MlopsParamKind kind;
	int			offset;
	double		dflt;
	double		min;
	double		max;
	const char *const *choices; /* MLOPS_PARAM_ENUM: NULL-terminated */
} MlopsParamDef;

struct MlopsTrainJob;			/* pass.h */
struct MlopsPassState;			/* pass_state.h */
struct ReturnSetInfo;

typedef struct MlopsAlgorithmRoutine
{
	const char *name;			/* mlops.train(algorithm => name) */
	const char *title;			/* for messages: "Linear regression" */
	uint16		id;				/* stored in artifacts: never renumber */
	MlopsTask	task;
	const MlopsParamDef *params;	/* ends with a NULL name */
	Size		params_size;

	/*
	 * The stored model (frontend-safe).  encode appends the family's
	 * payload; decode reads it into model->payload after the common part
	 * (features, classes) has been read, returning false with *error set
	 * when it is not valid: it must check every value it will rely on and
	 * consume exactly the bytes encode writes.  predict is the model's
	 * output for one feature vector of model->nfeat finite values: a
	 * classifier's is the index of its most probable class (the first of
	 * a tie).  predict_vector, which may be NULL, writes the model's
	 * vector output, outputs(model) values: a classifier's class
	 * probabilities, in class order.
	 */
	void		(*encode) (const MlopsModel *model, StringInfo payload);
	bool		(*decode) (MlopsReader *r, MlopsModel *model, const char **error);
	double		(*predict) (const MlopsModel *model, const double *x);
	int			(*outputs) (const MlopsModel *model);
	void		(*predict_vector) (const MlopsModel *model, const double *x,
								   double *out);

	/*
	 * Backend only.  train runs the passes over the job's relation and
	 * fills the job's results (pass.h); coefficients, which may be NULL,
	 * puts (term, estimate, std_error, statistic, p_value) rows into a
	 * materialized set-returning function's result.
	 */
	void		(*train) (struct MlopsTrainJob *job);
	void		(*coefficients) (const MlopsModel *model,
								 struct ReturnSetInfo *rsinfo);

	/*
	 * A classifier whose first full pass confirms classes listed from a
	 * sample (pass.h, class_check_sql): train.c then lists them from a
	 * block sample of a big relation instead of a scan of its own.
	 */
	bool		confirms_classes;

	/*
	 * A family whose first full pass confirms a feature spec's categories
	 * listed from a sample (pass.h, categories_incomplete): train.c then
	 * lists them from a block sample of a big relation.
	 */
	bool		confirms_categories;

	/*
	 * A family that takes NaN features as missing values and learns where
	 * they go (trees): NULL numeric and boolean features become NaN
	 * unless impute says otherwise, and scoring passes NaN on.
	 */
	bool		missing_values;

	/*
	 * Backend only, may be NULL: for a family of two routines of one name
	 * (xgboost's regressor and classifier), the one to train with these
	 * hyperparameters, on a target of labels or of numbers.
	 */
	const struct MlopsAlgorithmRoutine *(*resolve) (const void *params, bool labels);

	/*
	 * Backend only, may be NULL (keep every level): whether a fit with
	 * these hyperparameters is unpenalised with an intercept, so that a
	 * categorical column's first category must be its reference level
	 * (treatment coding, as R's lm and glm), or the fit is not identified.
	 */
	bool		(*drops_reference) (const void *params);

	/*
	 * Backend only, may be NULL: a clustering model's centres as (cluster,
	 * feature, value) rows, a decomposition's components as (component,
	 * feature, loading, explained_variance, explained_variance_ratio).
	 */
	void		(*centers) (const MlopsModel *model, struct ReturnSetInfo *rsinfo);
	void		(*components) (const MlopsModel *model,
							   struct ReturnSetInfo *rsinfo);

	/*
	 * Backend only, may be NULL: a tree model's feature importance as
	 * (feature, gain, total_gain, weight, cover, total_cover) rows, one per
	 * feature.
	 */
	void		(*importance) (const MlopsModel *model, struct ReturnSetInfo *rsinfo);

	/*
	 * Backend only: the family's aggregate states (pass_state.h).
	 * state_problem says why a state's header fields (the generic ones
	 * already checked) do not match each other or its body's length, or
	 * returns NULL; it must be O(1) and judge from the header and VARSIZE
	 * alone, since the input functions run it on a header before they
	 * allocate the body.  state_compact, which may be NULL, rewrites a
	 * copy of a state before it is sent, so that what it need not keep is
	 * zeros (trailing zeros are not sent).  state_fit names a fit in
	 * messages: "a linear fit of 3 features needs ...".
	 */
	const char *(*state_problem) (const struct MlopsPassState *st);
	void		(*state_compact) (struct MlopsPassState *st);
	const char *state_fit;
} MlopsAlgorithmRoutine;

/* algorithm.c */
extern const MlopsAlgorithmRoutine *MlopsAlgorithmById(uint16 id);
extern const MlopsAlgorithmRoutine *MlopsAlgorithmByName(const char *name);
extern const MlopsAlgorithmRoutine *MlopsAlgorithmAuto(bool has_target,
														 bool label_type,
														 int64 ndistinct);
extern const MlopsAlgorithmRoutine *MlopsAlgorithmForTask(const char *task);
extern const char *MlopsAlgorithmNames(void);
extern const char *MlopsTaskName(MlopsTask task);

static inline double
MlopsPredict(const MlopsModel *model, const double *x)
{
	return model->algo->predict(model, x);
}

/* The index of the largest of n values, the first of a tie. */
static inline int
MlopsArgmax(const double *v, int n)
{
	int			best = 0;
	int			i;

	for (i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

#endif							/* MLOPS_ALGORITHM_H */
