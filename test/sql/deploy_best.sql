--
-- deploy_best: deploy => 'best' compares the new version with the deployed
-- one on the same rows (the new version's held-out rows), not the stored
-- r2 of two different splits; mlops.deploy(model, 'best', relation,
-- target) scores every version on the rows of a relation; the figures go
-- to mlops.deployments.detail.
--

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql

-- y depends on x1 strongly and on x2 a little; every 37th row is an
-- outlier, so a split's r2 depends on how many outliers it holds out
CREATE TABLE db_t AS
SELECT g AS id, (g % 17)::float8 AS x1, ((g * 7) % 13)::float8 AS x2,
       CASE WHEN g % 10 = 0 THEN NULL ELSE ((g * 31) % 7)::float8 END AS x3,
       1 + 3 * (g % 17) + 0.8 * ((g * 7) % 13) + ((g * 104729) % 11 - 5) / 5.0
         + CASE WHEN g % 37 = 0 THEN 60 ELSE 0 END AS y
FROM generate_series(1, 400) g;

-- rounded figures of a deployment's detail
CREATE FUNCTION pg_temp.figures(d jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT d - 'candidate' - 'deployed' - 'versions'
           || CASE WHEN d ? 'candidate' THEN jsonb_build_object(
                'candidate', jsonb_build_object('version', d->'candidate'->'version',
                    'r2', round((d->'candidate'->>'r2')::numeric, 4)),
                'deployed', jsonb_build_object('version', d->'deployed'->'version',
                    'r2', round((d->'deployed'->>'r2')::numeric, 4))) ELSE '{}' END
           || CASE WHEN d ? 'versions' THEN jsonb_build_object('versions',
                (SELECT jsonb_agg(jsonb_build_object('version', v->'version',
                        'r2', round((v->>'r2')::numeric, 4),
                        'rmse', round((v->>'rmse')::numeric, 4)))
                 FROM jsonb_array_elements(d->'versions') v)) ELSE '{}' END
$$;

--
-- the lucky split: v1 uses both features, but its test split (seed 10)
-- holds many outliers, so its stored r2 is low; v2 uses x1 only and its
-- split (seed 2) holds few, so its stored r2 is higher.  On v2's
-- held-out rows v1 does better, so v2 is not deployed.
--
SELECT version, deployed, round((metrics->>'r2')::numeric, 3) AS stored_r2
FROM mlops.train('db_m', 'db_t', 'y', features => '{x1,x2}', hyperparams => '{"seed": 10}');
SELECT version, deployed, round((metrics->>'r2')::numeric, 3) AS stored_r2
FROM mlops.train('db_m', 'db_t', 'y', features => '{x1}', hyperparams => '{"seed": 2}');
-- the stored figures alone would have picked v2
SELECT version, round((metrics->>'r2')::numeric, 3) AS stored_r2, deployed
FROM mlops.versions WHERE model = 'db_m' ORDER BY version;
-- the same model again (same rows, features, seed): a tie keeps v1
SELECT version, deployed
FROM mlops.train('db_m', 'db_t', 'y', features => '{x1,x2}', hyperparams => '{"seed": 10}');
SELECT version, reason, detail FROM mlops.deployments WHERE model = 'db_m' ORDER BY deployed_at;

-- the other way round: the deployed v1 (x1 only) has the higher stored r2,
-- the new v2 (both features) does better on the same rows and is deployed
SELECT version, deployed, round((metrics->>'r2')::numeric, 3) AS stored_r2
FROM mlops.train('db_r', 'db_t', 'y', features => '{x1}', hyperparams => '{"seed": 2}');
SELECT version, deployed, round((metrics->>'r2')::numeric, 3) AS stored_r2
FROM mlops.train('db_r', 'db_t', 'y', features => '{x1,x2}', hyperparams => '{"seed": 10}');
-- the figures: both versions on v2's held-out rows; the first version's
-- deployment had nothing to compare
SELECT version, reason, pg_temp.figures(detail) AS detail
FROM mlops.deployments WHERE model = 'db_r' ORDER BY deployed_at;
SELECT (detail->>'n')::int = v.n_test AS compared_on_all_held_out_rows
FROM mlops.deployments d JOIN mlops.versions v USING (model, version)
WHERE model = 'db_r' AND version = 2;

-- the deployed version may read columns the new one does not (x3, NULL in
-- every 10th row: those held-out rows are left out of the comparison)
SELECT version, deployed
FROM mlops.train('db_x', 'db_t', 'y', features => '{x1,x3}', hyperparams => '{"seed": 2}');
SELECT version, deployed
FROM mlops.train('db_x', 'db_t', 'y', features => '{x1,x2}', hyperparams => '{"seed": 5}');
SELECT version, pg_temp.figures(detail) AS detail,
       (detail->>'rows_skipped')::int > 0 AS some_skipped
FROM mlops.deployments WHERE model = 'db_x' AND version = 2;

--
-- when the two cannot be compared on the same rows, 'best' keeps the
-- deployed version and says why
--
-- test_size 0: nothing is held out
SELECT version, deployed
FROM mlops.train('db_r', 'db_t', 'y', features => '{x1,x2}', test_size => 0);
-- the deployed version (x1, x2) needs a column the relation lacks
CREATE VIEW db_v AS SELECT id, x1, y FROM db_t;
SELECT version, deployed FROM mlops.train('db_r', 'db_v', 'y', features => '{x1}');
-- ... or has as another type
CREATE VIEW db_vt AS SELECT id, x1, x2::text AS x2, y FROM db_t;
SELECT version, deployed FROM mlops.train('db_r', 'db_vt', 'y', features => '{x1}');
-- a different target
CREATE TABLE db_t2 AS SELECT x1, x2, 2 * y AS y2, y FROM db_t;
SELECT version, deployed
FROM mlops.train('db_r', 'db_t2', 'y2', features => '{x1,x2}');
-- no held-out row: a table too small for the split
CREATE TABLE db_tiny AS SELECT x1, x2, y FROM db_t WHERE id <= 3;
SELECT version, deployed, metrics->>'evaluated_on' AS evaluated_on
FROM mlops.train('db_r', 'db_tiny', 'y', features => '{x1,x2}', hyperparams => '{"alpha": 1}',
                 test_size => 0.01);
-- none of them went live
SELECT model, deployed_version FROM mlops.models WHERE model = 'db_r';
-- 'always' and the first version deploy without comparing: no figures
SELECT version, deployed
FROM mlops.train('db_r', 'db_v', 'y', features => '{x1}', deploy => 'always');
SELECT version, reason, detail IS NULL AS no_detail
FROM mlops.deployments WHERE model = 'db_r' ORDER BY deployed_at;

--
-- mlops.deploy(model, 'best', relation, target): every version scored on
-- all rows of the relation, read as the caller
--
CREATE TABLE db_new AS
SELECT g AS id, (g % 17)::float8 AS x1, ((g * 7) % 13)::float8 AS x2,
       1 + 3 * (g % 17) + 0.8 * ((g * 7) % 13) + ((g * 104729) % 11 - 5) / 5.0 AS y
FROM generate_series(401, 700) g;
-- db_x v1 reads x3, which db_new lacks: left out, with a NOTICE
SELECT mlops.deploy('db_x', 'best', 'db_new', 'y') AS best;
SELECT version, reason, pg_temp.figures(detail) AS detail
FROM mlops.deployments WHERE model = 'db_x' ORDER BY deployed_at DESC LIMIT 1;
-- db_r: v1, v4, v5 and v8 (live) read x1, v2, v3 and v7 x1 and x2, v6
-- predicts y2 and is left out
SELECT mlops.deploy('db_r', strategy => 'best', relation => 'db_new', target => 'y') AS best;
SELECT version, pg_temp.figures(detail) AS detail
FROM mlops.deployments WHERE model = 'db_r' ORDER BY deployed_at DESC LIMIT 1;
-- rows with a NULL in a column some version reads are left out for all
CREATE TABLE db_new_nulls AS
SELECT id, CASE WHEN id % 3 = 0 THEN NULL ELSE x1 END AS x1, x2, y FROM db_new
UNION ALL SELECT 0, 1, 'NaN', 1;
SELECT mlops.deploy('db_r', 'best', 'db_new_nulls', 'y') AS best;
SELECT detail->'n' AS n, detail->'rows_skipped' AS rows_skipped
FROM mlops.deployments WHERE model = 'db_r' ORDER BY deployed_at DESC LIMIT 1;

-- db_m: v1 and v3 are the same model, a tie: the live one wins (v3
-- after a deploy of the most recent, v1 after an explicit deploy)
SELECT mlops.deploy('db_m', strategy => 'most_recent') AS most_recent;
SELECT mlops.deploy('db_m', 'best', 'db_new', 'y') AS best_of_tied;
SELECT mlops.deploy('db_m', 1) AS explicit;
SELECT mlops.deploy('db_m', 'best', 'db_new', 'y') AS best_of_tied;
SELECT pg_temp.figures(detail) AS detail
FROM mlops.deployments WHERE model = 'db_m' ORDER BY deployed_at DESC LIMIT 1;

-- the 2-argument forms keep working; 'best' then reads the stored r2,
-- measured on each version's own split (say so in detail); an explicit
-- version and a rollback carry no figures
SELECT mlops.deploy('db_m', strategy => 'best') AS best_by_stored_r2;
SELECT mlops.deploy('db_m', strategy => 'most_recent') AS most_recent;
SELECT mlops.deploy('db_m', 1) AS explicit;
SELECT mlops.rollback('db_m') AS rolled_back_to;
SELECT version, reason, detail->>'compared_on' AS compared_on,
       round((detail->>'r2')::numeric, 3) AS r2
FROM mlops.deployments WHERE model = 'db_m' ORDER BY deployed_at DESC LIMIT 4;

-- the comparison pass in a parallel plan decides the same, on the same
-- figures
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT version, deployed
FROM mlops.train('db_p', 'db_t', 'y', features => '{x1}', hyperparams => '{"seed": 2}');
SELECT version, deployed
FROM mlops.train('db_p', 'db_t', 'y', features => '{x1,x2}', hyperparams => '{"seed": 10}');
COMMIT;
SELECT pg_temp.figures(p.detail) - 'candidate' - 'deployed' = pg_temp.figures(r.detail) - 'candidate' - 'deployed'
       AND pg_temp.figures(p.detail)->'candidate'->'r2' = pg_temp.figures(r.detail)->'candidate'->'r2'
       AND pg_temp.figures(p.detail)->'deployed'->'r2' = pg_temp.figures(r.detail)->'deployed'->'r2'
       AS same_figures
FROM mlops.deployments p, mlops.deployments r
WHERE p.model = 'db_p' AND p.version = 2 AND r.model = 'db_r' AND r.version = 2
  AND r.reason = 'train';

-- bad arguments
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', NULL, 'y')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_new', NULL)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', NULL, 'db_new', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'most_recent', 'db_new', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'worst', 'db_new', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_new', 'nope')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_vt', 'x2')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'pg_class', 'relpages')$$);
CREATE SEQUENCE db_seq;
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_seq', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_nope', 'best', 'db_new', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.deploy(NULL, 'best', 'db_new', 'y')$$);
CREATE TABLE db_empty (x1 float8, x2 float8, y float8);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_empty', 'y')$$);
CREATE TABLE db_allnull AS SELECT NULL::float8 AS x1, x2, y FROM db_new;
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_allnull', 'y')$$);
CREATE TABLE db_other (z float8, y float8);
INSERT INTO db_other VALUES (1, 2), (2, 3);
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_other', 'y')$$);

