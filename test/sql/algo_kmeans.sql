--
-- The kmeans family: k = 3 on data/iris.csv (4 features) and data/wine.csv
-- (13), unscaled and scaled, against the best of 50 starts of R's kmeans;
-- predict and transform against the centres in SQL; the same seed twice,
-- another seed; a parallel plan against a serial one; algorithm 'auto'
-- without a target; the errors.
--
-- The reference numbers are literals from test/reference/kmeans.out
-- (kmeans.R: R 4.2.2, nstart 50) and kmeans_sklearn.out (the silhouette
-- of scikit-learn 1.2.1's best partition); neither R nor Python is needed.
-- R's scale() divides by the standard deviation with denominator n - 1,
-- scale => 'standard' by the population one (as StandardScaler), so a
-- scaled inertia here is R's times n / (n - 1) at the same partition.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
\i :abs_srcdir/include/pass_state.sql
\cd :abs_srcdir/../data
CREATE TABLE km_iris (sepal_length float8, sepal_width float8,
					  petal_length float8, petal_width float8, species text);
\copy km_iris FROM 'iris.csv' (FORMAT csv, HEADER)
CREATE TABLE km_wine (alcohol float8, malic_acid float8, ash float8,
					  alcalinity_of_ash float8, magnesium float8,
					  total_phenols float8, flavanoids float8,
					  nonflavanoid_phenols float8, proanthocyanins float8,
					  color_intensity float8, hue float8,
					  od280_od315_of_diluted_wines float8, proline float8,
					  cultivar text);
\copy km_wine FROM 'wine.csv' (FORMAT csv, HEADER)
\cd :abs_srcdir
ALTER TABLE km_iris ADD COLUMN id serial;
ALTER TABLE km_wine ADD COLUMN id serial;
CREATE VIEW km_iris_x AS
	SELECT sepal_length, sepal_width, petal_length, petal_width FROM km_iris;
CREATE VIEW km_wine_x AS
	SELECT alcohol, malic_acid, ash, alcalinity_of_ash, magnesium, total_phenols,
		   flavanoids, nonflavanoid_phenols, proanthocyanins, color_intensity, hue,
		   od280_od315_of_diluted_wines, proline FROM km_wine;
SELECT (SELECT count(*) FROM km_iris) AS iris, (SELECT count(*) FROM km_wine) AS wine;

-- r_kmeans_fit (dataset, algorithm, tot_withinss), test/reference/kmeans.out
CREATE TEMP TABLE r_kmeans (dataset text, algorithm text, tot_withinss float8);
INSERT INTO r_kmeans VALUES
	('iris', 'Hartigan-Wong', 78.851441426145996),
	('iris', 'Lloyd', 78.851441426146039),
	('iris_scaled', 'Hartigan-Wong', 138.88835971735148),
	('iris_scaled', 'Lloyd', 138.88835971735139),
	('wine', 'Hartigan-Wong', 2370689.6867829687),
	('wine', 'Lloyd', 2370689.6867829696),
	('wine_scaled', 'Hartigan-Wong', 1270.7491153118076),
	('wine_scaled', 'Lloyd', 1270.7491153118081);
-- sk_kmeans_fit (dataset, silhouette), test/reference/kmeans_sklearn.out
CREATE TEMP TABLE sk_kmeans (dataset text, silhouette float8);
INSERT INTO sk_kmeans VALUES
	('iris', 0.55281901235640951),
	('iris_scaled', 0.45994823920518635),
	('wine', 0.5711381937868838),
	('wine_scaled', 0.2848589191898987);

SELECT model, version, algorithm, deployed
FROM mlops.train('km_iris', 'km_iris_x', NULL, 'kmeans', '{"k": 3}');
SELECT model, version, algorithm, deployed
FROM mlops.train('km_iris_scaled', 'km_iris_x', NULL, 'kmeans',
				 '{"k": 3, "scale": "standard"}');
SELECT model, version, algorithm, deployed
FROM mlops.train('km_wine', 'km_wine_x', NULL, 'kmeans', '{"k": 3}');
SELECT model, version, algorithm, deployed
FROM mlops.train('km_wine_scaled', 'km_wine_x', NULL, 'kmeans',
				 '{"k": 3, "scale": "standard"}');
SELECT model, task, algorithm FROM mlops.models WHERE model LIKE 'km%' ORDER BY 1;
SELECT hyperparams FROM mlops.versions WHERE model = 'km_wine_scaled';

-- the inertia's relative gap to R's best of 50 starts (tolerance 0.1%)
CREATE TEMP VIEW km_gap AS
SELECT v.model, v.version, v.hyperparams->>'seed' AS seed,
	   (v.metrics->>'inertia')::float8 AS inertia,
	   ((v.metrics->>'inertia')::float8 *
		CASE WHEN v.hyperparams->>'scale' = 'standard'
			 THEN ((v.metrics->>'n')::float8 - 1) / (v.metrics->>'n')::float8
			 ELSE 1 END - r.best) / r.best AS gap,
	   v.metrics
FROM mlops.versions v
JOIN (SELECT dataset, min(tot_withinss) AS best FROM r_kmeans GROUP BY 1) r
  ON r.dataset = substr(v.model, 4)
	 OR r.dataset = substr(regexp_replace(v.model, '_seed.*|_par.*', ''), 4);
SELECT model, version, round(gap::numeric, 5) AS gap, gap <= 0.001 AS within_tolerance,
	   metrics->'n' AS n, metrics->'iterations' AS iterations,
	   metrics->'passes' AS passes, metrics->'converged' AS converged,
	   metrics->'cluster_sizes' AS sizes
FROM km_gap WHERE model IN ('km_iris', 'km_iris_scaled', 'km_wine', 'km_wine_scaled')
ORDER BY 1;
-- a control: the check fails for an inertia 0.2% above R's
SELECT (inertia * 1.002 - 78.851441426145996) / 78.851441426145996 <= 0.001 AS control
FROM km_gap WHERE model = 'km_iris';

-- the other metrics; the silhouette equals scikit-learn's where the
-- partition is R's (the gap is at rounding level), on every row (<= 2000)
SELECT model, metrics->'n_init' AS n_init, metrics->'rows_skipped' AS skipped,
	   metrics->>'score_metric' AS score_metric,
	   (metrics->'score') = (metrics->'inertia') AS score_is_inertia,
	   round((metrics->>'silhouette')::numeric, 4) AS silhouette,
	   CASE WHEN abs(gap) < 1e-12
			THEN abs((metrics->>'silhouette')::float8 - s.silhouette) < 1e-12
	   END AS silhouette_as_sklearn
FROM km_gap JOIN sk_kmeans s ON s.dataset = substr(model, 4)
ORDER BY 1;

-- centres: k x features rows, cluster 0-based; iris's are R's
SELECT cluster, feature, round(value::numeric, 10) AS value
FROM mlops.centers('km_iris') ORDER BY cluster, feature;
SELECT count(*), count(DISTINCT cluster), min(cluster), max(cluster)
FROM mlops.centers('km_wine_scaled');

-- predict is the index of the nearest centre computed in SQL (the lowest
-- of a tie), transform the distances to every centre (scaled: each
-- difference divided by the column's population standard deviation)
CREATE TEMP TABLE km_sd AS
SELECT 'km_wine_scaled'::text AS model, j.key AS feature, stddev_pop(j.value::float8) AS sd
FROM km_wine t, jsonb_each_text(to_jsonb(t) - 'id' - 'cultivar') j GROUP BY j.key
UNION ALL
SELECT 'km_iris_scaled', j.key, stddev_pop(j.value::float8)
FROM km_iris t, jsonb_each_text(to_jsonb(t) - 'id' - 'species') j GROUP BY j.key;
CREATE TEMP TABLE km_rows AS
SELECT 'iris' AS dataset, id, to_jsonb(t) - 'id' - 'species' AS x FROM km_iris t
UNION ALL
SELECT 'wine', id, to_jsonb(t) - 'id' - 'cultivar' FROM km_wine t;
CREATE TEMP TABLE km_sql_dist AS
SELECT m.model, r.id, c.cluster,
	   sqrt(sum(((j.value::float8 - c.value) / coalesce(s.sd, 1)) ^ 2)) AS dist
FROM (VALUES ('km_iris', 'iris'), ('km_iris_scaled', 'iris'), ('km_wine', 'wine'),
			 ('km_wine_scaled', 'wine')) m(model, dataset)
JOIN km_rows r USING (dataset)
CROSS JOIN LATERAL jsonb_each_text(r.x) j
JOIN LATERAL mlops.centers(m.model) c ON c.feature = j.key
LEFT JOIN km_sd s ON s.model = m.model AND s.feature = j.key
GROUP BY 1, 2, 3;
CREATE TEMP TABLE km_scored AS
SELECT m.model, t.id, mlops.predict(m.model, t) AS predicted, mlops.transform(m.model, t) AS t
FROM (VALUES ('km_iris'), ('km_iris_scaled')) m(model), km_iris t
UNION ALL
SELECT m.model, t.id, mlops.predict(m.model, t), mlops.transform(m.model, t)
FROM (VALUES ('km_wine'), ('km_wine_scaled')) m(model), km_wine t;
SELECT d.model, count(*) AS rows,
	   count(*) FILTER (WHERE d.nearest <> p.predicted) AS predict_differs
FROM (SELECT model, id, (array_agg(cluster ORDER BY dist, cluster))[1] AS nearest
	  FROM km_sql_dist GROUP BY 1, 2) d
JOIN km_scored p USING (model, id)
GROUP BY 1 ORDER BY 1;
SELECT d.model, count(*) AS distances,
	   max(abs(d.dist - (p.t)[d.cluster + 1]) / greatest(d.dist, 1)) < 1e-12 AS transform_as_sql,
	   bool_and(cardinality(p.t) = 3) AS three_each
FROM km_sql_dist d JOIN km_scored p USING (model, id)
GROUP BY 1 ORDER BY 1;
-- the array forms, and the inertia as the squared distances' sum
SELECT mlops.predict('km_iris', ARRAY[5.1, 3.5, 1.4, 0.2]) =
	   mlops.predict('km_iris', ARRAY[5.1, 3.5, 1.4, 0.2]::float8[]) AS same,
	   cardinality(mlops.transform('km_iris', ARRAY[5.1, 3.5, 1.4, 0.2]::float8[])) AS n;
SELECT abs(sum(d) - (SELECT inertia FROM km_gap WHERE model = 'km_wine')) /
	   sum(d) < 1e-12 AS inertia_is_sum_of_squares
FROM (SELECT min(dist ^ 2) AS d FROM km_sql_dist WHERE model = 'km_wine' GROUP BY id) s;

-- the same seed gives the same model; another seed may differ, within tolerance
SELECT version FROM mlops.train('km_wine', 'km_wine_x', NULL, 'kmeans', '{"k": 3}');
SELECT count(*), bool_and(a.value = b.value) AS same_centres
FROM mlops.centers('km_wine@1') a JOIN mlops.centers('km_wine@2') b USING (cluster, feature);
SELECT version FROM mlops.train('km_wine_scaled_seed7', 'km_wine_x', NULL, 'kmeans',
								'{"k": 3, "seed": 7, "scale": "standard"}');
SELECT version FROM mlops.train('km_iris_seed7', 'km_iris_x', NULL, 'kmeans',
								'{"k": 3, "seed": 7, "n_init": 3}');
SELECT model, seed, round(gap::numeric, 5) AS gap, gap <= 0.001 AS within_tolerance
FROM km_gap WHERE model LIKE '%seed7' ORDER BY 1;

-- a forced parallel plan (rows split over two workers) gives the serial centres
CREATE TABLE km_wine50 AS SELECT x.* FROM km_wine_x x, generate_series(1, 50);
SELECT version FROM mlops.train('km_wine_serial', 'km_wine50', NULL, 'kmeans',
								'{"k": 3, "scale": "standard"}');
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT mlops._kmeans_sample_state(3, 0, NULL, alcohol, hue) FROM km_wine50;
EXPLAIN (COSTS OFF)
SELECT mlops._kmeans_lloyd_state('{{{1,2}}}', '{1,1}', NULL, alcohol, hue) FROM km_wine50;
SELECT version FROM mlops.train('km_wine_par', 'km_wine50', NULL, 'kmeans',
								'{"k": 3, "scale": "standard"}');
SELECT count(*), max(abs(a.value - b.value) / greatest(abs(a.value), 1)) < 1e-9 AS same_centres
FROM mlops.centers('km_wine_serial') a JOIN mlops.centers('km_wine_par') b
  USING (cluster, feature);
SELECT abs((s.metrics->>'inertia')::float8 - (p.metrics->>'inertia')::float8) /
	   (s.metrics->>'inertia')::float8 < 1e-12 AS same_inertia,
	   round((s.metrics->>'inertia')::numeric / 50, 6) AS per_copy
FROM mlops.versions s, mlops.versions p
WHERE s.model = 'km_wine_serial' AND p.model = 'km_wine_par';
-- the sample pass on no row, and on rows that are all NULL
SELECT mlops._kmeans_sample_state(3, 0, NULL, alcohol, hue) IS NULL AS empty
FROM km_wine50 WHERE false;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- algorithm 'auto' without a target is kmeans (k = 8 by default)
SELECT model, algorithm, metrics->'cluster_sizes' AS sizes
FROM mlops.train('km_auto', 'km_iris_x', NULL);
SELECT task FROM mlops.models WHERE model = 'km_auto';
-- k = 1: the mean, no silhouette
SELECT metrics->'inertia' IS NOT NULL AS inertia, metrics->'silhouette' AS silhouette
FROM mlops.train('km_one', 'km_iris_x', NULL, 'kmeans', '{"k": 1}');
SELECT feature, round(value::numeric, 6) FROM mlops.centers('km_one') ORDER BY 1;
-- max_iter reached: a warning, converged false
SELECT metrics->'converged' AS converged, metrics->'iterations' AS iterations
FROM mlops.train('km_short', 'km_wine_x', NULL, 'kmeans',
				 '{"k": 3, "max_iter": 1, "tol": 0}');

-- errors
CREATE TABLE km_small (a float8, b float8);
INSERT INTO km_small VALUES (1, 2), (1, 2), (-0.0, 3), (0, 3);
CREATE TABLE km_empty (a float8, b float8);
CREATE TABLE km_nulls (a float8, b float8);
INSERT INTO km_nulls VALUES (1, NULL), (NULL, 2);
CREATE TABLE km_nan (a float8, b float8);
INSERT INTO km_nan VALUES (1, 2), (3, 'NaN');
CREATE TABLE km_inf (a float8, b float8);
INSERT INTO km_inf VALUES ('-Infinity', 2);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_small', NULL, 'kmeans', '{"k": 3}')$$);
SELECT metrics->'cluster_sizes' AS sizes
FROM mlops.train('km_two', 'km_small', NULL, 'kmeans', '{"k": 2}');
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_empty', NULL, 'kmeans', '{"k": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_nulls', NULL, 'kmeans', '{"k": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_nan', NULL, 'kmeans', '{"k": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_inf', NULL, 'kmeans', '{"k": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris', 'species', 'kmeans')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'kmeans', '{"k": 0}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'kmeans', '{"k": 2.5}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'kmeans', '{"n_init": 0}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'kmeans', '{"max_iter": 0}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'kmeans', '{"tol": -1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'kmeans', '{"scale": "minmax"}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'kmeans', '{"scale": true}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'kmeans', '{"clusters": 3}')$$);
SELECT pg_temp.try($$SELECT mlops.train('km_e', 'km_iris_x', NULL, 'linear')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.coefficients('km_iris')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.components('km_iris')$$);
SELECT pg_temp.try($$SELECT mlops.predict('km_iris', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.transform('km_iris', ARRAY[1, 2, 3, 'NaN']::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict_proba('km_iris', ARRAY[1, 2, 3, 4]::float8[])$$);
-- the support functions, as if through an aggregate of one's own
SELECT pg_temp.try($$SELECT mlops._kmeans_lloyd_state('{1,2}', '{1,1}', NULL, a, b) FROM km_small$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_lloyd_state('{{{1,2}}}', '{1,0}', NULL, a, b) FROM km_small$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_lloyd_state('{{{1,2,3}}}', '{1,1}', NULL, a, b) FROM km_small$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_lloyd_state(ARRAY[[[a, b]]], '{1,1}', NULL, a, b) FROM km_small$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_lloyd_state('{{{1,2}}}', '{1,1}', NULL, a, b, a) FROM km_small$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_sample_state(0, 0, NULL, a, b) FROM km_small$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_sample_state(3, NULL, NULL, a, b) FROM km_small$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_sample_state(ARRAY[a, b, a], 3, 0, NULL) FROM km_small$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_combine(NULL, NULL)$$);
SELECT pg_temp.try($$SELECT mlops._kmeans_sample_accum(NULL, 1, 0, NULL, 1::float8)$$);
-- a sample state and a Lloyd state do not merge; states round-trip as text
CREATE TEMP TABLE km_states AS
SELECT (SELECT mlops._kmeans_sample_state(2, 0, NULL, a, b) FROM km_small) AS sample,
	   (SELECT mlops._kmeans_lloyd_state('{{{1,2},{0,3}}}', '{1,1}', NULL, a, b)
		FROM km_small) AS lloyd;
SELECT sample::text::mlops.pass_state::text = sample::text AS sample_text,
	   lloyd::text::mlops.pass_state::text = lloyd::text AS lloyd_text
FROM km_states;
-- a Lloyd state buffers rows (dims[2] = its capacity, 256 here; dims[3]
-- = the rows in it): a full buffer, a capacity other than its shape's, or
-- more buffered rows than rows would let the next row be written past the
-- buffer, so the input refuses them (nbuf 1: a state that may hold a row)
SELECT f.field, pg_temp.try(format('SELECT %L::mlops.pass_state', pg_temp.patch(lloyd::text, f.at, f.hex)))
FROM km_states, (VALUES ('nbuf 256', 28, '00000100'), ('nbuf -1', 28, 'ffffffff'),
                        ('bufcap 128', 24, '00000080'), ('nbuf 1', 28, '00000001')) f(field, at, hex);
CREATE AGGREGATE pg_temp.km_merge(mlops.pass_state) (
	SFUNC = mlops._kmeans_combine, STYPE = mlops.pass_state);
SELECT pg_temp.try($$SELECT pg_temp.km_merge(s) FROM (SELECT sample FROM km_states UNION ALL
											   SELECT lloyd FROM km_states) x(s)$$);
SELECT pg_temp.try($$SELECT pg_temp.km_merge(s) FROM (SELECT sample FROM km_states UNION ALL
											   SELECT sample FROM km_states) x(s)$$);
SELECT pg_temp.try($$SELECT pg_temp.km_merge(s) FROM (SELECT lloyd FROM km_states UNION ALL
											   SELECT lloyd FROM km_states) x(s)$$);
-- a state stored as it is (km_states.lloyd holds its rows still in its
-- buffer; its text form has them added): merged as the second state, its
-- buffered rows are added from a copy, so the merge equals that of the
-- text forms
SELECT (SELECT pg_temp.km_merge(s ORDER BY o)
		FROM (SELECT 1, lloyd::text::mlops.pass_state FROM km_states UNION ALL
			  SELECT 2, lloyd FROM km_states) x(o, s))::text
	   = (SELECT pg_temp.km_merge(s ORDER BY o)
		  FROM (SELECT 1, lloyd::text::mlops.pass_state FROM km_states UNION ALL
				SELECT 2, lloyd::text::mlops.pass_state FROM km_states) x(o, s))::text
	   AS buffered_rows_added;
SELECT pg_temp.try($$SELECT pg_temp.km_merge(s) FROM (SELECT lloyd FROM km_states UNION ALL
	SELECT mlops._kmeans_lloyd_state('{{{1,2},{0,4}}}', '{1,1}', NULL, a, b) FROM km_small) x(s)$$);

DROP AGGREGATE pg_temp.km_merge(mlops.pass_state);
SELECT count(*) FROM (SELECT mlops.drop_model(model) FROM mlops.models WHERE model LIKE 'km%') s;
DROP VIEW km_iris_x, km_wine_x;
DROP TABLE km_iris, km_wine, km_wine50, km_small, km_empty, km_nulls, km_nan, km_inf;
