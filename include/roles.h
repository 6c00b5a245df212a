/*-------------------------------------------------------------------------
 *
 * roles.h
 *	  mlops.role_ref: a role as the catalog stores it, by OID inside a
 *	  cluster and by name in dumps.
 *
 * IDENTIFICATION
 *	  include/roles.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_ROLES_H
#define MLOPS_ROLES_H

#include "fmgr.h"

/* what a role_ref refers to */
#define ROLEREF_ROLE		'r'		/* a role of this cluster, by OID */
#define ROLEREF_PUBLIC		'p'		/* PUBLIC */
#define ROLEREF_UNRESOLVED	'u'		/* restored, no role of that name */
#define ROLEREF_DROPPED		'd'		/* its role was dropped before a dump */

typedef struct RoleRef
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	Oid			oid;			/* the role, for ROLEREF_ROLE */
	char		kind;
	char		name[FLEXIBLE_ARRAY_MEMBER];	/* NUL-terminated: the name when stored */
} RoleRef;

/* Effective grantee of a stored reference (see MlopsRoleRefGrantee). */
typedef enum RoleRefGrantee
{
	GRANTEE_NONE,				/* grants nothing: dropped or unresolved */
	GRANTEE_PUBLIC,
	GRANTEE_ROLE
} RoleRefGrantee;

extern RoleRef *MlopsRoleRefFromDatum(Datum d);
extern RoleRefGrantee MlopsRoleRefGrantee(const RoleRef *r, Oid *roleid);
extern char *MlopsRoleRefText(Oid roleid);

#endif							/* MLOPS_ROLES_H */
