--
-- wide_models: models with many features (30, 200, 1000, and one below,
-- at and above each internal size threshold) trained, stored and scored by
-- every path: array and row form, mlops.coefficients, serial and parallel
-- plans, and artifacts stored out of line (TOAST).  The data are integers
-- with a known exact linear relation, so every fit must recover the
-- generating coefficients and every prediction the target computed in SQL.
--

-- the feature columns of each test relation and their generating coefficients
CREATE TABLE wm_cols (rel text, j int, name text, coef float8, PRIMARY KEY (rel, j));

-- wide_table(tab, n, nrows, typ, long_every): table tab (id, n feature
-- columns of type typ, y float8) of random integers 0..9, every
-- long_every-th column with a 50-byte name, y = 0.5 + sum(coef * x)
-- exactly; and tab_src (id, x float8[], y), the same rows as arrays
CREATE FUNCTION pg_temp.wide_table(tab text, n int, nrows int,
                                   typ text DEFAULT 'float8', long_every int DEFAULT 0)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO wm_cols
    SELECT tab, j,
           CASE WHEN long_every > 0 AND j % long_every = 0
                THEN rpad(format('f%s_', j), 50, 'long_column_name_')
                ELSE 'x' || j END,
           ((j * 37) % 17 - 8) / 4.0
    FROM generate_series(1, n) j;
    EXECUTE (SELECT format('CREATE TABLE %I AS SELECT *, %s AS y FROM '
                           '(SELECT g AS id, %s FROM generate_series(1, %s) g OFFSET 0) s',
                           tab,
                           '0.5::float8 + ' || string_agg(format('%s * %I::float8', coef, name), ' + ' ORDER BY j),
                           string_agg(format('floor(random() * 10)::%s AS %I', typ, name), ', ' ORDER BY j),
                           nrows)
             FROM wm_cols c WHERE c.rel = tab);
    EXECUTE (SELECT format('CREATE TABLE %I AS SELECT id, ARRAY[%s]::float8[] AS x, y FROM %I',
                           tab || '_src', string_agg(quote_ident(name), ', ' ORDER BY j), tab)
             FROM wm_cols c WHERE c.rel = tab);
    EXECUTE format('ANALYZE %I', tab);
    EXECUTE format('ANALYZE %I', tab || '_src');
END
$$;

-- the feature names of a test relation, in order
CREATE FUNCTION pg_temp.names(rel text) RETURNS text[]
LANGUAGE sql AS $$ SELECT array_agg(name ORDER BY j) FROM wm_cols c WHERE c.rel = names.rel $$;

-- check(model, rel): a model trained on rel has the generating
-- coefficients; its predictions, array and row form, are the exact targets
-- and the sum of coefficient * x computed in SQL from its own coefficients;
-- the exported aggregates over the arrays give the same fit
CREATE FUNCTION pg_temp.check(model text, rel text)
RETURNS TABLE (features bigint, coef_exact boolean, scored bigint, array_exact boolean,
               row_is_array boolean, sql_is_array boolean, aggregate_same boolean)
LANGUAGE plpgsql AS $f$
BEGIN
    RETURN QUERY EXECUTE format($q$
    WITH coef AS (
        SELECT c.term, c.estimate, w.j, w.coef
        FROM mlops.coefficients(%1$L) c
        LEFT JOIN wm_cols w ON w.rel = %2$L AND w.name = c.term),
    scored AS (
        SELECT s.y, mlops.predict(%1$L, t) AS p_row, mlops.predict(%1$L, s.x) AS p_array,
               coalesce((SELECT estimate FROM coef WHERE term = '(Intercept)'), 0)
               + (SELECT sum(v * coef.estimate) FROM unnest(s.x) WITH ORDINALITY u(v, j)
                  JOIN coef USING (j)) AS p_sql
        FROM %2$I t JOIN %3$I s USING (id))
    SELECT (SELECT count(j) FROM coef),
           (SELECT max(abs(estimate - coalesce(coef, 0.5))) < 1e-8 FROM coef),
           (SELECT count(*) FROM scored),
           (SELECT max(abs(p_array - y)) < 1e-8 FROM scored),
           (SELECT max(abs(p_row - p_array)) < 1e-12 FROM scored),
           (SELECT max(abs(p_sql - p_array)) < 1e-9 FROM scored),
           (SELECT max(abs(a - coef.estimate)) < 1e-8
            FROM unnest((SELECT mlops.linear_final(mlops.linear_state(x, y)) FROM %3$I))
                 WITH ORDINALITY f(a, k)
            JOIN coef ON coalesce(coef.j, 0) = k - 1)
    $q$, model, rel, rel || '_src');
