/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  Rows of mlops.model, mlops.model_version, mlops.deployment and
 *	  mlops.audit_log; model-name parsing.
 *
 * IDENTIFICATION
 *	  include/catalog.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_CATALOG_H
#define MLOPS_CATALOG_H

#include "utils/jsonb.h"

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
extern int64 MlopsLookUpVersion(const char *name, int32 version,
								MlopsVersionRef *out);
extern bytea *MlopsFetchArtifact(const MlopsVersionRef *ref);
extern bool MlopsCreateModel(const char *name, const char *task);
extern int64 MlopsModelIdByName(const char *name);
extern char *MlopsLockModelRow(int64 model_id);
extern void MlopsAudit(const char *action, int64 model_id, const char *model,
					   const char *detail_json);
extern int32 MlopsInsertVersion(int64 model_id, const MlopsNewVersion *v);
extern int32 MlopsDeployedVersionNow(int64 model_id);
extern bool MlopsDeployedVersion(const char *name, MlopsVersionRef *out,
								 char **target);
extern int	MlopsListVersions(int64 model_id, const char *name,
							  MlopsVersionRef **refs, char ***targets);
extern void MlopsRecordDeployment(int64 model_id, int32 version,
								  const char *reason, const char *detail);
extern bool MlopsVersionExists(int64 model_id, int32 version);
extern int32 MlopsPickVersion(int64 model_id, bool best, double *score,
							   char **metric);
extern uint64 MlopsDeploymentHistory(int64 model_id, int32 **versions,
									 bool **rollbacks);
extern void MlopsDeleteModel(int64 model_id);
extern void MlopsSetDescription(int64 model_id, Datum description,
								bool isnull);

#endif							/* MLOPS_CATALOG_H */
