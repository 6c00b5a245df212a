--
-- readme: the README's quick start runs as shown.  It is
-- test/scripts/demo.sql (what `make demo` runs), plus the README's
-- statements that demo.sql leaves out.  A database of its own gives
-- CREATE EXTENSION a clean slate and keeps other suites' models out of
-- the views it prints.  \copy reads data/diabetes.csv relative to the
-- directory pg_regress runs in (the top of the source tree).
--
\set regress_db :DBNAME
CREATE DATABASE regress_mlops_readme;
\c regress_mlops_readme
\getenv abs_srcdir PG_ABS_SRCDIR
\set demo_sql :abs_srcdir '/scripts/demo.sql'
\i :demo_sql

-- the README's array form scores the first patient like the row form
SELECT round(mlops.predict('diabetes',
             ARRAY[59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87])::numeric, 1) AS predicted,
       round(mlops.predict('diabetes', d)::numeric, 1) AS row_form
FROM diabetes d
WHERE (age, sex, bmi, bp) = (59, 2, 32.1, 101);
-- its other statements print timestamps or raw floats: check they run
SELECT count(*) AS trained FROM mlops.train('diabetes', 'diabetes', 'progression', 'linear');
SELECT count(*) AS rows FROM (SELECT mlops.predict('diabetes', d) FROM diabetes d LIMIT 5) p;
SELECT count(*) AS terms FROM mlops.coefficients('diabetes');
SELECT count(*) AS history FROM mlops.deployments;

\c :regress_db
DROP DATABASE regress_mlops_readme;