--
-- privileges: deploying by any path needs deploy; a train-only role never
-- compares (it does not read the deployed version); comparing scores the
-- deployed version, so it needs predict as well: train and deploy
-- without predict train without deploying, and deploy on a relation is
-- refused
--
CREATE ROLE regress_db_trainer;
CREATE ROLE regress_db_deployer;
CREATE ROLE regress_db_reader;
GRANT SELECT ON db_t, db_v, db_new TO regress_db_trainer, regress_db_deployer;
SELECT mlops.grant('db_r', 'train', 'regress_db_trainer');
SELECT mlops.grant('db_r', 'train', 'regress_db_deployer');
SELECT mlops.grant('db_r', 'deploy', 'regress_db_deployer');
SELECT mlops.grant('db_r', 'deploy', 'regress_db_reader');
SET ROLE regress_db_trainer;
-- on a relation the deployed version could not score: the only NOTICE
-- is the one about the missing deploy privilege
SELECT version, deployed FROM mlops.train('db_r', 'db_v', 'y', features => '{x1}');
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_new', 'y')$$);
SET ROLE regress_db_deployer;
SELECT pg_temp.try($$SELECT mlops.predict('db_r', ARRAY[1, 2]::float8[])$$);
SELECT version, deployed
FROM mlops.train('db_r', 'db_t', 'y', features => '{x1,x2}', hyperparams => '{"seed": 3}');
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_new', 'y')$$);
RESET ROLE;
SELECT mlops.grant('db_r', 'predict', 'regress_db_deployer');
SELECT mlops.grant('db_r', 'predict', 'regress_db_reader');
SET ROLE regress_db_deployer;
SELECT version, deployed
FROM mlops.train('db_r', 'db_t', 'y', features => '{x1,x2}', hyperparams => '{"seed": 3}');
SELECT mlops.deploy('db_r', 'best', 'db_new', 'y') AS best;
-- deploy without SELECT on the relation
SET ROLE regress_db_reader;
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_new', 'y')$$);
RESET ROLE;
-- SELECT on the target column only: versions whose columns it may not
-- read are left out, and none is left
GRANT SELECT (y) ON db_new TO regress_db_reader;
SET ROLE regress_db_reader;
SELECT pg_temp.try($$SELECT mlops.deploy('db_r', 'best', 'db_new', 'y')$$);
RESET ROLE;
SELECT version, reason, deployed_by
FROM mlops.deployments WHERE model = 'db_r' ORDER BY deployed_at DESC LIMIT 2;

