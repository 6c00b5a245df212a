/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  Rows of mlops.model, mlops.model_version and mlops.deployment.
 *
 * IDENTIFICATION
 *	  include/catalog.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_CATALOG_H
#define MLOPS_CATALOG_H

#include "utils/jsonb.h"

#include "executor/spi.h"
#include "utils/snapshot.h"

#include "acl.h"
#include "sqlexec.h"

/* A model reference resolved to one immutable version. */
typedef struct MlopsVersionRef
{
	int64		model_id;
	int32		version;
	TransactionId xmin;			/* of the version row: tells rebuilt ids apart */
	char	   *name;
} MlopsVersionRef;

/* What training hands over to be stored as a new version. */
typedef struct MlopsNewVersion
{
	const char *algorithm;
	Jsonb	   *hyperparams;
	Jsonb	   *features;
	const char *target;
	const char *source;
	int64		n_train;
	int64		n_test;
	Jsonb	   *metrics;
	bytea	   *artifact;
	double		training_ms;
} MlopsNewVersion;

extern void MlopsCheckModelName(const char *name);
extern void MlopsParseModelRef(text *ref, char **name, int32 *version);
extern void MlopsResolveModel(text *ref, MlopsVersionRef *out);
extern bytea *MlopsFetchArtifact(const MlopsVersionRef *ref);
extern int64 MlopsLockModel(const char *name, const char *task, int priv,
							 int *mask);
extern int32 MlopsInsertVersion(int64 model_id, const MlopsNewVersion *v);
extern int32 MlopsDeployedVersionNow(int64 model_id);
extern bool MlopsDeployedVersion(const char *name, MlopsVersionRef *out,
								 char **target);
extern int	MlopsListVersions(int64 model_id, const char *name,
							  MlopsVersionRef **refs, char ***targets);
extern void MlopsRecordDeployment(int64 model_id, int32 version,
								  const char *reason, const char *detail);

#endif							/* MLOPS_CATALOG_H */
