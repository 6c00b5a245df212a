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

/* The caller's identity, saved while running as the catalog's owner. */
typedef struct MlopsSavedUser
{
	Oid			userid;
	int			sec_context;
} MlopsSavedUser;

/*
 * A statement of the extension's own, prepared once per backend
 * (SPI_keepplan) the first time it runs.
 */
typedef struct MlopsStatement
{
	const char *sql;
	int			nargs;
	Oid			argtypes[16];
} MlopsStatement;

/* A model reference resolved to one immutable version. */
typedef struct MlopsVersionRef
{
	int64		model_id;
	int32		version;
	TransactionId xmin;			/* of the version row: tells rebuilt ids apart */
	char	   *name;
} MlopsVersionRef;

/* Enough of a snapshot to tell whether another one sees the same rows. */
#define MLOPS_SNAPSHOT_XIDS 32
typedef struct MlopsSnapshotTag
{
	bool		valid;
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	uint32		xcnt;
	TransactionId xip[MLOPS_SNAPSHOT_XIDS];
} MlopsSnapshotTag;

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

extern int	MlopsRunStatement(const MlopsStatement *stmt, SPIPlanPtr *plan,
							  Datum *values, const char *nulls,
							  bool read_only, long count);
extern int	MlopsRunStatementLatest(const MlopsStatement *stmt, SPIPlanPtr *plan,
									Datum *values, const char *nulls,
									long count);
extern void MlopsBecomeCatalogOwner(MlopsSavedUser *saved);
extern void MlopsRestoreUser(const MlopsSavedUser *saved);
extern void MlopsSnapshotRemember(MlopsSnapshotTag *tag, Snapshot snap);
extern bool MlopsSnapshotSame(const MlopsSnapshotTag *tag, Snapshot snap);
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
