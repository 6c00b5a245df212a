# test/t/006_deploy_churn.pl
#
# Deploy churn under load: pgbench clients score a model, each statement
# scoring every row of a table, while another pgbench client deploys and
# rolls the model back in a loop.  Version 1 predicts 1 and version 2
# predicts 2 for any input, so a statement whose rows got two different
# scores (rounded to 6 digits) was scored by two versions.  No predict may fail, and every
# statement must see exactly one version; over the run, statements must
# have seen both (the churn did happen while they ran).
#
# Scoring runs with prepared statements and with parallel plans allowed
# (workers are scarce with this many clients, so some statements run with
# workers and most without).
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

$ENV{OPENBLAS_NUM_THREADS} = 1;

my $clients = $ENV{MLOPS_CHURN_CLIENTS} // 32;
my $seconds = $ENV{MLOPS_CHURN_SECONDS} // 15;

my $node = PostgreSQL::Test::Cluster->new('churn');
$node->init;
$node->append_conf('postgresql.conf', qq{
max_connections = @{[ $clients + 20 ]}
max_worker_processes = 8
max_parallel_workers = 8
});
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION mlops;
	CREATE TABLE one AS SELECT g::float8 AS x, 1::float8 AS y FROM generate_series(1, 50) g;
	CREATE TABLE two AS SELECT g::float8 AS x, 2::float8 AS y FROM generate_series(1, 50) g;
	SELECT mlops.train('churn', 'one', 'y', test_size => 0, deploy => 'always');
	SELECT mlops.train('churn', 'two', 'y', test_size => 0, deploy => 'never');
	-- the rows every statement scores
	CREATE TABLE pts AS SELECT (g % 97)::float8 AS x FROM generate_series(1, 5000) g;
	ALTER TABLE pts SET (parallel_workers = 2);
	ANALYZE pts;
	-- one row per scoring statement: lowest and highest score, versions seen
	CREATE UNLOGGED TABLE seen (lo float8, hi float8, versions int);
});

is($node->safe_psql('postgres',
		q{SELECT round(mlops.predict('churn', ARRAY[7]::float8[])::numeric, 6) || ' '
		    || round(mlops.predict('churn@2', ARRAY[7]::float8[])::numeric, 6)}),
	'1.000000 2.000000', 'version 1 scores 1, version 2 scores 2');

my $dir = $node->basedir;
my $score_sql = "$dir/score.sql";
my $deploy_sql = "$dir/deploy.sql";

# One statement scores all of pts; a statement that saw two versions
# fails its transaction (division by zero), which pgbench reports.
append_to_file($score_sql, q{
SELECT count(DISTINCT p) AS versions, min(p) AS lo, max(p) AS hi
FROM (SELECT round(mlops.predict('churn', t)::numeric, 6) AS p FROM pts t) s \gset
INSERT INTO seen VALUES (:lo, :hi, :versions);
\if :versions != 1
SELECT 1 / 0 AS scored_by_two_versions;
\endif
});
# Each statement commits on its own, so scorers see every state.
append_to_file($deploy_sql, q{
SELECT mlops.deploy('churn', 2);
SELECT mlops.rollback('churn');
SELECT mlops.deploy('churn', 2);
SELECT mlops.deploy('churn', 1);
});

my @conn = ('-h', $node->host, '-p', $node->port, 'postgres');
my ($s_out, $s_err, $d_out, $d_err) = ('', '', '', '');
my $t0 = time;
my $scorers;
{
	# parallel plans allowed for the scoring statements
	local $ENV{PGOPTIONS} = '-c parallel_setup_cost=0 -c parallel_tuple_cost=0 '
	  . '-c min_parallel_table_scan_size=0 -c max_parallel_workers_per_gather=2';
	$scorers = IPC::Run::start(
		[
			'pgbench', '-n', '-c', $clients, '-j', 4, '-T', $seconds,
			'-M', 'prepared', '-f', $score_sql, @conn
		],
		'>', \$s_out, '2>', \$s_err);
}
my $deployer = IPC::Run::start(
	[ 'pgbench', '-n', '-c', 1, '-T', $seconds, '-f', $deploy_sql, @conn ],
	'>', \$d_out, '2>', \$d_err);
$scorers->finish;
$deployer->finish;
my $elapsed = time - $t0;
my $s_rc = $scorers->result(0);
my $d_rc = $deployer->result(0);
note "scorers:\n$s_out$s_err";
note "deployer:\n$d_out$d_err";

sub figure
{
	my ($out, $what) = @_;
	return $out =~ /^$what: (\d+)/m ? $1 : undef;
}

my $tx = figure($s_out, 'number of transactions actually processed');
my $failed = figure($s_out, 'number of failed transactions');
my $aborted = () = $s_err =~ /client \d+ aborted/g;
my $loops = figure($d_out, 'number of transactions actually processed');
my $d_failed = figure($d_out, 'number of failed transactions');

is($s_rc, 0, 'the scoring pgbench ran to the end') or diag($s_err);
is($aborted, 0, 'no scoring client aborted (a failed predict or a statement scored by two versions)');
is($failed, 0, 'no scoring transaction failed');
cmp_ok($tx // 0, '>', 0, 'scoring transactions ran');
is($d_rc, 0, 'the deploy loop ran to the end') or diag($d_err);
is($d_failed, 0, 'no deploy or rollback failed');
cmp_ok($loops // 0, '>', 0, 'the deploy loop ran');

my ($statements, $mixed, $v1, $v2, $rows) = split /\|/, $node->safe_psql('postgres', q{
	SELECT count(*), count(*) FILTER (WHERE versions <> 1 OR lo <> hi),
	       count(*) FILTER (WHERE lo = 1 AND hi = 1), count(*) FILTER (WHERE lo = 2 AND hi = 2),
	       (SELECT count(*) FROM pts)
	FROM seen});
is($mixed, 0, 'every statement was scored by exactly one version');
is($statements, $tx, 'every scoring statement was recorded');
cmp_ok($v1, '>', 0, 'statements were scored by version 1');
cmp_ok($v2, '>', 0, 'statements were scored by version 2');
is($v1 + $v2, $statements, 'and by no other version');

# the history is what the loop made: one train row, then 4 rows a loop
# (a loop cut short by the time limit still commits its first statements)
my $history = $node->safe_psql('postgres',
	"SELECT count(*) FROM mlops.deployments WHERE model = 'churn'");
cmp_ok($history, '>=', 1 + 4 * $loops, 'every deploy and rollback was recorded');
cmp_ok($history, '<', 1 + 4 * ($loops + 1), 'and nothing else');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM mlops.deployment d WHERE NOT EXISTS
		   (SELECT FROM mlops.model_version v WHERE (v.model_id, v.version) = (d.model_id, d.version))"),
	'0', 'every deployment row names an existing version');

my $workers = $node->safe_psql('postgres', q{
	SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
	EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
	SELECT count(DISTINCT p) FROM (SELECT mlops.predict('churn', t) AS p FROM pts t) s});
like($workers, qr/Workers Launched: [12]/, 'the scoring statement runs in parallel when workers are free');

diag(sprintf(
		"deploy churn: %d clients for %.0f s: %d scoring statements (%.0f/s, %d rows each, "
		  . "%d by v1, %d by v2), %d failed, %d aborted clients, %d statements by two versions; "
		  . "%d deploy loops (%d deploys and rollbacks, %.0f/s), %d failed",
		$clients, $elapsed, $tx, $tx / $elapsed, $rows, $v1, $v2, $failed, $aborted, $mixed,
		$loops, $history - 1, ($history - 1) / $elapsed, $d_failed));

$node->stop;
done_testing();
