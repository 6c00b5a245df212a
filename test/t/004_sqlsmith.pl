# test/t/004_sqlsmith.pl
#
# sqlsmith (Debian package sqlsmith) generates random SQL from the
# database's catalog: every table, view, type, function and aggregate,
# the extension's included.  It runs against a database with mlops
# installed and a few trained models, as a role that holds every model
# privilege and may train, so its queries reach the scoring, training,
# deployment and aggregate code with random arguments.  Passes when no
# backend crashed: the postmaster logged no "terminated by signal" and
# the server still answers.
#
# SQLSMITH_QUERIES (default 20000) bounds the run, SQLSMITH_SEED (default
# 4242) replays it; `make soak` runs 500,000 queries.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time);

$ENV{OPENBLAS_NUM_THREADS} = 1;

my $queries = $ENV{SQLSMITH_QUERIES} // 20000;
my $seed = $ENV{SQLSMITH_SEED} // 4242;
my $sqlsmith = `sh -c 'command -v sqlsmith'`;
chomp $sqlsmith;
ok($sqlsmith ne '', 'sqlsmith is installed (make deps installs it)')
  or BAIL_OUT('sqlsmith is not installed');

my $node = PostgreSQL::Test::Cluster->new('sqlsmith');
$node->init;
# Errors are logged with their SQLSTATE, location and statement, so that
# an XX000 raised by mlops can be told apart from core's own (sqlsmith
# finds some, e.g. float8_avg called on a bad array); a soak run logs
# crashes only.
my $log_errors = $queries <= 50000;
$node->append_conf('postgresql.conf', qq{
max_worker_processes = 8
restart_after_crash = on
track_functions = 'all'
log_line_prefix = '%m [%p] %e '
log_error_verbosity = verbose
log_min_messages = } . ($log_errors ? 'error' : 'log') . qq{
log_min_error_statement = } . ($log_errors ? 'error' : 'panic') . qq{
statement_timeout = '5s'
});
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION mlops;
	CREATE ROLE smith LOGIN IN ROLE mlops_trainer, mlops_admin;
	CREATE TABLE sm_tab AS
	SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
	       (g * g % 11)::int AS x3, ((g % 13) / 3.0)::numeric AS x4,
	       1 + 2 * (g % 17) + 3 * (g % 5) + 0.01 * (g % 7) AS y
	FROM generate_series(1, 200) g;
	CREATE TABLE sm_small (x1 float8, y float8);
	INSERT INTO sm_small VALUES (1, 2), (2, 4.1), (3, 5.9), ('NaN', 1), (NULL, 3);
	CREATE VIEW sm_view AS SELECT x1, x2, y FROM sm_tab WHERE id % 2 = 0;
	CREATE TABLE sm_states AS
	SELECT 1 AS id, mlops.linear_state(ARRAY[x1, x2], y) AS s FROM sm_tab
	UNION ALL SELECT 2, mlops.linear_state(ARRAY[x1], y, false) FROM sm_tab;
	SELECT mlops.train('sm_a', 'sm_tab', 'y', features => '{x1,x2}');
	SELECT mlops.train('sm_a', 'sm_tab', 'y', features => '{x1,x2}',
	                   hyperparams => '{"alpha": 1}', deploy => 'always');
	SELECT mlops.train('sm_b', 'sm_tab', 'y', features => '{x1,x2,x3,x4}');
	SELECT mlops.train('sm_v', 'sm_view', 'y');
	-- a wide model (250 features, past the separate-argument limit of 90;
	-- its artifact is TOASTed) and a row type to score it with
	SELECT format('CREATE TABLE sm_wide AS SELECT g AS id, %s, (g %% 23)::float8 AS y '
	              'FROM generate_series(1, 400) g',
	              string_agg(format('(abs(hashint4(g * 1000 + %s)) %% 10)::float8 AS w%s', i, i), ', '))
	FROM generate_series(1, 250) i \gexec
	SELECT mlops.train('sm_w', 'sm_wide', 'y',
	                   features => (SELECT array_agg('w' || i) FROM generate_series(1, 250) i));
	-- a classifier of each kind (binary text labels, three integer
	-- classes), a clustering, a decomposition and an elastic net
	CREATE TABLE sm_lab AS
	SELECT id, x1, x2, x3, y,
	       CASE WHEN x1 + x2 + (id * 7 % 5) > 12 THEN 'hi' ELSE 'lo' END AS label,
	       id % 3 AS cls
	FROM sm_tab;
	SELECT mlops.train('sm_c', 'sm_lab', 'label', 'logistic', features => '{x1,x2}');
	SELECT mlops.train('sm_nb', 'sm_lab', 'cls', 'naive_bayes', features => '{x1,x2}');
	SELECT mlops.train('sm_k', 'sm_lab', NULL, 'kmeans', '{"k": 3, "n_init": 2}',
	                   features => '{x1,x2}');
	SELECT mlops.train('sm_p', 'sm_lab', NULL, 'pca', features => '{x1,x2,x3}');
	SELECT mlops.train('sm_e', 'sm_lab', 'y', 'elastic_net', '{"alpha": 0.1}',
	                   features => '{x1,x2}');
	-- a categorical column as a feature: the row form encodes it
	SELECT mlops.train('sm_t', 'sm_lab', 'y', features => '{x1,label}');
	-- tree models: a boosted classifier, a forest regressor, and a boosted
	-- regressor trained with missing values (NULLs in x1)
	SELECT mlops.train('sm_x', 'sm_lab', 'label', 'xgboost', '{"n_estimators": 10, "max_depth": 3}',
	                   features => '{x1,x2}');
	SELECT mlops.train('sm_r', 'sm_tab', 'y', 'random_forest', '{"n_estimators": 10, "max_depth": 4}',
	                   features => '{x1,x2,x3}');
	CREATE TABLE sm_nulls AS
	SELECT id, CASE WHEN id % 5 = 0 THEN NULL ELSE x1 END AS x1, x2, y FROM sm_tab;
	SELECT mlops.train('sm_xn', 'sm_nulls', 'y', 'xgboost', '{"n_estimators": 10}',
	                   features => '{x1,x2}');
	-- sqlsmith picks functions among thousands in pg_catalog, so it rarely
	-- calls ours by itself; it picks relations among a few dozen, and
	-- these views call mlops in whatever query it builds around them
	CREATE TABLE sm_names (name text);
	INSERT INTO sm_names VALUES ('sm_a'), ('sm_a@1'), ('sm_b'), ('sm_v'), ('sm_w'),
		('sm_a@9'), ('nope'), (''), ('sm_a@'), (repeat('é', 40)), (NULL),
		('sm_c'), ('sm_c@1'), ('sm_nb'), ('sm_k'), ('sm_k@2'), ('sm_p'), ('sm_e'), ('sm_t'),
		('sm_x'), ('sm_x@1'), ('sm_r'), ('sm_xn'), ('sm_xn@2');
	CREATE VIEW sm_scored AS
	SELECT t.*, mlops.predict('sm_a', ARRAY[x1, x2]) AS p_array,
	       mlops.predict('sm_a@1', t) AS p_row,
	       mlops.predict('sm_b', ARRAY[x1, x2, x3, x4]) AS p_b
	FROM sm_tab t;
	CREATE VIEW sm_wide_scored AS
	SELECT t.id, t.w1, t.y, mlops.predict('sm_w', t) AS p_row,
	       mlops.predict('sm_w@1', t) AS p_pinned
	FROM sm_wide t;
	CREATE VIEW sm_any_scored AS
	SELECT n.name, t.x1, mlops.predict(n.name, ARRAY[t.x1, t.y]) AS p,
	       mlops.predict(n.name, t) AS p_row
	FROM sm_names n CROSS JOIN sm_small t;
	-- the classification, clustering and decomposition functions: on the
	-- models they are meant for, and on every name
	CREATE VIEW sm_lab_scored AS
	SELECT t.*, mlops.predict_proba('sm_c', t) AS proba_c,
	       mlops.predict_label('sm_c', ARRAY[x1, x2]) AS label_c,
	       mlops.predict_proba('sm_nb@1', ARRAY[x1, x2]) AS proba_nb,
	       mlops.predict_label('sm_nb', t) AS label_nb,
	       mlops.predict('sm_nb', t) AS class_nb,
	       mlops.transform('sm_k', t) AS dist_k, mlops.predict('sm_k', ARRAY[x1, x2]) AS cluster_k,
	       mlops.transform('sm_p', t) AS scores_p, mlops.transform('sm_p@1', ARRAY[x1, x2, x3]) AS scores_p1,
	       mlops.predict('sm_e', t) AS p_e, mlops.predict('sm_t', t) AS p_t
	FROM sm_lab t;
	CREATE VIEW sm_any_class AS
	SELECT n.name, t.x1, mlops.predict_proba(n.name, ARRAY[t.x1, t.y]) AS proba,
	       mlops.predict_label(n.name, t) AS label, mlops.classes(n.name) AS classes,
	       mlops.feature_names(n.name) AS feature_names,
	       mlops.transform(n.name, ARRAY[t.x1, t.y]) AS tr
	FROM sm_names n CROSS JOIN sm_small t;
	CREATE VIEW sm_inspect AS
	SELECT 'center' AS kind, c.cluster AS i, c.feature, c.value FROM mlops.centers('sm_k') c
	UNION ALL
	SELECT 'component', p.component, p.feature, p.loading FROM mlops.components('sm_p') p
	UNION ALL
	SELECT 'class', NULL, unnest(mlops.classes('sm_nb')), NULL
	UNION ALL
	SELECT 'importance', f.weight, f.feature, f.gain FROM mlops.feature_importance('sm_x') f
	UNION ALL
	SELECT 'importance', f.weight, f.feature, f.total_cover FROM mlops.feature_importance('sm_r@1') f;
	-- the trees: scored (NULLs as missing values, in the row and the
	-- array forms), and their importance, by name from sm_names
	CREATE VIEW sm_tree_scored AS
	SELECT t.*, mlops.predict('sm_r', t) AS p_r, mlops.predict('sm_r@1', ARRAY[x1, x2, x3]) AS p_r1,
	       mlops.predict_proba('sm_x', t) AS proba_x, mlops.predict_label('sm_x', ARRAY[x1, x2]) AS label_x,
	       mlops.predict('sm_xn', ARRAY[CASE WHEN id % 3 = 0 THEN NULL ELSE x1 END, x2]) AS p_xn
	FROM sm_lab t;
	CREATE VIEW sm_nulls_scored AS
	SELECT t.*, mlops.predict('sm_xn', t) AS p_row, mlops.predict('sm_xn', ARRAY[t.x1, t.x2]) AS p_array
	FROM sm_nulls t;
	CREATE VIEW sm_importance AS
	SELECT n.name, f.* FROM sm_names n, LATERAL mlops.feature_importance(n.name) f
	WHERE n.name IN ('sm_x', 'sm_x@1', 'sm_r', 'sm_xn');
	CREATE VIEW sm_evaluated AS
	SELECT mlops.evaluate('sm_c', 'sm_lab', 'label') AS e_c,
	       mlops.evaluate('sm_nb', 'sm_lab', 'cls') AS e_nb,
	       mlops.evaluate('sm_k', 'sm_lab', NULL) AS e_k,
	       mlops.evaluate('sm_e@1', 'sm_lab', 'y') AS e_e;
	CREATE VIEW sm_confusion AS
	SELECT 'sm_nb' AS model, * FROM mlops.confusion_matrix('sm_nb', 'sm_lab', 'cls')
	UNION ALL SELECT 'sm_c', * FROM mlops.confusion_matrix('sm_c', 'sm_lab', 'label');
	CREATE VIEW sm_roc AS SELECT * FROM mlops.roc_curve('sm_c', 'sm_lab', 'label');
	CREATE VIEW sm_coef AS
	SELECT n.name, c.* FROM sm_names n, LATERAL mlops.coefficients(n.name) c
	WHERE n.name LIKE 'sm\_%';
	CREATE VIEW sm_fits AS
	SELECT x3, mlops.linear_state(ARRAY[x1, x2], y) AS s,
	       mlops.linear_final(mlops.linear_state(ARRAY[x1, x2], y, false)) AS coef
	FROM sm_tab GROUP BY x3;
	CREATE VIEW sm_merged AS
	SELECT mlops.linear_merge(s) AS s, mlops.linear_final(mlops.linear_merge(s), 0.5) AS coef
	FROM sm_fits;
	CREATE VIEW sm_state_text AS SELECT id, s::text AS hex FROM sm_states;
	-- sqlsmith sees the relations that information_schema shows smith
	GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO smith;
});

