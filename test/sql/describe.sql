--
-- describe: mlops.describe(model, description) sets or clears a model's
-- description, shown in mlops.models; it needs own, is audited, and
-- checks its arguments like the other catalog functions.
--

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql

SELECT setseed(0.23);
CREATE TABLE desc_t AS
SELECT random() AS x1, random() AS x2 FROM generate_series(1, 100) i;
ALTER TABLE desc_t ADD COLUMN y float8;
UPDATE desc_t SET y = 1 + x1 + 2 * x2;
SELECT model, version FROM mlops.train('desc_m', 'desc_t', 'y');

-- a new model has none; describe sets it, a second call replaces it, NULL clears it
SELECT model, description FROM mlops.models WHERE model = 'desc_m';
SELECT mlops.describe('desc_m', 'Progression of diabetes one year after baseline');
SELECT model, description FROM mlops.models WHERE model = 'desc_m';
SELECT mlops.describe('desc_m', E'quotes '' " \\, a newline\nand multibyte: modèle 数据');
SELECT description FROM mlops.models WHERE model = 'desc_m';
SELECT mlops.describe('desc_m', NULL);
SELECT description IS NULL AS cleared FROM mlops.models WHERE model = 'desc_m';
SELECT mlops.describe('desc_m', '');
SELECT description = '' AS empty_is_kept FROM mlops.models WHERE model = 'desc_m';
-- transactional: a rolled-back describe leaves the description and no audit row
SELECT mlops.describe('desc_m', 'kept');
BEGIN;
SELECT mlops.describe('desc_m', 'rolled back');
ROLLBACK;
SELECT description FROM mlops.models WHERE model = 'desc_m';
-- every call is audited with the description it set
SELECT action, model, detail FROM mlops.audit
WHERE model = 'desc_m' AND action = 'describe' ORDER BY audit_id;
-- versions and deployments are untouched
SELECT versions, deployed_version FROM mlops.models WHERE model = 'desc_m';

-- arguments
SELECT pg_temp.try($$SELECT mlops.describe(NULL, 'x')$$);
SELECT pg_temp.try($$SELECT mlops.describe(NULL, NULL)$$);
SELECT pg_temp.try($$SELECT mlops.describe('', 'x')$$);
SELECT pg_temp.try($$SELECT mlops.describe('desc_m@1', 'x')$$);
SELECT pg_temp.try($$SELECT mlops.describe(E'desc\nm', 'x')$$);
SELECT pg_temp.try($$SELECT mlops.describe(repeat('m', 64), 'x')$$);
SELECT pg_temp.try($$SELECT mlops.describe('desc_nope', 'x')$$);
SELECT pg_temp.try($$SELECT mlops.describe('DESC_M', 'x')$$);
SELECT pg_temp.try($$SELECT mlops.describe('desc_m', convert_from('\xc3'::bytea, 'UTF8'))$$);
-- read-only transactions cannot describe (the check comes before the lookup)
BEGIN TRANSACTION READ ONLY;
SELECT pg_temp.try($$SELECT mlops.describe('desc_nope', 'x')$$);
ROLLBACK;
SET default_transaction_read_only = on;
SELECT pg_temp.try($$SELECT mlops.describe('desc_m', 'x')$$);
RESET default_transaction_read_only;

-- privileges: own is needed; a hidden model is unknown
CREATE ROLE regress_desc_user;
CREATE ROLE regress_desc_owner;
SET ROLE regress_desc_user;
SELECT pg_temp.try($$SELECT mlops.describe('desc_m', 'x')$$);
RESET ROLE;
SELECT mlops.grant('desc_m', 'deploy', 'regress_desc_user');
SET ROLE regress_desc_user;
SELECT pg_temp.try($$SELECT mlops.describe('desc_m', 'x')$$);
-- the catalog itself cannot be written
SELECT pg_temp.try($$UPDATE mlops.model SET description = 'x'$$);
RESET ROLE;
SELECT mlops.grant('desc_m', 'own', 'regress_desc_owner');
SET ROLE regress_desc_owner;
SELECT mlops.describe('desc_m', 'set by a grantee of own');
SELECT model, description FROM mlops.models WHERE model = 'desc_m';
RESET ROLE;
SELECT role, session_role = session_user AS same_session, detail FROM mlops.audit
WHERE model = 'desc_m' AND action = 'describe' ORDER BY audit_id DESC LIMIT 1;

-- labels
SELECT p.provolatile, p.proparallel, p.proisstrict, p.prosecdef,
       obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc p WHERE p.oid = 'mlops.describe(text, text)'::regprocedure;

SELECT mlops.drop_model('desc_m');
DROP ROLE regress_desc_user, regress_desc_owner;
DROP TABLE desc_t;
