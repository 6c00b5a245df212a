--
-- drop_guard: DROP EXTENSION mlops (and DROP SCHEMA mlops CASCADE, DROP
-- OWNED BY its owner) would delete every model; the event trigger
-- mlops_drop_guard refuses it while models exist, unless mlops.allow_drop
-- is on.  An empty install drops as before.  In a database of its own, so
-- the extension can come and go.
--
\set regress_db :DBNAME
CREATE DATABASE regress_mlops_drop;
\c regress_mlops_drop
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
CREATE EXTENSION mlops;

-- an empty install drops and comes back
DROP EXTENSION mlops;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'mlops';
CREATE EXTENSION mlops;
SELECT evtname, evtevent, evttags, evtenabled FROM pg_event_trigger;
SHOW mlops.allow_drop;

-- with a model, every way of dropping the extension is refused
CREATE TABLE dg_t AS SELECT g::float8 AS x, 2 * g + 1::float8 AS y
FROM generate_series(1, 20) g;
SELECT model, version FROM mlops.train('dg_m', 'dg_t', 'y', test_size => 0);
SELECT pg_temp.try($$DROP EXTENSION mlops$$);
SELECT pg_temp.try($$DROP EXTENSION mlops CASCADE$$);
SELECT pg_temp.try($$DROP EXTENSION IF EXISTS regress_no_such_extension, mlops$$);
SELECT pg_temp.try($$DROP SCHEMA mlops CASCADE$$);
SELECT pg_temp.try($$DROP SCHEMA IF EXISTS public_nope, mlops CASCADE$$);
SELECT pg_temp.try($$DROP OWNED BY CURRENT_USER$$);
-- from inside a function too (the trigger reads the command, not the query text)
SELECT pg_temp.try($q$DO $do$ BEGIN EXECUTE 'DROP EXTENSION mlops'; END $do$$q$);
\set SHOW_CONTEXT never
DROP EXTENSION mlops;
\set SHOW_CONTEXT errors
-- without CASCADE, DROP SCHEMA fails as it always did
SELECT pg_temp.try($$DROP SCHEMA mlops$$);
SELECT count(*) AS models, (SELECT count(*) FROM pg_extension WHERE extname = 'mlops') AS installed
FROM mlops.models;

-- other drops are untouched
CREATE SCHEMA dg_other;
CREATE TABLE dg_other.t (x int);
DROP SCHEMA dg_other CASCADE;
DROP EXTENSION IF EXISTS regress_no_such_extension;

-- a role that may not drop the extension gets PostgreSQL's own error, which
-- says nothing about models; its own schemas and objects drop as usual
CREATE ROLE regress_dg_user;
CREATE SCHEMA dg_mine AUTHORIZATION regress_dg_user;
CREATE SCHEMA dg_mine_too AUTHORIZATION regress_dg_user;
SET ROLE regress_dg_user;
SELECT pg_temp.try($$DROP EXTENSION mlops$$);
SELECT pg_temp.try($$DROP SCHEMA mlops CASCADE$$);
CREATE TABLE dg_mine.t (x int);
DROP SCHEMA dg_mine CASCADE;
CREATE TABLE dg_mine_too.t (x int);
DROP OWNED BY regress_dg_user;
SELECT to_regnamespace('dg_mine_too') IS NULL AS dropped;
-- the trigger function is not for calling
SELECT pg_temp.try($$SELECT mlops._drop_guard()$$);
RESET ROLE;
SELECT pg_temp.try($$SELECT mlops._drop_guard()$$);
SELECT has_function_privilege('regress_dg_user', 'mlops._drop_guard()', 'EXECUTE') AS public_may_execute;
DROP ROLE regress_dg_user;

-- mlops.allow_drop = on lets it through; the drop is transactional
SET mlops.allow_drop = on;
BEGIN;
DROP EXTENSION mlops;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'mlops';
ROLLBACK;
RESET mlops.allow_drop;
SELECT count(*) AS models FROM mlops.models;
-- a model dropped with mlops.drop_model no longer counts
SELECT mlops.drop_model('dg_m');
BEGIN;
DROP EXTENSION mlops;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'mlops';
ROLLBACK;
SELECT model, version FROM mlops.train('dg_m', 'dg_t', 'y', test_size => 0);
-- set before the library is loaded (a new session, or PGOPTIONS for
-- pg_restore --clean), the setting still applies
\c regress_mlops_drop
SET mlops.allow_drop = on;
DROP EXTENSION mlops;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'mlops';
SELECT count(*) AS event_triggers FROM pg_event_trigger;

\c :regress_db
DROP DATABASE regress_mlops_drop;
