--
-- train_input: every bad input to mlops.train (BAD-INPUTS.md), with its
-- SQLSTATE, plus the inputs that must work (views, odd names, privileges).
--

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql

SELECT setseed(0.5);
CREATE TABLE ti_t (id int, x1 float8, x2 integer, x3 numeric, x4 real,
                   label text, y float8);
INSERT INTO ti_t
SELECT i, random(), (random() * 10)::int, round(random()::numeric, 3),
       random(), 'row ' || i, 0
FROM generate_series(1, 200) i;
UPDATE ti_t SET y = 1 + 2 * x1 - x2 + 3 * x3 + 0.5 * x4 + 0.01 * random();

-- the happy path, for reference
SELECT model, version, algorithm, deployed,
       (metrics->>'n_train')::int + (metrics->>'n')::int AS rows,
       (metrics->>'rows_skipped')::int AS skipped
FROM mlops.train('ti_m', 'ti_t', 'y', features => '{x1,x2,x3,x4}');

-- relation, target and features
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_nope', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'nope')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{x1,nope}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{x1,ctid}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'xmin', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{x1,X2}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{x1,x2,x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{x1,y}')$$);
-- a text column of distinct values is one category per row: some hold
-- only held-out rows, so the fit is singular, and the error names one
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{x1,label}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'label', features => '{x1}')$$);
-- the default feature list is every other column, that text column too
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y')$$);
-- numeric, boolean and categorical columns (and domains over them) are
-- features: one error names every other column with its type, whether the
-- features are defaulted or listed, and the hints say which case it is
CREATE DOMAIN ti_positive AS numeric CHECK (VALUE > 0);
CREATE TABLE ti_types (a float8, flag boolean, label text, day jsonb,
                       d ti_positive, tags text[], y float8);
INSERT INTO ti_types
SELECT x, x > 0.5, 'l' || i, jsonb_build_object('day', i), i, ARRAY['t' || i], 2 * x + i
FROM (SELECT i, random() AS x FROM generate_series(1, 50) i) s;
SELECT pg_temp.try($$SELECT mlops.train('ti_types_m', 'ti_types', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_types_m', 'ti_types', 'y', features => '{a,day,d,flag}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_types_m', 'ti_types', 'y', features => '{a,flag}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_types_m', 'ti_types', 'flag', features => '{a}')$$);
\set SHOW_CONTEXT never
SELECT * FROM mlops.train('ti_types_m', 'ti_types', 'y');
SELECT * FROM mlops.train('ti_types_m', 'ti_types', 'y', features => '{a,label}');
SELECT * FROM mlops.train('ti_types_m', 'ti_types', 'label');
\set SHOW_CONTEXT errors
SELECT count(*) AS versions FROM mlops.versions WHERE model = 'ti_types_m';
-- a boolean column trained above; the numeric ones train, a domain over
-- numeric included
SELECT version, (metrics->>'n_train')::int + (metrics->>'n')::int AS rows
FROM mlops.train('ti_types_m', 'ti_types', 'y', features => '{a,d}');
SELECT mlops.drop_model('ti_types_m');
DROP TABLE ti_types;
DROP DOMAIN ti_positive;
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{x1,NULL}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{{x1},{x2}}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t_id_seq', 'y')$$);
CREATE SEQUENCE ti_seq;
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_seq', 'y')$$);
DROP SEQUENCE ti_seq;
CREATE TABLE ti_only_target (y float8);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_only_target', 'y')$$);
DROP TABLE ti_only_target;
-- a dropped column is gone
CREATE TABLE ti_dropped AS SELECT x1, x2, y FROM ti_t;
ALTER TABLE ti_dropped DROP COLUMN x2;
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_dropped', 'y', features => '{x1,x2}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_dropped', 'y', features => '{........pg.dropped.2........}')$$);
SELECT version, (metrics->>'n_train')::int + (metrics->>'n')::int AS rows
FROM mlops.train('ti_m', 'ti_dropped', 'y', deploy => 'never');
DROP TABLE ti_dropped;

-- NULL arguments
SELECT pg_temp.try($$SELECT mlops.train(NULL, 'ti_t', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', NULL, 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', NULL)$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', NULL)$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => NULL)$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', test_size => NULL)$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', deploy => NULL)$$);

-- algorithm, hyperparameters, test_size, deploy
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', 'svm')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', 'Linear')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"alpha": -1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"alpha": "NaN"}')$$);
-- out of double range, and seeds that are not 64-bit integers
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"alpha": 1e400}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"seed": 1e30}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"seed": 1.5}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"alpha": null}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"lambda": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"fit_intercept": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"seed": "x"}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"alpha": {"x": 1}}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '[1, 2]')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => '1')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', hyperparams => 'null')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', test_size => -0.1)$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', test_size => 1)$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', test_size => 'NaN')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', test_size => 'Infinity')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', deploy => 'sometimes')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', deploy => 'BEST')$$);
-- valid hyperparameters are stored with the version
SELECT version, (metrics->>'n')::int AS n_test, metrics->>'evaluated_on' AS evaluated_on
FROM mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"alpha": 0.5, "seed": 7, "fit_intercept": false}',
                 features => '{x1,x2,x3,x4}', test_size => 0, deploy => 'never');
