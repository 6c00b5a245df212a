/*-------------------------------------------------------------------------
 *
 * algo_kmeans.c
 *	  k-means clustering: k-means++ seeding on a seeded sample, then
 *	  Lloyd iterations as aggregate passes in which one pass advances
 *	  every start.
 *
 * The model: k centres in the features' own units and, per feature, a
 * scale s_j (1 unless scale = "standard", where it is the population
 * standard deviation of the training rows, 1 for a constant column, as
 * scikit-learn's StandardScaler).  A row's distance to a centre is
 * sqrt(sum_j ((x_j - c_j) / s_j)^2), the Euclidean distance in the
 * standardised space k-means ran in (without scaling, the plain one);
 * predict is the nearest centre's 0-based index, the lowest of a tie;
 * transform (predict_vector) the distances to every centre, in cluster
 * order.
 *
 * Training, with n_init starts:
 *
 *	 1. One pass (mlops._kmeans_sample_state) reads every row: the count,
 *		each feature's mean and M2 (Welford, merged by Chan's formula), and
 *		a bottom-hash sample of the distinct rows: the at most S rows of
 *		smallest hash(values, seed), each with its multiplicity.  Equal
 *		rows hash alike, so the sample holds every distinct row when there
 *		are fewer than S, which makes "k is more than the distinct rows" an
 *		exact check; it is a uniform sample of the distinct rows otherwise,
 *		independent of the scan order, so parallel workers merge it exactly.
 *	 2. Each start is seeded by greedy k-means++ (scikit-learn's: 2 +
 *		floor(ln k) candidates per centre, D^2 sampling weighted by the
 *		multiplicities) on the sample, with its own sub-seed of seed.
 *	 3. Lloyd passes (mlops._kmeans_lloyd_state): the state holds, for
 *		every start still running and every cluster, the count, the
 *		per-feature sums and the inertia, in double-double, so the sums
 *		and thus the next centres do not depend on the order the rows come
 *		in (serial and parallel plans give the same centres).  A start has
 *		converged when the squared Frobenius norm of its centres' shift is
 *		at most tol times the mean variance of the features (scikit-
 *		learn's rule; in the standardised space with scaling); converged
 *		starts drop out of later passes.  An empty cluster is moved to the
 *		sample row farthest from its nearest centre (scikit-learn moves it
 *		to the farthest row of the data; the sample keeps that choice
 *		deterministic without a pass of its own).
 *	 4. A last pass at every start's final centres measures the inertia;
 *		the start with the lowest wins (the first of a tie).  The
 *		silhouette is computed on up to 2000 rows of the sample.
 *
 * The states are mlops.pass_state (pass_state.c owns the header, counts
 * and I/O); every argument and state is checked as if an attacker made
 * it, the Lloyd state keeps a copy of the centres and scales it was given
 * so that every row and every merge must be at the same ones.
 *
 * IDENTIFICATION
 *	  src/algo_kmeans.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"

#include "algorithm.h"
#include "artifact.h"

#ifndef FRONTEND
#include "catalog/pg_type.h"
#include "common/pg_prng.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "ddouble.h"
#include "evalmetrics.h"
#include "linalg.h"
#include "pass.h"
#include "pass_state.h"
#include "preprocess.h"
#endif

extern const MlopsAlgorithmRoutine mlops_kmeans_routine;

/* Most clusters and starts. */
#define KMEANS_MAX_K MLOPS_MAX_CLUSTERS
#define KMEANS_MAX_INIT 1000

/* The family's part of a decoded model. */
typedef struct KmeansModel
{
	int			k;
	bool		scaled;
	double	   *scale;			/* nfeat: s_j > 0 (1 when not scaled) */
	double	   *inv;			/* nfeat: 1 / s_j */
	double	   *centers;		/* k x nfeat, row after row */
} KmeansModel;

/*
 * squared scaled distance of x to centre c: the even and the odd
 * features summed apart, two chains of additions instead of one
 */
static inline double
SquaredDistance(const double *restrict x, const double *restrict c,
				const double *restrict inv, int p)
{
	double		d0 = 0;
	double		d1 = 0;
	int			j;

	for (j = 0; j + 1 < p; j += 2)
	{
		double		t0 = (x[j] - c[j]) * inv[j];
		double		t1 = (x[j + 1] - c[j + 1]) * inv[j + 1];

		d0 += t0 * t0;
		d1 += t1 * t1;
	}
	if (j < p)
	{
		double		t = (x[j] - c[j]) * inv[j];

		d0 += t * t;
	}
	return d0 + d1;
}

/* The nearest of k centres (the first of a tie) and its squared distance. */
static inline int
Nearest(const double *x, const double *centers, const double *inv, int k,
		int p, double *dist)
{
	int			best = 0;
	double		bd = SquaredDistance(x, centers, inv, p);
	int			c;

	for (c = 1; c < k; c++)
	{
		double		d = SquaredDistance(x, centers + (Size) c * p, inv, p);

		if (d < bd)
		{
			bd = d;
			best = c;
		}
	}
	if (dist)
		*dist = bd;
	return best;
}

static double
KmeansPredict(const MlopsModel *m, const double *x)
{
	const KmeansModel *km = (const KmeansModel *) m->payload;

	return Nearest(x, km->centers, km->inv, km->k, m->nfeat, NULL);
}

static int
KmeansOutputs(const MlopsModel *m)
{
	return ((const KmeansModel *) m->payload)->k;
}

/* The distances to each centre, in cluster order. */
static void
KmeansDistances(const MlopsModel *m, const double *x, double *out)
{
	const KmeansModel *km = (const KmeansModel *) m->payload;
	int			c;

	for (c = 0; c < km->k; c++)
		out[c] = sqrt(SquaredDistance(x, km->centers + (Size) c * m->nfeat,
									  km->inv, m->nfeat));
}

/*
 * After the common part: u32 k, u32 scaled (0 or 1), f64 scale[nfeat],
 * f64 centers[k nfeat].
 */
static void
KmeansEncode(const MlopsModel *m, StringInfo buf)
{
	const KmeansModel *km = (const KmeansModel *) m->payload;
	Size		n = (Size) km->k * m->nfeat;
	Size		i;

	MlopsPutU32(buf, (uint32) km->k);
	MlopsPutU32(buf, km->scaled ? 1 : 0);
	for (i = 0; i < m->nfeat; i++)
		MlopsPutF64(buf, km->scale[i]);
	for (i = 0; i < n; i++)
		MlopsPutF64(buf, km->centers[i]);
}

static bool
KmeansDecode(MlopsReader *r, MlopsModel *m, const char **error)
{
	KmeansModel *km;
	uint32		k = (uint32) MlopsGetLE(r, 4);
	uint32		scaled = (uint32) MlopsGetLE(r, 4);
	Size		n;
	Size		i;

	if (!r->ok || k < 1 || k > KMEANS_MAX_K || scaled > 1 ||
		m->nclasses != 0 || m->nfeat < 1)
	{
		*error = "invalid kmeans model header";
		return false;
	}
	n = (Size) k * m->nfeat;
	if (r->left != sizeof(double) * (n + m->nfeat))
	{
		*error = "invalid kmeans model length";
		return false;
	}
	km = palloc(sizeof(KmeansModel));
	km->k = (int) k;
	km->scaled = scaled == 1;
	km->scale = palloc(sizeof(double) * m->nfeat);
	km->inv = palloc(sizeof(double) * m->nfeat);
	km->centers = palloc(sizeof(double) * n);
	for (i = 0; i < m->nfeat; i++)
	{
		double		s = MlopsGetF64(r);

		/* a scale whose inverse is finite and non-zero; exactly 1 unscaled */
		km->scale[i] = s;
		km->inv[i] = 1.0 / s;
		if (!(s > 0) || !isfinite(s) || !isfinite(km->inv[i]) ||
			km->inv[i] == 0 || (!km->scaled && s != 1.0))
			r->ok = false;
	}
	for (i = 0; i < n; i++)
		if (!isfinite(km->centers[i] = MlopsGetF64(r)))
			r->ok = false;
	if (!r->ok)
	{
		*error = "invalid kmeans model centres";
		return false;
	}
	m->payload = km;
	return true;
}

