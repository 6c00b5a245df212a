--
-- support_functions: the aggregates' internal support functions
-- (mlops._linear_accum, _linear_combine, _linear_train_accum,
-- _linear_eval_accum, _linear_eval_combine) are not executable by PUBLIC,
-- and validate every argument anyway, as if an attacker called them
-- through an aggregate of their own (BAD-INPUTS.md row 34).  The exported
-- aggregates and training keep working for ordinary roles, serial and
-- parallel, since PostgreSQL checks the aggregate owner's right to call
-- them.
--

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
\i :abs_srcdir/include/pass_state.sql

-- largest absolute difference between two coefficient arrays
CREATE FUNCTION pg_temp.maxdiff(a float8[], b float8[]) RETURNS float8
LANGUAGE sql AS $$
    SELECT CASE WHEN cardinality(a) = cardinality(b)
                THEN (SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y))
           END
$$;


-- an evaluation state of k parameters (4 + 2k + 7 elements), first = k
CREATE FUNCTION pg_temp.evstate(k int, first float8 DEFAULT NULL) RETURNS float8[]
LANGUAGE sql AS $$
    SELECT array_prepend(coalesce(first, k), array_fill(0::float8, ARRAY[2 * k + 10]))
$$;

CREATE TABLE sf_t AS
SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
       1 + 2 * (g % 17) - 3 * (g % 5) + 0.01 * sin(g) AS y
FROM generate_series(1, 20000) g;
VACUUM ANALYZE sf_t;
CREATE TABLE sf_ref AS
SELECT mlops.linear_final(mlops.linear_state(ARRAY[x1, x2], y)) AS c FROM sf_t;

CREATE ROLE regress_sf_user;
CREATE ROLE regress_sf_trainer IN ROLE mlops_trainer;
CREATE ROLE regress_sf_granted;
GRANT SELECT ON sf_t, sf_ref TO regress_sf_user, regress_sf_trainer,
    regress_sf_granted;

-- no function of the schema whose name starts with "_" is executable by
-- PUBLIC, but the internal aggregates (mlops.train runs them as the
-- caller) and _held_out, which deploy => 'best' runs as the caller too
-- and which reads nothing but its arguments (a hash of the row); the
-- second query must stay empty whatever family is added
SELECT p.oid::regprocedure AS function, p.prokind,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p
WHERE p.pronamespace = 'mlops'::regnamespace AND p.proname LIKE '\_%'
ORDER BY p.proname, p.oid::regprocedure::text;
SELECT p.oid::regprocedure AS internal_function_open_to_public
FROM pg_proc p
WHERE p.pronamespace = 'mlops'::regnamespace AND p.proname LIKE '\_%'
  AND p.prokind <> 'a' AND has_function_privilege('public', p.oid, 'EXECUTE')
  AND p.oid <> 'mlops._held_out(float8, bigint, "any")'::regprocedure;

--
-- as a role without any grant: every support function is 42501, called
-- directly or through an aggregate of the role's own
--
SET ROLE regress_sf_user;
SELECT pg_temp.try($$SELECT mlops._linear_accum(NULL, ARRAY[1]::float8[], 1)$$);
SELECT pg_temp.try($$SELECT mlops._linear_accum(NULL, ARRAY[1]::float8[], 1, true)$$);
SELECT pg_temp.try($$SELECT mlops._linear_combine(NULL, NULL)$$);
SELECT pg_temp.try($$
  SELECT mlops._linear_train_accum(NULL, ARRAY[1]::float8[], 1, true, 0, 0, NULL)$$);
SELECT pg_temp.try($$
  SELECT mlops._linear_train_accum(NULL, true, 0, 0, NULL, 1::float8, 2::float8)$$);
SELECT pg_temp.try($$
  SELECT mlops._linear_eval_accum(NULL, ARRAY[1, 0]::float8[], false, 0, 0, true,
                                  1::float8, 1::float8)$$);
SELECT pg_temp.try($$
  SELECT mlops._linear_eval_accum(NULL, ARRAY[1]::float8[], 1, ARRAY[1, 0]::float8[],
                                  false, 0, 0, true)$$);
