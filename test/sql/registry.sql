--
-- registry: versions, deployment strategies, rollback, pinning, the views,
-- immutability of versions, and drop_model.
--

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql

SELECT setseed(0.17);
CREATE TABLE reg_t AS
SELECT i AS id, random() AS x1, random() AS x2 FROM generate_series(1, 2000) i;
ALTER TABLE reg_t ADD COLUMN y float8;
UPDATE reg_t SET y = 1 + x1 + 2 * x2 + 0.1 * (random() - 0.5);

-- v1 (x1 only): the first version is deployed whatever deploy says
SELECT model, version, deployed, round((metrics->>'r2')::numeric, 2) AS r2
FROM mlops.train('reg_m', 'reg_t', 'y', features => '{x1}', deploy => 'best');
-- v2 (x1, x2): much better, but 'never' leaves v1 live
SELECT model, version, deployed, round((metrics->>'r2')::numeric, 2) AS r2
FROM mlops.train('reg_m', 'reg_t', 'y', features => '{x1,x2}', deploy => 'never');
-- v3 (x1, x2, ridge): worse than v2, better than the live v1: 'best' deploys it
SELECT model, version, deployed, round((metrics->>'r2')::numeric, 2) AS r2
FROM mlops.train('reg_m', 'reg_t', 'y', hyperparams => '{"alpha": 100}',
                 features => '{x1,x2}', deploy => 'best');
-- v4 (x2 only): worse than the live v3: 'best' (the default) keeps v3
SELECT model, version, deployed, round((metrics->>'r2')::numeric, 2) AS r2
FROM mlops.train('reg_m', 'reg_t', 'y', features => '{x2}');
-- v5 (x1 only): worse, but 'always' deploys it
SELECT model, version, deployed, round((metrics->>'r2')::numeric, 2) AS r2
FROM mlops.train('reg_m', 'reg_t', 'y', features => '{x1}', deploy => 'always');
-- 'never' holds for a first version too: such a model has no live version
SELECT model, version, deployed
FROM mlops.train('reg_never', 'reg_t', 'y', features => '{x1}', deploy => 'never');

-- the views (no timestamps)
SELECT model, owner = current_user AS mine, task, deployed_version, algorithm, versions,
       round((metrics->>'r2')::numeric, 2) AS r2, description
FROM mlops.models WHERE model LIKE 'reg\_%' ORDER BY model;
SELECT model, version, algorithm, target, source, n_train + n_test AS n,
       jsonb_path_query_array(features, '$[*].name') AS features,
       hyperparams->'alpha' AS alpha, trained_by = current_user AS by_me, deployed,
       training_ms >= 0 AS timed
FROM mlops.versions WHERE model LIKE 'reg\_%' ORDER BY model, version;
SELECT model, version, deployed_by = current_user AS by_me, reason
FROM mlops.deployments WHERE model LIKE 'reg\_%' ORDER BY deployed_at;

-- the live version answers 'reg_m'; 'reg_m@N' pins a version
SELECT v, round(mlops.predict('reg_m@' || v, ARRAY[0.5]::float8[])::numeric, 2) AS one_feature
FROM unnest(ARRAY[1, 5]) v;
SELECT round(mlops.predict('reg_m@2', ARRAY[0.5, 0.5]::float8[])::numeric, 2) AS v2,
       round(mlops.predict('reg_m@3', ARRAY[0.5, 0.5]::float8[])::numeric, 2) AS v3,
       round(mlops.predict('reg_m@4', ARRAY[0.5]::float8[])::numeric, 2) AS v4,
       mlops.predict('reg_m', ARRAY[0.5]::float8[])
         = mlops.predict('reg_m@5', ARRAY[0.5]::float8[]) AS live_is_v5;
SELECT (SELECT array_agg(term) FROM mlops.coefficients('reg_m')) AS live_terms,
       (SELECT array_agg(term) FROM mlops.coefficients('reg_m@2')) AS v2_terms,
       (SELECT array_agg(term) FROM mlops.coefficients('reg_m@4')) AS v4_terms;
