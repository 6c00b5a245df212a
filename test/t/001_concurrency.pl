# test/t/001_concurrency.pl
#
# What pg_regress cannot do: several sessions on the same model (deploys,
# rollbacks and trains serialised by the model's row lock), a deploy
# committed while another session's statement is scoring (in parallel),
# cancel during training, and a restart of the cluster.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);

$ENV{OPENBLAS_NUM_THREADS} = 1;

my $node = PostgreSQL::Test::Cluster->new('concurrency');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION mlops;
	-- v1 scores 1 everywhere, v2 scores 2: the output names the version
	CREATE TABLE one AS SELECT g::float8 AS x, 1::float8 AS y FROM generate_series(1, 50) g;
	CREATE TABLE two AS SELECT g::float8 AS x, 2::float8 AS y FROM generate_series(1, 50) g;
	SELECT mlops.train('cm', 'one', 'y', test_size => 0);
	SELECT mlops.train('cm', 'two', 'y', test_size => 0, deploy => 'never');
	CREATE VIEW endless AS
	SELECT g::float8 AS x, (g % 7)::float8 AS y FROM generate_series(1, 1000000000) g;
});

sub scalar_query
{
	my ($sql) = @_;
	return $node->safe_psql('postgres', $sql);
}

sub history
{
	my ($model) = @_;
	return scalar_query(
		"SELECT string_agg(d.version || ':' || d.reason, ' ' ORDER BY d.deployment_id)
		 FROM mlops.deployment d JOIN mlops.model m USING (model_id)
		 WHERE m.name = '$model'");
}

# Wait until the backend running a statement that matches $pattern waits
# on $event (a wait_event_type or wait_event), or runs when $event is
# undef; returns its pid.
sub wait_for_backend
{
	my ($pattern, $event) = @_;
	my $cond = "query LIKE '$pattern' AND pid <> pg_backend_pid()
		AND state = 'active'";
	$cond .= " AND '$event' IN (wait_event_type, wait_event)" if defined $event;
	$node->poll_query_until('postgres',
		"SELECT count(*) > 0 FROM pg_stat_activity WHERE $cond")
	  or die "timed out waiting for a backend running $pattern";
	return scalar_query("SELECT pid FROM pg_stat_activity WHERE $cond LIMIT 1");
}

is(scalar_query("SELECT mlops.predict('cm', ARRAY[7]::float8[])::numeric(3,1)"),
	'1.0', 'v1 is live and scores 1');
is(scalar_query(q{SELECT mlops.predict('cm@2', ARRAY[7]::float8[])::numeric(3,1)}),
	'2.0', 'v2 scores 2');

# --- 1. a rollback waits for a concurrent deploy and then sees it
{
	my $s1 = $node->background_psql('postgres');
	my $s2 = $node->background_psql('postgres');

	$s1->query_safe('BEGIN');
	is($s1->query_safe("SELECT mlops.deploy('cm', 2)"), '2', 'session 1 deploys v2');
	$s2->query_until(qr/sent/, "\\echo sent\nSELECT mlops.rollback('cm');\n");
	wait_for_backend('%mlops.rollback%', 'Lock');
	pass('session 2 rollback waits for session 1');
	$s1->query_safe('COMMIT');
	my $out = $s2->query_safe("SELECT 'after'");
	is($out, "1\nafter", 'rollback went back from v2 to v1 once the deploy committed');
	is(history('cm'), '1:train 2:deploy 1:rollback', 'history is in commit order');

	# two deploys: the second waits, then wins
	$s1->query_safe('BEGIN');
	$s1->query_safe("SELECT mlops.deploy('cm', 2)");
	$s2->query_until(qr/sent/, "\\echo sent\nSELECT mlops.deploy('cm', 1);\n");
	wait_for_backend('%mlops.deploy%', 'Lock');
	$s1->query_safe('COMMIT');
	is($s2->query_safe("SELECT 'after'"), "1\nafter", 'second deploy completed');
	is(history('cm'), '1:train 2:deploy 1:rollback 2:deploy 1:deploy',
		'both deploys recorded in order');

	# a deploy that waits for a rollback that rolls back
	$s1->query_safe('BEGIN');
	$s1->query_safe("SELECT mlops.rollback('cm')");
	$s2->query_until(qr/sent/, "\\echo sent\nSELECT mlops.rollback('cm');\n");
	wait_for_backend('%mlops.rollback%', 'Lock');
	$s1->query_safe('ROLLBACK');
	is($s2->query_safe("SELECT 'after'"), "2\nafter",
		'rollback after an aborted rollback sees the unchanged history');

	# two trains of the same model get consecutive version numbers
	$s1->query_safe('BEGIN');
	is($s1->query_safe(
			"SELECT version FROM mlops.train('cm', 'one', 'y', test_size => 0, deploy => 'never')"),
		'3', 'session 1 trains v3');
	$s2->query_until(qr/sent/,
		"\\echo sent\nSELECT version FROM mlops.train('cm', 'two', 'y', test_size => 0, deploy => 'never');\n");
	wait_for_backend('%mlops.train%', 'Lock');
	$s1->query_safe('COMMIT');
	is($s2->query_safe("SELECT 'after'"), "4\nafter", 'session 2 trains v4 after waiting');

	$s1->quit;
	$s2->quit;
}
$node->safe_psql('postgres', "SELECT mlops.deploy('cm', 1)");

# --- 2. a deploy committed mid-statement: the running (parallel) statement
# keeps the version it started with, the next statement sees the new one.
# Each row sleeps before it is scored, so the deploy commits before the
# leader or any worker first calls predict: only the statement's snapshot
# says v1.
$node->safe_psql('postgres', q{
	CREATE FUNCTION slow(x float8) RETURNS float8
		LANGUAGE sql VOLATILE PARALLEL SAFE
		AS 'SELECT pg_sleep(0.3); SELECT x';
	CREATE TABLE rows12 AS SELECT g::float8 AS x FROM generate_series(1, 12) g;
	ALTER TABLE rows12 SET (parallel_workers = 2);
	ANALYZE rows12;
});
my $par = q{SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;};
my $scoring = "SELECT string_agg(DISTINCT round(mlops.predict('cm', ARRAY[slow(x)])::numeric, 6)::text, ',') FROM rows12";
like($node->safe_psql('postgres', "$par EXPLAIN (COSTS OFF) $scoring"),
	qr/Gather/, 'the scoring statement has a parallel plan');
{
	my $s = $node->background_psql('postgres');
	$s->query_safe($par);
	$s->query_until(qr/sent/, "\\echo sent\n$scoring;\n");
	wait_for_backend('%slow(x)%', 'PgSleep');
	$node->safe_psql('postgres', "SELECT mlops.deploy('cm', 2)");
	my $out = $s->query_safe("SELECT 'after'");
	is($out, "1.000000\nafter", 'the running statement scored every row with v1');
	is($s->query_safe("SELECT round(mlops.predict('cm', ARRAY[7]::float8[])::numeric, 6)"),
		'2.000000', 'the next statement scores with v2');
	is($s->query_safe("$scoring"), '2.000000', 'and so does the next parallel statement');
	$s->quit;
}
like($node->safe_psql('postgres',
		"$par EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
		 SELECT sum(mlops.predict('cm', r)) FROM rows12 r"),
	qr/Workers Launched: [12]/, 'parallel scoring launches workers');

# --- 3. cancel during training stores nothing
{
	my $before = scalar_query(
		"SELECT count(*) FROM mlops.versions WHERE model IN ('cm', 'cm_cancel')");
	my $s = $node->background_psql('postgres', on_error_stop => 0);
	$s->query_until(qr/sent/,
		"\\echo sent\nSELECT * FROM mlops.train('cm', 'endless', 'y');\n");
	my $pid = wait_for_backend('%mlops.train%');
	# ... and for the training query itself, which SPI runs (not reported
	# in pg_stat_activity), to be under way
	sleep(0.3);
	my $t0 = time;
	$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
	my ($out, $ret) = $s->query("SELECT 'after'");
	my $elapsed = time - $t0;
	like($s->{stderr}, qr/canceling statement due to user request/,
		'training was cancelled');
	cmp_ok($elapsed, '<', 5, 'cancel took effect promptly');
	$s->query_until(qr/sent2/, "\\echo sent2\nSELECT * FROM mlops.train('cm_cancel', 'endless', 'y');\n");
	$pid = wait_for_backend('%cm_cancel%');
	sleep(0.3);
	$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
	$s->{stderr} = '';
	$s->query("SELECT 'after'");
	like($s->{stderr}, qr/canceling statement due to user request/,
		'training a new model was cancelled');
	is(scalar_query(
			"SELECT count(*) FROM mlops.versions WHERE model IN ('cm', 'cm_cancel')"),
		$before, 'no version was stored');
	is(scalar_query("SELECT count(*) FROM mlops.model WHERE name = 'cm_cancel'"),
		'0', 'no model row was created');
	$s->quit;
}

# --- 4. models survive a restart and score the same
my $scores = q{
	SELECT string_agg(v || '=' || mlops.predict('cm@' || v, ARRAY[3.5]::float8[]), ' ' ORDER BY v)
	FROM generate_series(1, 4) v};
my $before_scores = scalar_query($scores);
my $before_live = scalar_query("SELECT deployed_version FROM mlops.models WHERE model = 'cm'");
my $before_history = history('cm');
$node->restart;
is(scalar_query($scores), $before_scores, 'every version scores the same after a restart');
is(scalar_query("SELECT deployed_version FROM mlops.models WHERE model = 'cm'"),
	$before_live, 'the live version is unchanged');
is(history('cm'), $before_history, 'the deployment history is unchanged');
is(scalar_query("SELECT mlops.rollback('cm')"), '1', 'rollback still works after a restart');

# an immediate shutdown (crash) in the middle of training leaves no version
{
	my $before = scalar_query("SELECT count(*) FROM mlops.versions WHERE model = 'cm'");
	my $s = $node->background_psql('postgres', on_error_stop => 0);
	$s->query_until(qr/sent/,
		"\\echo sent\nSELECT * FROM mlops.train('cm', 'endless', 'y');\n");
	wait_for_backend('%mlops.train%');
	sleep(0.3);
	$node->stop('immediate');
	# psql lost its server: reap it without talking to it
	$s->{run}->kill_kill;
	$node->start;
	is(scalar_query("SELECT count(*) FROM mlops.versions WHERE model = 'cm'"),
		$before, 'no half-written version after crash recovery');
	is(scalar_query("SELECT round(mlops.predict('cm', ARRAY[7]::float8[])::numeric, 6)"), '1.000000',
		'the live version scores after crash recovery');
}

$node->stop;
done_testing();