SELECT pg_temp.try($$SELECT mlops._linear_eval_combine(NULL, NULL)$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(float8[]) (
    SFUNC = mlops._linear_eval_combine, STYPE = float8[])$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(float8[]) (
    SFUNC = array_cat, STYPE = float8[], COMBINEFUNC = mlops._linear_eval_combine)$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(float8[], float8) (
    SFUNC = mlops._linear_accum, STYPE = mlops.pass_state)$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(float8[], float8, boolean) (
    SFUNC = mlops._linear_accum, STYPE = mlops.pass_state)$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(mlops.pass_state) (
    SFUNC = mlops._linear_combine, STYPE = mlops.pass_state)$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(float8[], float8, boolean, float8, bigint, text[]) (
    SFUNC = mlops._linear_train_accum, STYPE = mlops.pass_state)$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(boolean, float8, bigint, text[], VARIADIC "any") (
    SFUNC = mlops._linear_train_accum, STYPE = mlops.pass_state)$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(float8[], boolean, float8, bigint, boolean,
                                VARIADIC "any") (
    SFUNC = mlops._linear_eval_accum, STYPE = float8[])$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil(float8[], float8, float8[], boolean, float8, bigint,
                                boolean) (
    SFUNC = mlops._linear_eval_accum, STYPE = float8[])$$);

-- the exported aggregates work for this role, serial and parallel
SET max_parallel_workers_per_gather = 0;
SELECT pg_temp.maxdiff(mlops.linear_final(mlops.linear_state(ARRAY[x1, x2], y)),
                       (SELECT c FROM sf_ref)) < 1e-10 AS serial_ok,
       pg_temp.maxdiff(mlops.linear_final(mlops.linear_state(ARRAY[x1, x2], y, true)),
                       (SELECT c FROM sf_ref)) < 1e-10 AS serial_flag_ok
FROM sf_t;
SELECT pg_temp.maxdiff(mlops.linear_final(mlops.linear_merge(s)),
                       (SELECT c FROM sf_ref)) < 1e-10 AS merge_ok
FROM (SELECT mlops.linear_state(ARRAY[x1, x2], y) AS s FROM sf_t GROUP BY id % 3) v;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT mlops.linear_final(mlops.linear_state(ARRAY[x1, x2], y)) FROM sf_t;
SELECT pg_temp.maxdiff(mlops.linear_final(mlops.linear_state(ARRAY[x1, x2], y)),
                       (SELECT c FROM sf_ref)) < 1e-10 AS parallel_ok
FROM sf_t;
SELECT pg_temp.maxdiff(mlops.linear_final(mlops.linear_merge(s)),
                       (SELECT c FROM sf_ref)) < 1e-10 AS parallel_merge_ok
FROM (SELECT mlops.linear_state(ARRAY[x1, x2], y) AS s FROM sf_t GROUP BY id % 3) v;
RESET ROLE;

