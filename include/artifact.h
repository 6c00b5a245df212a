/*-------------------------------------------------------------------------
 *
 * artifact.h
 *	  Binary model format: versioned header, CRC32C, checked decoding.
 *
 * IDENTIFICATION
 *	  include/artifact.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_ARTIFACT_H
#define MLOPS_ARTIFACT_H

#include "algorithm.h"
#include "mlops.h"

#define MLOPS_ARTIFACT_MAGIC "MLOPSART"
#define MLOPS_ARTIFACT_FORMAT 3
#define MLOPS_ARTIFACT_HEADER 24

/* little-endian writers and readers for the families' payloads */
extern void MlopsPutU16(StringInfo buf, uint16 v);
extern void MlopsPutU32(StringInfo buf, uint32 v);
extern void MlopsPutU64(StringInfo buf, uint64 v);
extern void MlopsPutF64(StringInfo buf, double d);
extern void MlopsPutString(StringInfo buf, const char *str);
extern char *MlopsGetString(MlopsReader *r, int minlen, int maxlen);
extern uint64 MlopsGetLE(MlopsReader *r, int nbytes);
extern double MlopsGetF64(MlopsReader *r);

extern bytea *MlopsArtifactEncode(const MlopsModel *model);
extern MlopsModel *MlopsArtifactDecode(const char *data, Size len,
									   const char **error);
extern uint32 MlopsArtifactChecksum(const bytea *artifact);

#endif							/* MLOPS_ARTIFACT_H */
