/*-------------------------------------------------------------------------
 *
 * algo_elastic_net.c
 *	  The elastic net: scikit-learn's ElasticNet, which minimises
 *
 *		1/(2n) |y - X w - b|^2 + alpha rho |w|_1 + alpha (1 - rho)/2 |w|^2
 *
 *	  (rho = l1_ratio; the intercept b is not penalised; rho = 1 is the
 *	  lasso, alpha = 0 least squares).
 *
 * Training is one scan: linear's R-factor pass (MlopsLinearStatePass,
 * the same split and row SQL) gives R of Z = [1 | X | y] over the
 * training rows, and everything the fit needs follows from R without
 * another look at the data.  With Z = QR, column 0 of Z (the ones) is
 * Q e0 r00, so n = 1'1 = r00^2 and 1'Z_rest = r00 R[0, rest]: the means
 * are R[0, j] / R[0, 0].  The Gram matrix of the rest is
 * Z_rest'Z_rest = R[:, rest]'R[:, rest] = r0 r0' + T'T, with r0 =
 * R[0, rest] and T the trailing block of R (rows and columns 1..), and
 * centring subtracts (1'Z_rest)(1'Z_rest)'/n = r0 r0'.  So T is the R
 * factor of the centred [X_c | y_c]: X_c'X_c, X_c'y_c and |y_c|^2 are
 * products of T's columns, and the residual of any w is |T [w; -1]|,
 * computed without the cancellation of y'y - 2 w'X'y + w'X'Xw.  Without
 * an intercept nothing is centred and T = R.
 *
 * The fit is cyclic coordinate descent on that Gram matrix, as sklearn's
 * enet_coordinate_descent_gram, on its scaling (the objective times n:
 * l1 = n alpha rho, l2 = n alpha (1 - rho)); a sweep costs O(k^2) and
 * no scan.  It stops as sklearn's does: when a sweep moves no
 * coefficient by more than tol times the largest and the duality gap
 * (sklearn's; its dual_gap_ is the gap over n) is below tol |y_c|^2.
 * At sklearn's default tol that leaves coefficients right to a few
 * digits only, so the descent's answer is then polished: the optimality
 * conditions on its active set, with its signs, are linear and solved
 * exactly through R (Polish), and the solution is kept when it satisfies
 * all the conditions.  When it does not, the active set was not yet the
 * optimum's, and the descent goes on to a gap of GAP_RTOL |y_c|^2 and is
 * polished again.  b = mean(y) - mean(X)'w.  Reaching max_iter sweeps
 * without meeting the tests is reported (a WARNING and "converged":
 * false).
 *
 * Predictions are linear, so the metrics pass (and deploy => 'best''s
 * comparison) is linear's, at the fitted coefficients, unrefined.
 *
 * IDENTIFICATION
 *	  src/algo_elastic_net.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"

#include "algo_elastic_net.h"
#include "algorithm.h"
#include "artifact.h"

#ifndef FRONTEND
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "algo_linear.h"
#include "linalg.h"
#include "pass.h"
#endif

/*
 * The stored model (frontend-safe): after the common part, u32
 * fit_intercept, f64 intercept, f64 coef[nfeat].
 */
static void
ElasticNetEncode(const MlopsModel *m, StringInfo buf)
{
	const ElasticNetModel *em = (const ElasticNetModel *) m->payload;
	int			i;

	MlopsPutU32(buf, em->fit_intercept ? 1 : 0);
	MlopsPutF64(buf, em->intercept);
	for (i = 0; i < m->nfeat; i++)
		MlopsPutF64(buf, em->coef[i]);
}

static bool
ElasticNetDecode(MlopsReader *r, MlopsModel *m, const char **error)
{
	ElasticNetModel *em = palloc0(sizeof(ElasticNetModel));
	uint32		flags = (uint32) MlopsGetLE(r, 4);
	int			i;

	if (!r->ok || flags > 1 || m->nclasses != 0)
	{
		*error = "invalid elastic net model header";
		return false;
	}
	em->fit_intercept = (flags == 1);
	/* reject a short payload before allocating for it */
	if (r->left < sizeof(double) * ((Size) m->nfeat + 1))
	{
		*error = "payload shorter than its feature count";
		return false;
	}
	em->coef = palloc(sizeof(double) * m->nfeat);
	em->intercept = MlopsGetF64(r);
	if (!isfinite(em->intercept) || (!em->fit_intercept && em->intercept != 0))
		r->ok = false;
	for (i = 0; i < m->nfeat; i++)
	{
		em->coef[i] = MlopsGetF64(r);
		if (!isfinite(em->coef[i]))
			r->ok = false;
	}
	if (!r->ok)
	{
		*error = "invalid elastic net model coefficients";
		return false;
	}
	m->payload = em;
	return true;
}