#ifndef FRONTEND

/* Hyperparameters (MlopsAlgorithmRoutine.params). */
typedef struct KmeansParams
{
	int			k;
	int			max_iter;
	double		tol;
	int			n_init;
	int			scale;			/* index in scale_choices */
} KmeansParams;

static const char *const scale_choices[] = {"none", "standard", NULL};

#define KMEANS_SCALE_STANDARD 1

/* the kinds of pass (MlopsPassState.pass) */
#define KMEANS_PASS_SAMPLE 1
#define KMEANS_PASS_LLOYD 2

/*
 * The sample pass's state: dims are S (rows the sample keeps), used (entries
 * in the buffer) and sorted (how many of them, from the first, are sorted
 * and distinct: the sample proper); the body is the features' means and
 * M2, then a buffer of 2S entries of (hash, multiplicity, x[nfeat]).
 * Rows whose hash is above the sample's largest are not entered once the
 * sample is full; the buffer is sorted, deduplicated and cut to S when it
 * fills up, when merged and before it is sent.
 */
#define SAMPLE_CAP(st)		((st)->dims[0])
#define SAMPLE_USED(st)		((st)->dims[1])
#define SAMPLE_SORTED(st)	((st)->dims[2])
#define SAMPLE_MEAN(st)		((st)->data)
#define SAMPLE_M2(st)		((st)->data + (st)->nfeat)
#define SAMPLE_ENTRY(st, i) \
	((st)->data + 2 * (Size) (st)->nfeat + (Size) (i) * ((st)->nfeat + 2))

/* Rows the sample keeps: 10,000, fewer for wide rows (32 MB at most), k at least. */
#define SAMPLE_ROWS 10000
#define SAMPLE_MAX_DOUBLES (1 << 22)
#define SAMPLE_MAX_CAP (1 << 20)

/* Rows of the sample the silhouette is computed on, at most. */
#define SILHOUETTE_ROWS 2000

static int
SampleRows(int nfeat, int k)
{
	int			rows = Min(SAMPLE_ROWS, SAMPLE_MAX_DOUBLES / (2 * (nfeat + 2)));

	return Max(rows, k);
}

static Size
SampleDoubles(int nfeat, int cap)
{
	return add_size(mul_size(2, nfeat),
					mul_size(mul_size(2, cap), nfeat + 2));
}

/*
 * The Lloyd pass's state: dims are the starts and k; the body is the
 * scales' inverses (nfeat) and the centres (starts x k x nfeat) the pass
 * was given, then per start and cluster a block of the count, then the
 * high parts of the inertia and the features' sums, then their low parts
 * (double-doubles split so that adding a row is one vectorisable loop).
 * A scratch area follows, zero whenever the state is sent (so not sent at
 * all, as trailing zeros): the centres times the squared inverse scales
 * (starts*k x nfeat), minus half the centres' squared scaled norms, a buffer of
 * B rows (dims[2] = B, dims[3] = the rows in it) and their B x starts*k
 * scores; a full buffer's scores are one dgemm, which costs a fraction
 * of the distances computed row by row.
 */
#define LLOYD_STARTS(st)	((st)->dims[0])
#define LLOYD_K(st)			((st)->dims[1])
#define LLOYD_BLOCK(p)		(2 * (Size) (p) + 3)
#define LLOYD_INV(st)		((st)->data)
#define LLOYD_CENTERS(st)	((st)->data + (st)->nfeat)
#define LLOYD_NCENT(st)		((Size) LLOYD_STARTS(st) * LLOYD_K(st))
#define LLOYD_SUMS(st)		(LLOYD_CENTERS(st) + LLOYD_NCENT(st) * (st)->nfeat)
#define LLOYD_BUFCAP(st)	((st)->dims[2])
#define LLOYD_NBUF(st)		((st)->dims[3])
#define LLOYD_WEIGHTED(st)	(LLOYD_SUMS(st) + LLOYD_NCENT(st) * LLOYD_BLOCK((st)->nfeat))
#define LLOYD_HALFNORM(st)	(LLOYD_WEIGHTED(st) + LLOYD_NCENT(st) * (st)->nfeat)
#define LLOYD_ROWS(st)		(LLOYD_HALFNORM(st) + LLOYD_NCENT(st))
#define LLOYD_SCORES(st)	(LLOYD_ROWS(st) + (Size) LLOYD_BUFCAP(st) * (st)->nfeat)

/* Rows a Lloyd state buffers: up to 256, about 1 MB of rows and scores. */
static int
LloydBufferRows(int nfeat, int starts, int k)
{
	Size		width = Max((Size) starts * k, (Size) nfeat);

	return (int) Max(1, Min(256, 131072 / width));
}

static Size
LloydDoubles(int nfeat, int starts, int k)
{
	Size		sk = mul_size(starts, k);
	Size		b = LloydBufferRows(nfeat, starts, k);

	/* inv, centres, sums, weighted centres, half norms, rows, scores */
	return add_size(add_size(add_size(nfeat, mul_size(sk, 2 * (Size) nfeat + 1)),
							 mul_size(sk, LLOYD_BLOCK(nfeat) + b)),
					mul_size(b, nfeat));
}

/* The scratch area's doubles (see LloydDoubles). */
static Size
LloydScratch(const MlopsPassState *st)
{
	return LLOYD_NCENT(st) * (st->nfeat + 1 + LLOYD_BUFCAP(st)) +
		(Size) LLOYD_BUFCAP(st) * st->nfeat;
}

/*
 * The reason a kmeans state's header does not describe its body, or
 * NULL: pass and flags, the feature count, the dimensions of its kind of
 * pass (zero while it has seen no row) and the body's length.  O(1).
 */
static inline const char *
StateProblem(const MlopsPassState *st)
{
	Size		want;

	if ((st->pass != KMEANS_PASS_SAMPLE && st->pass != KMEANS_PASS_LLOYD) ||
		st->flags != 0)
		return "its pass or flags are wrong";
	if (st->nfeat < -1 || st->nfeat == 0 || st->nfeat > MLOPS_MAX_FEATURES)
		return "its feature count is out of range";
	if (st->pass == KMEANS_PASS_SAMPLE && st->dims[3] != 0)
		return "its unused dimension is not zero";
	if (st->nfeat < 0)
	{
		if (st->dims[0] != 0 || st->dims[1] != 0 || st->dims[2] != 0 ||
			st->dims[3] != 0 || st->nrows != 0 || MLOPS_PASS_STATE_NDOUBLES(st) != 0)
			return "it has rows but no dimensions";
		return NULL;
	}
	if (st->pass == KMEANS_PASS_SAMPLE)
	{
		if (SAMPLE_CAP(st) < 1 || SAMPLE_CAP(st) > SAMPLE_MAX_CAP ||
			SAMPLE_SORTED(st) < 0 || SAMPLE_SORTED(st) > SAMPLE_CAP(st) ||
			SAMPLE_USED(st) < SAMPLE_SORTED(st) ||
			SAMPLE_USED(st) >= 2 * SAMPLE_CAP(st) ||
			SAMPLE_USED(st) > st->nrows)
			return "its sample's length is out of range";
		want = (Size) 2 * st->nfeat +
			(Size) 2 * SAMPLE_CAP(st) * (st->nfeat + 2);
	}
	else
	{
		if (LLOYD_STARTS(st) < 1 || LLOYD_STARTS(st) > KMEANS_MAX_INIT ||
			LLOYD_K(st) < 1 || LLOYD_K(st) > KMEANS_MAX_K)
			return "its starts or clusters are out of range";
		if (LLOYD_BUFCAP(st) != LloydBufferRows(st->nfeat, LLOYD_STARTS(st), LLOYD_K(st)) ||
			LLOYD_NBUF(st) < 0 || LLOYD_NBUF(st) >= LLOYD_BUFCAP(st) ||
			LLOYD_NBUF(st) > st->nrows)
			return "its buffer length is out of range";
		/* checked sizes (mul_size): an absurd header is an ERROR, not a wrap */
		want = LloydDoubles(st->nfeat, LLOYD_STARTS(st), LLOYD_K(st));
	}
	if (MLOPS_PASS_STATE_NDOUBLES(st) != want)
		return "its length does not match its header";
	return NULL;
}

