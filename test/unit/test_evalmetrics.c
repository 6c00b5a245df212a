/*-------------------------------------------------------------------------
 *
 * test_evalmetrics.c
 *	  Unit test of src/evalmetrics.c against scikit-learn's values.
 *
 * The cases and sklearn's results come from evalmetrics_cases.h, which
 * test/unit/evalmetrics_reference.py generates.  Every metric is checked
 * to 1e-12 relative (1e-12 absolute where the expected value is within
 * 1e-3 of zero), on one pass over the rows and again after splitting the
 * rows into states and merging them; r2 is also checked to 1e-15 against
 * the exact rational value the script computes, which is where the
 * double-double state shows (sklearn itself is 1.3e-15 off on offset1e9).
 * Prints one line,
 *   unit: N passed, N failed
 * and the largest relative difference seen per family; exits 1 on any
 * failure.
 *
 * IDENTIFICATION
 *	  test/unit/test_evalmetrics.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "evalmetrics.h"

typedef struct RegCase
{
	const char *name;
	int			n;
	const double *y;
	const double *p;
	double		r2,
				rmse,
				mae,
				ev;
	double		r2_exact;		/* in rational arithmetic, not sklearn */
} RegCase;

typedef struct ClassCase
{
	const char *name;
	int			K;
	int			n;
	const int32 *y;
	const int32 *p;
	int			pcols;			/* 0: no probabilities */
	const double *prob;
	const double *pc;
	const double *rc;
	const double *fc;
	/* accuracy, balanced, P/R/F macro, P/R/F weighted, P/R/F binary, log_loss */
	double		v[12];
} ClassCase;

typedef struct RocCase
{
	const char *name;
	int			n;
	const double *s;
	const int32 *l;
	double		auc;			/* NaN: sklearn raises */
	int			npoints;
	const double *thr;
	const double *fpr;
	const double *tpr;
} RocCase;

typedef struct OvrCase
{
	const char *name;
	int			K;
	int			n;
	const double *s;
	const int32 *l;
	double		auc;
} OvrCase;

typedef struct SilCase
{
	const char *name;
	int			n;
	int			d;
	const double *x;
	const int32 *l;
	int			nlabels;
	double		score;
} SilCase;

#include "evalmetrics_cases.h"

#define TOL 1e-12
/* r2 against exact rational arithmetic: a few roundings of the result */
#define TOL_EXACT 1e-15

static int	npass = 0;
static int	nfail = 0;

/* worst relative difference per family, named in family[] */
static double worst[7];
static const char *const family[7] = {"regression", "classification",
"roc", "ovr", "silhouette", "merge-vs-onepass", "r2-vs-exact-rational"};

static void
Check(bool ok, const char *casename, const char *what)
{
	if (ok)
		npass++;
	else
	{
		nfail++;
		printf("FAIL %s: %s\n", casename, what);
	}
}

static void
CloseTol(int fam, double got, double want, double tol, const char *casename,
		 const char *what)
{
	double		d = fabs(got - want);
	bool		ok;

	if (isnan(want) || isnan(got))
		ok = isnan(want) && isnan(got);
	else if (isinf(want) || isinf(got))
		ok = (got == want);
	else
	{
		double		rel = (want != 0.0) ? d / fabs(want) : d;

		ok = (d <= tol * fabs(want)) || (fabs(want) <= 1e-3 && d <= tol);
		if (rel > worst[fam])
			worst[fam] = rel;
	}
	if (ok)
		npass++;
	else
	{
		nfail++;
		printf("FAIL %s: %s got %.17g want %.17g\n", casename, what, got,
			   want);
	}
}

static void
Close(int fam, double got, double want, const char *casename,
	  const char *what)
{
	CloseTol(fam, got, want, TOL, casename, what);
}

/* ---- regression ---------------------------------------------------- */

static void
RegFeed(MlopsEvalRegState *st, const RegCase *c, int from, int to)
{
	int			i;

	for (i = from; i < to; i++)
		if (MlopsEvalRegAccum(st, c->y[i], c->p[i]) != NULL)
			Check(false, c->name, "accum refused a finite row");
}

