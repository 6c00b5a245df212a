/*-------------------------------------------------------------------------
 *
 * algo_linear_gram.c
 *	  The linear family's second kind of pass state (LINEAR_PASS_GRAM):
 *	  the Gram matrix Z'Z of z = [1 | x - s | y - s_y], for the sparse
 *	  rows of one-hot features.
 *
 * A typed model's row is mostly zeros (one indicator per categorical
 * column): TSQR's cost per row is O(p^2) whatever the row holds.  Here
 * the dense part of a row (intercept, numbers, target) is buffered and
 * folded in by blocks with BLAS (dsyrk), and each indicator that is set
 * adds the row's dense part to its column: O(d^2 + c d + c^2) per row
 * for d dense values and c categorical columns, not O(p^2).
 *
 * The price is accuracy: normal equations lose digits as cond(Z)^2, not
 * cond(Z).  So every dense column is shifted by the first row's value,
 * which makes Z's conditioning that of the centred data (what matters
 * for dates in epoch seconds), and training keeps this state only when
 * the shifted, column-scaled condition number is small enough
 * (algo_linear_train.c; otherwise it reads the rows again by TSQR).
 * Indicators are 0/1, exact, and never shifted (which would make them
 * dense).
 *
 * Internally the columns are ordered [1 | dense features | y | one-hot
 * features], so that the dense block is the leading d x d of G and an
 * indicator's products with it are a contiguous run of its column.  perm
 * maps that order back to [1 | X | y]; the factor handed to the solve is
 * R of the unshifted [1 | X | y] in that order: the Cholesky factor of
 * Z'Z times the unit triangle that undoes the shift, so that everything
 * downstream (solve, standard errors, refinement, elastic net) reads one
 * kind of R.
 *
 * Dims: ncol, d (dense columns, intercept and target included), bufcap,
 * nbuf.  Body: the count of rows holding a category the spec does not
 * list (what confirms categories listed from a sample), shift (ncol,
 * internal order), perm (ncol), G (ncol x ncol column-major, upper
 * triangle), the buffer (bufcap rows of d, row-major).
 * States merge by moving one to the other's shift, exactly:
 * z_a = z_b + (s_b - s_a) e_0, with z_0 = 1.
 *
 * IDENTIFICATION
 *	  src/algo_linear_gram.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#ifndef FRONTEND

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

#include "algo_linear.h"
#include "linalg.h"
#include "preprocess.h"

/* A Cholesky pivot at or below this fraction of its diagonal is zero. */
#define GRAM_PIVOT_TOLERANCE 1e-10

#define GRAM_D(st)		((st)->dims[1])
#define GRAM_BUFCAP(st) ((st)->dims[2])
#define GRAM_NBUF(st)	((st)->dims[3])
#define GRAM_UNSEEN(st) ((st)->data[0])
#define GRAM_SHIFT(st)	((st)->data + 1)
#define GRAM_PERM(st)	(GRAM_SHIFT(st) + LINEAR_NCOL(st))
#define GRAM_G(st)		(GRAM_SHIFT(st) + 2 * (Size) LINEAR_NCOL(st))
#define GRAM_BUF(st)	(GRAM_G(st) + (Size) LINEAR_NCOL(st) * LINEAR_NCOL(st))

/* Bounds of a valid state's buffer, as for the QR state's. */
#define GRAM_MAX_BUFCAP 65536

/*
 * Doubles in the body of a Gram state: callers pass checked dimensions
 * (2 <= d <= ncol <= MLOPS_MAX_FEATURES + 2, 1 <= bufcap <= 65536), whose
 * products fit a Size far over.  Inline: it runs for every row.
 */
static inline Size
BodyDoubles(int ncol, int d, int bufcap)
{
	Assert(d >= 2 && d <= ncol && ncol <= MLOPS_MAX_FEATURES + 2);
	Assert(bufcap >= 1 && bufcap <= GRAM_MAX_BUFCAP);
	return (Size) ncol * (ncol + 2) + (Size) d * bufcap + 1;
}

/* Rows per buffer: about 32 kB of dense values, at least 64 rows. */
static int
BufferRows(int d)
{
	return Max(64, Min(1024, 4096 / Max(d, 1)));
}

/*
 * The reason a Gram state's dimensions do not describe its body, or NULL;
 * the caller checked the pass, flags, ncol against nfeat, and that a
 * state without features has no dimensions.  O(1): it runs for every row.
 */
