--
-- The elastic_net family: scikit-learn's ElasticNet (and Lasso at
-- l1_ratio 1) on data/diabetes.csv, the lasso's zeros, predictions,
-- hyperparameter errors, alpha = 0 as least squares, deploy => 'best'
-- against a linear version, and a model wider than the separate-argument
-- passes (MLOPS_MAX_ARGS_FEATURES = 90).
--
-- The reference numbers are literals made by test/reference/elastic_net.py
-- (sklearn 1.2.1, tol 1e-14, max_iter 10^6); neither Python nor sklearn is
-- needed to run this test.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
\cd :abs_srcdir/../data
CREATE TEMP TABLE diabetes (age float8, sex float8, bmi float8, bp float8,
							s1 float8, s2 float8, s3 float8, s4 float8,
							s5 float8, s6 float8, progression float8);
\copy diabetes FROM 'diabetes.csv' (FORMAT csv, HEADER)
\cd :abs_srcdir
SELECT count(*) FROM diabetes;

-- -- sk_elastic_net (model, alpha, l1_ratio, term, estimate), from
-- test/reference/elastic_net.out
CREATE TEMP TABLE sk_enet (model text, alpha float8, l1_ratio float8,
						   term text, estimate float8);
INSERT INTO sk_enet VALUES
	('elasticnet', 0.1, 0.5, '(Intercept)', -178.77551460141498),
	('elasticnet', 0.1, 0.5, 'age', -0.016041108286996265),
	('elasticnet', 0.1, 0.5, 'sex', -18.035453744884439),
	('elasticnet', 0.1, 0.5, 'bmi', 5.949902529028849),
	('elasticnet', 0.1, 0.5, 'bp', 1.1154790215211126),
	('elasticnet', 0.1, 0.5, 's1', 0.42406280143041059),
	('elasticnet', 0.1, 0.5, 's2', -0.63751139433617698),
	('elasticnet', 0.1, 0.5, 's3', -1.2992967310919352),
	('elasticnet', 0.1, 0.5, 's4', 3.428623422257437),
	('elasticnet', 0.1, 0.5, 's5', 23.457507381494299),
	('elasticnet', 0.1, 0.5, 's6', 0.33863810873469968),
	('elasticnet', 1, 1, '(Intercept)', -202.2632491368644),
	('elasticnet', 1, 1, 'age', -0.019023527584116171),
	('elasticnet', 1, 1, 'sex', -17.476915586050648),
	('elasticnet', 1, 1, 'bmi', 5.8424604632510597),
	('elasticnet', 1, 1, 'bp', 1.0915375951895401),
	('elasticnet', 1, 1, 's1', 0.15653118033030974),
	('elasticnet', 1, 1, 's2', -0.31555897836912911),
	('elasticnet', 1, 1, 's3', -1.188228375936111),
	('elasticnet', 1, 1, 's4', 0.16105694241565183),
	('elasticnet', 1, 1, 's5', 34.214964244823527),
	('elasticnet', 1, 1, 's6', 0.32973363817578438),
	('lasso', 1, 1, '(Intercept)', -202.2632491368644),
	('lasso', 1, 1, 'age', -0.019023527584116171),
	('lasso', 1, 1, 'sex', -17.476915586050648),
	('lasso', 1, 1, 'bmi', 5.8424604632510597),
	('lasso', 1, 1, 'bp', 1.0915375951895401),
	('lasso', 1, 1, 's1', 0.15653118033030974),
	('lasso', 1, 1, 's2', -0.31555897836912911),
	('lasso', 1, 1, 's3', -1.188228375936111),
	('lasso', 1, 1, 's4', 0.16105694241565183),
	('lasso', 1, 1, 's5', 34.214964244823527),
	('lasso', 1, 1, 's6', 0.32973363817578438),
	('elasticnet', 0.01, 0.2, '(Intercept)', -279.7826259803403),
	('elasticnet', 0.01, 0.2, 'age', -0.026443860207131596),
	('elasticnet', 0.01, 0.2, 'sex', -21.97484107763464),
	('elasticnet', 0.01, 0.2, 'bmi', 5.7155898817731154),
	('elasticnet', 0.01, 0.2, 'bp', 1.1222686283899059),
	('elasticnet', 0.01, 0.2, 's1', -0.56861566689655751),
	('elasticnet', 0.01, 0.2, 's2', 0.26664099949169695),
	('elasticnet', 0.01, 0.2, 's3', -0.20509781490444026),
	('elasticnet', 0.01, 0.2, 's4', 5.6558488711346513),
	('elasticnet', 0.01, 0.2, 's5', 52.752927347195239),
	('elasticnet', 0.01, 0.2, 's6', 0.30246329396349642),
	('elasticnet', 10, 1, '(Intercept)', -105.89303078918655),
	('elasticnet', 10, 1, 'age', 0),
	('elasticnet', 10, 1, 'sex', 0),
	('elasticnet', 10, 1, 'bmi', 5.9341138503615394),
	('elasticnet', 10, 1, 'bp', 1.0195915145022623),
	('elasticnet', 10, 1, 's1', 1.1732086134250901),
	('elasticnet', 10, 1, 's2', -1.2601931645528544),
	('elasticnet', 10, 1, 's3', -2.0207934934117313),
	('elasticnet', 10, 1, 's4', 0),
	('elasticnet', 10, 1, 's5', 0),
	('elasticnet', 10, 1, 's6', 0.31991050107723173),
	('lasso', 10, 1, '(Intercept)', -105.89303078918655),
	('lasso', 10, 1, 'age', 0),
	('lasso', 10, 1, 'sex', 0),
	('lasso', 10, 1, 'bmi', 5.9341138503615394),
	('lasso', 10, 1, 'bp', 1.0195915145022623),
	('lasso', 10, 1, 's1', 1.1732086134250901),
	('lasso', 10, 1, 's2', -1.2601931645528544),
	('lasso', 10, 1, 's3', -2.0207934934117313),
	('lasso', 10, 1, 's4', 0),
	('lasso', 10, 1, 's5', 0),
	('lasso', 10, 1, 's6', 0.31991050107723173),
	('elasticnet', 100, 0.5, '(Intercept)', -28.793256926739275),
	('elasticnet', 100, 0.5, 'age', 0),
	('elasticnet', 100, 0.5, 'sex', 0),
	('elasticnet', 100, 0.5, 'bmi', 1.0629079785992201),
	('elasticnet', 100, 0.5, 'bp', 1.1868206048818983),
	('elasticnet', 100, 0.5, 's1', 0.38102576171524549),
	('elasticnet', 100, 0.5, 's2', -0.1992390940142921),
	('elasticnet', 100, 0.5, 's3', -1.2991423268287061),
	('elasticnet', 100, 0.5, 's4', 0),
	('elasticnet', 100, 0.5, 's5', 0),
	('elasticnet', 100, 0.5, 's6', 0.61557676577212006);

