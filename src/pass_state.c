/*-------------------------------------------------------------------------
 *
 * pass_state.c
 *	  The mlops.pass_state type: every family's aggregate state, its
 *	  checks, row counts, memory check and text and binary forms.
 *
 * A state is checked on every call before a byte of its body is read:
 * the generic header here, then the family's own O(1) check of its
 * header fields against the body's length (MlopsPassStateArg, inline for
 * the common case).  Counts never wrap.
 *
 * Wire format (send/recv; the text form is the hex of the same bytes),
 * big-endian, node-independent, no OIDs or pointers:
 *
 *	 0	4  magic "MLPS"
 *	 4	2  format (MLOPS_PASS_STATE_FORMAT)
 *	 6	2  algorithm (MlopsAlgorithmRoutine.id)
 *	 8	2  pass (the family's)
 *	10	2  flags (the family's)
 *	12	4  nfeat (-1 until the first row)
 *	16 16  dims[4] (the family's)
 *	32	8  nrows
 *	40	8  nskipped
 *	48	8  nheld
 *	56	4  the body's length in doubles
 *	60	4  the number of doubles sent: the body without its trailing zeros
 *	64	   those doubles, IEEE
 *
 * The family's state_compact runs on a copy before it is sent (linear
 * folds its row buffer into R, so an idle buffer is zeros and is not
 * sent).  The input checks the header, the family's check and every
 * length, and the memory the body needs, before it allocates the body,
 * then refuses non-finite doubles; trailing doubles not sent are zeros.
 *
 * IDENTIFICATION
 *	  src/pass_state.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "algorithm.h"
#include "mlops.h"
#include "pass_state.h"

#define WIRE_HEADER 64

StaticAssertDecl(MLOPS_PASS_STATE_HEADER % sizeof(double) == 0,
				 "the body of a pass_state must be aligned for doubles");

static void
StateError(int code, const char *msg, const char *problem)
{
	ereport(ERROR,
			(errcode(code),
			 errmsg("%s", msg),
			 errdetail("The state's header is inconsistent: %s.", problem)));
}

/* Check a state of the family algorithm that came from outside. */
MlopsPassState *
MlopsPassStateFromDatum(Datum d, uint16 algorithm,
						MlopsPassStateProblemFn problem)
{
	MlopsPassState *st = (MlopsPassState *) PG_DETOAST_DATUM(d);
	const char *p = MlopsPassStateHeaderProblem(st, algorithm);

	if (p == NULL)
		p = problem(st);
	if (unlikely(p != NULL))
		StateError(ERRCODE_DATA_CORRUPTED, "invalid pass_state value", p);
	return st;
}

/* The routine of a state's family, the state checked by both. */
static const MlopsAlgorithmRoutine *
StateRoutine(const MlopsPassState *st, int code, const char *msg)
{
	const MlopsAlgorithmRoutine *algo;
	const char *p;

	if (VARSIZE(st) < MLOPS_PASS_STATE_HEADER)
		StateError(code, msg, "it is shorter than its header");
	p = MlopsPassStateHeaderProblem(st, st->algorithm);
	if (p != NULL)
		StateError(code, msg, p);
	algo = MlopsAlgorithmById(st->algorithm);
	if (algo == NULL || algo->state_problem == NULL)
		ereport(ERROR,
				(errcode(code),
				 errmsg("%s", msg),
				 errdetail("The state's algorithm %u is unknown.",
						   st->algorithm)));
	p = algo->state_problem(st);
	if (p != NULL)
		StateError(code, msg, p);
	return algo;
}

/* A state of any family, detoasted and checked. */
static MlopsPassState *
AnyStateFromDatum(Datum d, const MlopsAlgorithmRoutine **algo)
{
	MlopsPassState *st = (MlopsPassState *) PG_DETOAST_DATUM(d);

	*algo = StateRoutine(st, ERRCODE_DATA_CORRUPTED,
						 "invalid pass_state value");
	return st;
}

