--
-- tenancy: model privileges, the filtering readers under the catalog
-- views, the audit trail and search_path safety, with two teams and an
-- analyst
-- (BAD-INPUTS 14, 15, 16, 29, 30, 31).
--

-- try(statement): 'ok', or the SQLSTATE and message of its error
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ': ' || msg;
END
$$;

-- the install script made the group roles
SELECT rolname, rolcanlogin FROM pg_roles
WHERE rolname IN ('mlops_trainer', 'mlops_admin') ORDER BY rolname;

-- a DBA sets up two teams (README, "Security"), an analyst and a role
-- that may not train at all
CREATE ROLE regress_ten_team_a NOLOGIN IN ROLE mlops_trainer;
CREATE ROLE regress_ten_team_b NOLOGIN IN ROLE mlops_trainer;
CREATE ROLE regress_ten_alice LOGIN IN ROLE regress_ten_team_a;
CREATE ROLE regress_ten_amy LOGIN IN ROLE regress_ten_team_a;
CREATE ROLE regress_ten_bob LOGIN IN ROLE regress_ten_team_b;
CREATE ROLE regress_ten_ann LOGIN;
CREATE SCHEMA ten_a;
CREATE SCHEMA ten_b;
GRANT USAGE ON SCHEMA ten_a TO regress_ten_team_a, regress_ten_ann;
GRANT USAGE ON SCHEMA ten_b TO regress_ten_team_b;
CREATE TABLE ten_a.sales AS
SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
       1 + 2 * (g % 17) + 3 * (g % 5) + 0.01 * (g % 3) AS y
FROM generate_series(1, 400) g;
CREATE TABLE ten_b.churn AS
SELECT g AS id, (g % 13)::float8 AS x1, (g % 7)::float8 AS x2,
       (g % 11)::float8 AS secret, 5 - (g % 13) + 0.5 * (g % 7) + 0.01 * (g % 4) AS y
FROM generate_series(1, 400) g;
GRANT SELECT ON ten_a.sales TO regress_ten_team_a, regress_ten_ann;
GRANT SELECT (id, x1, x2, y) ON ten_b.churn TO regress_ten_team_b;
CREATE TABLE ten_b.salaries AS SELECT x1, y FROM ten_b.churn;
-- labelled data of each team for its classifier, clustering and
-- decomposition models; team B's private copy is not granted to team B
CREATE TABLE ten_a.flowers AS
SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
       CASE WHEN (g % 17) + (g % 5) + abs(hashint4(g)) % 7 > 12 THEN 'big' ELSE 'small' END AS label
FROM generate_series(1, 300) g;
CREATE TABLE ten_b.flowers AS
SELECT g AS id, (g % 13)::float8 AS x1, (g % 7)::float8 AS x2,
       CASE WHEN (g % 13) - (g % 7) + abs(hashint4(g)) % 5 > 6 THEN 'tall' ELSE 'short' END AS label
FROM generate_series(1, 300) g;
CREATE TABLE ten_b.flowers_private AS SELECT * FROM ten_b.flowers;
GRANT SELECT ON ten_a.flowers TO regress_ten_team_a;
GRANT SELECT ON ten_b.flowers TO regress_ten_team_b;

-- team A: alice trains, and hands ownership to her team
SET ROLE regress_ten_alice;
SELECT model, version, deployed
FROM mlops.train('ten_a_m', 'ten_a.sales', 'y', features => '{x1,x2}', test_size => 0);
SELECT mlops.grant('ten_a_m', 'own', 'regress_ten_team_a');
SELECT model, version, deployed
FROM mlops.train('ten_a_m', 'ten_a.sales', 'y', features => '{x1}', test_size => 0,
                 deploy => 'never');
RESET ROLE;
-- team B trains as its group role, so the team owns the model
SET ROLE regress_ten_team_b;
SELECT model, version, deployed
FROM mlops.train('ten_b_m', 'ten_b.churn', 'y', features => '{x1,x2}', test_size => 0);
RESET ROLE;
-- a classifier, a clustering and a decomposition model in each team
SET ROLE regress_ten_team_a;
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_a_c', 'ten_a.flowers', 'label', 'logistic', features => '{x1,x2}', test_size => 0)
UNION ALL
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_a_k', 'ten_a.flowers', NULL, 'kmeans', '{"k": 2, "n_init": 2}', features => '{x1,x2}')
UNION ALL
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_a_p', 'ten_a.flowers', NULL, 'pca', features => '{x1,x2}');
-- and tree models: a boosted classifier and a forest regressor
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_a_t', 'ten_a.flowers', 'label', 'xgboost', '{"n_estimators": 10, "max_depth": 3}',
                 features => '{x1,x2}', test_size => 0)
UNION ALL
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_a_r', 'ten_a.sales', 'y', 'random_forest', '{"n_estimators": 10, "max_depth": 3}',
                 features => '{x1,x2}', test_size => 0);
RESET ROLE;
SET ROLE regress_ten_team_b;
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_b_c', 'ten_b.flowers', 'label', 'naive_bayes', features => '{x1,x2}', test_size => 0)
UNION ALL
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_b_k', 'ten_b.flowers', NULL, 'kmeans', '{"k": 2, "n_init": 2}', features => '{x1,x2}')
UNION ALL
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_b_p', 'ten_b.flowers', NULL, 'pca', features => '{x1,x2}');
-- team B's trees the other way round: a forest classifier, a boosted
-- regressor on the columns of churn it was granted
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_b_t', 'ten_b.flowers', 'label', 'random_forest', '{"n_estimators": 10, "max_depth": 3}',
                 features => '{x1,x2}', test_size => 0)