/* MlopsAlgorithmRoutine.state_problem */
static const char *
KmeansStateProblem(const MlopsPassState *st)
{
	return StateProblem(st);
}

#define StateArg(fcinfo, n) \
	MlopsPassStateArg((fcinfo), (n), mlops_kmeans_routine.id, StateProblem)

/* A state without rows (nfeat -1, no body) of the given pass. */
static MlopsPassState *
EmptyState(MemoryContext cxt, uint16 pass)
{
	int32		dims[MLOPS_PASS_STATE_NDIMS] = {0, 0, 0, 0};

	return MlopsPassStateNew(cxt, mlops_kmeans_routine.id, pass, 0, -1, dims, 0);
}

/*
 * The hash of a row's values (-0 as 0, so equal rows hash alike) and the
 * seed, as a double in [0, 1).
 */
static double
RowHash(const double *x, int nfeat, int64 seed)
{
	uint64		h = (uint64) seed * UINT64CONST(0x9E3779B97F4A7C15) +
		UINT64CONST(0x632BE59BD9B4E019);
	int			j;

	for (j = 0; j < nfeat; j++)
	{
		double		v = x[j] == 0 ? 0.0 : x[j];
		uint64		b;

		memcpy(&b, &v, sizeof(b));
		h ^= b;
		h *= UINT64CONST(0xFF51AFD7ED558CCD);
		h ^= h >> 33;
	}
	h *= UINT64CONST(0xC4CEB9FE1A85EC53);
	h ^= h >> 33;
	return (double) (h >> 11) * (1.0 / 9007199254740992.0);
}

/* entries by hash, then values (-0 as 0); equal entries are the same row */
static int
EntryCompare(const void *a, const void *b, void *arg)
{
	const double *ea = (const double *) a;
	const double *eb = (const double *) b;
	int			p = *(const int *) arg;
	int			j;

	if (ea[0] != eb[0])
		return ea[0] < eb[0] ? -1 : 1;
	for (j = 2; j < p + 2; j++)
		if (ea[j] != eb[j])
			return ea[j] < eb[j] ? -1 : 1;
	return 0;
}

/*
 * Sort the buffer, merge equal rows (adding their multiplicities) and keep
 * the S smallest: the buffer becomes the sample.  The rest is zeroed.
 */
static void
SampleCompact(MlopsPassState *st)
{
	int			p = st->nfeat;
	Size		width = (Size) (p + 2);
	int			used = SAMPLE_USED(st);
	int			out = 0;
	int			i;

	if (used > SAMPLE_SORTED(st))
	{
		CHECK_FOR_INTERRUPTS();
		qsort_arg(SAMPLE_ENTRY(st, 0), used, sizeof(double) * width,
				  EntryCompare, &p);
	}
	for (i = 0; i < used; i++)
	{
		double	   *e = SAMPLE_ENTRY(st, i);

		if (out > 0 && EntryCompare(SAMPLE_ENTRY(st, out - 1), e, &p) == 0)
		{
			SAMPLE_ENTRY(st, out - 1)[1] += e[1];
			continue;
		}
		if (out == SAMPLE_CAP(st))
			break;
		if (out != i)
			memcpy(SAMPLE_ENTRY(st, out), e, sizeof(double) * width);
		out++;
	}
	if (out < used)
		memset(SAMPLE_ENTRY(st, out), 0, sizeof(double) * width * (used - out));
	SAMPLE_USED(st) = SAMPLE_SORTED(st) = out;
}

/*
 * The scratch area's centres: w_ij = c_ij / s_j^2 and h_i = -1/2 sum_j
 * (c_ij / s_j)^2, from which a row's score against centre i is
 * h_i + x . w_i, minus half its squared scaled distance plus |x / s|^2 / 2:
 * the nearest centre has the highest score.
 */
static void
LloydPrepare(MlopsPassState *st)
{
	int			p = st->nfeat;
	Size		n = LLOYD_NCENT(st);
	const double *c = LLOYD_CENTERS(st);
	const double *inv = LLOYD_INV(st);
	double	   *w = LLOYD_WEIGHTED(st);
	double	   *half = LLOYD_HALFNORM(st);
	Size		i;
	int			j;

	for (i = 0; i < n; i++)
	{
		double		nn = 0;

		for (j = 0; j < p; j++)
		{
			double		v = c[i * p + j] * inv[j];

			w[i * p + j] = v * inv[j];
			nn += v * v;
		}
		half[i] = -nn / 2;
	}
}

/*
 * Add the buffered rows to the sums of their nearest centre in every
 * start.  The nearest comes from the expanded form |c|^2/2 - x.c in the
 * scaled space, for the whole buffer against every centre in one dgemm
 * (scikit-learn's Lloyd does the same); the row's exact squared distance
 * to it goes into the inertia.  A row's scores do not depend on the other
 * rows in the buffer, so neither do the sums on the plan.
 */
static void
LloydFlushRows(MlopsPassState *st)
{
	int			p = st->nfeat;
	int			k = LLOYD_K(st);
	int			nb = LLOYD_NBUF(st);
	Size		n = LLOYD_NCENT(st);
	const double *inv = LLOYD_INV(st);
	const double *cent = LLOYD_CENTERS(st);
	const double *half = LLOYD_HALFNORM(st);
	const double *rows = LLOYD_ROWS(st);
	double	   *g = LLOYD_SCORES(st);
	int			starts = LLOYD_STARTS(st);
	Size	   *near;
	int			r;

	if (nb == 0)
		return;
	near = palloc(sizeof(Size) * starts);
	CHECK_FOR_INTERRUPTS();
	for (r = 0; r < nb; r++)
		memcpy(g + (Size) r * n, half, sizeof(double) * n);
	MlopsGemmAdd(true, false, n, nb, p, LLOYD_WEIGHTED(st), p, rows, p, g, n);
	for (r = 0; r < nb; r++)
	{
		const double *x = rows + (Size) r * p;
		const double *gr = g + (Size) r * n;
		int			s;

		/* each start's nearest centre: the highest score, the first of a tie */
		for (s = 0; s < starts; s++)
		{
			Size		first = (Size) s * k;
			Size		best = first;
			double		bs = gr[first];
			Size		c;

			for (c = first + 1; c < first + k; c++)
			{
				bool		gt = gr[c] > bs;

				/* selects, not branches: which centre wins is random */
				best = gt ? c : best;
				bs = gt ? gr[c] : bs;
			}
			near[s] = best;
		}
		for (s = 0; s < starts; s++)
		{
			double	   *b = LLOYD_SUMS(st) + near[s] * LLOYD_BLOCK(p);

			b[0] += 1;
			DDAdd(&b[1], &b[2 + p], SquaredDistance(x, cent + near[s] * p, inv, p));
			DDAddVector(b + 2, b + 3 + p, x, p);
		}
	}
	pfree(near);
	LLOYD_NBUF(st) = 0;
}