static void
RegCompare(int fam, const MlopsEvalRegResult *r, double r2, double rmse,
		   double mae, double ev, const char *name)
{
	Close(fam, r->r2, r2, name, "r2");
	Close(fam, r->rmse, rmse, name, "rmse");
	Close(fam, r->mae, mae, name, "mae");
	Close(fam, r->explained_variance, ev, name, "explained_variance");
}

/* st, finished, against sklearn's values and the one-pass result one */
static void
RegSameAs(const MlopsEvalRegState *st, const RegCase *c,
		  const MlopsEvalRegResult *one, const char *what)
{
	MlopsEvalRegResult m;

	MlopsEvalRegFinish(st, &m);
	Check(m.n == c->n, c->name, what);
	RegCompare(0, &m, c->r2, c->rmse, c->mae, c->ev, c->name);
	RegCompare(5, &m, one->r2, one->rmse, one->mae, one->explained_variance,
			   c->name);
}

static void
TestRegression(void)
{
	int			ci;
	MlopsEvalRegState st;
	MlopsEvalRegResult r;

	for (ci = 0; ci < (int) lengthof(reg_cases); ci++)
	{
		const RegCase *c = &reg_cases[ci];
		MlopsEvalRegState a,
					b,
					chunks;
		MlopsEvalRegResult one,
					m;
		int			cut = c->n / 3;
		int			i;

		MlopsEvalRegInit(&st);
		RegFeed(&st, c, 0, c->n);
		Check(MlopsEvalRegFinish(&st, &one) == NULL, c->name, "finish");
		Check(one.n == c->n, c->name, "n");
		RegCompare(0, &one, c->r2, c->rmse, c->mae, c->ev, c->name);
		CloseTol(6, one.r2, c->r2_exact, TOL_EXACT, c->name, "r2 vs exact");

		/* two parts, merged */
		MlopsEvalRegInit(&a);
		MlopsEvalRegInit(&b);
		RegFeed(&a, c, 0, cut);
		RegFeed(&b, c, cut, c->n);
		MlopsEvalRegMerge(&a, &b);
		RegSameAs(&a, c, &one, "merged n");

		/* chunks of 7 rows folded into an empty state */
		MlopsEvalRegInit(&chunks);
		for (i = 0; i < c->n; i += 7)
		{
			MlopsEvalRegState part;

			MlopsEvalRegInit(&part);
			RegFeed(&part, c, i, Min(i + 7, c->n));
			MlopsEvalRegMerge(&chunks, &part);
		}
		MlopsEvalRegFinish(&chunks, &m);
		RegCompare(5, &m, one.r2, one.rmse, one.mae, one.explained_variance,
				   c->name);

		/* blocks (two passes each): whole, and in blocks of 5 */
		MlopsEvalRegInit(&chunks);
		Check(MlopsEvalRegAccumBlock(&chunks, c->y, c->p, c->n) == NULL,
			  c->name, "block refused finite rows");
		RegSameAs(&chunks, c, &one, "block n");
		MlopsEvalRegInit(&chunks);
		for (i = 0; i < c->n; i += 5)
			MlopsEvalRegAccumBlock(&chunks, c->y + i, c->p + i, Min(5, c->n - i));
		RegSameAs(&chunks, c, &one, "blocks of 5: n");
	}

	/* the documented difference: sklearn returns ~-1.5e32 here */
	MlopsEvalRegInit(&st);
	for (ci = 0; ci < 3; ci++)
		MlopsEvalRegAccum(&st, reg_const_inexact_y[ci], reg_const_inexact_p[ci]);
	MlopsEvalRegFinish(&st, &r);
	Close(0, r.r2, 0.0, "const_inexact", "r2 (force_finite 0.0)");
	Close(0, r.explained_variance, 0.0, "const_inexact", "explained_variance");
	MlopsEvalRegInit(&st);
	MlopsEvalRegAccumBlock(&st, reg_const_inexact_y, reg_const_inexact_p, 3);
	MlopsEvalRegFinish(&st, &r);
	Close(0, r.r2, 0.0, "const_inexact block", "r2 (force_finite 0.0)");
	Close(0, r.explained_variance, 0.0, "const_inexact block", "explained_variance");

	/* errors */
	MlopsEvalRegInit(&st);
	Check(MlopsEvalRegFinish(&st, &r) != NULL, "reg_errors", "empty state");
	Check(MlopsEvalRegAccum(&st, NAN, 1.0) != NULL, "reg_errors", "NaN y");
	Check(MlopsEvalRegAccum(&st, 1.0, INFINITY) != NULL, "reg_errors",
		  "Inf yhat");
	Check(MlopsEvalRegAccum(&st, 1e200, -1e200) != NULL, "reg_errors",
		  "overflow");
	{
		double		y[3] = {1.0, NAN, 2.0};
		double		p[3] = {1.5, 1.0, 2.5};
		double		big[2] = {1e200, -1e200};

		MlopsEvalRegInit(&st);
		Check(MlopsEvalRegAccumBlock(&st, y, p, 3) != NULL, "reg_errors",
			  "block: NaN y");
		Check(MlopsEvalRegAccumBlock(&st, p, y, 3) != NULL, "reg_errors",
			  "block: NaN yhat");
		Check(st.n == 0, "reg_errors", "block: nothing added from a refused block");
		Check(MlopsEvalRegAccumBlock(&st, big, p, 2) != NULL, "reg_errors",
			  "block: overflow");
		MlopsEvalRegInit(&st);
		Check(MlopsEvalRegAccumBlock(&st, y, p, 0) == NULL && st.n == 0,
			  "reg_errors", "block: empty");
	}
}