UNION ALL
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_b_r', 'ten_b.churn', 'y', 'xgboost', '{"n_estimators": 10, "max_depth": 3}',
                 features => '{x1,x2}', test_size => 0);
RESET ROLE;
SELECT model_id AS a_id FROM mlops.model WHERE name = 'ten_a_m' \gset
SELECT 'ten_a.flowers'::regclass::oid AS a_flowers,
       'ten_b.flowers_private'::regclass::oid AS b_private \gset

-- the calls of every scoring, inspection and evaluation function, %1$s
-- for the model's name; each must refuse a model its caller may not see
-- exactly as it refuses one that does not exist
CREATE TABLE pg_temp.hidden_calls (fn text, kind char, stmt text);
INSERT INTO pg_temp.hidden_calls VALUES
  ('predict', 'c', $$SELECT mlops.predict('%1$s', ARRAY[1, 2]::float8[])$$),
  ('predict row', 'c', $$SELECT mlops.predict('%1$s', f) FROM %2$s f$$),
  ('predict_proba', 'c', $$SELECT mlops.predict_proba('%1$s', ARRAY[1, 2]::float8[])$$),
  ('predict_proba int', 'c', $$SELECT mlops.predict_proba('%1$s', ARRAY[1, 2])$$),
  ('predict_proba row', 'c', $$SELECT mlops.predict_proba('%1$s', f) FROM %2$s f$$),
  ('predict_proba pinned', 'c', $$SELECT mlops.predict_proba('%1$s@1', ARRAY[1, 2]::float8[])$$),
  ('predict_label', 'c', $$SELECT mlops.predict_label('%1$s', ARRAY[1, 2]::float8[])$$),
  ('predict_label row', 'c', $$SELECT mlops.predict_label('%1$s', f) FROM %2$s f$$),
  ('predict_label pinned', 'c', $$SELECT mlops.predict_label('%1$s@1', ARRAY[1, 2]::float8[])$$),
  ('classes', 'c', $$SELECT mlops.classes('%1$s')$$),
  ('classes pinned', 'c', $$SELECT mlops.classes('%1$s@1')$$),
  ('feature_names', 'c', $$SELECT mlops.feature_names('%1$s')$$),
  ('feature_names pinned', 'k', $$SELECT mlops.feature_names('%1$s@1')$$),
  ('evaluate', 'c', $$SELECT mlops.evaluate('%1$s', '%2$s', 'label')$$),
  ('confusion_matrix', 'c', $$SELECT * FROM mlops.confusion_matrix('%1$s', '%2$s', 'label')$$),
  ('roc_curve', 'c', $$SELECT * FROM mlops.roc_curve('%1$s', '%2$s', 'label')$$),
  ('transform', 'k', $$SELECT mlops.transform('%1$s', ARRAY[1, 2]::float8[])$$),
  ('transform row', 'k', $$SELECT mlops.transform('%1$s', f) FROM %2$s f$$),
  ('transform pinned', 'k', $$SELECT mlops.transform('%1$s@1', ARRAY[1, 2]::float8[])$$),
  ('centers', 'k', $$SELECT * FROM mlops.centers('%1$s')$$),
  ('predict', 'k', $$SELECT mlops.predict('%1$s', ARRAY[1, 2]::float8[])$$),
  ('evaluate', 'k', $$SELECT mlops.evaluate('%1$s', '%2$s', NULL)$$),
  ('transform', 'p', $$SELECT mlops.transform('%1$s', ARRAY[1, 2]::float8[])$$),
  ('transform row', 'p', $$SELECT mlops.transform('%1$s', f) FROM %2$s f$$),
  ('components', 'p', $$SELECT * FROM mlops.components('%1$s')$$),
  ('components pinned', 'p', $$SELECT * FROM mlops.components('%1$s@1')$$),
  ('coefficients', 'c', $$SELECT * FROM mlops.coefficients('%1$s')$$),
  ('feature_importance', 'c', $$SELECT * FROM mlops.feature_importance('%1$s')$$),
  ('feature_importance', 't', $$SELECT * FROM mlops.feature_importance('%1$s')$$),
  ('feature_importance pinned', 't', $$SELECT * FROM mlops.feature_importance('%1$s@1')$$),
  ('predict_proba', 't', $$SELECT mlops.predict_proba('%1$s', ARRAY[1, 2]::float8[])$$),
  ('predict_label row', 't', $$SELECT mlops.predict_label('%1$s', f) FROM %2$s f$$),
  ('classes', 't', $$SELECT mlops.classes('%1$s')$$),
  ('evaluate', 't', $$SELECT mlops.evaluate('%1$s', '%2$s', 'label')$$),
  ('roc_curve', 't', $$SELECT * FROM mlops.roc_curve('%1$s', '%2$s', 'label')$$),
  ('feature_importance', 'r', $$SELECT * FROM mlops.feature_importance('%1$s')$$),
  ('feature_importance pinned', 'r', $$SELECT * FROM mlops.feature_importance('%1$s@1')$$),
  ('predict', 'r', $$SELECT mlops.predict('%1$s', ARRAY[1, 2]::float8[])$$),
  ('predict row', 'r', $$SELECT mlops.predict('%1$s', f) FROM %2$s f$$),
  ('coefficients', 'r', $$SELECT * FROM mlops.coefficients('%1$s')$$);