const char *
MlopsLinearGramProblem(const MlopsPassState *st)
{
	int32		ncol = LINEAR_NCOL(st);

	if (st->nfeat < 0)
		return MLOPS_PASS_STATE_NDOUBLES(st) == 0 && GRAM_D(st) == 0 &&
			GRAM_BUFCAP(st) == 0 && GRAM_NBUF(st) == 0 ? NULL :
			"it has a body but no dimensions";
	if (GRAM_D(st) < 2 || GRAM_D(st) > ncol)
		return "its dense column count is out of range";
	if (GRAM_BUFCAP(st) < 1 || GRAM_BUFCAP(st) > GRAM_MAX_BUFCAP ||
		GRAM_NBUF(st) < 0 || GRAM_NBUF(st) >= GRAM_BUFCAP(st) ||
		st->nrows < GRAM_NBUF(st))
		return "its buffer length is out of range";
	/* ncol <= MLOPS_MAX_FEATURES + 2 and bufcap <= 65536: no overflow */
	if (MLOPS_PASS_STATE_NDOUBLES(st) !=
		BodyDoubles(ncol, GRAM_D(st), GRAM_BUFCAP(st)))
		return "its length does not match its header";
	return NULL;
}

/*
 * A sized state of nfeat features laid out as l says (NULL: every
 * feature dense), with st's counts.
 */
static MlopsPassState *
NewGramState(const MlopsPassState *st, int nfeat, const MlopsOneHotLayout *l)
{
	int			ncol = nfeat + 2;
	int			ndense = l ? l->ndense : nfeat;
	int32		dims[MLOPS_PASS_STATE_NDIMS];
	MlopsPassState *sized;
	double	   *perm;
	int			i;

	if (l != NULL && l->nfeat != nfeat)
		elog(ERROR, "one-hot layout of %d features for a row of %d", l->nfeat, nfeat);
	MlopsLinearCheckMemory(nfeat, true);
	dims[0] = ncol;
	dims[1] = ndense + 2;
	dims[2] = BufferRows(dims[1]);
	dims[3] = 0;
	sized = MlopsPassStateNew(CurrentMemoryContext, st->algorithm, st->pass,
							  st->flags, nfeat, dims,
							  BodyDoubles(ncol, dims[1], dims[2]));
	sized->nrows = st->nrows;
	sized->nskipped = st->nskipped;
	sized->nheld = st->nheld;

	/* [1 | dense | y | one-hot] in terms of [1 | X | y] */
	perm = GRAM_PERM(sized);
	perm[0] = 0;
	for (i = 0; i < ndense; i++)
		perm[1 + i] = 1 + (l ? l->dense[i] : i);
	perm[ndense + 1] = ncol - 1;
	for (i = 0; l && i < l->n_one_hot; i++)
		perm[ndense + 2 + i] = 1 + l->one_hot[i];
	return sized;
}

/* Fold the buffered rows into G's dense block. */
static void
FlushGram(MlopsPassState *st)
{
	if (GRAM_NBUF(st) > 0)
	{
		MlopsSyrkRowsInto(GRAM_G(st), LINEAR_NCOL(st), GRAM_D(st),
						  GRAM_BUF(st), GRAM_NBUF(st), GRAM_D(st));
		GRAM_NBUF(st) = 0;
	}
}

/*
 * Before a state is sent: its buffer folded in and zeroed, so that an
 * idle buffer is trailing zeros the wire format does not send.
 */
void
MlopsLinearGramCompact(MlopsPassState *st)
{
	if (st->nfeat >= 0 && GRAM_NBUF(st) > 0)
	{
		FlushGram(st);
		memset(GRAM_BUF(st), 0,
			   sizeof(double) * (Size) GRAM_D(st) * GRAM_BUFCAP(st));
	}
}

/*
 * Size a dimensionless state for rows of nfeat features laid out as l
 * says, or check that a sized one is laid out so.
 */
MlopsPassState *
MlopsLinearGramSized(MlopsPassState *st, int nfeat, const MlopsOneHotLayout *l)
{
	if (st->nfeat < 0)
		return NewGramState(st, nfeat, l);
	if (GRAM_D(st) != (l ? l->ndense : nfeat) + 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training row has %d dense features, its Gram state %d",
						l ? l->ndense : nfeat, GRAM_D(st) - 2)));
	return st;
}

/*
 * Count a row (held out or not) that holds a category its spec does not
 * list: a sampled list missed one.
 */
void
MlopsLinearGramCountUnseen(MlopsPassState *st, const MlopsOneHotLayout *l)
{
	if (l != NULL && l->ngroups > 0 && MlopsOneHotRowUnseen(l))
		GRAM_UNSEEN(st) += 1;
}

/* Rows a state counted with MlopsLinearGramCountUnseen (sized states). */
double
MlopsLinearGramUnseen(const MlopsPassState *st)
{
	return st->nfeat < 0 ? 0 : GRAM_UNSEEN(st);
}