/* ---- classification -------------------------------------------------- */

static void
ClassFeed(MlopsEvalClassState *st, const ClassCase *c, int from, int to)
{
	int			i;

	for (i = from; i < to; i++)
	{
		if (MlopsEvalClassAccum(st, c->y[i], c->p[i]) != NULL)
			Check(false, c->name, "accum refused a row");
		if (c->pcols > 0)
		{
			double		term;

			if (MlopsEvalLogLossTerm(c->prob + (Size) i * c->pcols, c->pcols,
									 c->y[i], &term) != NULL)
				Check(false, c->name, "log-loss term refused a row");
			MlopsEvalClassAddLogLoss(st, term);
		}
	}
}

static void
ClassCompare(const MlopsEvalClassResult *r, const ClassCase *c)
{
	static const char *const names[12] = {
		"accuracy", "balanced_accuracy", "precision_macro", "recall_macro",
		"f1_macro", "precision_weighted", "recall_weighted", "f1_weighted",
		"precision_binary", "recall_binary", "f1_binary", "log_loss"};
	double		got[12];
	int			k;

	got[0] = r->accuracy;
	got[1] = r->balanced_accuracy;
	got[2] = r->precision_macro;
	got[3] = r->recall_macro;
	got[4] = r->f1_macro;
	got[5] = r->precision_weighted;
	got[6] = r->recall_weighted;
	got[7] = r->f1_weighted;
	got[8] = r->precision_binary;
	got[9] = r->recall_binary;
	got[10] = r->f1_binary;
	got[11] = r->log_loss;
	for (k = 0; k < 12; k++)
		Close(1, got[k], c->v[k], c->name, names[k]);
	for (k = 0; k < c->K; k++)
	{
		char		what[64];

		snprintf(what, sizeof(what), "precision[%d]", k);
		Close(1, r->precision[k], c->pc[k], c->name, what);
		snprintf(what, sizeof(what), "recall[%d]", k);
		Close(1, r->recall[k], c->rc[k], c->name, what);
		snprintf(what, sizeof(what), "f1[%d]", k);
		Close(1, r->f1[k], c->fc[k], c->name, what);
	}
}