GRANT SELECT ON pg_temp.hidden_calls TO PUBLIC;
-- hidden(owner, relation the caller may read): the error of each call on
-- the owner's hidden models, and whether it is the error of a missing one
CREATE FUNCTION pg_temp.hidden(team text, rel text)
RETURNS TABLE (fn text, kind char, error text, same_as_missing boolean)
LANGUAGE sql AS $$
SELECT h.fn, h.kind, e.hidden, e.hidden = replace(e.missing, 'ten_zz', 'ten_' || team)
FROM pg_temp.hidden_calls h,
     LATERAL (SELECT pg_temp.try(format(h.stmt, 'ten_' || team || '_' || h.kind, rel)) AS hidden,
                     pg_temp.try(format(h.stmt, 'ten_zz_' || h.kind, rel)) AS missing) e
ORDER BY h.kind, h.fn
$$;

-- fingerprint of the whole catalog, to show that refusals change nothing
CREATE FUNCTION pg_temp.catalog_state() RETURNS text LANGUAGE sql AS $$
SELECT md5(concat_ws('|',
  (SELECT string_agg(concat_ws(',', model_id, name, owner), ';' ORDER BY model_id) FROM mlops.model),
  (SELECT string_agg(concat_ws(',', model_id, version, checksum), ';' ORDER BY model_id, version) FROM mlops.model_version),
  (SELECT string_agg(concat_ws(',', deployment_id, version, reason), ';' ORDER BY deployment_id) FROM mlops.deployment),
  (SELECT string_agg(concat_ws(',', model_id, grantee, privilege), ';' ORDER BY model_id, grantee::text, privilege) FROM mlops.model_privilege),
  (SELECT count(*) FROM mlops.audit)))
$$;
SELECT pg_temp.catalog_state() AS state_before \gset

--
-- refused or invisible: team B (bob) against team A's model
--
SET ROLE regress_ten_bob;
-- the model list, metrics, versions, history, privileges, audit: nothing
SELECT (SELECT count(*) FROM mlops.models) AS models,
       (SELECT count(*) FROM mlops.models WHERE model = 'ten_a_m') AS a_models,
       (SELECT count(*) FROM mlops.versions WHERE model = 'ten_a_m') AS a_versions,
       (SELECT count(*) FROM mlops.deployments WHERE model = 'ten_a_m') AS a_deployments,
       (SELECT count(*) FROM mlops.model_privileges WHERE model = 'ten_a_m') AS a_privileges,
       (SELECT count(*) FROM mlops.audit WHERE model = 'ten_a_m') AS a_audit;
SELECT model, owner FROM mlops.models ORDER BY model;
-- ... nor through the readers under the views, by id
SELECT (SELECT count(*) FROM mlops.visible_models() WHERE model_id = :a_id) AS model,
       (SELECT count(*) FROM mlops.visible_versions() WHERE model_id = :a_id) AS model_version,
       (SELECT count(*) FROM mlops.visible_deployments() WHERE model_id = :a_id) AS deployment,
       (SELECT count(*) FROM mlops.visible_privileges() WHERE model_id = :a_id) AS model_privilege,
       (SELECT count(*) FROM mlops.visible_audit() WHERE model_id = :a_id) AS audit_log,
       (SELECT count(*) FROM mlops.audit WHERE model_id = :a_id) AS audit;