SELECT mlops.drop_model(m) FROM unnest(ARRAY['db_m', 'db_r', 'db_x', 'db_p']) m;
DROP VIEW db_v, db_vt;
DROP TABLE db_t, db_t2, db_tiny, db_new, db_new_nulls, db_empty, db_allnull, db_other;
DROP SEQUENCE db_seq;
DROP ROLE regress_db_trainer, regress_db_deployer, regress_db_reader;

-- families that do not compare in their own passes are compared by their
-- score (roc_auc, f1_macro, inertia...) through the evaluation pass, on
-- the rows the new version held out (every row for clustering)
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/datasets.sql
SELECT version, deployed, metrics->>'score_metric' AS metric
FROM mlops.train('db_cls', 'bc', 'diagnosis', 'logistic', features => '{mean_texture,mean_smoothness}');
SELECT version, deployed
FROM mlops.train('db_cls', 'bc', 'diagnosis', 'logistic',
                 features => '{mean_texture,mean_smoothness,mean_symmetry,mean_fractal_dimension}');
SELECT version, deployed
FROM mlops.train('db_cls', 'bc', 'diagnosis', 'naive_bayes',
                 features => '{mean_texture,mean_smoothness,mean_symmetry,mean_fractal_dimension}');
SELECT d.version, d.detail->>'compared_on' AS compared_on, d.detail->>'score_metric' AS metric,
       (d.detail->'candidate'->>'score')::float8 > (d.detail->'deployed'->>'score')::float8 AS better,
       (d.detail->'candidate'->>'score')::float8 = (v.metrics->>'score')::float8 AS candidate_score_is_its_test_score
