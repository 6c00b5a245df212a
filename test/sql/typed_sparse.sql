--
-- typed_sparse: a linear fit on one-hot rows at size.  Past half of its
-- features one-hot, a fit with an intercept reads the rows into a Gram
-- state (algo_linear_gram.c) instead of TSQR, and its categories are
-- listed from a block sample and confirmed by that pass.  Checked here:
-- the fit equals the QR path's on the same design encoded by SQL, serial
-- and parallel; a category, a NULL or an overflow the sample missed is
-- found (training starts again with every row's list); an ill-conditioned
-- or collinear design falls back to TSQR, which fits it or names the
-- column.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql

-- 160,000 rows (the sample reads about 30,000): g1 of 40 categories, g2
-- of 25, r of two common values, five singletons in rows far apart, a NULL
-- and a value past max_categories 7 in one row each, two numbers and a date
CREATE TABLE ts_big AS
SELECT i AS id, 'a' || lpad((abs(hashint4(i)) % 40)::text, 2, '0') AS g1,
       'b' || lpad((abs(hashint4(i + 1000000)) % 25)::text, 2, '0') AS g2,
       CASE WHEN i % 32000 = 7 THEN 'rare' || (i / 32000)
            WHEN i = 99999 THEN NULL
            WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END AS r,
       'c' || CASE WHEN i = 123457 THEN 7 ELSE abs(hashint4(i + 2000000)) % 7 END AS c8,
       hashint4(i + 3000000) / 2147483648.0 AS x1,
       hashint4(i + 4000000) / 2147483648.0 AS x2,
       date '2021-01-01' + abs(hashint4(i + 5000000)) % 900 AS d
FROM generate_series(1, 160000) i;
ALTER TABLE ts_big ADD COLUMN y float8;
UPDATE ts_big SET y = 1 + 2 * x1 - x2 + (abs(hashint4(id + 6000000)) % 1000) / 1000.0
                      + CASE WHEN g1 < 'a20' THEN 0.5 ELSE 0 END + length(g2) * 0.1
                      + date_part('epoch', d) / 1e8;
VACUUM ANALYZE ts_big;

-- every singleton and the NULL are categories: the sample missed some, the
-- fit pass saw them, and training listed every row's (the DEBUG line)
SET client_min_messages = debug1;
SELECT model, (metrics->>'n_train')::int AS n_train, metrics->>'solver' AS solver,
       (metrics->>'refinement_passes')::int AS passes
FROM mlops.train('ts_fit', 'ts_big', 'y', 'linear', features => '{g1,g2,r,x1,x2,d}',
                 test_size => 0);
RESET client_min_messages;
SELECT c->'categories' AS r_categories, c->'null' AS r_null
FROM mlops.versions, jsonb_array_elements(features) c
WHERE model = 'ts_fit' AND c->>'name' = 'r';
-- without r the sample holds every category (no DEBUG line): the same
-- lists as every row's
SET client_min_messages = debug1;
SELECT version FROM mlops.train('ts_fit', 'ts_big', 'y', 'linear', features => '{g1,g2,x1,x2,d}',
                                test_size => 0, deploy => 'never');
RESET client_min_messages;
SELECT c->>'name' AS name, jsonb_array_length(c->'categories') AS categories,
       c->'categories' = (SELECT to_jsonb(array_agg(DISTINCT g1 ORDER BY g1)) FROM ts_big)
       OR c->>'name' = 'g2' AS g1_all
FROM mlops.versions, jsonb_array_elements(features) c
WHERE model = 'ts_fit' AND version = 2 AND c ? 'categories';

-- the same design encoded by SQL (treatment coding: the first category of
-- each column is the reference), a plain spec that TSQR fits
SELECT format('CREATE VIEW ts_sql AS SELECT y, x1, x2, date_part(''epoch'', d) AS d, %s, '
              '(r IS NULL)::int::float8 AS "r IS NULL" FROM ts_big',
              string_agg(format('coalesce((%I = %L)::int, 0)::float8 AS %I', col, v, col || '=' || v),
                         ', ' ORDER BY col, v))
FROM (SELECT 'g1' AS col, g1 AS v FROM ts_big UNION SELECT 'g2', g2 FROM ts_big
      UNION SELECT 'r', r FROM ts_big WHERE r IS NOT NULL) c
WHERE v NOT IN ('a00', 'b00', 'even') \gexec
SELECT model, metrics->>'solver' AS solver
FROM mlops.train('ts_qr', 'ts_sql', 'y', 'linear', test_size => 0);
-- measured: estimates within 1.7e-12 standard errors (7.4e-15 normwise),
-- standard errors within 1.6e-14
SELECT count(*) AS terms,
       max(abs(g.estimate - q.estimate) / q.std_error) < 1e-10 AS estimates_agree,
       sqrt(sum((g.estimate - q.estimate)^2) / sum(q.estimate^2)) < 1e-12 AS normwise,
       max(abs(g.std_error - q.std_error) / q.std_error) < 1e-12 AS std_errors_agree
FROM mlops.coefficients('ts_fit') g JOIN mlops.coefficients('ts_qr') q USING (term);

-- parallel: the workers' Gram states, each shifted by its own first row,
-- merge to the serial fit
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT mlops._linear_gram_state(true, 0, 0, NULL, y, x1, x2) FROM ts_big;
SELECT version, metrics->>'solver' AS solver
FROM mlops.train('ts_fit', 'ts_big', 'y', 'linear', features => '{g1,g2,r,x1,x2,d}',
                 test_size => 0, deploy => 'never');
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT count(*) AS terms,
       max(abs(p.estimate - s.estimate) / s.std_error) < 1e-10 AS parallel_agrees
FROM mlops.coefficients('ts_fit@3') p JOIN mlops.coefficients('ts_fit@1') s USING (term);

-- a value in one row past max_categories 7: the sample held 7, the fit
-- pass found the eighth, and every row's list pools the rarest
SELECT model FROM mlops.train('ts_pool', 'ts_big', 'y', 'linear', '{"max_categories": 7}',
                              features => '{c8,x1}', test_size => 0);
SELECT mlops.feature_names('ts_pool');

-- ridge keeps every level (collinear with the intercept, which the
-- penalty resolves): the Gram fit equals TSQR's on the same design by SQL
SELECT format('CREATE VIEW ts_sql_all AS SELECT y, x1, %s FROM ts_big',
              string_agg(format('(g2 = %L)::int::float8 AS %I', v, 'g2=' || v), ', ' ORDER BY v))
FROM (SELECT DISTINCT g2 AS v FROM ts_big) c \gexec
SELECT model, metrics->>'solver' AS solver
FROM mlops.train('ts_ridge', 'ts_big', 'y', 'linear', '{"alpha": 1}', features => '{g2,x1}',
                 test_size => 0);
SELECT model, metrics->>'solver' AS solver
FROM mlops.train('ts_ridge_qr', 'ts_sql_all', 'y', 'linear', '{"alpha": 1}', test_size => 0);
SELECT count(*) AS terms,
       max(abs(g.estimate - q.estimate) / greatest(abs(q.estimate), 1e-3)) < 1e-10 AS ridge_agrees
FROM mlops.coefficients('ts_ridge') g JOIN mlops.coefficients('ts_ridge_qr') q USING (term);

-- ill-conditioned once shifted (x3 is x1 to 1e-9): the Gram factor is not
-- trusted, TSQR fits it; exactly collinear (g1 again, under another name):
-- TSQR names the column
CREATE TABLE ts_ill AS
SELECT g2, x1, x1 + 1e-9 * x2 AS x3, g1, g1 AS g1_again, y FROM ts_big WHERE id <= 20000;
SELECT model, metrics->>'solver' AS solver
FROM mlops.train('ts_ill', 'ts_ill', 'y', 'linear', features => '{g2,x1,x3}', test_size => 0);
SELECT pg_temp.try($$SELECT mlops.train('ts_coll', 'ts_ill', 'y', 'linear',
                     features => '{g1,g1_again,x1}', test_size => 0)$$);

-- past 90 columns (a function call takes 100 arguments) the passes read
-- the columns as one record: 92 text columns of 3 categories and 3
-- numbers (187 features, a Gram fit), trained, evaluated, compared by
-- deploy => 'best' and scored as the same design encoded by SQL (a plain
-- spec read as an array, a QR fit)
SELECT format('CREATE TABLE ts_wide AS SELECT i AS id, %s, hashint4(i) / 2147483648.0 AS x1, '
              'hashint4(i + 7) / 2147483648.0 AS x2, hashint4(i + 11) / 2147483648.0 AS x3, '
              '(abs(hashint4(i + 13)) %% 1000) / 1000.0 + hashint4(i) / 2147483648.0 AS y '
              'FROM generate_series(1, 3000) i',
              string_agg(format('''k'' || (abs(hashint4(i * 97 + %s)) %% 3) AS t%s', j, j), ', '))
FROM generate_series(1, 92) j \gexec
UPDATE ts_wide SET y = y + CASE WHEN t1 = 'k1' THEN 0.3 ELSE 0 END - CASE WHEN t92 = 'k2' THEN 0.2 ELSE 0 END;
SELECT format('CREATE VIEW ts_wide_sql AS SELECT id, y, x1, x2, x3, %s FROM ts_wide',
              string_agg(format('(t%s = %L)::int::float8 AS %I', j, k, format('t%s=%s', j, k)), ', '))
FROM generate_series(1, 92) j, unnest('{k1,k2}'::text[]) k \gexec
SELECT model, metrics->>'solver' AS solver
FROM mlops.train('ts_wide', 'ts_wide', 'y', 'linear', test_size => 0);
SELECT model, metrics->>'solver' AS solver
FROM mlops.train('ts_wide_sql', 'ts_wide_sql', 'y', 'linear', test_size => 0);
SELECT count(*) AS terms,
       max(abs(g.estimate - q.estimate) / q.std_error) < 1e-10 AS estimates_agree
FROM mlops.coefficients('ts_wide') g JOIN mlops.coefficients('ts_wide_sql') q USING (term);
SELECT abs((mlops.evaluate('ts_wide', 'ts_wide', 'y')->>'r2')::float8
           - (metrics->>'train_r2')::float8) < 1e-12 AS evaluate_r2_as_trained
FROM mlops.versions WHERE model = 'ts_wide';
-- a second version with a test split: deploy => 'best' scores version 1
-- on the rows it holds out (mlops._held_out reads them as records too)
SELECT version, deployed, (metrics->>'n')::int AS n_test
FROM mlops.train('ts_wide', 'ts_wide', 'y', 'linear', '{"alpha": 0.5}');
SELECT max(abs(mlops.predict('ts_wide', w) - mlops.predict('ts_wide_sql', s))) < 1e-10 AS scores_agree
FROM ts_wide w JOIN ts_wide_sql s USING (id);

SELECT mlops.drop_model(m) FROM unnest('{ts_fit,ts_qr,ts_pool,ts_ridge,ts_ridge_qr,ts_ill,ts_wide,ts_wide_sql}'::text[]) m;
DROP VIEW ts_sql, ts_sql_all, ts_wide_sql;
DROP TABLE ts_big, ts_ill, ts_wide;
