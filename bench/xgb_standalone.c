/*
 * xgb_standalone.c: XGBoost's own cost on the bench matrix, without
 * PostgreSQL, for the trees section of make bench (bench/bench.sh).
 *
 *   xgb_standalone NFEAT ROUNDS DEPTH < rows
 *
 * reads rows of NFEAT features and a target, comma-separated (psql's
 * \copy ... csv), into the float32 row-major matrix mlops.train builds,
 * then times what XGBoost does with it there: the DMatrix, ROUNDS rounds
 * of reg:squarederror with the parameters mlops.train passes for
 * {"n_estimators": ROUNDS, "max_depth": DEPTH, "tree_method": "hist"}
 * (nthread 1, seed 0), and the model saved as JSON.  Then XGBoost's
 * per-row prediction (in-place, one row a call, as a scoring function
 * would call it) on the first 100,000 rows.  Prints
 *
 *   train_ms <ms> predict_rows_per_s <rows/s>
 *
 * Built by bench.sh against Debian's libxgboost-dev.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xgboost/c_api.h>

#define CHECK(call) \
	do { if ((call) != 0) { fprintf(stderr, "xgb_standalone: %s\n", XGBGetLastError()); exit(1); } } while (0)

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* stdin's rows into x (n x nfeat) and y */
static long
read_rows(int nfeat, float **x, float **y)
{
	long		cap = 1 << 16;
	long		n = 0;
	char		line[8192];

	*x = malloc(sizeof(float) * cap * nfeat);
	*y = malloc(sizeof(float) * cap);
	while (fgets(line, sizeof(line), stdin) != NULL)
	{
		char	   *p = line;
		int			j;

		if (n == cap)
		{
			cap *= 2;
			*x = realloc(*x, sizeof(float) * cap * nfeat);
			*y = realloc(*y, sizeof(float) * cap);
		}
		for (j = 0; j <= nfeat; j++)
		{
			/* as mlops: the double the column holds, rounded to float */
			float		v = (float) strtod(p, &p);

			if (j < nfeat)
				(*x)[n * nfeat + j] = v;
			else
				(*y)[n] = v;
			if (*p == ',')
				p++;
		}
		n++;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static const char *const params[][2] = {
		{"objective", "reg:squarederror"}, {"eta", "0.29999999999999999"},
		{"subsample", "1"}, {"colsample_bytree", "1"}, {"colsample_bylevel", "1"},
		{"colsample_bynode", "1"}, {"min_child_weight", "1"}, {"lambda", "1"},
		{"alpha", "0"}, {"gamma", "0"}, {"max_bin", "256"}, {"tree_method", "hist"},
		{"seed", "0"}, {"nthread", "1"}};
	int			nfeat;
	int			rounds;
	float	   *x;
	float	   *y;
	long		n;
	long		npred;
	double		t0;
	double		train_ms;
	double		sum = 0;
	DMatrixHandle dm;
	BoosterHandle b;
	bst_ulong	len;
	const char *json;
	int			i;
	long		r;

	if (argc != 4)
	{
		fprintf(stderr, "usage: xgb_standalone NFEAT ROUNDS DEPTH < rows\n");
		return 2;
	}
	nfeat = atoi(argv[1]);
	rounds = atoi(argv[2]);
	n = read_rows(nfeat, &x, &y);

	t0 = now_ms();
	CHECK(XGDMatrixCreateFromMat(x, n, nfeat, NAN, &dm));
	CHECK(XGDMatrixSetFloatInfo(dm, "label", y, n));
	CHECK(XGBoosterCreate(&dm, 1, &b));
	for (i = 0; i < (int) (sizeof(params) / sizeof(params[0])); i++)
		CHECK(XGBoosterSetParam(b, params[i][0], params[i][1]));
	CHECK(XGBoosterSetParam(b, "max_depth", argv[3]));
	for (i = 0; i < rounds; i++)
		CHECK(XGBoosterUpdateOneIter(b, i, dm));
	CHECK(XGBoosterSaveModelToBuffer(b, "{\"format\": \"json\"}", &len, &json));
	train_ms = now_ms() - t0;

	npred = n < 100000 ? n : 100000;
	t0 = now_ms();
	for (r = 0; r < npred; r++)
	{
		char		iface[256];
		const bst_ulong *shape;
		bst_ulong	dim;
		const float *out;

		snprintf(iface, sizeof(iface),
				 "{\"data\": [%lu, true], \"shape\": [1, %d], \"typestr\": \"<f4\", \"version\": 3}",
				 (unsigned long) (x + r * nfeat), nfeat);
		CHECK(XGBoosterPredictFromDense(b, iface,
										"{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
										"\"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}",
										NULL, &shape, &dim, &out));
		sum += out[0];
	}
	printf("train_ms %.1f predict_rows_per_s %.0f (checksum %.17g)\n", train_ms,
		   npred / ((now_ms() - t0) / 1e3), sum);
	XGBoosterFree(b);
	XGDMatrixFree(dm);
	return 0;
}
