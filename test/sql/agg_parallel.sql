--
-- agg_parallel: the exported linear aggregates (linear_state, linear_merge,
-- linear_final), their text and binary forms, two-phase merging, and
-- parallel plans for training and scoring.
--

\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql

-- largest absolute difference between two coefficient arrays
CREATE FUNCTION pg_temp.maxdiff(a float8[], b float8[]) RETURNS float8
LANGUAGE sql AS $$
    SELECT CASE WHEN cardinality(a) = cardinality(b)
                THEN (SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y))
           END
$$;

SELECT setseed(0.42);
CREATE TABLE agg_t AS
SELECT i AS id, random() AS x1, random() AS x2, random() AS x3,
       random() AS x4, random() AS x5
FROM generate_series(1, 100000) i;
ALTER TABLE agg_t ADD COLUMN y float8;
UPDATE agg_t SET y = 3 + x1 - 2 * x2 + 0.5 * x3 + 4 * x4 - x5
                     + 0.1 * (random() - 0.5);
VACUUM ANALYZE agg_t;

-- serial reference fit
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
SELECT mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y))
FROM agg_t;
CREATE TEMP TABLE agg_ref AS
SELECT mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y)) AS c,
       mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y, false)) AS c0
FROM agg_t;
SELECT array_length(c, 1) AS nparams,
       array(SELECT round(v::numeric, 2) FROM unnest(c) v) AS coef,
       array_length(c0, 1) AS nparams_no_intercept
FROM agg_ref;

-- forced parallel plan: Gather over Partial Aggregate, Finalize above it
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y))
FROM agg_t;
EXPLAIN (COSTS OFF)
SELECT mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y, false) FROM agg_t;

-- parallel equals serial
SELECT pg_temp.maxdiff(
         mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y)),
         (SELECT c FROM agg_ref)) < 1e-10 AS parallel_matches_serial
FROM agg_t;
SELECT pg_temp.maxdiff(
         mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y, false)),
         (SELECT c0 FROM agg_ref)) < 1e-10 AS parallel_no_intercept_matches
FROM agg_t;
-- the 3-argument form with fit_intercept true is the 2-argument form
SELECT pg_temp.maxdiff(
         mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y, true)),
         (SELECT c FROM agg_ref)) < 1e-10 AS explicit_intercept_matches
FROM agg_t;

-- the state survives its text form exactly, and keeps its state on merge
CREATE TEMP TABLE agg_states AS
SELECT mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y) AS s FROM agg_t;
SELECT pg_temp.maxdiff(mlops.linear_final(s::text::mlops.pass_state),
                       (SELECT c FROM agg_ref)) < 1e-10 AS text_roundtrip_ok,
       s::text = s::text::mlops.pass_state::text AS text_stable
FROM agg_states;

-- and its binary form, through COPY (FORMAT binary) to a file and back
\copy agg_states TO 'results/agg_parallel_state.bin' WITH (FORMAT binary)
CREATE TEMP TABLE agg_states_in (s mlops.pass_state);
\copy agg_states_in FROM 'results/agg_parallel_state.bin' WITH (FORMAT binary)
SELECT pg_temp.maxdiff(mlops.linear_final(s), (SELECT c FROM agg_ref)) < 1e-10
       AS binary_roundtrip_ok,
       s::text = (SELECT s::text FROM agg_states) AS binary_exact
FROM agg_states_in;

-- two-phase by hand: the merge of two halves is the fit of the whole
SELECT pg_temp.maxdiff(mlops.linear_final(mlops.linear_merge(s)),
                       (SELECT c FROM agg_ref)) < 1e-10 AS halves_merge_ok
FROM (SELECT mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y) AS s
      FROM agg_t WHERE id <= 50000
      UNION ALL
      SELECT mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y)
      FROM agg_t WHERE id > 50000) halves;
-- the same with states that went through text (as a coordinator ships them)
SELECT pg_temp.maxdiff(mlops.linear_final(mlops.linear_merge(s::text::mlops.pass_state)),
                       (SELECT c FROM agg_ref)) < 1e-10 AS shards_merge_ok
FROM (SELECT mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y) AS s
      FROM agg_t GROUP BY id % 7) shards;
