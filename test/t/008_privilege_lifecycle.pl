# test/t/008_privilege_lifecycle.pl
#
# Privileges over time and across clusters, which pg_regress cannot show:
# a revoke or drop committed while the victim is inside a REPEATABLE READ
# or SERIALIZABLE transaction takes effect at its next statement; a
# hidden model is never locked by a role that cannot see it; roles dump
# and restore by name into a cluster whose roles have other OIDs, follow a
# rename and die with DROP ROLE.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

$ENV{OPENBLAS_NUM_THREADS} = 1;

my $node = PostgreSQL::Test::Cluster->new('lifecycle');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION mlops;
	CREATE ROLE team_a LOGIN IN ROLE mlops_trainer;
	CREATE ROLE team_b LOGIN IN ROLE mlops_trainer;
	CREATE ROLE ann LOGIN;
	CREATE ROLE carl LOGIN;
	CREATE TABLE sales AS
	SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
	       1 + 2 * (g % 17) + 3 * (g % 5) + 0.001 * (g % 7) AS y
	FROM generate_series(1, 2000) g;
	GRANT SELECT ON sales TO team_a, team_b;
});
$node->safe_psql('postgres', q{
	SET ROLE team_a;
	SELECT count(*) FROM mlops.train('a_m', 'sales', 'y', features => '{x1,x2}');
	SELECT mlops.grant('a_m', 'predict', 'ann');
	SELECT mlops.grant('a_m', 'predict', 'carl');
});

my $score = "SELECT round(mlops.predict('a_m', ARRAY[1, 2]::float8[])::numeric, 3)";

# --- a revoke and a drop reach a transaction that began before them
foreach my $iso ('REPEATABLE READ', 'SERIALIZABLE')
{
	my $s = $node->background_psql('postgres', on_error_stop => 0,
		extra_params => [ '-U', 'ann' ]);
	$s->query_safe("BEGIN ISOLATION LEVEL $iso");
	is($s->query_safe($score), '9.003', "$iso: ann scores inside her transaction");
	$node->safe_psql('postgres',
		"SET ROLE team_a; SELECT mlops.revoke('a_m', 'predict', 'ann')");
	my $out = $s->query("$score");
	like($s->{stderr}, qr/model "a_m" does not exist/,
		"$iso: the revoke is seen by her next statement");
	$s->query('ROLLBACK');
	$s->quit;
	$node->safe_psql('postgres',
		"SET ROLE team_a; SELECT mlops.grant('a_m', 'predict', 'ann')");
}

# a deploy is not a privilege change: inside REPEATABLE READ the version of
# the transaction's snapshot stays, and a new transaction sees the new one
{
	my $s = $node->background_psql('postgres', extra_params => [ '-U', 'ann' ]);
	$s->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
	is($s->query_safe("SELECT version FROM mlops.versions WHERE deployed AND model = 'a_m'"),
		'1', 'deployed version 1 at the start of the transaction');
	$node->safe_psql('postgres', q{
		SET ROLE team_a;
		SELECT count(*) FROM mlops.train('a_m', 'sales', 'y', features => '{x1}',
		                                 deploy => 'always')});
	is($s->query_safe("SELECT round(mlops.predict('a_m', ARRAY[1, 2]::float8[])::numeric, 3)"),
		'9.003', 'the transaction keeps scoring with the version of its snapshot');
	$s->query_safe('COMMIT');
	my $v2 = $s->query_safe("SELECT round(mlops.predict('a_m', ARRAY[1]::float8[])::numeric, 1)");
	ok(defined $v2 && $v2 ne '', 'the next transaction scores with version 2 (one feature)');
	$s->quit;
	$node->safe_psql('postgres', "SET ROLE team_a; SELECT mlops.rollback('a_m')");
}