-- ... and the base tables are not readable at all
SELECT pg_temp.try($$SELECT count(*) FROM mlops.model WHERE model_id = $$ || :a_id);
SELECT pg_temp.try($$SELECT count(*) FROM mlops.model_version$$);
SELECT pg_temp.try($$SELECT count(*) FROM mlops.deployment$$);
SELECT pg_temp.try($$SELECT count(*) FROM mlops.model_privilege$$);
SELECT pg_temp.try($$SELECT count(*) FROM mlops.audit_log$$);
-- an invisible model gives exactly the error of one that does not exist
SELECT pg_temp.try($$SELECT * FROM mlops.coefficients('ten_a_m')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.coefficients('ten_zz_m')$$);
SELECT pg_temp.try($$SELECT mlops.predict('ten_a_m', ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('ten_zz_m', ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('ten_a_m@1', ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('ten_a_m@2', ARRAY[1]::integer[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('ten_a_m', c) FROM (SELECT x1, x2 FROM ten_b.churn) c$$);
SELECT pg_temp.try($$SELECT mlops.deploy('ten_a_m', 2)$$);
SELECT pg_temp.try($$SELECT mlops.deploy('ten_a_m', strategy => 'most_recent')$$);
SELECT pg_temp.try($$SELECT mlops.rollback('ten_a_m')$$);
SELECT pg_temp.try($$SELECT mlops.drop_model('ten_a_m')$$);
SELECT pg_temp.try($$SELECT mlops.drop_model('ten_zz_m')$$);
SELECT pg_temp.try($$SELECT mlops.grant('ten_a_m', 'predict', 'regress_ten_bob')$$);
SELECT pg_temp.try($$SELECT mlops.revoke('ten_a_m', 'own', 'regress_ten_team_a')$$);
-- ... and so do team A's classifier, clustering and decomposition models,
-- for every scoring, inspection and evaluation function, even on a
-- relation bob may read
SELECT * FROM pg_temp.hidden('a', 'ten_b.flowers');
-- evaluation reads the relation as the caller: bob's own model on team
-- A's table (by OID, past the schema), on a table of his schema he was not
-- granted, on a column he was not granted
SELECT pg_temp.try(format($$SELECT mlops.evaluate('ten_b_c', %s, 'label')$$, :a_flowers));
SELECT pg_temp.try(format($$SELECT * FROM mlops.confusion_matrix('ten_b_c', %s, 'label')$$, :a_flowers));
SELECT pg_temp.try(format($$SELECT * FROM mlops.roc_curve('ten_b_c', %s, 'label')$$, :a_flowers));
SELECT pg_temp.try(format($$SELECT mlops.evaluate('ten_b_k', %s, NULL)$$, :a_flowers));
SELECT pg_temp.try($$SELECT mlops.evaluate('ten_b_c', 'ten_b.flowers_private', 'label')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.roc_curve('ten_b_c', 'ten_b.flowers_private', 'label')$$);
SELECT pg_temp.try($$SELECT mlops.evaluate('ten_b_m', 'ten_b.churn', 'secret')$$);
-- ... and what he may read, he evaluates
SELECT (m->>'accuracy')::float8 > 0.5 AS b_evaluates,
       (SELECT sum(n) FROM mlops.confusion_matrix('ten_b_c', 'ten_b.flowers', 'label')) AS b_rows,
       (SELECT count(*) > 2 FROM mlops.roc_curve('ten_b_c', 'ten_b.flowers', 'label')) AS b_roc
FROM mlops.evaluate('ten_b_c', 'ten_b.flowers', 'label') m;
-- retraining: the name is taken, so this one says permission denied
SELECT pg_temp.try($$SELECT mlops.train('ten_a_m', 'ten_b.churn', 'y', features => '{x1,x2}')$$);
-- training on data it may not read: a table, a column
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_a.sales', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.salaries', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.churn', 'y', features => '{x1,secret}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.churn', 'secret', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.churn', 'y')$$);
-- ... nor through the trees' own scan (a matrix loader, not the passes)
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_a.sales', 'y', 'xgboost')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.salaries', 'y', 'xgboost')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.churn', 'y', 'xgboost', features => '{x1,secret}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.churn', 'secret', 'random_forest', features => '{x1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.churn', 'y', 'random_forest')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.flowers_private', 'label', 'xgboost', features => '{x1,x2}')$$);
-- ... nor retrain team A's tree model under its name
SELECT pg_temp.try($$SELECT mlops.train('ten_a_t', 'ten_b.flowers', 'label', 'xgboost', features => '{x1,x2}')$$);
-- writing the catalog directly
SELECT pg_temp.try($$UPDATE mlops.model SET owner = 'public'$$);
SELECT pg_temp.try($$UPDATE mlops.model_version SET metrics = '{}'$$);
SELECT pg_temp.try($$DELETE FROM mlops.deployment$$);
SELECT pg_temp.try($$DELETE FROM mlops.model WHERE model_id = $$ || :a_id);
SELECT pg_temp.try($$INSERT INTO mlops.model_privilege VALUES ($$ || :a_id || $$, 'public', 'own', 'public')$$);
SELECT pg_temp.try($$INSERT INTO mlops.deployment (model_id, version, deployed_by, reason)
                     VALUES ($$ || :a_id || $$, 2, 'bob', 'deploy')$$);
SELECT pg_temp.try($$DELETE FROM mlops.audit$$);
SELECT pg_temp.try($$DELETE FROM mlops.audit_log$$);
SELECT pg_temp.try($$TRUNCATE mlops.audit_log$$);
SELECT pg_temp.try($$INSERT INTO mlops.audit (role, session_role, action, model_id, model, detail)
                     VALUES ('x', 'x', 'drop', 1, 'x', '{}')$$);
SELECT pg_temp.try($$INSERT INTO mlops.audit_log (role, session_role, action, model_id, model, detail)
                     VALUES ('x', 'x', 'drop', 1, 'x', '{}')$$);
-- names crafted as SQL
SELECT pg_temp.try($$SELECT mlops.predict('ten_a_m''; DROP TABLE ten_a.sales; --', ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('ten_a_m'' OR ''1''=''1', ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.drop_model('%')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.churn; DROP TABLE ten_a.sales', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_b_x', 'ten_b.churn', 'y"; DROP TABLE ten_a.sales; --')$$);
SELECT pg_temp.try($$SELECT mlops.grant('ten_b_m', 'predict', 'x; DROP ROLE regress_ten_alice')$$);
SELECT pg_temp.try($$SELECT mlops.grant('ten_b_m', 'predict; --', 'regress_ten_ann')$$);
RESET ROLE;
-- the other way round: alice against team B's models, and her own model
-- on team B's private table
SET ROLE regress_ten_alice;
SELECT * FROM pg_temp.hidden('b', 'ten_a.flowers');
SELECT pg_temp.try(format($$SELECT mlops.evaluate('ten_a_c', %s, 'label')$$, :b_private));
SELECT pg_temp.try(format($$SELECT mlops.evaluate('ten_a_k', %s, NULL)$$, :b_private));
RESET ROLE;
-- the analyst, before any grant, sees neither team's models
SET ROLE regress_ten_ann;
SELECT count(*) AS calls, count(*) FILTER (WHERE same_as_missing AND error LIKE '42704: %') AS as_missing
FROM (SELECT * FROM pg_temp.hidden('a', 'ten_a.sales')
      UNION ALL SELECT * FROM pg_temp.hidden('b', 'ten_a.sales')) h;
RESET ROLE;
SELECT pg_temp.catalog_state() = :'state_before' AS nothing_changed,
       to_regclass('ten_a.sales') IS NOT NULL AS sales_still_there;

-- a model named like an injection is just a name
SET ROLE regress_ten_bob;
SELECT model, version FROM mlops.train('x''); DROP TABLE ten_b.churn; --', 'ten_b.churn', 'y',
                                       features => '{x1}', test_size => 0);
SELECT model FROM mlops.models ORDER BY model;
SELECT mlops.drop_model('x''); DROP TABLE ten_b.churn; --');
RESET ROLE;

-- a role outside mlops_trainer cannot create models
SET ROLE regress_ten_ann;
SELECT pg_temp.try($$SELECT mlops.train('ten_ann_m', 'ten_a.sales', 'y')$$);
RESET ROLE;

--
-- allowed: the analyst
--
SET ROLE regress_ten_ann;
SELECT pg_temp.try($$SELECT mlops.predict('ten_a_m', ARRAY[1, 2]::float8[])$$);
RESET ROLE;
SET ROLE regress_ten_alice;
SELECT mlops.grant('ten_a_m', 'predict', 'regress_ten_ann');
RESET ROLE;
SET ROLE regress_ten_ann;
SELECT round(mlops.predict('ten_a_m', ARRAY[1, 2]::float8[])::numeric, 1) AS deployed,
       round(mlops.predict('ten_a_m@2', ARRAY[1]::float8[])::numeric, 1) AS pinned_v2;
SELECT count(*) = 400 AS row_form FROM ten_a.sales s
WHERE abs(mlops.predict('ten_a_m', s) - (1 + 2 * x1 + 3 * x2)) < 0.05;
SELECT term, round(estimate::numeric, 1) AS estimate FROM mlops.coefficients('ten_a_m');
-- it sees team A's model, and only that one
SELECT model, owner, deployed_version, versions FROM mlops.models ORDER BY model;
SELECT model, grantee, privilege, granted_by FROM mlops.model_privileges ORDER BY privilege, grantee;
-- visible now, so a missing privilege is 42501, naming model and privilege
SELECT pg_temp.try($$SELECT mlops.deploy('ten_a_m', 2)$$);
SELECT pg_temp.try($$SELECT mlops.rollback('ten_a_m')$$);
SELECT pg_temp.try($$SELECT mlops.train('ten_a_m', 'ten_a.sales', 'y')$$);
SELECT pg_temp.try($$SELECT mlops.drop_model('ten_a_m')$$);
SELECT pg_temp.try($$SELECT mlops.grant('ten_a_m', 'predict', 'regress_ten_bob')$$);
-- parallel scoring under the restricted role: the workers resolve the
-- model as the analyst too, and agree with a serial scan
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT sum(mlops.predict('ten_a_m', s)) FROM ten_a.sales s;
SELECT round(sum(mlops.predict('ten_a_m', s))::numeric, 6) AS parallel_sum,
       round(sum(mlops.predict('ten_a_m@2', ARRAY[x1])) ::numeric, 6) AS parallel_sum_v2
FROM ten_a.sales s \gset
SET max_parallel_workers_per_gather = 0;
SELECT round(sum(mlops.predict('ten_a_m', s))::numeric, 6) = :parallel_sum AS same_sum,
       round(sum(mlops.predict('ten_a_m@2', ARRAY[x1]))::numeric, 6) = :parallel_sum_v2 AS same_sum_v2
FROM ten_a.sales s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- a prepared statement re-checks at every execution (BAD-INPUTS 30)
SET plan_cache_mode = force_generic_plan;
PREPARE ten_p AS SELECT round(mlops.predict('ten_a_m', ARRAY[1, 2]::float8[])::numeric, 1) AS p;
EXECUTE ten_p;
RESET ROLE;
SET ROLE regress_ten_alice;
SELECT mlops.revoke('ten_a_m', 'predict', 'regress_ten_ann');
RESET ROLE;
SET ROLE regress_ten_ann;
-- revoked: refused again, and the model is invisible again
SELECT pg_temp.try($$EXECUTE ten_p$$);
SELECT count(*) AS models FROM mlops.models;
RESET ROLE;
-- SET ROLE between executions is seen too
SET ROLE regress_ten_alice;
EXECUTE ten_p;
RESET ROLE;
SET ROLE regress_ten_bob;
SELECT pg_temp.try($$EXECUTE ten_p$$);
RESET ROLE;
DEALLOCATE ten_p;
RESET plan_cache_mode;

--
-- allowed: team members inherit the team's privileges
--
SET ROLE regress_ten_amy;
SELECT mlops.deploy('ten_a_m', 2) AS amy_deploys;
SELECT mlops.rollback('ten_a_m') AS amy_rolls_back;
SELECT version FROM mlops.train('ten_a_m', 'ten_a.sales', 'y', features => '{x2}',
                                test_size => 0, deploy => 'never');
SELECT mlops.grant('ten_a_m', 'predict', 'regress_ten_team_b');
RESET ROLE;
-- ... and so do team B's members, for what was granted to team B
SET ROLE regress_ten_bob;
SELECT round(mlops.predict('ten_a_m', ARRAY[1, 2]::float8[])::numeric, 1) AS bob_predicts;
SELECT model, versions FROM mlops.models ORDER BY model;
SELECT pg_temp.try($$SELECT mlops.deploy('ten_a_m', 1)$$);
RESET ROLE;
-- NOINHERIT members get nothing until they SET ROLE, as with GRANT
CREATE ROLE regress_ten_noinh LOGIN NOINHERIT IN ROLE regress_ten_team_b;
SET ROLE regress_ten_noinh;
SELECT pg_temp.try($$SELECT mlops.predict('ten_b_m', ARRAY[1, 2]::float8[])$$);
SET ROLE regress_ten_team_b;
SELECT round(mlops.predict('ten_b_m', ARRAY[1, 2]::float8[])::numeric, 1) AS after_set_role;
RESET ROLE;
DROP ROLE regress_ten_noinh;

-- PUBLIC is a grantee
SET ROLE regress_ten_team_b;
SELECT mlops.grant('ten_b_m', 'predict', 'public');
RESET ROLE;
SET ROLE regress_ten_ann;
SELECT round(mlops.predict('ten_b_m', ARRAY[1, 2]::float8[])::numeric, 1) AS ann_via_public;
RESET ROLE;
SET ROLE regress_ten_team_b;
SELECT mlops.revoke('ten_b_m', 'predict', 'public');
RESET ROLE;
SET ROLE regress_ten_ann;
SELECT pg_temp.try($$SELECT mlops.predict('ten_b_m', ARRAY[1, 2]::float8[])$$);
RESET ROLE;

-- a dropped grantee's row is shown as dropped and grants nothing (29),
-- not even to a new role that takes the old name
CREATE ROLE regress_ten_gone;
SELECT mlops.grant('ten_b_m', 'own', 'regress_ten_gone');
DROP ROLE regress_ten_gone;
SELECT grantee, role_status, privilege
FROM mlops.model_privileges WHERE model = 'ten_b_m' AND NOT is_owner;
CREATE ROLE regress_ten_gone;
SET ROLE regress_ten_gone;
SELECT pg_temp.try($$SELECT mlops.predict('ten_b_m', ARRAY[1, 2]::float8[])$$);
RESET ROLE;
DROP ROLE regress_ten_gone;

-- members of mlops_admin hold every privilege on every model
CREATE ROLE regress_ten_admin IN ROLE mlops_admin;
SELECT count(*) AS all_models FROM mlops.models \gset
SET ROLE regress_ten_admin;
SELECT model FROM mlops.models WHERE model LIKE 'ten\_%' ORDER BY model;
SELECT count(*) = :all_models AS sees_all FROM mlops.models;
SELECT mlops.deploy('ten_b_m', 1) AS admin_deploys;
RESET ROLE;
DROP ROLE regress_ten_admin;

-- bad arguments to grant and revoke
SELECT pg_temp.try($$SELECT mlops.grant('ten_b_m', 'select', 'regress_ten_ann')$$);
SELECT pg_temp.try($$SELECT mlops.grant('ten_b_m', 'predict', 'regress_ten_nosuch')$$);
SELECT pg_temp.try($$SELECT mlops.grant(NULL, 'predict', 'regress_ten_ann')$$);
SELECT pg_temp.try($$SELECT mlops.grant('ten_b_m', NULL, 'regress_ten_ann')$$);
SELECT pg_temp.try($$SELECT mlops.revoke('ten_b_m', 'predict', NULL)$$);
SELECT pg_temp.try($$SELECT mlops.grant('ten_b@1', 'predict', 'regress_ten_ann')$$);

--
-- inspection takes the predict privilege: feature_importance as every
-- other inspection function, on a tree model and on a model of another
-- family the analyst may see (deploy) but not score
--
SET ROLE regress_ten_alice;
SELECT mlops.grant(m, 'deploy', 'regress_ten_ann') FROM unnest('{ten_a_t,ten_a_r,ten_a_k}'::text[]) m;
RESET ROLE;
CREATE TABLE pg_temp.inspect_calls (fn text, stmt text);
INSERT INTO pg_temp.inspect_calls VALUES
  ('classes', $$SELECT mlops.classes('%s')$$),
  ('feature_names', $$SELECT mlops.feature_names('%s')$$),
  ('coefficients', $$SELECT * FROM mlops.coefficients('%s')$$),
  ('centers', $$SELECT * FROM mlops.centers('%s')$$),
  ('components', $$SELECT * FROM mlops.components('%s')$$),
  ('feature_importance', $$SELECT * FROM mlops.feature_importance('%s')$$),
  ('feature_importance pinned', $$SELECT * FROM mlops.feature_importance('%s@1')$$),
  ('predict', $$SELECT mlops.predict('%s', ARRAY[1, 2]::float8[])$$),
  ('predict_proba', $$SELECT mlops.predict_proba('%s', ARRAY[1, 2]::float8[])$$);
GRANT SELECT ON pg_temp.inspect_calls TO PUBLIC;
SET ROLE regress_ten_ann;
SELECT model FROM mlops.models ORDER BY model;
SELECT m.model, c.fn, pg_temp.try(format(c.stmt, m.model)) AS error
FROM unnest('{ten_a_t,ten_a_r,ten_a_k}'::text[]) m(model), pg_temp.inspect_calls c
ORDER BY m.model, c.fn;
-- every one of them 42501, naming the model and the privilege
SELECT count(*) AS calls,
       count(*) FILTER (WHERE pg_temp.try(format(c.stmt, m.model))
                        = format('42501: permission denied for model "%s": predict privilege required', m.model)) AS refused
FROM unnest('{ten_a_t,ten_a_r,ten_a_k}'::text[]) m(model), pg_temp.inspect_calls c;
RESET ROLE;
-- with predict: the importance of each feature, and the families that
-- have none say so
SET ROLE regress_ten_alice;
SELECT mlops.grant(m, 'predict', 'regress_ten_ann') FROM unnest('{ten_a_t,ten_a_r,ten_a_k}'::text[]) m;
RESET ROLE;
SET ROLE regress_ten_ann;
SELECT feature, weight > 0 AS split_on, gain > 0 AS gains, cover > 0 AS covers,
       abs(total_gain - gain * weight) <= 1e-9 * total_gain AS total_gain,
       abs(total_cover - cover * weight) <= 1e-9 * total_cover AS total_cover
FROM mlops.feature_importance('ten_a_t') ORDER BY feature;
SELECT feature, weight > 0 AS split_on, gain > 0 AS gains
FROM mlops.feature_importance('ten_a_r@1') ORDER BY feature;
SELECT pg_temp.try($$SELECT * FROM mlops.feature_importance('ten_a_k')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.coefficients('ten_a_t')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.feature_importance('ten_a_t@2')$$);
-- the trees score for the analyst, in parallel workers as serially
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT sum(mlops.predict('ten_a_r', s)), count(mlops.predict_label('ten_a_t', s)) FROM ten_a.sales s;
SELECT round(sum(mlops.predict('ten_a_r', s))::numeric, 3) AS parallel_sum,
       round(sum((mlops.predict_proba('ten_a_t', s))[1])::numeric, 6) AS parallel_proba
FROM ten_a.sales s \gset
SET max_parallel_workers_per_gather = 0;
SELECT round(sum(mlops.predict('ten_a_r', s))::numeric, 3) = :parallel_sum AS same_sum,
       round(sum((mlops.predict_proba('ten_a_t', s))[1])::numeric, 6) = :parallel_proba AS same_proba
FROM ten_a.sales s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET ROLE;
-- revoked: invisible again, exactly as a model that does not exist
SET ROLE regress_ten_alice;
SELECT mlops.revoke(m, p, 'regress_ten_ann')
FROM unnest('{ten_a_t,ten_a_r,ten_a_k}'::text[]) m, unnest('{deploy,predict}'::text[]) p;
RESET ROLE;
SET ROLE regress_ten_ann;
SELECT pg_temp.try($$SELECT * FROM mlops.feature_importance('ten_a_t')$$) AS hidden,
       pg_temp.try($$SELECT * FROM mlops.feature_importance('ten_zz_t')$$) AS missing;
SELECT count(*) AS models FROM mlops.models;
RESET ROLE;

--
-- hostile objects and search_path (31): nothing is captured
--
CREATE SCHEMA ten_evil AUTHORIZATION regress_ten_bob;
SET ROLE regress_ten_bob;
CREATE FUNCTION ten_evil.eq(text, text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured text ='; RETURN true; END $$;
CREATE FUNCTION ten_evil.eq(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured bigint ='; RETURN true; END $$;
CREATE FUNCTION ten_evil.eq(oid, oid) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured oid ='; RETURN true; END $$;
CREATE FUNCTION ten_evil.eq(integer, integer) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured int ='; RETURN true; END $$;
CREATE OPERATOR ten_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = ten_evil.eq);
CREATE OPERATOR ten_evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = ten_evil.eq);
CREATE OPERATOR ten_evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = ten_evil.eq);
CREATE OPERATOR ten_evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = ten_evil.eq);
CREATE FUNCTION ten_evil.max_sfunc(integer, integer) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured max'; RETURN 1000; END $$;
CREATE AGGREGATE ten_evil.max(integer) (SFUNC = ten_evil.max_sfunc, STYPE = integer);
CREATE FUNCTION ten_evil.now() RETURNS timestamptz LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured now'; RETURN 'epoch'; END $$;
CREATE FUNCTION ten_evil.octet_length(text) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured octet_length'; RETURN 1; END $$;
CREATE FUNCTION ten_evil.float8(text) RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured float8'; RETURN 1e9; END $$;
-- what the trees' SQL over XGBoost's JSON model could reach: jsonb's
-- operators, integer comparison and arithmetic, the types it casts to.
-- These answer as pg_catalog's and note in ten.captured what was used.
CREATE FUNCTION ten_evil.seen(what text) RETURNS boolean LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN
    IF strpos(coalesce(current_setting('ten.captured', true), ''), '[' || what || ']') = 0 THEN
        PERFORM set_config('ten.captured',
                           coalesce(current_setting('ten.captured', true), '') || '[' || what || ']', false);
    END IF;
    RETURN true;