void
MlopsPassStateCountError(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("pass_state row count is out of range for type bigint")));
}

/*
 * The counts of the merge of a and b, or 22003 when one of them, or
 * their total, would wrap.
 */
void
MlopsPassStateMergedCounts(const MlopsPassState *a, const MlopsPassState *b,
						   MlopsPassCounts *out)
{
	int64		total;

	if (pg_add_s64_overflow(a->nrows, b->nrows, &out->nrows) ||
		pg_add_s64_overflow(a->nskipped, b->nskipped, &out->nskipped) ||
		pg_add_s64_overflow(a->nheld, b->nheld, &out->nheld) ||
		pg_add_s64_overflow(out->nrows, out->nskipped, &total) ||
		pg_add_s64_overflow(total, out->nheld, &total))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("merged pass_state row count is out of range for type bigint")));
}

void
MlopsPassStateSetCounts(MlopsPassState *st, const MlopsPassCounts *c)
{
	st->nrows = c->nrows;
	st->nskipped = c->nskipped;
	st->nheld = c->nheld;
}

/*
 * Transition and combine functions update their first argument in place,
 * which is only safe when the executor owns it: as an aggregate.
 */
void
MlopsPassStateCheckAggregate(FunctionCallInfo fcinfo, const char *what)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", what)));
}

/*
 * Whether argument argno of a transition function (the state is 0) is a
 * constant or a parameter of the query, so the same in every row: then a
 * check of its value may run once per state instead of once per row.
 * The executor calls transition functions through an expression of its
 * own (PARAM_EXEC arguments, which get_fn_expr_arg_stable does not
 * trust), so this looks at the Aggref.
 */
bool
MlopsPassStateArgIsStable(FunctionCallInfo fcinfo, int argno)
{
	Aggref	   *agg = AggGetAggref(fcinfo);
	Node	   *e;

	if (agg == NULL || argno < 1 || argno > list_length(agg->args))
		return false;
	e = (Node *) ((TargetEntry *) list_nth(agg->args, argno - 1))->expr;
	return IsA(e, Const) ||
		(IsA(e, Param) && ((Param *) e)->paramkind == PARAM_EXTERN);
}

/* Bytes of a state with a body of ndoubles (overflow is an error). */
Size
MlopsPassStateSize(Size ndoubles)
{
	return add_size(MLOPS_PASS_STATE_HEADER, mul_size(ndoubles, sizeof(double)));
}

/*
 * Refuse, before allocating anything, a fit of nfeat features whose
 * memory, bytes, would exceed maintenance_work_mem.  fit names it: "a
 * linear fit of ...".
 */
void
MlopsPassStateCheckMemory(const char *fit, int nfeat, Size bytes)
{
	if (nfeat > MLOPS_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a model cannot have more than %d features, got %d",
						MLOPS_MAX_FEATURES, nfeat)));
	if (bytes / 1024 > (Size) maintenance_work_mem)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a %s of %d features needs %zu kB, more than maintenance_work_mem (%d kB)",
						fit, nfeat, bytes / 1024, maintenance_work_mem),
				 errhint("Raise maintenance_work_mem, or use fewer features.")));
}

/* A zeroed state of the family's shape, counts zero, in cxt. */
MlopsPassState *
MlopsPassStateNew(MemoryContext cxt, uint16 algorithm, uint16 pass,
				  uint16 flags, int32 nfeat, const int32 *dims, Size ndoubles)
{
	Size		size = MlopsPassStateSize(ndoubles);
	MlopsPassState *st = MemoryContextAllocZero(cxt, size);

	SET_VARSIZE(st, size);
	st->magic = MLOPS_PASS_STATE_MAGIC;
	st->format = MLOPS_PASS_STATE_FORMAT;
	st->algorithm = algorithm;
	st->pass = pass;
	st->flags = flags;
	st->nfeat = nfeat;
	memcpy(st->dims, dims, sizeof(st->dims));
	return st;
}