SELECT term, round(estimate::numeric, 1) AS estimate
FROM mlops.coefficients('reg_m@2');
-- the row form pins too
SELECT mlops.predict('reg_m@2', r) = mlops.predict('reg_m@2', ARRAY[r.x1, r.x2])
       AS row_pinned
FROM reg_t r WHERE id = 1;

-- deploy by strategy
SELECT mlops.deploy('reg_m', strategy => 'best') AS best;
SELECT mlops.deploy('reg_m', strategy => 'most_recent') AS most_recent;
SELECT mlops.deploy('reg_m', 2) AS deployed;
SELECT mlops.deploy('reg_m', 2) AS deployed_again;
SELECT model, deployed_version FROM mlops.models WHERE model = 'reg_m';

-- rollback walks back through the history (1, 3, 5, 2, 5, 2): to 5, 2, 5,
-- 3 and 1, then stops (deploying the live version again added no step)
SELECT mlops.rollback('reg_m') AS now_serving;
SELECT mlops.rollback('reg_m') AS now_serving;
SELECT mlops.rollback('reg_m') AS now_serving;
SELECT mlops.rollback('reg_m') AS now_serving;
SELECT mlops.rollback('reg_m') AS now_serving;
SELECT pg_temp.try($$SELECT mlops.rollback('reg_m')$$);
\set VERBOSITY default
SELECT mlops.rollback('reg_m');
\echo :LAST_ERROR_SQLSTATE
SELECT model, version, reason FROM mlops.deployments
WHERE model = 'reg_m' ORDER BY deployed_at;
SELECT version FROM mlops.versions WHERE model = 'reg_m' AND deployed;

-- a deploy that rolls back changes nothing
BEGIN;
SELECT mlops.deploy('reg_m', 4) AS deployed;
SELECT deployed_version FROM mlops.models WHERE model = 'reg_m';
SELECT array_agg(term) AS live_terms FROM mlops.coefficients('reg_m');
SELECT mlops.rollback('reg_m') AS rolled_back_to;
ROLLBACK;
SELECT deployed_version FROM mlops.models WHERE model = 'reg_m';
SELECT count(*) AS history FROM mlops.deployments WHERE model = 'reg_m';
-- so does a train that rolls back: the next version number is still 6
BEGIN;
SELECT version, deployed FROM mlops.train('reg_m', 'reg_t', 'y', features => '{x1}', deploy => 'always');
ROLLBACK;
SELECT max(version) AS last_version FROM mlops.versions WHERE model = 'reg_m';
SELECT version, deployed FROM mlops.train('reg_m', 'reg_t', 'y', features => '{x1}', deploy => 'never');