/*
 * Add a buffer's rows whatever the state went through: its scratch
 * centres are rebuilt first, since a state that was sent has none.
 */
static void
LloydFlushBuffered(MlopsPassState *st)
{
	if (LLOYD_NBUF(st) > 0)
	{
		LloydPrepare(st);
		LloydFlushRows(st);
	}
}

/*
 * MlopsAlgorithmRoutine.state_compact: a sample state sends its sample
 * only, a Lloyd state neither scratch area.
 */
static void
KmeansStateCompact(MlopsPassState *st)
{
	if (st->pass == KMEANS_PASS_SAMPLE && st->nfeat > 0)
		SampleCompact(st);
	if (st->pass == KMEANS_PASS_LLOYD && st->nfeat > 0)
	{
		LloydFlushRows(st);
		memset(LLOYD_WEIGHTED(st), 0, sizeof(double) * LloydScratch(st));
	}
}

/* Enter a row (hash h, multiplicity w) unless the full sample ranks it out. */
static void
SampleAdd(MlopsPassState *st, const double *x, double h, double w)
{
	int			p = st->nfeat;
	double	   *e;
	int			j;

	if (SAMPLE_SORTED(st) == SAMPLE_CAP(st) &&
		h > SAMPLE_ENTRY(st, SAMPLE_CAP(st) - 1)[0])
		return;
	e = SAMPLE_ENTRY(st, SAMPLE_USED(st));
	e[0] = h;
	e[1] = w;
	for (j = 0; j < p; j++)
		e[j + 2] = x[j] == 0 ? 0.0 : x[j];
	if (++SAMPLE_USED(st) == 2 * SAMPLE_CAP(st) - 1)
		SampleCompact(st);
}

static void
CheckSampleMemory(int nfeat, int cap)
{
	MlopsPassStateCheckMemory(mlops_kmeans_routine.state_fit, nfeat,
							  MlopsPassStateSize(SampleDoubles(nfeat, cap)));
}

/* The sample state, sized for rows of nfeat features, with st's counts. */
static MlopsPassState *
SizeSampleState(MemoryContext cxt, const MlopsPassState *st, int nfeat, int cap)
{
	int32		dims[MLOPS_PASS_STATE_NDIMS] = {cap, 0, 0, 0};
	MlopsPassState *sized;

	CheckSampleMemory(nfeat, cap);
	sized = MlopsPassStateNew(cxt, mlops_kmeans_routine.id, KMEANS_PASS_SAMPLE,
							  0, nfeat, dims, SampleDoubles(nfeat, cap));
	sized->nskipped = st->nskipped;
	return sized;
}

/*
 * The sample pass's transition: options (k, seed, names) at opt ..
 * opt+2, the row (NULL when it holds a NULL).
 */
static Datum
SampleAccum(FunctionCallInfo fcinfo, int opt, const double *x, int nfeat)
{
	MlopsPassState *st;
	int			k;
	int64		seed;
	ArrayType  *names;
	double		n;
	int			j;

	MlopsPassStateCheckAggregate(fcinfo, "_kmeans_sample_state transition");
	if (PG_ARGISNULL(opt) || PG_ARGISNULL(opt + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("_kmeans_sample_state options must not be NULL")));
	k = PG_GETARG_INT32(opt);
	seed = PG_GETARG_INT64(opt + 1);
	names = PG_ARGISNULL(opt + 2) ? NULL : PG_GETARG_ARRAYTYPE_P(opt + 2);
	if (k < 1 || k > KMEANS_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 1 and %d, not %d", KMEANS_MAX_K, k)));
	if (PG_ARGISNULL(0))
		st = EmptyState(CurrentMemoryContext, KMEANS_PASS_SAMPLE);
	else
		st = StateArg(fcinfo, 0);
	if (st->pass != KMEANS_PASS_SAMPLE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("_kmeans_sample_state was given the state of another pass")));
	MlopsPassStateCheckCanCountRow(st);
	if (x == NULL)
	{
		st->nskipped++;
		PG_RETURN_POINTER(st);
	}
	MlopsCheckFinite(x, nfeat, 0.0, names, MlopsPassStateRowsSeen(st) + 1, false);
	if (st->nfeat < 0)
	{
		if (nfeat > MLOPS_MAX_FEATURES)
			MlopsPassStateCheckMemory(mlops_kmeans_routine.state_fit, nfeat, 0);
		st = SizeSampleState(CurrentMemoryContext, st, nfeat,
							 SampleRows(nfeat, k));
	}
	else if (nfeat != st->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training row has %d features, expected %d",
						nfeat, st->nfeat)));
	else if (SAMPLE_CAP(st) < k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("_kmeans_sample_state was given a state sampling fewer than k rows")));

	for (j = 0; j < nfeat; j++)
	{
		n = (double) st->nrows;
		AddMoment(&n, &SAMPLE_MEAN(st)[j], &SAMPLE_M2(st)[j], x[j]);
	}
	st->nrows++;
	SampleAdd(st, x, RowHash(x, nfeat, seed), 1.0);
	PG_RETURN_POINTER(st);
}

/* _kmeans_sample_state(k, seed, names, VARIADIC features) transition */
PG_FUNCTION_INFO_V1(mlops_kmeans_sample_accum_args);
Datum
mlops_kmeans_sample_accum_args(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	const double *x = MlopsTrainingRowArgs(fcinfo, 4, &nfeat, NULL);

	return SampleAccum(fcinfo, 1, x, nfeat);
}

/* _kmeans_sample_state(features, k, seed, names) transition */
PG_FUNCTION_INFO_V1(mlops_kmeans_sample_accum);
Datum
mlops_kmeans_sample_accum(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	const double *x = NULL;

	if (!PG_ARGISNULL(1))
		x = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(1), &nfeat);
	return SampleAccum(fcinfo, 2, x, nfeat);
}

