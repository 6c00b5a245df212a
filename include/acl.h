/*-------------------------------------------------------------------------
 *
 * acl.h
 *	  Model privileges (predict, train, deploy, own), creation rights and
 *	  the privilege-checked lock on a model.
 *
 * IDENTIFICATION
 *	  include/acl.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_ACL_H
#define MLOPS_ACL_H

/* Privilege bits; own implies all of the others. */
#define MLOPS_PRIV_PREDICT	0x01
#define MLOPS_PRIV_TRAIN	0x02
#define MLOPS_PRIV_DEPLOY	0x04
#define MLOPS_PRIV_OWN		0x08
#define MLOPS_PRIV_ALL		0x0F

/* Group roles the install script creates. */
#define MLOPS_TRAINER_ROLE	"mlops_trainer"
#define MLOPS_ADMIN_ROLE	"mlops_admin"

extern bool MlopsAclIsAdmin(Oid roleid);
extern bool MlopsAclMayCreate(Oid roleid);
extern int	MlopsAclModelMask(int64 model_id, Oid roleid);
extern void MlopsAclInvalidate(void);
extern void MlopsAclNewStatement(void);
extern void MlopsAclNoSuchModel(const char *name) pg_attribute_noreturn();
extern int	MlopsAclCheck(int64 model_id, const char *name, int priv);
extern void MlopsAclCheckCreate(const char *name);
extern int	MlopsAclCheckTrain(const char *name, char **task);
extern int	MlopsAclCheckTrainOn(int64 model_id, const char *name);
extern int64 MlopsLockModel(const char *name, const char *task, int priv,
							 int *mask);

#endif							/* MLOPS_ACL_H */
