--
-- privilege_rules: deploying by any path needs the deploy privilege, role
-- names are exact, and mlops.role_ref, the catalog's role columns
-- (BAD-INPUTS 38, 39).
--
\i test/include/try.sql

CREATE ROLE regress_pr_owner NOLOGIN IN ROLE mlops_trainer;
CREATE ROLE regress_pr_trainer NOLOGIN;
CREATE ROLE regress_pr_deployer NOLOGIN;
CREATE ROLE regress_pr_analyst NOLOGIN;
CREATE SCHEMA pr;
GRANT USAGE ON SCHEMA pr TO regress_pr_owner, regress_pr_trainer, regress_pr_deployer;
-- y depends on x1 only; x2 is noise, so a fit on x1 scores better
CREATE TABLE pr.t AS
SELECT g AS id, (g % 13)::float8 AS x1, ((g * 7919) % 11)::float8 AS x2,
       2 + 3 * (g % 13) + ((g * 104729) % 17) / 4.0 AS y
FROM generate_series(1, 500) g;
GRANT SELECT ON pr.t TO regress_pr_owner, regress_pr_trainer, regress_pr_deployer;

SET ROLE regress_pr_owner;
-- the first version of a new model is deployed: its creator owns it
SELECT version, deployed FROM mlops.train('pr_m', 'pr.t', 'y', features => '{x2}');
SELECT mlops.grant('pr_m', 'train', 'regress_pr_trainer');
SELECT mlops.grant('pr_m', 'train', 'regress_pr_deployer');
SELECT mlops.grant('pr_m', 'deploy', 'regress_pr_deployer');
SELECT mlops.grant('pr_m', 'predict', 'regress_pr_analyst');
RESET ROLE;

-- train alone never deploys (39): 'always' is refused before any data is
-- read, 'best' trains without deploying and says why, 'never' trains
SET ROLE regress_pr_trainer;
SELECT pg_temp.try($$SELECT * FROM mlops.train('pr_m', 'pr.t', 'y', features => '{x1}', deploy => 'always')$$);
SELECT version, deployed FROM mlops.train('pr_m', 'pr.t', 'y', features => '{x1}');
SELECT version, deployed FROM mlops.train('pr_m', 'pr.t', 'y', features => '{x1}', deploy => 'never');
RESET ROLE;
SELECT model, version, reason FROM mlops.deployments WHERE model = 'pr_m' ORDER BY deployed_at;
SELECT count(*) AS versions FROM mlops.versions WHERE model = 'pr_m';

-- deploy without predict: 'best' would score the deployed version, so it
-- trains without deploying
SET ROLE regress_pr_deployer;
SELECT version, deployed FROM mlops.train('pr_m', 'pr.t', 'y', features => '{x1}');
RESET ROLE;
SET ROLE regress_pr_owner;
SELECT mlops.grant('pr_m', 'predict', 'regress_pr_deployer');
RESET ROLE;

-- with deploy and predict, 'best' deploys the better version and
-- 'always' deploys whatever it trained
SET ROLE regress_pr_deployer;
SELECT version, deployed FROM mlops.train('pr_m', 'pr.t', 'y', features => '{x1}');
SELECT version, deployed FROM mlops.train('pr_m', 'pr.t', 'y', features => '{x2}', deploy => 'always');
RESET ROLE;
SELECT version, reason FROM mlops.deployments WHERE model = 'pr_m' ORDER BY deployed_at;

-- a deploy privilege revoked before training: 'best' falls back to 'never'
SET ROLE regress_pr_owner;
SELECT mlops.revoke('pr_m', 'deploy', 'regress_pr_deployer');
SET ROLE regress_pr_deployer;
SELECT version, deployed FROM mlops.train('pr_m', 'pr.t', 'y', features => '{x1}');
RESET ROLE;