/* dst = x - s, n values (apart: the compiler may vectorise) */
static inline void
ShiftedInto(double *restrict dst, const double *restrict x,
			const double *restrict s, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		dst[i] = x[i] - s[i];
}

/* dst += v z, n values: an indicator's products with the dense block */
static inline void
AddScaledInto(double *restrict dst, const double *restrict z, double v, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		dst[i] += v * z[i];
}

/*
 * Add the row [1 | x | y] to a state sized for its layout l (NULL: every
 * feature dense); the first row sets the dense columns' shifts.
 */
void
MlopsLinearGramAbsorb(MlopsPassState *st, const double *x, double y,
					  const MlopsOneHotLayout *l)
{
	int			ncol = LINEAR_NCOL(st);
	int			d = GRAM_D(st);
	int			ndense = d - 2;
	double	   *s = GRAM_SHIFT(st);
	double	   *G = GRAM_G(st);
	double	   *z = GRAM_BUF(st) + (Size) GRAM_NBUF(st) * d;
	/* per categorical column: its indicator's internal column, and value */
	int			set[MLOPS_MAX_FEATURES];
	double		val[MLOPS_MAX_FEATURES];
	int			a,
				b,
				i;

	if (st->nrows == 0)
	{
		s[0] = 0;
		for (i = 0; i < ndense; i++)
			s[1 + i] = x[l ? l->dense[i] : i];
		s[d - 1] = y;
	}
	z[0] = 1.0;
	if (l == NULL || l->dense_from >= 0)
		ShiftedInto(z + 1, x + (l ? l->dense_from : 0), s + 1, ndense);
	else
		for (i = 0; i < ndense; i++)
			z[1 + i] = x[l->dense[i]] - s[1 + i];
	z[d - 1] = y - s[d - 1];

	if (l != NULL)
	{
		/*
		 * The encoder said which indicator of each column it set.  A column
		 * that set none (its reference level) counts as its first indicator
		 * with value 0, which adds zeros: no branch on which columns set
		 * one, a random branch in every row.
		 */
		for (i = 0; i < l->ngroups; i++)
		{
			int			f = l->hot[i];
			bool		on = f >= 0 && l->rank[f] >= 0;

			set[i] = d + (on ? l->rank[f] : 0);
			val[i] = on ? x[f] : 0.0;
		}
		/* an indicator's products with the dense block: a run of its column */
		for (b = 0; b < l->ngroups; b++)
		{
			double	   *col = G + (Size) set[b] * ncol;
			double		v = val[b];

			AddScaledInto(col, z, v, d);
			for (a = 0; a <= b; a++)
				col[set[a]] += val[a] * v;
		}
	}
	if (++GRAM_NBUF(st) == GRAM_BUFCAP(st))
	{
		CHECK_FOR_INTERRUPTS();
		FlushGram(st);
	}
}

/* A state's perm, checked: a permutation of 0 .. ncol - 1 with 0 first. */
static int *
CheckedPerm(const MlopsPassState *st)
{
	int			ncol = LINEAR_NCOL(st);
	const double *p = GRAM_PERM(st);
	int		   *perm = palloc(sizeof(int) * ncol);
	bool	   *seen = palloc0(sizeof(bool) * ncol);
	int			i;

	for (i = 0; i < ncol; i++)
	{
		if (!(p[i] >= 0 && p[i] < ncol) || p[i] != floor(p[i]) ||
			seen[(int) p[i]] || (i == 0) != (p[i] == 0))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("invalid linear Gram state: its column order is not a permutation")));
		perm[i] = (int) p[i];
		seen[perm[i]] = true;
	}
	pfree(seen);
	return perm;
}

/* G of a state with its buffer folded in, in a new array; st untouched. */
static double *
FoldedG(const MlopsPassState *st)
{
	Size		n = (Size) LINEAR_NCOL(st) * LINEAR_NCOL(st);
	double	   *G = palloc(sizeof(double) * n);

	memcpy(G, GRAM_G(st), sizeof(double) * n);
	if (GRAM_NBUF(st) > 0)
		MlopsSyrkRowsInto(G, LINEAR_NCOL(st), GRAM_D(st), GRAM_BUF(st),
						  GRAM_NBUF(st), GRAM_D(st));
	return G;
}

/*
 * Merge b into a (both sized, the same ncol): b's matrix is moved to a's
 * shifts, then added.  With e = s_b - s_a and g = b's row 0 (its row
 * count and shifted sums), M G M' = G + e g' + g e' + n e e'.
 */
