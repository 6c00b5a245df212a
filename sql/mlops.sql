-- sql/mlops.sql

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION mlops" to load this file. \quit

-- installation checks and group roles

-- The schema must be the installer's: an existing schema "mlops" owned by
-- another role would let that role drop or replace the extension's objects.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace n
               WHERE n.nspname OPERATOR(pg_catalog.=) '@extschema@'
                 AND n.nspowner OPERATOR(pg_catalog.<>)
                     (SELECT r.oid FROM pg_catalog.pg_roles r
                      WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER)) THEN
        RAISE EXCEPTION 'schema "@extschema@" already exists and is owned by another role'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Drop the schema, or have its owner install the extension.';
    END IF;
    -- Roles are global to the cluster: a second database reuses them.
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                   WHERE rolname OPERATOR(pg_catalog.=) 'mlops_trainer') THEN
        CREATE ROLE mlops_trainer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                   WHERE rolname OPERATOR(pg_catalog.=) 'mlops_admin') THEN
        CREATE ROLE mlops_admin NOLOGIN;
    END IF;
END
$$;

-- roles as the catalog stores them: by OID inside the cluster, by name in
-- dumps (src/roles.c), so that a restore binds rows to the roles of the
-- same names and a rename or drop within the cluster is followed

CREATE TYPE @extschema@.role_ref;
CREATE FUNCTION @extschema@.role_ref_in(cstring) RETURNS @extschema@.role_ref
    AS 'MODULE_PATHNAME', 'mlops_role_ref_in'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.role_ref_out(@extschema@.role_ref) RETURNS cstring
    AS 'MODULE_PATHNAME', 'mlops_role_ref_out'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.role_ref_recv(internal) RETURNS @extschema@.role_ref
    AS 'MODULE_PATHNAME', 'mlops_role_ref_recv'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.role_ref_send(@extschema@.role_ref) RETURNS bytea
    AS 'MODULE_PATHNAME', 'mlops_role_ref_send'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.role_ref (
    INPUT = @extschema@.role_ref_in,
    OUTPUT = @extschema@.role_ref_out,
    RECEIVE = @extschema@.role_ref_recv,
    SEND = @extschema@.role_ref_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = plain
);
COMMENT ON TYPE @extschema@.role_ref IS
    'a role of the catalog: its OID in this cluster, its current name as text (public = PUBLIC, ?name = unresolved, !name = dropped)';
CREATE FUNCTION @extschema@.role_name(@extschema@.role_ref) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_role_name'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.role_status(@extschema@.role_ref) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_role_status'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.role_name(@extschema@.role_ref) IS
    'the role''s current name (PUBLIC for everyone), or the name it had when stored';
COMMENT ON FUNCTION @extschema@.role_status(@extschema@.role_ref) IS
    'ok, dropped (its role no longer exists) or unresolved (restored where no role has its name)';

-- catalog tables

CREATE TABLE @extschema@.model (
    model_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE
                CHECK (pg_catalog.octet_length(name) BETWEEN 1 AND 63
                       AND pg_catalog.strpos(name, '@') OPERATOR(pg_catalog.=) 0),
    owner       @extschema@.role_ref NOT NULL,
    task        text NOT NULL
                CHECK (task OPERATOR(pg_catalog.=) ANY (ARRAY['regression', 'classification',
                                'clustering', 'decomposition'])),
    description text,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);

CREATE TABLE @extschema@.model_version (
    model_id    bigint NOT NULL
                REFERENCES @extschema@.model (model_id) ON DELETE CASCADE,
    version     integer NOT NULL CHECK (version > 0),
    algorithm   text NOT NULL,
    hyperparams jsonb NOT NULL,
    features    jsonb NOT NULL CHECK (pg_catalog.jsonb_typeof(features) OPERATOR(pg_catalog.=) 'array'),
    target      text,
    source      text NOT NULL,
    n_train     bigint NOT NULL CHECK (n_train >= 0),
    n_test      bigint NOT NULL CHECK (n_test >= 0),
    metrics     jsonb NOT NULL,
    profile     jsonb,
    artifact    bytea NOT NULL,
    checksum    bigint NOT NULL,
    trained_by  text NOT NULL,
    trained_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    training_ms double precision NOT NULL CHECK (training_ms >= 0),
    PRIMARY KEY (model_id, version)
);

CREATE TABLE @extschema@.deployment (
    deployment_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_id    bigint NOT NULL,
    version     integer NOT NULL,
    deployed_by text NOT NULL,
    deployed_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    reason      text NOT NULL
                CHECK (reason OPERATOR(pg_catalog.=) ANY (ARRAY['deploy', 'rollback', 'best',
                                  'most_recent', 'train', 'import'])),
    -- the figures the decision was made on (both versions' r2 on the same
    -- rows), NULL when there were none (an explicit version, a rollback)
    detail      jsonb CHECK (pg_catalog.jsonb_typeof(detail) OPERATOR(pg_catalog.=) 'object'),
    FOREIGN KEY (model_id, version)
        REFERENCES @extschema@.model_version (model_id, version) ON DELETE CASCADE
);
CREATE INDEX deployment_model_idx
    ON @extschema@.deployment (model_id, deployment_id);