# drop_model inside the victim's REPEATABLE READ transaction
$node->safe_psql('postgres', q{
	SET ROLE team_a;
	SELECT count(*) FROM mlops.train('a_tmp', 'sales', 'y', features => '{x1,x2}');
	SELECT mlops.grant('a_tmp', 'predict', 'ann');
});
{
	my $s = $node->background_psql('postgres', on_error_stop => 0,
		extra_params => [ '-U', 'ann' ]);
	$s->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
	$s->query_safe("SELECT mlops.predict('a_tmp', ARRAY[1, 2]::float8[])");
	$node->safe_psql('postgres', "SET ROLE team_a; SELECT mlops.drop_model('a_tmp')");
	$s->query("SELECT mlops.predict('a_tmp', ARRAY[1, 2]::float8[])");
	like($s->{stderr}, qr/model "a_tmp" does not exist/,
		'a drop is seen by the next statement inside REPEATABLE READ');
	$s->query('ROLLBACK');
	$s->quit;
}

# --- a hidden model is never locked by a role that cannot see it
{
	my $owner = $node->background_psql('postgres', extra_params => [ '-U', 'team_a' ]);
	$owner->query_safe('BEGIN');
	$owner->query_safe("SELECT mlops.deploy('a_m', 1)");
	my $t0 = time;
	my ($rc, $out, $err) = $node->psql('postgres',
		"SET lock_timeout = '3s'; SELECT mlops.deploy('a_m', 1)",
		extra_params => [ '-U', 'team_b', '-v', 'VERBOSITY=verbose' ]);
	my $waited = time - $t0;
	like($err, qr/42704: model "a_m" does not exist/,
		'deploy of a hidden model is 42704 ...');
	unlike($err, qr/lock|tuple/, '... with no lock wait or tuple position in the error');
	cmp_ok($waited, '<', 2.5, '... at once, although its owner holds the row lock');
	($rc, $out, $err) = $node->psql('postgres',
		"SET lock_timeout = '3s'; SELECT mlops.grant('a_m', 'predict', 'team_b')",
		extra_params => [ '-U', 'team_b' ]);
	like($err, qr/model "a_m" does not exist/, 'so is grant');
	($rc, $out, $err) = $node->psql('postgres',
		"SET lock_timeout = '500ms'; SELECT mlops.deploy('a_m', 1)",
		extra_params => [ '-U', 'ann' ]);
	like($err, qr/permission denied for model "a_m": deploy privilege required/,
		'a role that sees the model but lacks deploy is refused before the lock too');
	$owner->query_safe('COMMIT');
	$owner->quit;
}

