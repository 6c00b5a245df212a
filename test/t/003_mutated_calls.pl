# test/t/003_mutated_calls.pl
#
# Mutated calls: every function a role can call in the mlops schema, each
# called at least MLOPS_FUZZ_CALLS times (default 1000) with arguments
# drawn from seeded pools of valid and hostile values: NULLs, empty, 2-D,
# offset and huge arrays, NaN and infinities, extreme integers, wrong
# types through casts, odd model, relation and role names (quotes,
# semicolons, 64+ bytes, mixed case, multibyte), negative, zero and huge
# hyperparameters, malformed jsonb, and mutated pass_state text.
#
# The aggregates' internal support functions (mlops._linear_accum, ...)
# are also called as PUBLIC, directly and as the pieces of an aggregate
# being created, where only 42501 is right; and as fz_granted, a role
# granted EXECUTE on them on purpose, through aggregates of its own
# (schema fz_evil, crafted INITCONDs, forced parallel plans) fed crafted
# states and arrays.  A wide model (250 features) is among those scored,
# and tree models (xgboost and random_forest, of both tasks, one trained
# with missing values, one whose versions mix families, one with
# corrupted artifacts) among those scored, inspected and trained.
#
# The calls run in a procedure that catches each call's error, records its
# SQLSTATE and message, and commits after each call, so a crash loses no
# result; about 40% of them run as an unprivileged role or as a trainer.
# Passes when no call crashes the server, none ends with XX000, and every
# error has a message.  MLOPS_FUZZ_SEED (default 20240604) replays a run.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

$ENV{OPENBLAS_NUM_THREADS} = 1;

my $seed = $ENV{MLOPS_FUZZ_SEED} // 20240604;
my $per_fn = $ENV{MLOPS_FUZZ_CALLS} // 1000;
srand($seed);
note("seed=$seed calls_per_function=$per_fn");

my $node = PostgreSQL::Test::Cluster->new('mutated');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->append_conf('postgresql.conf', qq{
max_worker_processes = 8
restart_after_crash = on
log_min_messages = log
log_min_error_statement = panic
});
$node->start;