/* Merge two states of the same pass: the combine function of both passes. */
PG_FUNCTION_INFO_V1(mlops_kmeans_combine);
Datum
mlops_kmeans_combine(PG_FUNCTION_ARGS)
{
	MlopsPassState *a;
	MlopsPassState *b;
	MlopsPassCounts counts;
	int			p;
	Size		i;

	if (!MlopsPassStateCombineArgs(fcinfo, mlops_kmeans_routine.id, StateProblem,
								   "_kmeans_combine", &a, &b))
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a->pass != b->pass)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge the states of two kinds of kmeans pass")));
	MlopsPassStateMergedCounts(a, b, &counts);
	if (b->nfeat < 0)
	{
		MlopsPassStateSetCounts(a, &counts);
		PG_RETURN_POINTER(a);
	}
	if (a->nfeat < 0)
	{
		a = MlopsPassStateCopy(b);
		MlopsPassStateSetCounts(a, &counts);
		PG_RETURN_POINTER(a);
	}
	p = a->nfeat;
	if (p != b->nfeat || memcmp(a->dims, b->dims, sizeof(int32) * 1) != 0 ||
		(a->pass == KMEANS_PASS_LLOYD && LLOYD_K(a) != LLOYD_K(b)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot merge kmeans states of different shapes")));
	CHECK_FOR_INTERRUPTS();
	if (a->pass == KMEANS_PASS_SAMPLE)
	{
		int			used = SAMPLE_USED(b);

		for (i = 0; i < p; i++)
		{
			double		na = (double) a->nrows;

			MergeMoments(&na, &SAMPLE_MEAN(a)[i], &SAMPLE_M2(a)[i],
						 (double) b->nrows, SAMPLE_MEAN(b)[i], SAMPLE_M2(b)[i]);
		}
		for (i = 0; i < used; i++)
		{
			const double *e = SAMPLE_ENTRY(b, i);

			SampleAdd(a, e + 2, e[0], e[1]);
		}
	}
	else
	{
		Size		ncent = (Size) LLOYD_STARTS(a) * LLOYD_K(a) * p;
		Size		nblocks = (Size) LLOYD_STARTS(a) * LLOYD_K(a);
		double	   *sa = LLOYD_SUMS(a);
		const double *sb = LLOYD_SUMS(b);

		if (memcmp(LLOYD_INV(a), LLOYD_INV(b), sizeof(double) * (p + ncent)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("cannot merge kmeans states computed at different centres")));
		LloydFlushBuffered(a);
		if (LLOYD_NBUF(b) > 0)
		{
			/* b may be read-only: its buffered rows are added from a copy */
			MlopsPassState *copy = MlopsPassStateCopy(b);

			LloydFlushBuffered(copy);
			b = copy;
			sb = LLOYD_SUMS(b);
		}
		for (i = 0; i < nblocks; i++)
		{
			double	   *ba = sa + i * LLOYD_BLOCK(p);
			const double *bb = sb + i * LLOYD_BLOCK(p);
			Size		t;

			ba[0] += bb[0];
			for (t = 0; t <= p; t++)
			{
				DDAdd(&ba[1 + t], &ba[2 + p + t], bb[1 + t]);
				ba[2 + p + t] += bb[2 + p + t];
			}
		}
	}
	MlopsPassStateSetCounts(a, &counts);
	PG_RETURN_POINTER(a);
}

/*
 * Check the Lloyd pass's centres (starts x k x nfeat, three dimensions)
 * and scales' inverses (nfeat) for rows of nfeat features: shapes only,
 * O(1).
 */
static void
CheckLloydArgs(ArrayType *centers, ArrayType *inv, int nfeat)
{
	if (ARR_ELEMTYPE(centers) != FLOAT8OID || ARR_NDIM(centers) != 3 ||
		ARR_HASNULL(centers) || ARR_DIMS(centers)[2] != nfeat ||
		ARR_DIMS(centers)[0] < 1 || ARR_DIMS(centers)[0] > KMEANS_MAX_INIT ||
		ARR_DIMS(centers)[1] < 1 || ARR_DIMS(centers)[1] > KMEANS_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid centres for _kmeans_lloyd_state"),
				 errdetail("The centres are a starts x k x %d array of double precision without nulls, at most %d starts and %d clusters.",
						   nfeat, KMEANS_MAX_INIT, KMEANS_MAX_K)));
	if (ARR_ELEMTYPE(inv) != FLOAT8OID || ARR_NDIM(inv) != 1 ||
		ARR_HASNULL(inv) || ARR_DIMS(inv)[0] != nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid inverse scales for _kmeans_lloyd_state"),
				 errdetail("The inverse scales are %d values of double precision without nulls.",
						   nfeat)));
}

/* A Lloyd state at the given centres and scales, every value checked. */
static MlopsPassState *
NewLloydState(MemoryContext cxt, const MlopsPassState *st, ArrayType *centers,
			  ArrayType *inv, int nfeat)
{
	int32		dims[MLOPS_PASS_STATE_NDIMS] = {ARR_DIMS(centers)[0],
		ARR_DIMS(centers)[1],
		LloydBufferRows(nfeat, ARR_DIMS(centers)[0], ARR_DIMS(centers)[1]),
	0};
	Size		ncent = (Size) dims[0] * dims[1] * nfeat;
	const double *c = (const double *) ARR_DATA_PTR(centers);
	const double *w = (const double *) ARR_DATA_PTR(inv);
	MlopsPassState *sized;
	Size		i;

	for (i = 0; i < nfeat; i++)
		if (!(isfinite(w[i]) && w[i] > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid inverse scales for _kmeans_lloyd_state"),
					 errdetail("Inverse scale %zu is not a positive finite number.", i + 1)));
	for (i = 0; i < ncent; i++)
		if (!isfinite(c[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid centres for _kmeans_lloyd_state"),
					 errdetail("Centre value %zu is not finite.", i + 1)));
	MlopsPassStateCheckMemory(mlops_kmeans_routine.state_fit, nfeat,
							  MlopsPassStateSize(LloydDoubles(nfeat, dims[0], dims[1])));
	sized = MlopsPassStateNew(cxt, mlops_kmeans_routine.id, KMEANS_PASS_LLOYD,
							  0, nfeat, dims, LloydDoubles(nfeat, dims[0], dims[1]));
	memcpy(LLOYD_INV(sized), w, sizeof(double) * nfeat);
	memcpy(LLOYD_CENTERS(sized), c, sizeof(double) * ncent);
	LloydPrepare(sized);
	sized->nskipped = st->nskipped;
	return sized;
}

/*
 * Whether the centres and scales of this call are the state's.  When both
 * arguments are constants or parameters of the query (as mlops.train
 * passes them), they cannot change within the pass, so the bytes are
 * compared on the first row the state sees after it is sized, not on
 * every row; any other argument is compared always.
 */
static bool
SameCentres(FunctionCallInfo fcinfo, int opt, const MlopsPassState *st,
			ArrayType *centers, ArrayType *inv, int nfeat)
{
	if (ARR_DIMS(centers)[0] != LLOYD_STARTS(st) || ARR_DIMS(centers)[1] != LLOYD_K(st))
		return false;
	if (st->nrows > 0 && MlopsPassStateArgIsStable(fcinfo, opt) &&
		MlopsPassStateArgIsStable(fcinfo, opt + 1))
		return true;
	return memcmp(ARR_DATA_PTR(centers), LLOYD_CENTERS(st),
				  sizeof(double) * LLOYD_NCENT(st) * nfeat) == 0 &&
		memcmp(ARR_DATA_PTR(inv), LLOYD_INV(st), sizeof(double) * nfeat) == 0;
}

static Datum
LloydAccum(FunctionCallInfo fcinfo, int opt, const double *x, int nfeat)
{
	MlopsPassState *st;
	ArrayType  *centers;
	ArrayType  *inv;
	ArrayType  *names;

	MlopsPassStateCheckAggregate(fcinfo, "_kmeans_lloyd_state transition");
	if (PG_ARGISNULL(opt) || PG_ARGISNULL(opt + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("_kmeans_lloyd_state options must not be NULL")));
	centers = PG_GETARG_ARRAYTYPE_P(opt);
	inv = PG_GETARG_ARRAYTYPE_P(opt + 1);
	names = PG_ARGISNULL(opt + 2) ? NULL : PG_GETARG_ARRAYTYPE_P(opt + 2);
	if (PG_ARGISNULL(0))
		st = EmptyState(CurrentMemoryContext, KMEANS_PASS_LLOYD);
	else
		st = StateArg(fcinfo, 0);
	if (st->pass != KMEANS_PASS_LLOYD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("_kmeans_lloyd_state was given the state of another pass")));
	MlopsPassStateCheckCanCountRow(st);
	if (x == NULL)
	{
		st->nskipped++;
		PG_RETURN_POINTER(st);
	}
	MlopsCheckFinite(x, nfeat, 0.0, names, MlopsPassStateRowsSeen(st) + 1, false);
	if (nfeat > MLOPS_MAX_FEATURES)
		MlopsPassStateCheckMemory(mlops_kmeans_routine.state_fit, nfeat, 0);
	CheckLloydArgs(centers, inv, nfeat);
	if (st->nfeat < 0)
		st = NewLloydState(CurrentMemoryContext, st, centers, inv, nfeat);
	else if (nfeat != st->nfeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training row has %d features, expected %d",
						nfeat, st->nfeat)));
	else if (!SameCentres(fcinfo, opt, st, centers, inv, nfeat))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("_kmeans_lloyd_state was given other centres or scales within one pass")));

	memcpy(LLOYD_ROWS(st) + (Size) LLOYD_NBUF(st) * nfeat, x, sizeof(double) * nfeat);
	if (++LLOYD_NBUF(st) == LLOYD_BUFCAP(st))
		LloydFlushRows(st);
	st->nrows++;
	PG_RETURN_POINTER(st);
}

