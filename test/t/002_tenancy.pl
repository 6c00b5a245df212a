# test/t/002_tenancy.pl
#
# What pg_regress cannot do for model privileges: CREATE EXTENSION by a
# non-superuser in a fresh database, separate login sessions for two teams
# and an analyst, and parallel scoring in workers under a restricted role.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

$ENV{OPENBLAS_NUM_THREADS} = 1;

my $node = PostgreSQL::Test::Cluster->new('tenancy');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\n");
$node->start;

# --- CREATE EXTENSION by a non-superuser: the extension is not trusted
$node->safe_psql('postgres', q{
	CREATE ROLE dba_lite LOGIN CREATEDB CREATEROLE;
	CREATE DATABASE lite OWNER dba_lite;
});
my ($rc, $out, $err) = $node->psql('lite', 'CREATE EXTENSION mlops',
	extra_params => [ '-U', 'dba_lite', '-v', 'VERBOSITY=verbose' ]);
isnt($rc, 0, 'non-superuser CREATE EXTENSION fails');
like($err, qr/42501/, '... with 42501');
like($err, qr/permission denied to create extension "mlops"/, '... naming the extension');
is($node->safe_psql('lite', "SELECT count(*) FROM pg_extension WHERE extname = 'mlops'"),
	'0', '... and installs nothing');
is($node->safe_psql('lite', "SELECT count(*) FROM pg_namespace WHERE nspname = 'mlops'"),
	'0', '... not even the schema');

# --- a schema "mlops" owned by someone else is refused
$node->safe_psql('lite', 'CREATE SCHEMA mlops AUTHORIZATION dba_lite');
($rc, $out, $err) = $node->psql('lite', 'CREATE EXTENSION mlops',
	extra_params => [ '-v', 'VERBOSITY=verbose' ]);
like($err, qr/42501.*schema "mlops" already exists and is owned by another role/s,
	'a squatted schema mlops is refused');

# --- two teams and an analyst, each in their own login session
$node->safe_psql('postgres', q{
	CREATE EXTENSION mlops;
	CREATE ROLE team_a NOLOGIN IN ROLE mlops_trainer;
	CREATE ROLE team_b NOLOGIN IN ROLE mlops_trainer;
	CREATE ROLE alice LOGIN IN ROLE team_a;
	CREATE ROLE bob LOGIN IN ROLE team_b;
	CREATE ROLE ann LOGIN;
	CREATE TABLE sales AS
	SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
	       1 + 2 * (g % 17) + 3 * (g % 5) + 0.001 * (g % 7) AS y
	FROM generate_series(1, 200000) g;
	ANALYZE sales;
	GRANT SELECT ON sales TO team_a, ann;
	GRANT SELECT (x1, y) ON sales TO team_b;
});

sub as_role
{
	my ($role, $sql) = @_;
	my ($rc, $out, $err) = $node->psql('postgres', $sql,
		extra_params => [ '-U', $role, '-v', 'VERBOSITY=verbose' ]);
	return ($rc, $out, $err);
}

($rc, $out, $err) = as_role('alice',
	"SELECT version FROM mlops.train('sales_m', 'sales', 'y', features => '{x1,x2}')");
is($out, '1', 'alice (team A) trains a model');
as_role('alice', "SELECT mlops.grant('sales_m', 'own', 'team_a')");

($rc, $out, $err) = as_role('bob', "SELECT count(*) FROM mlops.models");
is($out, '0', 'bob (team B) sees no model');
# the base tables refuse him; the views' plans count none of team A's rows
foreach my $t (qw(model model_version deployment model_privilege audit_log))
{
	($rc, $out, $err) = as_role('bob', "SELECT count(*) FROM mlops.$t");
	like($err, qr/42501.*permission denied for table $t/s, "bob cannot read mlops.$t");
}
($rc, $out, $err) = as_role('bob', q{
	SET enable_seqscan = off;
	EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
	SELECT 1 FROM mlops.models WHERE model >= 'sales_l' AND model < 'sales_n';
});
ok($rc == 0 && $out =~ /visible_models/ && $out !~ /Rows Removed/,
	'bob\'s prefix probe on mlops.models removes no hidden row');
