--
-- score_input: every bad input to mlops.predict (BAD-INPUTS.md), with its
-- SQLSTATE; the array overloads and the row form; corrupted artifacts;
-- bad text input for the pass_state type (mlops.linear_state's).
--

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
\i :abs_srcdir/include/pass_state.sql

-- y = 1 + a + 2b + 3c exactly, so predictions are easy to check
CREATE TABLE si_t (a float8, b integer, c numeric, y float8);
INSERT INTO si_t
SELECT i % 7, i % 5, (i % 11) / 4.0, 0 FROM generate_series(1, 100) i;
UPDATE si_t SET y = 1 + a + 2 * b + 3 * c;
SELECT model, version, deployed
FROM mlops.train('si_m', 'si_t', 'y', features => '{a,b,c}', test_size => 0);

-- the array form and its numeric overloads agree
SELECT round(mlops.predict('si_m', ARRAY[1, 1, 1]::float8[])::numeric, 6) AS float8,
       round(mlops.predict('si_m', ARRAY[1, 1, 1]::real[])::numeric, 6) AS real,
       round(mlops.predict('si_m', ARRAY[1, 1, 1]::smallint[])::numeric, 6) AS smallint,
       round(mlops.predict('si_m', ARRAY[1, 1, 1])::numeric, 6) AS integer,
       round(mlops.predict('si_m', ARRAY[1, 1, 1]::bigint[])::numeric, 6) AS bigint,
       round(mlops.predict('si_m', ARRAY[1, 1, 1.0])::numeric, 6) AS numeric;

-- NULL features give NULL, in every form
SELECT mlops.predict('si_m', NULL::float8[]) IS NULL AS float8_null,
       mlops.predict('si_m', NULL::int[]) IS NULL AS int_null,
       mlops.predict('si_m', NULL::numeric[]) IS NULL AS numeric_null,
       mlops.predict('si_m', NULL::si_t) IS NULL AS row_null;
-- a NULL element is an error naming it
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, NULL, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, 2, NULL]::int[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[NULL, 2, 3]::numeric[])$$);
-- NaN and infinity
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, 'NaN', 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, 2, 'Infinity']::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY['-Infinity', 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, 'NaN', 3]::real[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, 2, 'NaN']::numeric[])$$);
-- shape
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[[1, 2, 3]]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[[1, 2], [3, 4]]::int[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', '[0:2]={1,2,3}'::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', '[2:4]={1,2,3}'::int[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', '{}'::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, 2]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, 2, 3, 4]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[1, 2]::bigint[])$$);
-- element types that are not numbers, and scalars
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY['1', '2', '3'])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ARRAY[true, false, true])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', 1.5)$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', 'x'::text)$$);

