--
-- catalog_probes: nothing about another team's models reaches a role
-- through the planner (BAD-INPUTS 36).  Users read the catalog only through
-- the views over the mlops.visible_*() readers; the base tables refuse
-- them, so no leakproof qual runs as an index condition over hidden rows,
-- no EXPLAIN ANALYZE count includes them, and no estimate or pg_stats row
-- is built from them.
--

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql

-- plan(query): the EXPLAIN ANALYZE lines of a query, without timings
CREATE FUNCTION pg_temp.plan(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE
        'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q;
END
$$;
-- plan_text(query): the same as one string with the constants masked, to
-- compare the plans of two probes
CREATE FUNCTION pg_temp.plan_text(q text) RETURNS text
LANGUAGE sql AS $$
SELECT string_agg(regexp_replace(regexp_replace(p, '''[^'']*''', '?', 'g'),
                                 '= -?[0-9]+', '= ?', 'g'), E'\n')
FROM pg_temp.plan(q) p
$$;
-- estimate(query): the planner's row estimate for the query
CREATE FUNCTION pg_temp.estimate(q text) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    j json;
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
    RETURN (j -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
END
$$;

-- two teams, a member of team B, and a role with no privilege at all
CREATE ROLE regress_probe_team_a NOLOGIN IN ROLE mlops_trainer;
CREATE ROLE regress_probe_team_b NOLOGIN IN ROLE mlops_trainer;
CREATE ROLE regress_probe_bob LOGIN IN ROLE regress_probe_team_b;
CREATE ROLE regress_probe_nobody LOGIN;
CREATE ROLE regress_probe_ann LOGIN;
CREATE SCHEMA probe_a;
CREATE SCHEMA probe_b;
GRANT USAGE ON SCHEMA probe_a TO regress_probe_team_a;
GRANT USAGE ON SCHEMA probe_b TO regress_probe_team_b;
CREATE TABLE probe_a.sales AS
SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
       1 + 2 * (g % 17) + 3 * (g % 5) + 0.01 * (g % 3) AS y
FROM generate_series(1, 200) g;
CREATE TABLE probe_b.churn AS
SELECT g AS id, (g % 13)::float8 AS x1, 5 - (g % 13) + 0.01 * (g % 4) AS y
FROM generate_series(1, 200) g;
GRANT SELECT ON probe_a.sales TO regress_probe_team_a;
GRANT SELECT ON probe_b.churn TO regress_probe_team_b;

-- team A: a model with five versions, shared with a grantee
SET ROLE regress_probe_team_a;
SELECT count(*) AS versions
FROM generate_series(1, 5) i,
     mlops.train('probe_a_sales', 'probe_a.sales', 'y', features => '{x1,x2}',
                 test_size => 0);
SELECT mlops.grant('probe_a_sales', 'predict', 'regress_probe_ann');
RESET ROLE;
-- team B: one model with one version
SET ROLE regress_probe_team_b;
SELECT version FROM mlops.train('probe_b_churn', 'probe_b.churn', 'y', test_size => 0);
RESET ROLE;
SELECT model_id AS a_id FROM mlops.model WHERE name = 'probe_a_sales' \gset
ANALYZE mlops.model, mlops.model_version, mlops.deployment,
        mlops.model_privilege, mlops.audit_log;

--
-- a role with no privilege
--
SET ROLE regress_probe_nobody;
SET enable_seqscan = off;
-- the base tables refuse it, EXPLAIN too: no index condition, no count
SELECT pg_temp.try($$EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
    SELECT 1 FROM mlops.model WHERE name >= 'probe_a_s' AND name < 'probe_a_t'$$);
SELECT pg_temp.try($$EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
    SELECT 1 FROM mlops.model_version WHERE model_id = $$ || :a_id);
SELECT pg_temp.try($$EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
    SELECT 1 FROM mlops.deployment WHERE model_id = $$ || :a_id);
SELECT pg_temp.try($$EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
    SELECT 1 FROM mlops.model_privilege WHERE model_id = $$ || :a_id);
SELECT pg_temp.try($$EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
    SELECT 1 FROM mlops.audit_log WHERE model_id = $$ || :a_id);
SELECT pg_temp.try($$EXPLAIN SELECT 1 FROM mlops.model_version WHERE source = 'probe_a.sales'$$);
-- the views: a prefix walk over the names finds no row and removes none
SELECT pg_temp.plan($$SELECT 1 FROM mlops.models
                      WHERE model >= 'probe_a_s' AND model < 'probe_a_t'$$);
SELECT pg_temp.plan($$SELECT 1 FROM mlops.versions
                      WHERE model >= 'probe_a_s' AND model < 'probe_a_t'$$);
SELECT pg_temp.plan($$SELECT 1 FROM mlops.deployments WHERE model = 'probe_a_sales'$$);
SELECT pg_temp.plan($$SELECT 1 FROM mlops.model_privileges WHERE model = 'probe_a_sales'$$);
SELECT pg_temp.plan($$SELECT 1 FROM mlops.audit WHERE model = 'probe_a_sales'$$);
-- a hidden name and a made-up one give the same plan, line by line
SELECT pg_temp.plan_text($$SELECT 1 FROM mlops.models WHERE model >= 'probe_a_s'$$)
     = pg_temp.plan_text($$SELECT 1 FROM mlops.models WHERE model >= 'probe_zz'$$)
       AS same_models_plan,
       pg_temp.plan_text($$SELECT 1 FROM mlops.audit WHERE model_id = $$ || :a_id)
     = pg_temp.plan_text($$SELECT 1 FROM mlops.audit WHERE model_id = 987654321$$)
       AS same_audit_plan;
-- estimates: a hidden source, target, trainer, grantee, audit role are
-- estimated exactly like made-up ones
SELECT pg_temp.estimate($$SELECT 1 FROM mlops.versions WHERE source = 'probe_a.sales'$$)
     = pg_temp.estimate($$SELECT 1 FROM mlops.versions WHERE source = 'probe_a.salez'$$)
       AS same_source,
       pg_temp.estimate($$SELECT 1 FROM mlops.versions WHERE target = 'y'$$)
     = pg_temp.estimate($$SELECT 1 FROM mlops.versions WHERE target = 'zz'$$)
       AS same_target,
       pg_temp.estimate($$SELECT 1 FROM mlops.versions WHERE trained_by = 'regress_probe_team_a'$$)
     = pg_temp.estimate($$SELECT 1 FROM mlops.versions WHERE trained_by = 'regress_probe_zz'$$)
       AS same_trainer,
       pg_temp.estimate($$SELECT 1 FROM mlops.model_privileges WHERE grantee = 'regress_probe_ann'$$)
     = pg_temp.estimate($$SELECT 1 FROM mlops.model_privileges WHERE grantee = 'regress_probe_zz'$$)
       AS same_grantee,
       pg_temp.estimate($$SELECT 1 FROM mlops.audit WHERE role = 'regress_probe_team_a'$$)
     = pg_temp.estimate($$SELECT 1 FROM mlops.audit WHERE role = 'regress_probe_zz'$$)
       AS same_audit_role,
       pg_temp.estimate($$SELECT 1 FROM mlops.audit WHERE model_id = $$ || :a_id)
     = pg_temp.estimate($$SELECT 1 FROM mlops.audit WHERE model_id = 987654321$$)
       AS same_audit_id;
-- pg_stats shows only columns the role may SELECT: none of the catalog's
SELECT count(*) AS pg_stats_rows FROM pg_stats WHERE schemaname = 'mlops';
SELECT pg_temp.try($$SELECT count(*) FROM pg_statistic$$);
-- counts of versions, deployments, grantees, audit rows: all zero
SELECT (SELECT count(*) FROM mlops.models) AS models,
       (SELECT count(*) FROM mlops.versions) AS versions,
       (SELECT count(*) FROM mlops.deployments) AS deployments,
       (SELECT count(*) FROM mlops.model_privileges) AS privileges,
       (SELECT count(*) FROM mlops.audit) AS audit,
       (SELECT count(*) FROM mlops.visible_models()) AS model_rows,
       (SELECT count(*) FROM mlops.visible_versions()) AS version_rows,
       (SELECT count(*) FROM mlops.visible_deployments()) AS deployment_rows,
       (SELECT count(*) FROM mlops.visible_privileges()) AS privilege_rows,
       (SELECT count(*) FROM mlops.visible_audit()) AS audit_rows;
RESET enable_seqscan;
RESET ROLE;
-- (as superuser, the statistics are there)
SELECT count(*) > 0 AS superuser_sees_stats FROM pg_stats WHERE schemaname = 'mlops';

--
-- a member of team B: its own rows only, and hidden rows never counted
--
SET ROLE regress_probe_bob;
SET enable_seqscan = off;
SELECT model, versions FROM mlops.models WHERE model LIKE 'probe\_%' ORDER BY model;
-- removed by the filter: team B's own rows, whatever the probed name
SELECT pg_temp.plan($$SELECT 1 FROM mlops.versions
                      WHERE model >= 'probe_a_s' AND model < 'probe_a_t'$$);
SELECT pg_temp.plan($$SELECT 1 FROM mlops.audit WHERE model = 'probe_a_sales'$$);
SELECT pg_temp.plan_text($$SELECT 1 FROM mlops.versions WHERE model = 'probe_a_sales'$$)
     = pg_temp.plan_text($$SELECT 1 FROM mlops.versions WHERE model = 'probe_zz'$$)
       AS same_versions_plan,
       pg_temp.plan_text($$SELECT 1 FROM mlops.audit WHERE model_id = $$ || :a_id)
     = pg_temp.plan_text($$SELECT 1 FROM mlops.audit WHERE model_id = 987654321$$)
       AS same_audit_plan,
       pg_temp.plan_text($$SELECT 1 FROM mlops.model_privileges WHERE grantee = 'regress_probe_ann'$$)
     = pg_temp.plan_text($$SELECT 1 FROM mlops.model_privileges WHERE grantee = 'regress_probe_zz'$$)
       AS same_grantee_plan;
SELECT pg_temp.estimate($$SELECT 1 FROM mlops.versions WHERE source = 'probe_a.sales'$$)
     = pg_temp.estimate($$SELECT 1 FROM mlops.versions WHERE source = 'probe_b.churn'$$)
       AS same_as_own_source;
SELECT count(*) AS pg_stats_rows FROM pg_stats WHERE schemaname = 'mlops';
RESET enable_seqscan;
-- the readers are PARALLEL SAFE: a worker reads what the leader reads
SET force_parallel_mode = on;
EXPLAIN (COSTS OFF) SELECT * FROM mlops.visible_models();
SELECT (SELECT string_agg(name, ',' ORDER BY name) FROM mlops.visible_models()) AS models,
       (SELECT count(*) FROM mlops.visible_versions()) AS versions,
       (SELECT count(*) FROM mlops.audit) AS audit;
RESET force_parallel_mode;
RESET ROLE;

-- the readers return the table's row type: a column added to a table
-- flows through, and a dropped one leaves the rest in place
ALTER TABLE mlops.model_privilege ADD COLUMN probe_note text DEFAULT 'added';
SET ROLE regress_probe_team_a;
SELECT privilege, probe_note FROM mlops.visible_privileges()
WHERE model_id = :a_id;
RESET ROLE;
ALTER TABLE mlops.model_privilege DROP COLUMN probe_note;
SET ROLE regress_probe_team_a;
SELECT privilege, mlops.role_name(grantee) = 'regress_probe_ann' AS grantee
FROM mlops.visible_privileges() WHERE model_id = :a_id;
SELECT model, grantee, privilege FROM mlops.model_privileges
WHERE model = 'probe_a_sales' ORDER BY is_owner DESC, grantee;
RESET ROLE;

-- clean up
SELECT mlops.drop_model('probe_a_sales');
SELECT mlops.drop_model('probe_b_churn');
DROP SCHEMA probe_a CASCADE;
DROP SCHEMA probe_b CASCADE;
DROP ROLE regress_probe_bob, regress_probe_nobody, regress_probe_ann, regress_probe_team_a,
          regress_probe_team_b;
