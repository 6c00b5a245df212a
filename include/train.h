/*-------------------------------------------------------------------------
 *
 * train.h
 *	  Training, and scoring every version of a model on a relation's rows
 *	  for mlops.deploy(model, 'best', relation, target).
 *
 * IDENTIFICATION
 *	  include/train.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_TRAIN_H
#define MLOPS_TRAIN_H

extern char *MlopsBestOnRelation(int64 model_id, const char *name, Oid relid,
								 const char *target, int32 current,
								 int32 *best);

#endif							/* MLOPS_TRAIN_H */