END
$f$;

SELECT setseed(0.42);
SELECT pg_temp.wide_table('wm_30', 30, 200);
SELECT pg_temp.wide_table('wm_200', 200, 400, 'float8', 3);
SELECT pg_temp.wide_table('wm_1000', 1000, 1500, 'float8', 7);

-- 30 features, through a view (the default feature list: every column
-- but the target)
SELECT format('CREATE VIEW wm_30_v AS SELECT %s, y FROM wm_30',
              array_to_string(pg_temp.names('wm_30'), ', ')) \gexec
SELECT model, version, deployed, (metrics->>'n_train')::int AS n_train,
       round((metrics->>'r2')::numeric, 9) AS r2
FROM mlops.train('wm_30', 'wm_30_v', 'y');
SELECT * FROM pg_temp.check('wm_30', 'wm_30');

-- 200 and 1000 features, a third and a seventh of them with long names,
-- listed explicitly
SELECT model, version, deployed, (metrics->>'n_train')::int AS n_train,
       round((metrics->>'r2')::numeric, 9) AS r2
FROM mlops.train('wm_200', 'wm_200', 'y', features => pg_temp.names('wm_200'));
SELECT * FROM pg_temp.check('wm_200', 'wm_200');
SELECT model, version, deployed, (metrics->>'n_train')::int AS n_train,
       round((metrics->>'r2')::numeric, 9) AS r2
FROM mlops.train('wm_1000', 'wm_1000', 'y', features => pg_temp.names('wm_1000'));
SELECT * FROM pg_temp.check('wm_1000', 'wm_1000');
SELECT k, term, round(estimate::numeric, 9) AS estimate
FROM mlops.coefficients('wm_1000') WITH ORDINALITY c(term, estimate, se, t, p, k)
WHERE k IN (1, 2, 8, 1000, 1001) ORDER BY k;
SELECT model, jsonb_array_length(features) AS nfeatures, features->6->>'name' AS seventh
FROM mlops.versions WHERE model LIKE 'wm\_%' ORDER BY model;

-- forced parallel plans: scoring (row and array form), the exported
-- aggregates, and training all split the wide rows among workers and
-- give the serial results
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- (a wide table holds one row per page, so its scan is all page cost,
-- which workers do not share: make the CPU part count)
SET seq_page_cost = 0.1;
EXPLAIN (COSTS OFF) SELECT sum(mlops.predict('wm_1000', t)) FROM wm_1000 t;
EXPLAIN (COSTS OFF) SELECT sum(mlops.predict('wm_1000', x)) FROM wm_1000_src;
EXPLAIN (COSTS OFF) SELECT mlops.linear_final(mlops.linear_state(x, y)) FROM wm_1000_src;
SELECT abs(sum(mlops.predict('wm_1000', t)) - sum(y)) < 1e-6 AS row_sum_exact
FROM wm_1000 t;
SELECT abs(sum(mlops.predict('wm_1000', x)) - sum(y)) < 1e-6 AS array_sum_exact
FROM wm_1000_src;
SELECT abs(sum(mlops.predict('wm_200', t)) - sum(y)) < 1e-6 AS row_sum_exact_200
FROM wm_200 t;
SELECT * FROM pg_temp.check('wm_1000', 'wm_1000');
SELECT * FROM pg_temp.check('wm_200', 'wm_200');
-- a second version trained with parallel workers has the first's coefficients
SELECT model, version, deployed
FROM mlops.train('wm_1000', 'wm_1000', 'y', features => pg_temp.names('wm_1000'),
                 deploy => 'never');
SELECT count(*) AS terms, max(abs(a.estimate - b.estimate)) < 1e-9 AS parallel_fit_same
FROM mlops.coefficients('wm_1000@1') a JOIN mlops.coefficients('wm_1000@2') b USING (term);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET seq_page_cost;