static double
ElasticNetPredict(const MlopsModel *m, const double *restrict x)
{
	const ElasticNetModel *em = (const ElasticNetModel *) m->payload;
	const double *restrict w = em->coef;
	double		s = 0;
	int			j;

	/* as linear's, the features' sum and then the intercept */
	for (j = 0; j < m->nfeat; j++)
		s += w[j] * x[j];
	return s + em->intercept;
}

#ifndef FRONTEND

/*
 * When the exact solution on the descent's active set is not the optimum
 * (Polish), the descent goes on to this duality gap, relative to |y_c|^2,
 * and to this largest change relative to the largest coefficient.
 */
#define GAP_RTOL 1e-12

/*
 * The centred problem, from the R factor: T (k + 1 columns, the last
 * y_c, upper triangular, column-major with stride ld), its Gram matrix
 * H = X_c'X_c (k x k), q = X_c'y_c, yy = |y_c|^2.
 */
typedef struct CentredGram
{
	int			k;
	const double *T;
	int			ld;
	double	   *H;
	double	   *q;
	double		yy;
} CentredGram;

#define T_AT(g, i, j)	((g)->T[(Size) (j) * (g)->ld + (i)])

static void
GramFromR(const double *R, int ncol, bool intercept, CentredGram *g)
{
	int			off = intercept ? 1 : 0;
	int			k = ncol - off - 1;
	int			i,
				j,
				l;

	g->k = k;
	g->ld = ncol;
	g->T = R + (Size) off * ncol + off;
	g->H = palloc(sizeof(double) * k * k);
	g->q = palloc(sizeof(double) * k);
	for (j = 0; j < k; j++)
	{
		for (i = 0; i <= j; i++)
		{
			double		s = 0;

			for (l = 0; l <= i; l++)
				s += T_AT(g, l, i) * T_AT(g, l, j);
			g->H[(Size) j * k + i] = g->H[(Size) i * k + j] = s;
		}
	}
	for (j = 0; j < k; j++)
	{
		double		s = 0;

		for (l = 0; l <= j; l++)
			s += T_AT(g, l, j) * T_AT(g, l, k);
		g->q[j] = s;
	}
	g->yy = 0;
	for (l = 0; l <= k; l++)
		g->yy += T_AT(g, l, k) * T_AT(g, l, k);
}

/*
 * |y_c - X_c w|^2 and y_c'(y_c - X_c w), as |T [w; -1]|^2 and
 * -(T e_k)'(T [w; -1]).
 */
static void
Residual(const CentredGram *g, const double *w, double *rss, double *yr)
{
	int			k = g->k;
	int			l,
				j;

	*rss = 0;
	*yr = 0;
	for (l = 0; l <= k; l++)
	{
		double		v = -T_AT(g, l, k);

		for (j = l; j < k; j++)
			v += T_AT(g, l, j) * w[j];
		*rss += v * v;
		*yr -= T_AT(g, l, k) * v;
	}
}

/*
 * The duality gap of w for sklearn's scaled problem (its
 * enet_coordinate_descent_gram): the dual point is the residual scaled
 * into the dual feasible set.  Hw is recomputed, not the sweeps' running
 * one, so that rounding does not accumulate into the test.
 */
static double
DualityGap(const CentredGram *g, const double *w, double l1, double l2,
		   double *Hw)
{
	int			k = g->k;
	double		dual_norm = 0;
	double		rss;
	double		yr;
	double		w1 = 0;
	double		w2 = 0;
	double		c;
	double		gap;
	int			i,
				j;

	for (i = 0; i < k; i++)
	{
		double		s = 0;

		for (j = 0; j < k; j++)
			s += g->H[(Size) j * k + i] * w[j];
		Hw[i] = s;
		dual_norm = Max(dual_norm, fabs(g->q[i] - s - l2 * w[i]));
		w1 += fabs(w[i]);
		w2 += w[i] * w[i];
	}
	Residual(g, w, &rss, &yr);
	if (l1 == 0)
	{
		/*
		 * Without the L1 term sklearn's dual point degenerates (c = 0) and
		 * its gap never closes.  The problem is then smooth: with l2 > 0
		 * the dual point r gives the gap |X'r - l2 w|^2 / (2 l2); least
		 * squares' optimum is known, |y - X w*|^2 = T[k, k]^2, so its
		 * suboptimality is exact.
		 */
		if (l2 > 0)
		{
			gap = 0;
			for (i = 0; i < k; i++)
			{
				double		d = g->q[i] - Hw[i] - l2 * w[i];

				gap += d * d;
			}
			return gap / (2 * l2);
		}
		return Max(0.5 * (rss - T_AT(g, k, k) * T_AT(g, k, k)), 0.0);
	}
	if (dual_norm > l1)
	{
		c = l1 / dual_norm;
		gap = 0.5 * rss * (1 + c * c);
	}
	else
	{
		c = 1.0;
		gap = rss;
	}
	return gap + l1 * w1 - c * yr + 0.5 * l2 * (1 + c * c) * w2;
}

