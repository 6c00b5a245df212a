/*-------------------------------------------------------------------------
 *
 * evalmetrics.c
 *	  Evaluation metrics computed as scikit-learn 1.2.1 (Debian 12's
 *	  python3-sklearn) computes them, from combinable states.
 *
 * Regression keeps count, mean and M2 of y and of the residual, updated
 * per row with Welford's recurrence and merged with Chan's formula, and
 * the sums of r^2 and |r|; everything is double-double, so M2 of data
 * with a large offset (y near 1e6, spread 1) loses nothing to
 * cancellation and a split-and-merge equals one pass to ~1e-30.  r2 and
 * explained_variance follow sklearn's force_finite: 1.0 when the
 * numerator is 0, 0.0 when only the denominator is.  Our denominator is
 * exactly 0 for a constant y; sklearn's is not always (np.mean of three
 * 0.1 is not 0.1), and there sklearn returns a rounding artefact near
 * -1e32 where we return 0.0.
 *
 * Classification works from the K x K confusion matrix as sklearn with
 * labels=range(K): a class never predicted has precision 0 (sklearn's
 * zero_division="warn" value), a class never actual has recall 0 and is
 * left out of balanced accuracy (sklearn's nanmean), and every class
 * counts in the macro average.  Log-loss terms are computed per row as
 * sklearn 1.2.1 does: clip to [eps, 1 - eps] with eps = DBL_EPSILON
 * (eps="auto" for float64), renormalise the row, -log of the actual
 * class's share; a single probability is that of class 1.
 *
 * ROC sorts (score, label) pairs with a total order (a radix sort), so
 * the result does not depend on the sort's algorithm; tied scores form
 * one step.  The AUC is
 * the trapezoid over the distinct thresholds done in integer counts (the
 * Mann-Whitney statistic, ties counted half) and divided once, which is
 * sklearn's auc(roc_curve) without its rounding.  roc_curve keeps the
 * points sklearn keeps with drop_intermediate=True, and its first
 * threshold is max(score) + 1, as in sklearn < 1.3 (1.3 made it +inf).
 *
 * Silhouette computes each point's distances to all others directly,
 * sqrt(sum (x - y)^2), in O(n^2 dim) time and O(nlabels) memory; sklearn
 * uses the Gram-matrix shortcut, which differs from the direct distances
 * by ~1e-16 relative on centred data.
 *
 * Double-double arithmetic needs IEEE rounding of every operation: this
 * file must not be built with -ffast-math or -fassociative-math (checked
 * below); -ffp-contract=fast is harmless, since products go through fma().
 *
 * The file builds in the server and, with -DFRONTEND, against libpgcommon
 * for test/unit; only the interrupt check differs.
 *
 * IDENTIFICATION
 *	  src/evalmetrics.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#ifndef FRONTEND
#include "miscadmin.h"
#endif

#include "evalmetrics.h"

#if defined(__FAST_MATH__) || defined(__ASSOCIATIVE_MATH__)
#error "evalmetrics.c needs IEEE rounding: no -ffast-math, -fassociative-math"
#endif

#ifdef FRONTEND
#define EVAL_CHECK_INTERRUPTS() ((void) 0)
#else
#define EVAL_CHECK_INTERRUPTS() CHECK_FOR_INTERRUPTS()
#endif

/* sklearn's eps="auto" for float64: np.finfo(np.float64).eps */
#define LOGLOSS_EPS DBL_EPSILON

/* ---------------------------------------------------------------------
 * double-double arithmetic (Dekker, Knuth; the QD library's algorithms)
 * ---------------------------------------------------------------------
 */

static inline MlopsEvalDD
DDMake(double hi, double lo)
{
	MlopsEvalDD r;

	r.hi = hi;
	r.lo = lo;
	return r;
}

/* a + b exactly, assuming |a| >= |b| */
static inline MlopsEvalDD
QuickTwoSum(double a, double b)
{
	double		s = a + b;

	return DDMake(s, b - (s - a));
}

/* a + b exactly */
static inline MlopsEvalDD
TwoSum(double a, double b)
{
	double		s = a + b;
	double		bb = s - a;

	return DDMake(s, (a - (s - bb)) + (b - bb));
}

/* a * b exactly (barring overflow) */
static inline MlopsEvalDD
TwoProd(double a, double b)
{
	double		p = a * b;

	return DDMake(p, fma(a, b, -p));
}