($rc, $out, $err) = as_role('bob', "SELECT mlops.predict('sales_m', ARRAY[1, 2]::float8[])");
like($err, qr/42704.*model "sales_m" does not exist/s, 'bob cannot predict: unknown model');
($rc, $out, $err) = as_role('bob', "SELECT mlops.deploy('sales_m', 1)");
like($err, qr/42704/, 'bob cannot deploy');
($rc, $out, $err) = as_role('bob', "SELECT version FROM mlops.train('b_m', 'sales', 'y')");
like($err, qr/42501.*permission denied to train on column "id"/s, 'bob cannot train on a column he may not read');
($rc, $out, $err) = as_role('bob',
	"SELECT version FROM mlops.train('b_m', 'sales', 'y', features => '{x1}')");
is($out, '1', 'bob trains on the columns he may read');

# --- classifier, clustering and decomposition models of each team: every
# scoring, inspection and evaluation function refuses the other team as
# it refuses a model that does not exist, and evaluation reads the
# relation as the caller
$node->safe_psql('postgres', q{
	CREATE TABLE flowers_a AS
	SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
	       CASE WHEN (g % 17) + (g % 5) + abs(hashint4(g)) % 7 > 12 THEN 'big' ELSE 'small' END AS label
	FROM generate_series(1, 20000) g;
	CREATE TABLE flowers_b AS
	SELECT g AS id, (g % 13)::float8 AS x1, (g % 7)::float8 AS x2,
	       CASE WHEN (g % 13) - (g % 7) + abs(hashint4(g)) % 5 > 6 THEN 'tall' ELSE 'short' END AS label
	FROM generate_series(1, 2000) g;
	ANALYZE flowers_a;
	GRANT SELECT ON flowers_a TO team_a, ann;
	GRANT SELECT ON flowers_b TO team_b;
});
# ... and tree models: a classifier (t) and a regressor (r) of each team,
# boosted for one team where the other grows a forest
my %family = (c => [ 'logistic', 'naive_bayes' ], k => [ 'kmeans', 'kmeans' ], p => [ 'pca', 'pca' ],
	t => [ 'xgboost', 'random_forest' ], r => [ 'random_forest', 'xgboost' ]);
foreach my $kind (sort keys %family)
{
	foreach my $t ([ 'alice', 'a', 0 ], [ 'bob', 'b', 1 ])
	{
		my ($role, $team, $i) = @$t;
		my $target = $kind =~ /[ct]/ ? "'label'" : $kind eq 'r' ? "'id'" : 'NULL';
		my $hp = $kind eq 'k' ? '{"k": 3, "n_init": 2}'
		  : $kind =~ /[tr]/ ? '{"n_estimators": 10, "max_depth": 3}' : '{}';
		($rc, $out, $err) = as_role($role,
			"SELECT algorithm FROM mlops.train('${team}_$kind', 'flowers_$team', $target, "
			  . "'$family{$kind}[$i]', '$hp', features => '{x1,x2}')");
		is($out, $family{$kind}[$i], "$role trains ${team}_$kind ($family{$kind}[$i])")
		  or diag($err);
		as_role($role, "SELECT mlops.grant('${team}_$kind', 'own', 'team_$team')");
	}
}
# a one-hot majority: the Gram pass's aggregate runs as the trainer too
($rc, $out, $err) = as_role('alice',
	"SELECT metrics->>'solver' FROM mlops.train('a_typed', 'flowers_a', 'x1', 'linear', "
	  . "features => '{label,x2}', test_size => 0)");
is($out, 'gram', 'alice trains on a text column through the Gram pass') or diag($err);
($rc, $out, $err) = as_role('bob',
	"SELECT mlops.train('b_typed', 'flowers_a', 'x1', 'linear', features => '{label,x2}')");
like($err, qr/42501: permission denied to train on column "x1"/, 'bob cannot train on it');
# the trees read their rows through a scan of their own: as the caller too
($rc, $out, $err) = as_role('bob',
	"SELECT mlops.train('b_tx', 'flowers_a', 'label', 'xgboost', features => '{x1,x2}')");
like($err, qr/42501: permission denied to train on column "label" of relation public.flowers_a/,
	'bob cannot train xgboost on a table he may not read');
($rc, $out, $err) = as_role('bob',
	"SELECT mlops.train('b_tx', 'sales', 'y', 'random_forest', features => '{x1,x2}')");
like($err, qr/42501: permission denied to train on column "x2" of relation public.sales/,
	'... nor random_forest on a column he may not read');
($rc, $out, $err) = as_role('bob',
	"SELECT mlops.train('b_tx', 'sales', 'y', 'xgboost')");
