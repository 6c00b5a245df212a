--
-- bad_inputs: rows of BAD-INPUTS.md that no feature suite covers
-- (10, 27, 31 at install time, 32); the map of every row to its test is
-- in test/BAD-INPUTS-COVERAGE.md.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql

CREATE TABLE bi_t AS
SELECT g::float8 AS x1, (g % 7)::float8 AS x2, (2 * g + 1)::float8 AS y
FROM generate_series(1, 50) g;
SELECT version FROM mlops.train('bi_m', 'bi_t', 'y', test_size => 0);

-- 10: a feature array beyond PostgreSQL's array limit never reaches us
SELECT pg_temp.try($$SELECT mlops.predict('bi_m', array_fill(0::float8, ARRAY[134217728]))$$);

-- 27: train hidden in a function that lies about being parallel safe,
-- forced into a parallel worker: refused there, nothing written
CREATE FUNCTION bi_sneaky(i int) RETURNS int LANGUAGE plpgsql PARALLEL SAFE AS $$
BEGIN
    PERFORM mlops.train('bi_sneaky_m', 'bi_t', 'y', test_size => 0);
    RETURN i;
END
$$;
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT pg_temp.try($$SELECT bi_sneaky(1)$$);
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
SELECT count(*) AS sneaky_models FROM mlops.models WHERE model = 'bi_sneaky_m';

-- 32: invalidly encoded names are stopped by the server's input checks
SELECT pg_temp.try($$SELECT mlops.predict(convert_from('\xc3'::bytea, 'UTF8'), ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.train(convert_from('\xe282'::bytea, 'UTF8'), 'bi_t', 'y')$$);

-- 31: a member pre-created in the extension's schema makes CREATE
-- EXTENSION fail instead of adopting it (checked in a database of its own)
CREATE DATABASE regress_bad_inputs_db;
\c regress_bad_inputs_db
CREATE SCHEMA mlops;
CREATE TABLE mlops.models (model text);
\set VERBOSITY terse
CREATE EXTENSION mlops;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
DROP SCHEMA mlops CASCADE;
CREATE FUNCTION public.predict(text, float8[]) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8';
CREATE EXTENSION mlops;
SELECT extname FROM pg_extension WHERE extname = 'mlops';
\c contrib_regression
DROP DATABASE regress_bad_inputs_db;

SELECT mlops.drop_model('bi_m');
DROP FUNCTION bi_sneaky(int);
DROP TABLE bi_t;