SELECT hyperparams FROM mlops.versions WHERE model = 'ti_m' AND version = 3;
SELECT array_agg(term) AS terms FROM mlops.coefficients('ti_m@3');
-- the seed changes the split, and the same seed gives the same split
SELECT a.n_test = b.n_test AS same_seed_same_split, a.n_test <> c.n_test AS other_seed_other_split
FROM (SELECT (metrics->>'n')::int AS n_test FROM mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"seed": 1}', features => '{x1,x2,x3,x4}', deploy => 'never')) a,
     (SELECT (metrics->>'n')::int AS n_test FROM mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"seed": 1}', features => '{x1,x2,x3,x4}', deploy => 'never')) b,
     (SELECT (metrics->>'n')::int AS n_test FROM mlops.train('ti_m', 'ti_t', 'y', hyperparams => '{"seed": 2}', features => '{x1,x2,x3,x4}', deploy => 'never')) c;

-- NaN and infinity in the data name the column and the row
CREATE TABLE ti_nan (x1 float8, x2 float8, y float8);
INSERT INTO ti_nan VALUES (1, 2, 3), (2, 1, 4), (3, 5, 1), (4, 'NaN', 2), (5, 3, 3);
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0)$$);
UPDATE ti_nan SET x2 = '-Infinity' WHERE x1 = 4;
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0)$$);
UPDATE ti_nan SET x2 = 7, y = 'Infinity' WHERE x1 = 4;
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0)$$);
-- a numeric NaN becomes a float8 NaN: refused the same way
CREATE TABLE ti_numnan (x1 numeric, y float8);
INSERT INTO ti_numnan VALUES (1, 1), (2, 2), ('NaN', 3);
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_numnan', 'y', test_size => 0)$$);
DROP TABLE ti_numnan;
SELECT count(*) AS versions FROM mlops.versions WHERE model = 'ti_nan_m';

-- NULLs: the row is skipped and counted
UPDATE ti_nan SET y = NULL WHERE x1 = 4;
INSERT INTO ti_nan VALUES (NULL, 1, 1), (6, NULL, 2), (7, 8, 9);
SELECT version, (metrics->>'n_train')::int AS n_train,
       (metrics->>'rows_skipped')::int AS rows_skipped
FROM mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0);
-- nothing but NULLs, nothing at all
UPDATE ti_nan SET y = NULL;
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0)$$);
TRUNCATE ti_nan;
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0)$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_nan', 'y')$$);
-- fewer rows than parameters: 3 parameters, 2 rows (ridge still fits)
INSERT INTO ti_nan VALUES (1, 2, 3), (2, 1, 4);
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0)$$);
SELECT version FROM mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0,
                                hyperparams => '{"alpha": 1}');