static void
TestClassification(void)
{
	int			ci;
	MlopsEvalClassState *st;
	MlopsEvalClassState *other;
	MlopsEvalClassResult r;
	double		term;
	double		prob[3] = {0.2, 0.3, 0.5};

	for (ci = 0; ci < (int) lengthof(cls_cases); ci++)
	{
		const ClassCase *c = &cls_cases[ci];
		MlopsEvalClassState *a = MlopsEvalClassCreate(c->K);
		MlopsEvalClassState *b = MlopsEvalClassCreate(c->K);
		int			cut = (2 * c->n) / 5;

		st = MlopsEvalClassCreate(c->K);
		ClassFeed(st, c, 0, c->n);
		Check(MlopsEvalClassFinish(st, &r) == NULL, c->name, "finish");
		ClassCompare(&r, c);

		ClassFeed(a, c, 0, cut);
		ClassFeed(b, c, cut, c->n);
		Check(MlopsEvalClassMerge(a, b) == NULL, c->name, "merge");
		MlopsEvalClassFinish(a, &r);
		ClassCompare(&r, c);
	}

	/* errors */
	Check(MlopsEvalClassCreate(1) == NULL, "cls_errors", "one class");
	st = MlopsEvalClassCreate(3);
	other = MlopsEvalClassCreate(4);
	Check(MlopsEvalClassFinish(st, &r) != NULL, "cls_errors", "empty state");
	Check(MlopsEvalClassAccum(st, 3, 0) != NULL, "cls_errors", "actual 3 of 3");
	Check(MlopsEvalClassAccum(st, 0, -1) != NULL, "cls_errors", "predicted -1");
	Check(MlopsEvalClassMerge(st, other) != NULL, "cls_errors", "K mismatch");
	Check(MlopsEvalLogLossTerm(prob, 3, 3, &term) != NULL, "cls_errors",
		  "log-loss actual out of range");
	prob[1] = NAN;
	Check(MlopsEvalLogLossTerm(prob, 3, 0, &term) != NULL, "cls_errors",
		  "log-loss NaN");
}

/* ---- ROC ------------------------------------------------------------- */