--
-- training as a member of mlops_trainer, serial and under a forced
-- parallel plan (the passes' aggregates call the revoked functions)
--
SET ROLE regress_sf_trainer;
EXPLAIN (COSTS OFF)
SELECT mlops._linear_train_state(true, 0, 0, NULL, y, x1, x2) FROM sf_t;
SELECT model, version, algorithm, deployed FROM mlops.train('sf_par', 'sf_t', 'y',
    features => '{x1,x2}', test_size => 0);
SELECT pg_temp.maxdiff(array_agg(estimate ORDER BY ord),
                       (SELECT c FROM sf_ref)) < 1e-9 AS parallel_train_ok
FROM mlops.coefficients('sf_par') WITH ORDINALITY AS c(term, estimate, se, t, p, ord);
SELECT (metrics->>'n')::int > 0 AS has_test_rows, metrics->>'evaluated_on' AS evaluated_on
FROM mlops.train('sf_par', 'sf_t', 'y', features => '{x1,x2}');
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SELECT model, version, deployed FROM mlops.train('sf_ser', 'sf_t', 'y',
    features => '{x1,x2}', test_size => 0);
SELECT pg_temp.maxdiff(array_agg(estimate ORDER BY ord),
                       (SELECT c FROM sf_ref)) < 1e-9 AS serial_train_ok
FROM mlops.coefficients('sf_ser') WITH ORDINALITY AS c(term, estimate, se, t, p, ord);
-- and scores its models
SELECT round(mlops.predict('sf_ser', ARRAY[3, 2]::float8[])::numeric, 4) AS score;
RESET ROLE;
RESET max_parallel_workers_per_gather;

--
-- a role granted EXECUTE on purpose: its own aggregates with crafted
-- arguments get clean errors, never a crash
--
-- every support function, to grant and revoke
\set support_functions 'mlops._linear_accum(mlops.pass_state, float8[], float8), mlops._linear_accum(mlops.pass_state, float8[], float8, boolean), mlops._linear_combine(mlops.pass_state, mlops.pass_state), mlops._linear_train_accum(mlops.pass_state, float8[], float8, boolean, float8, bigint, text[]), mlops._linear_train_accum(mlops.pass_state, boolean, float8, bigint, text[], "any"), mlops._linear_gram_accum(mlops.pass_state, boolean, float8, bigint, text[], "any"), mlops._linear_eval_accum(float8[], float8[], boolean, float8, bigint, boolean, "any"), mlops._linear_eval_accum(float8[], float8[], float8, float8[], boolean, float8, bigint, boolean), mlops._linear_eval_combine(float8[], float8[])'
GRANT EXECUTE ON FUNCTION :support_functions TO regress_sf_granted;
SET ROLE regress_sf_granted;

-- outside an aggregate: 0A000, as before
SELECT pg_temp.try($$SELECT mlops._linear_accum(NULL, ARRAY[1]::float8[], 1)$$);
SELECT pg_temp.try($$SELECT mlops._linear_eval_combine(NULL, NULL)$$);

-- the reported crash: the dimension came from element 0 of the state, a
-- negative one wrote before the array (with -3, over its element type)
CREATE AGGREGATE pg_temp.evil(float8[]) (
    SFUNC = mlops._linear_eval_combine, STYPE = float8[]);
CREATE TEMP TABLE sf_plain (p0 float8, p1 float8, p2 float8, x float8[]);
ALTER TABLE sf_plain ALTER COLUMN x SET STORAGE PLAIN;
INSERT INTO sf_plain SELECT power(2::float8, -1042), 0, 0, '{-5}'
FROM generate_series(1, 2);
SELECT pg_temp.try($$
  SELECT pg_temp.evil(x) IS NULL, length(string_agg(s, '')) FROM
    (SELECT t.x, NULL::text s FROM sf_plain t
     UNION ALL SELECT NULL, repeat('y', 100) FROM generate_series(1, 20000)) v$$);
UPDATE sf_plain SET x = '{-3,0,0,0,0}';
SELECT pg_temp.try($$
  SELECT pg_temp.evil(x) IS NULL, length(string_agg(s, '')) FROM
    (SELECT t.x, NULL::text s FROM sf_plain t
     UNION ALL SELECT NULL, repeat('y', 100) FROM generate_series(1, 20000)) v$$);
-- dimensions: huge, negative, zero, fractional, NaN, infinite; a length
-- that does not match; 2-D; NULL elements; the two sides disagreeing
SELECT v AS state, pg_temp.try(format('SELECT pg_temp.evil(x) FROM (VALUES (%L::float8[]), (%L::float8[])) v(x)', v, v))
FROM unnest(ARRAY[
    '{1e9}', '{2147483648,0}', '{-1}', '{0}', '{1.5,0,0,0,0,0,0,0,0,0,0,0,0}',
    '{NaN}', '{Infinity}', '{-Infinity}', '{1602}', '{1,0,0}',
    '{{1,0},{0,0}}', '{1,NULL,0,0,0,0,0,0,0,0,0,0,0}', '{NULL}']) v;
SELECT pg_temp.try($$SELECT pg_temp.evil(x) FROM (VALUES
  (pg_temp.evstate(1)), (pg_temp.evstate(2))) v(x)$$);
SELECT pg_temp.try($$SELECT pg_temp.evil(x) FROM (VALUES
  (pg_temp.evstate(2)), (pg_temp.evstate(2, 1))) v(x)$$);
-- a valid state still merges
SELECT pg_temp.evil(x) = pg_temp.evstate(2) AS valid_merges
FROM (VALUES (pg_temp.evstate(2)), (pg_temp.evstate(2))) v(x);
-- the combine as a combine function, under a forced parallel plan: the
-- partial states come from array_cat
CREATE AGGREGATE pg_temp.evil_par(float8[]) (
    SFUNC = array_cat, STYPE = float8[], COMBINEFUNC = mlops._linear_eval_combine,
    PARALLEL = SAFE);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT pg_temp.try($$SELECT pg_temp.evil_par(ARRAY[-5]::float8[]) FROM sf_t$$);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
-- wrong element types do not fit the signatures at all
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil_int(int[]) (
    SFUNC = mlops._linear_eval_combine, STYPE = int[])$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil_int(int[], float8) (
    SFUNC = mlops._linear_accum, STYPE = mlops.pass_state)$$);