# --- set-up: tables of every shape train() accepts or refuses, and models
# reaching every code path (several versions, ridge, no intercept, wide,
# odd names, no deployment, corrupted artifacts, a trainer's own model)
$node->safe_psql('postgres', q{
	CREATE EXTENSION mlops;
	CREATE ROLE fz_user LOGIN;
	CREATE ROLE fz_trainer LOGIN IN ROLE mlops_trainer;
	CREATE ROLE fz_granted LOGIN;
	CREATE TABLE fz_tab AS
	SELECT g AS id, (g % 17)::float8 AS x1, (g % 5)::float8 AS x2,
	       (g * g % 11)::int AS x3, ((g % 13) / 3.0)::numeric AS x4,
	       1 + 2 * (g % 17) + 3 * (g % 5) + 0.01 * (g % 7) AS y,
	       (g % 2 = 0) AS b, 't' || g AS txt
	FROM generate_series(1, 300) g;
	CREATE TABLE fz_cls AS
	SELECT x1, x2, x3, (ARRAY['a', 'b', 'c'])[1 + (id * 7 + id / 3) % 3] AS lab,
	       (id % 3 = 0) <> (x1 > 8) AS flag, (id % 4)::int AS k
	FROM fz_tab;
	CREATE TABLE "Odd ""Tab""" ("Mixed Col" float8, "ÿ;--" float8, y float8);
	INSERT INTO "Odd ""Tab"""
	SELECT g % 7, g % 3, g % 7 + 2 * (g % 3) + 0.1 * (g % 2)
	FROM generate_series(1, 60) g;
	CREATE TABLE fz_empty (x1 float8, y float8);
	CREATE TABLE fz_one (x1 float8, y float8);
	INSERT INTO fz_one VALUES (1, 2);
	CREATE TABLE fz_nan (x1 float8, x2 float8, y float8);
	INSERT INTO fz_nan VALUES (1, 2, 3), ('NaN', 1, 2), (2, 'Infinity', 1),
		(3, 4, '-Infinity'), (NULL, 1, 1), (4, 5, 6);
	CREATE TABLE fz_nulls AS
	SELECT id, CASE WHEN id % 7 = 0 THEN NULL ELSE x1 END AS x1,
	       CASE WHEN id % 11 = 0 THEN NULL ELSE x2 END AS x2, x3, y,
	       CASE WHEN id % 5 = 0 THEN NULL ELSE b END AS b
	FROM fz_tab;
	CREATE TABLE fz_const AS
	SELECT x1, 2 * x1 AS x2, 5::float8 AS x3, y FROM fz_tab;
	CREATE TABLE fz_huge AS
	SELECT x1 * 1e300 AS x1, x2 * 1e-300 AS x2, y * 1e300 AS y FROM fz_tab;
	CREATE TABLE fz_txtrow (x1 text, x2 text, y text);
	INSERT INTO fz_txtrow VALUES ('1', '2', '3'), ('a', 'b', 'c');
	CREATE TABLE fz_alltypes (x1 smallint, x2 bigint, x3 real, x4 numeric,
		y float8, b boolean, i interval, j jsonb, a float8[]);
	INSERT INTO fz_alltypes
	SELECT g % 100, (g * 1000003)::bigint, g / 7.0, g / 3.0, g, true,
	       '1 day', '{}', ARRAY[g, g]
	FROM generate_series(1, 50) g;
	INSERT INTO fz_alltypes VALUES (32767, 9223372036854775807, 3.4e38,
		'1e400', 1e308, NULL, NULL, NULL, NULL);
	CREATE DOMAIN fz_dom AS float8 CHECK (VALUE > 0);
	CREATE TABLE fz_domtab (x1 fz_dom, x2 float8, y float8);
	INSERT INTO fz_domtab SELECT x1 + 1, x2, y FROM fz_tab;
	CREATE TABLE fz_dropped AS SELECT x1, x2, x3, y FROM fz_tab;
	ALTER TABLE fz_dropped DROP COLUMN x2;
	CREATE TABLE fz_part (x1 float8, x2 float8, y float8) PARTITION BY RANGE (x1);
	CREATE TABLE fz_part_lo PARTITION OF fz_part FOR VALUES FROM (MINVALUE) TO (8);
	CREATE TABLE fz_part_hi PARTITION OF fz_part FOR VALUES FROM (8) TO (MAXVALUE);
	INSERT INTO fz_part SELECT x1, x2, y FROM fz_tab;
	CREATE TABLE fz_secret AS SELECT x1, x2, y FROM fz_tab;
	CREATE VIEW fz_view AS SELECT x1, x2, y FROM fz_tab WHERE id % 2 = 0;
	CREATE MATERIALIZED VIEW fz_mv AS SELECT x1, x2, x3, y FROM fz_tab;
	CREATE SEQUENCE fz_seq;
	CREATE INDEX fz_idx ON fz_tab (x1);
	CREATE TYPE fz_type AS (x1 float8, x2 float8);
	CREATE TYPE fz_type4 AS (x4 numeric, x3 int, x2 float8, x1 float8);
	CREATE TYPE fz_typetxt AS (x1 text, x2 float8);
	DO $$
	BEGIN
		PERFORM setseed(0.5);
		EXECUTE 'CREATE TABLE fz_wide AS SELECT '
			|| (SELECT string_agg(format('round(random() * 100)::float8 AS c%s', i), ', ')
			    FROM generate_series(1, 100) i)
			|| ', g::float8 AS y FROM generate_series(1, 400) g';
		EXECUTE 'CREATE TABLE fz_wide250 AS SELECT '
			|| (SELECT string_agg(format('(random() * 10)::float8 AS c%s', i), ', ')
			    FROM generate_series(1, 250) i)
			|| ', g::float8 AS y FROM generate_series(1, 400) g';
	END
	$$;
	GRANT SELECT ON ALL TABLES IN SCHEMA public TO fz_user, fz_trainer, fz_granted;
	REVOKE SELECT ON fz_secret FROM fz_user, fz_trainer, fz_granted;

	SELECT mlops.train('fz_a', 'fz_tab', 'y', features => '{x1,x2}');
	SELECT mlops.train('fz_a', 'fz_tab', 'y', features => '{x1,x2}',
	                   hyperparams => '{"alpha": 1}', deploy => 'always');
	SELECT mlops.train('fz_a', 'fz_tab', 'y', features => '{x1,x2}',
	                   hyperparams => '{"fit_intercept": false}', deploy => 'never');
	SELECT mlops.train('fz_b', 'fz_tab', 'y', features => '{x1,x2,x3,x4}', test_size => 0);
	SELECT mlops.train('fz_w', 'fz_wide', 'y');
	SELECT mlops.train('fz_w250', 'fz_wide250', 'y', hyperparams => '{"alpha": 0.1}');
	SELECT mlops.train('Odd "Mdl"', '"Odd ""Tab"""', 'y');
	SELECT mlops.train('fz_ü', 'fz_tab', 'y', features => '{x1}');
	SELECT mlops.train('fz_nodep', 'fz_tab', 'y', features => '{x1}', deploy => 'never');
	SELECT mlops.train('fz_dom', 'fz_domtab', 'y');
	SELECT mlops.train('fz_cls', 'fz_cls', 'lab', 'logistic', features => '{x1,x2,x3}');
	SELECT mlops.train('fz_bin', 'fz_cls', 'flag', 'logistic', features => '{x1,x2}',
	                   hyperparams => '{"alpha": 0.5}');
	SELECT mlops.train('fz_bad', 'fz_tab', 'y', features => '{x1,x2}')
	FROM generate_series(1, 4);
	-- tree models: boosted and forest, regression and classification (2
	-- and 3 classes), missing values, versions of three families, and
	-- corrupted ones
	SELECT mlops.train('fz_xgb', 'fz_tab', 'y', 'xgboost', '{"n_estimators": 8, "max_depth": 3}',
	                   features => '{x1,x2}');
	SELECT mlops.train('fz_xgbc', 'fz_cls', 'lab', 'xgboost', '{"n_estimators": 5, "max_depth": 3}',
	                   features => '{x1,x2,x3}');
	SELECT mlops.train('fz_rf', 'fz_cls', 'flag', 'random_forest', '{"n_estimators": 8, "max_depth": 4}',
	                   features => '{x1,x2}');
	SELECT mlops.train('fz_rfn', 'fz_nulls', 'y', 'random_forest', '{"n_estimators": 5}',
	                   features => '{x1,x2,x3,b}');
	SELECT mlops.train('fz_tree', 'fz_tab', 'y', 'xgboost',
	                   '{"n_estimators": 30, "early_stopping_rounds": 2}', features => '{x1,x2}');
	SELECT mlops.train('fz_tree', 'fz_tab', 'y', 'random_forest', '{"n_estimators": 3}',
	                   features => '{x1,x2}', deploy => 'always');
	SELECT mlops.train('fz_tree', 'fz_tab', 'y', 'linear', features => '{x1,x2}', deploy => 'never');
	SELECT mlops.train('fz_badtree', 'fz_tab', 'y', 'xgboost', '{"n_estimators": 4, "max_depth": 2}',
	                   features => '{x1,x2}')
	FROM generate_series(1, 4);
	ALTER TABLE mlops.model_version DISABLE TRIGGER USER;
	UPDATE mlops.model_version v SET artifact = CASE v.version
		WHEN 1 THEN substring(artifact FROM 1 FOR length(artifact) / 2)
		WHEN 2 THEN set_byte(artifact, length(artifact) / 3, get_byte(artifact, length(artifact) / 3) # 16)
		WHEN 3 THEN substring(artifact FROM 1 FOR length(artifact) - 7)
		ELSE artifact || '\x00'::bytea END
	FROM mlops.model m
	WHERE m.model_id = v.model_id AND m.name = 'fz_badtree';
	UPDATE mlops.model_version v SET artifact = CASE v.version
		WHEN 1 THEN substring(artifact FROM 1 FOR 20)
		WHEN 2 THEN set_byte(artifact, 40, get_byte(artifact, 40) # 1)
		WHEN 3 THEN ''::bytea
		ELSE artifact || '\xdeadbeef'::bytea END
	FROM mlops.model m
	WHERE m.model_id = v.model_id AND m.name = 'fz_bad';
	ALTER TABLE mlops.model_version ENABLE TRIGGER USER;
	SELECT mlops.grant('fz_a', 'predict', 'fz_user');
	SELECT mlops.grant('fz_b', 'deploy', 'fz_user');
	SELECT mlops.grant('fz_b', 'predict', 'public');
	SELECT mlops.grant('fz_xgb', 'predict', 'fz_user');
	SELECT mlops.grant('fz_rf', 'deploy', 'fz_user');
});
$node->safe_psql('postgres',
	"SELECT mlops.train('fz_t', 'fz_tab', 'y', features => '{x1,x3}');
	 SELECT mlops.train('fz_tt', 'fz_cls', 'lab', 'random_forest', '{\"n_estimators\": 4}',
	                    features => '{x1,x2}')",
	extra_params => [ '-U', 'fz_trainer' ]);

# naive_bayes: a model on fz_cls, and pass states of it to merge and mutate
$node->safe_psql('postgres', q{
	SELECT mlops.train('fz_nb', 'fz_cls', 'lab', 'naive_bayes', features => '{x1,x2,x3}');
	CREATE TABLE fz_nb_states (id int PRIMARY KEY, s mlops.pass_state);
	INSERT INTO fz_nb_states
	SELECT 1, mlops._naive_bayes_state(3, 0::float8, 0::bigint, NULL::text[],
		(ascii(lab) - 97)::float8, x1, x2) FROM fz_cls
	UNION ALL SELECT 2, mlops._naive_bayes_state(3, 0.25::float8, 7::bigint, NULL::text[],
		(ascii(lab) - 97)::float8, x1, x2) FROM fz_cls
	UNION ALL SELECT 3, mlops._naive_bayes_state(4, 0::float8, 0::bigint, NULL::text[],
		k::float8, x1) FROM fz_cls WHERE x1 < 3
	UNION ALL SELECT 4, mlops._naive_bayes_state(2, 0::float8, 0::bigint, NULL::text[],
		flag::int::float8, NULL::float8) FROM fz_cls;
	GRANT SELECT ON fz_nb_states TO fz_user, fz_trainer, fz_granted;
});
my @nb_state_hex = split /\n/,
  $node->safe_psql('postgres', 'SELECT s::text FROM fz_nb_states WHERE s IS NOT NULL ORDER BY id');

# Partial states to merge, finish and mutate: 1, 2, 4 and 100 features,
# with and without an intercept, a single row, rows still buffered.
$node->safe_psql('postgres', q{
	CREATE TABLE fz_states (id int PRIMARY KEY, s mlops.pass_state);
	INSERT INTO fz_states
	SELECT 1, mlops.linear_state(ARRAY[x1], y) FROM fz_tab
	UNION ALL SELECT 2, mlops.linear_state(ARRAY[x1, x2], y) FROM fz_tab
	UNION ALL SELECT 3, mlops.linear_state(ARRAY[x1, x2], y, false) FROM fz_tab
	UNION ALL SELECT 4, mlops.linear_state(ARRAY[x1, x2, x3, x4], y) FROM fz_tab
	UNION ALL SELECT 5, mlops.linear_state(ARRAY[x1, x2], y) FROM fz_tab WHERE id = 1
	UNION ALL SELECT 6, mlops.linear_state(ARRAY[x1, x2], y) FROM fz_tab WHERE id <= 10
	UNION ALL SELECT 7, mlops.linear_state(array_fill(x1, ARRAY[100]), y) FROM fz_tab
	UNION ALL SELECT 8, mlops.linear_state(ARRAY[x1, x2], y)
	          FROM (SELECT * FROM fz_tab ORDER BY id LIMIT 2000) t
	-- Gram states (pass 2): folded, and with rows still buffered
	UNION ALL SELECT 9, mlops._linear_gram_state(true, 0, 0, NULL, y::float8, x1, x2) FROM fz_tab
	UNION ALL SELECT 10, mlops._linear_gram_state(true, 0.25, 7, NULL, y::float8, x1, x2, x3::float8)
	          FROM fz_tab WHERE id <= 10;
	GRANT SELECT ON fz_states TO fz_user, fz_trainer, fz_granted;
	-- stored models of 2, 4, 1 and 100 features, for the support functions
	-- that take artifacts
	CREATE TABLE fz_arts (id int PRIMARY KEY, a bytea);
	INSERT INTO fz_arts
	SELECT row_number() OVER (ORDER BY array_position(ARRAY['fz_a', 'fz_b', 'fz_ü', 'fz_w',
	                                                        'fz_xgb', 'fz_xgbc'], m.name::text)),
	       v.artifact
	FROM mlops.model m JOIN mlops.model_version v USING (model_id)
	WHERE m.name IN ('fz_a', 'fz_b', 'fz_ü', 'fz_w', 'fz_xgb', 'fz_xgbc') AND v.version = 1;
	GRANT SELECT ON fz_arts TO fz_user, fz_trainer, fz_granted;
});
my @state_hex = split /\n/,
  $node->safe_psql('postgres', 'SELECT s::text FROM fz_states ORDER BY id');

# --- value pools
# How hostile a call is: each call draws its own level, so that some
# calls mutate one argument of an otherwise valid call (and reach deep
# code) and others mutate most of them.
our $MUT = 0.4;

sub pick { return $_[ int(rand(@_)) ]; }
sub chance { return rand() < $_[0]; }
sub mut { return rand() < $_[0] * $MUT / 0.4; }
sub lit
{
	my ($s) = @_;
	return 'NULL' unless defined $s;
	$s =~ s/'/''/g;
	return "'$s'";
}

# A valid value most of the time, so that calls reach the deep code.
sub valid_or
{
	my ($valid, $mutant, $p) = @_;
	return mut(1 - ($p // 0.6)) ? pick(@$mutant) : pick(@$valid);
}

sub random_text
{
	my @alphabet = ('a' .. 'z', 'A' .. 'Z', '0' .. '9', ' ', "'", '"', ';',
		'-', '@', '\\', '%', '$', "\n", "\t", '.', 'é', 'ß', '中', '💥');
	my $n = pick(0, 1, 3, 8, 31, 63, 64, 65, 200);
	return join('', map { pick(@alphabet) } 1 .. $n);
}

my @odd_names = (
	'', ' ', '@', '@1', 'x' x 63, 'x' x 64, 'x' x 200, 'é' x 31, 'é' x 32,
	('x' x 62) . 'é', '💥' x 16, "fz_a'; DROP TABLE fz_tab; --", 'fz_a;',
	"a\nb", "tab\there", '"fz_a"', 'FZ_A', 'Fz_a', 'fz_a ', ' fz_a',
	'pg_catalog.fz_a', 'mlops.fz_a', '%s%n%x', '\\', 'fz_a\\', 'x' x 10000,
	"Robert'); --", 'NULL', 'null');
my @model_valid = ('fz_a', 'fz_a@1', 'fz_a@2', 'fz_a@3', 'fz_b', 'fz_b@1',
	'fz_w', 'fz_w250', 'fz_w250@1', 'Odd "Mdl"', 'fz_ü', 'fz_nodep', 'fz_dom',
	'fz_bad', 'fz_bad@1', 'fz_bad@2', 'fz_bad@3', 'fz_t', 'fz_new', 'fz_a@4',
	'fz_cls', 'fz_cls@1', 'fz_bin');
my @model_mutant = (@odd_names, undef, 'fz_a@', 'fz_a@0', 'fz_a@-1',
	'fz_a@2147483647', 'fz_a@2147483648', 'fz_a@99999999999999999999',
	'fz_a@1@1', 'fz_a@ 1', 'fz_a@1 ', 'fz_a@0x1', 'fz_a@1.0', 'fz_a@+2',
	'fz_a@１', 'fz_a@1e3', 'fz_a@' . ('0' x 40) . '1', 'fz_a@-0',
	'Odd "Mdl"@1', 'fz_ü@1', 'fz_zz', 'fz_a@@1', 'fz_a@é');
push @model_valid, 'fz_nb', 'fz_nb@1';
my @tree_models = ('fz_xgb', 'fz_xgb@1', 'fz_xgbc', 'fz_xgbc@1', 'fz_rf', 'fz_rf@1', 'fz_rfn',
	'fz_tree', 'fz_tree@1', 'fz_tree@2', 'fz_tree@3', 'fz_badtree', 'fz_badtree@1',
	'fz_badtree@2', 'fz_badtree@3', 'fz_tt');
push @model_valid, @tree_models;

sub model_arg
{
	return 'NULL::text' if mut(0.02);
	return 'E\'\\xff\'' if mut(0.005);
	return 'fz_a::text' if mut(0.005);
	return 'repeat(\'m\', 100000000)' if mut(0.001);
	return lit(random_text()) if mut(0.05);
	return lit(valid_or(\@model_valid, \@model_mutant));
}

my @f8_valid = ('0', '1', '-1', '2.5', '7', '16', '1e3');
my @f8_mutant = ("'NaN'", "'Infinity'", "'-Infinity'", '1e308', '-1e308',
	'5e-324', '-0.0', 'NULL', '1.7976931348623157e308', '2.2250738585072014e-308');

sub f8_num
{
	return sprintf('%.17g', (rand() - 0.5) * 10**int(rand(40) - 20)) if mut(0.2);
	return valid_or(\@f8_valid, \@f8_mutant, 0.7);
}

my %elem = (
	float8 => sub { f8_num() },
	real => sub {
		valid_or([ '0', '1', '-3.5', '12' ],
			[ "'NaN'", "'Infinity'", "'-Infinity'", '3.4e38', '-3.4e38',
			  '1e-45', 'NULL' ], 0.7);
	},
	smallint => sub {
		valid_or([ '0', '1', '-2', '9' ], [ '32767', '-32768', 'NULL' ], 0.7);
	},
	integer => sub {
		valid_or([ '0', '1', '-2', '9' ],
			[ '2147483647', '-2147483648', 'NULL' ], 0.7);
	},
	bigint => sub {
		valid_or([ '0', '1', '-2', '9' ],
			[ '9223372036854775807', '-9223372036854775808', 'NULL',
			  '4503599627370497' ], 0.7);
	},
	numeric => sub {
		valid_or([ '0', '1', '-2.5', '0.333' ],
			[ "'NaN'", "'Infinity'", "'-Infinity'", "'1e400'", "'-1e400'",
			  "'1e-400'", 'NULL', '123456789012345678901234567890.123' ], 0.7);
	},
);

# An array of type $t: mostly 1..5 elements, sometimes empty, NULL, 2-D,
# with a lower bound other than 1, or with thousands of elements.
sub array_arg
{
	my ($t) = @_;
	my $r = rand() * 0.4 / $MUT;
	return "NULL::${t}[]" if $r < 0.03;
	return "'{}'::${t}[]" if $r < 0.06;
	return "ARRAY[]::${t}[]" if $r < 0.07;
	return "'{{1,2},{3,4}}'::${t}[]" if $r < 0.09;
	return "'[0:1]={1,2}'::${t}[]" if $r < 0.11;
	return "'[2:3]={1,2}'::${t}[]" if $r < 0.12;
	return "'{{}}'::${t}[]" if $r < 0.13;
	return "array_fill(" . $elem{$t}->() . "::$t, ARRAY[" .
	  pick(90, 91, 250, 1600, 1601, 5000, 100000) . "])" if $r < 0.17;
	return "array_fill(1::$t, ARRAY[2], ARRAY[-5])" if $r < 0.18;
	return "array_fill(1::$t, ARRAY[1, 2])" if $r < 0.19;
	my $n = pick(1, 2, 2, 2, 3, 4, 4, 5);
	return "ARRAY[" . join(', ', map { $elem{$t}->() . "::$t" } 1 .. $n) . "]::${t}[]";
}

sub row_arg
{
	my $r = mut(0.75) ? rand() : 0;
	return '(SELECT t FROM fz_tab t WHERE id = ' . int(rand(320)) . ')' if $r < 0.25;
	return 'ROW(' . f8_num() . ', ' . f8_num() . ')::fz_type' if $r < 0.40;
	return 'ROW(' . $elem{numeric}->() . ', ' . $elem{integer}->() . ', ' .
	  f8_num() . ', ' . f8_num() . ')::fz_type4' if $r < 0.50;
	return pick(
		'(SELECT t FROM "Odd ""Tab""" t LIMIT 1)',
		'(SELECT t FROM fz_wide t LIMIT 1)',
		'(SELECT t FROM fz_wide250 t LIMIT 1)',
		'(SELECT t FROM fz_wide250 t OFFSET 7 LIMIT 1)',
		'(SELECT t FROM fz_nan t WHERE x1 <> x1)',
		'(SELECT t FROM fz_nan t LIMIT 1)',
		'(SELECT t FROM fz_nulls t WHERE x1 IS NULL LIMIT 1)',
		'(SELECT t FROM fz_nulls t WHERE b IS NULL AND x2 IS NULL LIMIT 1)',
		'(SELECT t FROM fz_txtrow t LIMIT 1)',
		'(SELECT t FROM fz_txtrow t OFFSET 1)',
		'(SELECT t FROM fz_alltypes t ORDER BY x1 DESC LIMIT 1)',
		'(SELECT t FROM fz_alltypes t LIMIT 1)',
		'(SELECT t FROM fz_domtab t LIMIT 1)',
		'(SELECT t FROM fz_dropped t LIMIT 1)',
		'(SELECT t FROM fz_huge t LIMIT 1)',
		'(SELECT t FROM fz_secret t LIMIT 1)',
		'(SELECT t FROM fz_states t LIMIT 1)',
		'(SELECT m FROM mlops.models m LIMIT 1)',
		'(SELECT v FROM mlops.model_version v LIMIT 1)',
		'NULL::fz_tab', 'NULL::fz_type', 'ROW(NULL, NULL)::fz_type',
		"ROW('1', 2)::fz_typetxt", "ROW('x', 2)::fz_typetxt",
		'ROW(1, 2)', 'ROW()', 'ROW(NULL)', '1::int', "'x'::text", "'{}'::jsonb",
		"'(1,2)'::fz_type", "'(,)'::fz_type", "'[1,2]'::int4range",
		'ARRAY[ROW(1, 2)::fz_type]', "ARRAY['1', '2']", 'ARRAY[true, false]',
		"'{1,2}'::text", 'ARRAY[1, 2]::oid[]', "'(1,2)'::point",
		'ARRAY[ARRAY[1, 2]]::float8[]', "'1'::fz_dom",
		'(SELECT t FROM (SELECT 1.0::float8 AS x1, 2.0::float8 AS x2, 3 AS x1) t)',
		'(SELECT t FROM (SELECT 1.0::float8 AS "X1", 2.0::float8 AS x2) t)',
		'(SELECT t FROM (SELECT 1::float8 AS "Mixed Col", 2::float8 AS "ÿ;--") t)',
		'(SELECT t FROM (SELECT 1::float8 AS x1, 2::float8 AS x2, 3::int AS x3, 4::numeric AS x4) t)',
		'(SELECT t FROM (SELECT 1::float8 AS x1, 2::float8 AS x2, 3::int AS x3, \'NaN\'::numeric AS x4) t)',
		'(SELECT t FROM (SELECT 1::float8 AS x1, 2::float8 AS x2, NULL::int AS x3, 4::numeric AS x4) t)',
		'(SELECT t FROM (SELECT 1::float8 AS x1, 2::bigint AS x2, 3::smallint AS x3, 4::real AS x4) t)',
		'(SELECT t FROM (SELECT 1::float8 AS x1, true AS x2) t)',
		'(SELECT t FROM (SELECT 1::float8 AS x1, \'2\'::text AS x2) t)',
		'(SELECT t FROM (SELECT 1::float8 AS x1, \'1 day\'::interval AS x2) t)');
}

sub int_arg
{
	return valid_or([ '1', '2', '3', '4' ],
		[ '0', '-1', '2147483647', '-2147483648', 'NULL::int', "'2'::text::int",
		  '2.7::int', '1e10::int', "'x'::text::int", '5', '100' ], 0.6);
}

sub text_arg
{
	my ($valid, $extra) = @_;
	return 'NULL::text' if mut(0.03);
	return lit(random_text()) . '::text' if mut(0.05);
	return lit(valid_or($valid, [ @odd_names, @$extra ])) . '::text';
}

my @jsonb_valid = ('{}', '{"alpha": 0.5}', '{"fit_intercept": false}', '{"seed": 7}',
	'{"alpha": 0, "fit_intercept": true, "seed": 1}');
my @jsonb_mutant = ('{"alpha": -1}', '{"alpha": "NaN"}', '{"alpha": 1e308}',
	'{"alpha": 1e400}', '{"alpha": -1e400}', '{"alpha": 1e-400}',
	'{"alpha": null}', '{"alpha": "1"}', '{"alpha": true}', '{"alpha": []}',
	'{"alpha": {"nested": 1}}', '{"fit_intercept": "yes"}', '{"fit_intercept": 1}',
	'{"fit_intercept": null}', '{"seed": 1.5}', '{"seed": -1}', '{"seed": "7"}',
	'{"seed": 99999999999999999999999}', '{"seed": 9223372036854775807}',
	'{"seed": -9223372036854775808}', '{"seed": 1e30}', '{"seed": null}',
	'[]', '[1, 2]', '"str"', 'null', '1', 'true', '{"unknown": 1}', '{"": 1}',
	'{"alpha": 0, "alpha": 1}', '{"ALPHA": 1}', '{"alpha\u0000": 1}',
	'{"alpha": 0.5, "max_iter": -1}', '{"learning_rate": "NaN"}',
	'{"impute": "missing"}', '{"n_estimators": 3}', '{"max_depth": 2, "alpha": 1}',
	('[' x 500) . (']' x 500), '{"a": ' . ('[' x 100) . (']' x 100) . '}');
my @jsonb_malformed = ('{"alpha":', '{alpha: 1}', '', 'NaN', '{"a":1}}', "{'a':1}",
	'{"alpha": 01}', '{"alpha": .5}', '{"alpha": Infinity}');

sub jsonb_arg
{
	return 'NULL::jsonb' if mut(0.03);
	return lit(pick(@jsonb_malformed)) . '::jsonb' if mut(0.05);
	if (mut(0.15))
	{
		my @vals = ('-1', '0', '1e-300', '1e300', '1e400', '"NaN"', 'null', 'true',
			'[]', '{}', '"1"', '1.5', '-0', '9223372036854775808', '1e-400', '2');
		return lit('{"alpha": ' . pick(@vals) . ', "fit_intercept": ' . pick(@vals)
			  . ', "seed": ' . pick(@vals) . '}') . '::jsonb';
	}
	return lit(valid_or(\@jsonb_valid, \@jsonb_mutant)) . '::jsonb';
}

# pca's hyperparameters: valid values, or one mutated
sub pca_jsonb_arg
{
	my @kv;
	push @kv, '"n_components": ' . (mut(0.3)
		? pick('0', '-1', '1.5', '"2"', 'null', '1601', '5', '100', '1e10', 'true')
		: pick('1', '2')) if chance(0.6);
	push @kv, '"scale": ' . (mut(0.3)
		? pick('"Standard"', '"unit"', '1', 'true', 'null', '""', '"none "')
		: pick('"none"', '"standard"')) if chance(0.6);
	push @kv, '"center": false' if mut(0.1);
	return lit('{' . join(', ', @kv) . '}') . '::jsonb';
}

# elastic_net's hyperparameters: valid values, or one key mutated
sub enet_jsonb_arg
{
	my %valid = (
		alpha => [ '0', '0.01', '1', '100' ],
		l1_ratio => [ '0', '0.2', '0.5', '1' ],
		fit_intercept => [ 'true', 'false' ],
		max_iter => [ '1', '10', '1000', '20000' ],
		tol => [ '0', '1e-4', '1e-12', '0.5' ]);
	my @mutant = ('-1', '1.5', '-0.001', '1e400', '1000001', '0.5e0', '"1"',
		'null', 'true', '[]', '{}', '1e-400', '2147483648', '-2147483649');
	my @keys = grep { chance(0.6) } sort keys %valid;
	my %hp = map { $_ => pick(@{ $valid{$_} }) } @keys;
	$hp{ pick(sort keys %valid) } = pick(@mutant) if mut(0.3);
	$hp{ pick('alpha_', 'l1', 'L1_ratio', 'max_iters', 'lambda') } = '1'
	  if mut(0.05);
	return lit('{' . join(', ', map { "\"$_\": $hp{$_}" } sort keys %hp) . '}')
	  . '::jsonb';
}

my @rel_valid = ('fz_tab', 'fz_view', 'fz_mv', 'fz_part', 'fz_wide',
	'"Odd ""Tab"""', 'fz_domtab', 'fz_dropped', 'fz_alltypes', 'fz_const');
my @rel_mutant = ('fz_empty', 'fz_one', 'fz_nan', 'fz_huge', 'fz_txtrow',
	'fz_secret', 'fz_seq', 'fz_idx', 'fz_type', 'pg_class', 'mlops.model',
	'mlops.model_version', 'mlops.models', 'mlops.audit', 'fz_part_lo',
	'pg_toast.pg_toast_2619', 'information_schema.tables', 'nonexistent',
	'fz_tab; DROP TABLE fz_tab', 'FZ_TAB', '"fz_tab"', 'public.fz_tab',
	'x.y.z.w', '', 'fz_states', '"Odd "Tab"', 'x' x 64, 'é' x 40);

sub rel_arg
{
	my $r = rand();
	return 'NULL::regclass' if $r < 0.02;
	return '0::regclass' if $r < 0.03;
	return '1::oid::regclass' if $r < 0.04;
	return "'fz_tab'::text::regclass" if $r < 0.05;
	return "'fz_tab'::regclass::oid::regclass" if $r < 0.06;
	return lit(valid_or(\@rel_valid, \@rel_mutant)) . '::regclass';
}

my @col_valid = ('y', 'y', 'x1', 'c1', 'Mixed Col');
my @col_mutant = ('Y', '"y"', 'txt', 'b', 'id', 'ctid', 'xmin', 'tableoid', 'oid',
	'nonexistent', 'x2', 'x3', 'x4', 'ÿ;--', 'y;', "y'", 'i', 'j', 'a',
	'........pg.dropped.2........');

sub features_arg
{
	my $r = rand() * $MUT / 0.4;
	return 'NULL::text[]' if $r < 0.35;
	return pick("'{x1,x2}'", "'{x1}'", "'{x1,x2,x3,x4}'", "'{x1,x3}'") . '::text[]'
	  if $r < 0.65;
	return pick("'{}'::text[]", "'{x1,x1}'::text[]", "'{x1,y}'::text[]",
		"'{ctid}'::text[]", "ARRAY[NULL]::text[]", "'{x1,NULL}'::text[]",
		"'{{x1},{x2}}'::text[]", "'[2:3]={x1,x2}'::text[]",
		"array_fill('x1'::text, ARRAY[2000])", "'{\"Mixed Col\",\"ÿ;--\"}'::text[]",
		"'{X1}'::text[]", "'{\"x1 \"}'::text[]", "'{txt}'::text[]", "'{b}'::text[]",
		"'{x2}'::text[]", "ARRAY['" . ('x' x 64) . "']",
		"(SELECT array_agg(format('c%s', i)) FROM generate_series(1, 100) i)",
		"(SELECT array_agg(format('c%s', i)) FROM generate_series(1, 90) i)",
		"(SELECT array_agg(format('c%s', i)) FROM generate_series(1, 91) i)",
		"'{x1,x2}'::text::text[]", "'{a,i,j}'::text[]", "'{x4}'::text[]");
}

sub float_arg
{
	my ($valid) = @_;
	return valid_or($valid,
		[ '-0.1', '1', '1.5', "'NaN'", "'Infinity'", "'-Infinity'", '1e-300',
		  'NULL::float8', '1e308', '5e-324', '-1e308', '0.9999999999999999' ], 0.6)
	  . '::float8';
}

# pass_state values: stored, built inline, mutated text
sub hex_mutant
{
	my $h = pick(@_ ? @_ : @state_hex);
	my $r = rand();
	my $len = length($h);
	my $pos = 2 * int(rand($len / 2));
	my @special = ('7ff8000000000000', '7ff0000000000000', 'fff0000000000000',
		'7fefffffffffffff', '0000000000000001', '8000000000000000',
		'ffffffffffffffff', '0000000000000000');
	if ($r < 0.15)
	{    # one nibble changed anywhere
		substr($h, int(rand($len)), 1) = pick('0' .. '9', 'a' .. 'f');
	}
	elsif ($r < 0.35)
	{    # a header field (pass_state wire format, src/pass_state.c) set
		 # to an odd value: format, algorithm, pass, flags (4 hex digits);
		 # nfeat, dims, the body's length, the doubles sent (8)
		my $field = pick(8, 12, 16, 20, 24, 32, 40, 48, 56, 112, 120);
		my $width = $field <= 20 ? 4 : 8;
		my @v = $width == 4
		  ? ('0000', '0001', '0002', 'ffff', '8000', '7fff')
		  : ('00000000', 'ffffffff', '7fffffff', '80000000', '00000640',
			'00000641', '00000001', '00000002', '00000064', '00000208',
			'00000209', '00000207', '00000a29', sprintf('%08x', int(rand(2**32))));
		substr($h, $field, $width) = pick(@v);
	}
	elsif ($r < 0.50)
	{    # a row counter (nrows, nskipped, nheld)
		substr($h, pick(64, 80, 96), 16) = pick(@special, '00000000000000ff');
	}
	elsif ($r < 0.70 && $len > 144)
	{    # a double in the body: NaN, Inf, extremes, denormals
		my $at = 128 + 16 * int(rand(($len - 128) / 16));
		substr($h, $at, 16) = pick(@special);
	}
	elsif ($r < 0.80)
	{
		$h = substr($h, 0, $pos);    # truncated
	}
	elsif ($r < 0.85)
	{
		$h .= pick('00', 'ff', '0000000000000000', $h);    # trailing bytes
	}
	elsif ($r < 0.88)
	{
		$h = substr($h, 0, $len - 1);    # odd length
	}
	elsif ($r < 0.91)
	{
		substr($h, int(rand($len)), 1) = pick('g', 'G', ' ', 'x', '\\', 'é');
	}
	elsif ($r < 0.94)
	{
		$h = uc($h);
	}
	else
	{
		$h = pick('', '\\x' . $h, 'x', '00', random_text(), '0' x 80, 'f' x 80);
	}
	return $h;
}

sub state_arg
{
	my $r = rand() * $MUT / 0.4;
	return 'NULL::mlops.pass_state' if $r < 0.03;
	return '(SELECT s FROM fz_states WHERE id = ' . (1 + int(rand(10))) . ')' if $r < 0.35;
	return "'" . pick(@state_hex) . "'::mlops.pass_state" if $r < 0.45;
	return '(SELECT mlops.linear_state(ARRAY[x1, x2], y) FROM fz_tab WHERE id < '
	  . int(rand(20)) . ')' if $r < 0.55;
	return lit(hex_mutant()) . '::mlops.pass_state';
}

# Rows for the aggregates: d features, mostly a constant d per call.
sub agg_rows
{
	my ($with_flag) = @_;
	my $r = rand() * 0.4 / $MUT;
	my $flag = $with_flag
	  ? ', ' . pick('true', 'false', 'NULL::boolean', "'yes'::boolean", '1::boolean')
	  : '';
	if ($r < 0.15)
	{
		my $d = pick(1, 2, 90, 1600, 1601, 5000, 20000, 200000);
		my $n = $d > 1000 ? pick(1, 2) : pick(1, 5, 600, 1200);
		return "FROM (SELECT array_fill((g % 7)::float8, ARRAY[$d]) AS f, "
		  . f8_num() . "::float8 * g AS t FROM generate_series(1, $n) g) v", $flag;
	}
	if ($r < 0.20)
	{
		return 'FROM fz_tab WHERE false', $flag, 'ARRAY[x1]', 'y';
	}
	my $d = pick(0, 1, 2, 2, 3, 5);
	my $n = pick(1, 2, 3, 5, 8);
	my @rows;
	for (1 .. $n)
	{
		my $dd = mut(0.1) ? pick(0, 1, 2, 3, 4) : $d;
		my $arr = mut(0.05) ? 'NULL::float8[]'
		  : mut(0.03) ? "'{{1,2},{3,4}}'::float8[]"
		  : mut(0.03) ? "'[0:1]={1,2}'::float8[]"
		  : "ARRAY[" . join(', ', map { f8_num() . '::float8' } 1 .. $dd) . "]::float8[]";
		push @rows, "($arr, " . f8_num() . '::float8)';
	}
	return 'FROM (VALUES ' . join(', ', @rows) . ') v(f, t)', $flag;
}

# Arguments for the VARIADIC "any" training and evaluation passes.
sub variadic_args
{
	my $n = pick(0, 1, 2, 3, 5, 91, 101);
	my @a;
	for (1 .. $n)
	{
		push @a, pick(f8_num() . '::float8', $elem{integer}->() . '::int',
			$elem{numeric}->() . '::numeric', $elem{real}->() . '::real',
			$elem{bigint}->() . '::bigint', $elem{smallint}->() . '::smallint',
			"'x'::text", 'NULL', 'true', 'ARRAY[1.0]::float8[]', "'{}'::jsonb",
			'NULL::float8');
	}
	return @a;
}

sub names_arg
{
	return pick('NULL::text[]', "'{x1,x2}'::text[]", "'{}'::text[]", "'{a}'::text[]",
		"ARRAY[NULL]::text[]", "'{y,x1,x2}'::text[]",
		"array_fill('c'::text, ARRAY[101])");
}

sub eval_state_arg
{
	my $r = rand();
	return 'NULL::float8[]' if $r < 0.3;
	return array_arg('float8') if $r < 0.8;
	return '(SELECT mlops.linear_final(s) FROM fz_states WHERE id = '
	  . (1 + int(rand(9))) . ')';
}

# a stored model: one of fz_arts (2, 4, 1, 100 features; 5 and 6 trees
# of 2 and 3 features), or damaged
sub artifact_arg
{
	my $art = '(SELECT a FROM fz_arts WHERE id = ' . pick(1, 2, 3, 4, 5, 6) . ')';
	return $art if !mut(0.4);
	return pick('NULL::bytea', "''::bytea", "'\\x00'::bytea",
		"decode(repeat('ab', " . pick(1, 24, 100, 5000) . "), 'hex')",
		"substring($art FROM 1 FOR " . pick(8, 24, 30, 60) . ')',
		"set_byte($art, " . pick(10, 24, 30, 50) . ', ' . pick(0, 1, 255) . ')',
		"$art || '\\x00'::bytea", "overlay($art PLACING '\\xffffffff'::bytea FROM 25)");
}

# the other version of a comparison: its stored model, positions among
# the row's values, and the extra values only it reads
sub other_coef_arg
{
	return artifact_arg();
}

sub pos_arg
{
	return pick('NULL::int[]', "'{}'::int[]", "'{0}'::int[]", "'{-1,1}'::int[]",
		"'{1,NULL}'::int[]", "'{{1,2}}'::int[]", "'{3,4,5}'::int[]",
		'array_fill(1, ARRAY[1601])', "'{2147483647}'::int[]", "'{1,2}'::int8[]::int[]")
	  if mut(0.4);
	return pick("'{1}'::int[]", "'{1,2}'::int[]", "'{2,1}'::int[]", "'{1,3}'::int[]",
		"'{3}'::int[]", "'{1,2,3}'::int[]");
}

sub extra_arg
{
	return pick('NULL::float8[]', "'{}'::float8[]", "'{NULL}'::float8[]",
		"'{{1},{2}}'::float8[]", "'{NaN}'::float8[]", "ARRAY['x']::text[]::float8[]")
	  if mut(0.4);
	return pick('ARRAY[x1]', "'{1.5}'::float8[]", "'{1,2}'::float8[]", 'NULL::float8[]');
}

sub other_args
{
	return other_coef_arg() . ', ' . pos_arg() . ', ' . extra_arg();
}

# a comparison state: an evaluation state with 8 more elements
sub cmp_value
{
	return 'NULL::float8[]' if chance(0.1);
	return eval_value() if chance(0.3);
	my $k = pick(1, 2, 3, 101);
	my $first = mut(0.3) ? pick(-1, 0, 1602, "'NaN'", $k + 4) : $k;
	my $len = ev_len($k) + 8 + (mut(0.3) ? pick(-8, -1, 1) : 0);
	return "array_prepend(${first}::float8, array_fill("
	  . pick('0', '1', "'NaN'", '1e308') . '::float8, ARRAY[' . ($len - 1) . ']))';
}

# the models of a scoring pass: stored models and layout (each one's
# feature positions in turn; fz_arts 1 reads 2 features, 3 reads 1)
sub score_models
{
	my ($two, $one) = ('(SELECT a FROM fz_arts WHERE id = 1)', '(SELECT a FROM fz_arts WHERE id = 3)');
	return pick("ARRAY[$two], '{1,2}'::int[]", "ARRAY[$one], '{2}'::int[]",
		"ARRAY[$two, $one], '{2,1,2}'::int[]", "ARRAY[$one, $two, $one], '{1,1,2,2}'::int[]")
	  if !mut(0.5);
	return pick('NULL::bytea[], NULL::int[]', "ARRAY[$two], NULL::int[]",
		"ARRAY[$two], '{0,1}'::int[]", "ARRAY[$two], '{-1,1}'::int[]",
		"ARRAY[$one], '{1,1}'::int[]", "ARRAY[$two], '{1}'::int[]",
		"ARRAY[$two], '{1,9}'::int[]", "ARRAY[$two, NULL], '{1,2}'::int[]",
		"'{}'::bytea[], '{}'::int[]", "ARRAY[ARRAY[$two]], '{1,2}'::int[]",
		"ARRAY[$two], '{1,NULL}'::int[]", "ARRAY[$two], '{2147483647,1}'::int[]",
		"array_fill($one, ARRAY[1001]), array_fill(1, ARRAY[1001])",
		"ARRAY[" . artifact_arg() . "], '{1,2}'::int[]",
		"ARRAY[" . artifact_arg() . ", $one], '{1,2,1}'::int[]",
		'ARRAY[' . artifact_arg() . '], ' . array_arg('integer'));
}

sub score_state_arg
{
	return pick('NULL::float8[]', "'{1,0,0,0,0,0,0}'::float8[]",
		"'{2,0,0,0,0,0,0,0,0}'::float8[]", "'{1,0,0,0,0,0}'::float8[]",
		"'{0,0,0,0,0,0,0}'::float8[]", "'{1001,0,0,0,0,0,0}'::float8[]",
		"'{NaN,0,0,0,0,0,0}'::float8[]", "'{1.5,0,0,0,0,0,0}'::float8[]",
		"'{1,0,0,0,0,0,NULL}'::float8[]", "'{{1,0},{0,0}}'::float8[]",
		'array_prepend(1000::float8, array_fill(0::float8, ARRAY[2004]))',
		'array_prepend(1000::float8, array_fill(1e308::float8, ARRAY[2003]))',
		array_arg('float8'));
}

# relation, target, features that train well, and names to train under
my @train_valid = ([ 'fz_tab', 'y', '{x1,x2}' ], [ 'fz_tab', 'y', '{x1,x2,x3,x4}' ],
	[ 'fz_tab', 'y', '{x1,x3}' ], [ 'fz_view', 'y', undef ], [ 'fz_mv', 'y', undef ],
	[ 'fz_part', 'y', undef ], [ 'fz_wide', 'y', undef ], [ 'fz_wide250', 'y', undef ],
	[ '"Odd ""Tab"""', 'y', undef ], [ '"Odd ""Tab"""', 'y', '{"Mixed Col"}' ],
	[ 'fz_domtab', 'y', undef ], [ 'fz_dropped', 'y', undef ],
	[ 'fz_alltypes', 'y', '{x1,x2,x3,x4}' ], [ 'fz_huge', 'y', undef ]);
my @train_models = ('fz_a', 'fz_b', 'fz_t', 'fz_new', 'fz_ü', 'Odd "Mdl"',
	'fz_n1', 'fz_n2', 'fz_n3', 'FZ_N1', 'fz_' . ('é' x 30), 'fz_nodep');

# kmeans's hyperparameters: valid values, or one key mutated
sub kmeans_jsonb_arg
{
	my %v = (k => pick(1, 2, 3, 8), n_init => pick(1, 3), max_iter => pick(1, 5, 300),
		tol => pick('0', '1e-4', '0.5'), scale => pick('"none"', '"standard"'),
		seed => pick(0, 7, -1));
	my @keys = grep { chance(0.5) } sort keys %v;
	if (mut(0.4))
	{
		my $key = pick('k', 'n_init', 'max_iter', 'tol', 'scale', 'clusters');
		push @keys, $key unless grep { $_ eq $key } @keys;
		$v{$key} = pick('0', '-1', '10001', '2.5', '"3"', 'null', 'true', '"minmax"',
			'1e308', '[3]');
	}
	return lit('{' . join(', ', map { "\"$_\": $v{$_}" } @keys) . '}') . '::jsonb';
}

my %gen = (
	train => sub {
		my ($rel, $target, $features) = @{ pick(@train_valid) };
		my $pca = chance(0.15);
		my $km = !$pca && chance(0.15);
		my @args = (
			mut(0.4) ? model_arg() : lit(pick(@train_models)),
			mut(0.3) ? rel_arg() : lit($rel) . '::regclass',
			mut(0.3) ? text_arg(\@col_valid, \@col_mutant)
			: $pca || ($km && chance(0.9)) ? 'NULL::text' : lit($target));
		my $enet = !$pca && !$km && chance(0.3);
		my @named = (
			[ 'algorithm', $pca ? text_arg([ 'pca' ], [ 'PCA', 'pca ', 'prcomp' ])
				: $km ? text_arg([ 'kmeans', 'auto' ], [ 'KMeans', 'k-means' ])
				: $enet
				? text_arg([ 'elastic_net' ], [ 'elasticnet', 'ElasticNet', 'lasso' ])
				: text_arg([ 'auto', 'linear', 'logistic' ],
					[ 'LINEAR', 'Linear', ' linear', 'linear ', 'Logistic',
					  'xgboost', 'random_forest', 'XGBoost', 'random forest', 'kmeans',
					  'linear;--', 'é' ]) ],
			[ 'hyperparams', $pca && chance(0.8) ? pca_jsonb_arg()
				: $km && chance(0.8) ? kmeans_jsonb_arg()
				: $enet && chance(0.8) ? enet_jsonb_arg() : jsonb_arg() ],
			[ 'features', mut(0.3) ? features_arg()
				: defined $features ? lit($features) . '::text[]' : 'NULL::text[]' ],
			[ 'test_size', float_arg([ '0', '0.25', '0.5' ]) ],
			[ 'deploy', text_arg([ 'best', 'always', 'never' ],
				[ 'BEST', 'most_recent', 'x', 'always ' ]) ]);
		if (chance(0.3))
		{    # positional
			my $k = int(rand(@named + 1));
			push @args, map { $_->[1] } @named[ 0 .. $k - 1 ];
		}
		else
		{
			push @args, map { "$_->[0] => $_->[1]" } grep { chance(0.6) } @named;
		}
		return 'SELECT * FROM mlops.train(' . join(', ', @args) . ')';
	},
	coefficients => sub { 'SELECT * FROM mlops.coefficients(' . model_arg() . ')' },
	deploy_version => sub {
		'SELECT mlops.deploy(' . model_arg() . ', ' . int_arg() . ')';
	},
	deploy_strategy => sub {
		my $s = text_arg([ 'best', 'most_recent' ],
			[ 'BEST', 'latest', 'most recent', 'most_recent ', '1' ]);
		if (chance(0.4))
		{
			my @rels = ('fz_tab', 'fz_view', 'fz_empty', 'fz_nan', 'fz_wide', 'fz_alltypes',
				'fz_txtrow', 'fz_secret', 'fz_huge', 'fz_dropped');
			return 'SELECT mlops.deploy(' . model_arg() . ", $s, "
			  . (mut(0.3) ? rel_arg() : lit(pick(@rels)) . '::regclass') . ', '
			  . text_arg([ 'y', 'y', 'x1' ], [ 'txt', 'b', 'nonexistent', 'Y', 'ctid' ]) . ')';
		}
		return 'SELECT mlops.deploy(' . model_arg() . ', '
		  . (chance(0.3) ? "strategy => $s" : $s) . ')';
	},
	rollback => sub { 'SELECT mlops.rollback(' . model_arg() . ')' },
	drop_model => sub { 'SELECT mlops.drop_model(' . model_arg() . ')' },
	linear_state_2 => sub {
		my ($from, undef, $f, $t) = agg_rows(0);
		$f //= 'f';
		$t //= 't';
		return "SELECT mlops.linear_state($f, $t)::text $from";
	},
	linear_state_3 => sub {
		my ($from, $flag, $f, $t) = agg_rows(1);
		$f //= 'f';
		$t //= 't';
		return "SELECT mlops.linear_state($f, $t$flag) $from";
	},
	linear_merge => sub {
		my $n = pick(1, 2, 3, 5);
		return 'SELECT mlops.linear_final(mlops.linear_merge(s)) FROM (VALUES '
		  . join(', ', map { '(' . state_arg() . ')' } 1 .. $n) . ') v(s)'
		  if chance(0.5);
		return 'SELECT mlops.linear_merge(s)::text FROM (VALUES '
		  . join(', ', map { '(' . state_arg() . ')' } 1 .. $n) . ') v(s)';
	},
	linear_final => sub {
		my $alpha = chance(0.3) ? '' : ', ' . float_arg([ '0', '1', '0.5' ]);
		return 'SELECT mlops.linear_final(' . state_arg() . "$alpha)";
	},
	pass_state_in => sub {
		my $h = chance(0.1) ? pick(@state_hex) : hex_mutant();
		return pick('SELECT ' . lit($h) . '::mlops.pass_state::text',
			'SELECT mlops.pass_state_in(' . lit($h) . '::cstring)',
			'SELECT mlops.pass_state_send(' . lit($h) . '::mlops.pass_state)',
			'SELECT mlops.pass_state_out(' . lit($h) . '::mlops.pass_state)',
			'SELECT mlops.linear_final(' . lit($h) . ')');
	},
	'grant' => sub {
		'SELECT mlops.grant(' . model_arg() . ', '
		  . text_arg([ 'predict', 'train', 'deploy', 'own' ],
			[ 'PREDICT', 'Own', 'select', 'all', 'own;', 'usage' ]) . ', '
		  . text_arg([ 'fz_user', 'fz_trainer', 'PUBLIC', 'public' ],
			[ 'nonexistent', 'mlops_admin', 'postgres', '"fz_user"', 'FZ_USER',
			  'pg_read_all_data', 'Public ', 'pg_signal_backend', 'mlops_trainer' ]) . ')';
	},
	'revoke' => sub {
		'SELECT mlops.revoke(' . model_arg() . ', '
		  . text_arg([ 'predict', 'train', 'deploy', 'own' ],
			[ 'PREDICT', 'Own', 'select', 'all', 'own;', 'usage' ]) . ', '
		  . text_arg([ 'fz_user', 'fz_trainer', 'PUBLIC', 'public' ],
			[ 'nonexistent', 'mlops_admin', 'postgres', '"fz_user"', 'FZ_USER',
			  'pg_read_all_data', 'Public ', 'pg_signal_backend', 'mlops_trainer' ]) . ')';
	},
	# reachable by any role, though not documented: the aggregates' pieces
	_linear_accum => sub {
		my $flag = chance(0.5) ? '' : ', ' . pick('true', 'false', 'NULL::boolean');
		return 'SELECT mlops._linear_accum(' . state_arg() . ', '
		  . array_arg('float8') . ', ' . f8_num() . "::float8$flag)::text";
	},
	_linear_combine => sub {
		'SELECT mlops._linear_combine(' . state_arg() . ', ' . state_arg() . ')::text';
	},
	_linear_train_accum => sub {
		if (chance(0.5))
		{
			return 'SELECT mlops._linear_train_accum(' . state_arg() . ', '
			  . array_arg('float8') . ', ' . f8_num() . '::float8, '
			  . pick('true', 'false', 'NULL::boolean') . ', '
			  . float_arg([ '0', '0.25' ]) . ', '
			  . pick('0', '7', '-1', 'NULL', '9223372036854775807') . '::bigint, '
			  . names_arg() . ')::text';
		}
		return 'SELECT mlops._linear_train_accum(' . state_arg() . ', '
		  . pick('true', 'false', 'NULL::boolean') . ', '
		  . float_arg([ '0', '0.25' ]) . ', '
		  . pick('0', '7', '-1', 'NULL') . '::bigint, ' . names_arg()
		  . join('', map { ", $_" } variadic_args()) . ')::text';
	},
	_linear_train_state => sub {
		my $v = join('', map { ", $_" } variadic_args());
		return 'SELECT mlops._linear_train_state('
		  . pick('true', 'false', 'NULL::boolean') . ', '
		  . float_arg([ '0', '0.25' ]) . ', '
		  . pick('0', '7', '-1', 'NULL') . '::bigint, ' . names_arg()
		  . "$v)::text FROM generate_series(1, " . pick(1, 3, 600) . ') g';
	},
	_linear_gram_accum => sub {
		return 'SELECT mlops._linear_gram_accum(' . state_arg() . ', '
		  . pick('true', 'false', 'NULL::boolean') . ', '
		  . float_arg([ '0', '0.25' ]) . ', '
		  . pick('0', '7', '-1', 'NULL') . '::bigint, ' . names_arg()
		  . join('', map { ", $_" } variadic_args()) . ')::text';
	},
	_linear_gram_state => sub {
		my $v = join('', map { ", $_" } variadic_args());
		return 'SELECT mlops._linear_gram_state('
		  . pick('true', 'false', 'NULL::boolean') . ', '
		  . float_arg([ '0', '0.25' ]) . ', '
		  . pick('0', '7', '-1', 'NULL') . '::bigint, ' . names_arg()
		  . "$v)::text FROM generate_series(1, " . pick(1, 3, 600, 1100) . ') g';
	},
	_linear_eval_accum => sub {
		if (chance(0.5))
		{
			return 'SELECT mlops._linear_eval_accum(' . eval_state_arg() . ', '
			  . eval_state_arg() . ', ' . pick('true', 'false', 'NULL::boolean')
			  . ', ' . float_arg([ '0', '0.25' ]) . ', '
			  . pick('0', '7', '-1', 'NULL') . '::bigint, '
			  . pick('true', 'false', 'NULL::boolean')
			  . join('', map { ", $_" } variadic_args()) . ')';
		}
		return 'SELECT mlops._linear_eval_accum(' . eval_state_arg() . ', '
		  . eval_state_arg() . ', ' . f8_num() . '::float8, '
		  . array_arg('float8') . ', ' . pick('true', 'false', 'NULL::boolean')
		  . ', ' . float_arg([ '0', '0.25' ]) . ', '
		  . pick('0', '7', '-1', 'NULL') . '::bigint, '
		  . pick('true', 'false', 'NULL::boolean') . ')';
	},
	_linear_eval_combine => sub {
		'SELECT mlops._linear_eval_combine(' . eval_state_arg() . ', '
		  . eval_state_arg() . ')';
	},
	_linear_eval_state => sub {
		my $coef = eval_state_arg();
		if (chance(0.5))
		{
			return "SELECT mlops._linear_eval_state($coef, "
			  . pick('true', 'false') . ', ' . float_arg([ '0', '0.25' ])
			  . ', 0::bigint, ' . pick('true', 'false')
			  . join('', map { ", $_" } variadic_args())
			  . ') FROM generate_series(1, ' . pick(1, 3, 50) . ') g';
		}
		return "SELECT mlops._linear_eval_state($coef, y, ARRAY[x1, x2], "
		  . pick('true', 'false') . ', ' . float_arg([ '0', '0.25' ])
		  . ', 0::bigint, ' . pick('true', 'false') . ') FROM fz_tab';
	},
	_linear_compare_accum => sub {
		return 'SELECT mlops._linear_compare_accum(' . eval_state_arg() . ', '
		  . eval_state_arg() . ', ' . pick('true', 'false', 'NULL::boolean')
		  . ', ' . float_arg([ '0', '0.25', '1' ]) . ', '
		  . pick('0', '7', '-1', 'NULL') . '::bigint, '
		  . pick('true', 'false', 'NULL::boolean') . ', ' . other_args()
		  . join('', map { ", $_" } variadic_args()) . ')' if chance(0.5);
		return 'SELECT mlops._linear_compare_accum(' . eval_state_arg() . ', '
		  . array_arg('float8') . ', ' . f8_num() . '::float8, ' . extra_arg() . ', '
		  . eval_state_arg() . ', ' . pick('true', 'false', 'NULL::boolean')
		  . ', ' . float_arg([ '0', '0.25', '1' ]) . ', '
		  . pick('0', '7', '-1', 'NULL') . '::bigint, '
		  . pick('true', 'false', 'NULL::boolean') . ', ' . other_coef_arg() . ', '
		  . pos_arg() . ')';
	},
	_linear_compare_combine => sub {
		'SELECT mlops._linear_compare_combine(' . cmp_value() . ', ' . cmp_value() . ')';
	},
	_linear_compare_state => sub {
		my $coef = chance(0.7) ? "'{1,2,3,0,0,0}'::float8[]" : eval_state_arg();
		return maybe_parallel() . "SELECT mlops._linear_compare_state($coef, "
		  . pick('true', 'false') . ', ' . float_arg([ '0', '0.25', '0.5' ])
		  . ', 0::bigint, ' . pick('true', 'false') . ', ' . other_args()
		  . ', y, x1, x2) FROM ' . pick('fz_tab', 'fz_nan', 'fz_empty') if chance(0.5);
		return "SELECT mlops._linear_compare_state(ARRAY[x1, x2], y, " . extra_arg()
		  . ", $coef, " . pick('true', 'false') . ', ' . float_arg([ '0', '0.25' ])
		  . ', 0::bigint, ' . pick('true', 'false') . ', ' . other_coef_arg() . ', '
		  . pos_arg() . ') FROM fz_tab';
	},
	_score_accum => sub {
		'SELECT mlops._score_accum(' . score_state_arg() . ', '
		  . score_models() . ', ' . f8_num() . '::float8, ' . array_arg('float8') . ')';
	},
	_score_combine => sub {
		'SELECT mlops._score_combine(' . score_state_arg() . ', '
		  . score_state_arg() . ')';
	},
	_score_state => sub {
		return maybe_parallel() . 'SELECT mlops._score_state(' . score_models()
		  . ', y, ' . pick('ARRAY[x1, x2]', 'ARRAY[x1]', 'ARRAY[x1, x2, x3::float8]',
			'NULL::float8[]', "'{{1,2},{3,4}}'::float8[]")
		  . ') FROM ' . pick('fz_tab', 'fz_nan', 'fz_empty', 'fz_huge');
	},
);
# the catalog readers under the views: no arguments, so the quals vary
for my $r (qw(visible_models visible_versions visible_deployments
	visible_privileges visible_audit))
{
	$gen{$r} = sub {
		"SELECT count(*) FROM mlops.$r() r WHERE "
		  . pick('true', 'r.model_id = ' . pick('1', '0', '-1', '9223372036854775807', 'NULL'),
			'r.model_id >= 2 AND r.model_id < 3', 'r::text LIKE \'%fz%\'');
	};
}
$gen{describe} = sub {
	'SELECT mlops.describe(' . model_arg() . ', '
	  . text_arg([ 'churn model', '', "two\nlines", 'mod\x{e8}le' ],
		[ 'x' x 10000, "\t", '%s%n', "'; DROP TABLE fz_tab; --" ]) . ')';
};
# role references: names, markers, quoting, lengths
my @role_texts = ('fz_user', 'public', 'PUBLIC', 'Public', '"public"', '?fz_user',
	'!fz_user', '?', '!', '', '"', '""', '"a""b"', '"unterminated', '"a"b',
	'x' x 63, 'x' x 64, 'fz_user ', ' fz_user', "fz\tuser", '!!x', '?!x');
$gen{role_ref_in} = sub {
	'SELECT ' . lit(pick(@role_texts)) . '::mlops.role_ref::text';
};
$gen{role_ref_send} = sub {
	'SELECT mlops.role_ref_send(' . lit(pick(@role_texts)) . '::mlops.role_ref)';
};
for my $f (qw(role_name role_status))
{
	$gen{$f} = sub {
		my $arg = chance(0.5)
		  ? lit(pick(@role_texts)) . '::mlops.role_ref'
		  : pick('m.owner', 'NULL::mlops.role_ref');
		return "SELECT mlops.$f($arg) FROM mlops.visible_models() m";
	};
}
for my $t (qw(float8 real smallint integer bigint numeric))
{
	$gen{"predict_$t"} = sub {
		my $a = array_arg($t);
		# a third of them over a table, so the per-statement cache is used
		return 'SELECT sum(mlops.predict(' . model_arg() . ", $a)) FROM fz_tab WHERE id < "
		  . int(rand(30)) if chance(0.3);
		return 'SELECT mlops.predict(' . model_arg() . ", $a)";
	};
}
for my $t (qw(float8 real smallint integer bigint numeric))
{
	for my $f (qw(predict_proba predict_label transform))
	{
		$gen{"${f}_$t"} = sub {
			my $a = array_arg($t);
			return "SELECT count(mlops.$f(" . model_arg() . ", $a)) FROM fz_tab WHERE id < "
			  . int(rand(30)) if chance(0.3);
			return "SELECT mlops.$f(" . model_arg() . ", $a)";
		};
	}
}
for my $f (qw(predict_proba predict_label transform))
{
	$gen{"${f}_row"} = sub {
		return "SELECT count(mlops.$f(" . model_arg() . ', t)) FROM '
		  . pick('fz_tab', 'fz_cls', 'fz_alltypes', 'fz_nan', 'fz_wide250', 'fz_txtrow',
			'fz_dropped', 'fz_huge', 'fz_nulls') . ' t'
		  if chance(0.4);
		return "SELECT mlops.$f(" . model_arg() . ', ' . row_arg() . ')';
	};
}
$gen{classes} = sub { 'SELECT mlops.classes(' . model_arg() . ')' };
$gen{feature_names} = sub { 'SELECT mlops.feature_names(' . model_arg() . ')' };
for my $f (qw(evaluate confusion_matrix roc_curve))
{
	$gen{$f} = sub {
		my ($rel, $target) = @{ pick([ 'fz_tab', 'y' ], [ 'fz_cls', 'lab' ], [ 'fz_cls', 'flag' ],
			[ 'fz_nan', 'y' ], [ 'fz_empty', 'y' ], [ 'fz_txtrow', 'y' ], [ 'fz_alltypes', 'b' ]) };
		my $from = $f eq 'evaluate' ? 'SELECT mlops.evaluate(' : "SELECT count(*) FROM mlops.$f(";
		return $from . model_arg() . ', ' . (mut(0.3) ? rel_arg() : lit($rel) . '::regclass')
		  . ', ' . (mut(0.3) ? text_arg(\@col_valid, \@col_mutant) : lit($target)) . ')';
	};
}
$gen{centers} = sub { 'SELECT * FROM mlops.centers(' . model_arg() . ')' };
$gen{components} = sub { 'SELECT * FROM mlops.components(' . model_arg() . ')' };
# feature_importance: mostly on tree models (whose importance it reads by
# SQL over XGBoost's JSON), also laterally over a table, in a parallel
# plan now and then, and over every model a role sees
sub tree_model_arg { return mut(0.5) ? model_arg() : lit(pick(@tree_models)); }
$gen{feature_importance} = sub {
	my $m = tree_model_arg();
	my $r = rand();
	return "SELECT * FROM mlops.feature_importance($m)" if $r < 0.55;
	return "SELECT feature, weight FROM mlops.feature_importance($m) WITH ORDINALITY f "
	  . 'ORDER BY ordinality DESC LIMIT 1' if $r < 0.65;
	return maybe_parallel() . 'SELECT count(*), sum(f.weight), sum(f.total_gain) FROM fz_tab t, '
	  . "LATERAL mlops.feature_importance($m) f WHERE t.id < " . (2 + int(rand(30))) if $r < 0.85;
	return 'SELECT count(*) FROM mlops.visible_models() m, LATERAL mlops.feature_importance(m.name) f '
	  . 'WHERE m.name LIKE ' . lit(pick('fz\_xgb%', 'fz\_rf%', 'fz\_tree', 'fz\_t%', '%'));
};

# a logistic pass state: a real one (2 or 3 classes, 2 features), a
# linear one (another family's), NULL, or mutated text
sub logistic_state_arg
{
	my $real = '(SELECT mlops._logistic_state(' . pick("'{0,0,0}'", "'{0,0,0,1,1,1}'")
	  . "::float8[], 0, 0::bigint, (k % " . pick(2, 3) . ')::float8, x1, x2) FROM fz_cls)';
	return pick($real, 'NULL::mlops.pass_state', '(SELECT s FROM fz_states WHERE id = 2)',
		lit(hex_mutant()) . '::mlops.pass_state') if mut(0.5);
	return $real;
}
# the pca pass: the row as separate values after the names, or an array
$gen{_pca_train_state} = sub {
	return maybe_parallel() . 'SELECT mlops._pca_train_state(' . names_arg() . ', '
	  . pick('x1, x2', 'x1', 'x1, x2, x3::float8', "x1, 'NaN'::float8", 'x1, NULL::float8',
		"x1, '-Infinity'::float8") . ')::text FROM ' . pick('fz_tab', 'fz_nan', 'fz_empty')
	  if chance(0.5);
	my ($from, undef, $f) = agg_rows(0);
	$f //= 'f';
	return "SELECT mlops._pca_train_state($f, " . names_arg() . ")::text $from";
};
$gen{_pca_train_accum} = sub {
	return 'SELECT mlops._pca_train_accum(' . state_arg() . ', ' . names_arg()
	  . join('', map { ", $_" } variadic_args()) . ')::text' if chance(0.5);
	return 'SELECT mlops._pca_train_accum(' . state_arg() . ', ' . array_arg('float8') . ', '
	  . names_arg() . ')::text';
};
$gen{_pca_combine} = sub {
	'SELECT mlops._pca_combine(' . state_arg() . ', ' . state_arg() . ')::text';
};

# the logistic pass: coefficients for (K - 1) x (nfeat + 1) parameters
sub logistic_coef
{
	return pick(array_arg('float8'), 'NULL::float8[]', "'{}'::float8[]",
		'array_fill(0::float8, ARRAY[2049])', "'{NaN,0,0}'::float8[]",
		"'{1e308,1e308,1e308}'::float8[]") if mut(0.4);
	return "'{" . join(',', map { f8_num() } 1 .. pick(3, 6, 4, 8)) . "}'::float8[]";
}
$gen{_logistic_state} = sub {
	return maybe_parallel() . 'SELECT mlops._logistic_state(' . logistic_coef() . ', '
	  . float_arg([ '0', '0.25' ]) . ', ' . pick('0', '7', '-1', 'NULL') . '::bigint, '
	  . pick('(k % 2)::float8', 'k::float8', '(k % 3)::float8', "'-1'::float8", 'NULL::float8',
		"'NaN'::float8") . ', x1, x2) FROM fz_cls' if chance(0.6);
	return 'SELECT mlops._logistic_state(ARRAY[x1, x2], ' . pick('(k % 2)::float8', 'k::float8')
	  . ', ' . logistic_coef() . ', ' . float_arg([ '0', '0.25' ]) . ', 0::bigint) FROM fz_cls';
};
$gen{_logistic_accum} = sub {
	return 'SELECT mlops._logistic_accum(' . logistic_state_arg() . ', ' . logistic_coef() . ', '
	  . float_arg([ '0', '0.25' ]) . ', 0::bigint, 1::float8, 2::float8, 3::float8)'
	  if chance(0.5);
	return 'SELECT mlops._logistic_accum(' . logistic_state_arg() . ', ' . array_arg('float8')
	  . ', 1::float8, ' . logistic_coef() . ', ' . float_arg([ '0', '0.25' ]) . ', 0::bigint)';
};
$gen{_logistic_combine} = sub {
	'SELECT mlops._logistic_combine(' . logistic_state_arg() . ', ' . logistic_state_arg() . ')';
};

# naive_bayes: its pass (K classes, test_size, seed, names, then the class
# index and the features), its pieces, and training calls picking it
sub nb_state_arg
{
	my $r = rand();
	return 'NULL::mlops.pass_state' if $r < 0.1;
	return "'" . pick(@nb_state_hex) . "'::mlops.pass_state" if $r < 0.5;
	return lit(hex_mutant(@nb_state_hex)) . '::mlops.pass_state' if $r < 0.8;
	return state_arg();
}
sub nb_k { return mut(0.3) ? pick('1', '0', '-1', '1000', '1001', 'NULL::int', '2147483647') : pick('3', '3', '4', '2'); }
$gen{_naive_bayes_state} = sub {
	my $class = pick('(ascii(lab) - 97)::float8', 'k::float8', 'flag::int::float8', "'-1'::float8",
		'NULL::float8', "'NaN'::float8", '0.5::float8', '3::float8');
	return maybe_parallel() . 'SELECT mlops._naive_bayes_state(' . nb_k() . ', '
	  . float_arg([ '0', '0.25' ]) . ', ' . pick('0', '7', '-1', 'NULL') . '::bigint, '
	  . names_arg() . ", $class, x1, " . pick('x2', 'x3::float8', "'NaN'::float8", 'NULL::float8')
	  . ')::text FROM fz_cls' if chance(0.5);
	return 'SELECT mlops._naive_bayes_state(' . pick('ARRAY[x1, x2]', 'ARRAY[x1]', 'NULL::float8[]',
		"ARRAY[x1, 'Infinity']", "'{}'::float8[]", "'{{1,2}}'::float8[]", 'array_fill(x1, ARRAY[1601])')
	  . ", $class, " . nb_k() . ', ' . float_arg([ '0', '0.25' ]) . ', 0::bigint, '
	  . names_arg() . ')::text FROM fz_cls' if chance(0.6);
	return 'SELECT mlops._naive_bayes_state(' . nb_k() . ', 0::float8, 0::bigint, ' . names_arg()
	  . join('', map { ", $_" } variadic_args()) . ')::text FROM generate_series(1, '
	  . pick(1, 3, 600) . ') g';
};
$gen{_naive_bayes_accum} = sub {
	return 'SELECT mlops._naive_bayes_accum(' . nb_state_arg() . ', ' . nb_k()
	  . ', 0::float8, 0::bigint, ' . names_arg() . ', 1::float8, 2::float8)::text' if chance(0.5);
	return 'SELECT mlops._naive_bayes_accum(' . nb_state_arg() . ', ' . array_arg('float8')
	  . ', 1::float8, ' . nb_k() . ', ' . float_arg([ '0', '0.25' ]) . ', 0::bigint, '
	  . names_arg() . ')::text';
};
$gen{_naive_bayes_combine} = sub {
	'SELECT mlops._naive_bayes_combine(' . nb_state_arg() . ', ' . nb_state_arg() . ')::text';
};
sub nb_jsonb_arg
{
	return jsonb_arg() if mut(0.3);
	return lit('{"var_smoothing": ' . valid_or([ '0', '1e-9', '1e-3', '1' ],
		[ '-1', '"NaN"', 'null', 'true', '1e400', '-0', '1e308', '[]', '"1"' ]) . '}') . '::jsonb';
}
my $train_gen = $gen{train};
$gen{train} = sub {
	return $train_gen->() if chance(0.8);
	return 'SELECT * FROM mlops.train('
	  . (mut(0.4) ? model_arg() : lit(pick('fz_nb', 'fz_nb2', 'fz_cls', 'fz_a'))) . ', '
	  . (mut(0.3) ? rel_arg() : "'fz_cls'::regclass") . ', '
	  . text_arg([ 'lab', 'flag', 'k' ], [ 'x1', 'x3', 'nonexistent', 'ctid' ])
	  . ", algorithm => 'naive_bayes', hyperparams => " . nb_jsonb_arg()
	  . ', features => ' . (mut(0.3) ? features_arg() : "'{x1,x2,x3}'::text[]")
	  . ', test_size => ' . float_arg([ '0', '0.25', '0.5' ]) . ')';
};
# xgboost's and random_forest's hyperparameters: valid values (bounded so
# that a call stays short: at most 40 rounds or trees), or one key mutated
sub tree_jsonb_arg
{
	my ($forest) = @_;
	return jsonb_arg() if mut(0.1);
	my %valid = (
		n_estimators => [ '1', '3', '10', '40' ],
		max_depth => [ '0', '1', '3', '6', '12' ],
		eta => [ '0', '0.1', '0.3', '1' ],
		subsample => [ '0.5', '0.8', '1' ],
		colsample_bytree => [ '0.5', '1' ],
		colsample_bylevel => [ '0.5', '1' ],
		colsample_bynode => [ '0.3', '1' ],
		min_child_weight => [ '0', '1', '5' ],
		gamma => [ '0', '0.5' ],
		lambda => [ '0', '1', '10' ],
		alpha => [ '0', '0.5' ],
		max_bin => [ '2', '16', '256' ],
		tree_method => [ '"auto"', '"exact"', '"approx"', '"hist"' ],
		objective => [ '"auto"', '"reg:squarederror"', '"binary:logistic"', '"multi:softprob"' ],
		impute => [ '"missing"', '"missing"', '"drop"', '"mean"', '"median"',
			'{"x1": "missing", "x2": "median"}' ],
		seed => [ '0', '7', '-1' ],
		scale => [ '"none"', '"standard"' ]);
	unless ($forest)
	{
		$valid{early_stopping_rounds} = [ '0', '1', '3' ];
		$valid{validation_fraction} = [ '0.1', '0.5' ];
	}
	my @mutant = ('-1', '0', '1.5', '1e400', '100001', '65537', '64', '1e-7', '"1"', 'null',
		'true', '[]', '{}', '"NaN"', '2147483648', '-0', '1e308', '"missing"', '"Missing"',
		'"reg:linear"', '"gpu_hist"', '"binary:hinge"', '""', '{"x1": "missing", "nope": "mean"}');
	my @keys = grep { chance(0.3) } sort keys %valid;
	push @keys, 'n_estimators' unless grep { $_ eq 'n_estimators' } @keys;
	my %hp = map { $_ => pick(@{ $valid{$_} }) } @keys;
	$hp{ pick(sort keys %valid) } = pick(@mutant) if mut(0.3);
	$hp{ pick('early_stopping_rounds', 'k', 'fit_intercept', 'learning_rate', 'num_parallel_tree',
		'nthread', 'impute_value') } = pick('1', '5', '"x"') if mut(0.1);
	if (mut(0.05))
	{
		$hp{impute} = '"constant"';
		$hp{impute_value} = pick('0', '-1.5', '"NaN"', 'null');
	}
	return lit('{' . join(', ', map { "\"$_\": $hp{$_}" } sort keys %hp) . '}') . '::jsonb';
}
my @tree_train_models = ('fz_xgb', 'fz_rf', 'fz_tree', 'fz_tt', 'fz_new', 'fz_x1', 'fz_x2',
	'fz_a', 'fz_cls', 'fz_nb');
my $train_gen_nb = $gen{train};
$gen{train} = sub {
	return $train_gen_nb->() if chance(0.8);
	my $forest = chance(0.5);
	my ($rel, $target, $features) = @{ pick([ 'fz_cls', 'lab', '{x1,x2,x3}' ],
		[ 'fz_cls', 'flag', '{x1,x2}' ], [ 'fz_cls', 'k', undef ], [ 'fz_nulls', 'y', '{x1,x2,x3}' ],
		[ 'fz_nulls', 'y', undef ], [ 'fz_nulls', 'b', '{x1,x2}' ],
		[ 'fz_alltypes', 'y', '{x1,x2,x3,x4,b}' ], @train_valid) };
	# now and then XGBoost's own threads (a GUC the call sets for itself)
	my $threads = mut(0.1) ? 'SET LOCAL mlops.xgboost_threads = ' . pick(2, 2, 4, 0, 65) . '; ' : '';
	return $threads . 'SELECT * FROM mlops.train('
	  . (mut(0.3) ? model_arg() : lit(pick(@tree_train_models))) . ', '
	  . (mut(0.3) ? rel_arg() : lit($rel) . '::regclass') . ', '
	  . (mut(0.3) ? text_arg(\@col_valid, \@col_mutant) : lit($target)) . ', algorithm => '
	  . text_arg([ $forest ? 'random_forest' : 'xgboost' ],
		[ 'random_forest ', 'RandomForest', 'random-forest', 'XGBoost', 'xgb', 'gbm', 'rf' ])
	  . ', hyperparams => ' . tree_jsonb_arg($forest) . ', features => '
	  . (mut(0.3) ? features_arg() : defined $features ? lit($features) . '::text[]' : 'NULL::text[]')
	  . ', test_size => ' . float_arg([ '0', '0.25', '0.5' ])
	  . (chance(0.3) ? ', deploy => ' . text_arg([ 'best', 'always', 'never' ], [ 'x' ]) : '') . ')';
};

# the kmeans passes: the sample (k, seed, names) and Lloyd (centres
# starts x k x nfeat, inverse scales) aggregates, their transition and
# combine functions
sub kmeans_centres
{
	return pick(array_arg('float8'), 'NULL::float8[]', "'{1,2}'::float8[]",
		"'{{{NaN,1}}}'::float8[]", "'{{{1,2,3}}}'::float8[]",
		"array_fill(0::float8, ARRAY[1001, 1, 2])", "'[0:0][1:1][1:2]={{{1,2}}}'::float8[]")
	  if mut(0.4);
	return pick("'{{{1,2}}}'::float8[]", "'{{{1,2},{3,4}},{{0,0},{9,9}}}'::float8[]",
		"'{{{1e308,-1e308}}}'::float8[]");
}

sub kmeans_inverse_scales
{
	return pick(array_arg('float8'), "'{1,0}'::float8[]", "'{1,-1}'::float8[]",
		"'{1,Infinity}'::float8[]", "'{1}'::float8[]") if mut(0.4);
	return pick("'{1,1}'::float8[]", "'{0.5,2}'::float8[]");
}
$gen{_kmeans_sample_state} = sub {
	return maybe_parallel() . 'SELECT mlops._kmeans_sample_state(' . pick('1', '3', '0', '10001')
	  . ', ' . pick('0', '7', 'NULL') . '::bigint, ' . names_arg() . ', '
	  . pick('x1, x2', 'x1', "x1, 'NaN'::float8", 'x1, NULL::float8', 'x1, x3::float8')
	  . ')::text FROM ' . pick('fz_tab', 'fz_nan', 'fz_empty') if chance(0.6);
	return 'SELECT mlops._kmeans_sample_state(' . pick('ARRAY[x1, x2]', 'ARRAY[x1, NULL]')
	  . ', ' . pick('2', '0') . ', 0::bigint, NULL::text[])::text FROM fz_tab' if chance(0.5);
	return 'SELECT mlops._kmeans_sample_state(' . int_arg() . ', 0::bigint, ' . names_arg()
	  . join('', map { ", $_" } variadic_args()) . ')::text FROM generate_series(1, '
	  . pick(1, 3) . ') g';
};
$gen{_kmeans_lloyd_state} = sub {
	return maybe_parallel() . 'SELECT mlops._kmeans_lloyd_state(' . kmeans_centres() . ', '
	  . kmeans_inverse_scales() . ', ' . names_arg() . ', '
	  . pick('x1, x2', 'x1', "x1, 'NaN'::float8", 'x1, NULL::float8')
	  . ')::text FROM ' . pick('fz_tab', 'fz_nan', 'fz_empty') if chance(0.6);
	return 'SELECT mlops._kmeans_lloyd_state(' . pick('ARRAY[x1, x2]', array_arg('float8'))
	  . ', ' . kmeans_centres() . ', ' . kmeans_inverse_scales()
	  . ', NULL::text[])::text FROM fz_tab' if chance(0.5);
	return 'SELECT mlops._kmeans_lloyd_state(' . kmeans_centres() . ', '
	  . kmeans_inverse_scales() . ', ' . names_arg()
	  . join('', map { ", $_" } variadic_args()) . ')::text FROM generate_series(1, '
	  . pick(1, 3) . ') g';
};
$gen{_kmeans_sample_accum} = sub {
	'SELECT mlops._kmeans_sample_accum(' . state_arg() . ', 2, 0::bigint, NULL::text[], 1::float8)';
};
$gen{_kmeans_lloyd_accum} = sub {
	'SELECT mlops._kmeans_lloyd_accum(' . state_arg() . ', ' . kmeans_centres() . ', '
	  . kmeans_inverse_scales() . ', NULL::text[], 1::float8, 2::float8)';
};
$gen{_kmeans_combine} = sub {
	'SELECT mlops._kmeans_combine(' . state_arg() . ', ' . state_arg() . ')';
};

# the evaluation pass: a stored model (fz_arts, or fz_cls's), its target
# and features; its internal-state pieces are only reachable with NULL
$gen{_eval_state} = sub {
	my $art = chance(0.5) ? artifact_arg()
	  : "(SELECT v.artifact FROM mlops.model_version v JOIN mlops.model m USING (model_id) "
	  . "WHERE m.name = 'fz_cls' LIMIT 1)";
	return maybe_parallel() . "SELECT mlops._eval_state($art, " . float_arg([ '0', '0.25' ])
	  . ', ' . pick('0', '7') . '::bigint' . join('', map { ", $_" } variadic_args())
	  . ') FROM ' . pick('fz_tab', 'fz_nan', 'fz_empty') if chance(0.3);
	return maybe_parallel() . "SELECT mlops._eval_state($art, " . float_arg([ '0', '0.25' ])
	  . ', ' . pick('0', '7') . '::bigint, ' . pick('y', 'x3::float8', "'NaN'::float8", '(x3 % 3)::float8')
	  . ', ' . pick('ARRAY[x1, x2]', 'ARRAY[x1, x2, x3::float8]', 'ARRAY[x1]', 'NULL::float8[]',
		'ARRAY[x1, NULL]', "ARRAY[x1, 'NaN']")
	  . (chance(0.3) ? ', ' . pick('ARRAY[x2]', 'NULL::float8[]', "'{}'::float8[]", array_arg('float8')) : '')
	  . ') FROM ' . pick('fz_tab', 'fz_nan', 'fz_empty');
};
# the held-out test deploy => 'best' filters on: float8 rows, or a feature
# spec's bytes (bad magic, truncated, NULL) with the target and columns
$gen{_held_out} = sub {
	my $spec = pick("'\\x00'::bytea", 'NULL::bytea', "'\\x4d4c4f505353504301'::bytea",
		"'\\x4d4c4f5053535043010001000000'::bytea");
	return 'SELECT count(*) FILTER (WHERE mlops._held_out(' . float_arg([ '0', '0.25', '0.999' ])
	  . ', ' . pick('0', '7', 'NULL') . '::bigint' . join('', map { ", $_" } variadic_args())
	  . ')) FROM ' . pick('fz_tab', 'fz_nan', 'fz_empty') if chance(0.6);
	return 'SELECT mlops._held_out(0.25, 0::bigint, ' . $spec . ', y, x1, x2) FROM fz_tab';
};
for my $f (qw(_eval_accum _eval_combine _eval_serialize _eval_deserialize _eval_final))
{
	$gen{$f} = sub {
		return "SELECT mlops._eval_accum(NULL::internal, " . artifact_arg() . ", 0, 0, 1, '{1,2}')"
		  if $f eq '_eval_accum';
		return 'SELECT mlops._eval_combine(NULL::internal, NULL::internal)' if $f eq '_eval_combine';
		return 'SELECT mlops._eval_serialize(NULL::internal)' if $f eq '_eval_serialize';
		return "SELECT mlops._eval_deserialize(" . pick("'\\x00'::bytea", "''::bytea", 'NULL::bytea')
		  . ', NULL::internal)' if $f eq '_eval_deserialize';
		return 'SELECT mlops._eval_final(NULL::internal)';
	};
}

$gen{predict_row} = sub {
	return 'SELECT sum(mlops.predict(' . model_arg() . ', t)) FROM '
	  . pick('fz_tab', 'fz_alltypes', 'fz_nan', 'fz_wide', 'fz_wide250', 'fz_wide250',
		'"Odd ""Tab"""', 'fz_domtab', 'fz_txtrow', 'fz_dropped', 'fz_huge', 'fz_nulls') . ' t'
	  if chance(0.3);
	return 'SELECT mlops.predict(' . model_arg() . ', ' . row_arg() . ')';
};

# --- the support functions as PUBLIC, and through aggregates of a role
# granted EXECUTE on them on purpose
#
# PUBLIC (fz_user, fz_trainer) may neither call them nor build an
# aggregate on them: 42501 is the only right answer, so the arguments are
# values whose parsing cannot fail before the privilege check.
my %support = (
	_linear_accum => [ 'mlops.pass_state, float8[], float8',
		'mlops.pass_state, float8[], float8, boolean' ],
	_linear_combine => ['mlops.pass_state, mlops.pass_state'],
	_linear_train_accum => [
		'mlops.pass_state, float8[], float8, boolean, float8, bigint, text[]',
		'mlops.pass_state, boolean, float8, bigint, text[], "any"' ],
	_linear_gram_accum => ['mlops.pass_state, boolean, float8, bigint, text[], "any"'],
	_linear_eval_accum => [
		'float8[], float8[], boolean, float8, bigint, boolean, "any"',
		'float8[], float8[], float8, float8[], boolean, float8, bigint, boolean' ],
	_linear_eval_combine => ['float8[], float8[]'],
	_linear_compare_accum => [
		'float8[], float8[], boolean, float8, bigint, boolean, bytea, integer[], float8[], "any"',
		'float8[], float8[], float8, float8[], float8[], boolean, float8, bigint, boolean, bytea, integer[]' ],
	_linear_compare_combine => ['float8[], float8[]'],
	_score_accum => ['float8[], bytea[], integer[], float8, float8[]'],
	_score_combine => ['float8[], float8[]'],
	_logistic_accum => [ 'mlops.pass_state, float8[], float8, bigint, "any"',
		'mlops.pass_state, float8[], float8, float8[], float8, bigint' ],
	_logistic_combine => ['mlops.pass_state, mlops.pass_state'],
	_pca_train_accum => [ 'mlops.pass_state, text[], "any"',
		'mlops.pass_state, float8[], text[]' ],
	_pca_combine => ['mlops.pass_state, mlops.pass_state'],
	_kmeans_sample_accum => [ 'mlops.pass_state, integer, bigint, text[], "any"',
		'mlops.pass_state, float8[], integer, bigint, text[]' ],
	_kmeans_lloyd_accum => [ 'mlops.pass_state, float8[], float8[], text[], "any"',
		'mlops.pass_state, float8[], float8[], float8[], text[]' ],
	_kmeans_combine => ['mlops.pass_state, mlops.pass_state']);
$support{_naive_bayes_accum} = [ 'mlops.pass_state, integer, float8, bigint, text[], "any"',
	'mlops.pass_state, float8[], float8, integer, float8, bigint, text[]' ];
$support{_naive_bayes_combine} = ['mlops.pass_state, mlops.pass_state'];
my @plain_arrays = ("'{-5}'", "'{-3,0,0,0,0}'", "'{{1,2},{3,4}}'", "'[0:1]={1,2}'",
	"'{1,NULL}'", "'{}'", "'{1e308}'", "'{NaN}'", "'{1,0,0,0,0,0,0,0,0,0,0,0,0}'");

# the states whose text is short (not the 100-feature one)
my @small_hex = grep { length($_) < 20000 } @state_hex;
cmp_ok(scalar(@small_hex), '>=', 6, 'the pool of short states is not empty');

sub parse_safe_arg
{
	my ($type) = @_;
	return join(', ', map { pick(f8_num() . '::float8', "'x'::text", '1::int', 'NULL') }
		  1 .. pick(1, 2, 3)) if $type eq '"any"';
	return "NULL::$type" if chance(0.15);
	return pick("'" . pick(@small_hex) . "'::mlops.pass_state",
		'(SELECT s FROM fz_states WHERE id = ' . (1 + int(rand(10))) . ')')
	  if $type eq 'mlops.pass_state';
	if ($type eq 'float8[]')
	{
		return pick(@plain_arrays) . '::float8[]' if chance(0.5);
		return 'ARRAY[' . join(', ', map { f8_num() . '::float8' } 1 .. pick(1, 2, 13)) . ']';
	}
	return f8_num() . '::float8' if $type eq 'float8';
	return pick('true', 'false') if $type eq 'boolean';
	return pick('0', '7', '-1', '9223372036854775807') . '::bigint' if $type eq 'bigint';
	return pick('0', '3', '-1', '2147483647') . '::integer' if $type eq 'integer';
	return pick('NULL::text[]', "'{x1,x2}'::text[]", "'{}'::text[]", "ARRAY[NULL]::text[]")
	  if $type eq 'text[]';
	return pick("'{1}'::int[]", "'{1,2}'::int[]", "'{-1}'::int[]", "'{}'::int[]")
	  if $type eq 'integer[]';
	return pick("'\\x00'::bytea", "''::bytea") if $type eq 'bytea';
	return pick("ARRAY['\\x00'::bytea]", "'{}'::bytea[]") if $type eq 'bytea[]';
	die "no parse-safe value for $type";
}

sub public_call
{
	my ($fn) = @_;
	my @types = split /, /, pick(@{ $support{$fn} });
	my $stype = shift @types;
	if (chance(0.5))
	{
		my @args = map { parse_safe_arg($_) } ($stype, @types);
		return "SELECT mlops.$fn(" . join(', ', @args) . ')';
	}
	my $in = join(', ', map { $_ eq '"any"' ? 'VARIADIC "any"' : $_ } @types);
	my $combine = $stype eq 'float8[]' ? 'mlops._linear_eval_combine' : 'mlops._linear_combine';
	return "CREATE AGGREGATE pg_temp.fz_pub($in) (SFUNC = mlops.$fn, STYPE = $stype"
	  . (chance(0.5) ? ", COMBINEFUNC = $combine, PARALLEL = SAFE" : '') . ')'
	  if $fn !~ /_combine$/ || $stype ne 'float8[]' || chance(0.5);
	return 'CREATE AGGREGATE pg_temp.fz_pub(float8[]) (SFUNC = array_cat, '
	  . "STYPE = float8[], COMBINEFUNC = mlops.$fn)";
}
for my $fn (sort keys %support)
{
	$gen{"public:$fn"} = sub { public_call($fn) };
}

# fz_granted's own aggregates, in schema fz_evil: one of each shape, and
# the same again with crafted INITCONDs (those the type's input accepts)
sub ev_len { return 11 + 2 * $_[0]; }

# the text of an evaluation state: mostly the right length for its
# parameter count k, with the count, the length or the shape mutated;
# $small: short enough for a row of PLAIN storage
sub eval_state_text
{
	my ($small) = @_;
	my $k = $small ? pick(1, 1, 2, 3, 5, 101) : pick(1, 1, 2, 3, 5, 101, 251, 1601);
	my $len = ev_len($k);
	my $first = $k;
	my $r = rand();
	return pick('{-5}', '{-3,0,0,0,0}', '{{1,0},{0,0}}', '{NULL}', '{1e9}') if $r > 0.95;
	if ($r < 0.3)
	{
		$first = pick(-5, -3, -1, 0, 1.5, '1e9', 2147483648, 'NaN', 'Infinity',
			'-Infinity', 1602, $k + 1, $k - 1);
	}
	elsif ($r < 0.45)
	{
		$len += pick(-1, 1, 1 - $len, 2 * $k);
	}
	my @e = ($first, map { pick('0', '0', '0', '1', '-1', '1e308', 'NaN', '5e-324') } 2 .. $len);
	$e[ int(rand(@e)) ] = 'NULL' if $r > 0.9;
	my $txt = '{' . join(',', @e) . '}';
	$txt = '[0:' . ($len - 1) . "]=$txt" if $r > 0.85 && $r <= 0.9;
	return $txt;
}

# the text of a comparison state: an evaluation state's, 8 elements longer
# most of the time
sub cmp_state_text
{
	my $t = eval_state_text(1);
	return $t if chance(0.2) || $t !~ /^\{[^{]/;
	$t =~ s/\}$//;
	return $t . (',0' x pick(8, 8, 8, 7, 9)) . '}';
}

my @evil_base = (
	[ 'ev_comb', '(float8[]) (SFUNC = mlops._linear_eval_combine, STYPE = float8[], '
		  . 'COMBINEFUNC = mlops._linear_eval_combine, PARALLEL = SAFE', 'eval' ],
	[ 'ev_cat', '(float8[]) (SFUNC = array_cat, STYPE = float8[], '
		  . 'COMBINEFUNC = mlops._linear_eval_combine, PARALLEL = SAFE', 'eval' ],
	[ 'ev_acc', '(float8[], float8, float8[], boolean, float8, bigint, boolean) ('
		  . 'SFUNC = mlops._linear_eval_accum, STYPE = float8[], '
		  . 'COMBINEFUNC = mlops._linear_eval_combine, PARALLEL = SAFE', 'eval' ],
	[ 'ev_args', '(float8[], boolean, float8, bigint, boolean, VARIADIC "any") ('
		  . 'SFUNC = mlops._linear_eval_accum, STYPE = float8[], '
		  . 'COMBINEFUNC = mlops._linear_eval_combine, PARALLEL = SAFE', 'eval' ],
	[ 'cmp_comb', '(float8[]) (SFUNC = mlops._linear_compare_combine, STYPE = float8[], '
		  . 'COMBINEFUNC = mlops._linear_compare_combine, PARALLEL = SAFE', 'cmp' ],
	[ 'cmp_args', '(float8[], boolean, float8, bigint, boolean, bytea, integer[], '
		  . 'float8[], VARIADIC "any") (SFUNC = mlops._linear_compare_accum, STYPE = float8[], '
		  . 'COMBINEFUNC = mlops._linear_compare_combine, PARALLEL = SAFE', 'cmp' ],
	[ 'cmp_arr', '(float8[], float8, float8[], float8[], boolean, float8, bigint, boolean, '
		  . 'bytea, integer[]) (SFUNC = mlops._linear_compare_accum, STYPE = float8[], '
		  . 'COMBINEFUNC = mlops._linear_compare_combine, PARALLEL = SAFE', 'cmp' ],
	[ 'sc_acc', '(bytea[], integer[], float8, float8[]) (SFUNC = mlops._score_accum, '
		  . 'STYPE = float8[], COMBINEFUNC = mlops._score_combine, PARALLEL = SAFE',
		'score' ],
	[ 'sc_comb', '(float8[]) (SFUNC = mlops._score_combine, STYPE = float8[], '
		  . 'COMBINEFUNC = mlops._score_combine, PARALLEL = SAFE', 'score' ],
	[ 'ls_acc', '(float8[], float8) (SFUNC = mlops._linear_accum, '
		  . 'STYPE = mlops.pass_state, COMBINEFUNC = mlops._linear_combine, PARALLEL = SAFE',
		'state' ],
	[ 'ls_acc3', '(float8[], float8, boolean) (SFUNC = mlops._linear_accum, '
		  . 'STYPE = mlops.pass_state, COMBINEFUNC = mlops._linear_combine, PARALLEL = SAFE',
		'state' ],
	[ 'ls_merge', '(mlops.pass_state) (SFUNC = mlops._linear_combine, '
		  . 'STYPE = mlops.pass_state, COMBINEFUNC = mlops._linear_combine, PARALLEL = SAFE',
		'state' ],
	[ 'tr_acc', '(float8[], float8, boolean, float8, bigint, text[]) ('
		  . 'SFUNC = mlops._linear_train_accum, STYPE = mlops.pass_state, '
		  . 'COMBINEFUNC = mlops._linear_combine, PARALLEL = SAFE', 'state' ],
	[ 'tr_args', '(boolean, float8, bigint, text[], VARIADIC "any") ('
		  . 'SFUNC = mlops._linear_train_accum, STYPE = mlops.pass_state, '
		  . 'COMBINEFUNC = mlops._linear_combine, PARALLEL = SAFE', 'state' ],
	[ 'gr_args', '(boolean, float8, bigint, text[], VARIADIC "any") ('
		  . 'SFUNC = mlops._linear_gram_accum, STYPE = mlops.pass_state, '
		  . 'COMBINEFUNC = mlops._linear_combine, PARALLEL = SAFE', 'state' ],
	[ 'pc_args', '(text[], VARIADIC "any") (SFUNC = mlops._pca_train_accum, '
		  . 'STYPE = mlops.pass_state, COMBINEFUNC = mlops._pca_combine, PARALLEL = SAFE',
		'pca' ],
	[ 'pc_acc', '(float8[], text[]) (SFUNC = mlops._pca_train_accum, '
		  . 'STYPE = mlops.pass_state, COMBINEFUNC = mlops._pca_combine, PARALLEL = SAFE',
		'pca' ],
	[ 'pc_merge', '(mlops.pass_state) (SFUNC = mlops._pca_combine, '
		  . 'STYPE = mlops.pass_state, COMBINEFUNC = mlops._pca_combine, PARALLEL = SAFE',
		'pca' ]);
# states the input accepts but no aggregate of ours makes: counts at the
# edge of int64, no features but an intercept, one row short of a full
# buffer (1 feature: 520 rows); in the wire format of src/pass_state.c,
# the buffers all zeros and not sent
sub linear_state_hex
{
	my ($flags, $nfeat, $ncol, $bufcap, $nbuf, $nrows, $nskipped, @doubles) = @_;
	return sprintf('4d4c5053000100010001%04x%08x%08x%08x%08x%08x%016x%016x%016x%08x%08x',
		$flags, $nfeat, $ncol, $bufcap, $nbuf, 0, $nrows, $nskipped, 0,
		$ncol * ($ncol + $bufcap), scalar(@doubles))
	  . join('', map { unpack('H*', pack('d>', $_)) } @doubles);
}
# pca states (src/algo_pca.c): header, then the mean and the p x p
# co-moment matrix, all sent; the counts or dimensions at their edges
sub pca_state_hex
{
	my ($nfeat, $dim, $nrows, $nskipped, @doubles) = @_;
	return sprintf('4d4c5053000100060001%04x%08x%08x%08x%08x%08x%016x%016x%016x%08x%08x',
		0, $nfeat & 0xffffffff, $dim, 0, 0, 0, $nrows, $nskipped, 0, scalar(@doubles),
		scalar(@doubles))
	  . join('', map { unpack('H*', pack('d>', $_)) } @doubles);
}
my @pca_states = (
	pca_state_hex(1, 1, 9223372036854775800, 6, 1.0, 2.0),
	pca_state_hex(2, 2, 1, 0, 1e308, -1e308, 1e308, 1e308, 0, 1e308),
	pca_state_hex(1, 1, 0, 0, 0.0, 0.0),
	pca_state_hex(-1, 0, 0, 3),
	pca_state_hex(2, 2, 3, 0, 0.5, 0.5, 1, 9e99, 0, -1));
my @crafted_states = (
	linear_state_hex(1, 2, 4, 520, 10, 9223372036854775792, 15),
	linear_state_hex(1, 0, 2, 520, 0, 1, 0, 1.0, 0.0, 2.0),
	linear_state_hex(1, 1, 3, 520, 519, 519, 0));
my @evil_sql;
for my $b (@evil_base)
{
	my ($name, $def, $kind) = @$b;
	push @evil_sql, "CREATE AGGREGATE fz_evil.$name $def)";
	for my $i (1 .. 12)
	{
		my $init = $kind eq 'eval' ? eval_state_text()
		  : $kind eq 'cmp' ? cmp_state_text()
		  : $kind eq 'score' ? pick('{1,0,0,0,0,0,0}', '{2,0,0,0,0,0,0,0,0}', '{1,0,0,0,0,0}',
			'{1,1e308,0,NaN,0,0,0}', '{-1,0,0,0,0,0,0}', '{1000,0}', '{1,0,0,0,0,0,NULL}')
		  : $kind eq 'pca' ? ($i <= 5 ? $pca_states[ $i - 1 ] : $i <= 8 ? pick(@state_hex)
			  : hex_mutant())
		  : $i <= 3 ? $crafted_states[ $i - 1 ]
		  : $i <= 6 ? pick(@state_hex) : hex_mutant();
		push @evil_sql, "CREATE AGGREGATE fz_evil.${name}_i$i $def, INITCOND = " . lit($init) . ')';
	}
}
$node->safe_psql('postgres', q{
	CREATE SCHEMA fz_evil AUTHORIZATION fz_granted;
	REVOKE USAGE ON SCHEMA fz_evil FROM PUBLIC;
	GRANT EXECUTE ON FUNCTION
		mlops._linear_accum(mlops.pass_state, float8[], float8),
		mlops._linear_accum(mlops.pass_state, float8[], float8, boolean),
		mlops._linear_combine(mlops.pass_state, mlops.pass_state),
		mlops._linear_train_accum(mlops.pass_state, float8[], float8, boolean, float8,
			bigint, text[]),
		mlops._linear_train_accum(mlops.pass_state, boolean, float8, bigint, text[], "any"),
		mlops._linear_gram_accum(mlops.pass_state, boolean, float8, bigint, text[], "any"),
		mlops._linear_eval_accum(float8[], float8[], boolean, float8, bigint, boolean, "any"),
		mlops._linear_eval_accum(float8[], float8[], float8, float8[], boolean, float8,
			bigint, boolean),
		mlops._linear_eval_combine(float8[], float8[]),
		mlops._linear_compare_accum(float8[], float8[], boolean, float8, bigint, boolean,
			bytea, integer[], float8[], "any"),
		mlops._linear_compare_accum(float8[], float8[], float8, float8[], float8[], boolean,
			float8, bigint, boolean, bytea, integer[]),
		mlops._linear_compare_combine(float8[], float8[]),
		mlops._score_accum(float8[], bytea[], integer[], float8, float8[]),
		mlops._score_combine(float8[], float8[]),
		mlops._pca_train_accum(mlops.pass_state, text[], "any"),
		mlops._pca_train_accum(mlops.pass_state, float8[], text[]),
		mlops._pca_combine(mlops.pass_state, mlops.pass_state)
		TO fz_granted;
	CREATE FUNCTION fz_try(stmt text) RETURNS boolean LANGUAGE plpgsql AS $$
	BEGIN
		EXECUTE stmt;
		RETURN true;
	EXCEPTION WHEN OTHERS THEN
		RETURN false;
	END
	$$;
	SET ROLE fz_granted;
	CREATE TABLE fz_evil.plain (id int, p0 float8, p1 float8, p2 float8, x float8[]);
	ALTER TABLE fz_evil.plain ALTER COLUMN x SET STORAGE PLAIN;
} . join('', map { 'SELECT fz_try(' . lit($_) . ");\n" } @evil_sql)
  . 'INSERT INTO fz_evil.plain VALUES '
  . join(', ', map { "($_, power(2::float8, -1042), 0, 0, " . lit(eval_state_text(1)) . ')' } 1 .. 40)
  . ";\n");
my %evil;    # base name => the aggregates of that shape that exist
for my $row (split /\n/, $node->safe_psql('postgres', q{
	SELECT proname FROM pg_proc WHERE pronamespace = 'fz_evil'::regnamespace ORDER BY 1}))
{
	(my $base = $row) =~ s/_i\d+$//;
	push @{ $evil{$base} }, "fz_evil.$row";
}
note('fz_evil aggregates: ' . join(' ', map { "$_=" . scalar(@{ $evil{$_} }) } sort keys %evil));

# a forced parallel plan for a call over a table, now and then
sub maybe_parallel
{
	return chance(0.1)
	  ? 'SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0; '
	  . 'SET LOCAL min_parallel_table_scan_size = 0; '
	  . 'SET LOCAL max_parallel_workers_per_gather = 2; '
	  : '';
}

# an evaluation state as an argument: large ones built in SQL, so that
# the call's text stays short
sub eval_value
{
	return lit(eval_state_text(1)) . '::float8[]' if chance(0.8);
	my $k = pick(251, 1601);
	my $len = ev_len($k) + (mut(0.3) ? pick(-1, 1) : 0);
	my $first = mut(0.3) ? pick(-5, 0, 1602, "'NaN'", $k + 1) : $k;
	return "array_prepend(${first}::float8, array_fill("
	  . pick('0', '1', "'NaN'") . '::float8, ARRAY[' . ($len - 1) . ']))';
}

# a pass_state argument whose text is short
sub small_state_arg
{
	my $r = rand();
	return 'NULL::mlops.pass_state' if $r < 0.03;
	return '(SELECT s FROM fz_states WHERE id = ' . (1 + int(rand(10))) . ')' if $r < 0.4;
	return "'" . pick(@small_hex) . "'::mlops.pass_state" if $r < 0.5;
	return lit(hex_mutant(@small_hex)) . '::mlops.pass_state';
}

# rows of d features for the evaluation pass, and coefficients that fit
# them (2 (d + intercept) values) most of the time
sub eval_rows_coef
{
	my $d = pick(1, 2, 2, 3, 5);
	my $intercept = pick('true', 'false');
	my $k = $d + ($intercept eq 'true' ? 1 : 0);
	my $coef = mut(0.4) ? pick(eval_value(), array_arg('float8'),
		'array_fill(0::float8, ARRAY[' . pick(4000, 3202, 3204, 2 * $k + 2) . '])')
	  : 'ARRAY[' . join(', ', map { f8_num() . '::float8' } 1 .. 2 * $k) . ']';
	my @rows = map {
		my $dd = mut(0.1) ? pick(0, 1, 2, 3) : $d;
		'(' . (mut(0.05) ? "'{{1,2},{3,4}}'::float8[]" : 'ARRAY['
			  . join(', ', map { f8_num() . '::float8' } 1 .. $dd) . ']::float8[]')
		  . ', ' . f8_num() . '::float8)';
	} 1 .. pick(1, 2, 5);
	return ($coef, $intercept, 'FROM (VALUES ' . join(', ', @rows) . ') v(f, t)');
}

my %granted = (
	ev_comb => sub {
		my $agg = pick(@{ $evil{ev_comb} }, @{ $evil{ev_cat} });
		return maybe_parallel() . "SELECT $agg(x) IS NULL, length(string_agg(s, '')) FROM "
		  . '(SELECT t.x, NULL::text s FROM fz_evil.plain t WHERE id % '
		  . pick(1, 3, 7) . ' = 0 UNION ALL SELECT NULL, repeat(\'y\', 100) '
		  . 'FROM generate_series(1, 2000)) v' if chance(0.3);
		return "SELECT $agg(x) FROM (VALUES "
		  . join(', ', map { '(' . (chance(0.1) ? 'NULL::float8[]' : eval_value()) . ')' }
			  1 .. pick(1, 2, 3)) . ') v(x)';
	},
	ev_acc => sub {
		my $agg = pick(@{ $evil{ev_acc} });
		if (chance(0.2))
		{
			return maybe_parallel() . "SELECT $agg(ARRAY[x1, x2], y, "
			  . pick("'{1,2,3,0,0,0}'::float8[]", eval_value())
			  . ', true, ' . float_arg([ '0', '0.25' ]) . ', 0::bigint, '
			  . pick('true', 'false') . ') FROM fz_tab';
		}
		my ($coef, $intercept, $from) = eval_rows_coef();
		return "SELECT $agg(f, t, $coef, $intercept, " . float_arg([ '0', '0.25', '1' ])
		  . ', ' . pick('0', '7', '-1') . '::bigint, ' . pick('true', 'false') . ") $from";
	},
	ev_args => sub {
		my $agg = pick(@{ $evil{ev_args} });
		return maybe_parallel() . "SELECT $agg("
		  . pick("'{1,2,3,0,0,0}'::float8[]", eval_value())
		  . ', true, ' . float_arg([ '0', '0.25' ]) . ', 0::bigint, true, y, x1, '
		  . pick('x2', 'x4', 'x3::float8') . ') FROM fz_tab' if chance(0.4);
		my ($coef) = eval_rows_coef();
		return "SELECT $agg($coef, " . pick('true', 'false') . ', '
		  . float_arg([ '0', '0.25' ]) . ', 0::bigint, ' . pick('true', 'false')
		  . join('', map { ", $_" } variadic_args()) . ') FROM generate_series(1, '
		  . pick(1, 3) . ') g';
	},
	cmp_comb => sub {
		my $agg = pick(@{ $evil{cmp_comb} });
		return "SELECT $agg(x) FROM (VALUES "
		  . join(', ', map { '(' . cmp_value() . ')' } 1 .. pick(1, 2, 3)) . ') v(x)';
	},
	cmp_args => sub {
		my $agg = pick(@{ $evil{cmp_args} });
		return maybe_parallel() . "SELECT $agg('{1,2,3,0,0,0}'::float8[], true, "
		  . pick('0.25', '0.5') . ', 0::bigint, ' . pick('true', 'false') . ', '
		  . '(SELECT a FROM fz_arts WHERE id = 1), ' . pick("'{1,2}'::int[]", "'{3,1}'::int[]")
		  . ', ARRAY[x3::float8], y, x1, x2) FROM fz_tab' if chance(0.4);
		return maybe_parallel() . "SELECT $agg("
		  . pick("'{1,2,3,0,0,0}'::float8[]", eval_value())
		  . ', true, ' . float_arg([ '0.25', '0.5' ]) . ', 0::bigint, '
		  . pick('true', 'false') . ', ' . other_args() . ', y, x1, x2) FROM fz_tab'
		  if chance(0.4);
		my ($coef) = eval_rows_coef();
		return "SELECT $agg($coef, " . pick('true', 'false') . ', '
		  . float_arg([ '0.25', '1' ]) . ', 0::bigint, ' . pick('true', 'false') . ', '
		  . other_args() . join('', map { ", $_" } variadic_args())
		  . ') FROM generate_series(1, ' . pick(1, 3) . ') g';
	},
	cmp_arr => sub {
		my $agg = pick(@{ $evil{cmp_arr} });
		return maybe_parallel() . "SELECT $agg(ARRAY[x1, x2], y, ARRAY[x3::float8], "
		  . "'{1,2,3,0,0,0}'::float8[], true, " . pick('0.25', '0.5') . ', 0::bigint, '
		  . pick('true', 'false') . ', (SELECT a FROM fz_arts WHERE id = 1), '
		  . pick("'{1,2}'::int[]", "'{3,1}'::int[]") . ') FROM fz_tab' if chance(0.4);
		return maybe_parallel() . "SELECT $agg(ARRAY[x1, x2], y, " . extra_arg() . ', '
		  . pick("'{1,2,3,0,0,0}'::float8[]", eval_value()) . ', true, '
		  . float_arg([ '0.25', '0.5' ]) . ', 0::bigint, ' . pick('true', 'false') . ', '
		  . other_coef_arg() . ', ' . pos_arg() . ') FROM fz_tab';
	},
	sc_acc => sub {
		my $agg = pick(@{ $evil{sc_acc} });
		return maybe_parallel() . "SELECT $agg(" . score_models() . ', y, '
		  . pick('ARRAY[x1, x2]', 'ARRAY[x1]', 'NULL::float8[]', 'ARRAY[x1, NULL]')
		  . ') FROM ' . pick('fz_tab', 'fz_nan') if chance(0.6);
		return "SELECT $agg(" . score_models() . ', ' . f8_num() . '::float8, '
		  . array_arg('float8') . ') FROM generate_series(1, ' . pick(1, 3) . ') g';
	},
	sc_comb => sub {
		my $agg = pick(@{ $evil{sc_comb} });
		return "SELECT $agg(x) FROM (VALUES "
		  . join(', ', map { '(' . score_state_arg() . ')' } 1 .. pick(1, 2, 3)) . ') v(x)';
	},
	ls_acc => sub {
		if (chance(0.15))
		{
			my $agg = pick(@{ $evil{ls_acc} });
			return maybe_parallel() . "SELECT mlops.linear_final($agg("
			  . pick('ARRAY[x1, x2]', 'ARRAY[x1]', 'ARRAY[c1, c2, c250]')
			  . ', y)) FROM ' . pick('fz_tab', 'fz_wide250');
		}
		my $three = chance(0.5);
		my $agg = pick(@{ $evil{ $three ? 'ls_acc3' : 'ls_acc' } });
		my ($from, $flag, $f, $t) = agg_rows($three);
		$f //= 'f';
		$t //= 't';
		return pick("SELECT $agg($f, $t$flag)::text $from",
			"SELECT mlops.linear_final($agg($f, $t$flag)) $from");
	},
	ls_merge => sub {
		my $agg = pick(@{ $evil{ls_merge} });
		return maybe_parallel() . "SELECT mlops.linear_final($agg(s)) FROM fz_states"
		  if chance(0.1);
		my $v = 'FROM (VALUES ' . join(', ', map { '(' . small_state_arg() . ')' }
			  1 .. pick(1, 2, 3, 5)) . ') v(s)';
		return pick("SELECT $agg(s)::text $v", "SELECT mlops.linear_final($agg(s)) $v");
	},
	tr_acc => sub {
		if (chance(0.5))
		{
			my $agg = pick(@{ $evil{tr_acc} });
			my ($from, undef, $f, $t) = agg_rows(0);
			$f //= 'f';
			$t //= 't';
			return "SELECT mlops.linear_final($agg($f, $t, "
			  . pick('true', 'false', 'NULL::boolean') . ', '
			  . float_arg([ '0', '0.25' ]) . ', '
			  . pick('0', '7', '-1', 'NULL') . '::bigint, ' . names_arg() . ")) $from";
		}
		my $agg = pick(@{ $evil{tr_args} });
		return maybe_parallel() . "SELECT mlops.linear_final($agg(true, "
		  . float_arg([ '0', '0.25' ]) . ", 0, NULL, y, x1, x2)) FROM fz_tab" if chance(0.3);
		return "SELECT $agg(" . pick('true', 'false', 'NULL::boolean') . ', '
		  . float_arg([ '0', '0.25' ]) . ', '
		  . pick('0', '7', '-1', 'NULL') . '::bigint, ' . names_arg()
		  . join('', map { ", $_" } variadic_args()) . ')::text FROM generate_series(1, '
		  . pick(1, 3, 600) . ') g';
	});
$granted{gr_args} = sub {
	my $agg = pick(@{ $evil{gr_args} });
	return maybe_parallel() . "SELECT mlops.linear_final($agg("
	  . pick('true', 'false') . ', ' . float_arg([ '0', '0.25' ])
	  . ", 0, NULL, y::float8, x1, x2)) FROM fz_tab" if chance(0.3);
	return "SELECT $agg(" . pick('true', 'false', 'NULL::boolean') . ', '
	  . float_arg([ '0', '0.25' ]) . ', '
	  . pick('0', '7', '-1', 'NULL') . '::bigint, ' . names_arg()
	  . join('', map { ", $_" } variadic_args()) . ')::text FROM generate_series(1, '
	  . pick(1, 3, 600, 1100) . ') g';
};
$granted{pc_args} = sub {
	my $agg = pick(@{ $evil{pc_args} });
	return maybe_parallel() . "SELECT $agg(" . names_arg() . ', x1, '
	  . pick('x2', 'x4', 'x3::float8', "'NaN'::float8") . ')::text FROM '
	  . pick('fz_tab', 'fz_nan', 'fz_empty') if chance(0.5);
	return "SELECT $agg(" . names_arg() . join('', map { ", $_" } variadic_args())
	  . ')::text FROM generate_series(1, ' . pick(1, 3, 600) . ') g';
};
$granted{pc_acc} = sub {
	my $agg = pick(@{ $evil{pc_acc} });
	my ($from, undef, $f) = agg_rows(0);
	$f //= 'f';
	return "SELECT $agg($f, " . names_arg() . ")::text $from";
};
$granted{pc_merge} = sub {
	my $agg = pick(@{ $evil{pc_merge} });
	return "SELECT $agg(s)::text FROM (VALUES "
	  . join(', ', map { '(' . pick(small_state_arg(), lit(pick(@pca_states)) . '::mlops.pass_state') . ')' }
		  1 .. pick(1, 2, 3)) . ') v(s)';
};
for my $k (keys %granted)
{
	$gen{"granted:$k"} = $granted{$k};
}

# Every function and aggregate a role can call in the schema must have a
# generator: a new function without one fails here.
my %covers = (
	train => 'train', predict => 'predict_', coefficients => 'coefficients',
	deploy => 'deploy_', rollback => 'rollback', drop_model => 'drop_model',
	'grant' => 'grant', 'revoke' => 'revoke', linear_state => 'linear_state_',
	linear_merge => 'linear_merge', linear_final => 'linear_final',
	pass_state_in => 'pass_state_in', pass_state_out => 'pass_state_in',
	pass_state_send => 'pass_state_in', _linear_accum => '_linear_accum',
	_linear_combine => '_linear_combine', _linear_train_accum => '_linear_train_accum',
	_linear_train_state => '_linear_train_state',
	_linear_gram_accum => '_linear_gram_accum',
	_linear_gram_state => '_linear_gram_state',
	_linear_eval_accum => '_linear_eval_accum',
	_linear_eval_combine => '_linear_eval_combine',
	_linear_eval_state => '_linear_eval_state',
	_linear_compare_accum => '_linear_compare_accum',
	_linear_compare_combine => '_linear_compare_combine',
	_linear_compare_state => '_linear_compare_state',
	_score_accum => '_score_accum',
	_score_combine => '_score_combine',
	_score_state => '_score_state',
	classes => 'classes', feature_names => 'feature_names', predict_proba => 'predict_proba_', predict_label => 'predict_label_',
	transform => 'transform_', centers => 'centers', components => 'components',
	feature_importance => 'feature_importance',
	evaluate => 'evaluate', confusion_matrix => 'confusion_matrix', roc_curve => 'roc_curve',
	_logistic_accum => '_logistic_accum', _logistic_combine => '_logistic_combine',
	_logistic_state => '_logistic_state', _eval_accum => '_eval_accum', _held_out => '_held_out',
	_naive_bayes_accum => '_naive_bayes_accum',
	_naive_bayes_combine => '_naive_bayes_combine',
	_naive_bayes_state => '_naive_bayes_state',
	_eval_combine => '_eval_combine', _eval_serialize => '_eval_serialize',
	_eval_deserialize => '_eval_deserialize', _eval_final => '_eval_final',
	_eval_state => '_eval_state',
	_pca_train_accum => '_pca_train_accum', _pca_combine => '_pca_combine',
	_pca_train_state => '_pca_train_state',
	_kmeans_sample_accum => '_kmeans_sample_accum', _kmeans_lloyd_accum => '_kmeans_lloyd_accum',
	_kmeans_combine => '_kmeans_combine', _kmeans_sample_state => '_kmeans_sample_state',
	_kmeans_lloyd_state => '_kmeans_lloyd_state',
	visible_models => 'visible_models', visible_versions => 'visible_versions',
	visible_deployments => 'visible_deployments',
	visible_privileges => 'visible_privileges', visible_audit => 'visible_audit',
	pass_state_recv => '(internal argument: not callable from SQL)',
	describe => 'describe', role_ref_in => 'role_ref_in',
	role_ref_out => 'role_ref_in', role_ref_send => 'role_ref_send',
	role_ref_recv => '(internal argument: not callable from SQL)',
	role_name => 'role_name', role_status => 'role_status',
	_drop_guard => '(event trigger: not callable)',
	_refuse_update => '(trigger: not callable)');
my @callable = split /\n/, $node->safe_psql('postgres', q{
	SELECT DISTINCT p.proname FROM pg_proc p
	WHERE p.pronamespace = 'mlops'::regnamespace ORDER BY 1});
my @uncovered = grep { !exists $covers{$_} } @callable;
is_deeply(\@uncovered, [], 'every function in schema mlops has a generator');

# --- generate, shuffled, each call assigned a role
my @keys = sort keys %gen;
my @calls;
for my $k (@keys)
{
	for (1 .. $per_fn)
	{
		local $MUT = pick(0.05, 0.15, 0.4, 0.4, 0.8);
		push @calls, [ $k, $gen{$k}->() ];
	}
}
for (my $i = $#calls; $i > 0; $i--)
{
	my $j = int(rand($i + 1));
	@calls[ $i, $j ] = @calls[ $j, $i ];
}
for my $c (@calls)
{
	my $r = rand();
	push @$c, $c->[0] =~ /^public:/ ? ($r < 0.6 ? 'fz_user' : 'fz_trainer')
	  : $c->[0] =~ /^granted:/ ? 'fz_granted'
	  : $r < 0.6 ? 'postgres' : $r < 0.85 ? 'fz_user' : 'fz_trainer';
}

$node->safe_psql('postgres', q{
	CREATE TABLE fz_call (id int PRIMARY KEY, fn text, role text, sql text);
	CREATE TABLE fz_result (id int PRIMARY KEY, fn text, role text,
		sqlstate text, message text);
	GRANT SELECT ON fz_call TO PUBLIC;
	GRANT INSERT, SELECT ON fz_result TO PUBLIC;
	-- Each call in a subtransaction; its result committed at once.  A
	-- successful drop_model is undone, so the models stay for later calls.
	CREATE PROCEDURE fz_run(lo int, hi int) LANGUAGE plpgsql AS $$
	DECLARE
		c record;
		st text;
		msg text;
	BEGIN
		FOR c IN SELECT * FROM fz_call WHERE id BETWEEN lo AND hi ORDER BY id LOOP
			EXECUTE format('SET ROLE %I', c.role);
			BEGIN
				EXECUTE c.sql;
				IF c.fn = 'drop_model' THEN
					RAISE EXCEPTION USING ERRCODE = 'FZRB0';
				END IF;
				st := '00000';
				msg := NULL;
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
				IF st = 'FZRB0' THEN
					st := '00000';
					msg := NULL;
				END IF;
			END;
			RESET ROLE;
			INSERT INTO fz_result VALUES (c.id, c.fn, c.role, st, msg);
			COMMIT;
		END LOOP;
	END
	$$;
});

my $batch_insert = 2000;
for (my $i = 0; $i < @calls; $i += $batch_insert)
{
	my $hi = $i + $batch_insert - 1;
	$hi = $#calls if $hi > $#calls;
	my $sql = 'INSERT INTO fz_call VALUES '
	  . join(",\n", map { '(' . ($_ + 1) . ', ' . lit($calls[$_][0]) . ', '
		  . lit($calls[$_][2]) . ', ' . lit($calls[$_][1]) . ')' } $i .. $hi);
	$node->safe_psql('postgres', $sql);
}
is($node->safe_psql('postgres', 'SELECT count(*) FROM fz_call'), scalar(@calls),
	'all generated calls stored');

# --- run, in batches; after a crash, note the call that was running
my $t0 = time();
my @failures;
my $signals_seen = 0;
my $next = 1;
my $batch = 500;
my $total = scalar(@calls);
while ($next <= $total)
{
	my $hi = $next + $batch - 1;
	$hi = $total if $hi > $total;
	my ($rc, $out, $err) = $node->psql('postgres', "CALL fz_run($next, $hi)",
		timeout => $PostgreSQL::Test::Utils::timeout_default);
	if ($rc != 0)
	{
		# a crash (the postmaster logs the signal), or an error that
		# escaped the procedure's handler: either way the call that was
		# running is the one after the last result
		$node->poll_query_until('postgres', 'SELECT true')
		  or BAIL_OUT('server did not come back after a crash');
		my $signals = () = slurp_file($node->logfile) =~ /terminated by signal/g;
		my $kind = $signals > $signals_seen ? 'CRASH' : 'ABORT';
		$signals_seen = $signals;
		my $done = $node->safe_psql('postgres',
			"SELECT coalesce(max(id), $next - 1) FROM fz_result WHERE id BETWEEN $next AND $hi");
		my $bad = $done + 1;
		my $sql = $node->safe_psql('postgres',
			"SELECT fn || ' as ' || role || ': ' || sql FROM fz_call WHERE id = $bad");
		push @failures, "$kind in call $bad ($sql): $err";
		$node->safe_psql('postgres',
			"INSERT INTO fz_result SELECT id, fn, role, '$kind', " . lit($err)
			  . " FROM fz_call WHERE id = $bad");
		$next = $bad + 1;
		next;
	}
	$next = $hi + 1;
}
my $elapsed = time() - $t0;

# --- figures
my $summary = $node->safe_psql('postgres', q{
	SELECT fn, count(*), count(*) FILTER (WHERE sqlstate = '00000'),
	       count(*) FILTER (WHERE sqlstate = 'XX000'),
	       count(*) FILTER (WHERE sqlstate IN ('CRASH', 'ABORT')),
	       count(*) FILTER (WHERE role <> 'postgres'),
	       count(DISTINCT sqlstate)
	FROM fz_result GROUP BY fn ORDER BY fn});
my ($calls_total, $xx000_total, $crash_total, $min_calls) = (0, 0, 0, undef);
for my $line (split /\n/, $summary)
{
	my ($fn, $n, $ok, $xx, $cr, $unpriv, $states) = split /\|/, $line;
	note(sprintf('%-20s calls=%d ok=%d unprivileged=%d sqlstates=%d crashes=%d xx000=%d',
		$fn, $n, $ok, $unpriv, $states, $cr, $xx));
	$calls_total += $n;
	$xx000_total += $xx;
	$crash_total += $cr;
	$min_calls = $n if !defined $min_calls || $n < $min_calls;
}
my $states = $node->safe_psql('postgres', q{
	SELECT string_agg(sqlstate || '=' || n, ' ' ORDER BY n DESC)
	FROM (SELECT sqlstate, count(*) AS n FROM fz_result GROUP BY 1) s});
note("sqlstates: $states");
my $log = slurp_file($node->logfile);
my $signals = () = $log =~ /terminated by signal/g;
diag(sprintf('mutated calls: seed=%d calls=%d functions=%d crashes=%d xx000=%d '
	  . 'min_per_function=%d runtime=%.1fs',
	$seed, $calls_total, scalar(@keys), $crash_total + 0, $xx000_total,
	$min_calls // 0, $elapsed));

is($node->safe_psql('postgres', 'SELECT count(*) FROM fz_result'), $total,
	'every call has a result');
is($crash_total, 0, 'no call crashed the server or escaped its error handler')
  or diag(join("\n", @failures));
is($signals, 0, 'the server log has no backend terminated by a signal');
is($xx000_total, 0, 'no call ended with XX000')
  or diag($node->safe_psql('postgres', q{
	SELECT string_agg(format('%s (%s calls): %s%s  e.g. %s', fn, n, message, E'\n', sql),
	                  E'\n' ORDER BY fn)
	FROM (SELECT DISTINCT ON (fn, message) fn, message, c.sql,
	             count(*) OVER (PARTITION BY fn, message) AS n
	      FROM fz_result r JOIN fz_call c USING (id, fn)
	      WHERE sqlstate = 'XX000' ORDER BY fn, message, length(c.sql)) x}));
# XGBoost's own errors (38000, its internals in the message) mean a
# value we let through that it refuses: ours to check and name first
is($node->safe_psql('postgres', q{
	SELECT string_agg(DISTINCT r.message || E'\n  e.g. ' || c.sql, E'\n')
	FROM fz_result r JOIN fz_call c USING (id, fn) WHERE sqlstate = '38000'}),
	'', 'no call ended with an error of XGBoost\'s own (38000)');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM fz_result
	WHERE sqlstate <> '00000' AND coalesce(message, '') = ''}),
	'0', 'every error has a message');
cmp_ok($min_calls // 0, '>=', $per_fn, "every function called at least $per_fn times");
is($node->safe_psql('postgres', q{
	SELECT count(DISTINCT fn) FROM fz_result WHERE role <> 'postgres'}),
	scalar(@keys), 'every function also called as an unprivileged role');
is($node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE sqlstate <> '42501') FROM fz_result
	WHERE fn LIKE 'public:%'}),
	'0', 'PUBLIC gets 42501, and only 42501, from every support function')
  or diag($node->safe_psql('postgres', q{
	SELECT string_agg(DISTINCT format('%s %s: %s', r.sqlstate, r.message, c.sql), E'\n')
	FROM fz_result r JOIN fz_call c USING (id, fn)
	WHERE fn LIKE 'public:%' AND sqlstate <> '42501'}));
is($node->safe_psql('postgres', q{
	SELECT count(DISTINCT fn) FROM fz_result
	WHERE fn LIKE 'granted:%' AND sqlstate = '00000'}),
	scalar(grep { /^granted:/ } @keys),
	'each shape of aggregate the granted role built also succeeds on valid input');
note('support functions: ' . $node->safe_psql('postgres', q{
	SELECT string_agg(format('%s calls=%s sqlstates={%s}', g, n, states), '; ' ORDER BY g)
	FROM (SELECT g, sum(c) AS n, string_agg(sqlstate || '=' || c, ' ' ORDER BY c DESC) AS states
	      FROM (SELECT split_part(fn, ':', 1) AS g, sqlstate, count(*) AS c
	            FROM fz_result WHERE fn LIKE '%:%' GROUP BY 1, 2) x
	      GROUP BY g) s}));
cmp_ok($node->safe_psql('postgres', q{
	SELECT count(*) FROM fz_result r JOIN fz_call c USING (id, fn)
	WHERE r.fn LIKE 'predict%' AND r.sqlstate = '00000' AND c.sql LIKE '%fz_w250%'}),
	'>', 0, 'the wide model (250 features) is scored too');
# the tree models are reached, not only refused
my %tree_ok = split /[|\n]/, $node->safe_psql('postgres', q{
	SELECT 'importance', count(*) FROM fz_result r
	WHERE r.fn = 'feature_importance' AND r.sqlstate = '00000'
	UNION ALL
	SELECT 'scored', count(*) FROM fz_result r JOIN fz_call c USING (id, fn)
	WHERE (r.fn LIKE 'predict%' OR r.fn = 'evaluate' OR r.fn = 'classes')
	  AND r.sqlstate = '00000' AND c.sql ~ 'fz_(xgb|rf|tree|tt)'
	UNION ALL
	SELECT 'trained', count(*) FROM fz_result r JOIN fz_call c USING (id, fn)
	WHERE r.fn = 'train' AND r.sqlstate = '00000' AND c.sql ~ '''(xgboost|random_forest)'''
	UNION ALL
	SELECT 'refused', count(*) FROM fz_result r JOIN fz_call c USING (id, fn)
	WHERE r.fn = 'feature_importance' AND r.role = 'fz_user' AND r.sqlstate = '42501'
	  AND r.message = 'permission denied for model "fz_rf": predict privilege required'
	UNION ALL
	SELECT 'granted', count(*) FROM fz_result r JOIN fz_call c USING (id, fn)
	WHERE r.fn = 'feature_importance' AND r.role = 'fz_user' AND r.sqlstate = '00000'
	  AND c.sql LIKE '%feature\_importance(''fz\_xgb'')%'});
note('tree models: ' . join(' ', map { "$_=$tree_ok{$_}" } sort keys %tree_ok));
note("tree trainings' outcomes:\n" . $node->safe_psql('postgres', q{
	SELECT string_agg(format('%s %s: %s', n, sqlstate, message), E'\n' ORDER BY n DESC)
	FROM (SELECT r.sqlstate, left(regexp_replace(coalesce(r.message, ''), '"[^"]*"', '"…"', 'g'), 100) AS message,
	             count(*) AS n
	      FROM fz_result r JOIN fz_call c USING (id, fn)
	      WHERE r.fn = 'train' AND c.sql ~ '''(xgboost|random_forest)'''
	      GROUP BY 1, 2) s}));
cmp_ok($tree_ok{importance}, '>', 0, 'feature_importance succeeds on tree models');
cmp_ok($tree_ok{scored}, '>', 0, 'tree models are scored');
cmp_ok($tree_ok{trained}, '>', 0, 'tree models are trained');
cmp_ok($tree_ok{refused}, '>', 0,
	'feature_importance refuses fz_user, who may deploy fz_rf but not score it (42501)');
cmp_ok($tree_ok{granted}, '>', 0, '... and serves fz_user on fz_xgb, which it may score');
# (the grant generator gives privileges during the run: a model other
# than fz_xgb must have been granted predict or own to fz_user or PUBLIC
# by an earlier call)
is($node->safe_psql('postgres', q{
	SELECT string_agg(DISTINCT s.arg, ', ') FROM (
		SELECT r.id, split_part(substring(c.sql FROM 'feature_importance\(''([^'']*)'''), '@', 1) AS arg
		FROM fz_result r JOIN fz_call c USING (id, fn)
		WHERE r.fn = 'feature_importance' AND r.role = 'fz_user' AND r.sqlstate = '00000') s
	WHERE s.arg <> 'fz_xgb'
	  AND NOT EXISTS (SELECT FROM fz_result g JOIN fz_call gc USING (id, fn)
	                  WHERE g.fn = 'grant' AND g.sqlstate = '00000' AND g.id < s.id
	                    AND gc.sql IN (format('SELECT mlops.grant(%L, ''predict''::text, ''fz_user''::text)', s.arg),
	                                   format('SELECT mlops.grant(%L, ''predict''::text, ''public''::text)', s.arg),
	                                   format('SELECT mlops.grant(%L, ''own''::text, ''fz_user''::text)', s.arg),
	                                   format('SELECT mlops.grant(%L, ''own''::text, ''public''::text)', s.arg)))}),
	'', '... and on no model it was not granted');
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server still answers');

$node->stop;
done_testing();