-- every row held out for testing leaves nothing to train on
SELECT pg_temp.try($$SELECT mlops.train('ti_nan_m', 'ti_nan', 'y', test_size => 0.999999)$$);
DROP TABLE ti_nan;

-- singular designs name the column; ridge fits them
CREATE TABLE ti_sing AS
SELECT x1, x2, x1 + 2 * x2 AS x3, 5.0::float8 AS c, 0.0::float8 AS z,
       1 + x1 + x2 + 0.01 * random() AS y
FROM (SELECT random() AS x1, random() AS x2 FROM generate_series(1, 100)) s;
SELECT pg_temp.try($$SELECT mlops.train('ti_sing_m', 'ti_sing', 'y', features => '{x1,x2,x3}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_sing_m', 'ti_sing', 'y', features => '{x1,c}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_sing_m', 'ti_sing', 'y', features => '{z,x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_sing_m', 'ti_sing', 'y', features => '{x1,x1_copy}')$$);
SELECT count(*) AS versions FROM mlops.versions WHERE model = 'ti_sing_m';
SELECT version, deployed FROM mlops.train('ti_sing_m', 'ti_sing', 'y',
    hyperparams => '{"alpha": 0.1}', features => '{x1,x2,x3}');
SELECT bool_and(estimate = estimate AND abs(estimate) < 1e6) AS finite_coefficients
FROM mlops.coefficients('ti_sing_m');
-- without an intercept a constant column is an ordinary feature
SELECT version FROM mlops.train('ti_sing_m', 'ti_sing', 'y',
    hyperparams => '{"fit_intercept": false}', features => '{x1,c}');
DROP TABLE ti_sing;

-- model names: quotes, semicolons, case, multibyte are plain data
SELECT model, version FROM mlops.train($$ti "quoted" 'name'$$, 'ti_t', 'y', features => '{x1}');
SELECT model, version FROM mlops.train('ti; DROP TABLE ti_t; --', 'ti_t', 'y', features => '{x1}');
SELECT model, version FROM mlops.train('TI_Case', 'ti_t', 'y', features => '{x1}');
SELECT model, version FROM mlops.train('ti_case', 'ti_t', 'y', features => '{x1,x2}');
SELECT model, version FROM mlops.train('ti_modèle_数据', 'ti_t', 'y', features => '{x1}');
SELECT model, octet_length(model) AS bytes
FROM mlops.train(repeat('m', 63), 'ti_t', 'y', features => '{x1}');
SELECT model, octet_length(model) AS bytes
FROM mlops.train(repeat('数', 21), 'ti_t', 'y', features => '{x1}');
SELECT array_agg(term) AS terms FROM mlops.coefficients('TI_Case');
SELECT array_agg(term) AS terms FROM mlops.coefficients('ti_case');
SELECT round(mlops.predict($$ti "quoted" 'name'$$, ARRAY[0.5])::numeric, 1) AS quoted,
       round(mlops.predict('ti; DROP TABLE ti_t; --', ARRAY[0.5])::numeric, 1) AS semicolon,
       round(mlops.predict('ti_modèle_数据@1', ARRAY[0.5])::numeric, 1) AS multibyte;