# --- roles by name: rename, drop and recreate, dump and restore
$node->safe_psql('postgres', q{
	CREATE ROLE dora LOGIN;
	CREATE ROLE "Mixed Case" LOGIN;
	SET ROLE team_a;
	SELECT mlops.grant('a_m', 'train', 'dora');
	SELECT mlops.grant('a_m', 'deploy', 'Mixed Case');
	RESET ROLE;
	ALTER ROLE carl RENAME TO carlos;
});
is($node->safe_psql('postgres',
	"SELECT string_agg(grantee || ':' || privilege || ':' || role_status, ' ' ORDER BY grantee, privilege)
	 FROM mlops.model_privileges WHERE model = 'a_m'"),
	'Mixed Case:deploy:ok ann:predict:ok carlos:predict:ok dora:train:ok team_a:own:ok',
	'a grant follows its role through a rename');
is($node->safe_psql('postgres',
	"SET ROLE carlos; SELECT round(mlops.predict('a_m', ARRAY[1, 2]::float8[])::numeric, 3)"),
	'9.003', 'the renamed role still scores');

$node->safe_psql('postgres', q{
	CREATE ROLE gone LOGIN;
	SET ROLE team_a;
	SELECT mlops.grant('a_m', 'predict', 'gone');
	RESET ROLE;
	DROP ROLE gone;
	CREATE ROLE gone LOGIN;
});
my ($rc, $out, $err) = $node->psql('postgres',
	"SELECT mlops.predict('a_m', ARRAY[1, 2]::float8[])",
	extra_params => [ '-U', 'gone' ]);
like($err, qr/model "a_m" does not exist/,
	'a new role that takes a dropped role\'s name gets nothing');
is($node->safe_psql('postgres',
	"SELECT role_status FROM mlops.model_privileges WHERE model = 'a_m' AND grantee = 'gone'"),
	'dropped', 'the old grant shows as dropped');

# the expected state, by name, that every restore must reproduce
my $by_name = q{
	SELECT string_agg(model || ':' || grantee || ':' || privilege || ':' ||
	                  coalesce(granted_by, '-') || ':' || role_status, ' '
	                  ORDER BY model, grantee, privilege)
	FROM mlops.model_privileges};
my $owners = "SELECT string_agg(model || ':' || owner, ' ' ORDER BY model) FROM mlops.models";
$node->safe_psql('postgres', q{
	SET ROLE team_b;
	SELECT count(*) FROM mlops.train('b_m', 'sales', 'y', features => '{x1}');
	SELECT mlops.grant('b_m', 'predict', 'public');
});
my $want_privs = $node->safe_psql('postgres', $by_name);
my $want_owners = $node->safe_psql('postgres', $owners);
like($want_privs, qr/b_m:PUBLIC:predict:team_b:ok/, 'PUBLIC is a grantee like any other');

my $dump = $node->basedir . '/mlops.dump';
$node->command_ok([ 'pg_dump', '-d', $node->connstr('postgres'), '-f', $dump ],
	'pg_dump of the database');

# a second cluster whose roles are created in another order, after
# others, so that every OID differs; "dora" does not exist there
my $other = PostgreSQL::Test::Cluster->new('restored');
$other->init;
$other->start;
$other->safe_psql('postgres', q{
	CREATE ROLE filler1; CREATE ROLE filler2; CREATE ROLE filler3;
	CREATE ROLE "Mixed Case" LOGIN;
	CREATE ROLE carlos LOGIN;
	CREATE ROLE ann LOGIN;
	CREATE ROLE team_b LOGIN;
	CREATE ROLE team_a LOGIN;
	CREATE ROLE gone LOGIN;
	CREATE DATABASE target;
});
my $restore_log = $other->basedir . '/restore.log';
$other->command_ok([ 'psql', '-X', '-v', 'ON_ERROR_STOP=1', '-q', '-d',
		$other->connstr('target'), '-f', $dump, '-o', $restore_log ],
	'the dump restores without an error although a role is missing');
isnt($other->safe_psql('target',
	"SELECT string_agg(r.rolname, ',') FROM pg_roles r WHERE r.rolname IN ('team_a', 'ann')
	 AND r.oid IN (SELECT oid FROM pg_roles)"), '', 'roles exist in the second cluster');
my $got_privs = $other->safe_psql('target', $by_name);
(my $want_restored = $want_privs) =~ s/a_m:dora:train:team_a:ok/a_m:dora:train:team_a:unresolved/;
is($got_privs, $want_restored,
	'every grant binds to the role of the same name; the missing role is unresolved');
is($other->safe_psql('target', $owners), $want_owners, 'every owner is the same role by name');
is($other->safe_psql('target',
	"SET ROLE ann; SELECT round(mlops.predict('a_m', ARRAY[1, 2]::float8[])::numeric, 3)"),
	'9.003', 'ann scores in the restored cluster');
($rc, $out, $err) = $other->psql('target',
	"SET ROLE gone; SELECT mlops.predict('a_m', ARRAY[1, 2]::float8[])");
like($err, qr/does not exist/, 'the dropped role\'s grant stays dead after the restore');
($rc, $out, $err) = $other->psql('target',
	"SET ROLE team_b; SELECT mlops.deploy('a_m', 1)");
like($err, qr/does not exist/, 'team_b gets nothing of team_a\'s model');
is($other->safe_psql('target',
	"SET ROLE team_b; SELECT count(*) FROM mlops.models WHERE model = 'b_m'"),
	'1', 'team_b owns its own model');

# the missing role arrives: a grant to it replaces the unresolved row
$other->safe_psql('target', q{
	CREATE ROLE dora LOGIN;
	SET ROLE team_a;
	SELECT mlops.grant('a_m', 'train', 'dora');
});
is($other->safe_psql('target',
	"SELECT string_agg(privilege || ':' || role_status, ' ') FROM mlops.model_privileges
	 WHERE model = 'a_m' AND grantee = 'dora'"),
	'train:ok', 'mlops.grant repairs an unresolved row (one row, resolved)');

$other->stop;
$node->stop;
done_testing();