FROM mlops.deployments d JOIN mlops.versions v USING (model, version)
WHERE d.model = 'db_cls' ORDER BY d.version;
-- the stored scores: roc_auc, higher is better
SELECT mlops.deploy('db_cls', 'best') AS best_stored;
-- other classes cannot be compared: the deployed version stays
UPDATE bc SET diagnosis = 'other' WHERE id % 50 = 0;
SELECT version, deployed
FROM mlops.train('db_cls', 'bc', 'diagnosis', 'logistic',
                 features => '{mean_texture,mean_smoothness,mean_symmetry,mean_fractal_dimension}');
-- clustering: inertia, lower is better, only for the same k and features
CREATE TABLE db_pts AS SELECT sepal_length, sepal_width, petal_length, petal_width FROM iris;
SELECT version, deployed FROM mlops.train('db_km', 'db_pts', NULL, 'kmeans', '{"k": 3, "n_init": 1, "seed": 11}');
SELECT version, deployed FROM mlops.train('db_km', 'db_pts', NULL, 'kmeans', '{"k": 3, "n_init": 10}');
SELECT version, deployed FROM mlops.train('db_km', 'db_pts', NULL, 'kmeans', '{"k": 4}');
SELECT d.version, d.detail->>'score_metric' AS metric,
       (d.detail->'candidate'->>'score')::float8 <= (d.detail->'deployed'->>'score')::float8 AS lower
FROM mlops.deployments d WHERE d.model = 'db_km' ORDER BY d.version;
-- and on a relation: every comparable version scored on its rows
SELECT mlops.deploy('db_cls', 'best', 'bc', 'diagnosis') AS best_on_bc;
SELECT d.detail->>'score_metric' AS metric, jsonb_array_length(d.detail->'versions') AS scored,
       d.detail->'not_scored' AS not_scored
FROM mlops.deployments d WHERE d.model = 'db_cls' ORDER BY d.deployed_at DESC LIMIT 1;
SELECT mlops.deploy('db_km', 'best', 'db_pts', NULL) AS best_on_pts;
SELECT d.detail->>'score_metric' AS metric, d.detail->'not_scored' AS not_scored
FROM mlops.deployments d WHERE d.model = 'db_km' ORDER BY d.deployed_at DESC LIMIT 1;
SELECT pg_temp.try($$SELECT mlops.deploy('db_km', 'best', 'db_pts', 'sepal_length')$$);
SELECT pg_temp.try($$SELECT mlops.deploy('db_cls', 'best', 'bc', NULL)$$);
SELECT mlops.drop_model('db_cls'), mlops.drop_model('db_km');
DROP TABLE db_pts;