static inline MlopsEvalDD
DDAdd(MlopsEvalDD a, MlopsEvalDD b)
{
	MlopsEvalDD s = TwoSum(a.hi, b.hi);
	MlopsEvalDD t = TwoSum(a.lo, b.lo);

	s.lo += t.hi;
	s = QuickTwoSum(s.hi, s.lo);
	s.lo += t.lo;
	return QuickTwoSum(s.hi, s.lo);
}

static inline MlopsEvalDD
DDNeg(MlopsEvalDD a)
{
	return DDMake(-a.hi, -a.lo);
}

static inline MlopsEvalDD
DDSub(MlopsEvalDD a, MlopsEvalDD b)
{
	return DDAdd(a, DDNeg(b));
}

static inline MlopsEvalDD
DDMul(MlopsEvalDD a, MlopsEvalDD b)
{
	MlopsEvalDD p = TwoProd(a.hi, b.hi);

	p.lo += a.hi * b.lo + a.lo * b.hi;
	return QuickTwoSum(p.hi, p.lo);
}

static inline MlopsEvalDD
DDDivD(MlopsEvalDD a, double b)
{
	double		q1 = a.hi / b;
	MlopsEvalDD p = TwoProd(q1, b);
	MlopsEvalDD s = TwoSum(a.hi, -p.hi);

	s.lo += a.lo;
	s.lo -= p.lo;
	return QuickTwoSum(q1, (s.hi + s.lo) / b);
}

static inline double
DDValue(MlopsEvalDD a)
{
	return a.hi + a.lo;
}

/* x / y in double-double, rounded once */
static inline double
DDRatio(MlopsEvalDD x, MlopsEvalDD y)
{
	double		q1 = x.hi / y.hi;
	MlopsEvalDD r = DDSub(x, DDMul(y, DDMake(q1, 0.0)));

	return q1 + DDValue(r) / DDValue(y);
}

/* ---------------------------------------------------------------------
 * regression
 * ---------------------------------------------------------------------
 */

void
MlopsEvalRegInit(MlopsEvalRegState *st)
{
	memset(st, 0, sizeof(*st));
}

/* Welford's step for the n-th value x (n counts x already). */
static inline void
WelfordAdd(MlopsEvalDD *mean, MlopsEvalDD *m2, int64 n, MlopsEvalDD x)
{
	MlopsEvalDD delta = DDSub(x, *mean);

	*mean = DDAdd(*mean, DDDivD(delta, (double) n));
	*m2 = DDAdd(*m2, DDMul(delta, DDSub(x, *mean)));
}

/* Chan's formula: fold (nb, mean_b, m2_b) into (na, mean_a, m2_a). */
static inline void
ChanMerge(MlopsEvalDD *mean_a, MlopsEvalDD *m2_a, int64 na,
		  MlopsEvalDD mean_b, MlopsEvalDD m2_b, int64 nb)
{
	double		n = (double) (na + nb);
	MlopsEvalDD delta = DDSub(mean_b, *mean_a);
	MlopsEvalDD w = DDDivD(TwoProd((double) na, (double) nb), n);
	MlopsEvalDD shift = DDDivD(DDMul(delta, DDMake((double) nb, 0.0)), n);

	*mean_a = DDAdd(*mean_a, shift);
	*m2_a = DDAdd(DDAdd(*m2_a, m2_b), DDMul(DDMul(delta, delta), w));
}

/*
 * Add one row.  The residual is taken exactly (two doubles), so the sums
 * describe the data and not sklearn's rounding of y - yhat; the two
 * differ by at most one rounding per row.
 */
const char *
MlopsEvalRegAccum(MlopsEvalRegState *st, double y, double yhat)
{
	MlopsEvalDD r;
	MlopsEvalDD absr;

	if (!isfinite(y) || !isfinite(yhat))
		return "target and prediction must be finite";

	r = TwoSum(y, -yhat);
	absr = (r.hi < 0) ? DDNeg(r) : r;

	st->n++;
	WelfordAdd(&st->mean_y, &st->m2_y, st->n, DDMake(y, 0.0));
	WelfordAdd(&st->mean_r, &st->m2_r, st->n, r);
	st->sse = DDAdd(st->sse, DDMul(r, r));
	st->sae = DDAdd(st->sae, absr);

	if (!isfinite(st->sse.hi) || !isfinite(st->m2_y.hi) ||
		!isfinite(st->m2_r.hi))
		return "value out of range: overflow";
	return NULL;
}