-- Thresholds, each with a model one below, at and one above:
-- * up to MLOPS_MAX_ARGS_FEATURES = 90 features, mlops.train passes a row
--   to its aggregates as separate arguments (a function takes at most 100,
--   and the passes need six more); beyond, as one array: 89, 90, 91,
--   in float8, bigint and numeric columns;
-- * the linear state buffers 520 rows while [1 | x | y] has at most 64
--   columns, fewer beyond (504 at 65): 61, 62 and 63 features, with the
--   intercept and without; and for 62 features, a training set of one
--   row below, exactly and one row above one and two full buffers
SELECT setseed(0.43);
SELECT pg_temp.wide_table('wm_' || n, n, 300)
FROM generate_series(89, 91) n;
SELECT pg_temp.wide_table('wm_90_int8', 90, 300, 'int8', 10);
SELECT pg_temp.wide_table('wm_91_numeric', 91, 300, 'numeric', 10);
SELECT pg_temp.wide_table('wm_' || n, n, 1200, 'float8', 20)
FROM generate_series(61, 63) n;
SELECT t.model, t.version, (t.metrics->>'n_train')::int AS n_train,
       round((t.metrics->>'r2')::numeric, 9) AS r2, c.*
FROM unnest('{wm_89, wm_90, wm_91, wm_90_int8, wm_91_numeric, wm_61, wm_62, wm_63}'::text[])
     WITH ORDINALITY AS r(rel, k),
     LATERAL mlops.train(r.rel, r.rel, 'y', features => pg_temp.names(r.rel)) t,
     LATERAL pg_temp.check(r.rel, r.rel) c
ORDER BY r.k;

-- without the intercept, [x | y] has 64 columns at 63 features
SELECT format('CREATE VIEW %I AS SELECT id, %s, y - 0.5 AS y FROM %I', 'wm_' || n || '_noint',
              array_to_string(pg_temp.names('wm_' || n), ', '), 'wm_' || n)
FROM generate_series(62, 63) n \gexec
SELECT t.model, t.version, t.deployed
FROM unnest('{wm_62_noint, wm_63_noint}'::text[]) m(model),
     LATERAL mlops.train(m.model, m.model, 'y', hyperparams => '{"fit_intercept": false}',
                         features => pg_temp.names(substr(m.model, 1, 5))) t
ORDER BY t.model;
SELECT m.model, c.*
FROM unnest('{wm_62_noint, wm_63_noint}'::text[]) m(model),
     LATERAL (SELECT count(*) AS terms, max(abs(c.estimate - w.coef)) < 1e-8 AS coef_exact
              FROM mlops.coefficients(m.model) c
              LEFT JOIN wm_cols w ON w.rel = substr(m.model, 1, 5) AND w.name = c.term) c
ORDER BY m.model;

-- rows around full buffers, all of them used for training
SELECT format('CREATE VIEW %I AS SELECT * FROM wm_62 WHERE id <= %s', 'wm_62_rows' || n, n)
FROM unnest('{519, 520, 521, 1039, 1040, 1041}'::int[]) n \gexec
SELECT r.n, t.version, (t.metrics->>'n_train')::int AS n_train
FROM unnest('{519, 520, 521, 1039, 1040, 1041}'::int[]) WITH ORDINALITY r(n, k),
     LATERAL mlops.train('wm_62_rows', 'wm_62_rows' || r.n, 'y',
                         features => pg_temp.names('wm_62'), test_size => 0) t
ORDER BY r.k;
SELECT r.n, c.*
FROM unnest('{519, 520, 521, 1039, 1040, 1041}'::int[]) WITH ORDINALITY r(n, v),
     LATERAL (SELECT count(*) AS terms,
                     max(abs(c.estimate - coalesce(w.coef, 0.5))) < 1e-8 AS coef_exact,
                     max(abs(c.estimate - a.estimate)) < 1e-8 AS aggregate_same
              FROM mlops.coefficients('wm_62_rows@' || r.v)
                   WITH ORDINALITY c(term, estimate, se, tv, p, k)
              LEFT JOIN wm_cols w ON w.rel = 'wm_62' AND w.name = c.term
              JOIN unnest((SELECT mlops.linear_final(mlops.linear_state(x, y))
                           FROM wm_62_src WHERE id <= r.n))
                   WITH ORDINALITY a(estimate, k) USING (k)) c
ORDER BY r.v;

-- Stored out of line: with the catalog's wide columns set to EXTERNAL
-- (out of line, uncompressed, once the row passes 2 kB), the artifact of
-- a model of 30 features with long names, as the one first reported, is
-- stored in the TOAST table; with MAIN, it is compressed in the row.  Both
-- score, and read back in full.
SELECT attname, attstorage FROM pg_attribute
WHERE attrelid = 'mlops.model_version'::regclass
  AND attname IN ('artifact', 'features', 'metrics', 'hyperparams', 'profile')
ORDER BY attname;
ALTER TABLE mlops.model_version ALTER COLUMN artifact SET STORAGE EXTERNAL,
    ALTER COLUMN features SET STORAGE EXTERNAL, ALTER COLUMN metrics SET STORAGE EXTERNAL,
    ALTER COLUMN hyperparams SET STORAGE EXTERNAL, ALTER COLUMN profile SET STORAGE EXTERNAL;