SELECT pg_temp.try($$
  CREATE AGGREGATE pg_temp.evil_int(bytea) (
    SFUNC = mlops._linear_combine, STYPE = bytea)$$);

-- the evaluation transition: crafted coefficients and states
CREATE AGGREGATE pg_temp.evil_eval(float8[], float8, float8[], boolean, float8,
                                   bigint, boolean) (
    SFUNC = mlops._linear_eval_accum, STYPE = float8[]);
CREATE AGGREGATE pg_temp.evil_eval_init(float8[], float8, float8[], boolean, float8,
                                        bigint, boolean) (
    SFUNC = mlops._linear_eval_accum, STYPE = float8[],
    INITCOND = '{-5,0,0,0,0,0,0,0,0,0,0,0,0,0,0}');
SELECT c AS coef, pg_temp.try(format($$SELECT pg_temp.evil_eval(ARRAY[x1], y, %L::float8[],
                                  true, 0, 0, true) FROM sf_t WHERE id <= 3$$, c))
FROM unnest(ARRAY['{1,2}', '{1,2,3}', '{{1,0},{0,0}}', '{1,NULL}', '{NaN,0}']) c;
SELECT pg_temp.try($$SELECT pg_temp.evil_eval(ARRAY[x1], y, array_fill(0::float8, ARRAY[4000]),
                                  true, 0, 0, true) FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_eval_init(ARRAY[x1], y, '{0,0,0,0}',
                                  true, 0, 0, true) FROM sf_t WHERE id <= 3$$);
SELECT round(s[2]::numeric, 6) AS n_refined, round(s[3]::numeric, 6) AS rss
FROM (SELECT pg_temp.evil_eval(ARRAY[x1], y, '{1,2,0,0}', true, 0, 0, true) AS s
      FROM sf_t WHERE id <= 3) v;
-- the variadic form: argument types and counts
CREATE AGGREGATE pg_temp.evil_evargs(float8[], boolean, float8, bigint, boolean,
                                     VARIADIC "any") (
    SFUNC = mlops._linear_eval_accum, STYPE = float8[]);
SELECT pg_temp.try($$SELECT pg_temp.evil_evargs('{1,2,0,0}', true, 0, 0, true, y, x1::text)
                     FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_evargs('{1,2,0,0}', true, 0, 0, true, y)
                     FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_evargs('{1,2,0,0}', true, 0, 0, true,
                     VARIADIC ARRAY[y, x1]) FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_evargs('{1,2,0,0}', true, 0, 0, true, y, x1, x2)
                     FROM sf_t WHERE id <= 3$$);

-- the linear_state transition and combine: crafted states
CREATE TEMP TABLE sf_s AS
SELECT mlops.linear_state(ARRAY[x1, x2], y)::text AS s FROM sf_t WHERE id <= 10;
CREATE AGGREGATE pg_temp.evil_merge(mlops.pass_state) (
    SFUNC = mlops._linear_combine, STYPE = mlops.pass_state);
CREATE AGGREGATE pg_temp.evil_accum(float8[], float8) (
    SFUNC = mlops._linear_accum, STYPE = mlops.pass_state,
    COMBINEFUNC = mlops._linear_combine, PARALLEL = SAFE);
-- row counts that wrap: through the exported merge, the role's own merge,
-- and one more row into a state that has counted INT64_MAX rows
SELECT pg_temp.try(format($$SELECT mlops.linear_merge(s) FROM (VALUES (%L::mlops.pass_state),
                                                         (%L::mlops.pass_state)) v(s)$$,
                          pg_temp.patch(s, 32, '4000000000000000'),
                          pg_temp.patch(s, 32, '4000000000000000')))
FROM sf_s;
SELECT pg_temp.try(format($$SELECT pg_temp.evil_merge(s) FROM (VALUES (%L::mlops.pass_state),
                                                         (%L::mlops.pass_state)) v(s)$$,
                          pg_temp.patch(s, 40, '7000000000000000'),
                          pg_temp.patch(s, 48, '7000000000000000')))