END $$;
CREATE FUNCTION ten_evil.arrow(jsonb, text) RETURNS jsonb LANGUAGE plpgsql
SET search_path = pg_catalog AS $$ BEGIN PERFORM ten_evil.seen('->'); RETURN $1 -> $2; END $$;
CREATE FUNCTION ten_evil.arrow_text(jsonb, text) RETURNS text LANGUAGE plpgsql
SET search_path = pg_catalog AS $$ BEGIN PERFORM ten_evil.seen('->> text'); RETURN $1 ->> $2; END $$;
CREATE FUNCTION ten_evil.arrow_text(jsonb, integer) RETURNS text LANGUAGE plpgsql
SET search_path = pg_catalog AS $$ BEGIN PERFORM ten_evil.seen('->> int'); RETURN $1 ->> $2; END $$;
CREATE FUNCTION ten_evil.ne(integer, integer) RETURNS boolean LANGUAGE plpgsql
SET search_path = pg_catalog AS $$ BEGIN PERFORM ten_evil.seen('int <>'); RETURN $1 <> $2; END $$;
CREATE FUNCTION ten_evil.minus(integer, integer) RETURNS integer LANGUAGE plpgsql
SET search_path = pg_catalog AS $$ BEGIN PERFORM ten_evil.seen('int -'); RETURN $1 - $2; END $$;
CREATE FUNCTION ten_evil.minus(bigint, integer) RETURNS bigint LANGUAGE plpgsql
SET search_path = pg_catalog AS $$ BEGIN PERFORM ten_evil.seen('bigint -'); RETURN $1 - $2; END $$;
CREATE OPERATOR ten_evil.-> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = ten_evil.arrow);
CREATE OPERATOR ten_evil.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = ten_evil.arrow_text);
CREATE OPERATOR ten_evil.->> (LEFTARG = jsonb, RIGHTARG = integer, FUNCTION = ten_evil.arrow_text);
CREATE OPERATOR ten_evil.<> (LEFTARG = integer, RIGHTARG = integer, FUNCTION = ten_evil.ne);
CREATE OPERATOR ten_evil.- (LEFTARG = integer, RIGHTARG = integer, FUNCTION = ten_evil.minus);
CREATE OPERATOR ten_evil.- (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = ten_evil.minus);
CREATE DOMAIN ten_evil.int4 AS pg_catalog.int4 CHECK (ten_evil.seen('int4'));
CREATE DOMAIN ten_evil.float4 AS pg_catalog.float4 CHECK (ten_evil.seen('float4'));
CREATE TABLE ten_evil.model (model_id bigint, name text, owner oid, task text);
CREATE TEMP TABLE model_version (model_id bigint, version int);
SET search_path = pg_temp, ten_evil, pg_catalog;
SELECT model, version, deployed
FROM mlops.train('ten_b_m', 'ten_b.churn', 'y', features => '{x1,x2}', test_size => 0,
                 deploy => 'never');