-- Per-model privileges.  The creator (model.owner) holds every privilege
-- without a row here.  No key on the grantee: a restored row may name a
-- role that does not exist, and restores must never fail, so mlops.grant
-- keeps one row per grantee and privilege itself (under the model's lock).
CREATE TABLE @extschema@.model_privilege (
    model_id    bigint NOT NULL
                REFERENCES @extschema@.model (model_id) ON DELETE CASCADE,
    grantee     @extschema@.role_ref NOT NULL,
    privilege   text NOT NULL
                CHECK (privilege OPERATOR(pg_catalog.=) ANY
                       (ARRAY['predict', 'train', 'deploy', 'own'])),
    granted_by  @extschema@.role_ref NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
);
CREATE INDEX model_privilege_model_idx
    ON @extschema@.model_privilege (model_id);

-- Append-only audit trail, written by the extension's C code in the same
-- transaction as the action (users read the view mlops.audit).  No foreign
-- key: it outlives dropped models.
CREATE TABLE @extschema@.audit_log (
    audit_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    logged_at    timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    role         text NOT NULL,
    session_role text NOT NULL,
    action       text NOT NULL
                 CHECK (action OPERATOR(pg_catalog.=) ANY
                        (ARRAY['grant', 'revoke', 'train', 'deploy', 'rollback',
                               'drop', 'describe'])),
    model_id     bigint NOT NULL,
    model        text NOT NULL,
    detail       jsonb NOT NULL
);
CREATE INDEX audit_log_model_idx ON @extschema@.audit_log (model_id, audit_id);

-- Versions are immutable and the deployment history is append-only.
CREATE FUNCTION @extschema@._refuse_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS
$$
BEGIN
    RAISE EXCEPTION 'rows of %.% are immutable', TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'Train a new version, or deploy another one.';
END
$$;
CREATE TRIGGER model_version_immutable BEFORE UPDATE ON @extschema@.model_version
    FOR EACH ROW EXECUTE FUNCTION @extschema@._refuse_update();
CREATE TRIGGER deployment_append_only BEFORE UPDATE ON @extschema@.deployment
    FOR EACH ROW EXECUTE FUNCTION @extschema@._refuse_update();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON @extschema@.audit_log
    FOR EACH ROW EXECUTE FUNCTION @extschema@._refuse_update();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON @extschema@.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._refuse_update();

SELECT pg_catalog.pg_extension_config_dump('@extschema@.model', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.model_version', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.deployment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.model_model_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.deployment_deployment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.model_privilege', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log_audit_id_seq', '');

-- Nobody but the owner reads or writes the base tables: users read the
-- views below, and only the extension's C code writes, as the owner, after
-- its own checks.
REVOKE ALL ON @extschema@.model, @extschema@.model_version,
    @extschema@.deployment, @extschema@.model_privilege,
    @extschema@.audit_log FROM PUBLIC;
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

COMMENT ON TABLE @extschema@.model IS 'one row per model name';
COMMENT ON TABLE @extschema@.model_version IS 'immutable trained versions of each model';
COMMENT ON TABLE @extschema@.deployment IS 'append-only history of which version serves each model';
COMMENT ON TABLE @extschema@.model_privilege IS
    'privileges granted on each model (the owner holds all without a row)';
COMMENT ON TABLE @extschema@.audit_log IS
    'append-only record of grant, revoke, train, deploy, rollback, drop and describe';

-- readers: one per base table, returning its rows of the models the
-- caller holds some privilege on (superusers, members of mlops_admin: all
-- of them), read as the tables' owner.  A qual on a function scan is
-- applied to what the function returned, so no index condition, EXPLAIN
-- count or planner statistic reaches a hidden row (row-level security on
-- the tables could not promise that).  They filter, so they are meant for
-- PUBLIC and carry no '_' prefix.  PARALLEL SAFE: they only read, through
-- SPI, as predict does in workers.

CREATE FUNCTION @extschema@.visible_models() RETURNS SETOF @extschema@.model
    AS 'MODULE_PATHNAME', 'mlops_visible_models'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION @extschema@.visible_versions() RETURNS SETOF @extschema@.model_version
    AS 'MODULE_PATHNAME', 'mlops_visible_versions'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION @extschema@.visible_deployments() RETURNS SETOF @extschema@.deployment
    AS 'MODULE_PATHNAME', 'mlops_visible_deployments'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION @extschema@.visible_privileges() RETURNS SETOF @extschema@.model_privilege
    AS 'MODULE_PATHNAME', 'mlops_visible_privileges'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
CREATE FUNCTION @extschema@.visible_audit() RETURNS SETOF @extschema@.audit_log
    AS 'MODULE_PATHNAME', 'mlops_visible_audit'
    LANGUAGE C STABLE PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.visible_models() IS
    'rows of mlops.model the current role may see';
COMMENT ON FUNCTION @extschema@.visible_versions() IS
    'rows of mlops.model_version the current role may see';
COMMENT ON FUNCTION @extschema@.visible_deployments() IS
    'rows of mlops.deployment the current role may see';
COMMENT ON FUNCTION @extschema@.visible_privileges() IS
    'rows of mlops.model_privilege the current role may see';
COMMENT ON FUNCTION @extschema@.visible_audit() IS
    'rows of mlops.audit_log the current role may see (a dropped model''s: admins only)';

-- views
--
-- Over the readers, each called once per query (a CTE where a view needs
-- its rows twice).  security_invoker: nothing runs with the view owner's
-- rights; the readers filter by the caller's privileges.

CREATE VIEW @extschema@.deployments WITH (security_invoker = true) AS
SELECT m.name AS model, d.version, d.deployed_by, d.deployed_at, d.reason,
       d.detail
FROM @extschema@.visible_deployments() d
JOIN @extschema@.visible_models() m ON m.model_id OPERATOR(pg_catalog.=) d.model_id;

CREATE VIEW @extschema@.versions WITH (security_invoker = true) AS
SELECT m.name AS model, v.version, v.algorithm, v.hyperparams, v.features,
       v.target, v.source, v.n_train, v.n_test, v.metrics, v.trained_by,
       v.trained_at, v.training_ms,
       COALESCE(v.version OPERATOR(pg_catalog.=) d.version, false) AS deployed
FROM @extschema@.visible_versions() v
JOIN @extschema@.visible_models() m ON m.model_id OPERATOR(pg_catalog.=) v.model_id
LEFT JOIN (SELECT DISTINCT ON (d.model_id) d.model_id, d.version
           FROM @extschema@.visible_deployments() d
           ORDER BY d.model_id, d.deployment_id DESC) d
       ON d.model_id OPERATOR(pg_catalog.=) v.model_id;

CREATE VIEW @extschema@.models WITH (security_invoker = true) AS
WITH v AS (SELECT v.model_id, v.version, v.algorithm, v.metrics
           FROM @extschema@.visible_versions() v)
SELECT m.name AS model, @extschema@.role_name(m.owner) AS owner, m.task,
       d.version AS deployed_version, v.algorithm, v.metrics,
       COALESCE(n.versions, 0) AS versions, m.description, m.created_at
FROM @extschema@.visible_models() m
LEFT JOIN (SELECT DISTINCT ON (d.model_id) d.model_id, d.version
           FROM @extschema@.visible_deployments() d
           ORDER BY d.model_id, d.deployment_id DESC) d
       ON d.model_id OPERATOR(pg_catalog.=) m.model_id
LEFT JOIN v ON v.model_id OPERATOR(pg_catalog.=) m.model_id
           AND v.version OPERATOR(pg_catalog.=) d.version
LEFT JOIN (SELECT v.model_id, pg_catalog.count(*) AS versions FROM v
           GROUP BY v.model_id) n
       ON n.model_id OPERATOR(pg_catalog.=) m.model_id;

-- The owner's implicit 'own' comes first, then the grants.  role_status
-- says whether a row's role still exists ('dropped': it grants nothing
-- again; 'unresolved': restored where no role has its name).
CREATE VIEW @extschema@.model_privileges WITH (security_invoker = true) AS
WITH m AS (SELECT * FROM @extschema@.visible_models())
SELECT m.name AS model, @extschema@.role_name(m.owner) AS grantee,
       'own'::pg_catalog.text AS privilege, NULL::pg_catalog.text AS granted_by,
       m.created_at AS granted_at, true AS is_owner,
       @extschema@.role_status(m.owner) AS role_status
FROM m
UNION ALL
SELECT m.name, @extschema@.role_name(p.grantee), p.privilege,
       @extschema@.role_name(p.granted_by), p.granted_at, false,
       @extschema@.role_status(p.grantee)
FROM @extschema@.visible_privileges() p
JOIN m ON m.model_id OPERATOR(pg_catalog.=) p.model_id;

CREATE VIEW @extschema@.audit WITH (security_invoker = true) AS
SELECT a.audit_id, a.logged_at, a.role, a.session_role, a.action, a.model_id,
       a.model, a.detail
FROM @extschema@.visible_audit() a;

GRANT SELECT ON @extschema@.models, @extschema@.versions,
    @extschema@.deployments, @extschema@.model_privileges,
    @extschema@.audit TO PUBLIC;
COMMENT ON VIEW @extschema@.models IS 'models with their deployed version and its metrics';
COMMENT ON VIEW @extschema@.versions IS 'every version of every model';
COMMENT ON VIEW @extschema@.deployments IS 'deployment history, oldest first by deployed_at';
COMMENT ON VIEW @extschema@.model_privileges IS
    'who holds which privilege on each model (the owner''s is implicit)';
COMMENT ON VIEW @extschema@.audit IS
    'append-only record of grant, revoke, train, deploy, rollback, drop and describe';

-- aggregates: the pass_state type, every family's aggregate state

CREATE TYPE @extschema@.pass_state;

CREATE FUNCTION @extschema@.pass_state_in(cstring) RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_pass_state_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.pass_state_out(@extschema@.pass_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'mlops_pass_state_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.pass_state_recv(internal) RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_pass_state_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.pass_state_send(@extschema@.pass_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'mlops_pass_state_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.pass_state (
    INPUT = @extschema@.pass_state_in,
    OUTPUT = @extschema@.pass_state_out,
    RECEIVE = @extschema@.pass_state_recv,
    SEND = @extschema@.pass_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE @extschema@.pass_state IS
    'partial result of a training pass (linear: R factor of [1 | X | y]); text and binary forms are exact and node-independent';

CREATE FUNCTION @extschema@._linear_accum(@extschema@.pass_state, float8[], float8)
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_linear_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_accum(@extschema@.pass_state, float8[], float8, boolean)
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_linear_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_combine(@extschema@.pass_state, @extschema@.pass_state)
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_linear_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_train_accum(@extschema@.pass_state, float8[], float8,
        boolean, float8, bigint, text[])
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_linear_train_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.linear_state(features float8[], target float8) (
    SFUNC = @extschema@._linear_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.linear_state(features float8[], target float8,
        fit_intercept boolean) (
    SFUNC = @extschema@._linear_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.linear_merge(@extschema@.pass_state) (
    SFUNC = @extschema@._linear_combine,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);
CREATE FUNCTION @extschema@.linear_final(state @extschema@.pass_state,
        alpha float8 DEFAULT 0)
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_linear_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON AGGREGATE @extschema@.linear_state(float8[], float8) IS
    'partial linear fit of features and target, with an intercept (combinable)';
COMMENT ON AGGREGATE @extschema@.linear_state(float8[], float8, boolean) IS
    'partial linear fit of features and target (combinable)';
COMMENT ON AGGREGATE @extschema@.linear_merge(@extschema@.pass_state) IS
    'merge partial linear fits, e.g. from shards';
COMMENT ON FUNCTION @extschema@.linear_final(@extschema@.pass_state, float8) IS
    'coefficients (intercept first) of a linear fit; alpha > 0 for ridge';

-- internal (not for users): the passes mlops.train runs

CREATE AGGREGATE @extschema@._linear_train_state(float8[], float8, boolean,
        float8, bigint, text[]) (
    SFUNC = @extschema@._linear_train_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);

-- The same two passes with the row as separate arguments (target first),
-- which spares an array per row; mlops.train uses these up to 90 features.
CREATE FUNCTION @extschema@._linear_train_accum(@extschema@.pass_state, boolean, float8,
        bigint, text[], VARIADIC "any")
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_linear_train_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._linear_train_state(boolean, float8, bigint, text[],
        VARIADIC "any") (
    SFUNC = @extschema@._linear_train_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);
-- The first pass of a fit with an intercept on a feature spec's sparse
-- (one-hot) rows: the Gram matrix, updated with each row's nonzeros.
CREATE FUNCTION @extschema@._linear_gram_accum(@extschema@.pass_state, boolean, float8,
        bigint, text[], VARIADIC "any")
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_linear_gram_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._linear_gram_state(boolean, float8, bigint, text[],
        VARIADIC "any") (
    SFUNC = @extschema@._linear_gram_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);
CREATE FUNCTION @extschema@._linear_eval_accum(float8[], float8[], boolean, float8,
        bigint, boolean, VARIADIC "any")
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_linear_eval_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@._linear_eval_accum(float8[], float8[], float8, float8[],
        boolean, float8, bigint, boolean)
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_linear_eval_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_eval_combine(float8[], float8[])
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_linear_eval_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._linear_eval_state(float8[], boolean, float8, bigint,
        boolean, VARIADIC "any") (
    SFUNC = @extschema@._linear_eval_accum,
    STYPE = float8[],
    COMBINEFUNC = @extschema@._linear_eval_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._linear_eval_state(float8[], float8, float8[],
        boolean, float8, bigint, boolean) (
    SFUNC = @extschema@._linear_eval_accum,
    STYPE = float8[],
    COMBINEFUNC = @extschema@._linear_eval_combine,
    PARALLEL = SAFE
);

-- deploy => 'best': the metrics pass that also scores the deployed version
-- on the new version's held-out rows (the split decided from the new
-- version's values; the deployed version reads its own features among
-- them, or in extra, the columns only it reads), row as separate values
-- or (wide models) as an array
CREATE FUNCTION @extschema@._linear_compare_accum(float8[], float8[], boolean, float8,
        bigint, boolean, bytea, integer[], float8[], VARIADIC "any")
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_linear_compare_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_compare_accum(float8[], float8[], float8, float8[],
        float8[], boolean, float8, bigint, boolean, bytea, integer[])
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_linear_compare_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_compare_combine(float8[], float8[])
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_linear_compare_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._linear_compare_state(float8[], boolean, float8, bigint,
        boolean, bytea, integer[], float8[], VARIADIC "any") (
    SFUNC = @extschema@._linear_compare_accum,
    STYPE = float8[],
    COMBINEFUNC = @extschema@._linear_compare_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._linear_compare_state(float8[], float8, float8[], float8[],
        boolean, float8, bigint, boolean, bytea, integer[]) (
    SFUNC = @extschema@._linear_compare_accum,
    STYPE = float8[],
    COMBINEFUNC = @extschema@._linear_compare_combine,
    PARALLEL = SAFE
);

-- mlops.deploy(model, 'best', relation, target): every version, of any
-- family, scored on the same rows (stored models, layout, target, features)
CREATE FUNCTION @extschema@._score_accum(float8[], bytea[], integer[], float8,
        float8[])
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_score_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._score_combine(float8[], float8[])
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_score_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._score_state(bytea[], integer[], float8, float8[]) (
    SFUNC = @extschema@._score_accum,
    STYPE = float8[],
    COMBINEFUNC = @extschema@._score_combine,
    PARALLEL = SAFE
);

-- logistic regression: one Newton iteration per pass (the gradient and
-- Hessian at the given coefficients), the row as separate values (class
-- index first) or, for wide models, as an array
CREATE FUNCTION @extschema@._logistic_accum(@extschema@.pass_state, float8[], float8, bigint,
        VARIADIC "any")
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_logistic_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._logistic_accum(@extschema@.pass_state, float8[], float8, float8[],
        float8, bigint)
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_logistic_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._logistic_combine(@extschema@.pass_state, @extschema@.pass_state)
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_logistic_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._logistic_state(float8[], float8, bigint, VARIADIC "any") (
    SFUNC = @extschema@._logistic_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._logistic_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._logistic_state(float8[], float8, float8[], float8, bigint) (
    SFUNC = @extschema@._logistic_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._logistic_combine,
    PARALLEL = SAFE
);

-- principal component analysis: one pass for the mean and co-moment
-- matrix of the features (no target), the row as separate values or, for
-- wide models, as an array; names name the columns in messages
CREATE FUNCTION @extschema@._pca_train_accum(@extschema@.pass_state, text[],
        VARIADIC "any")
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_pca_train_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._pca_train_accum(@extschema@.pass_state, float8[], text[])
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_pca_train_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._pca_combine(@extschema@.pass_state, @extschema@.pass_state)
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_pca_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._pca_train_state(text[], VARIADIC "any") (
    SFUNC = @extschema@._pca_train_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._pca_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._pca_train_state(float8[], text[]) (
    SFUNC = @extschema@._pca_train_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._pca_combine,
    PARALLEL = SAFE
);

-- Gaussian naive Bayes: its one pass, per class the count and each
-- feature's mean and M2 (double-double, Welford per row, Chan to merge),
-- the row as separate values (class index first) or, for wide models, as
-- an array
CREATE FUNCTION @extschema@._naive_bayes_accum(@extschema@.pass_state, integer, float8,
        bigint, text[], VARIADIC "any")
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_naive_bayes_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._naive_bayes_accum(@extschema@.pass_state, float8[], float8,
        integer, float8, bigint, text[])
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_naive_bayes_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._naive_bayes_combine(@extschema@.pass_state, @extschema@.pass_state)
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_naive_bayes_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._naive_bayes_state(integer, float8, bigint, text[],
        VARIADIC "any") (
    SFUNC = @extschema@._naive_bayes_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._naive_bayes_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._naive_bayes_state(float8[], float8, integer, float8,
        bigint, text[]) (
    SFUNC = @extschema@._naive_bayes_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._naive_bayes_combine,
    PARALLEL = SAFE
);

-- k-means: a sample pass (the rows' moments and a seeded sample of the
-- distinct rows, for k-means++) and one pass per Lloyd iteration that
-- advances every start (the centres and inverse scales are arguments), the
-- row as separate values or, for wide models, as an array
CREATE FUNCTION @extschema@._kmeans_sample_accum(@extschema@.pass_state, integer, bigint,
        text[], VARIADIC "any")
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_kmeans_sample_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._kmeans_sample_accum(@extschema@.pass_state, float8[], integer,
        bigint, text[])
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_kmeans_sample_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._kmeans_lloyd_accum(@extschema@.pass_state, float8[], float8[],
        text[], VARIADIC "any")
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_kmeans_lloyd_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._kmeans_lloyd_accum(@extschema@.pass_state, float8[], float8[],
        float8[], text[])
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_kmeans_lloyd_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._kmeans_combine(@extschema@.pass_state, @extschema@.pass_state)
    RETURNS @extschema@.pass_state
    AS 'MODULE_PATHNAME', 'mlops_kmeans_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._kmeans_sample_state(integer, bigint, text[], VARIADIC "any") (
    SFUNC = @extschema@._kmeans_sample_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._kmeans_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._kmeans_sample_state(float8[], integer, bigint, text[]) (
    SFUNC = @extschema@._kmeans_sample_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._kmeans_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._kmeans_lloyd_state(float8[], float8[], text[], VARIADIC "any") (
    SFUNC = @extschema@._kmeans_lloyd_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._kmeans_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._kmeans_lloyd_state(float8[], float8[], float8[], text[]) (
    SFUNC = @extschema@._kmeans_lloyd_accum,
    STYPE = @extschema@.pass_state,
    COMBINEFUNC = @extschema@._kmeans_combine,
    PARALLEL = SAFE
);

-- the evaluation pass of every family: a stored model scored on a
-- relation's rows (or a training split's held-out rows), to its metrics
CREATE FUNCTION @extschema@._eval_accum(internal, bytea, float8, bigint, float8, float8[])
    RETURNS internal
    AS 'MODULE_PATHNAME', 'mlops_eval_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._eval_combine(internal, internal)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'mlops_eval_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._eval_serialize(internal)
    RETURNS bytea
    AS 'MODULE_PATHNAME', 'mlops_eval_serialize'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._eval_deserialize(bytea, internal)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'mlops_eval_deserialize'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@._eval_final(internal)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'mlops_eval_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._eval_accum(internal, bytea, float8, bigint, float8, float8[],
        float8[])
    RETURNS internal
    AS 'MODULE_PATHNAME', 'mlops_eval_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._eval_state(bytea, float8, bigint, float8, float8[], float8[]) (
    SFUNC = @extschema@._eval_accum,
    STYPE = internal,
    COMBINEFUNC = @extschema@._eval_combine,
    SERIALFUNC = @extschema@._eval_serialize,
    DESERIALFUNC = @extschema@._eval_deserialize,
    FINALFUNC = @extschema@._eval_final,
    PARALLEL = SAFE
);
CREATE FUNCTION @extschema@._eval_accum(internal, bytea, float8, bigint, VARIADIC "any")
    RETURNS internal
    AS 'MODULE_PATHNAME', 'mlops_eval_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- Left executable by PUBLIC, unlike the other internal functions:
-- deploy => 'best' runs it as the caller, and it reads nothing but its
-- arguments (whether the split of a test_size and seed holds the row out).
CREATE FUNCTION @extschema@._held_out(test_size float8, seed bigint, VARIADIC "any")
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'mlops_held_out'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._eval_state(bytea, float8, bigint, VARIADIC "any") (
    SFUNC = @extschema@._eval_accum,
    STYPE = internal,
    COMBINEFUNC = @extschema@._eval_combine,
    SERIALFUNC = @extschema@._eval_serialize,
    DESERIALFUNC = @extschema@._eval_deserialize,
    FINALFUNC = @extschema@._eval_final,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@._eval_state(bytea, float8, bigint, float8, float8[]) (
    SFUNC = @extschema@._eval_accum,
    STYPE = internal,
    COMBINEFUNC = @extschema@._eval_combine,
    SERIALFUNC = @extschema@._eval_serialize,
    DESERIALFUNC = @extschema@._eval_deserialize,
    FINALFUNC = @extschema@._eval_final,
    PARALLEL = SAFE
);

-- training

CREATE FUNCTION @extschema@.train(
        model text,
        relation regclass,
        target text,
        algorithm text DEFAULT 'auto',
        hyperparams jsonb DEFAULT '{}',
        features text[] DEFAULT NULL,
        test_size float8 DEFAULT 0.25,
        deploy text DEFAULT 'best')
    RETURNS TABLE (model text, version integer, algorithm text, metrics jsonb,
                   deployed boolean)
    AS 'MODULE_PATHNAME', 'mlops_train'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.train(text, regclass, text, text, jsonb, text[], float8, text) IS
    'train a new version of a model on a table or view';

-- scoring

CREATE FUNCTION @extschema@.predict(model text, features float8[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'mlops_predict'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict(model text, "row" anyelement) RETURNS float8
    AS 'MODULE_PATHNAME', 'mlops_predict_row'
    LANGUAGE C STABLE PARALLEL SAFE;
-- Arrays of other numeric types get exact-match overloads, so that
-- ARRAY[1, 2] does not have to choose between float8[] and anyelement.
CREATE FUNCTION @extschema@.predict(model text, features float4[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'mlops_predict_row'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict(model text, features smallint[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'mlops_predict_row'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict(model text, features integer[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'mlops_predict_row'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict(model text, features bigint[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'mlops_predict_row'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict(model text, features numeric[]) RETURNS float8
    AS 'MODULE_PATHNAME', 'mlops_predict_row'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predict(text, float4[]) IS 'score a real[] feature array';
COMMENT ON FUNCTION @extschema@.predict(text, smallint[]) IS 'score a smallint[] feature array';
COMMENT ON FUNCTION @extschema@.predict(text, integer[]) IS 'score an integer[] feature array';
COMMENT ON FUNCTION @extschema@.predict(text, bigint[]) IS 'score a bigint[] feature array';
COMMENT ON FUNCTION @extschema@.predict(text, numeric[]) IS 'score a numeric[] feature array';
COMMENT ON FUNCTION @extschema@.predict(text, float8[]) IS
    'score a feature array with the deployed version (or name@version)';
COMMENT ON FUNCTION @extschema@.predict(text, anyelement) IS
    'score a row, matching its columns to features by name';

CREATE FUNCTION @extschema@.coefficients(model text)
    RETURNS TABLE (term text, estimate float8, std_error float8, statistic float8,
                   p_value float8)
    AS 'MODULE_PATHNAME', 'mlops_coefficients'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coefficients(text) IS
    'coefficients with standard errors, t (linear) or z (logistic) statistics and p values';

-- the features a version reads, as the array form of predict takes them
CREATE FUNCTION @extschema@.feature_names(model text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'mlops_feature_names'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.feature_names(text) IS
    'the encoded features, in the order the array form of predict takes them and coefficients names them';

-- classifiers
CREATE FUNCTION @extschema@.classes(model text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'mlops_classes'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_proba(model text, features float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_predict_proba'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_proba(model text, "row" anyelement) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_predict_proba'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_label(model text, features float8[]) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_predict_label'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_label(model text, "row" anyelement) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_predict_label'
    LANGUAGE C STABLE PARALLEL SAFE;
-- as for predict: exact-match overloads for arrays of other numeric types
CREATE FUNCTION @extschema@.predict_proba(model text, features float4[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_predict_proba'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_proba(model text, features smallint[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_predict_proba'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_proba(model text, features integer[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_predict_proba'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_proba(model text, features bigint[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_predict_proba'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_proba(model text, features numeric[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_predict_proba'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_label(model text, features float4[]) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_predict_label'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_label(model text, features smallint[]) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_predict_label'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_label(model text, features integer[]) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_predict_label'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_label(model text, features bigint[]) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_predict_label'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.predict_label(model text, features numeric[]) RETURNS text
    AS 'MODULE_PATHNAME', 'mlops_predict_label'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.classes(text) IS
    'a classifier''s classes, in the order of predict_proba (NULL for other models)';
COMMENT ON FUNCTION @extschema@.predict_proba(text, float8[]) IS
    'class probabilities of a feature array, in the order of mlops.classes';
COMMENT ON FUNCTION @extschema@.predict_proba(text, anyelement) IS
    'class probabilities of a row or an array, in the order of mlops.classes';
COMMENT ON FUNCTION @extschema@.predict_label(text, float8[]) IS
    'the most probable class of a feature array, as text';
COMMENT ON FUNCTION @extschema@.predict_label(text, anyelement) IS
    'the most probable class of a row or an array, as text';

-- clustering and decomposition
CREATE FUNCTION @extschema@.transform(model text, features float8[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_transform'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.transform(model text, "row" anyelement) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_transform'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.transform(model text, features float4[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_transform'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.transform(model text, features smallint[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_transform'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.transform(model text, features integer[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_transform'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.transform(model text, features bigint[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_transform'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.transform(model text, features numeric[]) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_transform'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.centers(model text)
    RETURNS TABLE (cluster integer, feature text, value float8)
    AS 'MODULE_PATHNAME', 'mlops_centers'
    LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.components(model text)
    RETURNS TABLE (component integer, feature text, loading float8,
                   explained_variance float8, explained_variance_ratio float8)
    AS 'MODULE_PATHNAME', 'mlops_components'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.transform(text, float8[]) IS
    'a clustering model''s distances to its centres, or a decomposition''s component scores';
COMMENT ON FUNCTION @extschema@.transform(text, anyelement) IS
    'transform of a row or an array (distances to centres, or component scores)';
CREATE FUNCTION @extschema@.feature_importance(model text)
    RETURNS TABLE (feature text, gain float8, total_gain float8, weight bigint,
                   cover float8, total_cover float8)
    AS 'MODULE_PATHNAME', 'mlops_feature_importance'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.feature_importance(text) IS
    'a tree model''s importance of each feature, as XGBoost defines it: splits (weight), their average and total gain and cover';
COMMENT ON FUNCTION @extschema@.centers(text) IS 'a clustering model''s centres';
COMMENT ON FUNCTION @extschema@.components(text) IS
    'a decomposition''s components with their explained variance';

-- evaluation on any labelled relation, read as the caller
CREATE FUNCTION @extschema@.evaluate(model text, relation regclass, target text)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'mlops_evaluate'
    LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.confusion_matrix(model text, relation regclass, target text)
    RETURNS TABLE (actual text, predicted text, n bigint)
    AS 'MODULE_PATHNAME', 'mlops_confusion_matrix'
    LANGUAGE C STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.roc_curve(model text, relation regclass, target text)
    RETURNS TABLE (threshold float8, fpr float8, tpr float8)
    AS 'MODULE_PATHNAME', 'mlops_roc_curve'
    LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.evaluate(text, regclass, text) IS
    'metrics of a version on every row of a relation (target NULL for clustering)';
COMMENT ON FUNCTION @extschema@.confusion_matrix(text, regclass, text) IS
    'counts of actual and predicted classes of a classifier on a relation';
COMMENT ON FUNCTION @extschema@.roc_curve(text, regclass, text) IS
    'ROC curve points of a binary classifier on a relation';

-- versioning

CREATE FUNCTION @extschema@.deploy(model text, version integer) RETURNS integer
    AS 'MODULE_PATHNAME', 'mlops_deploy_version'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION @extschema@.deploy(model text, strategy text) RETURNS integer
    AS 'MODULE_PATHNAME', 'mlops_deploy_strategy'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION @extschema@.deploy(model text, strategy text, relation regclass,
        target text) RETURNS integer
    AS 'MODULE_PATHNAME', 'mlops_deploy_strategy'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION @extschema@.rollback(model text) RETURNS integer
    AS 'MODULE_PATHNAME', 'mlops_rollback'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION @extschema@.drop_model(model text) RETURNS void
    AS 'MODULE_PATHNAME', 'mlops_drop_model'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.deploy(text, integer) IS 'make a version the live one';
COMMENT ON FUNCTION @extschema@.deploy(text, text) IS
    'deploy the best (highest stored r2, each measured on its own test split) or the most recent version';
COMMENT ON FUNCTION @extschema@.deploy(text, text, regclass, text) IS
    'deploy the version with the highest r2 on the rows of a relation (strategy best)';
COMMENT ON FUNCTION @extschema@.rollback(text) IS
    'go back to the version deployed before the current one';
COMMENT ON FUNCTION @extschema@.drop_model(text) IS
    'drop a model with all its versions and history';

CREATE FUNCTION @extschema@.describe(model text, description text) RETURNS void
    AS 'MODULE_PATHNAME', 'mlops_describe'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.describe(text, text) IS
    'set a model''s description (shown in mlops.models), or clear it with NULL';

-- privileges

CREATE FUNCTION @extschema@."grant"(model text, privilege text, role text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'mlops_grant'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION @extschema@."revoke"(model text, privilege text, role text)
    RETURNS void
    AS 'MODULE_PATHNAME', 'mlops_revoke'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@."grant"(text, text, text) IS
    'grant predict, train, deploy or own on a model to a role or PUBLIC';
COMMENT ON FUNCTION @extschema@."revoke"(text, text, text) IS
    'revoke a privilege on a model from a role or PUBLIC';

-- internal functions are not for PUBLIC
--
-- The aggregates' support functions would let a role put them in an
-- aggregate of its own and feed them any state.  PostgreSQL checks the
-- aggregate owner's right to call its transition and combine functions,
-- not the caller's, so the exported aggregates and the training passes
-- (mlops._linear_train_state, _linear_gram_state, mlops._linear_eval_state,
-- mlops._linear_compare_state, which mlops.train runs as the caller, and
-- mlops._score_state, which mlops.deploy runs) keep working for
-- every role.
REVOKE ALL ON FUNCTION @extschema@._refuse_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_accum(@extschema@.pass_state, float8[], float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_accum(@extschema@.pass_state, float8[], float8, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_combine(@extschema@.pass_state, @extschema@.pass_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_train_accum(@extschema@.pass_state, float8[], float8, boolean, float8, bigint, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_train_accum(@extschema@.pass_state, boolean, float8, bigint, text[], "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_gram_accum(@extschema@.pass_state, boolean, float8, bigint, text[], "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_eval_accum(float8[], float8[], boolean, float8, bigint, boolean, "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_eval_accum(float8[], float8[], float8, float8[], boolean, float8, bigint, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_eval_combine(float8[], float8[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_compare_accum(float8[], float8[], boolean, float8, bigint, boolean, bytea, integer[], float8[], "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_compare_accum(float8[], float8[], float8, float8[], float8[], boolean, float8, bigint, boolean, bytea, integer[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._linear_compare_combine(float8[], float8[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._score_accum(float8[], bytea[], integer[], float8, float8[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._score_combine(float8[], float8[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._logistic_accum(@extschema@.pass_state, float8[], float8, bigint, "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._logistic_accum(@extschema@.pass_state, float8[], float8, float8[], float8, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._logistic_combine(@extschema@.pass_state, @extschema@.pass_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._pca_train_accum(@extschema@.pass_state, text[], "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._pca_train_accum(@extschema@.pass_state, float8[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._pca_combine(@extschema@.pass_state, @extschema@.pass_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._naive_bayes_accum(@extschema@.pass_state, integer, float8, bigint, text[], "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._naive_bayes_accum(@extschema@.pass_state, float8[], float8, integer, float8, bigint, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._naive_bayes_combine(@extschema@.pass_state, @extschema@.pass_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._kmeans_sample_accum(@extschema@.pass_state, integer, bigint, text[], "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._kmeans_sample_accum(@extschema@.pass_state, float8[], integer, bigint, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._kmeans_lloyd_accum(@extschema@.pass_state, float8[], float8[], text[], "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._kmeans_lloyd_accum(@extschema@.pass_state, float8[], float8[], float8[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._kmeans_combine(@extschema@.pass_state, @extschema@.pass_state) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._eval_accum(internal, bytea, float8, bigint, float8, float8[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._eval_accum(internal, bytea, float8, bigint, float8, float8[], float8[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._eval_accum(internal, bytea, float8, bigint, "any") FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._eval_combine(internal, internal) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._eval_serialize(internal) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._eval_deserialize(bytea, internal) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@._eval_final(internal) FROM PUBLIC;

-- the drop guard: DROP EXTENSION mlops (or DROP SCHEMA mlops CASCADE, or
-- DROP OWNED BY its owner) deletes every model, so it is refused while
-- models exist unless mlops.allow_drop is on.  It is a C event trigger
-- because only C gets the command's parse tree at ddl_command_start,
-- before anything is dropped.
CREATE FUNCTION @extschema@._drop_guard() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'mlops_drop_guard'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION @extschema@._drop_guard() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@._drop_guard() IS
    'event trigger: refuse dropping the extension while models exist, unless mlops.allow_drop is on';
CREATE EVENT TRIGGER mlops_drop_guard ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA', 'DROP OWNED')
    EXECUTE FUNCTION @extschema@._drop_guard();
COMMENT ON EVENT TRIGGER mlops_drop_guard IS
    'refuses DROP EXTENSION mlops while models exist, unless mlops.allow_drop is on';
