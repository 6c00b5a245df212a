# test/t/007_wide_models.pl
#
# Models as wide as a relation allows.  A model never has more features
# than its relation has columns besides the target, so mlops.train reaches
# at most 1,599; a table row must also fit in one 8 kB page, which holds
# 1,600 real, integer or smallint columns but only 1,017 float8 or bigint
# ones (1,002 when a row holds a NULL), while a view's rows are never
# stored and have only the 1,600-column limit.  Each model here is trained,
# its coefficients must be the generating ones (the data are integers with
# an exact linear relation), and it must score every row, array and row
# form, to the target.  The fit's memory bound is checked at the default
# maintenance_work_mem (64 MB: 1,443 features) too.
#
# test/sql/wide_models.sql covers 30 to 1,000 features and the internal
# size thresholds; this test is the slow end (about 30 s).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

$ENV{OPENBLAS_NUM_THREADS} = 1;

my $node = PostgreSQL::Test::Cluster->new('wide');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION mlops;
	CREATE FUNCTION coef(j int) RETURNS float8 LANGUAGE sql IMMUTABLE
		AS 'SELECT ((j * 37) % 17 - 8) / 4.0';
	-- make_wide(rel, n, nrows, typ, kind): n features x1..xn of type typ
	-- and y float8 = 0.5 + sum(coef(j) * xj), exact; a 'table' of
	-- random integers 0..9, or a 'view' of hashed integers 0..9 (a view's
	-- rows are never stored)
	CREATE FUNCTION make_wide(rel text, n int, nrows int, typ text, kind text)
	RETURNS void LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM setseed(0.42);
		EXECUTE (SELECT format('CREATE %s %I AS SELECT *, 0.5::float8 + %s AS y '
		                       'FROM (SELECT %s FROM generate_series(1, %s) g OFFSET 0) s',
		                       kind, rel,
		                       string_agg(format('%s * x%s::float8', coef(j), j), ' + ' ORDER BY j),
		                       string_agg(format(CASE kind WHEN 'table'
		                                         THEN 'floor(random() * 10)::%s AS x%s'
		                                         ELSE '(abs(hashint4(g * 2000 + %2$s)) %% 10)::%1$s AS x%2$s'
		                                         END, typ, j), ', ' ORDER BY j),
		                       nrows)
		         FROM generate_series(1, n) j);
	END $$;
});

sub sql { return $node->safe_psql('postgres', $_[0]); }

# [relation, features, rows, type, kind, maintenance_work_mem]
my @models = (
	[ 'real_1599', 1599, 1800, 'real', 'table', '128MB' ],
	[ 'int2_1599', 1599, 1800, 'smallint', 'table', '128MB' ],
	[ 'float8_1016', 1016, 1200, 'float8', 'table', '64MB' ],
	[ 'float8_view_1599', 1599, 1800, 'float8', 'view', '128MB' ],
);

foreach my $m (@models)
{
	my ($rel, $n, $rows, $typ, $kind, $mem) = @$m;
	my $t0 = time;
	sql("SELECT make_wide('$rel', $n, $rows, '$typ', '$kind')");
	is(sql("SELECT count(*) FROM pg_attribute WHERE attrelid = '$rel'::regclass AND attnum > 0"),
		$n + 1, "$rel: the $kind has $n $typ features and the target");
	my $trained = sql(qq{
		SET maintenance_work_mem = '$mem';
		SELECT version || ' ' || (metrics->>'n_train')
		FROM mlops.train('$rel', '$rel', 'y', test_size => 0.1)});
	like($trained, qr/^1 \d+$/, "$rel: trained ($trained training rows)");
	my $train_s = time - $t0;

	is(sql(qq{
		SELECT count(*) || ' ' || (max(abs(estimate - CASE WHEN k = 1 THEN 0.5 ELSE coef(k::int - 1) END)) < 1e-8)
		FROM mlops.coefficients('$rel') WITH ORDINALITY c(term, estimate, se, t, p, k)}),
		($n + 1) . ' true', "$rel: the coefficients are the generating ones");
	my $array = join(', ', map { "x$_" } 1 .. $n);
	is(sql(qq{
		SET max_parallel_workers_per_gather = 2;
		SET parallel_setup_cost = 0;
		SET parallel_tuple_cost = 0;
		SET min_parallel_table_scan_size = 0;
		SET seq_page_cost = 0.1;
		SELECT count(*) || ' ' || (max(abs(mlops.predict('$rel', t) - y)) < 1e-8)
		       || ' ' || (max(abs(mlops.predict('$rel', ARRAY[$array]::float8[])
		                          - mlops.predict('$rel', t))) < 1e-12)
		FROM $rel t}),
		"$rows true true", "$rel: row form scores every row exactly, array form the same");
	note(sprintf('%s: generated and trained in %.1f s, checked in %.1f s',
			$rel, $train_s, time - $t0 - $train_s));
}

# the table limit: one more float8 column, or a NULL, and a row no longer fits
my ($rc, $out, $err) = $node->psql('postgres', q{
	SELECT format('CREATE TABLE float8_1018 AS SELECT %s',
	              string_agg(format('1::float8 AS c%s', j), ', '))
	FROM generate_series(1, 1018) j \gexec});
like($err, qr/row is too big: size 8168, maximum size 8160/,
	'1,018 float8 columns do not fit in a page');

# the memory bound at the default maintenance_work_mem
is(sql(q{SELECT mlops.linear_state(array_fill(1::float8, ARRAY[1443]), 1) IS NULL}),
	'f', '1,443 features fit in 64 MB');
($rc, $out, $err) = $node->psql('postgres',
	q{SELECT mlops.train('over', 'real_1599', 'y', features => (SELECT array_agg('x' || j) FROM generate_series(1, 1444) j))});
like($err, qr/a linear fit of 1444 features needs \d+ kB, more than maintenance_work_mem \(65536 kB\)/,
	'1,444 features are refused (54000) at the default maintenance_work_mem');

$node->stop;
done_testing();