/* deterministic shuffle (LCG), so the sort sees another input order */
static void
Shuffle(MlopsEvalScored *a, int n, uint64 seed)
{
	int			i;

	for (i = n - 1; i > 0; i--)
	{
		int			j;
		MlopsEvalScored t;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (int) ((seed >> 33) % (uint64) (i + 1));
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

static void
TestRoc(void)
{
	int			ci;
	double		auc;

	for (ci = 0; ci < (int) lengthof(roc_cases); ci++)
	{
		const RocCase *c = &roc_cases[ci];
		MlopsEvalRocPoint *pt;
		int64		np;
		const char *err;
		MlopsEvalScores sa,
					sb;
		MlopsEvalScored *x1,
				   *x2;
		int			i;

		err = MlopsEvalRocAuc(c->s, c->l, c->n, &auc);
		if (isnan(c->auc))
			Check(err != NULL, c->name, "auc must be refused");
		else
		{
			Check(err == NULL, c->name, "auc");
			if (err == NULL)
				Close(2, auc, c->auc, c->name, "auc");
		}

		err = MlopsEvalRocCurve(c->s, c->l, c->n, &pt, &np);
		Check(err == NULL && np == c->npoints, c->name, "curve length");
		if (err == NULL && np == c->npoints)
			for (i = 0; i < np; i++)
			{
				char		what[64];

				snprintf(what, sizeof(what), "threshold[%d]", i);
				Close(2, pt[i].threshold, c->thr[i], c->name, what);
				snprintf(what, sizeof(what), "fpr[%d]", i);
				Close(2, pt[i].fpr, c->fpr[i], c->name, what);
				snprintf(what, sizeof(what), "tpr[%d]", i);
				Close(2, pt[i].tpr, c->tpr[i], c->name, what);
			}

		/* collected in two parts, merged */
		MlopsEvalScoresInit(&sa, 1);
		MlopsEvalScoresInit(&sb, 1);
		for (i = 0; i < c->n; i++)
			MlopsEvalScoresAdd(i % 3 ? &sa : &sb, &c->s[i], c->l[i]);
		Check(MlopsEvalScoresMerge(&sa, &sb) == NULL && sa.n == c->n,
			  c->name, "scores merge");
		if (!isnan(c->auc) &&
			MlopsEvalRocAuc(sa.score, sa.label, sa.n, &auc) == NULL)
			Close(2, auc, c->auc, c->name, "auc after merge");

		/* the sort gives the same bytes whatever the input order */
		x1 = palloc(sizeof(MlopsEvalScored) * c->n);
		x2 = palloc(sizeof(MlopsEvalScored) * c->n);
		for (i = 0; i < c->n; i++)
		{
			x1[i].score = c->s[i];
			x1[i].label = c->l[i];
		}
		memcpy(x2, x1, sizeof(MlopsEvalScored) * c->n);
		Shuffle(x2, c->n, 42 + ci);
		MlopsEvalSortScored(x1, c->n);
		MlopsEvalSortScored(x2, c->n);
		/* field by field: the struct has padding, which nobody sets */
		for (i = 0; i < c->n; i++)
			if (memcmp(&x1[i].score, &x2[i].score, sizeof(double)) != 0 ||
				x1[i].label != x2[i].label)
				break;
		Check(i == c->n, c->name, "deterministic sort");
	}

	/* errors */
	{
		double		s[3] = {0.1, NAN, 0.3};
		int32		l[3] = {0, 1, 2};
		int32		l01[3] = {0, 1, 1};
		MlopsEvalRocPoint *pt;
		int64		np;

		Check(MlopsEvalRocAuc(s, l01, 3, &auc) != NULL, "roc_errors", "NaN");
		s[1] = 0.2;
		Check(MlopsEvalRocAuc(s, l, 3, &auc) != NULL, "roc_errors", "label 2");
		Check(MlopsEvalRocAuc(s, l01, 0, &auc) != NULL, "roc_errors", "empty");
		Check(MlopsEvalRocCurve(s, l01, 0, &pt, &np) != NULL, "roc_errors",
			  "empty curve");
	}
}

static void
TestOvr(void)
{
	int			ci;
	double		auc;

	for (ci = 0; ci < (int) lengthof(ovr_cases); ci++)
	{
		const OvrCase *c = &ovr_cases[ci];
		MlopsEvalScores sa,
					sb;
		int			i;

		Check(MlopsEvalRocAucOvr(c->s, c->l, c->n, c->K, &auc) == NULL,
			  c->name, "ovr auc");
		Close(3, auc, c->auc, c->name, "ovr auc");

		MlopsEvalScoresInit(&sa, c->K);
		MlopsEvalScoresInit(&sb, c->K);
		for (i = 0; i < c->n; i++)
			MlopsEvalScoresAdd(i < c->n / 2 ? &sb : &sa, c->s + (Size) i * c->K,
							   c->l[i]);
		Check(MlopsEvalScoresMerge(&sa, &sb) == NULL, c->name, "scores merge");
		if (MlopsEvalRocAucOvr(sa.score, sa.label, sa.n, c->K, &auc) == NULL)
			Close(3, auc, c->auc, c->name, "ovr auc after merge");
		else
			Check(false, c->name, "ovr auc after merge");
	}

	/* errors */
	{
		double		s[9] = {0.2, 0.3, 0.5, 0.1, 0.1, 0.1, 0.3, 0.3, 0.4};
		int32		l[3] = {0, 1, 2};
		int32		l2[3] = {0, 1, 1};
		MlopsEvalScores a,
					b;

		Check(MlopsEvalRocAucOvr(s, l, 3, 3, &auc) != NULL, "ovr_errors",
			  "row sum 0.3");
		s[3] = 0.8;
		Check(MlopsEvalRocAucOvr(s, l, 3, 3, &auc) == NULL, "ovr_errors",
			  "rows sum to 1");
		Check(MlopsEvalRocAucOvr(s, l2, 3, 3, &auc) != NULL, "ovr_errors",
			  "class 2 absent");
		MlopsEvalScoresInit(&a, 3);
		MlopsEvalScoresInit(&b, 2);
		Check(MlopsEvalScoresMerge(&a, &b) != NULL, "ovr_errors",
			  "width mismatch");
	}
}

/* ---- silhouette ------------------------------------------------------ */

static void
TestSilhouette(void)
{
	int			ci;
	double		s;
	double		x[6] = {0, 0, 1, 1, 2, 2};
	int32		one[3] = {0, 0, 0};
	int32		all[3] = {0, 1, 2};

	for (ci = 0; ci < (int) lengthof(sil_cases); ci++)
	{
		const SilCase *c = &sil_cases[ci];

		Check(MlopsEvalSilhouette(c->x, c->n, c->d, c->l, c->nlabels, &s) ==
			  NULL, c->name, "silhouette");
		Close(4, s, c->score, c->name, "silhouette");
	}
	Check(MlopsEvalSilhouette(x, 3, 2, one, 1, &s) != NULL, "sil_errors",
		  "one cluster");
	Check(MlopsEvalSilhouette(x, 3, 2, all, 3, &s) != NULL, "sil_errors",
		  "n clusters");
	Check(MlopsEvalSilhouette(x, 3, 2, all, 2, &s) != NULL, "sil_errors",
		  "label out of range");
}

/* ---- the sort ------------------------------------------------------ */

/* the order MlopsEvalSortScored promises: descending score, ascending label */
static int
CompareScoredRef(const void *pa, const void *pb)
{
	const MlopsEvalScored *a = pa;
	const MlopsEvalScored *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->label != b->label)
		return a->label < b->label ? -1 : 1;
	return 0;
}

/*
 * The radix sort against qsort with the comparator, on sizes around its
 * passes' edges: scores of both signs and every magnitude, -0.0 and 0.0,
 * ties, denormals and infinities, labels negative and past 16 bits.
 */
static void
TestSort(void)
{
	static const int sizes[] = {1, 2, 3, 17, 1000, 65537, 200000};
	uint64		r = 12345;
	int			si;

	for (si = 0; si < (int) lengthof(sizes); si++)
	{
		int			n = sizes[si];
		int			variant;

		for (variant = 0; variant < 4; variant++)
		{
			MlopsEvalScored *a = palloc(sizeof(MlopsEvalScored) * n);
			MlopsEvalScored *b = palloc(sizeof(MlopsEvalScored) * n);
			char		name[64];
			int			i;

			for (i = 0; i < n; i++)
			{
				double		u;

				r = r * 6364136223846793005ULL + 1442695040888963407ULL;
				u = (double) (r >> 11) / 9007199254740992.0;
				switch (variant)
				{
					case 0:		/* probabilities, few distinct: ties */
						a[i].score = floor(u * 50) / 49;
						a[i].label = (int32) (r >> 7) & 1;
						break;
					case 1:		/* both signs, wide range */
						a[i].score = (u - 0.5) * pow(10.0, (double) ((r >> 3) % 40) - 20);
						a[i].label = (int32) ((r >> 13) % 7) - 3;
						break;
					case 2:		/* zeros of both signs, denormals, infinities */
						{
							static const double v[] = {0.0, -0.0, 4.9e-324, -4.9e-324,
							1.0, -1.0, INFINITY, -INFINITY};

							a[i].score = v[(r >> 5) % 8];
							a[i].label = (int32) (r >> 20);
						}
						break;
					default:	/* every score equal, labels past 16 bits */
						a[i].score = 0.5;
						a[i].label = (int32) ((r >> 9) % 3) * 70000 - 70000;
						break;
				}
			}
			memcpy(b, a, sizeof(MlopsEvalScored) * n);
			MlopsEvalSortScored(a, n);
			for (i = 0; i < n; i++)
				b[i].score += 0.0;
			qsort(b, n, sizeof(MlopsEvalScored), CompareScoredRef);
			for (i = 0; i < n; i++)
				if (memcmp(&a[i].score, &b[i].score, sizeof(double)) != 0 ||
					a[i].label != b[i].label)
					break;
			snprintf(name, sizeof(name), "sort_n%d_v%d", n, variant);
			Check(i == n, name, "radix sort equals the comparator's order");
			pfree(a);
			pfree(b);
		}
	}
}

int
main(void)
{
	int			f;

	TestRegression();
	TestClassification();
	TestRoc();
	TestOvr();
	TestSilhouette();
	TestSort();

	for (f = 0; f < 7; f++)
		printf("  worst relative difference, %s: %.3g\n", family[f], worst[f]);
	printf("unit: %d passed, %d failed\n", npass, nfail);
	return nfail == 0 ? 0 : 1;
}