/* _kmeans_lloyd_state(centres, inverse scales, names, VARIADIC features) */
PG_FUNCTION_INFO_V1(mlops_kmeans_lloyd_accum_args);
Datum
mlops_kmeans_lloyd_accum_args(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	const double *x = MlopsTrainingRowArgs(fcinfo, 4, &nfeat, NULL);

	return LloydAccum(fcinfo, 1, x, nfeat);
}

/* _kmeans_lloyd_state(features, centres, inverse scales, names) */
PG_FUNCTION_INFO_V1(mlops_kmeans_lloyd_accum);
Datum
mlops_kmeans_lloyd_accum(PG_FUNCTION_ARGS)
{
	int			nfeat = 0;
	const double *x = NULL;

	if (!PG_ARGISNULL(1))
		x = MlopsTrainingRow(PG_GETARG_ARRAYTYPE_P(1), &nfeat);
	return LloydAccum(fcinfo, 2, x, nfeat);
}

/* ---- training (the leader) ---- */

/* The sample, read out of the sample pass's state. */
typedef struct Sample
{
	int64		n;				/* rows */
	int64		nskipped;
	int			m;				/* distinct rows in the sample */
	bool		complete;		/* it holds every distinct row */
	double	   *x;				/* m x p, hash order */
	double	   *w;				/* m multiplicities */
	double	   *mean;			/* p */
	double	   *var;			/* p, population variance */
} Sample;

static void
EmptyError(const MlopsTrainJob *job, int64 nskipped)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("training set is empty"),
			 nskipped > 0 ?
			 errdetail("All %lld rows of relation %s had a NULL feature.",
					   (long long) nskipped, job->relname) : 0));
}

static Datum
NamesArray(const MlopsTrainJob *job)
{
	return MlopsTextArray(job->features, job->nfeat - 1,
						  job->features[job->nfeat - 1]);
}

static void
RunSamplePass(const MlopsTrainJob *job, int k, Sample *out)
{
	Oid			types[3] = {INT4OID, INT8OID, TEXTARRAYOID};
	Datum		values[3];
	bool		isnull;
	Datum		d;
	MlopsPassState *st;
	int			p = job->nfeat;
	double		total = 0;
	int			i;
	int			j;

	values[0] = Int32GetDatum(k);
	values[1] = Int64GetDatum(job->seed);
	values[2] = NamesArray(job);
	d = MlopsRunPass(MlopsPassSql(job, "_kmeans_sample_state", "$1, $2, $3"),
					 3, types, values, &isnull);
	if (isnull)
		EmptyError(job, 0);
	st = MlopsPassStateCopy(MlopsPassStateFromDatum(d, mlops_kmeans_routine.id,
													StateProblem));
	if (st->pass != KMEANS_PASS_SAMPLE || (st->nfeat >= 0 && st->nfeat != p))
		elog(ERROR, "kmeans sample pass returned the wrong state");
	if (st->nfeat < 0 || st->nrows == 0)
		EmptyError(job, st->nskipped);
	SampleCompact(st);
	out->n = st->nrows;
	out->nskipped = st->nskipped;
	out->m = SAMPLE_USED(st);
	out->complete = SAMPLE_USED(st) < SAMPLE_CAP(st);
	out->x = palloc(sizeof(double) * out->m * p);
	out->w = palloc(sizeof(double) * out->m);
	out->mean = palloc(sizeof(double) * p);
	out->var = palloc(sizeof(double) * p);
	for (i = 0; i < out->m; i++)
	{
		const double *e = SAMPLE_ENTRY(st, i);

		out->w[i] = e[1];
		total += e[1];
		if (!(e[1] >= 1 && e[1] == floor(e[1])) || total > (double) st->nrows)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid kmeans sample"),
					 errdetail("A row's multiplicity is out of range.")));
		memcpy(out->x + (Size) i * p, e + 2, sizeof(double) * p);
	}
	for (j = 0; j < p; j++)
	{
		out->mean[j] = SAMPLE_MEAN(st)[j];
		out->var[j] = SAMPLE_M2(st)[j] / (double) st->nrows;
		if (!isfinite(out->mean[j]) || !isfinite(out->var[j]) || out->var[j] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("column \"%s\" overflowed double precision",
							job->features[j]),
					 errhint("Rescale the column.")));
	}
}

/* A uniform double in [0, 1) of the start's generator. */
static inline double
Uniform(pg_prng_state *rng)
{
	return pg_prng_double(rng);
}

/*
 * The index of the first sample row whose cumulative weight exceeds r
 * (numpy's searchsorted, clipped to the last row).
 */
