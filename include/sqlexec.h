/*-------------------------------------------------------------------------
 *
 * sqlexec.h
 *	  Running the extension's own statements, as the catalog's owner when
 *	  asked, and telling snapshots apart.
 *
 * IDENTIFICATION
 *	  include/sqlexec.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_SQLEXEC_H
#define MLOPS_SQLEXEC_H

#include "executor/spi.h"
#include "utils/snapshot.h"

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

#endif							/* MLOPS_SQLEXEC_H */
