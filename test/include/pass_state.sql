-- test/include/pass_state.sql: shared by the regress suites (\i), not a test itself.

-- The text form of an mlops.pass_state (hex of its wire format, see
-- src/pass_state.c): header fields at byte offsets magic 0, format 4,
-- algorithm 6, pass 8, flags 10, nfeat 12, dims 16/20/24/28 (linear: ncol,
-- bufcap, nbuf, 0), nrows 32, nskipped 40, nheld 48, the body's length in
-- doubles 56, the doubles sent 60; then the doubles sent, body (hex).
CREATE FUNCTION pg_temp.pass_state(algorithm int, pass int, flags int,
                                   nfeat int, dims int[], nrows bigint,
                                   nskipped bigint, nheld bigint,
                                   ndoubles bigint, body text DEFAULT '')
RETURNS text LANGUAGE sql AS $$
    SELECT '4d4c5053' || '0001' || lpad(to_hex(algorithm), 4, '0')
           || lpad(to_hex(pass), 4, '0') || lpad(to_hex(flags), 4, '0')
           || lpad(to_hex(nfeat), 8, '0')
           || (SELECT string_agg(lpad(to_hex(d), 8, '0'), '' ORDER BY i)
               FROM unnest(dims) WITH ORDINALITY u(d, i))
           || lpad(to_hex(nrows), 16, '0') || lpad(to_hex(nskipped), 16, '0')
           || lpad(to_hex(nheld), 16, '0')
           || lpad(to_hex(ndoubles), 8, '0') || lpad(to_hex(length(body) / 16), 8, '0')
           || body
$$;

-- a linear state (algorithm 1, pass 1) of nfeat features, intercept or
-- not, nbuf buffered rows, its buffer bufcap rows (520 for up to 61
-- columns), the doubles sent
CREATE FUNCTION pg_temp.linear_state(intercept boolean, nfeat int, nbuf int,
                                     nrows bigint, body text DEFAULT '',
                                     bufcap int DEFAULT 520,
                                     nskipped bigint DEFAULT 0)
RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.pass_state(1, 1, intercept::int, nfeat,
                              ARRAY[nfeat + intercept::int + 1, bufcap, nbuf, 0],
                              nrows, nskipped, 0,
                              (nfeat + intercept::int + 1)::bigint
                              * (nfeat + intercept::int + 1 + bufcap), body)
$$;

-- s with the bytes at offset "at" of its wire format replaced by "hex"
CREATE FUNCTION pg_temp.patch(s text, at int, hex text) RETURNS text
LANGUAGE sql AS $$ SELECT overlay(s PLACING hex FROM 2 * at + 1 FOR length(hex)) $$;