/* What the descent reached. */
typedef struct DescentResult
{
	int			iterations;		/* sweeps */
	bool		converged;
	double		gap;			/* of the scaled problem */
} DescentResult;

/*
 * Cyclic coordinate descent from w, for at most max_iter sweeps, until a
 * sweep moves no coefficient by more than tol times the largest and the
 * duality gap is at most gap_tol; adds the sweeps to res->iterations.
 */
static void
CoordinateDescent(const CentredGram *g, double l1, double l2, int max_iter,
				  double tol, double gap_tol, double *w, DescentResult *res)
{
	int			k = g->k;
	double	   *Hw = palloc0(sizeof(double) * k);
	int			it;
	int			i,
				j;

	for (j = 0; j < k; j++)
		for (i = 0; i < k; i++)
			Hw[i] += g->H[(Size) j * k + i] * w[j];
	res->converged = false;
	res->gap = get_float8_nan();
	for (it = 0; it < max_iter; it++)
	{
		double		w_max = 0;
		double		d_w_max = 0;

		CHECK_FOR_INTERRUPTS();
		for (j = 0; j < k; j++)
		{
			const double *Hj = g->H + (Size) j * k;
			double		hjj = Hj[j];
			double		old = w[j];
			double		t;

			if (hjj == 0)
				continue;		/* a constant column stays at 0 */
			t = g->q[j] - Hw[j] + hjj * old;
			w[j] = fabs(t) > l1 ? copysign(fabs(t) - l1, t) / (hjj + l2) : 0.0;
			if (w[j] != old)
			{
				double		d = w[j] - old;

				for (i = 0; i < k; i++)
					Hw[i] += d * Hj[i];
				d_w_max = Max(d_w_max, fabs(d));
			}
			w_max = Max(w_max, fabs(w[j]));
		}
		if (w_max == 0 || d_w_max <= tol * w_max || it == max_iter - 1)
		{
			res->gap = DualityGap(g, w, l1, l2, Hw);
			if (res->gap <= gap_tol || d_w_max == 0)
			{
				res->converged = true;
				it++;
				break;
			}
		}
	}
	res->iterations += Min(it, max_iter);
	pfree(Hw);
}

/*
 * Polish a descent's result: on its active set A (the nonzero
 * coefficients) with their signs s, the optimality conditions are linear,
 * (X_A'X_A + l2 I) w_A = X_A'y - l1 s, which is the least-squares problem
 * [T_A; sqrt(l2) I] w_A ~ [t_y; 0] shifted by the L1 term: with R_M of
 * that stacked matrix, w_A = R_M^-1 z - l1 (R_M'R_M)^-1 s.  The solution
 * replaces w when it keeps the signs, the zero coefficients still satisfy
 * |X_j'r| <= l1, and its duality gap is no larger.  This makes the fit
 * exact to rounding however the descent's tests stopped it, where the
 * descent's own accuracy on an ill-conditioned problem is the gap's
 * square root over the smallest eigenvalue.  Returns whether w changed.
 */