/* A copy in CurrentMemoryContext (which the executor moves if it keeps it). */
MlopsPassState *
MlopsPassStateCopy(const MlopsPassState *st)
{
	MlopsPassState *copy = palloc(VARSIZE(st));

	memcpy(copy, st, VARSIZE(st));
	return copy;
}

/*
 * The arguments of a family's combine function, checked (what names it in
 * errors): *b is argument 1 or NULL, *a argument 0 or, when only b is
 * given, a copy of it (the executor moves it into the aggregate context).
 * Returns false when there is nothing to merge: then the result is *a,
 * NULL when both are.
 */
bool
MlopsPassStateCombineArgs(FunctionCallInfo fcinfo, uint16 algorithm,
						  MlopsPassStateProblemFn problem, const char *what,
						  MlopsPassState **a, MlopsPassState **b)
{
	MlopsPassStateCheckAggregate(fcinfo, what);
	*a = NULL;
	*b = NULL;
	if (PG_ARGISNULL(1))
	{
		if (!PG_ARGISNULL(0))
			*a = MlopsPassStateArg(fcinfo, 0, algorithm, problem);
		return false;
	}
	*b = MlopsPassStateArg(fcinfo, 1, algorithm, problem);
	if (PG_ARGISNULL(0))
	{
		*a = MlopsPassStateCopy(*b);
		return false;
	}
	*a = MlopsPassStateArg(fcinfo, 0, algorithm, problem);
	return true;
}

/* 0.0 itself, not -0.0: what a double not sent is restored as */
static inline bool
IsPositiveZero(double v)
{
	return v == 0 && !signbit(v);
}

static void
StateSend(StringInfo buf, const MlopsPassState *st,
		  const MlopsAlgorithmRoutine *algo)
{
	Size		n = MLOPS_PASS_STATE_NDOUBLES(st);
	Size		nsent;
	Size		i;

	if (algo->state_compact != NULL)
	{
		MlopsPassState *copy = MlopsPassStateCopy(st);

		algo->state_compact(copy);
		st = copy;
	}
	for (nsent = n; nsent > 0 && IsPositiveZero(st->data[nsent - 1]); nsent--)
		;
	pq_sendint32(buf, st->magic);
	pq_sendint16(buf, st->format);
	pq_sendint16(buf, st->algorithm);
	pq_sendint16(buf, st->pass);
	pq_sendint16(buf, st->flags);
	pq_sendint32(buf, st->nfeat);
	for (i = 0; i < MLOPS_PASS_STATE_NDIMS; i++)
		pq_sendint32(buf, st->dims[i]);
	pq_sendint64(buf, st->nrows);
	pq_sendint64(buf, st->nskipped);
	pq_sendint64(buf, st->nheld);
	/* a valid state is below MaxAllocSize: its lengths fit in 32 bits */
	pq_sendint32(buf, (uint32) n);
	pq_sendint32(buf, (uint32) nsent);
	for (i = 0; i < nsent; i++)
		pq_sendfloat8(buf, st->data[i]);
}

/*
 * Decode the wire format.  Every length, the family's check and the
 * memory check run on the header before the body is allocated, so
 * malformed input gets errcode (22P02 for text input, 22P03 for binary)
 * rather than a protocol error or an allocation.
 */
