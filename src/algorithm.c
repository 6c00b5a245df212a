/*-------------------------------------------------------------------------
 *
 * algorithm.c
 *	  The list of model families: the one place that names them all.
 *
 * A family's id is stored in every artifact it writes, so an id is never
 * reused or renumbered; a retired family keeps its line (with a decoder
 * for old versions) for as long as such versions may exist.
 *
 * Frontend-safe: the artifact fuzzer links this file.
 *
 * IDENTIFICATION
 *	  src/algorithm.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "algorithm.h"

extern const MlopsAlgorithmRoutine mlops_linear_routine;
extern const MlopsAlgorithmRoutine mlops_elastic_net_routine;
extern const MlopsAlgorithmRoutine mlops_logistic_routine;
extern const MlopsAlgorithmRoutine mlops_pca_routine;
extern const MlopsAlgorithmRoutine mlops_naive_bayes_routine;
extern const MlopsAlgorithmRoutine mlops_kmeans_routine;
extern const MlopsAlgorithmRoutine mlops_xgboost_routine;
extern const MlopsAlgorithmRoutine mlops_xgboost_classifier_routine;
extern const MlopsAlgorithmRoutine mlops_random_forest_routine;
extern const MlopsAlgorithmRoutine mlops_random_forest_classifier_routine;

static const MlopsAlgorithmRoutine *const families[] = {
	&mlops_linear_routine,
	&mlops_elastic_net_routine,
	&mlops_logistic_routine,
	&mlops_pca_routine,
	&mlops_naive_bayes_routine,
	&mlops_kmeans_routine,
	&mlops_xgboost_routine,		/* by name, the first of the two */
	&mlops_xgboost_classifier_routine,
	&mlops_random_forest_routine,	/* likewise */
	&mlops_random_forest_classifier_routine,
};

/* The family stored as id in an artifact, or NULL. */
const MlopsAlgorithmRoutine *
MlopsAlgorithmById(uint16 id)
{
	int			i;

	for (i = 0; i < lengthof(families); i++)
		if (families[i]->id == id)
			return families[i];
	return NULL;
}

/* The family mlops.train calls name, or NULL. */
const MlopsAlgorithmRoutine *
MlopsAlgorithmByName(const char *name)
{
	int			i;

	for (i = 0; i < lengthof(families); i++)
		if (strcmp(families[i]->name, name) == 0)
			return families[i];
	return NULL;
}

/*
 * The family algorithm => 'auto' picks, from what the target is: none
 * (clustering: kmeans), a class label type (boolean, text, enum:
 * logistic), or numbers, of which exactly two distinct ones are classes
 * too (logistic) and any other count a quantity (linear).  NULL when the
 * family it names is not there.
 */
const MlopsAlgorithmRoutine *
MlopsAlgorithmAuto(bool has_target, bool label_type, int64 ndistinct)
{
	if (!has_target)
		return MlopsAlgorithmByName("kmeans");
	if (label_type || ndistinct == 2)
		return MlopsAlgorithmByName("logistic");
	return MlopsAlgorithmByName("linear");
}

/* The family 'auto' keeps for an existing model of that task. */
const MlopsAlgorithmRoutine *
MlopsAlgorithmForTask(const char *task)
{
	if (strcmp(task, "classification") == 0)
		return MlopsAlgorithmByName("logistic");
	if (strcmp(task, "clustering") == 0)
		return MlopsAlgorithmByName("kmeans");
	if (strcmp(task, "decomposition") == 0)
		return MlopsAlgorithmByName("pca");
	return MlopsAlgorithmByName("linear");
}

/* A task as the catalog's model.task column names it. */
const char *
MlopsTaskName(MlopsTask task)
{
	switch (task)
	{
		case MLOPS_TASK_REGRESSION:
			return "regression";
		case MLOPS_TASK_CLASSIFICATION:
			return "classification";
		case MLOPS_TASK_CLUSTERING:
			return "clustering";
		case MLOPS_TASK_DECOMPOSITION:
			return "decomposition";
	}
	return "unknown";
}

/* The families' names, comma-separated, for hints. */
const char *
MlopsAlgorithmNames(void)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < lengthof(families); i++)
		if (i == 0 || strcmp(families[i]->name, families[i - 1]->name) != 0)
			appendStringInfo(&buf, "%s%s", i ? ", " : "", families[i]->name);
	return buf.data;
}