FROM sf_s;
SELECT pg_temp.try(format($$CREATE AGGREGATE pg_temp.evil_full(float8[], float8) (
                               SFUNC = mlops._linear_accum, STYPE = mlops.pass_state,
                               INITCOND = %L)$$,
                          pg_temp.patch(pg_temp.patch(s, 32, '7ffffffffffffff0'), 40,
                                        '000000000000000f')))
FROM sf_s;
SELECT pg_temp.try($$SELECT pg_temp.evil_full(ARRAY[x1, x2], y) FROM sf_t WHERE id <= 2$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_full(ARRAY[x1, NULL], y) FROM sf_t WHERE id <= 2$$);
-- counts whose sum wraps are refused on input
SELECT pg_temp.try(format('SELECT %L::mlops.pass_state',
                          pg_temp.patch(pg_temp.patch(s, 32, '7fffffffffffffff'), 40,
                                        '0000000000000001')))
FROM sf_s;
-- header fields out of range, or of another family or pass
SELECT f.field, pg_temp.try(format('SELECT pg_temp.evil_merge(%L::mlops.pass_state)',
                                   pg_temp.patch(s, f.at, f.hex)))
FROM sf_s, (VALUES ('nfeat -2', 12, 'fffffffe'), ('nfeat 1601', 12, '00000641'),
                   ('nfeat 3', 12, '00000003'), ('nbuf -1', 24, 'ffffffff'),
                   ('nbuf 9999', 24, '0000270f'), ('flags 2', 10, '0002'),
                   ('format 2', 4, '0002'), ('magic', 0, '00000000'),
                   ('algorithm 2', 6, '0002'), ('pass 3', 8, '0003'),
                   ('ncol 5', 16, '00000005'), ('bufcap 0', 20, '00000000'),
                   ('dims[3] 1', 28, '00000001'), ('length', 56, '00000010')) f(field, at, hex);
-- a full buffer (nbuf = bufcap = 520 for one feature): the next row
-- would be written past the state's end, so it is refused on input
SELECT pg_temp.try(format($$CREATE AGGREGATE pg_temp.evil_fullbuf(float8[], float8) (
                               SFUNC = mlops._linear_accum, STYPE = mlops.pass_state,
                               INITCOND = %L)$$,
                          pg_temp.linear_state(true, 1, 520, 520)));
SELECT pg_temp.try(format($$CREATE AGGREGATE pg_temp.evil_almost(float8[], float8) (
                               SFUNC = mlops._linear_accum, STYPE = mlops.pass_state,
                               INITCOND = %L)$$,
                          pg_temp.linear_state(true, 1, 519, 519))) AS one_row_less;
SELECT round(c[1]::numeric, 6) AS b0, round(c[2]::numeric, 6) AS b1
FROM (SELECT mlops.linear_final(pg_temp.evil_almost(ARRAY[x1], x1 * 2 + 1)) AS c
      FROM sf_t WHERE id <= 20) v;
-- a state whose features differ from the rows, as INITCOND
SELECT pg_temp.try(format($$CREATE AGGREGATE pg_temp.evil_init(float8[], float8) (
                               SFUNC = mlops._linear_accum, STYPE = mlops.pass_state,
                               INITCOND = %L)$$,
                          pg_temp.linear_state(true, 1, 0, 0)));
SELECT pg_temp.try($$SELECT pg_temp.evil_init(ARRAY[x1, x2], y) FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT mlops.linear_final(pg_temp.evil_init(ARRAY[x1], y)) FROM sf_t$$);
-- nfeat = 0 without an intercept has nothing to fit: refused on input
-- (it used to reach LAPACK: XX000 dtrcon failed with info -7)
CREATE TEMP TABLE sf_crafted AS
SELECT pg_temp.linear_state(false, 0, 0, 1, '3ff0000000000000') AS nfeat0,
       pg_temp.linear_state(true, 1600, 0, 0, bufcap => 24) AS f1600;
SELECT pg_temp.try($$SELECT mlops.linear_final(nfeat0::mlops.pass_state) FROM sf_crafted$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_merge(nfeat0::mlops.pass_state) FROM sf_crafted$$);
-- with an intercept, nfeat = 0 is a fit of the mean (R = [1 2; 0 0])
SELECT mlops.linear_final(pg_temp.linear_state(true, 0, 0, 1,
  '3ff0000000000000' || '0000000000000000' || '4000000000000000')::mlops.pass_state);
