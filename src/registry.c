/*-------------------------------------------------------------------------
 *
 * registry.c
 *	  What is deployed: mlops.deploy, mlops.rollback, mlops.drop_model and
 *	  mlops.describe.
 *
 * The top layer of the catalog code (DESIGN.md, "Layers"): each function
 * checks its arguments, refuses a read-only transaction, takes the
 * model's row lock with the caller's privilege checked before and after
 * it (MlopsLockModel, acl.c), then reads and writes rows through
 * catalog.c, which also writes the audit rows.  Comparing versions on a
 * relation's rows (deploy => 'best' with a relation) is train.c's
 * scoring pass, run as the caller.
 *
 * Locking: the model's row lock is held to the end of the transaction,
 * so concurrent deploys, rollbacks, drops and training of one model are
 * serialised, and the deployment history each one reads is the one it
 * appends to.  Nothing is cached here.
 *
 * IDENTIFICATION
 *	  src/registry.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"

#include "acl.h"
#include "catalog.h"
#include "registry.h"
#include "train.h"

static char *
ModelNameArg(FunctionCallInfo fcinfo)
{
	char	   *name;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("model name must not be NULL")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MlopsCheckModelName(name);
	return name;
}

static void
CheckWritable(const char *what)
{
	PreventCommandIfReadOnly(what);
	PreventCommandIfParallelMode(what);
}

/*
 * The start of a write to a model: refuse a read-only transaction, connect
 * SPI, check the caller's privilege and lock the model's row.
 */
static int64
LockModelForWrite(const char *name, const char *what, int priv)
{
	CheckWritable(what);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	return MlopsLockModel(name, NULL, priv, NULL);
}

/* mlops.deploy(model, version): make a version the live one. */
PG_FUNCTION_INFO_V1(mlops_deploy_version);
Datum
mlops_deploy_version(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	int32		version;
	int64		model_id;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("version must not be NULL")));
	version = PG_GETARG_INT32(1);
	model_id = LockModelForWrite(name, "mlops.deploy()", MLOPS_PRIV_DEPLOY);
	if (!MlopsVersionExists(model_id, version))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("version %d of model \"%s\" does not exist",
						version, name)));
	MlopsRecordDeployment(model_id, version, "deploy", NULL);
	SPI_finish();
	PG_RETURN_INT32(version);
}

/*
 * mlops.deploy(model, strategy => 'best' | 'most_recent'), and
 * mlops.deploy(model, 'best', relation, target): 'best' alone reads each
 * version's stored score (r2, roc_auc, f1_macro, inertia...), measured on
 * its own test split; with a relation,
 * every version is scored on the same rows of it (train.c).
 */
PG_FUNCTION_INFO_V1(mlops_deploy_strategy);
Datum
mlops_deploy_strategy(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	char	   *strategy;
	bool		on_relation = PG_NARGS() == 4;
	int64		model_id;
	int32		version;
	double		score;
	char	   *metric = NULL;
	char	   *detail;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("strategy must not be NULL")));
	strategy = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (strcmp(strategy, "best") != 0 && strcmp(strategy, "most_recent") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown deploy strategy \"%s\"", strategy),
				 errhint("Use 'best' or 'most_recent'.")));
	if (on_relation)
	{
		if (strcmp(strategy, "best") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("deploy strategy \"%s\" does not compare versions on a relation",
							strategy),
					 errhint("Use strategy 'best' with a relation and a target.")));
		if (PG_ARGISNULL(2))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("relation must not be NULL")));
	}
	model_id = LockModelForWrite(name, "mlops.deploy()", MLOPS_PRIV_DEPLOY);
	if (on_relation)
	{
		/* it scores every version on the caller's rows */
		MlopsAclCheck(model_id, name, MLOPS_PRIV_PREDICT);
		detail = MlopsBestOnRelation(model_id, name, PG_GETARG_OID(2),
									 PG_ARGISNULL(3) ? NULL :
									 text_to_cstring(PG_GETARG_TEXT_PP(3)),
									 MlopsDeployedVersionNow(model_id),
									 &version);
		MlopsRecordDeployment(model_id, version, strategy, detail);
		SPI_finish();
		PG_RETURN_INT32(version);
	}
	version = MlopsPickVersion(model_id, strcmp(strategy, "best") == 0, &score,
							   &metric);
	if (version == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" has no versions", name)));
	detail = NULL;
	if (strcmp(strategy, "best") == 0)
	{
		/* each version's score was measured on its own test split */
		StringInfoData buf;

		initStringInfo(&buf);
		appendStringInfoString(&buf, "{\"compared_on\": \"stored metrics\", ");
		escape_json(&buf, metric);
		if (!isfinite(score))
			appendStringInfoString(&buf, ": null}");
		else
			appendStringInfo(&buf, ": %.17g}", score);
		detail = buf.data;
	}
	MlopsRecordDeployment(model_id, version, strategy, detail);
	SPI_finish();
	PG_RETURN_INT32(version);
}

