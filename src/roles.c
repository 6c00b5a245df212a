/*-------------------------------------------------------------------------
 *
 * roles.c
 *	  mlops.role_ref, the type of the catalog's owner and grantee columns.
 *
 * A role_ref holds a role's OID and the name it had when the row was
 * written.  Inside a cluster the OID decides, so a grant follows its role
 * through ALTER ROLE ... RENAME and dies with DROP ROLE: a role created
 * later under the old name has another OID and gets nothing.  pg_upgrade
 * keeps role OIDs, so it keeps grants too.
 *
 * pg_dump writes the catalog tables in text, and the text form of a
 * role_ref is the role's current name (quoted as an identifier when it
 * has to be), so a dump restored into another cluster binds each row to
 * the role of the same name there, whatever its OID.  The input function
 * never fails for a missing role: it keeps the name and marks the row
 * unresolved, so a restore loses nothing; such a row grants nothing until
 * the role is granted to again (mlops.grant replaces it) or the dump is
 * restored where the role exists.  Text forms:
 *
 *	  alice, "Team A"	a role (bound by name when read)
 *	  public			PUBLIC (PostgreSQL reserves the name "public")
 *	  ?alice			no role of that name when it was read
 *	  !alice			its role had been dropped: never grants again
 *
 * An unquoted name starts with a letter or '_' (quote_identifier quotes
 * anything else), so the markers cannot be confused with a name.
 *
 * IDENTIFICATION
 *	  src/roles.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_authid.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "roles.h"

static RoleRef *
MakeRoleRef(char kind, Oid oid, const char *name)
{
	size_t		len = strlen(name);
	RoleRef    *r = palloc0(offsetof(RoleRef, name) + len + 1);

	SET_VARSIZE(r, offsetof(RoleRef, name) + len + 1);
	r->kind = kind;
	r->oid = oid;
	memcpy(r->name, name, len + 1);
	return r;
}

/* A stored role_ref, checked: the catalog's bytes are never trusted. */
RoleRef *
MlopsRoleRefFromDatum(Datum d)
{
	RoleRef    *r = (RoleRef *) PG_DETOAST_DATUM(d);
	Size		size = VARSIZE(r);

	if (size < offsetof(RoleRef, name) + 1 ||
		size > offsetof(RoleRef, name) + NAMEDATALEN ||
		r->name[size - offsetof(RoleRef, name) - 1] != '\0' ||
		strlen(r->name) != size - offsetof(RoleRef, name) - 1 ||
		(r->kind != ROLEREF_ROLE && r->kind != ROLEREF_PUBLIC &&
		 r->kind != ROLEREF_UNRESOLVED && r->kind != ROLEREF_DROPPED))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid role_ref value")));
	return r;
}

/*
 * Who a stored reference grants to: a role of this cluster that still
 * exists, PUBLIC, or nobody.
 */
RoleRefGrantee
MlopsRoleRefGrantee(const RoleRef *r, Oid *roleid)
{
	*roleid = InvalidOid;
	if (r->kind == ROLEREF_PUBLIC)
		return GRANTEE_PUBLIC;
	if (r->kind == ROLEREF_ROLE &&
		SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(r->oid)))
	{
		*roleid = r->oid;
		return GRANTEE_ROLE;
	}
	return GRANTEE_NONE;
}

/* The text form of a live role (InvalidOid: PUBLIC). */
char *
MlopsRoleRefText(Oid roleid)
{
	if (!OidIsValid(roleid))
		return pstrdup("public");
	return pstrdup(quote_identifier(GetUserNameFromId(roleid, false)));
}

static char *
RoleRefToText(const RoleRef *r)
{
	Oid			roleid;

	switch (MlopsRoleRefGrantee(r, &roleid))
	{
		case GRANTEE_PUBLIC:
			return pstrdup("public");
		case GRANTEE_ROLE:
			return MlopsRoleRefText(roleid);
		default:
			return psprintf("%c%s",
							r->kind == ROLEREF_UNRESOLVED ? '?' : '!',
							quote_identifier(r->name));
	}
}