/*
 * Add n rows at once, as Accum would one by one to within rounding: the
 * block's mean and M2 in two passes (a double-double sum, one division,
 * then the squared deviations), merged by Chan's formula as a parallel
 * worker's state is.  Welford's step divides per row, which cost a
 * tree model's metrics on a million training rows a third of a scan.
 * Nothing is added when a row is not finite.
 */
const char *
MlopsEvalRegAccumBlock(MlopsEvalRegState *st, const double *y,
					   const double *yhat, int64 n)
{
	MlopsEvalRegState b;
	MlopsEvalDD sum_y = DDMake(0.0, 0.0);
	MlopsEvalDD sum_r = DDMake(0.0, 0.0);
	int64		i;

	if (n == 0)
		return NULL;
	MlopsEvalRegInit(&b);
	for (i = 0; i < n; i++)
	{
		MlopsEvalDD r = TwoSum(y[i], -yhat[i]);

		if (!isfinite(y[i]) || !isfinite(yhat[i]))
			return "target and prediction must be finite";
		sum_y = DDAdd(sum_y, DDMake(y[i], 0.0));
		sum_r = DDAdd(sum_r, r);
		b.sse = DDAdd(b.sse, DDMul(r, r));
		b.sae = DDAdd(b.sae, (r.hi < 0) ? DDNeg(r) : r);
	}
	b.n = n;
	b.mean_y = DDDivD(sum_y, (double) n);
	b.mean_r = DDDivD(sum_r, (double) n);
	for (i = 0; i < n; i++)
	{
		MlopsEvalDD dy = DDSub(DDMake(y[i], 0.0), b.mean_y);
		MlopsEvalDD dr = DDSub(TwoSum(y[i], -yhat[i]), b.mean_r);

		b.m2_y = DDAdd(b.m2_y, DDMul(dy, dy));
		b.m2_r = DDAdd(b.m2_r, DDMul(dr, dr));
	}
	if (!isfinite(b.sse.hi) || !isfinite(b.m2_y.hi) || !isfinite(b.m2_r.hi) ||
		!isfinite(sum_y.hi))
		return "value out of range: overflow";
	MlopsEvalRegMerge(st, &b);
	if (!isfinite(st->sse.hi) || !isfinite(st->m2_y.hi) ||
		!isfinite(st->m2_r.hi))
		return "value out of range: overflow";
	return NULL;
}

void
MlopsEvalRegMerge(MlopsEvalRegState *dst, const MlopsEvalRegState *src)
{
	if (src->n == 0)
		return;
	if (dst->n == 0)
	{
		*dst = *src;
		return;
	}
	ChanMerge(&dst->mean_y, &dst->m2_y, dst->n,
			  src->mean_y, src->m2_y, src->n);
	ChanMerge(&dst->mean_r, &dst->m2_r, dst->n,
			  src->mean_r, src->m2_r, src->n);
	dst->sse = DDAdd(dst->sse, src->sse);
	dst->sae = DDAdd(dst->sae, src->sae);
	dst->n += src->n;
}

/* sklearn's _assemble_r2_explained_variance with force_finite=True */
static double
ForceFinite(MlopsEvalDD num, MlopsEvalDD den)
{
	if (DDValue(num) == 0.0)
		return 1.0;
	if (DDValue(den) == 0.0)
		return 0.0;
	return 1.0 - DDRatio(num, den);
}

const char *
MlopsEvalRegFinish(const MlopsEvalRegState *st, MlopsEvalRegResult *res)
{
	double		n = (double) st->n;

	if (st->n == 0)
		return "no rows to evaluate";

	res->n = st->n;
	res->rmse = sqrt(DDValue(DDDivD(st->sse, n)));
	res->mae = DDValue(DDDivD(st->sae, n));
	/* sklearn warns and returns NaN below two samples */
	res->r2 = (st->n < 2) ? NAN : ForceFinite(st->sse, st->m2_y);
	/* sklearn divides both M2 by n first; the ratio is the same */
	res->explained_variance = ForceFinite(st->m2_r, st->m2_y);
	return NULL;
}

/* ---------------------------------------------------------------------
 * classification
 * ---------------------------------------------------------------------
 */

MlopsEvalClassState *
MlopsEvalClassCreate(int32 nclasses)
{
	MlopsEvalClassState *st;

	if (nclasses < 2 || nclasses > MLOPS_MAX_CLASSES)
		return NULL;
	st = palloc0(MlopsEvalClassSize(nclasses));
	st->nclasses = nclasses;
	return st;
}