SELECT count(*) AS ti_t_still_there FROM ti_t;
SELECT pg_temp.try($$SELECT mlops.train(repeat('m', 64), 'ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train(repeat('数', 22), 'ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('', 'ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti@m', 'ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m@2', 'ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train(E'ti\nm', 'ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train(E'ti\tm', 'ti_t', 'y', features => '{x1}')$$);
SELECT mlops.drop_model(name) FROM mlops.model
WHERE name IN ($$ti "quoted" 'name'$$, 'ti; DROP TABLE ti_t; --', 'TI_Case',
               'ti_case', 'ti_modèle_数据', repeat('m', 63), repeat('数', 21));

-- relation names are identifiers, parsed by regclass, never executed
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t; DROP TABLE ti_t', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t"; DROP TABLE ti_t; --', 'y')$$);
-- unquoted names fold to lower case, surrounding blanks are ignored
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'TI_T', 'y', features => '{x1}', deploy => 'never')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', E' ti_t\n', 'y', features => '{x1}', deploy => 'never')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', '"TI_T"', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', '"ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', repeat('t', 70), 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'public.ti_t.x', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'nope.ti_t', 'y')$$);
CREATE TABLE "ti Weird ""Table"";--" ("Col ""A""" float8, "Y;" float8);
INSERT INTO "ti Weird ""Table"";--" SELECT x1, y FROM ti_t;
SELECT model, version
FROM mlops.train('ti_weird', '"ti Weird ""Table"";--"', 'Y;', test_size => 0);
SELECT source, features, target FROM mlops.versions WHERE model = 'ti_weird';
SELECT term FROM mlops.coefficients('ti_weird');
SELECT count(*) AS ti_t_still_there FROM ti_t;
SELECT mlops.drop_model('ti_weird');
DROP TABLE "ti Weird ""Table"";--";
-- coefficient terms: the intercept is (Intercept), as in R, so a column
-- named intercept is an ordinary term; a column named "(Intercept)" is
-- shown in backquotes, as R shows it
CREATE TABLE ti_icpt (intercept float8, "(Intercept)" float8, "Intercept" float8, y float8);
INSERT INTO ti_icpt SELECT x1, x4, x3, 5 + 2 * x1 - 3 * x4 + x3 FROM ti_t;
SELECT version FROM mlops.train('ti_icpt_m', 'ti_icpt', 'y', test_size => 0);
SELECT term, round(estimate::numeric, 6) AS estimate
FROM mlops.coefficients('ti_icpt_m');
SELECT version FROM mlops.train('ti_icpt_m', 'ti_icpt', 'y', test_size => 0,
    hyperparams => '{"fit_intercept": false}', features => '{intercept,(Intercept)}',
    deploy => 'never');
SELECT array_agg(term) AS terms FROM mlops.coefficients('ti_icpt_m@2');
SELECT round(mlops.predict('ti_icpt_m', r)::numeric, 6) AS predicted, round(y::numeric, 6) AS y
FROM ti_icpt r ORDER BY intercept LIMIT 2;
SELECT mlops.drop_model('ti_icpt_m');
DROP TABLE ti_icpt;

