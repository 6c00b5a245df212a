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

-- catalog tables

CREATE TABLE @extschema@.model (
    model_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE
                CHECK (pg_catalog.octet_length(name) BETWEEN 1 AND 63
                       AND pg_catalog.strpos(name, '@') OPERATOR(pg_catalog.=) 0),
    owner       oid NOT NULL,
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
    FOREIGN KEY (model_id, version)
        REFERENCES @extschema@.model_version (model_id, version) ON DELETE CASCADE
);
CREATE INDEX deployment_model_idx
    ON @extschema@.deployment (model_id, deployment_id);

-- Per-model privileges.  The creator (model.owner) holds every privilege
-- without a row here; grantee 0 is PUBLIC.
CREATE TABLE @extschema@.model_privilege (
    model_id    bigint NOT NULL
                REFERENCES @extschema@.model (model_id) ON DELETE CASCADE,
    grantee     oid NOT NULL,
    privilege   text NOT NULL
                CHECK (privilege OPERATOR(pg_catalog.=) ANY
                       (ARRAY['predict', 'train', 'deploy', 'own'])),
    granted_by  oid NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    PRIMARY KEY (model_id, grantee, privilege)
);

-- Append-only audit trail, written by the extension's C code in the same
-- transaction as the action.  No foreign key: it outlives dropped models.
CREATE TABLE @extschema@.audit (
    audit_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    logged_at    timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    role         text NOT NULL,
    session_role text NOT NULL,
    action       text NOT NULL
                 CHECK (action OPERATOR(pg_catalog.=) ANY
                        (ARRAY['grant', 'revoke', 'train', 'deploy', 'rollback',
                               'drop'])),
    model_id     bigint NOT NULL,
    model        text NOT NULL,
    detail       jsonb NOT NULL
);
CREATE INDEX audit_model_idx ON @extschema@.audit (model_id, audit_id);

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
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON @extschema@.audit
    FOR EACH ROW EXECUTE FUNCTION @extschema@._refuse_update();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON @extschema@.audit
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@._refuse_update();