-- a 1600-feature header: its 21 MB body, all zeros and not sent, is
-- refused by the memory check before it is allocated; the same header
-- claiming a double it does not hold, or a body too long for any state,
-- is refused by its lengths
SET maintenance_work_mem = '1MB';
SELECT pg_temp.try($$SELECT f1600::mlops.pass_state FROM sf_crafted$$);
SELECT pg_temp.try($$SELECT pg_temp.patch(f1600, 60, '00000001')::mlops.pass_state FROM sf_crafted$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_merge(s) FROM (SELECT
  pg_temp.patch(f1600, 56, 'ffffffff')::mlops.pass_state FROM sf_crafted) v(s)$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_merge(s) FROM (SELECT
  (f1600 || 'ff')::mlops.pass_state FROM sf_crafted) v(s)$$);
-- the same through the binary input (COPY FORMAT binary of the raw bytes)
CREATE TEMP TABLE sf_raw (b bytea);
INSERT INTO sf_raw SELECT decode(pg_temp.patch(f1600, 60, '00000001'), 'hex') FROM sf_crafted;
\copy sf_raw TO 'results/support_functions_1600.bin' WITH (FORMAT binary)
TRUNCATE sf_raw;
INSERT INTO sf_raw SELECT decode(f1600, 'hex') FROM sf_crafted;
\copy sf_raw TO 'results/support_functions_1600_zeros.bin' WITH (FORMAT binary)
TRUNCATE sf_raw;
INSERT INTO sf_raw SELECT decode(nfeat0, 'hex') FROM sf_crafted;
\copy sf_raw TO 'results/support_functions_nfeat0.bin' WITH (FORMAT binary)
CREATE TEMP TABLE sf_bin (s mlops.pass_state);
\set VERBOSITY sqlstate
\copy sf_bin FROM 'results/support_functions_1600.bin' WITH (FORMAT binary)
\copy sf_bin FROM 'results/support_functions_1600_zeros.bin' WITH (FORMAT binary)
\copy sf_bin FROM 'results/support_functions_nfeat0.bin' WITH (FORMAT binary)
\set VERBOSITY default
RESET maintenance_work_mem;
-- rows: 2-D, NULL elements, too many features, a changing width
SELECT pg_temp.try($$SELECT pg_temp.evil_accum(f, 1) FROM (VALUES
  ('{{1,2},{3,4}}'::float8[])) v(f)$$);
SELECT pg_temp.evil_accum(f, 1)::text = mlops.linear_state(f, 1)::text AS nulls_skipped
FROM (VALUES ('{1,NULL}'::float8[]), ('{NULL,2}'::float8[])) v(f);
SELECT pg_temp.try($$SELECT pg_temp.evil_accum(array_fill(1::float8, ARRAY[1601]), 1)$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_accum(f, 1) FROM (VALUES
  ('{1,2}'::float8[]), ('{1,2,3}'::float8[])) v(f)$$);
-- the training transitions: names that are not text[], variadic types
CREATE AGGREGATE pg_temp.evil_train(float8[], float8, boolean, float8, bigint, text[]) (
    SFUNC = mlops._linear_train_accum, STYPE = mlops.pass_state);
CREATE AGGREGATE pg_temp.evil_trargs(boolean, float8, bigint, text[], VARIADIC "any") (
    SFUNC = mlops._linear_train_accum, STYPE = mlops.pass_state);
SELECT pg_temp.try($$SELECT pg_temp.evil_train(ARRAY[x1, 'NaN'], y, true, 0, 0,
                     '{{a,b},{c,d}}') FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_train(ARRAY[x1, 'NaN'], y, true, 'NaN', 0,
                     '{a,NULL}') FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_trargs(true, 0, 0, NULL, y, x1::numeric)
                     FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_trargs(true, 0, 0, NULL, y) FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_trargs(true, 0, 0, NULL,
                     VARIADIC ARRAY[y, x1]) FROM sf_t WHERE id <= 3$$);
SELECT mlops.linear_final(pg_temp.evil_trargs(true, 0, 0, NULL, y, x1, x2)) IS NOT NULL
       AS variadic_fits
FROM sf_t;

