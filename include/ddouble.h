/*-------------------------------------------------------------------------
 *
 * ddouble.h
 *	  Double-double sums and Chan's merge of counts, means and M2, for the
 *	  aggregate states of the evaluation passes.
 *
 * IDENTIFICATION
 *	  include/ddouble.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_DDOUBLE_H
#define MLOPS_DDOUBLE_H

#include <math.h>

/* hi + lo += a, exactly rounded to double-double */
static inline void
DDAdd(double *hi, double *lo, double a)
{
	double		s = *hi + a;
	double		bb = s - *hi;
	double		e = (*hi - (s - bb)) + (a - bb);

	e += *lo;
	*hi = s + e;
	*lo = e - (*hi - s);
}

/*
 * hi[j] + lo[j] += a[j] for j < n: DDAdd on split arrays, which the
 * compiler vectorises.
 */
static inline void
DDAddVector(double *restrict hi, double *restrict lo, const double *restrict a,
			int n)
{
	int			j;

	for (j = 0; j < n; j++)
	{
		double		s = hi[j] + a[j];
		double		bb = s - hi[j];
		double		e = (hi[j] - (s - bb)) + (a[j] - bb);

		e += lo[j];
		hi[j] = s + e;
		lo[j] = e - (hi[j] - s);
	}
}

/* hi + lo += x * (rh + rl), with the product of x and rh exact */
static inline void
DDAddProduct(double *hi, double *lo, double x, double rh, double rl)
{
	double		p = x * rh;
	double		pe = fma(x, rh, -p);

	DDAdd(hi, lo, p);
	*lo += pe + x * rl;
}

/* a[0] + a[1] += the double-double b[0] + b[1] */
static inline void
DDMerge(double *a, const double *b)
{
	DDAdd(&a[0], &a[1], b[0]);
	a[1] += b[1];
}

/*
 * Merge count, mean and M2 of (nb, mb, m2b) into (*na, *ma, *m2a), with
 * Chan's formula.
 */
static inline void
MergeMoments(double *na, double *ma, double *m2a, double nb, double mb,
			 double m2b)
{
	double		n = *na + nb;

	if (n > 0)
	{
		double		delta = mb - *ma;

		*m2a += m2b + delta * delta * *na * nb / n;
		*ma += delta * nb / n;
	}
	*na = n;
}

/* Welford's update of count, mean and M2 with one value */
static inline void
AddMoment(double *n, double *mean, double *m2, double y)
{
	double		delta = y - *mean;

	*n += 1;
	*mean += delta / *n;
	*m2 += delta * (y - *mean);
}

#endif							/* MLOPS_DDOUBLE_H */