SELECT mlops.deploy('ten_b_m', 2) AS deployed,
       mlops.deploy('ten_b_m', strategy => 'most_recent') AS most_recent,
       mlops.rollback('ten_b_m') AS rolled_back;
SELECT round(mlops.predict('ten_b_m', ARRAY[1, 2]::float8[])::numeric, 2) AS p,
       round(mlops.predict('ten_b_m@2', ARRAY[1, 2]::float8[])::numeric, 2) AS p2;
SELECT model, version, deployed FROM mlops.versions ORDER BY model, version;
SELECT mlops.grant('ten_b_m', 'predict', 'regress_ten_ann');
SELECT mlops.revoke('ten_b_m', 'predict', 'regress_ten_ann');
-- the trees: training reads XGBoost's trees by SQL, feature_importance
-- its splits; nothing of ten_evil is used (a query of the role's own, with
-- an unqualified jsonb operator, shows what a capture looks like)
SELECT '{"a": 1}'::jsonb -> 'a' AS own_query,
       '{' || current_setting('ten.captured') || '}' AS captured;
SELECT set_config('ten.captured', '', false) IS NOT NULL AS reset;
SELECT model, version, algorithm, deployed
FROM mlops.train('ten_b_r', 'ten_b.churn', 'y', 'xgboost', '{"n_estimators": 3, "max_depth": 2}',
                 features => '{x1,x2}', test_size => 0, deploy => 'never');