-- The Gram state (pass 2), which mlops.train uses for a spec's one-hot
-- rows: from plain rows every feature is dense, and the fit is the QR
-- one's to rounding, serial or merged from parts with other shifts
CREATE AGGREGATE pg_temp.evil_gram(boolean, float8, bigint, text[], VARIADIC "any") (
    SFUNC = mlops._linear_gram_accum, STYPE = mlops.pass_state,
    COMBINEFUNC = mlops._linear_combine);
SELECT pg_temp.maxdiff(mlops.linear_final(pg_temp.evil_gram(true, 0, 0, NULL, y, x1, x2)),
                       (SELECT c FROM sf_ref)) < 1e-9 AS gram_is_qr
FROM sf_t;
SELECT pg_temp.maxdiff(mlops.linear_final(s), (SELECT c FROM sf_ref)) < 1e-9 AS merged_is_qr
FROM (SELECT mlops.linear_merge(s) AS s
      FROM (SELECT pg_temp.evil_gram(true, 0, 0, NULL, y, x1, x2) AS s
            FROM sf_t GROUP BY id % 7) p) v;
-- no intercept, a NaN, the two kinds merged
SELECT pg_temp.try($$SELECT pg_temp.evil_gram(false, 0, 0, NULL, y, x1, x2) FROM sf_t$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_gram(true, 0, 0, '{x1,x2,y}', y, x1,
                     CASE WHEN id = 2 THEN 'NaN' ELSE x2 END) FROM sf_t WHERE id <= 3$$);
SELECT pg_temp.try($$SELECT mlops.linear_merge(s) FROM
                     (SELECT pg_temp.evil_gram(true, 0, 0, NULL, y, x1, x2) AS s FROM sf_t
                      UNION ALL SELECT mlops.linear_state(ARRAY[x1, x2], y) FROM sf_t) v$$);
-- a Gram state's header and body mutated: refused on input (header), or
-- at the solve (its column order, which no row reads)
WITH g AS (SELECT pg_temp.evil_gram(true, 0, 0, NULL, y, x1, x2)::text AS s
           FROM sf_t WHERE id <= 100)
SELECT f.field, pg_temp.try(format('SELECT mlops.linear_final(%L::mlops.pass_state)',
                                   pg_temp.patch(s, f.at, f.hex)))
FROM g, (VALUES ('flags 0', 10, '0000'), ('dense 1', 20, '00000001'),
                   ('dense 5', 20, '00000005'), ('bufcap 0', 24, '00000000'),
                   ('nbuf = bufcap', 28, '00000400'), ('nbuf -1', 28, 'ffffffff'),
                   ('length', 56, '00000010'),
                   -- perm[0] (body double 5) = 1: the intercept not first
                   ('order', 64 + 5 * 8, '3ff0000000000000'),
                   -- perm[1] = 7: out of range
                   ('order range', 64 + 6 * 8, '401c000000000000')) f(field, at, hex);
-- two Gram states whose column orders differ (perm[1] and perm[2]
-- swapped in one, a valid order on its own) do not merge
WITH g AS (SELECT pg_temp.evil_gram(true, 0, 0, NULL, y, x1, x2)::text AS s
           FROM sf_t WHERE id <= 100)
SELECT pg_temp.try(format($$SELECT mlops.linear_merge(s) FROM (VALUES (%L::mlops.pass_state),
                                                         (%L::mlops.pass_state)) v(s)$$,
                          s, pg_temp.patch(pg_temp.patch(s, 64 + 6 * 8, '4000000000000000'),
                                           64 + 7 * 8, '3ff0000000000000')))
FROM g;
RESET ROLE;

-- revoked again: back to 42501, even for the aggregates it made
REVOKE EXECUTE ON FUNCTION :support_functions FROM regress_sf_granted;
SET ROLE regress_sf_granted;
SELECT pg_temp.try($$SELECT pg_temp.evil(x) FROM sf_plain$$);
SELECT pg_temp.try($$SELECT pg_temp.evil_accum(ARRAY[x1], y) FROM sf_t$$);
RESET ROLE;

SELECT mlops.drop_model('sf_par');
SELECT mlops.drop_model('sf_ser');
DROP OWNED BY regress_sf_user, regress_sf_trainer, regress_sf_granted;
DROP ROLE regress_sf_user;
DROP ROLE regress_sf_trainer;
DROP ROLE regress_sf_granted;
