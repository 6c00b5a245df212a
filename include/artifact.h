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

#include "mlops.h"

#define MLOPS_ARTIFACT_MAGIC "MLOPSART"
#define MLOPS_ARTIFACT_FORMAT 1
#define MLOPS_ARTIFACT_HEADER 24

extern bytea *MlopsArtifactEncode(const MlopsModel *model);
extern MlopsModel *MlopsArtifactDecode(const char *data, Size len,
									   const char **error);
extern uint32 MlopsArtifactChecksum(const bytea *artifact);

#endif							/* MLOPS_ARTIFACT_H */