SELECT setseed(0.44);
SELECT pg_temp.wide_table('wm_ext', 30, 100, 'float8', 1);
SELECT model, version, deployed, round((metrics->>'r2')::numeric, 9) AS r2
FROM mlops.train('wm_ext', 'wm_ext', 'y', features => pg_temp.names('wm_ext'),
                 hyperparams => '{"alpha": 0, "seed": 7}');
SELECT reltoastrelid::regclass AS wm_toast FROM pg_class
WHERE oid = 'mlops.model_version'::regclass \gset
SELECT v.version, octet_length(v.artifact) AS artifact_bytes,
       pg_column_compression(v.artifact) AS compression,
       EXISTS (SELECT FROM :wm_toast t GROUP BY t.chunk_id
               HAVING string_agg(t.chunk_data, '' ORDER BY t.chunk_seq) = v.artifact)
         AS artifact_out_of_line
FROM mlops.model_version v JOIN mlops.model m USING (model_id)
WHERE m.name = 'wm_ext';
SELECT * FROM pg_temp.check('wm_ext', 'wm_ext');
SELECT model, jsonb_array_length(features) AS nfeatures, hyperparams,
       round((metrics->>'r2')::numeric, 9) AS r2
FROM mlops.versions WHERE model = 'wm_ext';
SELECT model, deployed_version, round((metrics->>'r2')::numeric, 9) AS r2
FROM mlops.models WHERE model = 'wm_ext';
-- a role that may only score it reads it too
CREATE ROLE regress_wm_scorer;
SELECT mlops.grant('wm_ext', 'predict', 'regress_wm_scorer');
GRANT SELECT ON wm_ext_src TO regress_wm_scorer;
SET ROLE regress_wm_scorer;
SELECT count(*) AS scored, max(abs(mlops.predict('wm_ext', x) - y)) < 1e-8 AS array_exact
FROM wm_ext_src;
SELECT count(*) AS terms FROM mlops.coefficients('wm_ext');
RESET ROLE;
-- deploy => 'best' reads the deployed version's artifact out of line, and
-- keeps it: on an exact fit the two differ by rounding only, a tie
SELECT model, version, deployed
FROM mlops.train('wm_ext', 'wm_ext', 'y', features => pg_temp.names('wm_ext'));

-- the artifact compressed in the row
ALTER TABLE mlops.model_version ALTER COLUMN artifact SET STORAGE MAIN;
SELECT model, version, deployed
FROM mlops.train('wm_200', 'wm_200', 'y', features => pg_temp.names('wm_200'),
                 deploy => 'always');
SELECT v.version, pg_column_compression(v.artifact) AS compression,
       pg_column_size(v.artifact) < octet_length(v.artifact) AS compressed,
       EXISTS (SELECT FROM :wm_toast t GROUP BY t.chunk_id
               HAVING string_agg(t.chunk_data, '' ORDER BY t.chunk_seq) = v.artifact)
         AS artifact_out_of_line
FROM mlops.model_version v JOIN mlops.model m USING (model_id)
WHERE m.name = 'wm_200' ORDER BY v.version;
SELECT * FROM pg_temp.check('wm_200', 'wm_200');

ALTER TABLE mlops.model_version ALTER COLUMN artifact SET STORAGE EXTENDED,
    ALTER COLUMN features SET STORAGE EXTENDED, ALTER COLUMN metrics SET STORAGE EXTENDED,
    ALTER COLUMN hyperparams SET STORAGE EXTENDED, ALTER COLUMN profile SET STORAGE EXTENDED;
SELECT attname, attstorage FROM pg_attribute
WHERE attrelid = 'mlops.model_version'::regclass
  AND attname IN ('artifact', 'features', 'metrics', 'hyperparams', 'profile')
ORDER BY attname;
-- and with the default storage, the 1000-feature artifact is compressed
SELECT v.version, octet_length(v.artifact) AS artifact_bytes,
       pg_column_compression(v.artifact) AS compression
FROM mlops.model_version v JOIN mlops.model m USING (model_id)
WHERE m.name = 'wm_1000' ORDER BY v.version;

SELECT count(*) AS dropped FROM (
    SELECT mlops.drop_model(model) FROM mlops.models WHERE model LIKE 'wm\_%') d;
REVOKE SELECT ON wm_ext_src FROM regress_wm_scorer;
DROP ROLE regress_wm_scorer;