-- states stored in a table (100 shards) merge in a parallel plan too
CREATE TABLE agg_shards AS
SELECT id % 100 AS shard, mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y) AS s
FROM agg_t GROUP BY id % 100;
-- the states are toasted, so the heap is small: ask for two workers
ALTER TABLE agg_shards SET (parallel_workers = 2);
VACUUM ANALYZE agg_shards;
EXPLAIN (COSTS OFF)
SELECT mlops.linear_final(mlops.linear_merge(s)) FROM agg_shards;
SELECT pg_temp.maxdiff(mlops.linear_final(mlops.linear_merge(s)),
                       (SELECT c FROM agg_ref)) < 1e-10 AS parallel_merge_ok
FROM agg_shards;
DROP TABLE agg_shards;
-- uneven shards, one of them empty (a NULL state)
SELECT pg_temp.maxdiff(mlops.linear_final(mlops.linear_merge(s)),
                       (SELECT c FROM agg_ref)) < 1e-10 AS uneven_merge_ok
FROM (SELECT mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y) AS s
      FROM agg_t WHERE id <= 7
      UNION ALL
      SELECT mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y)
      FROM agg_t WHERE id > 7
      UNION ALL
      SELECT mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y)
      FROM agg_t WHERE false) shards;

-- empty input: the state and the coefficients are NULL
SELECT mlops.linear_state(ARRAY[x1], y) IS NULL AS empty_state_null,
       mlops.linear_final(mlops.linear_state(ARRAY[x1], y)) IS NULL AS empty_final_null
FROM agg_t WHERE false;
SELECT mlops.linear_merge(s) IS NULL AS empty_merge_null
FROM agg_states WHERE false;
SELECT mlops.linear_final(NULL) IS NULL AS final_of_null;

-- rows with a NULL target, a NULL array or a NULL element are skipped
SELECT pg_temp.maxdiff(
         mlops.linear_final(mlops.linear_state(f, t)),
         (SELECT mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y))
          FROM agg_t WHERE id <= 100)) < 1e-10 AS nulls_skipped
FROM (SELECT ARRAY[x1, x2, x3, x4, x5] AS f, y AS t FROM agg_t WHERE id <= 100
      UNION ALL VALUES (ARRAY[1, 2, 3, 4, 5]::float8[], NULL::float8),
                       (NULL, 1),
                       (ARRAY[1, NULL, 3, 4, 5], 1)) rows;
-- only NULL rows: a state that says so, and no fit
SELECT pg_temp.try($$
  SELECT mlops.linear_final(mlops.linear_state(f, t))
  FROM (VALUES (ARRAY[1, NULL]::float8[], 1::float8), (NULL, 2)) v(f, t)$$);

-- bad rows
SELECT pg_temp.try($$
  SELECT mlops.linear_state(f, t)
  FROM (VALUES (ARRAY[1, 2]::float8[], 1::float8), (ARRAY[1, 2, 3], 2)) v(f, t)$$);
SELECT pg_temp.try($$
  SELECT mlops.linear_state(f, t)
  FROM (VALUES (ARRAY[1, 2]::float8[], 1::float8), (ARRAY[1, 'NaN']::float8[], 2)) v(f, t)$$);
SELECT pg_temp.try($$
  SELECT mlops.linear_state(f, t)
  FROM (VALUES (ARRAY[1, '-Infinity']::float8[], 1::float8)) v(f, t)$$);
SELECT pg_temp.try($$
  SELECT mlops.linear_state(f, t)
  FROM (VALUES (ARRAY[1, 2]::float8[], 'Infinity'::float8)) v(f, t)$$);
SELECT pg_temp.try($$
  SELECT mlops.linear_state(ARRAY[[1, 2], [3, 4]]::float8[], 1)$$);
SELECT pg_temp.try($$
  SELECT mlops.linear_state('{}'::float8[], 1)$$);
SELECT pg_temp.try($$
  SELECT mlops.linear_state(array_fill(1::float8, ARRAY[1601]), 1)$$);
-- merging states that do not fit together
SELECT pg_temp.try($$
  SELECT mlops.linear_merge(s ORDER BY n) FROM (
    SELECT 1, mlops.linear_state(ARRAY[x1, x2], y) FROM agg_t WHERE id <= 10
    UNION ALL
    SELECT 2, mlops.linear_state(ARRAY[x1, x2, x3], y) FROM agg_t WHERE id <= 10) v(n, s)$$);
SELECT pg_temp.try($$
  SELECT mlops.linear_merge(s ORDER BY n) FROM (
    SELECT 1, mlops.linear_state(ARRAY[x1, x2], y) FROM agg_t WHERE id <= 10
    UNION ALL
    SELECT 2, mlops.linear_state(ARRAY[x1, x2], y, false) FROM agg_t WHERE id <= 10) v(n, s)$$);
