# test/t/009_blas_loading.pl
#
# OpenBLAS is loaded only by a backend that trains, and leaves it with one
# thread.  Every parallel worker loads the libraries its leader has loaded,
# so a scoring session must not hold OpenBLAS, and OpenBLAS's thread pool
# (started when the library loads, unless OPENBLAS_NUM_THREADS=1 is in the
# server's environment, which this test removes) must be gone again once
# training has loaded it.  Linux only: it reads /proc.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

plan skip_all => 'needs /proc/<pid>/task and /proc/<pid>/maps'
  unless -d '/proc/self/task' && -r '/proc/self/maps';

delete $ENV{OPENBLAS_NUM_THREADS};

my $node = PostgreSQL::Test::Cluster->new('blas');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION mlops;
	CREATE TABLE t AS
	SELECT g::float8 AS x1, (g % 7)::float8 AS x2, (2 * g + g % 7)::float8 AS y
	FROM generate_series(1, 200) g;
	ALTER TABLE t SET (parallel_workers = 2);
	SELECT count(*) FROM mlops.train('m', 't', 'y', 'linear', test_size => 0);
});

# what the session's backend holds: OpenBLAS mapped?, its thread count
my $probe = q{
	SELECT pg_read_file(format('/proc/%s/maps', pg_backend_pid())) ~ 'libopenblas',
	       (SELECT count(*) FROM pg_ls_dir(format('/proc/%s/task', pg_backend_pid())))
};

is( $node->safe_psql('postgres',
		"SELECT round(mlops.predict('m', ARRAY[10, 3]::float8[]))::int; $probe"),
	"23\nf|1",
	'scoring does not load OpenBLAS');

is( $node->safe_psql('postgres',
		"SELECT round(mlops.predict('m', t))::int FROM t WHERE x1 = 10; $probe"),
	"23\nf|1",
	'scoring a row does not load OpenBLAS');

is( $node->safe_psql('postgres',
		"SELECT version FROM mlops.train('m', 't', 'y', 'linear', test_size => 0); $probe"),
	"2\nt|1",
	'training loads OpenBLAS and leaves the backend with one thread');

is( $node->safe_psql('postgres', q{
	SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
	SELECT round(sum(mlops.predict('m', t)))::int FROM t;
	SELECT version FROM mlops.train('m', 't', 'y', 'linear', test_size => 0);
	SELECT round(sum(mlops.predict('m', t)))::int FROM t;
}),
	"40798\n3\n40798",
	'parallel scoring and training give the serial answers');

$node->stop;
done_testing();