-- errors
SELECT pg_temp.try($$SELECT mlops.deploy('reg_m', 99)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('reg_m', 0)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('reg_m', NULL::int)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('reg_nope', 1)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('reg_m', strategy => 'worst')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('reg_m', strategy => NULL)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('reg_nope', strategy => 'best')$$);
SELECT pg_temp.try($$SELECT mlops.deploy(NULL, 1)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('', 1)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('reg_m@2', 1)$$);
SELECT pg_temp.try($$SELECT mlops.rollback('reg_nope')$$);
SELECT pg_temp.try($$SELECT mlops.rollback(NULL)$$);
SELECT pg_temp.try($$SELECT mlops.rollback('reg_never')$$);
SELECT pg_temp.try($$SELECT mlops.predict('reg_never', ARRAY[1]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.coefficients('reg_never')$$);
SELECT pg_temp.try($$SELECT mlops.predict('reg_m@99', ARRAY[1]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.coefficients('reg_m@99')$$);
SELECT pg_temp.try($$SELECT mlops.coefficients('reg_nope')$$);
SELECT pg_temp.try($$SELECT mlops.coefficients(NULL)$$);
-- 'never' then an explicit deploy: the model goes live
SELECT mlops.deploy('reg_never', 1) AS deployed;
SELECT pg_temp.try($$SELECT mlops.rollback('reg_never')$$);

-- versions are immutable and the history append-only, even for a superuser
SELECT pg_temp.try($$UPDATE mlops.model_version SET metrics = '{}'
                     WHERE version = 1 AND model_id =
                       (SELECT model_id FROM mlops.model WHERE name = 'reg_m')$$);
SELECT pg_temp.try($$UPDATE mlops.deployment SET reason = 'deploy'
                     WHERE model_id = (SELECT model_id FROM mlops.model WHERE name = 'reg_m')$$);
-- and ordinary roles cannot write the catalog at all (they read the
-- models they hold a privilege on: tenancy.sql)
CREATE ROLE regress_reg_user;
SELECT mlops.grant('reg_m', 'predict', 'regress_reg_user');
SET ROLE regress_reg_user;
SELECT count(*) > 0 AS can_read FROM mlops.versions WHERE model = 'reg_m';
SELECT pg_temp.try($$UPDATE mlops.model_version SET metrics = '{}'$$);
SELECT pg_temp.try($$DELETE FROM mlops.deployment$$);
SELECT pg_temp.try($$INSERT INTO mlops.model (name, owner, task) VALUES ('x', 'postgres', 'regression')$$);
RESET ROLE;
DROP ROLE regress_reg_user;

-- drop_model removes the model, its versions and its history
SELECT mlops.drop_model('reg_m');
SELECT count(*) AS models FROM mlops.models WHERE model = 'reg_m';
SELECT count(*) AS versions FROM mlops.versions WHERE model = 'reg_m';
SELECT count(*) AS deployments FROM mlops.deployments WHERE model = 'reg_m';
SELECT pg_temp.try($$SELECT mlops.predict('reg_m', ARRAY[1]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('reg_m@1', ARRAY[1]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.drop_model('reg_m')$$);
SELECT pg_temp.try($$SELECT mlops.drop_model(NULL)$$);
SELECT pg_temp.try($$SELECT mlops.rollback('reg_m')$$);
-- a dropped name starts again at version 1, deployed
SELECT model, version, deployed
FROM mlops.train('reg_m', 'reg_t', 'y', features => '{x2}');
SELECT model, deployed_version, versions FROM mlops.models WHERE model = 'reg_m';
SELECT model, version, reason FROM mlops.deployments WHERE model = 'reg_m';
-- dropping inside a transaction that rolls back keeps everything
BEGIN;
SELECT mlops.drop_model('reg_m');
ROLLBACK;
SELECT model, versions FROM mlops.models WHERE model = 'reg_m';

SELECT mlops.drop_model('reg_m');
SELECT mlops.drop_model('reg_never');
DROP TABLE reg_t;

-- PL/pgSQL keeps a simple expression for the whole transaction: predict
-- must still resolve the deployed version again in the next statement
CREATE TABLE reg_pl AS SELECT i::float8 AS x, 1.0::float8 AS y FROM generate_series(1, 10) i;
SELECT version FROM mlops.train('reg_pl', 'reg_pl', 'y', 'linear', test_size => 0);
UPDATE reg_pl SET y = 2;
SELECT version FROM mlops.train('reg_pl', 'reg_pl', 'y', 'linear', test_size => 0, deploy => 'never');
DO $$
DECLARE v float8;
BEGIN
  v := mlops.predict('reg_pl', ARRAY[1.0]::float8[]);
  RAISE NOTICE 'before deploy: %', round(v::numeric, 6);
  PERFORM mlops.deploy('reg_pl', 2);
  v := mlops.predict('reg_pl', ARRAY[1.0]::float8[]);
  RAISE NOTICE 'after deploy: %', round(v::numeric, 6);
  PERFORM mlops.rollback('reg_pl');
  v := mlops.predict('reg_pl', ARRAY[1.0]::float8[]);
  RAISE NOTICE 'after rollback: %', round(v::numeric, 6);
END $$;
SELECT mlops.drop_model('reg_pl');
DROP TABLE reg_pl;