SELECT pg_catalog.pg_extension_config_dump('@extschema@.model', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.model_version', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.deployment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.model_model_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.deployment_deployment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.model_privilege', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_audit_id_seq', '');

-- Everyone reads through the functions and views; only the extension's
-- C code writes, as the owner, after its own checks.
REVOKE ALL ON @extschema@.model, @extschema@.model_version,
    @extschema@.deployment, @extschema@.model_privilege,
    @extschema@.audit FROM PUBLIC;
GRANT SELECT ON @extschema@.model, @extschema@.model_version,
    @extschema@.deployment, @extschema@.model_privilege,
    @extschema@.audit TO PUBLIC;
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

-- Row-level security: a role sees the rows of the models it holds some
-- privilege on (superusers, members of mlops_admin: all of them).  The
-- tables' owner, which the C code writes as, is not subject to it.
CREATE FUNCTION @extschema@._can_see(model_id bigint) RETURNS boolean
    AS 'MODULE_PATHNAME', 'mlops_can_see'
    LANGUAGE C STABLE STRICT PARALLEL SAFE COST 10;
COMMENT ON FUNCTION @extschema@._can_see(bigint) IS
    'whether the current role holds some privilege on a model (row-level security)';

ALTER TABLE @extschema@.model ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.model_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.deployment ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.model_privilege ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY model_visible ON @extschema@.model FOR SELECT TO PUBLIC
    USING (@extschema@._can_see(model_id));
CREATE POLICY model_version_visible ON @extschema@.model_version FOR SELECT TO PUBLIC
    USING (@extschema@._can_see(model_id));
CREATE POLICY deployment_visible ON @extschema@.deployment FOR SELECT TO PUBLIC
    USING (@extschema@._can_see(model_id));
CREATE POLICY model_privilege_visible ON @extschema@.model_privilege FOR SELECT TO PUBLIC
    USING (@extschema@._can_see(model_id));
CREATE POLICY audit_visible ON @extschema@.audit FOR SELECT TO PUBLIC
    USING (@extschema@._can_see(model_id));

COMMENT ON TABLE @extschema@.model IS 'one row per model name';
COMMENT ON TABLE @extschema@.model_version IS 'immutable trained versions of each model';
COMMENT ON TABLE @extschema@.deployment IS 'append-only history of which version serves each model';
COMMENT ON TABLE @extschema@.model_privilege IS
    'privileges granted on each model (the owner holds all without a row; grantee 0 is PUBLIC)';
COMMENT ON TABLE @extschema@.audit IS
    'append-only record of grant, revoke, train, deploy, rollback and drop';

-- views
--
-- security_invoker: the caller's privileges and row-level security apply,
-- not the view owner's.

CREATE VIEW @extschema@.deployments WITH (security_invoker = true) AS
SELECT m.name AS model, d.version, d.deployed_by, d.deployed_at, d.reason
FROM @extschema@.deployment d
JOIN @extschema@.model m ON m.model_id OPERATOR(pg_catalog.=) d.model_id;

CREATE VIEW @extschema@.versions WITH (security_invoker = true) AS
SELECT m.name AS model, v.version, v.algorithm, v.hyperparams, v.features,
       v.target, v.source, v.n_train, v.n_test, v.metrics, v.trained_by,
       v.trained_at, v.training_ms,
       COALESCE(v.version OPERATOR(pg_catalog.=)
                (SELECT d.version FROM @extschema@.deployment d
                 WHERE d.model_id OPERATOR(pg_catalog.=) v.model_id
                 ORDER BY d.deployment_id DESC LIMIT 1),
                false) AS deployed
FROM @extschema@.model_version v
JOIN @extschema@.model m ON m.model_id OPERATOR(pg_catalog.=) v.model_id;

CREATE VIEW @extschema@.models WITH (security_invoker = true) AS
SELECT m.name AS model, pg_catalog.pg_get_userbyid(m.owner) AS owner, m.task,
       d.version AS deployed_version, v.algorithm, v.metrics,
       (SELECT pg_catalog.count(*) FROM @extschema@.model_version x
        WHERE x.model_id OPERATOR(pg_catalog.=) m.model_id) AS versions,
       m.description, m.created_at
FROM @extschema@.model m
LEFT JOIN LATERAL (SELECT d.version FROM @extschema@.deployment d
                   WHERE d.model_id OPERATOR(pg_catalog.=) m.model_id
                   ORDER BY d.deployment_id DESC LIMIT 1) d ON true
LEFT JOIN @extschema@.model_version v
       ON v.model_id OPERATOR(pg_catalog.=) m.model_id
      AND v.version OPERATOR(pg_catalog.=) d.version;

-- The owner's implicit 'own' comes first, then the grants.
CREATE VIEW @extschema@.model_privileges WITH (security_invoker = true) AS
SELECT m.name AS model, pg_catalog.pg_get_userbyid(m.owner) AS grantee,
       'own'::pg_catalog.text AS privilege, NULL::pg_catalog.text AS granted_by,
       m.created_at AS granted_at, true AS is_owner
FROM @extschema@.model m
UNION ALL
SELECT m.name,
       CASE WHEN p.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
            ELSE pg_catalog.pg_get_userbyid(p.grantee) END,
       p.privilege, pg_catalog.pg_get_userbyid(p.granted_by), p.granted_at, false
FROM @extschema@.model_privilege p
JOIN @extschema@.model m ON m.model_id OPERATOR(pg_catalog.=) p.model_id;

GRANT SELECT ON @extschema@.models, @extschema@.versions,
    @extschema@.deployments, @extschema@.model_privileges TO PUBLIC;
COMMENT ON VIEW @extschema@.models IS 'models with their deployed version and its metrics';
COMMENT ON VIEW @extschema@.versions IS 'every version of every model';
COMMENT ON VIEW @extschema@.deployments IS 'deployment history, oldest first by deployed_at';
COMMENT ON VIEW @extschema@.model_privileges IS
    'who holds which privilege on each model (the owner''s is implicit)';

-- aggregates: the linear_state type

CREATE TYPE @extschema@.linear_state;

CREATE FUNCTION @extschema@.linear_state_in(cstring) RETURNS @extschema@.linear_state
    AS 'MODULE_PATHNAME', 'mlops_linear_state_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.linear_state_out(@extschema@.linear_state) RETURNS cstring
    AS 'MODULE_PATHNAME', 'mlops_linear_state_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.linear_state_recv(internal) RETURNS @extschema@.linear_state
    AS 'MODULE_PATHNAME', 'mlops_linear_state_recv'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.linear_state_send(@extschema@.linear_state) RETURNS bytea
    AS 'MODULE_PATHNAME', 'mlops_linear_state_send'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.linear_state (
    INPUT = @extschema@.linear_state_in,
    OUTPUT = @extschema@.linear_state_out,
    RECEIVE = @extschema@.linear_state_recv,
    SEND = @extschema@.linear_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE @extschema@.linear_state IS
    'partial least-squares fit: R factor of [1 | X | y]; text and binary forms are exact and node-independent';

CREATE FUNCTION @extschema@._linear_accum(@extschema@.linear_state, float8[], float8)
    RETURNS @extschema@.linear_state
    AS 'MODULE_PATHNAME', 'mlops_linear_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_accum(@extschema@.linear_state, float8[], float8, boolean)
    RETURNS @extschema@.linear_state
    AS 'MODULE_PATHNAME', 'mlops_linear_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_combine(@extschema@.linear_state, @extschema@.linear_state)
    RETURNS @extschema@.linear_state
    AS 'MODULE_PATHNAME', 'mlops_linear_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@._linear_train_accum(@extschema@.linear_state, float8[], float8,
        boolean, float8, bigint, text[])
    RETURNS @extschema@.linear_state
    AS 'MODULE_PATHNAME', 'mlops_linear_train_accum'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.linear_state(features float8[], target float8) (
    SFUNC = @extschema@._linear_accum,
    STYPE = @extschema@.linear_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.linear_state(features float8[], target float8,
        fit_intercept boolean) (
    SFUNC = @extschema@._linear_accum,
    STYPE = @extschema@.linear_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.linear_merge(@extschema@.linear_state) (
    SFUNC = @extschema@._linear_combine,
    STYPE = @extschema@.linear_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);
CREATE FUNCTION @extschema@.linear_final(state @extschema@.linear_state,
        alpha float8 DEFAULT 0)
    RETURNS float8[]
    AS 'MODULE_PATHNAME', 'mlops_linear_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON AGGREGATE @extschema@.linear_state(float8[], float8) IS
    'partial linear fit of features and target, with an intercept (combinable)';
COMMENT ON AGGREGATE @extschema@.linear_state(float8[], float8, boolean) IS
    'partial linear fit of features and target (combinable)';
COMMENT ON AGGREGATE @extschema@.linear_merge(@extschema@.linear_state) IS
    'merge partial linear fits, e.g. from shards';
COMMENT ON FUNCTION @extschema@.linear_final(@extschema@.linear_state, float8) IS
    'coefficients (intercept first) of a linear fit; alpha > 0 for ridge';

-- internal (not for users): the passes mlops.train runs

CREATE AGGREGATE @extschema@._linear_train_state(float8[], float8, boolean,
        float8, bigint, text[]) (
    SFUNC = @extschema@._linear_train_accum,
    STYPE = @extschema@.linear_state,
    COMBINEFUNC = @extschema@._linear_combine,
    PARALLEL = SAFE
);

-- The same two passes with the row as separate arguments (target first),
-- which spares an array per row; mlops.train uses these up to 90 features.
CREATE FUNCTION @extschema@._linear_train_accum(@extschema@.linear_state, boolean, float8,
        bigint, text[], VARIADIC "any")
    RETURNS @extschema@.linear_state
    AS 'MODULE_PATHNAME', 'mlops_linear_train_accum_args'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@._linear_train_state(boolean, float8, bigint, text[],
        VARIADIC "any") (
    SFUNC = @extschema@._linear_train_accum,
    STYPE = @extschema@.linear_state,
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
    RETURNS TABLE (term text, estimate float8, std_error float8, t_value float8,
                   p_value float8)
    AS 'MODULE_PATHNAME', 'mlops_coefficients'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coefficients(text) IS
    'coefficients of a linear model with standard errors, t and p values';

-- versioning

CREATE FUNCTION @extschema@.deploy(model text, version integer) RETURNS integer
    AS 'MODULE_PATHNAME', 'mlops_deploy_version'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
CREATE FUNCTION @extschema@.deploy(model text, strategy text) RETURNS integer
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
    'deploy the best (highest r2) or the most recent version';
COMMENT ON FUNCTION @extschema@.rollback(text) IS
    'go back to the version deployed before the current one';
COMMENT ON FUNCTION @extschema@.drop_model(text) IS
    'drop a model with all its versions and history';

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
-- (mlops._linear_train_state, mlops._linear_eval_state, which
-- mlops.train runs as the caller) keep working for every role.
REVOKE ALL ON FUNCTION @extschema@._refuse_update() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION
    @extschema@._linear_accum(@extschema@.linear_state, float8[], float8),
    @extschema@._linear_accum(@extschema@.linear_state, float8[], float8, boolean),
    @extschema@._linear_combine(@extschema@.linear_state, @extschema@.linear_state),
    @extschema@._linear_train_accum(@extschema@.linear_state, float8[], float8,
        boolean, float8, bigint, text[]),
    @extschema@._linear_train_accum(@extschema@.linear_state, boolean, float8,
        bigint, text[], "any"),
    @extschema@._linear_eval_accum(float8[], float8[], boolean, float8, bigint,
        boolean, "any"),
    @extschema@._linear_eval_accum(float8[], float8[], float8, float8[], boolean,
        float8, bigint, boolean),
    @extschema@._linear_eval_combine(float8[], float8[])
    FROM PUBLIC;