static bool
Polish(const CentredGram *g, double l1, double l2, double *w, double *gap)
{
	int			k = g->k;
	int		   *act = palloc(sizeof(int) * k);
	int			na = 0;
	int			nr;
	double	   *M;
	double	   *RM;
	double	   *w1;
	double	   *w2;
	double	   *cand;
	double	   *Hw;
	double		cand_gap;
	bool		ok = true;
	int			i,
				j;

	for (j = 0; j < k; j++)
		if (w[j] != 0)
			act[na++] = j;
	if (na == 0)
		return false;

	/* rows of [T_A | t_y], then sqrt(l2) I, column-major */
	nr = k + 1 + (l2 > 0 ? na : 0);
	M = palloc0(sizeof(double) * nr * (na + 1));
	for (j = 0; j <= na; j++)
	{
		int			c = j < na ? act[j] : k;

		for (i = 0; i <= c; i++)
			M[(Size) j * nr + i] = T_AT(g, i, c);
		if (l2 > 0 && j < na)
			M[(Size) j * nr + k + 1 + j] = sqrt(l2);
	}
	RM = palloc0(sizeof(double) * (na + 1) * (na + 1));
	MlopsQrAbsorbRows(RM, na + 1, M, nr, nr);
	for (j = 0; j < na; j++)
	{
		double		norm = 0;

		for (i = 0; i <= j; i++)
			norm += RM[(Size) j * (na + 1) + i] * RM[(Size) j * (na + 1) + i];
		if (!(fabs(RM[(Size) j * (na + 1) + j]) > 1e-12 * sqrt(norm)))
			ok = false;			/* rank-deficient on A: keep the descent's */
	}
	if (!ok)
		return false;
	w1 = palloc(sizeof(double) * na);
	w2 = palloc(sizeof(double) * na);
	for (j = 0; j < na; j++)
	{
		w1[j] = RM[(Size) na * (na + 1) + j];
		w2[j] = copysign(1.0, w[act[j]]);
	}
	MlopsTriSolve(RM, na + 1, na, w1, false);
	MlopsTriSolve(RM, na + 1, na, w2, true);
	MlopsTriSolve(RM, na + 1, na, w2, false);

	cand = palloc0(sizeof(double) * k);
	for (j = 0; j < na; j++)
	{
		double		v = w1[j] - l1 * w2[j];

		if (!(v * w[act[j]] > 0))
			return false;		/* a sign changed: A was not the optimum's */
		cand[act[j]] = v;
	}
	Hw = palloc(sizeof(double) * k);
	cand_gap = DualityGap(g, cand, l1, l2, Hw);
	for (j = 0; j < k; j++)
		if (cand[j] == 0 && fabs(g->q[j] - Hw[j]) > l1)
			return false;
	if (!(cand_gap <= *gap))
		return false;
	memcpy(w, cand, sizeof(double) * k);
	*gap = cand_gap;
	return true;
}

/*
 * The family's train callback: one scan (linear's R factor), the
 * descent, and the metrics pass when rows were held out.
 */