like($err, qr/42501: permission denied to train on column "id" of relation public.sales/,
	'... nor on every column of a table he may read only some of');
($rc, $out, $err) = as_role('bob', "SELECT count(*) FROM mlops.models WHERE model = 'b_tx'");
is($out, '0', '... and none of these made a model');
my @calls = (
	[ 'c', q{SELECT mlops.predict('%s', ARRAY[1, 2]::float8[])} ],
	[ 'c', q{SELECT mlops.predict_proba('%s', ARRAY[1, 2]::float8[])} ],
	[ 'c', q{SELECT mlops.predict_proba('%s', f) FROM %s f LIMIT 1} ],
	[ 'c', q{SELECT mlops.predict_label('%s', ARRAY[1, 2])} ],
	[ 'c', q{SELECT mlops.predict_label('%s@1', f) FROM %s f LIMIT 1} ],
	[ 'c', q{SELECT mlops.classes('%s')} ],
	[ 'k', q{SELECT mlops.feature_names('%s')} ],
	[ 'c', q{SELECT mlops.evaluate('%s', '%s', 'label')} ],
	[ 'c', q{SELECT * FROM mlops.confusion_matrix('%s', '%s', 'label')} ],
	[ 'c', q{SELECT * FROM mlops.roc_curve('%s', '%s', 'label')} ],
	[ 'k', q{SELECT mlops.transform('%s', ARRAY[1, 2]::float8[])} ],
	[ 'k', q{SELECT mlops.transform('%s', f) FROM %s f LIMIT 1} ],
	[ 'k', q{SELECT * FROM mlops.centers('%s')} ],
	[ 'k', q{SELECT mlops.evaluate('%s', '%s', NULL)} ],
	[ 'p', q{SELECT mlops.transform('%s@1', ARRAY[1, 2]::float8[])} ],
	[ 'p', q{SELECT * FROM mlops.components('%s')} ],
	[ 'c', q{SELECT * FROM mlops.feature_importance('%s')} ],
	[ 't', q{SELECT * FROM mlops.feature_importance('%s')} ],
	[ 't', q{SELECT * FROM mlops.feature_importance('%s@1')} ],
	[ 't', q{SELECT mlops.predict_proba('%s', f) FROM %s f LIMIT 1} ],
	[ 't', q{SELECT mlops.classes('%s')} ],
	[ 't', q{SELECT mlops.evaluate('%s', '%s', 'label')} ],
	[ 'r', q{SELECT * FROM mlops.feature_importance('%s')} ],
	[ 'r', q{SELECT mlops.predict('%s', ARRAY[1, 2]::float8[])} ],
	[ 'r', q{SELECT mlops.predict('%s@1', f) FROM %s f LIMIT 1} ],
);
my ($hidden_calls, $hidden_ok) = (0, 0);
foreach my $t ([ 'bob', 'a', 'flowers_b' ], [ 'alice', 'b', 'flowers_a' ], [ 'ann', 'a', 'flowers_a' ])
{
	my ($role, $owner, $rel) = @$t;
	foreach my $c (@calls)
	{
		my ($kind, $fmt) = @$c;
		no warnings 'redundant';    # not every call names the relation
		my ($rc1, $o1, $hidden) = as_role($role, sprintf($fmt, "${owner}_$kind", $rel));
		my ($rc2, $o2, $missing) = as_role($role, sprintf($fmt, "zz_$kind", $rel));
		$missing =~ s/zz_$kind/${owner}_$kind/g;
		# verbose: the LOCATION (source file, line, function, which every
		# client receives) must be the same too
		$hidden_calls++;
		$hidden_ok++ if $rc1 != 0 && $hidden =~ /42704.*model "${owner}_$kind" does not exist/s
		  && $hidden eq $missing;
		diag("$role: " . sprintf($fmt, "${owner}_$kind", $rel) . ":
$hidden
vs missing:
$missing")
		  unless $hidden eq $missing;
	}
}
is($hidden_ok, $hidden_calls,
	"$hidden_calls calls on the other team's models fail exactly as on a missing model (42704)");
foreach my $t ([ 'bob', 'b_c', 'flowers_a', 'label' ], [ 'bob', 'b_k', 'flowers_a', undef ],
	[ 'alice', 'a_c', 'flowers_b', 'label' ], [ 'alice', 'a_k', 'flowers_b', undef ])
{
	my ($role, $model, $rel, $target) = @$t;
	$target = defined $target ? "'$target'" : 'NULL';
	($rc, $out, $err) = as_role($role, "SELECT mlops.evaluate('$model', '$rel', $target)");
	like($err, qr/42501.*permission denied for table $rel/s,
		"$role cannot evaluate $model on the other team's table $rel");
}
($rc, $out, $err) = as_role('bob', "SELECT * FROM mlops.roc_curve('b_c', 'flowers_a', 'label')");
like($err, qr/42501.*permission denied for table flowers_a/s, '... nor draw its ROC curve');
($rc, $out, $err) = as_role('bob', "SELECT sum(n) FROM mlops.confusion_matrix('b_c', 'flowers_b', 'label')");
is($out, '2000', 'bob evaluates his classifier on his own table');

# a tree model the analyst may see (train) but not score: its importance
# is refused as every inspection function refuses it, 42501 naming the
# model and the privilege, in every session
as_role('alice', "SELECT mlops.grant(m, 'train', 'ann') FROM unnest('{a_t,a_r}'::text[]) m");
foreach my $f ([ 'feature_importance', 'a_t' ], [ 'feature_importance', 'a_r@1' ],
	[ 'coefficients', 'a_t' ], [ 'centers', 'a_t' ], [ 'components', 'a_r' ])
{
	my ($fn, $ref) = @$f;
	(my $model = $ref) =~ s/@.*//;
	($rc, $out, $err) = as_role('ann', "SELECT * FROM mlops.$fn('$ref')");
	like($err, qr/ERROR:  42501: permission denied for model "$model": predict privilege required/,
		"the analyst, with train on $model, cannot read mlops.$fn('$ref')");
}
as_role('alice', "SELECT mlops.grant(m, 'predict', 'ann') FROM unnest('{a_t,a_r}'::text[]) m");
($rc, $out, $err) = as_role('ann', q{
	SELECT string_agg(feature || ':' || (weight > 0) || ':' || (abs(total_gain - gain * weight) <= 1e-9 * total_gain),
	                  ',' ORDER BY feature)
	FROM mlops.feature_importance('a_t')});
is($out, 'x1:true:true,x2:true:true', '... and reads it once granted predict') or diag($err);
($rc, $out, $err) = as_role('ann', "SELECT * FROM mlops.coefficients('a_t')");
like($err, qr/42809.*model "a_t" has no coefficients \(algorithm xgboost\)/s,
	'... where a tree model has no coefficients');
as_role('alice', "SELECT mlops.revoke('a_t', 'train', 'ann'), mlops.revoke('a_r', 'train', 'ann')");

($rc, $out, $err) = as_role('ann', "SELECT mlops.predict('sales_m', ARRAY[1, 2]::float8[])");
like($err, qr/42704/, 'the analyst cannot predict before a grant');
as_role('alice', "SELECT mlops.grant('sales_m', 'predict', 'ann')");

# parallel scoring as the analyst: workers launched, same answer as serial
my $par = q{
	SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
};
($rc, $out, $err) = as_role('ann', $par . q{
	EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
	SELECT sum(mlops.predict('sales_m', s)) FROM sales s;
});
like($out, qr/Workers Launched: [12]/, 'the analyst scores in parallel workers');
my ($rc1, $parallel) = as_role('ann', $par . q{
	SELECT sum(mlops.predict('sales_m', s))::numeric(20,6),
	       sum(mlops.predict('sales_m@1', ARRAY[x1, x2]))::numeric(20,6) FROM sales s;
});
my ($rc2, $serial) = as_role('ann', q{
	SET max_parallel_workers_per_gather = 0;
	SELECT sum(mlops.predict('sales_m', s))::numeric(20,6),
	       sum(mlops.predict('sales_m@1', ARRAY[x1, x2]))::numeric(20,6) FROM sales s;
});
ok($rc1 == 0 && $parallel ne '', 'parallel scoring as the analyst works');
is($parallel, $serial, 'parallel scoring returns the same as serial');

# ... and so do class probabilities, labels, distances and scores
as_role('alice', "SELECT mlops.grant(m, 'predict', 'ann') FROM unnest('{a_c,a_k,a_p}'::text[]) m");
my $new_scores = q{
	SELECT sum((mlops.predict_proba('a_c', f))[1])::numeric(20,6),
	       count(*) FILTER (WHERE mlops.predict_label('a_c', f) = 'big'),
	       sum((mlops.transform('a_k', f))[1])::numeric(20,4),
	       sum(abs((mlops.transform('a_p', ARRAY[x1, x2]))[1]))::numeric(20,4),
	       sum((mlops.predict_proba('a_t', f))[1])::numeric(20,6),
	       count(*) FILTER (WHERE mlops.predict_label('a_t', ARRAY[x1, x2]) = 'big'),
	       sum(mlops.predict('a_r', f))::numeric(20,2)
	FROM flowers_a f;
};
($rc, $out, $err) = as_role('ann', $par . q{
	EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
	SELECT sum((mlops.predict_proba('a_c', f))[1]), sum((mlops.transform('a_k', f))[1]),
	       sum(mlops.predict('a_r', f))
	FROM flowers_a f;
});
like($out, qr/Workers Launched: [12]/, 'the analyst scores probabilities, distances and trees in parallel workers');
($rc1, $parallel) = as_role('ann', $par . $new_scores);
($rc2, $serial) = as_role('ann', 'SET max_parallel_workers_per_gather = 0;' . $new_scores);
ok($rc1 == 0 && $parallel =~ /^[\d.]+\|\d+\|[\d.]+\|[\d.]+\|[\d.]+\|\d+\|[\d.]+$/,
	"parallel predict_proba, predict_label, transform, trees as the analyst work ($parallel)");
is($parallel, $serial, '... and return the same as serial');

# a revoke in one session is seen by the analyst's next statement
my $s = $node->background_psql('postgres', on_error_stop => 0,
	extra_params => [ '-U', 'ann' ]);
is($s->query_safe("SELECT mlops.predict('sales_m', ARRAY[1, 2]::float8[])::numeric(4,1)"),
	'9.0', 'analyst session predicts');
as_role('alice', "SELECT mlops.revoke('sales_m', 'predict', 'ann')");
my $r = $s->query("SELECT mlops.predict('sales_m', ARRAY[1, 2]::float8[])");
like($s->{stderr}, qr/model "sales_m" does not exist/,
	'after the revoke the same session is refused');
$s->quit;

# row-level security applies to the trees' scan as to any query: bob's
# xgboost model trains on the half of flowers_b the policy shows him
$node->safe_psql('postgres', q{
	ALTER TABLE flowers_b ENABLE ROW LEVEL SECURITY;
	CREATE POLICY flowers_b_half ON flowers_b FOR SELECT TO team_b USING (id % 2 = 0);
});
($rc, $out, $err) = as_role('bob', q{
	SELECT (metrics->>'n_train')::int + (metrics->>'n')::int || '/' || (SELECT count(*) FROM flowers_b)
	FROM mlops.train('b_rls', 'flowers_b', 'label', 'xgboost', '{"n_estimators": 3}', features => '{x1,x2}')});
is($out, '1000/1000', 'row-level security hides rows from an xgboost training') or diag($err);
$node->safe_psql('postgres', q{
	DROP POLICY flowers_b_half ON flowers_b;
	ALTER TABLE flowers_b DISABLE ROW LEVEL SECURITY;
});

# the audit is there, and only the superuser sees team B's part of it
is($node->safe_psql('postgres',
	"SELECT string_agg(action, ',' ORDER BY audit_id) FROM mlops.audit WHERE model IN ('sales_m', 'b_m')"),
	'train,deploy,grant,train,deploy,grant,revoke', 'audit rows as superuser');
($rc, $out, $err) = as_role('ann', "SELECT count(*) FROM mlops.audit WHERE model = 'sales_m'");
is($out, '0', 'the analyst, with no privilege left on sales_m, sees none of its audit rows');
($rc, $out, $err) = as_role('ann', "SELECT string_agg(DISTINCT model, ',') FROM mlops.audit");
is($out, 'a_c,a_k,a_p,a_r,a_t', '... and sees the audit of the models granted to her');
($rc, $out, $err) = as_role('alice', "SELECT string_agg(DISTINCT model, ',') FROM mlops.audit");
is($out, 'a_c,a_k,a_p,a_r,a_t,a_typed,sales_m', 'alice sees the audit of her team\'s models only');
($rc, $out, $err) = as_role('bob', "SELECT string_agg(DISTINCT model, ',') FROM mlops.audit");
is($out, 'b_c,b_k,b_m,b_p,b_r,b_rls,b_t', 'bob sees the audit of his team\'s models only');

$node->stop;
done_testing();