sub mlops_calls
{
	return $node->safe_psql('postgres', q{
		SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions
		WHERE schemaname = 'mlops'});
}
my $calls_before = mlops_calls();
my %calls_before = split /[|\n]/, $node->safe_psql('postgres', q{
	SELECT funcname, sum(calls) FROM pg_stat_user_functions
	WHERE schemaname = 'mlops' GROUP BY funcname});

# sqlsmith connects as smith; it only sends what it generates (its
# modifying statements run in transactions that it rolls back).
my $conn = sprintf('host=%s port=%d dbname=postgres user=smith',
	$node->host, $node->port);
my ($out, $err) = ('', '');
my $t0 = time();
my $h = IPC::Run::start(
	[ $sqlsmith, "--target=$conn", "--seed=$seed", "--max-queries=$queries",
	  '--verbose', '--exclude-catalog' ],
	'<', \undef, '>', \$out, '2>', \$err,
	IPC::Run::timeout($queries / 50 > 3600 ? $queries / 50 : 3600));
$h->finish;
my $elapsed = time() - $t0;
my $rc = $h->result(0);
open(my $fh, '>', "$PostgreSQL::Test::Utils::log_path/sqlsmith.stderr") or die;
print $fh $err;
close($fh);

# sqlsmith's reports: "queries: N", then an error histogram, one
# "count<TAB>message" line per message, up to "error rate: r"; the last
# report covers the whole run
my @reports = split /^queries: /m, $err;
my ($ran) = $reports[-1] =~ /^(\d+)/;
$ran //= 0;
my ($histogram) = $reports[-1] =~ /^(.*?)^error rate/ms;
my $errors = 0;
$errors += $1 while ($histogram // '') =~ /^(\d+)\t/mg;
my $mlops_calls = mlops_calls() - $calls_before;
my %new_calls = split /[|\n]/, $node->safe_psql('postgres', q{
	SELECT funcname, sum(calls) FROM pg_stat_user_functions
	WHERE schemaname = 'mlops' GROUP BY funcname});
$new_calls{$_} = ($new_calls{$_} // 0) - ($calls_before{$_} // 0) for keys %new_calls;
note('mlops functions called (set-up included): ' . $node->safe_psql('postgres', q{
	SELECT string_agg(funcname || '=' || calls, ' ' ORDER BY calls DESC)
	FROM pg_stat_user_functions WHERE schemaname = 'mlops'}));

# the server log: crashes, and errors with SQLSTATE XX000
my $log = slurp_file($node->logfile);
my $signals = () = $log =~ /terminated by signal/g;
my $crashes = () = $log =~ /server process \(PID \d+\) .*terminated/g;
my $broken = () = $err =~ /server closed the connection|connection.*broken/g;
# the C functions of the extension (PostgreSQL style: name at column 0)
my %ours;
for my $file (glob('src/*.c'))
{
	$ours{$_} = 1 for slurp_file($file) =~ /^([A-Za-z_]\w*)\(/mg;
}
my ($xx000, $xx000_mlops) = (0, 0);
my @entries = split /^(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[\d+\] )/m, $log;
for my $i (0 .. $#entries)
{
	next unless $entries[$i] =~ /\] XX000 ERROR:/;
	$xx000++;
	my $rest = join('', @entries[ $i + 1 .. ($i + 2 > $#entries ? $#entries : $i + 2) ]);
	my ($where) = $rest =~ /LOCATION:\s+(\w+),/;
	if (defined $where && $ours{$where})
	{
		$xx000_mlops++;
		diag("XX000 raised by mlops ($where):\n$entries[$i]$rest");
	}
}

diag(sprintf('sqlsmith: seed=%d queries=%d errors=%d mlops_function_calls=%d '
	  . 'crashes=%d xx000=%d (raised by mlops: %d) runtime=%.0fs exit=%d',
	$seed, $ran, $errors, $mlops_calls, $signals, $xx000, $xx000_mlops,
	$elapsed, $rc));
note("sqlsmith stderr (tail):\n" . substr($err, -3000));

is($rc, 0, 'sqlsmith exited cleanly');
cmp_ok($ran, '>=', $queries, "sqlsmith ran $queries queries");
is($signals, 0, 'no backend was terminated by a signal')
  or diag(join("\n", grep { /terminated|Failed process/ } split /\n/, $log));
is($crashes, 0, 'no server process terminated abnormally');
cmp_ok($mlops_calls, '>', 0, 'the queries called mlops functions');
foreach my $f (qw(predict_proba predict_label classes feature_names transform centers components
	evaluate confusion_matrix roc_curve feature_importance))
{
	cmp_ok($new_calls{$f} // 0, '>', 0, "sqlsmith's queries called mlops.$f ("
		  . ($new_calls{$f} // 0) . ' calls)');
}
cmp_ok(scalar(keys %ours), '>', 50, 'the extension\'s C functions are known');
is($xx000_mlops, 0, 'no XX000 raised by mlops code')
  if $log_errors;
is($broken, 0, 'sqlsmith never lost its connection');
is($node->safe_psql('postgres', "SELECT count(*) FROM mlops.model WHERE name LIKE 'sm\\_%'"),
	'13', 'the server answers and the models are still there');
is($node->safe_psql('postgres', "SELECT count(mlops.predict('sm_w', t)) FROM sm_wide t"),
	'400', 'the wide model still scores');
is($node->safe_psql('postgres', "SELECT count(*) FROM sm_lab_scored"),
	'200', 'the classifier, clustering and decomposition models still score');
is($node->safe_psql('postgres', "SELECT count(*) FROM sm_tree_scored"),
	'200', 'the tree models still score');
is($node->safe_psql('postgres', "SELECT count(*) FROM sm_importance WHERE name = 'sm_x'"),
	'2', '... and tell their features\' importance');

$node->stop;
done_testing();