SELECT feature, weight > 0 AS split_on FROM mlops.feature_importance('ten_b_r@2') ORDER BY feature;
SELECT feature, weight > 0 AS split_on FROM mlops.feature_importance('ten_b_t') ORDER BY feature;
SELECT mlops.predict_label('ten_b_t', ARRAY[1, 2]::float8[]) OPERATOR(pg_catalog.=) ANY ('{short,tall}') AS labelled,
       round(mlops.predict('ten_b_r', ARRAY[1, 2]::float8[])::numeric, 2)
       = round(mlops.predict('ten_b_r@1', ARRAY[1, 2]::float8[])::numeric, 2) AS deployed_is_v1;
SELECT '{' || current_setting('ten.captured') || '}' AS captured;
DROP TABLE pg_temp.model_version;
RESET search_path;
RESET ROLE;

--
-- the audit trail (as superuser: every row; times omitted)
--
SELECT role, session_role = current_user AS by_me, action, model, detail
FROM mlops.audit WHERE model LIKE 'ten\_%' ORDER BY audit_id;
-- a deploy that rolls back leaves no audit row either
SELECT count(*) AS audit_rows FROM mlops.audit \gset
BEGIN;
SELECT mlops.deploy('ten_b_m', 1);
ROLLBACK;
SELECT count(*) = :audit_rows AS no_audit_row FROM mlops.audit;
-- append-only even for its owner
SELECT pg_temp.try($$UPDATE mlops.audit_log SET role = 'x'$$);
SELECT pg_temp.try($$DELETE FROM mlops.audit_log$$);
SELECT pg_temp.try($$TRUNCATE mlops.audit_log$$);
-- every function of the extension is SECURITY INVOKER
SELECT count(*) AS security_definer
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mlops'
WHERE p.prosecdef;
-- a non-owner cannot alter the extension
SET ROLE regress_ten_alice;
SELECT pg_temp.try($$ALTER EXTENSION mlops UPDATE$$);
SELECT pg_temp.try($$DROP EXTENSION mlops$$);
RESET ROLE;

-- clean up
SELECT mlops.drop_model('ten_a_m');
SELECT mlops.drop_model('ten_b_m');
SELECT mlops.drop_model(m) FROM unnest('{ten_a_c,ten_a_k,ten_a_p,ten_a_t,ten_a_r,ten_b_c,ten_b_k,ten_b_p,ten_b_t,ten_b_r}'::text[]) m;
SELECT action, model FROM mlops.audit WHERE action = 'drop' AND model LIKE 'ten\_%'
ORDER BY audit_id;
DROP SCHEMA ten_evil CASCADE;
DROP SCHEMA ten_a CASCADE;
DROP SCHEMA ten_b CASCADE;
DROP ROLE regress_ten_alice, regress_ten_amy, regress_ten_bob, regress_ten_ann,
          regress_ten_team_a, regress_ten_team_b;