CREATE FUNCTION pg_temp.relerr(a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT CASE WHEN a = b THEN 0 ELSE abs(a - b) / abs(b) END $$;
CREATE FUNCTION pg_temp.en_name(alpha float8, l1_ratio float8) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT 'en_' || replace(alpha::text, '.', '_') || '_' || replace(l1_ratio::text, '.', '_') $$;

-- every case with the default tol and max_iter; the fits converge in far
-- fewer sweeps than sklearn needed at tol 1e-14 (813, 1665, 1436, 251, 123)
-- and are then exact on their active set
SELECT c.alpha, c.l1_ratio, t.version, t.deployed,
	   t.metrics->>'converged' AS converged,
	   (t.metrics->>'iterations')::int < 1000 AS under_max_iter,
	   (t.metrics->>'n_nonzero')::int AS n_nonzero,
	   (t.metrics->>'dual_gap')::float8 < 1e-9 AS gap_small,
	   t.metrics->>'evaluated_on' AS evaluated_on
FROM (SELECT DISTINCT alpha, l1_ratio FROM sk_enet) c,
	 LATERAL mlops.train(pg_temp.en_name(c.alpha, c.l1_ratio), 'diabetes',
						 'progression', 'elastic_net',
						 hyperparams => jsonb_build_object('alpha', c.alpha,
														   'l1_ratio', c.l1_ratio),
						 test_size => 0, deploy => 'always') t
ORDER BY c.alpha, c.l1_ratio;
SELECT hyperparams FROM mlops.versions WHERE model = 'en_0_1_0_5';

-- intercept and every coefficient against sklearn, to 1e-6 relative (the
-- differences measured are 3e-14 to 1.2e-12; sklearn itself is 9.9e-13
-- from the exact optimum at alpha 1); the lasso's zeros are sklearn's,
-- exactly, and the lasso rows (sklearn's Lasso) agree too
SELECT s.model, s.alpha, s.l1_ratio, count(*) AS terms,
	   max(pg_temp.relerr(c.estimate, s.estimate)) < 1e-6 AS estimate_ok,
	   count(*) FILTER (WHERE s.estimate = 0) AS sk_zeros,
	   bool_and((c.estimate = 0) = (s.estimate = 0)) AS same_zeros,
	   bool_and(c.std_error IS NULL AND c.statistic IS NULL AND c.p_value IS NULL) AS no_stats
FROM sk_enet s
JOIN LATERAL mlops.coefficients(pg_temp.en_name(s.alpha, s.l1_ratio)) c USING (term)
GROUP BY s.model, s.alpha, s.l1_ratio ORDER BY s.alpha, s.model;

-- control: alpha 1.001 (lasso) moves the coefficients by more than 1e-6,
-- so the same check fails
SELECT version FROM mlops.train('en_ctl', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 1.001, "l1_ratio": 1}', test_size => 0);
SELECT max(pg_temp.relerr(c.estimate, s.estimate)) < 1e-6 AS alpha_1_001_ok,
	   max(pg_temp.relerr(c.estimate, s.estimate)) > 1e-5 AS alpha_1_001_detected
FROM sk_enet s JOIN mlops.coefficients('en_ctl') c USING (term)
WHERE s.model = 'elasticnet' AND s.alpha = 1;

-- terms are linear's, in feature order
SELECT term, round(estimate::numeric, 6) AS estimate
FROM mlops.coefficients('en_10_1');

-- predict is the dot product of the coefficients, row and array forms
WITH c AS (SELECT array_agg(estimate ORDER BY ord) AS b
		   FROM mlops.coefficients('en_0_1_0_5') WITH ORDINALITY AS t(term, estimate, std_error, t_value, p_value, ord)),
p AS (SELECT mlops.predict('en_0_1_0_5', d) AS by_row,
			 mlops.predict('en_0_1_0_5', ARRAY[age, sex, bmi, bp, s1, s2, s3, s4, s5, s6]) AS by_array,
			 b[1] + b[2] * age + b[3] * sex + b[4] * bmi + b[5] * bp + b[6] * s1 +
			 b[7] * s2 + b[8] * s3 + b[9] * s4 + b[10] * s5 + b[11] * s6 AS dot
	  FROM diabetes d, c)
SELECT count(*), max(abs(by_row - dot) / abs(dot)) < 1e-12 AS row_is_dot,
	   bool_and(by_row = by_array) AS array_is_row
FROM p;

-- alpha = 0 is ordinary least squares: algorithm 'linear' to 1e-8
SELECT version FROM mlops.train('en_ols', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 0}', test_size => 0);
SELECT version FROM mlops.train('lin_ols', 'diabetes', 'progression', 'linear',
	test_size => 0);
SELECT count(*) AS terms, max(pg_temp.relerr(e.estimate, l.estimate)) < 1e-8 AS ols_same
FROM mlops.coefficients('en_ols') e JOIN mlops.coefficients('lin_ols') l USING (term);
-- and l1_ratio 0 is ridge with linear's alpha = n alpha (442 * 0.1)
SELECT version FROM mlops.train('en_ridge', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 0.1, "l1_ratio": 0}', test_size => 0);
SELECT version FROM mlops.train('lin_ridge', 'diabetes', 'progression', 'linear',
	hyperparams => '{"alpha": 44.2}', test_size => 0);
SELECT count(*) AS terms, max(pg_temp.relerr(e.estimate, l.estimate)) < 1e-8 AS ridge_same
FROM mlops.coefficients('en_ridge') e JOIN mlops.coefficients('lin_ridge') l USING (term);

-- no intercept
SELECT t.metrics->>'converged' AS converged, (t.metrics->>'n_nonzero')::int AS n_nonzero
FROM mlops.train('en_noint', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 1, "fit_intercept": false}', test_size => 0) t;
SELECT count(*) AS terms, bool_or(term = '(Intercept)') AS has_intercept
FROM mlops.coefficients('en_noint');

-- max_iter reached: a WARNING and "converged": false
SELECT t.metrics->>'converged' AS converged, t.metrics->>'iterations' AS iterations
FROM mlops.train('en_short', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 1, "l1_ratio": 1, "max_iter": 2}', test_size => 0) t;

-- held-out rows: the test metrics of linear's pass, and deploy => 'best'
-- against the deployed linear version on the same rows
SELECT version, deployed FROM mlops.train('en_vs_lin', 'diabetes', 'progression', 'linear',
	deploy => 'always');
SELECT t.version, t.deployed IS NOT NULL AS decided,
	   t.metrics->>'evaluated_on' AS evaluated_on, (t.metrics->>'n')::int AS n_test,
	   (t.metrics->>'n_train')::int AS n_train,
	   round((t.metrics->>'r2')::numeric, 4) BETWEEN 0.3 AND 0.7 AS r2_plausible
FROM mlops.train('en_vs_lin', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 0.01, "l1_ratio": 0.5}', deploy => 'best') t;
-- the same elastic net again: it ties with itself, so 'best' keeps it
SELECT mlops.deploy('en_vs_lin', 2);
SELECT t.version, t.deployed
FROM mlops.train('en_vs_lin', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 0.01, "l1_ratio": 0.5}', deploy => 'best') t;

-- bad hyperparameters, with their SQLSTATE
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"l1_ratio": 1.5}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"l1_ratio": -0.1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": -1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"lambda": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"max_iter": 0}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"max_iter": 2.5}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"max_iter": 1000001}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"tol": "1e-4"}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"fit_intercept": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 1e400}')$$);
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'diabetes', 'progression', 'elastic_net',
	hyperparams => '{"alpha": 1}', features => '{}')$$);
