-- The typed-features table of make bench (bench/bench.sh): :rows rows
-- (default 1,000,000), 5 text columns of 10 to 50 categories, 2 dates, 13
-- numbers and a target, all from a hash of the row number (the same table
-- every run).  psql -v rows=N -f bench/typed_table.sql
\if :{?rows}
\else
\set rows 1000000
\endif
SET client_min_messages = warning;
DROP TABLE IF EXISTS typed;
RESET client_min_messages;
CREATE TABLE typed AS
SELECT 't' || (abs(hashint8(i * 32 + 1)) % 10) AS t1, 't' || (abs(hashint8(i * 32 + 2)) % 20) AS t2,
       't' || (abs(hashint8(i * 32 + 3)) % 30) AS t3, 't' || (abs(hashint8(i * 32 + 4)) % 40) AS t4,
       't' || (abs(hashint8(i * 32 + 5)) % 50) AS t5,
       date '2020-01-01' + (abs(hashint8(i * 32 + 6)) % 1500)::int AS d1,
       date '2022-01-01' + (abs(hashint8(i * 32 + 7)) % 700)::int AS d2,
       hashint8(i * 32 + 8)::float8 / 2147483648.0 AS n1, hashint8(i * 32 + 9)::float8 / 2147483648.0 AS n2,
       hashint8(i * 32 + 10)::float8 / 2147483648.0 AS n3, hashint8(i * 32 + 11)::float8 / 2147483648.0 AS n4,
       hashint8(i * 32 + 12)::float8 / 2147483648.0 AS n5, hashint8(i * 32 + 13)::float8 / 2147483648.0 AS n6,
       hashint8(i * 32 + 14)::float8 / 2147483648.0 AS n7, hashint8(i * 32 + 15)::float8 / 2147483648.0 AS n8,
       hashint8(i * 32 + 16)::float8 / 2147483648.0 AS n9, hashint8(i * 32 + 17)::float8 / 2147483648.0 AS n10,
       hashint8(i * 32 + 18)::float8 / 2147483648.0 AS n11, hashint8(i * 32 + 19)::float8 / 2147483648.0 AS n12,
       hashint8(i * 32 + 20)::float8 / 2147483648.0 AS n13,
       hashint8(i * 32 + 21)::float8 / 2147483648.0 AS y
FROM generate_series(1, :rows) i;
VACUUM (FREEZE, ANALYZE) typed;