/*
 * mlops.rollback(model): back to the version that was live before the
 * current one.  The history is replayed as a stack (a deploy pushes, a
 * rollback pops), so repeated rollbacks walk back through it.
 */
PG_FUNCTION_INFO_V1(mlops_rollback);
Datum
mlops_rollback(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	int64		model_id;
	int32	   *versions;
	bool	   *rollbacks;
	uint64		n;
	int32	   *stack;
	int			depth = 0;
	uint64		i;
	int32		target;

	model_id = LockModelForWrite(name, "mlops.rollback()", MLOPS_PRIV_DEPLOY);
	n = MlopsDeploymentHistory(model_id, &versions, &rollbacks);
	stack = palloc(sizeof(int32) * (n + 1));
	for (i = 0; i < n; i++)
	{
		int32		v = versions[i];

		if (rollbacks[i])
		{
			if (depth > 0)
				depth--;
		}
		else if (depth == 0 || stack[depth - 1] != v)
			stack[depth++] = v;
	}
	if (depth == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" has no deployed version", name)));
	if (depth < 2)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot roll back model \"%s\"", name),
				 errdetail("Version %d is the oldest version in its deployment history.",
						   stack[0]),
				 errhint("Use mlops.deploy('%s', version) to deploy another version.",
						 name)));
	target = stack[depth - 2];
	MlopsRecordDeployment(model_id, target, "rollback", NULL);
	SPI_finish();
	PG_RETURN_INT32(target);
}

/* mlops.drop_model(model): the model, every version and its history. */
PG_FUNCTION_INFO_V1(mlops_drop_model);
Datum
mlops_drop_model(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	int64		model_id;

	model_id = LockModelForWrite(name, "mlops.drop_model()", MLOPS_PRIV_OWN);
	MlopsAudit("drop", model_id, name, "{}");
	MlopsDeleteModel(model_id);
	MlopsAclInvalidate();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * mlops.describe(model, description): set a model's description, or clear
 * it with NULL.  Needs own; audited with the new description.
 */
PG_FUNCTION_INFO_V1(mlops_describe);
Datum
mlops_describe(PG_FUNCTION_ARGS)
{
	char	   *name = ModelNameArg(fcinfo);
	int64		model_id;
	StringInfoData detail;

	model_id = LockModelForWrite(name, "mlops.describe()", MLOPS_PRIV_OWN);
	initStringInfo(&detail);
	appendStringInfoString(&detail, "{\"description\": ");
	if (PG_ARGISNULL(1))
		appendStringInfoString(&detail, "null");
	else
		escape_json(&detail, TextDatumGetCString(PG_GETARG_DATUM(1)));
	appendStringInfoChar(&detail, '}');
	MlopsSetDescription(model_id, PG_GETARG_DATUM(1), PG_ARGISNULL(1));
	MlopsAudit("describe", model_id, NULL, detail.data);
	SPI_finish();
	PG_RETURN_VOID();
}
