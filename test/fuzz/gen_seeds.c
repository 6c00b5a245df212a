/*-------------------------------------------------------------------------
 *
 * gen_seeds.c
 *	  Write the fuzzer's seed corpus: real artifacts, made by the same
 *	  MlopsArtifactEncode the server uses.
 *
 * Usage: gen_seeds DIR.  One file per model, covering what the decoder
 * must accept, for each family; linear: one feature, twenty, no intercept, the maximum feature
 * count, multibyte and maximum-length names, unknown statistics (NaN
 * standard errors and sigma) and extreme but finite doubles; elastic net:
 * a lasso's zeros, no intercept, the maximum feature count and extreme
 * doubles; pca: some or all components, scaled or not, the maximum
 * feature count and the largest centres the decoder accepts; a model over
 * numeric, categorical, boolean and enum columns, and its spec alone.  Built by
 * test/fuzz/run.sh at test time, so no binary is committed.  A one-shot
 * program: it never frees, and run.sh turns leak detection off for it.
 *
 * IDENTIFICATION
 *	  test/fuzz/gen_seeds.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>
#include <stdio.h>

#include "algo_elastic_net.h"
#include "algo_linear.h"
#include "artifact.h"
#include "featurespec.h"

static const char *outdir;

/* A linear model with nfeat features named prefix01, prefix02, ... */
static MlopsModel *
MakeModel(int nfeat, bool fit_intercept, const char *prefix)
{
	MlopsModel *m = palloc0(sizeof(MlopsModel));
	LinearModel *lm = palloc0(sizeof(LinearModel));
	int			nparams = nfeat + (fit_intercept ? 1 : 0);
	int			i;

	m->algo = &mlops_linear_routine;
	m->nfeat = nfeat;
	m->payload = lm;
	lm->fit_intercept = fit_intercept;
	lm->intercept = fit_intercept ? 1.5 : 0.0;
	lm->coef = palloc(sizeof(double) * nfeat);
	lm->std_error = palloc(sizeof(double) * nparams);
	m->feature_names = palloc(sizeof(char *) * nfeat);
	for (i = 0; i < nfeat; i++)
	{
		lm->coef[i] = (i % 2 ? -1.0 : 1.0) * (i + 1) / 4.0;
		m->feature_names[i] = psprintf("%s%02d", prefix, i + 1);
	}
	for (i = 0; i < nparams; i++)
		lm->std_error[i] = 0.01 * (i + 1);
	lm->sigma = 0.25;
	lm->df_resid = 100 - nparams;
	return m;
}

static LinearModel *
Linear(MlopsModel *m)
{
	return (LinearModel *) m->payload;
}

/* An elastic net with nfeat features, every third coefficient zero. */
static MlopsModel *
MakeElasticNet(int nfeat, bool fit_intercept)
{
	MlopsModel *m = palloc0(sizeof(MlopsModel));
	ElasticNetModel *em = palloc0(sizeof(ElasticNetModel));
	int			i;

	m->algo = &mlops_elastic_net_routine;
	m->nfeat = nfeat;
	m->payload = em;
	em->fit_intercept = fit_intercept;
	em->intercept = fit_intercept ? -2.5 : 0.0;
	em->coef = palloc(sizeof(double) * nfeat);
	m->feature_names = palloc(sizeof(char *) * nfeat);
	for (i = 0; i < nfeat; i++)
	{
		em->coef[i] = i % 3 == 0 ? 0.0 : (i % 2 ? -0.5 : 0.5) * (i + 1);
		m->feature_names[i] = psprintf("en%02d", i + 1);
	}
	return m;
}