CREATE TABLE en_empty AS SELECT * FROM diabetes WHERE false;
SELECT pg_temp.try($$SELECT mlops.train('en_bad', 'en_empty', 'progression', 'elastic_net')$$);
SELECT count(*) AS bad_models FROM mlops.models WHERE model = 'en_bad';

-- 300 features, past the 90 the passes take as separate arguments: the
-- lasso finds the 5 features y depends on
SELECT setseed(0.27);
DO $$
BEGIN
	EXECUTE 'CREATE TEMP TABLE en_wide AS SELECT '
		|| (SELECT string_agg(format('round((random() * 2 - 1)::numeric, 3)::float8 AS x%s', j), ', ')
			FROM generate_series(1, 300) j)
		|| ' FROM generate_series(1, 400)';
END $$;
ALTER TABLE en_wide ADD COLUMN y float8;
UPDATE en_wide SET y = 3 * x1 - 2 * x2 + x3 + 0.5 * x150 - 4 * x300 + 0.001 * (x10 - x20);
SELECT t.metrics->>'converged' AS converged, (t.metrics->>'n_nonzero')::int AS n_nonzero,
	   (t.metrics->>'n_train')::int AS n_train, (t.metrics->>'r2')::float8 > 0.99 AS r2_high
FROM mlops.train('en_wide', 'en_wide', 'y', 'elastic_net',
	hyperparams => '{"alpha": 0.01, "l1_ratio": 1}', test_size => 0.2) t;
SELECT term, round(estimate::numeric, 2) AS estimate
FROM mlops.coefficients('en_wide') WHERE abs(estimate) > 0.05;
SELECT count(*) AS rows,
	   max(abs(mlops.predict('en_wide', w) - y)) < 0.2 AS predictions_close
FROM en_wide w;
DROP TABLE en_empty;