static void
ElasticNetTrain(MlopsTrainJob *a)
{
	const ElasticNetParams *p = (const ElasticNetParams *) a->params;
	LinearStateR st;
	CentredGram g;
	DescentResult res;
	ElasticNetModel *em;
	MlopsModel	model;
	double	   *coef;			/* intercept first, as the metrics pass takes them */
	double	   *w;
	double		n;
	double		l1;
	double		l2;
	double		rss;
	double		yr;
	bool		polished;
	int			nonzero = 0;
	int			off = p->fit_intercept ? 1 : 0;
	int			j;
	MlopsPassState *pass;
	StringInfoData m;

	/* fail before the scan when the fit cannot fit in memory */
	MlopsLinearCheckMemory(a->nfeat, p->fit_intercept);
	pass = MlopsLinearStatePass(a, p->fit_intercept, false, NULL);
	if (pass == NULL)
		return;					/* categories unconfirmed: train.c starts again */
	MlopsLinearStateR(pass, &st);
	if (st.R == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("training set is empty"),
				 st.nskipped > 0 ?
				 errdetail("All %lld rows had a NULL target or feature.",
						   (long long) st.nskipped) : 0));

	GramFromR(st.R, st.ncol, st.fit_intercept, &g);
	n = (double) st.nrows;
	w = palloc(sizeof(double) * g.k);
	l1 = n * p->alpha * p->l1_ratio;
	l2 = n * p->alpha * (1 - p->l1_ratio);
	memset(w, 0, sizeof(double) * g.k);
	res.iterations = 0;
	CoordinateDescent(&g, l1, l2, p->max_iter, p->tol, p->tol * g.yy, w, &res);
	polished = Polish(&g, l1, l2, w, &res.gap);
	if (!polished && p->tol > GAP_RTOL && res.iterations < p->max_iter)
	{
		/* the active set is not settled yet: descend further, then again */
		CoordinateDescent(&g, l1, l2, p->max_iter - res.iterations,
						  GAP_RTOL, GAP_RTOL * g.yy, w, &res);
		polished = Polish(&g, l1, l2, w, &res.gap);
	}
	if (polished && res.gap <= p->tol * g.yy)
		res.converged = true;
	if (!res.converged)
		ereport(WARNING,
				(errmsg("elastic net for model \"%s\" did not converge in %d iterations",
						a->model, p->max_iter),
				 errdetail("The duality gap is %g.", res.gap / n),
				 errhint("Raise max_iter or tol, or scale the features.")));

	em = palloc0(sizeof(ElasticNetModel));
	em->fit_intercept = p->fit_intercept;
	em->coef = w;
	coef = palloc0(sizeof(double) * (g.k + off));
	if (p->fit_intercept)
	{
		/* b = mean(y) - mean(X)'w; column j's mean is R[0, j] / R[0, 0] */
		double		b = st.R[(Size) (st.ncol - 1) * st.ncol] / st.R[0];

		for (j = 0; j < g.k; j++)
			b -= st.R[(Size) (1 + j) * st.ncol] / st.R[0] * w[j];
		em->intercept = coef[0] = b;
	}
	for (j = 0; j < g.k; j++)
	{
		coef[off + j] = w[j];
		nonzero += (w[j] != 0);
	}
	for (j = 0; j < g.k + off; j++)
		if (!isfinite(coef[j]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("coefficients overflowed double precision"),
					 errhint("Rescale the features or the target.")));

	memset(&model, 0, sizeof(model));
	model.algo = &mlops_elastic_net_routine;
	model.nfeat = a->nfeat;
	model.feature_names = a->features;
	model.spec = a->spec;
	model.payload = em;
	a->artifact = MlopsArtifactEncode(&model);
	a->n_train = st.nrows;

	Residual(&g, w, &rss, &yr);
	initStringInfo(&m);
	MlopsLinearPredictorMetrics(a, coef, g.k + off, p->fit_intercept, st.nheld,
								st.nrows, st.nskipped, rss, g.yy, &m);
	appendStringInfo(&m, ", \"iterations\": %d, \"converged\": %s",
					 res.iterations, res.converged ? "true" : "false");
	MlopsJsonNumber(&m, "dual_gap", res.gap / n);
	appendStringInfo(&m, ", \"n_nonzero\": %d}", nonzero);
	a->metrics = MlopsJsonbFromString(m.data);
}

/*
 * The coefficients rows of mlops.coefficients: (term, estimate) with
 * linear's terms; a penalised fit has no standard errors.
 */
static void
ElasticNetCoefficients(const MlopsModel *m, ReturnSetInfo *rsinfo)
{
	const ElasticNetModel *em = (const ElasticNetModel *) m->payload;
	int			f;

	for (f = em->fit_intercept ? -1 : 0; f < m->nfeat; f++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, true, true, true};

		values[0] = CStringGetTextDatum(MlopsLinearTerm(m, f));
		values[1] = Float8GetDatum(f < 0 ? em->intercept : em->coef[f]);
		values[2] = values[3] = values[4] = (Datum) 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

#endif							/* !FRONTEND */

static const MlopsParamDef elastic_net_params[] = {
	{"alpha", MLOPS_PARAM_REAL, offsetof(ElasticNetParams, alpha), 1.0, 0, 0, NULL},
	{"l1_ratio", MLOPS_PARAM_REAL, offsetof(ElasticNetParams, l1_ratio), 0.5, 0, 1, NULL},
	{"fit_intercept", MLOPS_PARAM_BOOL, offsetof(ElasticNetParams, fit_intercept), 1, 0, 0, NULL},
	{"max_iter", MLOPS_PARAM_INT, offsetof(ElasticNetParams, max_iter), 1000, 1, 1000000, NULL},
	{"tol", MLOPS_PARAM_REAL, offsetof(ElasticNetParams, tol), 1e-4, 0, 0, NULL},
	{NULL, 0, 0, 0, 0, 0, NULL}
};

const MlopsAlgorithmRoutine mlops_elastic_net_routine = {
	.name = "elastic_net",
	.title = "Elastic net",
	.id = 2,
	.task = MLOPS_TASK_REGRESSION,
	.params = elastic_net_params,
	.params_size = sizeof(ElasticNetParams),
	.encode = ElasticNetEncode,
	.decode = ElasticNetDecode,
	.predict = ElasticNetPredict,
#ifndef FRONTEND
	.train = ElasticNetTrain,
	.coefficients = ElasticNetCoefficients,
#endif
	.confirms_categories = true,
};