static void
Write(const char *name, const MlopsModel *m)
{
	bytea	   *art = MlopsArtifactEncode(m);
	char	   *path = psprintf("%s/%s", outdir, name);
	FILE	   *f = fopen(path, "wb");

	if (f == NULL ||
		fwrite(VARDATA(art), 1, VARSIZE(art) - VARHDRSZ, f) !=
		VARSIZE(art) - VARHDRSZ ||
		fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
	pfree(art);
	pfree(path);
}

/*
 * A linear model over typed columns: x numeric (NULL imputed), g categorical (its first
 * category the reference, __other__ and NULL features), b boolean, e an
 * enum's every level, t a timestamptz with its hour, v a real[3], scaled; also
 * written as a spec alone (the training
 * aggregates' argument).
 */
static void
WriteTyped(const char *name)
{
	static char *gcats[] = {"a", "b", "c"};
	static char *ecats[] = {"low", "mid", "high"};
	static char *hours[] = {"0", "9", "17"};
	static double vshift[] = {0.5, -1e300, 0};
	static double vscale[] = {2, 1e-300, 1};
	MlopsFeatureSpec *spec = palloc0(sizeof(MlopsFeatureSpec));
	MlopsSpecColumn *c = palloc0(sizeof(MlopsSpecColumn) * 7);
	const char *error;
	MlopsModel *m;
	bytea	   *bytes;
	char	   *path;
	FILE	   *f;
	int			i;

	c[0] = (MlopsSpecColumn) {.name = "x", .type_name = "double precision",
		.kind = MLOPS_COLUMN_NUMERIC, .family = MLOPS_TYPES_FLOAT,
	.impute = MLOPS_IMPUTE_MEDIAN, .impute_value = -2.5};
	c[1] = (MlopsSpecColumn) {.name = "g", .type_name = "text",
		.kind = MLOPS_COLUMN_CATEGORICAL, .family = MLOPS_TYPES_TEXT,
		.flags = MLOPS_SPEC_DROP_FIRST | MLOPS_SPEC_OTHER | MLOPS_SPEC_NULL,
	.ncategories = 3, .categories = gcats};
	c[2] = (MlopsSpecColumn) {.name = "b", .type_name = "boolean",
	.kind = MLOPS_COLUMN_BOOLEAN, .family = MLOPS_TYPES_BOOLEAN};
	c[3] = (MlopsSpecColumn) {.name = "e", .type_name = "level",
		.kind = MLOPS_COLUMN_CATEGORICAL, .family = MLOPS_TYPES_ENUM,
	.ncategories = 3, .categories = ecats};
	c[4] = (MlopsSpecColumn) {.name = "t", .type_name = "timestamp with time zone",
	.kind = MLOPS_COLUMN_NUMERIC, .family = MLOPS_TYPES_TIMESTAMPTZ};
	c[5] = (MlopsSpecColumn) {.name = "t", .type_name = "timestamp with time zone",
		.kind = MLOPS_COLUMN_CATEGORICAL, .family = MLOPS_TYPES_TIMESTAMPTZ,
		.part = MLOPS_PART_HOUR, .flags = MLOPS_SPEC_DROP_FIRST,
	.ncategories = 3, .categories = hours};
	c[6] = (MlopsSpecColumn) {.name = "v", .type_name = "real[]",
		.kind = MLOPS_COLUMN_ARRAY, .family = MLOPS_TYPES_FLOAT, .array_length = 3,
	.shift = vshift, .scale = vscale};
	spec->ncolumns = 7;
	spec->columns = c;
	if (!MlopsSpecLayout(spec, &error))
	{
		fprintf(stderr, "gen_seeds: %s: %s\n", name, error);
		exit(1);
	}
	m = MakeModel(spec->nfeat, true, "t");
	m->spec = spec;
	m->feature_names = MlopsSpecFeatureNames(spec);
	Write(name, m);

	bytes = MlopsSpecEncode(spec);
	path = psprintf("%s/%s_spec", outdir, name);
	f = fopen(path, "wb");
	i = VARSIZE(bytes) - VARHDRSZ;
	if (f == NULL || fwrite(VARDATA(bytes), 1, i, f) != (size_t) i || fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
}

/* Give m the family part encoded in part, through its decoder. */
static void
DecodePart(const char *name, MlopsModel *m, StringInfo part)
{
	MlopsReader r;
	const char *error;

	r.p = (const unsigned char *) part->data;
	r.left = part->len;
	r.ok = true;
	if (!m->algo->decode(&r, m, &error))
	{
		fprintf(stderr, "gen_seeds: %s: %s\n", name, error);
		exit(1);
	}
}

/*
 * A logistic model of nclasses classes (labels of kind kind) over nfeat
 * features: its part is (K - 1) x (nfeat + 1) coefficients, then as many
 * standard errors.  Built through the decoder from bytes, since the
 * family's struct is private to its file.
 */
static void
WriteLogistic(const char *name, int nfeat, int nclasses, MlopsLabelKind kind)
{
	extern const MlopsAlgorithmRoutine mlops_logistic_routine;
	MlopsModel *m = MakeModel(nfeat, true, "z");
	StringInfoData part;
	int			n = (nclasses - 1) * (nfeat + 1);
	int			i;

	m->algo = &mlops_logistic_routine;
	m->nclasses = nclasses;
	m->label_kind = kind;
	m->classes = palloc(sizeof(char *) * nclasses);
	for (i = 0; i < nclasses; i++)
		m->classes[i] = kind == MLOPS_LABEL_BOOLEAN ? (i ? "true" : "false") :
			kind == MLOPS_LABEL_NUMERIC ? psprintf("%d", 2 * i - 1) :
			psprintf("class %d", i);
	initStringInfo(&part);
	for (i = 0; i < 2 * n; i++)
		MlopsPutF64(&part, i < n ? (i % 3 - 1) * 0.5 : 0.1);
	DecodePart(name, m, &part);
	if (kind != MLOPS_LABEL_TEXT)
	{
		m->class_values = palloc(sizeof(double) * nclasses);
		for (i = 0; i < nclasses; i++)
			m->class_values[i] = kind == MLOPS_LABEL_BOOLEAN ? i : 2 * i - 1;
	}
	Write(name, m);
}

/*
 * A pca model of k components over nfeat features, scaled or not: its
 * part is k and the flag, the means, the scales, k x nfeat loadings, the
 * k variances and ratios.  Built through the decoder from bytes, since
 * the family's struct is private to its file; mean is every centre.
 */
static void
WritePca(const char *name, int nfeat, int k, bool scaled, double mean)
{
	extern const MlopsAlgorithmRoutine mlops_pca_routine;
	MlopsModel *m = MakeModel(nfeat, true, "p");
	StringInfoData part;
	int			i;

	m->algo = &mlops_pca_routine;
	initStringInfo(&part);
	MlopsPutU32(&part, k);
	MlopsPutU32(&part, scaled ? 1 : 0);
	for (i = 0; i < nfeat; i++)
		MlopsPutF64(&part, mean);
	for (i = 0; i < nfeat; i++)
		MlopsPutF64(&part, scaled ? 0.5 + i : 1.0);
	for (i = 0; i < k * nfeat; i++)
		MlopsPutF64(&part, i % (nfeat + 1) == 0 ? 1.0 : i % 2 ? -0.0 : 0.0);
	for (i = 0; i < k; i++)
		MlopsPutF64(&part, (double) (k - i));
	for (i = 0; i < k; i++)
		MlopsPutF64(&part, (k - i) / (k * (k + 1) / 2.0));
	DecodePart(name, m, &part);
	Write(name, m);
}

/*
 * A naive Bayes model of nclasses text classes over nfeat features: its
 * part is nclasses log priors, then nclasses x nfeat means and as many
 * variances (scale times a small positive number; a huge scale makes
 * every joint log likelihood -Infinity at the probes far from the means).
 * With tied_var > 0 instead every mean is 5 and every variance tied_var:
 * with 1e-20 the classes tie with joint log likelihoods beyond 2^53 in
 * magnitude at the probes, where max + log(sum) rounds to max (a fuzz
 * finding); each class must still get 1/K.
 */
static void
WriteNaiveBayes(const char *name, int nfeat, int nclasses, double scale, double tied_var)
{
	extern const MlopsAlgorithmRoutine mlops_naive_bayes_routine;
	MlopsModel *m = MakeModel(nfeat, true, "g");
	StringInfoData part;
	int			n = nclasses * nfeat;
	int			i;

	m->algo = &mlops_naive_bayes_routine;
	m->nclasses = nclasses;
	m->label_kind = MLOPS_LABEL_TEXT;
	m->classes = palloc(sizeof(char *) * nclasses);
	for (i = 0; i < nclasses; i++)
		m->classes[i] = psprintf("nb %d", i);
	initStringInfo(&part);
	for (i = 0; i < nclasses; i++)
		MlopsPutF64(&part, -log((double) nclasses));
	for (i = 0; i < n; i++)
		MlopsPutF64(&part, tied_var > 0 ? 5.0 : (i % 5 - 2) * scale);
	for (i = 0; i < n; i++)
		MlopsPutF64(&part, tied_var > 0 ? tied_var : (0.5 + i % 3) / scale);
	DecodePart(name, m, &part);
	Write(name, m);
}

/*
 * A kmeans model of k centres over nfeat features, scaled or not: its
 * part is k, the scaled flag, nfeat scales (1 unscaled) and k x nfeat
 * centres, built through the decoder from bytes as for logistic.
 */
static void
WriteKmeans(const char *name, int nfeat, int k, bool scaled)
{
	extern const MlopsAlgorithmRoutine mlops_kmeans_routine;
	MlopsModel *m = MakeModel(nfeat, true, "k");
	StringInfoData part;
	MlopsReader r;
	const char *error;
	int			i;

	m->algo = &mlops_kmeans_routine;
	initStringInfo(&part);
	MlopsPutU32(&part, (uint32) k);
	MlopsPutU32(&part, scaled ? 1 : 0);
	for (i = 0; i < nfeat; i++)
		MlopsPutF64(&part, scaled ? 0.5 + i : 1.0);
	for (i = 0; i < k * nfeat; i++)
		MlopsPutF64(&part, (i % 5 - 2) * 1.25);
	r.p = (const unsigned char *) part.data;
	r.left = part.len;
	r.ok = true;
	if (!m->algo->decode(&r, m, &error))
	{
		fprintf(stderr, "gen_seeds: %s: %s\n", name, error);
		exit(1);
	}
	Write(name, m);
}

/*
 * An xgboost model, or a forest (one round), regression when nclasses
 * is 0, of ntrees complete trees of depth depth over nfeat features,
 * each class's trees in turn (a forest's NULLs left missing): its part is objective, groups, base margin, rounds, trees, then per
 * tree its group, nodes (children 2i+1 and 2i+2) and a short JSON.
 */
static void
WriteXgboost(const char *name, int nfeat, int nclasses, int ntrees, int depth, bool forest)
{
	extern const MlopsAlgorithmRoutine mlops_xgboost_routine;
	extern const MlopsAlgorithmRoutine mlops_xgboost_classifier_routine;
	extern const MlopsAlgorithmRoutine mlops_random_forest_routine;
	extern const MlopsAlgorithmRoutine mlops_random_forest_classifier_routine;
	MlopsModel *m = MakeModel(nfeat, true, "t");
	int			groups = nclasses > 2 ? nclasses : 1;
	int			nnodes = (1 << (depth + 1)) - 1;
	int			inner = (1 << depth) - 1;
	const char *json = "{\"learner\": {}}";
	StringInfoData part;
	int			t;
	int			i;

	if (forest)
	{
		MlopsFeatureSpec *spec = palloc0(sizeof(MlopsFeatureSpec));
		const char *error;

		spec->ncolumns = nfeat;
		spec->columns = palloc0(sizeof(MlopsSpecColumn) * nfeat);
		for (i = 0; i < nfeat; i++)
			spec->columns[i] = (MlopsSpecColumn) {.name = m->feature_names[i],
				.type_name = "real", .kind = MLOPS_COLUMN_NUMERIC,
				.family = MLOPS_TYPES_FLOAT, .impute = MLOPS_IMPUTE_MISSING,
			.impute_value = NAN};
		if (!MlopsSpecLayout(spec, &error))
		{
			fprintf(stderr, "gen_seeds: %s: %s\n", name, error);
			exit(1);
		}
		m->spec = spec;
		m->algo = nclasses ? &mlops_random_forest_classifier_routine : &mlops_random_forest_routine;
	}
	else
		m->algo = nclasses ? &mlops_xgboost_classifier_routine : &mlops_xgboost_routine;
	m->nclasses = nclasses;
	m->label_kind = nclasses ? MLOPS_LABEL_TEXT : MLOPS_LABEL_NONE;
	m->classes = nclasses ? palloc(sizeof(char *) * nclasses) : NULL;
	for (i = 0; i < nclasses; i++)
		m->classes[i] = psprintf("x%d", i);
	initStringInfo(&part);
	MlopsPutU32(&part, nclasses == 0 ? 0 : nclasses == 2 ? 1 : 2);
	MlopsPutU32(&part, groups);
	MlopsPutF64(&part, nclasses ? 0.0 : 0.5);
	MlopsPutU32(&part, forest ? 1 : ntrees / groups);	/* rounds */
	MlopsPutU32(&part, ntrees);
	for (t = 0; t < ntrees; t++)
	{
		MlopsPutU32(&part, t % groups);
		MlopsPutU32(&part, nnodes);
		for (i = 0; i < nnodes; i++)
		{
			float		v = i < inner ? (i % 7) * 0.1f - 0.3f : 0.01f * (i % 11) - 0.05f;
			uint32		bits;

			memcpy(&bits, &v, sizeof(bits));
			MlopsPutU32(&part, i < inner ? 2 * i + 1 : (uint32) -1);
			MlopsPutU32(&part, i < inner ? 2 * i + 2 : (uint32) -1);
			MlopsPutU32(&part, i < inner ? (i + t) % nfeat : 0);
			MlopsPutU32(&part, bits);
			appendStringInfoChar(&part, i % 2);
		}
	}
	MlopsPutU32(&part, strlen(json));
	appendBinaryStringInfo(&part, json, strlen(json));
	DecodePart(name, m, &part);
	Write(name, m);
}

int
main(int argc, char **argv)
{
	MlopsModel *m;
	int			i;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];

	Write("one_feature", MakeModel(1, true, "x"));
	WriteTyped("typed_columns");
	Write("twenty_features", MakeModel(20, true, "f"));
	Write("no_intercept", MakeModel(3, false, "v"));
	Write("max_features", MakeModel(MLOPS_MAX_FEATURES, true, "c"));

	/* multibyte names; the last one is 21 three-byte characters, 63 bytes */
	m = MakeModel(4, true, "m");
	m->feature_names[0] = "température";
	m->feature_names[1] = "日本語";
	m->feature_names[2] = "naïve_ß_😀";
	m->feature_names[3] = "";
	for (i = 0; i < 21; i++)
		m->feature_names[3] = psprintf("%s€", m->feature_names[3]);
	Write("multibyte_names", m);

	/* as saved when there are as many parameters as rows */
	m = MakeModel(2, true, "u");
	for (i = 0; i < 3; i++)
		Linear(m)->std_error[i] = NAN;
	Linear(m)->sigma = NAN;
	Linear(m)->df_resid = 0;
	Write("unknown_stats", m);

	/* extreme finite doubles */
	m = MakeModel(4, true, "e");
	Linear(m)->intercept = -DBL_MAX;
	Linear(m)->coef[0] = DBL_MAX;
	Linear(m)->coef[1] = DBL_MIN / 4;	/* subnormal */
	Linear(m)->coef[2] = -0.0;
	Linear(m)->coef[3] = 1e-300;
	Linear(m)->std_error[0] = 0;
	Linear(m)->sigma = DBL_MAX;
	Linear(m)->df_resid = PG_INT64_MAX;
	Write("extreme_values", m);

	WriteLogistic("logistic_binary", 4, 2, MLOPS_LABEL_BOOLEAN);
	WriteLogistic("logistic_text", 3, 3, MLOPS_LABEL_TEXT);
	WriteLogistic("logistic_numeric", 2, 5, MLOPS_LABEL_NUMERIC);
	Write("enet_lasso", MakeElasticNet(10, true));
	Write("enet_no_intercept", MakeElasticNet(3, false));
	Write("enet_max_features", MakeElasticNet(MLOPS_MAX_FEATURES, true));
	m = MakeElasticNet(4, true);
	((ElasticNetModel *) m->payload)->intercept = DBL_MAX;
	((ElasticNetModel *) m->payload)->coef[1] = -DBL_MAX;
	((ElasticNetModel *) m->payload)->coef[2] = DBL_MIN / 4;
	((ElasticNetModel *) m->payload)->coef[3] = -0.0;
	Write("enet_extreme_values", m);
	WritePca("pca_all", 4, 4, false, 5.5);
	WritePca("pca_two_scaled", 10, 2, true, -3.25);
	WritePca("pca_one", 1, 1, true, 0.0);
	WritePca("pca_max_features", MLOPS_MAX_FEATURES, 2, false, 1.0);
	WritePca("pca_large_centre", 3, 3, false, 1e299);
	WriteNaiveBayes("nb_iris_like", 4, 3, 1, 0);
	WriteNaiveBayes("nb_one_feature", 1, 2, 1, 0);
	WriteNaiveBayes("nb_far", 3, 4, 1e150, 0);
	WriteNaiveBayes("nb_tied_huge_jll", 3, 4, 1, 1e-20);

	WriteKmeans("kmeans_one", 1, 1, false);
	WriteKmeans("kmeans_scaled", 4, 3, true);
	WriteKmeans("kmeans_many", 13, 8, false);

	WriteXgboost("xgboost_reg", 3, 0, 4, 2, false);
	WriteXgboost("xgboost_binary", 5, 2, 3, 3, false);
	WriteXgboost("xgboost_multi", 4, 3, 6, 1, false);
	WriteXgboost("forest_reg", 3, 0, 5, 2, true);
	WriteXgboost("forest_multi", 4, 3, 6, 2, true);
	return 0;
}
