/*-------------------------------------------------------------------------
 *
 * pass_state.h
 *	  The aggregate state of every family's training pass (SQL type
 *	  mlops.pass_state): a varlena with a self-describing header and a
 *	  body of doubles whose layout the family owns.
 *
 * The header says which family (MlopsAlgorithmRoutine.id) and which of
 * its passes built the state, the family's flags, the feature count (-1
 * until the first row), four dimensions of the family's choosing and the
 * row counts; the body is (VARSIZE - header) / 8 doubles.  What is
 * written once here: the header check, the checked-argument fast path of
 * transition and combine functions, the row counts, the memory check,
 * and the text and binary forms (pass_state.c).  What the family adds:
 * an O(1) check that its header fields and the body's length agree
 * (MlopsAlgorithmRoutine.state_problem, usually a wrapper of an inline
 * function it also passes to MlopsPassStateArg), and optionally a
 * compaction run on a copy before the state is sent.
 *
 * Backend only: the artifact fuzzer never sees a state.
 *
 * IDENTIFICATION
 *	  include/pass_state.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_PASS_STATE_H
#define MLOPS_PASS_STATE_H

#ifndef FRONTEND

#include "common/int.h"
#include "fmgr.h"

#define MLOPS_PASS_STATE_MAGIC 0x4d4c5053	/* "MLPS" */
#define MLOPS_PASS_STATE_FORMAT 1
#define MLOPS_PASS_STATE_NDIMS 4

typedef struct MlopsPassState
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint32		magic;
	uint16		format;
	uint16		algorithm;		/* the family's MlopsAlgorithmRoutine.id */
	uint16		pass;			/* the family's kind of pass */
	uint16		flags;			/* the family's */
	int32		nfeat;			/* features; -1 until the first row */
	int32		dims[MLOPS_PASS_STATE_NDIMS];	/* the family's shape */
	int64		nrows;			/* rows absorbed */
	int64		nskipped;		/* rows skipped for a NULL */
	int64		nheld;			/* rows held out as the test set */
	double		data[FLEXIBLE_ARRAY_MEMBER];	/* the family's body */
} MlopsPassState;

#define MLOPS_PASS_STATE_HEADER offsetof(MlopsPassState, data)

/* doubles in a state's body (a valid state: the size is checked) */
#define MLOPS_PASS_STATE_NDOUBLES(st) \
	((Size) (VARSIZE(st) - MLOPS_PASS_STATE_HEADER) / sizeof(double))

/* the family's O(1) check of its header fields against the body's length */
typedef const char *(*MlopsPassStateProblemFn) (const MlopsPassState *st);

/*
 * The reason a state's generic header is wrong, or NULL: size, the body's
 * alignment, magic, format, family, and counts non-negative with a sum
 * that fits in int64.  st must be a plain (detoasted) varlena.
 */
static inline const char *
MlopsPassStateHeaderProblem(const MlopsPassState *st, uint16 algorithm)
{
	Size		size = VARSIZE(st);
	int64		total;

	if (size < MLOPS_PASS_STATE_HEADER)
		return "it is shorter than its header";
	if ((size - MLOPS_PASS_STATE_HEADER) % sizeof(double) != 0)
		return "its body is not a whole number of doubles";
	if (st->magic != MLOPS_PASS_STATE_MAGIC ||
		st->format != MLOPS_PASS_STATE_FORMAT)
		return "its magic or format is wrong";
	if (st->algorithm != algorithm)
		return "it is the state of another algorithm";
	if (st->nrows < 0 || st->nskipped < 0 || st->nheld < 0 ||
		pg_add_s64_overflow(st->nrows, st->nskipped, &total) ||
		pg_add_s64_overflow(total, st->nheld, &total))
		return "its row counts are out of range";
	return NULL;
}

extern MlopsPassState *MlopsPassStateFromDatum(Datum d, uint16 algorithm,
											   MlopsPassStateProblemFn problem);

/*
 * Argument n of a transition or combine call, a state of the family
 * algorithm, checked.  The common case (plain, valid) is inline and calls
 * no function but the family's inline check, since it runs for every row.
 */
static inline MlopsPassState *
MlopsPassStateArg(FunctionCallInfo fcinfo, int n, uint16 algorithm,
				  MlopsPassStateProblemFn problem)
{
	MlopsPassState *st = (MlopsPassState *) PG_GETARG_POINTER(n);

	if (likely(!VARATT_IS_EXTENDED(st) &&
			   MlopsPassStateHeaderProblem(st, algorithm) == NULL &&
			   problem(st) == NULL))
		return st;
	return MlopsPassStateFromDatum(PG_GETARG_DATUM(n), algorithm, problem);
}

/* rows seen by a state (valid: the sum fits) */
static inline int64
MlopsPassStateRowsSeen(const MlopsPassState *st)
{
	return st->nrows + st->nskipped + st->nheld;
}

extern void MlopsPassStateCountError(void);

/* Refuse to count one more row when the total would wrap. */
static inline void
MlopsPassStateCheckCanCountRow(const MlopsPassState *st)
{
	if (unlikely(MlopsPassStateRowsSeen(st) == PG_INT64_MAX))
		MlopsPassStateCountError();
}

/* The counts of a merge, computed (and checked) before anything merges. */
typedef struct MlopsPassCounts
{
	int64		nrows;
	int64		nskipped;
	int64		nheld;
} MlopsPassCounts;

extern void MlopsPassStateMergedCounts(const MlopsPassState *a,
									   const MlopsPassState *b,
									   MlopsPassCounts *out);
extern void MlopsPassStateSetCounts(MlopsPassState *st,
									const MlopsPassCounts *c);

extern void MlopsPassStateCheckAggregate(FunctionCallInfo fcinfo,
										 const char *what);
extern bool MlopsPassStateArgIsStable(FunctionCallInfo fcinfo, int argno);
extern MlopsPassState *MlopsPassStateCopy(const MlopsPassState *st);
extern bool MlopsPassStateCombineArgs(FunctionCallInfo fcinfo,
									  uint16 algorithm,
									  MlopsPassStateProblemFn problem,
									  const char *what,
									  MlopsPassState **a, MlopsPassState **b);
extern MlopsPassState *MlopsPassStateNew(MemoryContext cxt, uint16 algorithm,
										 uint16 pass, uint16 flags, int32 nfeat,
										 const int32 *dims, Size ndoubles);
extern Size MlopsPassStateSize(Size ndoubles);
extern void MlopsPassStateCheckMemory(const char *fit, int nfeat, Size bytes);

#endif							/* !FRONTEND */

#endif							/* MLOPS_PASS_STATE_H */