void
MlopsLinearGramMerge(MlopsPassState *a, const MlopsPassState *b)
{
	int			ncol = LINEAR_NCOL(a);
	double	   *Ga = GRAM_G(a);
	const double *sa = GRAM_SHIFT(a);
	const double *sb = GRAM_SHIFT(b);
	double	   *Gb;
	double	   *e;
	double	   *g;
	double		n;
	int			i,
				j;

	if (GRAM_D(a) != GRAM_D(b) ||
		memcmp(GRAM_PERM(a), GRAM_PERM(b), sizeof(double) * ncol) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge linear Gram states of different column layouts")));
	GRAM_UNSEEN(a) += GRAM_UNSEEN(b);
	if (b->nrows == 0)
		return;
	if (a->nrows == 0)
	{
		double		unseen = GRAM_UNSEEN(a);

		memcpy(a->data, b->data, sizeof(double) * MLOPS_PASS_STATE_NDOUBLES(b));
		GRAM_UNSEEN(a) = unseen;
		GRAM_NBUF(a) = GRAM_NBUF(b);
		return;
	}
	FlushGram(a);
	Gb = FoldedG(b);
	e = palloc(sizeof(double) * ncol);
	g = palloc(sizeof(double) * ncol);
	for (i = 0; i < ncol; i++)
	{
		e[i] = sb[i] - sa[i];
		g[i] = Gb[(Size) i * ncol];
	}
	n = Gb[0];
	for (j = 0; j < ncol; j++)
	{
		CHECK_FOR_INTERRUPTS();
		for (i = 0; i <= j; i++)
			Ga[(Size) j * ncol + i] += Gb[(Size) j * ncol + i] +
				e[i] * g[j] + g[i] * e[j] + n * e[i] * e[j];
	}
	pfree(Gb);
	pfree(e);
	pfree(g);
}

/*
 * Upper Cholesky factor of the ncol x ncol G in place of R (zeroed by
 * the caller); a pivot at or below GRAM_PIVOT_TOLERANCE of its diagonal
 * gives a zero row.  Returns whether a pivot of the first k was zero.
 */
static bool
Cholesky(const double *G, double *R, int ncol, int k)
{
	bool		deficient = false;
	int			i,
				j,
				l;

	for (j = 0; j < ncol; j++)
	{
		double	   *rj = R + (Size) j * ncol;
		double		gjj = G[(Size) j * ncol + j];
		double		dj = gjj;

		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < j; i++)
		{
			const double *ri = R + (Size) i * ncol;
			double		v = G[(Size) j * ncol + i];

			if (ri[i] == 0)
				continue;
			for (l = 0; l < i; l++)
				v -= ri[l] * rj[l];
			rj[i] = v / ri[i];
			dj -= rj[i] * rj[i];
		}
		if (dj > GRAM_PIVOT_TOLERANCE * gjj && gjj > 0)
			rj[j] = sqrt(dj);
		else if (j < k)
			deficient = true;
	}
	return deficient;
}

/*
 * R of the unshifted [1 | X | y] from a sized state, in a new ncol x ncol
 * column-major array, and in *cond the column-scaled condition number of
 * the shifted factor's leading k x k triangle (k = ncol - 1), infinite
 * when a pivot was zero: a column constant or a combination of the ones
 * before it, which Cholesky cannot tell apart from rounding; the caller
 * reads the rows again by TSQR then, unless it may fit a rank-deficient
 * design (a penalty).  A zero pivot's row of R is zero.
 */
double *
MlopsLinearGramR(const MlopsPassState *st, double *cond)
{
	int			ncol = LINEAR_NCOL(st);
	int			k = ncol - 1;
	int		   *perm = CheckedPerm(st);
	const double *si = GRAM_SHIFT(st);
	double	   *Gi = FoldedG(st);
	double	   *G = palloc(sizeof(double) * ncol * ncol);
	double	   *s = palloc(sizeof(double) * ncol);
	double	   *R = palloc0(sizeof(double) * ncol * ncol);
	double		rcond;
	int			i,
				j;

	/* back to the order [1 | X | y] */
	for (j = 0; j < ncol; j++)
	{
		s[perm[j]] = si[j];
		for (i = 0; i <= j; i++)
		{
			int			p = Min(perm[i], perm[j]);
			int			q = Max(perm[i], perm[j]);

			G[(Size) q * ncol + p] = Gi[(Size) j * ncol + i];
		}
	}
	pfree(Gi);
	pfree(perm);

	rcond = Cholesky(G, R, ncol, k) ? 0 : MlopsTriRcond(R, ncol, k);
	*cond = rcond > 0 ? 1.0 / rcond : get_float8_infinity();

	/* undo the shift: column j gains s_j times column 0, (sqrt(n), 0, ...) */
	for (j = 1; j < ncol; j++)
		R[(Size) j * ncol] += s[j] * R[0];
	pfree(G);
	pfree(s);
	return R;
}

#endif							/* !FRONTEND */