const char *
MlopsEvalClassAccum(MlopsEvalClassState *st, int32 actual, int32 predicted)
{
	if (actual < 0 || actual >= st->nclasses ||
		predicted < 0 || predicted >= st->nclasses)
		return "class index out of range";
	st->counts[(Size) actual * st->nclasses + predicted]++;
	st->n++;
	return NULL;
}

static inline double
ClipProb(double p)
{
	/* np.clip(p, eps, 1 - eps) */
	if (p < LOGLOSS_EPS)
		return LOGLOSS_EPS;
	if (p > 1.0 - LOGLOSS_EPS)
		return 1.0 - LOGLOSS_EPS;
	return p;
}

/*
 * One row's log-loss term, in the order sklearn 1.2.1 computes it: clip,
 * then (for a single column p) append 1 - p, renormalise by the row sum,
 * -xlogy.  nprob is 1 (probability of class 1 of two) or the number of
 * classes.
 */
const char *
MlopsEvalLogLossTerm(const double *prob, int32 nprob, int32 actual,
					 double *term)
{
	double		sum = 0.0;
	double		c;
	int32		k;

	if (nprob < 1)
		return "no probabilities";
	for (k = 0; k < nprob; k++)
		if (!isfinite(prob[k]))
			return "probabilities must be finite";
	if (actual < 0 || actual >= Max(nprob, 2))
		return "class index out of range";

	if (nprob == 1)
	{
		double		p1 = ClipProb(prob[0]);
		double		p0 = 1.0 - p1;

		sum = p0 + p1;
		c = (actual == 1) ? p1 : p0;
	}
	else
	{
		for (k = 0; k < nprob; k++)
			sum += ClipProb(prob[k]);
		c = ClipProb(prob[actual]);
	}
	*term = -log(c / sum);
	return NULL;
}

void
MlopsEvalClassAddLogLoss(MlopsEvalClassState *st, double term)
{
	st->logloss = DDAdd(st->logloss, DDMake(term, 0.0));
	st->n_logloss++;
}

const char *
MlopsEvalClassMerge(MlopsEvalClassState *dst, const MlopsEvalClassState *src)
{
	Size		cells = (Size) dst->nclasses * dst->nclasses;
	Size		i;

	if (dst->nclasses != src->nclasses)
		return "states have different numbers of classes";
	for (i = 0; i < cells; i++)
		dst->counts[i] += src->counts[i];
	dst->n += src->n;
	dst->n_logloss += src->n_logloss;
	dst->logloss = DDAdd(dst->logloss, src->logloss);
	return NULL;
}

/* tp / d, or sklearn's zero_division value 0.0 when d is 0 */
static inline double
PrfDivide(int64 tp, int64 d)
{
	return (d == 0) ? 0.0 : (double) tp / (double) d;
}