-- role names are exact (38): only the lower-case keyword public is PUBLIC
CREATE ROLE "Public" NOLOGIN;
SET ROLE regress_pr_owner;
SELECT mlops.grant('pr_m', 'predict', 'Public');
SELECT pg_temp.try($$SELECT mlops.grant('pr_m', 'predict', 'PUBLIC')$$);
SELECT pg_temp.try($$SELECT mlops.grant('pr_m', 'predict', 'public ')$$);
SELECT pg_temp.try($$SELECT mlops.grant('pr_m', 'predict', 'regress_pr_Analyst')$$);
SELECT pg_temp.try($$SELECT mlops.revoke('pr_m', 'predict', 'PUBLIC')$$);
RESET ROLE;
SELECT grantee, privilege, role_status FROM mlops.model_privileges
WHERE model = 'pr_m' AND privilege = 'predict' ORDER BY grantee;
-- the grant to "Public" reaches its members only
CREATE ROLE regress_pr_other NOLOGIN;
CREATE ROLE regress_pr_member NOLOGIN IN ROLE "Public";
SET ROLE regress_pr_other;
SELECT pg_temp.try($$SELECT mlops.predict('pr_m', ARRAY[1]::float8[])$$);
SET ROLE regress_pr_member;
SELECT pg_temp.try($$SELECT mlops.predict('pr_m', ARRAY[1]::float8[])$$);
RESET ROLE;
-- a 63-byte role name, and one that needs quoting
CREATE ROLE "regress_pr_a_role_name_that_is_exactly_sixty_three_bytes_long__" NOLOGIN;
CREATE ROLE "regress_pr ""quoted"" Role" NOLOGIN;
SET ROLE regress_pr_owner;
SELECT mlops.grant('pr_m', 'predict', 'regress_pr_a_role_name_that_is_exactly_sixty_three_bytes_long__');
SELECT mlops.grant('pr_m', 'predict', 'regress_pr "quoted" Role');
-- granting twice keeps one row; a revoke removes it
SELECT mlops.grant('pr_m', 'predict', 'regress_pr "quoted" Role');
RESET ROLE;
SELECT grantee, role_status, count(*) AS rows FROM mlops.model_privileges
WHERE model = 'pr_m' AND grantee IN ('regress_pr "quoted" Role',
    'regress_pr_a_role_name_that_is_exactly_sixty_three_bytes_long__')
GROUP BY grantee, role_status ORDER BY grantee;
SET ROLE regress_pr_owner;
SELECT mlops.revoke('pr_m', 'predict', 'regress_pr "quoted" Role');
RESET ROLE;
SELECT count(*) AS quoted_rows FROM mlops.model_privileges WHERE grantee = 'regress_pr "quoted" Role';

-- mlops.role_ref: a role's current name in text, PUBLIC as public, a name
-- no role has as ?name (unresolved), a dropped role as !name
SELECT 'regress_pr_owner'::mlops.role_ref AS role,
       'public'::mlops.role_ref AS public,
       '"public"'::mlops.role_ref AS quoted_public,
       'Public'::mlops.role_ref AS mixed_case,
       'regress_pr "quoted" Role'::mlops.role_ref AS needs_quotes,
       '"regress_pr ""quoted"" Role"'::mlops.role_ref AS quoted,
       'no_such_role'::mlops.role_ref AS unknown,
       '?no_such_role'::mlops.role_ref AS unresolved,
       '!regress_pr_owner'::mlops.role_ref AS dropped;
SELECT mlops.role_status(r), mlops.role_name(r)
FROM (VALUES ('regress_pr_owner'::mlops.role_ref), ('public'), ('?x'), ('!x')) v(r);
-- a bound reference follows a rename; the text form is the new name
CREATE ROLE regress_pr_renamed NOLOGIN;
CREATE TEMP TABLE refs AS SELECT 'regress_pr_renamed'::mlops.role_ref AS r;
ALTER ROLE regress_pr_renamed RENAME TO regress_pr_renamed_2;
SELECT r, mlops.role_name(r), mlops.role_status(r) FROM refs;
DROP ROLE regress_pr_renamed_2;
SELECT r, mlops.role_name(r), mlops.role_status(r) FROM refs;
-- binary I/O round trip (binary COPY, as a binary dump would)
CREATE TEMP TABLE refs_bin (r mlops.role_ref);
INSERT INTO refs_bin VALUES ('regress_pr_owner'), ('public'), ('?x'), ('!y'),
    ('regress_pr "quoted" Role');
\copy refs_bin TO 'results/privilege_rules_refs.bin' WITH (FORMAT binary)
TRUNCATE refs_bin;
\copy refs_bin FROM 'results/privilege_rules_refs.bin' WITH (FORMAT binary)
SELECT r, mlops.role_status(r) FROM refs_bin;
-- bad text forms
SELECT pg_temp.try($$SELECT ''::mlops.role_ref$$);
SELECT pg_temp.try($$SELECT '?'::mlops.role_ref$$);
SELECT pg_temp.try($$SELECT '"unterminated'::mlops.role_ref$$);
SELECT pg_temp.try($$SELECT '"a"b'::mlops.role_ref$$);
SELECT pg_temp.try($$SELECT repeat('x', 64)::mlops.role_ref$$);

-- clean up
RESET ROLE;
SET mlops.allow_drop = on;
SELECT mlops.drop_model('pr_m');
DROP TABLE pr.t;
DROP SCHEMA pr;
DROP ROLE regress_pr_owner, regress_pr_trainer, regress_pr_deployer, regress_pr_analyst,
    regress_pr_other, regress_pr_member, "Public",
    "regress_pr_a_role_name_that_is_exactly_sixty_three_bytes_long__",
    "regress_pr ""quoted"" Role";