-- a read-only transaction cannot train (and the check comes first)
BEGIN TRANSACTION READ ONLY;
SELECT pg_temp.try($$SELECT mlops.train('ti_m', 'ti_t', 'y', features => '{x1}')$$);
ROLLBACK;
SET default_transaction_read_only = on;
SELECT pg_temp.try($$SELECT mlops.train('ti_new_m', 'ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('ti_m', 1)$$);
SELECT pg_temp.try($$SELECT mlops.rollback('ti_m')$$);
SELECT pg_temp.try($$SELECT mlops.drop_model('ti_m')$$);
RESET default_transaction_read_only;

-- views and materialized views train like tables (a view is how to join)
CREATE VIEW ti_view AS SELECT x1, x2::float8 AS x2, y FROM ti_t WHERE id % 2 = 0;
CREATE MATERIALIZED VIEW ti_matview AS SELECT x1, x3, y FROM ti_t;
SELECT model, version, (metrics->>'n_train')::int + (metrics->>'n')::int AS rows
FROM mlops.train('ti_view_m', 'ti_view', 'y');
SELECT model, version, (metrics->>'n_train')::int + (metrics->>'n')::int AS rows
FROM mlops.train('ti_view_m', 'ti_matview', 'y');
SELECT version, source FROM mlops.versions WHERE model = 'ti_view_m' ORDER BY version;
SELECT mlops.drop_model('ti_view_m');
DROP VIEW ti_view;
DROP MATERIALIZED VIEW ti_matview;

-- privileges: the caller trains on what it may SELECT, nothing else
CREATE ROLE regress_ti_user IN ROLE mlops_trainer;
CREATE TABLE ti_priv AS SELECT x1, x2, x3, y FROM ti_t;
GRANT SELECT (x1, x3, y) ON ti_priv TO regress_ti_user;
SET ROLE regress_ti_user;
SELECT pg_temp.try($$SELECT count(*) FROM ti_priv$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_priv_m', 'ti_t', 'y', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_priv_m', 'ti_priv', 'y', features => '{x1,x2}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_priv_m', 'ti_priv', 'x2', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ti_priv_m', 'ti_priv', 'y')$$);
SELECT model, version, (metrics->>'n_train')::int + (metrics->>'n')::int AS rows
FROM mlops.train('ti_priv_m', 'ti_priv', 'y', features => '{x1,x3}');
SELECT trained_by = current_user AS trained_by_me FROM mlops.versions WHERE model = 'ti_priv_m';
RESET ROLE;
-- row-level security hides rows from training as from any query
ALTER TABLE ti_priv ENABLE ROW LEVEL SECURITY;
CREATE POLICY ti_priv_half ON ti_priv FOR SELECT TO regress_ti_user USING (x3 < 0.5);
SET ROLE regress_ti_user;
SELECT (metrics->>'n_train')::int + (metrics->>'n')::int
       = (SELECT count(*) FROM ti_priv) AS sees_only_its_rows,
       (SELECT count(*) FROM ti_priv) < 200 AS some_hidden
FROM mlops.train('ti_priv_m', 'ti_priv', 'y', features => '{x1,x3}');
RESET ROLE;
CREATE POLICY ti_priv_none ON ti_priv FOR SELECT TO regress_ti_user USING (false);
DROP POLICY ti_priv_half ON ti_priv;
SET ROLE regress_ti_user;
SELECT pg_temp.try($$SELECT mlops.train('ti_priv_m', 'ti_priv', 'y', features => '{x1,x3}')$$);
RESET ROLE;
SELECT mlops.drop_model('ti_priv_m');
DROP TABLE ti_priv;
DROP ROLE regress_ti_user;

-- statement_timeout and cancel stop training and store nothing
CREATE VIEW ti_endless AS
SELECT g::float8 AS x, (g % 7)::float8 AS y FROM generate_series(1, 1000000000) g;
SELECT count(*) AS versions_before FROM mlops.versions WHERE model = 'ti_m';
\set VERBOSITY default
\set SHOW_CONTEXT never
SET statement_timeout = '300ms';
SELECT * FROM mlops.train('ti_m', 'ti_endless', 'y');
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT count(*) AS versions_after FROM mlops.versions WHERE model = 'ti_m';
DROP VIEW ti_endless;

SELECT mlops.drop_model('ti_m');
SELECT mlops.drop_model('ti_nan_m');
SELECT mlops.drop_model('ti_sing_m');
DROP TABLE ti_t;

-- memory: a fit that would not fit in maintenance_work_mem is refused
-- before anything is allocated or scanned (54000), and the session goes on
DO $$
BEGIN
    EXECUTE (SELECT format('CREATE TABLE ti_wide AS SELECT %s, 1::float8 AS y FROM generate_series(1, 10) g',
                           string_agg(format('random() AS c%s', i), ', '))
             FROM generate_series(1, 200) i);
END
$$;
SET maintenance_work_mem = '1MB';
SELECT pg_temp.try($$SELECT mlops.train('ti_wide_m', 'ti_wide', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.linear_state(array_fill(1::float8, ARRAY[200]), 1)$$);
RESET maintenance_work_mem;
SELECT count(*) AS wide_versions FROM mlops.versions WHERE model = 'ti_wide_m';
SELECT pg_temp.try($$SELECT mlops.linear_final(mlops.linear_state(array_fill(1::float8, ARRAY[200]), 1))$$);
DROP TABLE ti_wide;
