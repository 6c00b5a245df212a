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

static const MlopsAlgorithmRoutine *const families[] = {
	&mlops_linear_routine,
	&mlops_elastic_net_routine,
	&mlops_logistic_routine,
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
 * The family algorithm => 'auto' picks.  Every target is numeric today,
 * so it is linear regression; classification will choose by the target.
 */
const MlopsAlgorithmRoutine *
MlopsAlgorithmAuto(void)
{
	return &mlops_linear_routine;
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
		appendStringInfo(&buf, "%s%s", i ? ", " : "", families[i]->name);
	return buf.data;
}
