-- test/include/datasets.sql: the public datasets of data/ as tables of
-- schema public (each with an id in file order, made anew by every suite
-- that includes it, so that messages name them the same every run),
-- shared by the regress suites (\i after \getenv abs_srcdir
-- PG_ABS_SRCDIR), not a test itself.
SET client_min_messages = warning;
DROP TABLE IF EXISTS bc, iris, wine, diabetes, separated, quasi, mtcars CASCADE;
RESET client_min_messages;
\cd :abs_srcdir/../data
CREATE TABLE bc (mean_radius float8, mean_texture float8, mean_perimeter float8,
	mean_area float8, mean_smoothness float8, mean_compactness float8,
	mean_concavity float8, mean_concave_points float8, mean_symmetry float8,
	mean_fractal_dimension float8, radius_error float8, texture_error float8,
	perimeter_error float8, area_error float8, smoothness_error float8,
	compactness_error float8, concavity_error float8, concave_points_error float8,
	symmetry_error float8, fractal_dimension_error float8, worst_radius float8,
	worst_texture float8, worst_perimeter float8, worst_area float8,
	worst_smoothness float8, worst_compactness float8, worst_concavity float8,
	worst_concave_points float8, worst_symmetry float8, worst_fractal_dimension float8,
	diagnosis text);
\copy bc FROM 'breast_cancer.csv' (FORMAT csv, HEADER)
ALTER TABLE bc ADD COLUMN id serial;
CREATE TABLE iris (sepal_length float8, sepal_width float8, petal_length float8,
	petal_width float8, species text);
\copy iris FROM 'iris.csv' (FORMAT csv, HEADER)
ALTER TABLE iris ADD COLUMN id serial;
CREATE TABLE wine (alcohol float8, malic_acid float8, ash float8,
	alcalinity_of_ash float8, magnesium float8, total_phenols float8,
	flavanoids float8, nonflavanoid_phenols float8, proanthocyanins float8,
	color_intensity float8, hue float8, od280_od315_of_diluted_wines float8,
	proline float8, cultivar text);
\copy wine FROM 'wine.csv' (FORMAT csv, HEADER)
ALTER TABLE wine ADD COLUMN id serial;
CREATE TABLE diabetes (age float8, sex float8, bmi float8, bp float8,
	s1 float8, s2 float8, s3 float8, s4 float8, s5 float8, s6 float8,
	progression float8);
\copy diabetes FROM 'diabetes.csv' (FORMAT csv, HEADER)
ALTER TABLE diabetes ADD COLUMN id serial;
CREATE TABLE separated (x float8, y boolean);
\copy separated FROM 'separated.csv' (FORMAT csv, HEADER)
CREATE TABLE quasi (x float8, y boolean);
\copy quasi FROM 'quasi_separated.csv' (FORMAT csv, HEADER)
CREATE TABLE mtcars (model text, mpg float8, cyl text, disp float8, hp float8,
	drat float8, wt float8, qsec float8, vs boolean, am boolean, gear text,
	carb float8);
\copy mtcars FROM 'mtcars.csv' (FORMAT csv, HEADER)
ALTER TABLE mtcars ADD COLUMN id serial;
\cd :abs_srcdir