-- the aggregates' support functions called directly, and the evaluation
-- pass with bad options: a SQLSTATE of their own, never XX000
SELECT pg_temp.try($$SELECT mlops._linear_accum(NULL, ARRAY[1]::float8[], 1)$$);
SELECT pg_temp.try($$SELECT mlops._linear_combine(NULL, NULL)$$);
SELECT pg_temp.try($$
  SELECT mlops._linear_eval_accum(NULL, ARRAY[1, 0]::float8[], false, 0, 0, true,
                                  1::float8, 1::float8)$$);
SELECT pg_temp.try($$SELECT mlops._linear_eval_combine(NULL, NULL)$$);
SELECT pg_temp.try($$
  SELECT mlops._linear_eval_state(ARRAY[1, 0]::float8[], false, NULL, 0, true,
                                  1::float8, 1::float8)$$);
SELECT pg_temp.try($$
  SELECT mlops._linear_eval_state(ARRAY[1]::float8[], false, 0, 0, true,
                                  1::float8, 1::float8)$$);
SELECT pg_temp.try($$
  SELECT mlops._linear_eval_state(CASE WHEN g = 1 THEN ARRAY[1, 0]
                                       ELSE ARRAY[1, 2, 0, 0] END::float8[],
                                  false, 0, 0, true, g::float8, 1::float8)
  FROM generate_series(1, 2) g$$);

-- linear_final: ridge shrinks, bad alpha is refused, too few rows
SELECT (SELECT sum(v * v) FROM unnest(mlops.linear_final(s, 1000)) v)
       < (SELECT sum(v * v) FROM unnest(mlops.linear_final(s)) v) AS ridge_shrinks,
       pg_temp.maxdiff(mlops.linear_final(s, 0), (SELECT c FROM agg_ref)) < 1e-10
       AS alpha_zero_is_ols
FROM agg_states;
SELECT pg_temp.try($$SELECT mlops.linear_final(s, -1) FROM agg_states$$);
SELECT pg_temp.try($$SELECT mlops.linear_final(s, 'NaN') FROM agg_states$$);
SELECT pg_temp.try($$SELECT mlops.linear_final(s, 'Infinity') FROM agg_states$$);
SELECT pg_temp.try($$
  SELECT mlops.linear_final(mlops.linear_state(ARRAY[x1, x2, x3, x4, x5], y))
  FROM agg_t WHERE id <= 3$$);

-- mlops.train on the same table: its internal aggregate runs in parallel
-- and gives the coefficients of linear_final
SELECT model, version, algorithm, deployed,
       (metrics->>'n_train')::int AS n_train,
       (metrics->>'rows_skipped')::int AS rows_skipped
FROM mlops.train('agg_m', 'agg_t', 'y', features => '{x1,x2,x3,x4,x5}',
                 test_size => 0);
SELECT pg_temp.maxdiff(array_agg(estimate ORDER BY ord),
                       (SELECT c FROM agg_ref)) < 1e-10 AS train_matches_aggregate
FROM mlops.coefficients('agg_m') WITH ORDINALITY AS c(term, estimate, se, t, p, ord);

-- parallel scoring, row form and array form
EXPLAIN (COSTS OFF)
SELECT sum(mlops.predict('agg_m', t)) FROM agg_t t;
EXPLAIN (COSTS OFF)
SELECT sum(mlops.predict('agg_m', ARRAY[x1, x2, x3, x4, x5])) FROM agg_t;
CREATE TEMP TABLE agg_par AS
SELECT sum(mlops.predict('agg_m', t)) AS row_sum,
       sum(mlops.predict('agg_m', ARRAY[x1, x2, x3, x4, x5])) AS array_sum,
       sum(mlops.predict('agg_m@1', t)) AS pinned_sum,
       count(*) AS n
FROM agg_t t;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
SELECT sum(mlops.predict('agg_m', t)) FROM agg_t t;
SELECT abs(p.row_sum - s.row_sum) < 1e-9 * abs(s.row_sum) AS row_form_ok,
       abs(p.array_sum - s.row_sum) < 1e-9 * abs(s.row_sum) AS array_form_ok,
       abs(p.pinned_sum - s.row_sum) < 1e-9 * abs(s.row_sum) AS pinned_ok,
       p.n, round(s.row_sum::numeric / p.n, 3) AS mean_prediction
FROM agg_par p,
     (SELECT sum(mlops.predict('agg_m', t)) AS row_sum FROM agg_t t) s;
RESET max_parallel_workers_per_gather;

SELECT mlops.drop_model('agg_m');
DROP TABLE agg_t;