const char *
MlopsEvalClassFinish(const MlopsEvalClassState *st, MlopsEvalClassResult *res)
{
	int32		K = st->nclasses;
	int64	   *pred_sum;
	int64		trace = 0;
	double		bal_sum = 0.0;
	int32		bal_n = 0;
	double		wp = 0.0,
				wr = 0.0,
				wf = 0.0;
	double		mp = 0.0,
				mr = 0.0,
				mf = 0.0;
	int32		a,
				p;

	if (st->n == 0)
		return "no rows to evaluate";

	res->nclasses = K;
	res->n = st->n;
	res->precision = palloc(sizeof(double) * K);
	res->recall = palloc(sizeof(double) * K);
	res->f1 = palloc(sizeof(double) * K);
	res->support = palloc0(sizeof(int64) * K);
	pred_sum = palloc0(sizeof(int64) * K);

	for (a = 0; a < K; a++)
		for (p = 0; p < K; p++)
		{
			int64		c = st->counts[(Size) a * K + p];

			res->support[a] += c;
			pred_sum[p] += c;
		}

	for (a = 0; a < K; a++)
	{
		int64		tp = st->counts[(Size) a * K + a];
		double		prec = PrfDivide(tp, pred_sum[a]);
		double		rec = PrfDivide(tp, res->support[a]);
		double		denom = prec + rec;

		trace += tp;
		/* sklearn: (1 + beta^2) * precision * recall / denom, denom 0 -> 1 */
		res->precision[a] = prec;
		res->recall[a] = rec;
		res->f1[a] = 2.0 * prec * rec / (denom == 0.0 ? 1.0 : denom);

		/* balanced_accuracy_score: nanmean over classes that occur */
		if (res->support[a] > 0)
		{
			bal_sum += rec;
			bal_n++;
		}
		mp += prec;
		mr += rec;
		mf += res->f1[a];
		/* np.average(x, weights=support) = sum(x * w) / sum(w) */
		wp += prec * (double) res->support[a];
		wr += rec * (double) res->support[a];
		wf += res->f1[a] * (double) res->support[a];
	}

	res->accuracy = (double) trace / (double) st->n;
	res->balanced_accuracy = bal_sum / bal_n;
	res->precision_macro = mp / K;
	res->recall_macro = mr / K;
	res->f1_macro = mf / K;
	res->precision_weighted = wp / (double) st->n;
	res->recall_weighted = wr / (double) st->n;
	res->f1_weighted = wf / (double) st->n;
	if (K == 2)
	{
		res->precision_binary = res->precision[1];
		res->recall_binary = res->recall[1];
		res->f1_binary = res->f1[1];
	}
	else
	{
		res->precision_binary = NAN;
		res->recall_binary = NAN;
		res->f1_binary = NAN;
	}
	if (st->n_logloss == st->n)
		res->log_loss = DDValue(DDDivD(st->logloss, (double) st->n));
	else
		res->log_loss = NAN;

	pfree(pred_sum);
	return NULL;
}

/* ---------------------------------------------------------------------
 * ROC
 * ---------------------------------------------------------------------
 */

/*
 * The sort key of a score: its bits mapped so that unsigned order is
 * descending score (ordered as doubles; no NaN reaches here, -0.0 is
 * gone).
 */
static inline uint64
DescendingKey(double score)
{
	uint64		b;

	memcpy(&b, &score, sizeof(b));
	/* ascending order of doubles as unsigned: flip negatives, set positives' sign */
	b = (b >> 63) ? ~b : (b | UINT64CONST(0x8000000000000000));
	return ~b;
}

#define SORT_DIGIT_BITS 16
#define SORT_BUCKETS (1 << SORT_DIGIT_BITS)

/*
 * One stable counting pass of an LSD radix sort on 16-bit digit d of
 * key(item) (d 0..3 of the score's key, 4..5 of the label's), from src
 * into dst.  False, without moving anything, when every item has the
 * same digit.
 */
static bool
RadixPass(const MlopsEvalScored *src, MlopsEvalScored *dst, int64 n, int d,
		  int64 *count)
{
	int64		i;
	int64		sum = 0;
	int			b;

#define DIGIT(it) \
	((d) < 4 ? (int) ((DescendingKey((it)->score) >> (SORT_DIGIT_BITS * (d))) & (SORT_BUCKETS - 1)) : \
	 (int) ((((uint32) (it)->label ^ 0x80000000u) >> (SORT_DIGIT_BITS * ((d) - 4))) & (SORT_BUCKETS - 1)))

	memset(count, 0, sizeof(int64) * SORT_BUCKETS);
	for (i = 0; i < n; i++)
		count[DIGIT(&src[i])]++;
	if (count[DIGIT(&src[0])] == n)
		return false;
	for (b = 0; b < SORT_BUCKETS; b++)
	{
		int64		c = count[b];

		count[b] = sum;
		sum += c;
	}
	for (i = 0; i < n; i++)
		dst[count[DIGIT(&src[i])]++] = src[i];
#undef DIGIT
	return true;
}

/*
 * Sort by descending score, then ascending label: a total order on what
 * the items hold, so equal items are interchangeable and the array does
 * not depend on the algorithm.  An LSD radix sort (least significant
 * digit first: the label's two, then the score's four), since qsort with
 * a comparator cost more than the rest of an evaluation pass; passes
 * whose digit is the same in every item are skipped.
 */