static void
BadText(const char *s, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type role_ref: \"%s\"", s),
			 errdetail("%s", why)));
}

/* Parse the text form; a name is looked up now (see the header). */
static RoleRef *
RoleRefFromText(const char *s)
{
	const char *p = s;
	char		marker = '\0';
	bool		quoted;
	StringInfoData name;
	Oid			roleid;

	if (*p == '?' || *p == '!')
		marker = *p++;
	initStringInfo(&name);
	quoted = (*p == '"');
	if (quoted)
	{
		for (p++;; p++)
		{
			if (*p == '\0')
				BadText(s, "The quoted name is not terminated.");
			if (*p == '"')
			{
				if (p[1] != '"')
					break;
				p++;
			}
			appendStringInfoChar(&name, *p);
		}
		if (p[1] != '\0')
			BadText(s, "Text follows the quoted name.");
	}
	else
		appendStringInfoString(&name, p);
	if (name.len == 0 || name.len >= NAMEDATALEN)
		BadText(s, "A role name has 1 to 63 bytes.");

	if (marker == '\0' && !quoted && strcmp(name.data, "public") == 0)
		return MakeRoleRef(ROLEREF_PUBLIC, InvalidOid, "public");
	if (marker == '!')
		return MakeRoleRef(ROLEREF_DROPPED, InvalidOid, name.data);
	roleid = get_role_oid(name.data, true);
	if (OidIsValid(roleid))
		return MakeRoleRef(ROLEREF_ROLE, roleid, name.data);
	return MakeRoleRef(ROLEREF_UNRESOLVED, InvalidOid, name.data);
}

PG_FUNCTION_INFO_V1(mlops_role_ref_in);
Datum
mlops_role_ref_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(RoleRefFromText(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(mlops_role_ref_out);
Datum
mlops_role_ref_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(RoleRefToText(MlopsRoleRefFromDatum(PG_GETARG_DATUM(0))));
}

/* Binary form: the text form, so binary dumps bind by name as well. */
PG_FUNCTION_INFO_V1(mlops_role_ref_recv);
Datum
mlops_role_ref_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes;
	char	   *s = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);

	PG_RETURN_POINTER(RoleRefFromText(s));
}

PG_FUNCTION_INFO_V1(mlops_role_ref_send);
Datum
mlops_role_ref_send(PG_FUNCTION_ARGS)
{
	char	   *s = RoleRefToText(MlopsRoleRefFromDatum(PG_GETARG_DATUM(0)));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendtext(&buf, s, strlen(s));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* mlops.role_name(role_ref): its role's name now, else the stored one */
PG_FUNCTION_INFO_V1(mlops_role_name);
Datum
mlops_role_name(PG_FUNCTION_ARGS)
{
	RoleRef    *r = MlopsRoleRefFromDatum(PG_GETARG_DATUM(0));
	Oid			roleid;

	switch (MlopsRoleRefGrantee(r, &roleid))
	{
		case GRANTEE_PUBLIC:
			PG_RETURN_TEXT_P(cstring_to_text("PUBLIC"));
		case GRANTEE_ROLE:
			PG_RETURN_TEXT_P(cstring_to_text(GetUserNameFromId(roleid, false)));
		default:
			PG_RETURN_TEXT_P(cstring_to_text(r->name));
	}
}

/* mlops.role_status(role_ref): 'ok', 'dropped' or 'unresolved' */
PG_FUNCTION_INFO_V1(mlops_role_status);
Datum
mlops_role_status(PG_FUNCTION_ARGS)
{
	RoleRef    *r = MlopsRoleRefFromDatum(PG_GETARG_DATUM(0));
	Oid			roleid;

	if (MlopsRoleRefGrantee(r, &roleid) != GRANTEE_NONE)
		PG_RETURN_TEXT_P(cstring_to_text("ok"));
	PG_RETURN_TEXT_P(cstring_to_text(r->kind == ROLEREF_UNRESOLVED ?
									 "unresolved" : "dropped"));
}
