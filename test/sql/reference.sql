--
-- Agreement with reference implementations on ordinary data:
-- data/diabetes.csv (442 rows, 10 features), ordinary least squares
-- against R's lm() and ridge against scikit-learn's Ridge.
--
-- The reference numbers are literals produced by the scripts in
-- test/reference/ (see their headers to rerun them); neither R nor Python
-- is needed to run this test.  Each comparison prints whether the largest
-- relative difference is below the tolerance, and a control shows that the
-- same check fails for a slightly different model, so it can fail.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\cd :abs_srcdir/../data
CREATE TEMP TABLE diabetes (age float8, sex float8, bmi float8, bp float8,
							s1 float8, s2 float8, s3 float8, s4 float8,
							s5 float8, s6 float8, progression float8);
\copy diabetes FROM 'diabetes.csv' (FORMAT csv, HEADER)
\cd :abs_srcdir
SELECT count(*) FROM diabetes;

-- R version 4.2.2 Patched (2022-11-10 r83330), sigma 54.154239328055688, df 431, r.squared 0.51774842222034989
CREATE TEMP TABLE r_lm (term text, estimate float8, std_error float8,
						t_value float8, p_value float8);
INSERT INTO r_lm VALUES
	('(Intercept)', -334.56713851878771, 67.454621104341371, -4.9598846311991958, 1.016617292003825e-06),
	('age', -0.036361224223624901, 0.21704143540876231, -0.16753125574913583, 0.86703063370008615),
	('sex', -22.859648090498371, 5.8358212850148696, -3.917126137703534, 0.00010416711927693407),
	('bmi', 5.6029620919237013, 0.71710550056091082, 7.8133023488749362, 4.2963914195188431e-14),
	('bp', 1.1168079933181909, 0.22523816918826939, 4.9583425284578952, 1.0242783922114066e-06),
	('s1', -1.089996334063245, 0.57333185855006119, -1.9011612869722827, 0.057947605369196367),
	('s2', 0.74645045551423006, 0.53083438976602404, 1.4061833029379336, 0.16039024001496255),
	('s3', 0.37200471508916011, 0.78246384562671878, 0.47542735318486296, 0.63472325577519884),
	('s4', 6.5338319359903672, 5.9586378372163171, 1.0965311392448651, 0.27345869366067588),
	('s5', 68.483124964788402, 15.66971923870719, 4.3704117426445039, 1.5558990865392692e-05),
	('s6', 0.28011698932150469, 0.27331395035936601, 1.0248909320332671, 0.3059895261964215);

-- scikit-learn 1.2.1, numpy 1.24.2, solver svd (checked against cholesky)
CREATE TEMP TABLE sk_ridge (alpha int, term text, estimate float8);
INSERT INTO sk_ridge VALUES
	(10, '(Intercept)', -226.25423522596239),
	(10, 'age', -0.018830389044545023),
	(10, 'sex', -20.52921775635917),
	(10, 'bmi', 5.8337334945322157),
	(10, 'bp', 1.1235145909941411),
	(10, 's1', -0.050536902743142598),
	(10, 's2', -0.20862182196584422),
	(10, 's3', -0.77519854549268707),
	(10, 's4', 4.6843002899075596),
	(10, 's5', 37.25873173188635),
	(10, 's6', 0.32299468120512942),
	(1000, '(Intercept)', -106.15195302144028),
	(1000, 'age', -0.052427187449450449),
	(1000, 'sex', -1.884313964674426),
	(1000, 'bmi', 5.5421098037120906),
	(1000, 'bp', 1.0745606138987727),
	(1000, 's1', 1.2409556522876759),
	(1000, 's2', -1.3480307005998127),
	(1000, 's3', -2.113066819178802),
	(1000, 's4', 0.3461343424795349),
	(1000, 's5', 0.99266442038549396),
	(1000, 's6', 0.39234361937555495);

CREATE FUNCTION pg_temp.relerr(a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT abs(a - b) / abs(b) $$;

SELECT version, deployed, metrics->>'refinement_passes' AS passes
FROM mlops.train('diabetes_ols', 'diabetes', 'progression', 'linear',
				 test_size => 0, deploy => 'always');

-- OLS against lm(): estimates, standard errors, t and p values, all to
-- 1e-8 relative.  The p values need no looser bound: ours come from a
-- continued fraction for the incomplete beta function that converges to
-- ~1e-16, R's pt() is good to a few ulps, and p amplifies the relative
-- error of t by about t^2 at most (60 for bmi); the worst difference
-- measured is 4e-13 (estimates 2e-14, standard errors 1e-15).
SELECT count(*) AS terms,
	   max(pg_temp.relerr(c.estimate, r.estimate)) < 1e-8 AS estimate_ok,
	   max(pg_temp.relerr(c.std_error, r.std_error)) < 1e-8 AS std_error_ok,
	   max(pg_temp.relerr(c.statistic, r.t_value)) < 1e-8 AS t_value_ok,
	   max(pg_temp.relerr(c.p_value, r.p_value)) < 1e-8 AS p_value_ok
FROM mlops.coefficients('diabetes_ols') c JOIN r_lm r USING (term);

-- ridge against scikit-learn, alpha = 10 and 1000
SELECT version, deployed
FROM mlops.train('diabetes_ridge10', 'diabetes', 'progression', 'linear',
				 hyperparams => '{"alpha": 10}', test_size => 0, deploy => 'always');
SELECT version, deployed
FROM mlops.train('diabetes_ridge1000', 'diabetes', 'progression', 'linear',
				 hyperparams => '{"alpha": 1000}', test_size => 0, deploy => 'always');
SELECT s.alpha, count(*) AS terms,
	   max(pg_temp.relerr(c.estimate, s.estimate)) < 1e-8 AS estimate_ok,
	   bool_and(c.std_error IS NULL) AS no_std_error
FROM sk_ridge s
JOIN LATERAL mlops.coefficients('diabetes_ridge' || s.alpha) c USING (term)
GROUP BY s.alpha ORDER BY s.alpha;

-- controls: the same checks fail for a model that differs a little.
-- alpha = 10.001 moves the coefficients by up to 1e-3 relative, and OLS
-- against the alpha = 10 reference fails by far.
SELECT version, deployed
FROM mlops.train('diabetes_ridge10b', 'diabetes', 'progression', 'linear',
				 hyperparams => '{"alpha": 10.001}', test_size => 0, deploy => 'always');
SELECT max(pg_temp.relerr(c.estimate, s.estimate)) < 1e-8 AS alpha_10_001_ok,
	   max(pg_temp.relerr(c.estimate, s.estimate)) > 1e-7 AS alpha_10_001_detected
FROM sk_ridge s JOIN mlops.coefficients('diabetes_ridge10b') c USING (term)
WHERE s.alpha = 10;
SELECT max(pg_temp.relerr(c.estimate, s.estimate)) < 1e-8 AS ols_as_ridge_ok
FROM sk_ridge s JOIN mlops.coefficients('diabetes_ols') c USING (term)
WHERE s.alpha = 10;