static int
SearchCumulative(const double *cum, int m, double r)
{
	int			lo = 0;
	int			hi = m - 1;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (cum[mid] <= r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Greedy k-means++ (scikit-learn's _kmeans_plusplus) on the weighted
 * sample, into centres (k x p): the first centre drawn by weight, each
 * next one the best, for the potential, of 2 + floor(ln k) candidates
 * drawn with probability w D^2.
 */
static void
SeedPlusPlus(const Sample *sm, int p, const double *inv, int k, uint64 seed,
			 double *centres)
{
	pg_prng_state rng;
	int			m = sm->m;
	int			trials = 2 + (int) floor(log((double) k));
	double	   *closest = palloc(sizeof(double) * m);
	double	   *cand = palloc(sizeof(double) * m);
	double	   *best_d = palloc(sizeof(double) * m);
	double	   *cum = palloc(sizeof(double) * m);
	double		wsum = 0;
	double		pot = 0;
	int			first;
	int			c;
	int			i;

	pg_prng_seed(&rng, seed);
	for (i = 0; i < m; i++)
		cum[i] = (wsum += sm->w[i]);
	first = SearchCumulative(cum, m, Uniform(&rng) * wsum);
	memcpy(centres, sm->x + (Size) first * p, sizeof(double) * p);
	for (i = 0; i < m; i++)
	{
		closest[i] = SquaredDistance(sm->x + (Size) i * p, centres, inv, p);
		pot += sm->w[i] * closest[i];
	}
	for (c = 1; c < k; c++)
	{
		double		best_pot = get_float8_infinity();
		int			best = -1;
		int			t;

		CHECK_FOR_INTERRUPTS();
		if (!(pot > 0))
		{
			/* every row is a centre already: take the first that is not */
			for (i = 0; i < m && closest[i] == 0; i++)
				;
			best = Min(i, m - 1);
			for (i = 0; i < m; i++)
				best_d[i] = Min(closest[i], SquaredDistance(sm->x + (Size) i * p,
															sm->x + (Size) best * p, inv, p));
			best_pot = 0;
			for (i = 0; i < m; i++)
				best_pot += sm->w[i] * best_d[i];
		}
		else
		{
			double		acc = 0;

			for (i = 0; i < m; i++)
				cum[i] = (acc += sm->w[i] * closest[i]);
			for (t = 0; t < trials; t++)
			{
				int			id = SearchCumulative(cum, m, Uniform(&rng) * pot);
				double		np = 0;

				for (i = 0; i < m; i++)
				{
					cand[i] = Min(closest[i], SquaredDistance(sm->x + (Size) i * p,
															  sm->x + (Size) id * p, inv, p));
					np += sm->w[i] * cand[i];
				}
				if (np < best_pot)
				{
					double	   *swap = best_d;

					best_pot = np;
					best = id;
					best_d = cand;
					cand = swap;
				}
			}
		}
		memcpy(centres + (Size) c * p, sm->x + (Size) best * p, sizeof(double) * p);
		memcpy(closest, best_d, sizeof(double) * m);
		pot = best_pot;
	}
	pfree(closest);
	pfree(cand);
	pfree(best_d);
	pfree(cum);
}

/*
 * Move empty cluster c of one start's centres to the sample row farthest
 * from its nearest centre (the first of a tie).
 */
static void
Relocate(const Sample *sm, int p, const double *inv, int k, double *centres,
		 int c)
{
	double		far = -1;
	int			best = 0;
	int			i;

	for (i = 0; i < sm->m; i++)
	{
		double		d;

		(void) Nearest(sm->x + (Size) i * p, centres, inv, k, p, &d);
		if (d > far)
		{
			far = d;
			best = i;
		}
	}
	memcpy(centres + (Size) c * p, sm->x + (Size) best * p, sizeof(double) * p);
}

/* The result of a Lloyd pass over `starts` starts. */
typedef struct LloydResult
{
	int64		n;
	double	   *count;			/* starts x k */
	double	   *inertia;		/* starts */
	double	   *mean;			/* starts x k x p: the clusters' means */
} LloydResult;

static Datum
CentresArray(const double *c, int starts, int k, int p)
{
	Size		n = (Size) starts * k * p;
	Datum	   *d = palloc(sizeof(Datum) * n);
	int			dims[3] = {starts, k, p};
	int			lbs[3] = {1, 1, 1};
	Size		i;

	for (i = 0; i < n; i++)
		d[i] = Float8GetDatum(c[i]);
	return PointerGetDatum(construct_md_array(d, NULL, 3, dims, lbs, FLOAT8OID,
											  sizeof(float8), FLOAT8PASSBYVAL,
											  TYPALIGN_DOUBLE));
}

static Datum
Float8Array(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * n);
	int			i;

	for (i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return PointerGetDatum(construct_array(d, n, FLOAT8OID, sizeof(float8),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

static void
RunLloydPass(const MlopsTrainJob *job, const double *centres, int starts,
			 int k, const double *inv, LloydResult *out)
{
	Oid			types[3] = {FLOAT8ARRAYOID, FLOAT8ARRAYOID, TEXTARRAYOID};
	Datum		values[3];
	bool		isnull;
	Datum		d;
	MlopsPassState *st;
	int			p = job->nfeat;
	const double *sums;
	Size		i;
	int			s;
	int			c;
	int			j;

	values[0] = CentresArray(centres, starts, k, p);
	values[1] = Float8Array(inv, p);
	values[2] = NamesArray(job);
	d = MlopsRunPass(MlopsPassSql(job, "_kmeans_lloyd_state", "$1, $2, $3"),
					 3, types, values, &isnull);
	if (isnull)
		EmptyError(job, 0);
	st = MlopsPassStateFromDatum(d, mlops_kmeans_routine.id, StateProblem);
	if (st->nfeat < 0 || st->nrows == 0)
		EmptyError(job, st->nskipped);
	if (st->pass != KMEANS_PASS_LLOYD || st->nfeat != p ||
		LLOYD_STARTS(st) != starts || LLOYD_K(st) != k)
		elog(ERROR, "kmeans Lloyd pass returned the wrong state");
	if (LLOYD_NBUF(st) > 0)
	{
		st = MlopsPassStateCopy(st);
		LloydFlushBuffered(st);
	}
	out->n = st->nrows;
	out->count = palloc(sizeof(double) * starts * k);
	out->inertia = palloc0(sizeof(double) * starts);
	out->mean = palloc(sizeof(double) * starts * k * p);
	sums = LLOYD_SUMS(st);
	for (s = 0; s < starts; s++)
	{
		double		ihi = 0;
		double		ilo = 0;

		for (c = 0; c < k; c++)
		{
			const double *b = sums + ((Size) s * k + c) * LLOYD_BLOCK(p);
			double	   *mu = out->mean + ((Size) s * k + c) * p;

			out->count[s * k + c] = b[0];
			DDAdd(&ihi, &ilo, b[1]);
			DDAdd(&ihi, &ilo, b[2 + p]);
			for (j = 0; j < p; j++)
				mu[j] = b[0] > 0 ? (b[2 + j] + b[3 + p + j]) / b[0] : 0;
		}
		out->inertia[s] = ihi + ilo;
	}
	for (j = 0; j < starts; j++)
		if (!isfinite(out->inertia[j]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("training data overflowed double precision"),
					 errhint("Rescale the features, or set scale to \"standard\".")));
	for (i = 0; i < (Size) starts * k * p; i++)
		if (!isfinite(out->mean[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("training data overflowed double precision"),
					 errhint("Rescale the features, or set scale to \"standard\".")));
}

/* The sub-seed of start s. */
static uint64
StartSeed(int64 seed, int s)
{
	uint64		h = (uint64) seed ^ (UINT64CONST(0xD1B54A32D192ED03) * (uint64) (s + 1));

	h ^= h >> 31;
	h *= UINT64CONST(0xBF58476D1CE4E5B9);
	h ^= h >> 29;
	return h;
}

/*
 * The silhouette of the winning centres on up to SILHOUETTE_ROWS rows of
 * the sample (in hash order, each repeated by its multiplicity: all the
 * rows when there are no more), in the space k-means ran in; NaN when it
 * is not defined (fewer than two clusters among the rows, or every row
 * its own cluster).
 */
static double
Silhouette(const Sample *sm, int p, const double *inv, int k,
		   const double *centres)
{
	double	   *z = palloc(sizeof(double) * SILHOUETTE_ROWS * p);
	int32	   *label = palloc(sizeof(int32) * SILHOUETTE_ROWS);
	int64		n = 0;
	double		score;
	int			i;
	int			j;

	for (i = 0; i < sm->m && n < SILHOUETTE_ROWS; i++)
	{
		const double *x = sm->x + (Size) i * p;
		int			c = Nearest(x, centres, inv, k, p, NULL);
		double		r;

		for (r = 0; r < sm->w[i] && n < SILHOUETTE_ROWS; r++, n++)
		{
			for (j = 0; j < p; j++)
				z[n * p + j] = x[j] * inv[j];
			label[n] = c;
		}
	}
	if (MlopsEvalSilhouette(z, n, p, label, k, &score) != NULL)
		score = get_float8_nan();
	pfree(z);
	pfree(label);
	return score;
}

static void
KmeansTrain(MlopsTrainJob *job)
{
	const KmeansParams *params = (const KmeansParams *) job->params;
	int			p = job->nfeat;
	int			k = params->k;
	int			ninit = params->n_init;
	Size		per = (Size) k * p;
	Sample		sm;
	double	   *scale = palloc(sizeof(double) * p);
	double	   *inv = palloc(sizeof(double) * p);
	double	   *centres;		/* ninit x k x p */
	double	   *active_c;
	int		   *active = palloc(sizeof(int) * ninit);
	int		   *iters = palloc0(sizeof(int) * ninit);
	bool	   *converged = palloc0(sizeof(bool) * ninit);
	double		tol = 0;
	int			nactive;
	int			passes = 1;
	int			iter;
	int			best;
	int			s;
	int			j;
	LloydResult r;
	MlopsModel	model;
	KmeansModel km;
	StringInfoData buf;

	/* the largest state and the leader's copies of every start's centres */
	MlopsPassStateCheckMemory(mlops_kmeans_routine.state_fit, p, 0);
	MlopsPassStateCheckMemory(mlops_kmeans_routine.state_fit, p,
							  add_size(MlopsPassStateSize(Max(SampleDoubles(p, SampleRows(p, k)),
															  LloydDoubles(p, ninit, k))),
									   mul_size(4 * sizeof(double), mul_size(ninit, per))));

	RunSamplePass(job, k, &sm);
	if (sm.complete && sm.m < k)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("k = %d is more than the %d distinct rows of relation %s",
						k, sm.m, job->relname),
				 errhint("Set k to at most %d.", sm.m)));

	for (j = 0; j < p; j++)
	{
		double		sd = sqrt(sm.var[j]);

		scale[j] = 1.0;
		if (params->scale == KMEANS_SCALE_STANDARD && sd > 0 &&
			isfinite(1.0 / sd) && 1.0 / sd > 0)
			scale[j] = sd;
		inv[j] = 1.0 / scale[j];
		tol += sm.var[j] * inv[j] * inv[j];
	}
	tol = params->tol * tol / p;

	centres = palloc(sizeof(double) * ninit * per);
	active_c = palloc(sizeof(double) * ninit * per);
	for (s = 0; s < ninit; s++)
		SeedPlusPlus(&sm, p, inv, k, StartSeed(job->seed, s), centres + s * per);

	for (iter = 1; iter <= params->max_iter; iter++)
	{
		int			a;

		nactive = 0;
		for (s = 0; s < ninit; s++)
			if (!converged[s])
			{
				memcpy(active_c + nactive * per, centres + s * per,
					   sizeof(double) * per);
				active[nactive++] = s;
			}
		if (nactive == 0)
			break;
		CHECK_FOR_INTERRUPTS();
		RunLloydPass(job, active_c, nactive, k, inv, &r);
		passes++;
		for (a = 0; a < nactive; a++)
		{
			double	   *c = centres + active[a] * per;
			double	   *mu = r.mean + a * per;
			double		shift = 0;
			int			cl;

			for (cl = 0; cl < k; cl++)
				if (r.count[a * k + cl] > 0)
					for (j = 0; j < p; j++)
					{
						double		t = (mu[cl * p + j] - c[cl * p + j]) * inv[j];

						shift += t * t;
					}
			for (cl = 0; cl < k; cl++)
				if (r.count[a * k + cl] > 0)
					memcpy(c + cl * p, mu + cl * p, sizeof(double) * p);
			for (cl = 0; cl < k; cl++)
				if (r.count[a * k + cl] == 0)
				{
					double		before[MLOPS_MAX_FEATURES];

					memcpy(before, c + cl * p, sizeof(double) * p);
					Relocate(&sm, p, inv, k, c, cl);
					for (j = 0; j < p; j++)
					{
						double		t = (c[cl * p + j] - before[j]) * inv[j];

						shift += t * t;
					}
				}
			iters[active[a]] = iter;
			if (shift <= tol)
				converged[active[a]] = true;
		}
	}

	/* the inertia of every start at its final centres */
	RunLloydPass(job, centres, ninit, k, inv, &r);
	passes++;
	best = 0;
	for (s = 1; s < ninit; s++)
		if (r.inertia[s] < r.inertia[best])
			best = s;
	if (!converged[best])
		ereport(WARNING,
				(errmsg("kmeans on relation %s did not converge in %d iterations",
						job->relname, params->max_iter),
				 errhint("Raise max_iter or tol.")));

	km.k = k;
	km.scaled = params->scale == KMEANS_SCALE_STANDARD;
	km.scale = scale;
	km.inv = inv;
	km.centers = centres + best * per;
	memset(&model, 0, sizeof(model));
	model.algo = &mlops_kmeans_routine;
	model.nfeat = p;
	model.feature_names = job->features;
	model.spec = job->spec;
	model.payload = &km;
	job->artifact = MlopsArtifactEncode(&model);
	job->n_train = r.n;
	job->n_test = 0;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"n\": %lld, \"rows_skipped\": %lld",
					 (long long) r.n, (long long) sm.nskipped);
	MlopsJsonNumber(&buf, "inertia", r.inertia[best]);
	MlopsJsonNumber(&buf, "silhouette", Silhouette(&sm, p, inv, k, km.centers));
	appendStringInfo(&buf, ", \"iterations\": %d, \"passes\": %d, \"n_init\": %d, \"converged\": %s, \"cluster_sizes\": [",
					 iters[best], passes, ninit, converged[best] ? "true" : "false");
	for (j = 0; j < k; j++)
		appendStringInfo(&buf, "%s%.0f", j ? ", " : "", r.count[best * k + j]);
	appendStringInfoChar(&buf, ']');
	MlopsJsonNumber(&buf, "score", r.inertia[best]);
	appendStringInfoString(&buf, ", \"score_metric\": \"inertia\"}");
	job->metrics = MlopsJsonbFromString(buf.data);
}

/* mlops.centers rows: (cluster, feature, value), cluster 0-based */
static void
KmeansCenters(const MlopsModel *m, ReturnSetInfo *rsinfo)
{
	const KmeansModel *km = (const KmeansModel *) m->payload;
	int			c;
	int			j;

	for (c = 0; c < km->k; c++)
		for (j = 0; j < m->nfeat; j++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = Int32GetDatum(c);
			values[1] = CStringGetTextDatum(m->feature_names[j]);
			values[2] = Float8GetDatum(km->centers[(Size) c * m->nfeat + j]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
}

static const MlopsParamDef kmeans_params[] = {
	{"k", MLOPS_PARAM_INT, offsetof(KmeansParams, k), 8, 1, KMEANS_MAX_K, NULL},
	{"max_iter", MLOPS_PARAM_INT, offsetof(KmeansParams, max_iter), 300, 1, 100000, NULL},
	{"tol", MLOPS_PARAM_REAL, offsetof(KmeansParams, tol), 1e-4, 0, 1, NULL},
	{"n_init", MLOPS_PARAM_INT, offsetof(KmeansParams, n_init), 10, 1, KMEANS_MAX_INIT, NULL},
	{"scale", MLOPS_PARAM_ENUM, offsetof(KmeansParams, scale), 0, 0, 0, scale_choices},
	{NULL, 0, 0, 0, 0, 0, NULL}
};

#endif							/* !FRONTEND */

const MlopsAlgorithmRoutine mlops_kmeans_routine = {
	.name = "kmeans",
	.title = "k-means",
	.id = 5,
	.task = MLOPS_TASK_CLUSTERING,
	.encode = KmeansEncode,
	.decode = KmeansDecode,
	.predict = KmeansPredict,
	.outputs = KmeansOutputs,
	.predict_vector = KmeansDistances,
#ifndef FRONTEND
	.params = kmeans_params,
	.params_size = sizeof(KmeansParams),
	.train = KmeansTrain,
	.centers = KmeansCenters,
	.state_problem = KmeansStateProblem,
	.state_compact = KmeansStateCompact,
#endif
	.state_fit = "kmeans fit",
};