-- model references
SELECT pg_temp.try($$SELECT mlops.predict('si_nope', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@99', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@x', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@0', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@-1', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@+1', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@1 ', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@99999999999', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m@1@1', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('@1', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('SI_M', ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict(NULL, ARRAY[1, 2, 3]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict(NULL, NULL::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict(NULL, ARRAY[1, 2, 3])$$);
SELECT pg_temp.try($$SELECT mlops.predict(NULL, s) FROM si_t s LIMIT 1$$);
SELECT round(mlops.predict('si_m@1', ARRAY[1, 2, 3]::float8[])::numeric, 6) AS pinned;
-- a model with no deployed version
SELECT model, version, deployed
FROM mlops.train('si_undeployed', 'si_t', 'y', features => '{a}', deploy => 'never');
SELECT pg_temp.try($$SELECT mlops.predict('si_undeployed', ARRAY[1]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_undeployed', s) FROM si_t s$$);
SELECT round(mlops.predict('si_undeployed@1', ARRAY[1]::float8[])::numeric, 3) AS pinned_works;
SELECT mlops.drop_model('si_undeployed');
-- several models in one statement, one call site each and one shared
SELECT m, round(mlops.predict(m, ARRAY[1, 1, 1]::float8[])::numeric, 6) AS p
FROM unnest(ARRAY['si_m', 'si_m@1', 'si_m']) m;

-- the row form: columns by name, extra columns ignored, order irrelevant
SELECT round(mlops.predict('si_m', s)::numeric, 6) AS p, round(y::numeric, 6) AS y
FROM si_t s ORDER BY a, b, c LIMIT 3;
CREATE TABLE si_wide (note text, c real, extra float8, a numeric, b bigint);
INSERT INTO si_wide VALUES ('one', 1, 99, 1, 1), ('null c', NULL, 0, 1, 1),
                           ('two', 2, NULL, 2, 2);
SELECT note, round(mlops.predict('si_m', w)::numeric, 6) AS p
FROM si_wide w ORDER BY note;
-- a composite type, a domain over a number, an anonymous record: any type
-- of the family a column had at training (a float8, b integer, c numeric)
CREATE DOMAIN si_posint AS integer CHECK (VALUE >= 0);
CREATE TYPE si_row AS (b si_posint, c float8, a real);
SELECT round(mlops.predict('si_m', ROW(1, 1, 1)::si_row)::numeric, 6) AS composite;
SELECT round(mlops.predict('si_m', r)::numeric, 6) AS subquery_row
FROM (SELECT 1.0 AS a, 1::bigint AS b, 1::float4 AS c) r;
-- another family is a changed type: an error naming the column and both types
SELECT pg_temp.try($$SELECT mlops.predict('si_m', r) FROM (SELECT 1 AS a, 1 AS b, 1.0 AS c) r$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', r) FROM (SELECT 1.0 AS a, 1.5 AS b, 1.0 AS c) r$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', r) FROM (SELECT 1.0 AS a, 1 AS b, true AS c) r$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', ROW(1, 1, 1))$$);
-- missing and non-numeric columns, NaN in a column
CREATE TABLE si_missing (a float8, b float8);
INSERT INTO si_missing VALUES (1, 1);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', m) FROM si_missing m$$);
CREATE TABLE si_text (a float8, b text, c float8);
INSERT INTO si_text VALUES (1, '1', 1);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', t) FROM si_text t$$);
CREATE TABLE si_nan (a float8, b integer, c float8);
INSERT INTO si_nan VALUES (1, 1, 'NaN');
SELECT pg_temp.try($$SELECT mlops.predict('si_m', n) FROM si_nan n$$);
UPDATE si_nan SET c = '-Infinity';
SELECT pg_temp.try($$SELECT mlops.predict('si_m', n) FROM si_nan n$$);
-- a dropped column is not a feature column
ALTER TABLE si_missing ADD COLUMN c float8;
ALTER TABLE si_missing DROP COLUMN c;
SELECT pg_temp.try($$SELECT mlops.predict('si_m', m) FROM si_missing m$$);
-- a score that overflows is infinite, not an error: the features are finite
UPDATE si_nan SET a = 1e308, b = 0, c = 1e308;
SELECT mlops.predict('si_m', n) AS overflow FROM si_nan n;
-- rows without NULLs, fixed-width columns up to the last feature: read in
-- place, mixed widths and alignments, the same as the array form; a row
-- with a NULL (in any column) is deformed; either names the first bad
-- feature in feature order, not column order
CREATE TABLE si_fixed (flag boolean, c real, x smallint, b bigint, a float8, note text);
INSERT INTO si_fixed VALUES (true, 1, 7, 2, 3, 'in place'), (false, 0.5, 7, -1, -2, NULL);
SELECT note, round(mlops.predict('si_m', f)::numeric, 6) AS row_form,
       round(mlops.predict('si_m', ARRAY[a, b, c])::numeric, 6) AS array_form
FROM si_fixed f ORDER BY flag;
UPDATE si_fixed SET a = 'Infinity', c = 'NaN';
SELECT pg_temp.try($$SELECT mlops.predict('si_m', f) FROM si_fixed f WHERE flag$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_m', f) FROM si_fixed f WHERE NOT flag$$);
DROP TABLE si_missing, si_text, si_nan, si_wide, si_fixed;
DROP TYPE si_row;
DROP DOMAIN si_posint;

-- corrupted artifacts: XX001, never a crash, never a wrong answer
-- crc32c(bytes), and an artifact with its header fixed up after an edit
CREATE FUNCTION pg_temp.crc32c(b bytea) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    crc bigint := 4294967295;
BEGIN
    FOR i IN 0 .. length(b) - 1 LOOP
        crc := crc # get_byte(b, i);
        FOR k IN 1 .. 8 LOOP
            crc := CASE WHEN crc & 1 = 1 THEN (crc >> 1) # 2197175160 ELSE crc >> 1 END;
        END LOOP;
    END LOOP;
    RETURN crc # 4294967295;
END
$$;
CREATE FUNCTION pg_temp.le32(v bigint) RETURNS bytea
LANGUAGE sql AS $$
    SELECT set_byte(set_byte(set_byte(set_byte('\x00000000'::bytea,
           0, (v & 255)::int), 1, ((v >> 8) & 255)::int),
           2, ((v >> 16) & 255)::int), 3, ((v >> 24) & 255)::int)
$$;
CREATE FUNCTION pg_temp.reseal(art bytea) RETURNS bytea
LANGUAGE sql AS $$
    SELECT overlay(overlay(art PLACING pg_temp.le32(length(art) - 24) FROM 13)
                   PLACING pg_temp.le32(pg_temp.crc32c(substring(art FROM 25))) FROM 17)
$$;
-- the helper reproduces a valid artifact exactly
SELECT pg_temp.reseal(artifact) = artifact AS reseal_is_identity
FROM mlops.model_version v JOIN mlops.model m USING (model_id)
WHERE m.name = 'si_m' AND v.version = 1;

-- eleven versions of si_bad, then each is damaged in its own way
DO $$
BEGIN
    FOR i IN 1 .. 12 LOOP
        PERFORM mlops.train('si_bad', 'si_t', 'y', features => '{a,b,c}',
                            test_size => 0, deploy => 'never');
    END LOOP;
END
$$;
SELECT count(*) AS versions FROM mlops.versions WHERE model = 'si_bad';
SELECT mlops.deploy('si_bad', 11);
-- scored once, so the intact version is in this backend's cache
SELECT round(mlops.predict('si_bad', ARRAY[1, 1, 1]::float8[])::numeric, 6) AS intact;
ALTER TABLE mlops.model_version DISABLE TRIGGER USER;
UPDATE mlops.model_version v SET artifact = CASE v.version
    -- truncated inside the header, and inside the payload
    WHEN 1 THEN substring(artifact FROM 1 FOR 20)
    WHEN 2 THEN substring(artifact FROM 1 FOR length(artifact) - 5)
    -- wrong magic, unknown format version, unknown algorithm (valid checksum)
    WHEN 3 THEN set_byte(artifact, 0, ascii('X'))
    WHEN 4 THEN set_byte(artifact, 8, 99)
    WHEN 5 THEN set_byte(artifact, 10, 99)
    -- one flipped bit in the payload: the checksum catches it
    WHEN 6 THEN set_byte(artifact, 40, get_byte(artifact, 40) # 1)
    -- a NaN first coefficient (after the feature spec: its 3 type names
    -- "double precision", "integer", "numeric" and columns a, b, c, each
    -- with its imputation and scaling bytes; the class count, the label
    -- kind, the flags and the intercept), resealed so the checksum matches
    WHEN 7 THEN pg_temp.reseal(overlay(artifact PLACING '\x000000000000f87f'::bytea FROM 113))
    -- the spec's column count says 4 but 3 are present; 2^32 - 1
    WHEN 8 THEN pg_temp.reseal(set_byte(artifact, 64, 4))
    WHEN 9 THEN pg_temp.reseal(overlay(artifact PLACING '\xffffffff'::bytea FROM 65))
    -- the length field promises more bytes than there are
    WHEN 10 THEN overlay(artifact PLACING pg_temp.le32(length(artifact)) FROM 13)
    -- trailing bytes after a valid payload (the deployed version)
    WHEN 11 THEN pg_temp.reseal(artifact || '\xdeadbeef'::bytea)
    -- a reserved header byte set (outside the checksum)
    WHEN 12 THEN set_byte(artifact, 20, 1)
    END
FROM mlops.model m
WHERE m.model_id = v.model_id AND m.name = 'si_bad';
ALTER TABLE mlops.model_version ENABLE TRIGGER USER;
SELECT i, pg_temp.try(format($$SELECT mlops.predict('si_bad@%s', ARRAY[1, 1, 1]::float8[])$$, i))
FROM generate_series(1, 12) i ORDER BY i;
SELECT pg_temp.try($$SELECT mlops.predict('si_bad', ARRAY[1, 1, 1]::float8[])$$);
SELECT pg_temp.try($$SELECT mlops.predict('si_bad', s) FROM si_t s$$);
SELECT pg_temp.try($$SELECT * FROM mlops.coefficients('si_bad@6')$$);
-- an empty artifact
ALTER TABLE mlops.model_version DISABLE TRIGGER USER;
UPDATE mlops.model_version v SET artifact = ''::bytea
FROM mlops.model m
WHERE m.model_id = v.model_id AND m.name = 'si_bad' AND v.version = 1;
ALTER TABLE mlops.model_version ENABLE TRIGGER USER;
SELECT pg_temp.try($$SELECT mlops.predict('si_bad@1', ARRAY[1, 1, 1]::float8[])$$);
-- the other versions of the same model and other models are unaffected
SELECT round(mlops.predict('si_m', ARRAY[1, 1, 1]::float8[])::numeric, 6) AS si_m_still_fine;
SELECT mlops.drop_model('si_bad');

-- pass_state text input: hex of the wire format, checked
SELECT pg_temp.try($$SELECT 'garbage'::mlops.pass_state$$);
SELECT pg_temp.try($$SELECT 'abc'::mlops.pass_state$$);
SELECT pg_temp.try($$SELECT 'zz'::mlops.pass_state$$);
SELECT pg_temp.try($$SELECT '00000000000000000000000000000000'::mlops.pass_state$$);
-- a valid state with one byte changed in the magic
CREATE TEMP TABLE si_state AS
SELECT mlops.linear_state(ARRAY[a, b, c::float8], y)::text AS s FROM si_t;
SELECT pg_temp.try($$SELECT ('ff' || substring(s FROM 3))::mlops.pass_state FROM si_state$$);
-- empty, too short, truncated by one byte, one byte too many
SELECT pg_temp.try($$SELECT ''::mlops.pass_state$$);
SELECT pg_temp.try($$SELECT '00'::mlops.pass_state$$);
SELECT pg_temp.try($$SELECT substring(s FROM 1 FOR length(s) - 2)::mlops.pass_state FROM si_state$$);
SELECT pg_temp.try($$SELECT (s || '00')::mlops.pass_state FROM si_state$$);
-- a NaN inside R
SELECT pg_temp.try($$SELECT (substring(s FROM 1 FOR 128) || '7ff8000000000000' || substring(s FROM 145))::mlops.pass_state FROM si_state$$);
-- the generic header: a family id no routine has, a body length that
-- does not match the family's dimensions, a body too long for any state,
-- more doubles sent than the body holds
SELECT pg_temp.try($$SELECT pg_temp.patch(s, 6, '0002')::mlops.pass_state FROM si_state$$);
SELECT pg_temp.try($$SELECT pg_temp.patch(s, 56, '00000019')::mlops.pass_state FROM si_state$$);
SELECT pg_temp.try($$SELECT pg_temp.patch(s, 56, '7fffffff')::mlops.pass_state FROM si_state$$);
SELECT pg_temp.try($$SELECT pg_temp.patch(s, 60, '7fffffff')::mlops.pass_state FROM si_state$$);
-- the state is sent as R with its buffer folded in, trailing zeros not
-- sent: 3 features and an intercept, 100 rows, are 64 bytes of header
-- and the 25 doubles of R (the last one being the residual norm)
SELECT length(s) / 2 AS bytes, ('x' || substring(s FROM 113 FOR 8))::bit(32)::int AS ndoubles,
       ('x' || substring(s FROM 121 FOR 8))::bit(32)::int AS sent
FROM si_state;
-- a valid state built by hand: one feature and an intercept, R of the
-- rows (x, y) = (0, 1), (1, 3): y = 1 + 2x
SELECT round(v::numeric, 6) AS coef
FROM unnest(mlops.linear_final(pg_temp.linear_state(true, 1, 2, 2,
  repeat('0', 16 * 9) || '3ff0000000000000' || '3ff0000000000000'
  || repeat('0', 16 * 518) || '0000000000000000' || '3ff0000000000000'
  || repeat('0', 16 * 518) || '3ff0000000000000' || '4008000000000000')::mlops.pass_state)) v;
SELECT round(v::numeric, 6) AS coef
FROM si_state, unnest(mlops.linear_final(s::mlops.pass_state)) v;

SELECT mlops.drop_model('si_m');
DROP TABLE si_t;