void
MlopsEvalSortScored(MlopsEvalScored *items, int64 n)
{
	MlopsEvalScored *tmp;
	MlopsEvalScored *src = items;
	MlopsEvalScored *dst;
	int64	   *count;
	int64		i;
	int			d;
	static const int order[6] = {4, 5, 0, 1, 2, 3};

	/* -0.0 == 0.0 ties with 0.0, as in numpy's diff; make them one value */
	for (i = 0; i < n; i++)
		items[i].score += 0.0;
	if (n < 2)
		return;
	tmp = palloc_extended(mul_size(sizeof(MlopsEvalScored), (Size) n),
						  MCXT_ALLOC_HUGE);
	count = palloc(sizeof(int64) * SORT_BUCKETS);
	dst = tmp;
	for (d = 0; d < 6; d++)
	{
		EVAL_CHECK_INTERRUPTS();
		if (RadixPass(src, dst, n, order[d], count))
		{
			MlopsEvalScored *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != items)
		memcpy(items, src, sizeof(MlopsEvalScored) * n);
	pfree(tmp);
	pfree(count);
}

/*
 * Collect column col of score (row stride `stride`) with label == positive
 * as 1, everything else as 0, sorted.  Counts positives into *npos.
 */
static const char *
BuildSorted(const double *score, int32 stride, int32 col,
			const int32 *label, int64 n, int32 positive,
			MlopsEvalScored **out, int64 *npos)
{
	MlopsEvalScored *items;
	int64		i;

	if (n < 1)
		return "no rows to evaluate";
	items = palloc_extended(mul_size(sizeof(MlopsEvalScored), (Size) n),
							MCXT_ALLOC_HUGE);
	*npos = 0;
	for (i = 0; i < n; i++)
	{
		double		s = score[(Size) i * stride + col];

		if (!isfinite(s))
		{
			pfree(items);
			return "scores must be finite";
		}
		items[i].score = s;
		items[i].label = (label[i] == positive) ? 1 : 0;
		*npos += items[i].label;
	}
	MlopsEvalSortScored(items, n);
	*out = items;
	return NULL;
}

/* Binary labels (0 or 1) with their scores, sorted. */
static const char *
SortBinary(const double *score, const int32 *label, int64 n,
		   MlopsEvalScored **out, int64 *npos)
{
	int64		i;

	for (i = 0; i < n; i++)
		if (label[i] != 0 && label[i] != 1)
			return "binary labels must be 0 or 1";
	return BuildSorted(score, 1, 0, label, n, 1, out, npos);
}

/*
 * Twice the area under the ROC curve in counts, i.e. the sum over
 * distinct thresholds of fp_step * (2 * tp_before + tp_step): an exact
 * integer, 2 * Mann-Whitney U with ties counted half.  It is at most
 * n^2 / 2, so uint64 holds it for any n that fits in memory.
 */
static double
RocAucSorted(const MlopsEvalScored *items, int64 n, int64 npos)
{
	int64		nneg = n - npos;
	uint64		twice_area = 0;
	int64		tp = 0;
	int64		i = 0;

	while (i < n)
	{
		int64		gp = 0,
					gn = 0;
		double		s = items[i].score;

		do
		{
			if (items[i].label)
				gp++;
			else
				gn++;
			i++;
		} while (i < n && items[i].score == s);
		twice_area += (uint64) gn * (uint64) (2 * tp + gp);
		tp += gp;
	}
	return (double) twice_area / (2.0 * (double) npos * (double) nneg);
}

const char *
MlopsEvalRocAuc(const double *score, const int32 *label, int64 n, double *auc)
{
	MlopsEvalScored *items;
	int64		npos;
	const char *err;

	err = SortBinary(score, label, n, &items, &npos);
	if (err)
		return err;
	if (npos == 0 || npos == n)
	{
		pfree(items);
		return "ROC AUC is not defined when only one class is present";
	}
	*auc = RocAucSorted(items, n, npos);
	pfree(items);
	return NULL;
}

/*
 * One-vs-rest macro ROC AUC over nclasses probability columns, as
 * roc_auc_score(multi_class='ovr', average='macro', labels=range(K)).
 * For two classes sklearn scores column 1 only (the binary path).
 */
const char *
MlopsEvalRocAucOvr(const double *score, const int32 *label, int64 n,
				   int32 nclasses, double *auc)
{
	double		sum = 0.0;
	int64		i;
	int32		c;

	if (nclasses < 2 || nclasses > MLOPS_MAX_CLASSES)
		return "number of classes out of range";
	for (i = 0; i < n; i++)
	{
		const double *row = score + (Size) i * nclasses;
		double		rs = 0.0;

		if (label[i] < 0 || label[i] >= nclasses)
			return "class index out of range";
		for (c = 0; c < nclasses; c++)
			rs += row[c];
		/* sklearn: np.allclose(1, row sum), rtol 1e-5, atol 1e-8 */
		if (nclasses > 2 && !(fabs(1.0 - rs) <= 1e-8 + 1e-5 * fabs(rs)))
			return "class probabilities of a row must sum to 1";
	}

	for (c = (nclasses == 2) ? 1 : 0; c < nclasses; c++)
	{
		MlopsEvalScored *items;
		int64		npos;
		const char *err;

		err = BuildSorted(score, nclasses, c, label, n, c, &items, &npos);
		if (err)
			return err;
		if (npos == 0 || npos == n)
		{
			pfree(items);
			return "ROC AUC is not defined when a class is absent or alone";
		}
		sum += RocAucSorted(items, n, npos);
		pfree(items);
		EVAL_CHECK_INTERRUPTS();
	}
	*auc = (nclasses == 2) ? sum : sum / nclasses;
	return NULL;
}

/*
 * sklearn.metrics.roc_curve(label, score) with drop_intermediate=True:
 * one point per distinct score (fp and tp counts at score >= threshold),
 * interior points dropped where both second differences are zero, then
 * (max + 1, 0, 0) in front.  Without negatives fpr is NaN (sklearn
 * warns), likewise tpr without positives.
 */
const char *
MlopsEvalRocCurve(const double *score, const int32 *label, int64 n,
				  MlopsEvalRocPoint **points, int64 *npoints)
{
	MlopsEvalScored *items;
	int64	   *fps;
	int64	   *tps;
	double	   *thr;
	int64		m = 0;
	int64		tp = 0;
	int64		fp = 0;
	int64		npos;
	int64		i;
	int64		k;
	const char *err;
	MlopsEvalRocPoint *pt;

	err = SortBinary(score, label, n, &items, &npos);
	if (err)
		return err;

	fps = palloc_extended(mul_size(sizeof(int64), (Size) n), MCXT_ALLOC_HUGE);
	tps = palloc_extended(mul_size(sizeof(int64), (Size) n), MCXT_ALLOC_HUGE);
	thr = palloc_extended(mul_size(sizeof(double), (Size) n), MCXT_ALLOC_HUGE);
	for (i = 0; i < n; i++)
	{
		tp += items[i].label;
		fp += 1 - items[i].label;
		/* the last row of a group of tied scores closes a threshold */
		if (i == n - 1 || items[i + 1].score != items[i].score)
		{
			tps[m] = tp;
			fps[m] = fp;
			thr[m] = items[i].score;
			m++;
		}
	}
	pfree(items);

	pt = palloc_extended(mul_size(sizeof(MlopsEvalRocPoint), (Size) m + 1),
						 MCXT_ALLOC_HUGE);
	pt[0].threshold = thr[0] + 1.0;
	pt[0].fpr = (fps[m - 1] > 0) ? 0.0 : NAN;
	pt[0].tpr = (tps[m - 1] > 0) ? 0.0 : NAN;
	k = 1;
	for (i = 0; i < m; i++)
	{
		/* np.diff(x, 2) != 0 at interior points; ends always kept */
		if (m > 2 && i > 0 && i < m - 1 &&
			fps[i + 1] - 2 * fps[i] + fps[i - 1] == 0 &&
			tps[i + 1] - 2 * tps[i] + tps[i - 1] == 0)
			continue;
		pt[k].threshold = thr[i];
		pt[k].fpr = (fps[m - 1] > 0) ?
			(double) fps[i] / (double) fps[m - 1] : NAN;
		pt[k].tpr = (tps[m - 1] > 0) ?
			(double) tps[i] / (double) tps[m - 1] : NAN;
		k++;
	}
	pfree(fps);
	pfree(tps);
	pfree(thr);
	*points = pt;
	*npoints = k;
	return NULL;
}

void
MlopsEvalScoresInit(MlopsEvalScores *s, int32 nscores)
{
	s->n = 0;
	s->capacity = 0;
	s->nscores = nscores;
	s->score = NULL;
	s->label = NULL;
}

/* Make room for `extra` more rows, doubling. */
static void
ScoresReserve(MlopsEvalScores *s, int64 extra)
{
	int64		want = s->n + extra;
	int64		cap;
	double	   *score;
	int32	   *label;

	if (want <= s->capacity)
		return;
	cap = Max(s->capacity * 2, Max(want, 64));
	score = palloc_extended(mul_size(mul_size(sizeof(double), s->nscores),
									 (Size) cap), MCXT_ALLOC_HUGE);
	label = palloc_extended(mul_size(sizeof(int32), (Size) cap),
							MCXT_ALLOC_HUGE);
	if (s->n > 0)
	{
		memcpy(score, s->score, sizeof(double) * s->nscores * (Size) s->n);
		memcpy(label, s->label, sizeof(int32) * (Size) s->n);
	}
	if (s->score)
		pfree(s->score);
	if (s->label)
		pfree(s->label);
	s->score = score;
	s->label = label;
	s->capacity = cap;
}

const char *
MlopsEvalScoresAdd(MlopsEvalScores *s, const double *score, int32 label)
{
	int32		k;

	for (k = 0; k < s->nscores; k++)
		if (!isfinite(score[k]))
			return "scores must be finite";
	ScoresReserve(s, 1);
	memcpy(s->score + (Size) s->n * s->nscores, score,
		   sizeof(double) * s->nscores);
	s->label[s->n] = label;
	s->n++;
	return NULL;
}

/* Append src's rows to dst (the order of rows does not matter to ROC). */
const char *
MlopsEvalScoresMerge(MlopsEvalScores *dst, const MlopsEvalScores *src)
{
	if (dst->nscores != src->nscores)
		return "score collections have different widths";
	if (src->n == 0)
		return NULL;
	ScoresReserve(dst, src->n);
	memcpy(dst->score + (Size) dst->n * dst->nscores, src->score,
		   sizeof(double) * dst->nscores * (Size) src->n);
	memcpy(dst->label + dst->n, src->label, sizeof(int32) * (Size) src->n);
	dst->n += src->n;
	return NULL;
}

/* ---------------------------------------------------------------------
 * silhouette
 * ---------------------------------------------------------------------
 */

/*
 * sklearn.metrics.silhouette_score(x, label): mean over points of
 * (b - a) / max(a, b), a = mean distance to the rest of its cluster,
 * b = lowest mean distance to another cluster; 0 for a point alone in
 * its cluster (and for a = b = 0, sklearn's nan_to_num).  Labels that no
 * point carries do not count as clusters.
 */
const char *
MlopsEvalSilhouette(const double *x, int64 n, int32 dim, const int32 *label,
					int32 nlabels, double *score)
{
	int64	   *count;
	double	   *dsum;
	MlopsEvalDD total = {0.0, 0.0};
	int32		present = 0;
	int64		i,
				j;
	int32		l;

	if (dim < 1 || nlabels < 1)
		return "silhouette needs at least one dimension and one label";
	for (i = 0; i < n; i++)
		if (label[i] < 0 || label[i] >= nlabels)
			return "cluster label out of range";
	for (i = 0; i < n * dim; i++)
		if (!isfinite(x[i]))
			return "points must be finite";

	count = palloc0(sizeof(int64) * nlabels);
	dsum = palloc(sizeof(double) * nlabels);
	for (i = 0; i < n; i++)
		count[label[i]]++;
	for (l = 0; l < nlabels; l++)
		present += (count[l] > 0);
	if (present < 2 || present > n - 1)
	{
		pfree(count);
		pfree(dsum);
		return "silhouette needs between 2 and n - 1 clusters";
	}

	for (i = 0; i < n; i++)
	{
		const double *xi = x + (Size) i * dim;
		int32		li = label[i];
		double		a,
					b = INFINITY,
					s;

		memset(dsum, 0, sizeof(double) * nlabels);
		for (j = 0; j < n; j++)
		{
			const double *xj = x + (Size) j * dim;
			double		d2 = 0.0;
			int32		k;

			for (k = 0; k < dim; k++)
			{
				double		t = xi[k] - xj[k];

				d2 += t * t;
			}
			dsum[label[j]] += sqrt(d2);
		}
		if (count[li] == 1)
		{
			EVAL_CHECK_INTERRUPTS();
			continue;			/* s = 0 */
		}
		a = dsum[li] / (double) (count[li] - 1);
		for (l = 0; l < nlabels; l++)
			if (l != li && count[l] > 0)
				b = Min(b, dsum[l] / (double) count[l]);
		s = Max(a, b) > 0.0 ? (b - a) / Max(a, b) : 0.0;
		total = DDAdd(total, DDMake(s, 0.0));
		EVAL_CHECK_INTERRUPTS();
	}
	*score = DDValue(DDDivD(total, (double) n));
	pfree(count);
	pfree(dsum);
	return NULL;
}