static MlopsPassState *
StateRecv(StringInfo buf, int errcode_bad)
{
	int			avail = buf->len - buf->cursor;
	MlopsPassState hdr;
	const MlopsAlgorithmRoutine *algo;
	uint32		ndoubles;
	uint32		nsent;
	MlopsPassState *st;
	Size		need;
	uint32		i;

	if (avail < WIRE_HEADER)
		ereport(ERROR,
				(errcode(errcode_bad),
				 errmsg("invalid pass_state: too short"),
				 errdetail("The value has %d bytes; the header alone has %d.",
						   avail, WIRE_HEADER)));
	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = pq_getmsgint(buf, 4);
	hdr.format = pq_getmsgint(buf, 2);
	hdr.algorithm = pq_getmsgint(buf, 2);
	hdr.pass = pq_getmsgint(buf, 2);
	hdr.flags = pq_getmsgint(buf, 2);
	hdr.nfeat = (int32) pq_getmsgint(buf, 4);
	for (i = 0; i < MLOPS_PASS_STATE_NDIMS; i++)
		hdr.dims[i] = (int32) pq_getmsgint(buf, 4);
	hdr.nrows = pq_getmsgint64(buf);
	hdr.nskipped = pq_getmsgint64(buf);
	hdr.nheld = pq_getmsgint64(buf);
	ndoubles = pq_getmsgint(buf, 4);
	nsent = pq_getmsgint(buf, 4);

	/* the body's length, then the header it belongs to */
	if (ndoubles > (MaxAllocSize - MLOPS_PASS_STATE_HEADER) / sizeof(double))
		ereport(ERROR,
				(errcode(errcode_bad),
				 errmsg("invalid pass_state: a body of %u doubles is too long",
						ndoubles)));
	SET_VARSIZE(&hdr, MlopsPassStateSize(ndoubles));
	algo = StateRoutine(&hdr, errcode_bad, "invalid pass_state header");
	need = WIRE_HEADER + sizeof(double) * (Size) nsent;
	if (nsent > ndoubles || (Size) avail != need)
		ereport(ERROR,
				(errcode(errcode_bad),
				 errmsg("invalid pass_state: length %d does not match its header",
						avail),
				 errdetail("A header sending %u of %u doubles needs %zu bytes.",
						   nsent, ndoubles, need)));
	MlopsPassStateCheckMemory(algo->state_fit, hdr.nfeat, VARSIZE(&hdr));

	st = palloc0(VARSIZE(&hdr));
	memcpy(st, &hdr, MLOPS_PASS_STATE_HEADER);
	for (i = 0; i < nsent; i++)
	{
		st->data[i] = pq_getmsgfloat8(buf);
		if (!isfinite(st->data[i]))
			ereport(ERROR,
					(errcode(errcode_bad),
					 errmsg("pass_state contains a non-finite value")));
	}
	pq_getmsgend(buf);
	return st;
}

/* The wire format of a state of any family, appended to buf. */
static void
SendDatum(StringInfo buf, Datum d)
{
	const MlopsAlgorithmRoutine *algo;
	MlopsPassState *st = AnyStateFromDatum(d, &algo);

	StateSend(buf, st, algo);
}

PG_FUNCTION_INFO_V1(mlops_pass_state_send);
Datum
mlops_pass_state_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	SendDatum(&buf, PG_GETARG_DATUM(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(mlops_pass_state_recv);
Datum
mlops_pass_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_POINTER(StateRecv(buf, ERRCODE_INVALID_BINARY_REPRESENTATION));
}

/* Text form: hex digits of the wire format, so text round-trips exactly. */
PG_FUNCTION_INFO_V1(mlops_pass_state_out);
Datum
mlops_pass_state_out(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	char	   *out;
	uint64		len;

	initStringInfo(&buf);
	SendDatum(&buf, PG_GETARG_DATUM(0));
	out = palloc((Size) buf.len * 2 + 1);
	len = hex_encode(buf.data, buf.len, out);
	out[len] = '\0';
	PG_RETURN_CSTRING(out);
}

PG_FUNCTION_INFO_V1(mlops_pass_state_in);
Datum
mlops_pass_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		len = strlen(str);
	StringInfoData buf;

	if (len % 2 != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type pass_state")));
	initStringInfo(&buf);
	enlargeStringInfo(&buf, len / 2);
	buf.len = hex_decode(str, len, buf.data);
	PG_RETURN_POINTER(StateRecv(&buf, ERRCODE_INVALID_TEXT_REPRESENTATION));
}
