--
-- typed_features: boolean and categorical (text, varchar, char, enum)
-- columns as features, encoded by the feature spec learned at training
-- and applied identically at scoring (preprocess.c): fits against R's lm
-- and glm with factor and logical predictors (treatment coding), the row
-- form of scoring on other row types, unseen and pooled categories, NULL
-- as a category, imputation of NULL numbers, dates and times with their
-- parts, fixed-length arrays, scaling, and the errors, each with its
-- SQLSTATE.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
\i :abs_srcdir/include/datasets.sql

CREATE FUNCTION pg_temp.relerr(a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) / greatest(abs(b), 1e-300) $$;

-- R 4.2.2: test/reference/typed_features.R (its .out)
CREATE TEMP TABLE r_coef (fit text, term text, estimate float8, std_error float8);
INSERT INTO r_coef VALUES
	('mtcars_lm', '(Intercept)', 33.753592004712168, 2.8134831018893571),
	('mtcars_lm', 'wt', -3.1495977811442484, 0.90804951730238637),
	('mtcars_lm', 'cyl=6', -4.2573185440316035, 1.4112393958727669),
	('mtcars_lm', 'cyl=8', -6.0791188669538618, 1.6837130989254021),
	('mtcars_lm', 'am', 0.15010311993449965, 1.3002231372888853),
	('mtcars_glm', '(Intercept)', -2.0287430596325633, 1.6036703143313413),
	('mtcars_glm', 'hp', 0.03797222547988869, 0.018902880630861648),
	('mtcars_glm', 'cyl=6', -2.8737476417517711, 1.3597792154759745),
	('mtcars_glm', 'cyl=8', -8.6442434520373705, 3.4231130755601646),
	('mtcars_enum', '(Intercept)', 34.303549559645191, 2.2815566846600217),
	('mtcars_enum', 'wt', -4.9090441235452387, 0.71123335574115776),
	('mtcars_enum', 'gear=4', 3.0751158969648422, 1.5517601958824092),
	('mtcars_enum', 'gear=3', 0.91206226233366539, 1.7519378390948122),
	('iris_lm', '(Intercept)', 2.390389140322589, 0.26226815323553454),
	('iris_lm', 'sepal_width', 0.43221720877198649, 0.081389819077474598),
	('iris_lm', 'petal_length', 0.7756294582811506, 0.064245662454852373),
	('iris_lm', 'species=versicolor', -0.95581230089869251, 0.21519853375086032),
	('iris_lm', 'species=virginica', -1.3940978715874246, 0.28566053125132346),
	('mtcars_na', '(Intercept)', 36.231157704181491, 2.0531708807623072),
	('mtcars_na', 'wt', -3.5370605910579092, 0.70583078097508201),
	('mtcars_na', 'hp', -0.020299056794287625, 0.010797480784927793),
	('mtcars_na', 'cyl=6', -3.0827606552052891, 1.3063125040394976),
	('mtcars_na', 'cyl=8', -3.1090989855617917, 2.0446111314683564);
CREATE TEMP TABLE r_fitted (fit text, row int, fitted float8);
INSERT INTO r_fitted VALUES
	('mtcars_lm', 1, 21.394430394017185),
	('mtcars_lm', 2, 20.591282959825339),
	('mtcars_lm', 3, 26.59662827239201),
	('mtcars_lm', 4, 19.370316594301809),
	('mtcars_lm', 5, 16.839856770622092),
	('mtcars_lm', 6, 18.598665137921468),
	('mtcars_lm', 7, 16.430409059073341),
	('mtcars_lm', 8, 23.706375082862017),
	('mtcars_lm', 9, 23.832358994107786),
	('mtcars_lm', 10, 18.661657093544353),
	('mtcars_lm', 11, 18.661657093544353),
	('mtcars_lm', 12, 14.855610168501217),
	('mtcars_lm', 13, 15.926473414090262),
	('mtcars_lm', 14, 15.76899352503305),
	('mtcars_lm', 15, 11.139084786751008),
	('mtcars_lm', 16, 10.591054772831908),
	('mtcars_lm', 17, 10.839872997542304),
	('mtcars_lm', 18, 26.974580006129319),
	('mtcars_lm', 19, 28.817094708098704),
	('mtcars_lm', 20, 28.124183196246971),
	('mtcars_lm', 21, 25.989833474191595),
	('mtcars_lm', 22, 16.587888948130551),
	('mtcars_lm', 23, 16.855604759527814),
	('mtcars_lm', 24, 15.580017658164396),
	('mtcars_lm', 25, 15.564269669258673),
	('mtcars_lm', 26, 27.809223418132543),
	('mtcars_lm', 27, 27.163555872997975),
	('mtcars_lm', 28, 29.138353681775417),
	('mtcars_lm', 29, 17.840351291465538),
	('mtcars_lm', 30, 20.921990726845497),
	('mtcars_lm', 31, 16.58051217900784),
	('mtcars_lm', 32, 25.147813293065656),
	('mtcars_glm', 1, 0.32617290930729059),
	('mtcars_glm', 2, 0.32617290930729059),
	('mtcars_glm', 3, 0.81797294178219471),
	('mtcars_glm', 4, 0.32617290930729059),
	('mtcars_glm', 5, 0.017500901149366678),
	('mtcars_glm', 6, 0.2858946679991311),
	('mtcars_glm', 7, 0.20265357214199395),
	('mtcars_glm', 8, 0.58067255917539795),
	('mtcars_glm', 9, 0.82900875518741368),
	('mtcars_glm', 10, 0.44228170479867046),
	('mtcars_glm', 11, 0.44228170479867046),
	('mtcars_glm', 12, 0.021082874202897357),
	('mtcars_glm', 13, 0.021082874202897357),
	('mtcars_glm', 14, 0.021082874202897357),
	('mtcars_glm', 15, 0.052715982000488687),
	('mtcars_glm', 16, 0.075232569755545181),
	('mtcars_glm', 17, 0.12571657370409847),
	('mtcars_glm', 18, 0.61713936360943544),
	('mtcars_glm', 19, 0.4864564801177243),
	('mtcars_glm', 20, 0.60812834942938132),
	('mtcars_glm', 21, 0.83950677432535414),
	('mtcars_glm', 22, 0.0068464658095032695),
	('mtcars_glm', 23, 0.0068464658095032695),
	('mtcars_glm', 24, 0.20265357214199395),
	('mtcars_glm', 25, 0.017500901149366678),
	('mtcars_glm', 26, 0.61713936360943544),
	('mtcars_glm', 27, 0.80639121605475339),
	('mtcars_glm', 28, 0.90569073149808466),
	('mtcars_glm', 29, 0.34336845013950101),
	('mtcars_glm', 30, 0.85102319448165542),
	('mtcars_glm', 31, 0.88571592358995144),
	('mtcars_glm', 32, 0.89189346521082324),
	('mtcars_enum', 1, 24.516969852921566),
	('mtcars_enum', 2, 23.265163601417463),
	('mtcars_enum', 3, 25.989683089985085),
	('mtcars_enum', 4, 19.433034964780919),
	('mtcars_enum', 5, 18.32850003698324),
	('mtcars_enum', 6, 18.230319154512337),
	('mtcars_enum', 7, 17.690324300922359),
	('mtcars_enum', 8, 21.718814702500726),
	('mtcars_enum', 9, 21.915176467442539),
	('mtcars_enum', 10, 20.491553671614419),
	('mtcars_enum', 11, 20.491553671614419),
	('mtcars_enum', 12, 15.23580223914974),
	('mtcars_enum', 13, 16.904877241155123),
	('mtcars_enum', 14, 16.659425034977861),
	('mtcars_enum', 15, 9.4431301733663631),
	('mtcars_enum', 16, 8.5889564958694891),
	('mtcars_enum', 17, 8.9767709816295671),
	('mtcars_enum', 18, 26.578768384810509),
	('mtcars_enum', 19, 29.450559197084473),
	('mtcars_enum', 20, 28.370569489904526),
	('mtcars_enum', 21, 23.114818057439848),
	('mtcars_enum', 22, 17.935776507099622),
	('mtcars_enum', 23, 18.353045257600964),
	('mtcars_enum', 24, 16.364882387565146),
	('mtcars_enum', 25, 16.340337166947418),
	('mtcars_enum', 26, 27.879665077549998),
	('mtcars_enum', 27, 23.798195135258382),
	('mtcars_enum', 28, 26.876165800721246),
	('mtcars_enum', 29, 18.74187968800679),
	('mtcars_enum', 30, 20.705497337424884),
	('mtcars_enum', 31, 16.778262038588696),
	('mtcars_enum', 32, 23.731522793154273),
	('iris_lm', 1, 4.9890306126181398),
	('iris_lm', 2, 4.7729220082321584),
	('iris_lm', 3, 4.7818025041584393),
	('iris_lm', 4, 4.8937066749374738),
	('iris_lm', 5, 5.0322523334953502),
	('iris_lm', 6, 5.3946063336112919),
	('iris_lm', 7, 4.9458088917409526),
	('iris_lm', 8, 5.0233718375690684),
	('iris_lm', 9, 4.7297002873549596),
	('iris_lm', 10, 4.893706674937472),
	('iris_lm', 11, 5.1530370002006647),
	('iris_lm', 12, 5.1009347833971841),
	('iris_lm', 13, 4.7729220082321584),
	('iris_lm', 14, 4.540233170747813),
	('iris_lm', 15, 5.0500133253479147),
	('iris_lm', 16, 5.4555890463410543),
	('iris_lm', 17, 5.0843545502988317),
	('iris_lm', 18, 4.9890306126181514),
	('iris_lm', 19, 5.3513846127340932),
	('iris_lm', 20, 5.1962587210778626),
	('iris_lm', 21, 5.1784977292252989),
	('iris_lm', 22, 5.1530370002006647),
	('iris_lm', 23, 4.7220005501828899),
	('iris_lm', 24, 5.1352760083481002),
	('iris_lm', 25, 5.3336236208815286),
	('iris_lm', 26, 4.928047899888389),
	('iris_lm', 27, 5.1009347833971841),
	('iris_lm', 28, 5.0665935584462671),
	('iris_lm', 29, 4.9458088917409535),
	('iris_lm', 30, 5.0144913416427865),
	('iris_lm', 31, 4.9712696207655878),
	('iris_lm', 32, 5.0233718375690684),
	('iris_lm', 33, 5.3259238837094589),
	('iris_lm', 34, 5.2915826587585428),
	('iris_lm', 35, 4.893706674937472),
	('iris_lm', 36, 4.7042395583303263),
	('iris_lm', 37, 4.9114676667900365),
	('iris_lm', 38, 5.0322523334953502),
	('iris_lm', 39, 4.6953590624040435),
	('iris_lm', 40, 5.0233718375690684),
	('iris_lm', 41, 4.9114676667900365),
	('iris_lm', 42, 4.392807016263653),
	('iris_lm', 43, 4.7818025041584411),
	('iris_lm', 44, 5.144156504274382),
	('iris_lm', 45, 5.5065105043903229),
	('iris_lm', 46, 4.7729220082321584),
	('iris_lm', 47, 5.2738216669059783),
	('iris_lm', 48, 4.859365449986556),
	('iris_lm', 49, 5.1530370002006647),
	('iris_lm', 50, 4.9025871708637547),
	('iris_lm', 51, 6.4631303614156606),
	('iris_lm', 52, 6.3080044697594309),
	('iris_lm', 53, 6.5750345321946924),
	('iris_lm', 54, 5.5311942527240667),
	('iris_lm', 55, 6.2126805320787506),
	('iris_lm', 56, 6.1351175862506357),
	('iris_lm', 57, 6.5063520822928593),
	('iris_lm', 58, 5.0314753528044598),
	('iris_lm', 59, 6.2559022529559494),
	('iris_lm', 60, 5.626518190404747),
	('iris_lm', 61, 5.0137143609518962),
	('iris_lm', 62, 5.9888721905206879),
	('iris_lm', 63, 5.4879725318468688),
	('iris_lm', 64, 6.3334651987840642),
	('iris_lm', 65, 5.4802727946747991),
	('iris_lm', 66, 6.1872198030541163),
	('iris_lm', 67, 6.2215610280050333),
	('iris_lm', 68, 5.7816440820609767),
	('iris_lm', 69, 5.875787260987444),
	('iris_lm', 70, 5.5400747486503494),
	('iris_lm', 71, 6.5406933072437754),
	('iris_lm', 72, 5.7473028571100606),
	('iris_lm', 73, 6.3157042069315006),
	('iris_lm', 74, 6.2902434779068663),
	('iris_lm', 75, 6.0232134154716039),
	('iris_lm', 76, 6.1439980821769185),
	('iris_lm', 77, 6.3678064237349812),
	('iris_lm', 78, 6.6093757571456084),
	('iris_lm', 79, 6.1783393071278345),
	('iris_lm', 80, 5.2730446862150879),
	('iris_lm', 81, 5.4192900819450358),
	('iris_lm', 82, 5.341727136116921),
	('iris_lm', 83, 5.626518190404747),
	('iris_lm', 84, 6.5572735403421269),
	('iris_lm', 85, 6.2215610280050333),
	('iris_lm', 86, 6.3944479115138275),
	('iris_lm', 87, 6.4199086405384618),
	('iris_lm', 88, 5.8414460360365279),
	('iris_lm', 89, 5.9113092446925721),
	('iris_lm', 90, 5.6176376944784643),
	('iris_lm', 91, 5.9711111986681233),
	('iris_lm', 92, 6.2991239738331481),
	('iris_lm', 93, 5.6608594153556631),
	('iris_lm', 94, 4.988253631927261),
	('iris_lm', 95, 5.8592070278890924),
	('iris_lm', 96, 5.9888721905206879),
	('iris_lm', 97, 5.9456504696434891),
	('iris_lm', 98, 6.0232134154716039),
	('iris_lm', 99, 4.842008236197314),
	('iris_lm', 100, 5.8248658029381755),
	('iris_lm', 101, 7.0763848073696227),
	('iris_lm', 102, 6.1189879696533955),
	('iris_lm', 103, 6.8691566989099124),
	('iris_lm', 104, 6.5932461405483682),
	('iris_lm', 105, 6.7915937530817967),
	('iris_lm', 106, 7.4120973197067173),
	('iris_lm', 107, 5.567166852930308),
	('iris_lm', 108, 7.136186761345173),
	('iris_lm', 109, 6.5754851486958037),
	('iris_lm', 110, 7.2836129158293339),
	('iris_lm', 111, 6.3350965740393885),
	('iris_lm', 112, 6.2741138613096261),
	('iris_lm', 113, 6.5589049155974521),
	('iris_lm', 114, 5.9549815820708831),
	('iris_lm', 115, 6.1622096905305943),
	('iris_lm', 116, 6.4902224656956191),
	('iris_lm', 117, 6.5589049155974521),
	('iris_lm', 118, 7.8354340325524223),
	('iris_lm', 119, 7.4718992736822685),
	('iris_lm', 120, 5.8253164194392877),
	('iris_lm', 121, 6.8004742490080794),
	('iris_lm', 122, 6.0070837988743646),
	('iris_lm', 123, 7.4032168237804354),
	('iris_lm', 124, 5.9638620779971658),
	('iris_lm', 125, 6.8436959698852782),
	('iris_lm', 126, 7.0331630864924248),
	('iris_lm', 127, 5.9295208530462489),
	('iris_lm', 128, 6.0935272406287622),
	('iris_lm', 129, 6.5500244196711694),
	('iris_lm', 130, 6.7915937530817967),
	('iris_lm', 131, 6.9378391488117446),
	('iris_lm', 132, 7.6027451950680769),
	('iris_lm', 133, 6.5500244196711694),
	('iris_lm', 134, 6.1622096905305943),
	('iris_lm', 135, 6.4635809779167719),
	('iris_lm', 136, 7.0242825905661421),
	('iris_lm', 137, 6.8093547449343612),
	('iris_lm', 138, 6.6021266364746509),
	('iris_lm', 139, 6.0159642948006464),
	('iris_lm', 140, 6.5245636906465361),
	('iris_lm', 141, 6.6796895823027649),
	('iris_lm', 142, 6.2918748531621898),
	('iris_lm', 143, 6.1189879696533955),
	('iris_lm', 144, 6.9556001406643091),
	('iris_lm', 145, 6.8436959698852782),
	('iris_lm', 146, 6.3262160781131076),
	('iris_lm', 147, 5.9549815820708831),
	('iris_lm', 148, 6.3262160781131076),
	('iris_lm', 149, 6.6542288532781315),
	('iris_lm', 150, 6.2486531322849919),
	('mtcars_na', 1, 21.648402053032836),
	('mtcars_na', 2, 20.746451602313073),
	('mtcars_na', 4, 19.543851001353385),
	('mtcars_na', 6, 18.778766440515636),
	('mtcars_na', 7, 15.521483493942494),
	('mtcars_na', 8, 23.689392897460927),
	('mtcars_na', 9, 23.161006446891751),
	('mtcars_na', 11, 18.484124630039616),
	('mtcars_na', 12, 15.072391890042233),
	('mtcars_na', 13, 16.274992491001925),
	('mtcars_na', 14, 16.09813946144903),
	('mtcars_na', 15, 10.391183972736711),
	('mtcars_na', 16, 9.5727448619497562),
	('mtcars_na', 18, 27.109886655431104),
	('mtcars_na', 19, 29.463253896320008),
	('mtcars_na', 21, 25.543294838177843),
	('mtcars_na', 22, 17.626746918952712),
	('mtcars_na', 23, 17.927397069192637),
	('mtcars_na', 25, 15.969725807001701),
	('mtcars_na', 26, 28.04720771206145),
	('mtcars_na', 27, 26.81463387103739),
	('mtcars_na', 28, 28.58579161215637),
	('mtcars_na', 29, 16.550625651274192),
	('mtcars_na', 30, 19.798404272745458),
	('mtcars_na', 31, 13.694568382456609),
	('mtcars_na', 32, 24.18553207046315);

-- lm(mpg ~ wt + cyl + am): cyl text, am boolean
SELECT model, algorithm, deployed
FROM mlops.train('tf_lm', 'mtcars', 'mpg', 'linear', features => '{wt,cyl,am}',
                 test_size => 0);
SELECT mlops.feature_names('tf_lm');
SELECT features FROM mlops.versions WHERE model = 'tf_lm';
SELECT count(*) AS terms,
       max(pg_temp.relerr(c.estimate, r.estimate)) < 1e-10 AS estimate_ok,
       max(pg_temp.relerr(c.std_error, r.std_error)) < 1e-10 AS std_error_ok
FROM mlops.coefficients('tf_lm') c JOIN r_coef r ON r.fit = 'mtcars_lm' AND r.term = c.term;
-- fitted values through the row form (the encoder) and the array form
SELECT count(*) AS rows,
       max(abs(mlops.predict('tf_lm', m) - r.fitted)) < 1e-10 AS row_form_ok,
       max(abs(mlops.predict('tf_lm', ARRAY[wt, (cyl = '6')::int, (cyl = '8')::int, am::int])
               - r.fitted)) < 1e-10 AS array_form_ok
FROM mtcars m JOIN r_fitted r ON r.fit = 'mtcars_lm' AND r.row = m.id;

-- glm(am ~ hp + cyl, binomial)
SELECT model, algorithm
FROM mlops.train('tf_glm', 'mtcars', 'am', 'logistic', features => '{hp,cyl}',
                 test_size => 0);
SELECT mlops.feature_names('tf_glm');
SELECT count(*) AS terms,
       max(pg_temp.relerr(c.estimate, r.estimate)) < 1e-8 AS estimate_ok,
       max(pg_temp.relerr(c.std_error, r.std_error)) < 1e-6 AS std_error_ok
FROM mlops.coefficients('tf_glm') c JOIN r_coef r ON r.fit = 'mtcars_glm' AND r.term = c.term;
SELECT count(*) AS rows,
       max(abs((mlops.predict_proba('tf_glm', m))[2] - r.fitted)) < 1e-9 AS proba_ok,
       bool_and(mlops.predict_label('tf_glm', m) = (r.fitted > 0.5)::text) AS label_ok
FROM mtcars m JOIN r_fitted r ON r.fit = 'mtcars_glm' AND r.row = m.id;
-- mlops.evaluate encodes the relation's rows the same way
SELECT (e->>'n')::int AS n, (e->>'accuracy')::float8 = (
         SELECT avg((((mlops.predict_proba('tf_glm', m))[2] > 0.5) = am)::int)
         FROM mtcars m) AS accuracy_ok
FROM mlops.evaluate('tf_glm', 'mtcars', 'am') e;

-- comparing versions on a relation reads each through its own spec
SELECT version FROM mlops.train('tf_glm', 'mtcars', 'am', 'logistic', features => '{hp}',
                                test_size => 0, deploy => 'never');
SELECT mlops.deploy('tf_glm', 'best', 'mtcars', 'am') AS best;
SELECT detail->'versions' AS versions FROM mlops.deployments WHERE model = 'tf_glm'
ORDER BY deployed_at DESC LIMIT 1;

-- an enum's categories come in enum order: the first label is the reference
CREATE TYPE tf_gear AS ENUM ('5', '4', '3');
CREATE TABLE tf_enum AS SELECT id, mpg, wt, gear::tf_gear AS gear FROM mtcars;
SELECT model FROM mlops.train('tf_enum', 'tf_enum', 'mpg', 'linear', features => '{wt,gear}',
                              test_size => 0);
SELECT mlops.feature_names('tf_enum');
SELECT count(*) AS terms,
       max(pg_temp.relerr(c.estimate, r.estimate)) < 1e-10 AS estimate_ok
FROM mlops.coefficients('tf_enum') c JOIN r_coef r ON r.fit = 'mtcars_enum' AND r.term = c.term;
SELECT max(abs(mlops.predict('tf_enum', t) - r.fitted)) < 1e-10 AS fitted_ok
FROM tf_enum t JOIN r_fitted r ON r.fit = 'mtcars_enum' AND r.row = t.id;
-- a label added to the enum since training scores as unseen: the reference
ALTER TYPE tf_gear ADD VALUE '6';
SELECT mlops.predict('tf_enum', r) = mlops.predict('tf_enum', ARRAY[3.0, 0, 0]) AS unseen_is_reference
FROM (SELECT 3.0::float8 AS wt, '6'::tf_gear AS gear) r;

-- 150 rows, a text column of three species
SELECT model FROM mlops.train('tf_iris', 'iris', 'sepal_length', 'linear',
                              features => '{sepal_width,petal_length,species}', test_size => 0);
SELECT count(*) AS terms,
       max(pg_temp.relerr(c.estimate, r.estimate)) < 1e-10 AS estimate_ok
FROM mlops.coefficients('tf_iris') c JOIN r_coef r ON r.fit = 'iris_lm' AND r.term = c.term;
SELECT max(abs(mlops.predict('tf_iris', i) - r.fitted)) < 1e-10 AS fitted_ok
FROM iris i JOIN r_fitted r ON r.fit = 'iris_lm' AND r.row = i.id;

-- scoring a row type whose columns are in another order, with extra
-- columns, of other types of the same families (varchar, char(n)),
-- and a row of a view over another table: bit-identical scores
CREATE TABLE tf_other (am boolean, extra text, cyl varchar(5), note int, wt float8, id int);
INSERT INTO tf_other SELECT am, 'x', cyl, 0, wt, id FROM mtcars;
CREATE VIEW tf_view AS SELECT id, cyl::char(3) AS cyl, wt, am, 1 AS more FROM tf_other;
SELECT bool_and(mlops.predict('tf_lm', m) = mlops.predict('tf_lm', v)) AS view_identical
FROM mtcars m JOIN tf_view v USING (id);
SELECT bool_and(mlops.predict('tf_lm', m) = mlops.predict('tf_lm', o)) AS reordered_identical
FROM (SELECT id, wt, cyl, am FROM mtcars) m JOIN (SELECT id, am, cyl, wt, extra FROM tf_other) o USING (id);
-- a category never seen at training scores as the reference level (all
-- zeros); a NULL category likewise, as the training rows held none; a
-- NULL number or boolean makes the score NULL
SELECT mlops.predict('tf_lm', r) = mlops.predict('tf_lm', ARRAY[3.0, 0, 0, 1]) AS unseen_is_reference
FROM (SELECT 3.0::float8 AS wt, '12'::text AS cyl, true AS am) r;
SELECT mlops.predict('tf_lm', r) = mlops.predict('tf_lm', ARRAY[3.0, 0, 0, 1]) AS null_is_reference
FROM (SELECT 3.0::float8 AS wt, NULL::text AS cyl, true AS am) r;
-- a category stored compressed, or out of line, is read (and unseen)
CREATE TABLE tf_toasted (wt float8, cyl text, am boolean);
INSERT INTO tf_toasted VALUES (3.0, repeat('6', 100000), true),
  (3.0, (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g), true);
SELECT pg_column_compression(cyl) IS NOT NULL AS compressed,
       octet_length(cyl) > 8000 AS long,
       mlops.predict('tf_lm', t) = mlops.predict('tf_lm', ARRAY[3.0, 0, 0, 1]) AS unseen_is_reference
FROM tf_toasted t ORDER BY 1;
DROP TABLE tf_toasted;
SELECT mlops.predict('tf_lm', r) IS NULL AS null_number,
       mlops.predict('tf_lm', s) IS NULL AS null_boolean
FROM (SELECT NULL::float8 AS wt, '4'::text AS cyl, true AS am) r,
     (SELECT 3.0::float8 AS wt, '4'::text AS cyl, NULL::boolean AS am) s;
-- a column whose type changed since training: an error naming both types
SELECT pg_temp.try($$SELECT mlops.predict('tf_lm', r) FROM (SELECT 3.0::float8 AS wt, 4 AS cyl, true AS am) r$$);
SELECT pg_temp.try($$SELECT mlops.predict('tf_lm', r) FROM (SELECT 3.0::float8 AS wt, '4'::text AS cyl, 1 AS am) r$$);
SELECT pg_temp.try($$SELECT mlops.predict('tf_enum', r) FROM (SELECT 3.0::float8 AS wt, '4'::text AS gear) r$$);
SELECT pg_temp.try($$SELECT mlops.predict('tf_lm', r) FROM (SELECT 3.0::float8 AS wt, true AS am) r$$);

-- NULL is a category of its own, after the others and never the
-- reference: the same fit as with NULL replaced by a text that sorts last
CREATE TABLE tf_nulls AS SELECT id, mpg, wt, CASE WHEN id % 5 = 0 THEN NULL ELSE cyl END AS cyl FROM mtcars;
CREATE VIEW tf_nulls_text AS SELECT id, mpg, wt, coalesce(cyl, '~null') AS cyl FROM tf_nulls;
SELECT model FROM mlops.train('tf_null', 'tf_nulls', 'mpg', 'linear', features => '{wt,cyl}', test_size => 0);
SELECT model FROM mlops.train('tf_null_text', 'tf_nulls_text', 'mpg', 'linear', features => '{wt,cyl}', test_size => 0);
SELECT mlops.feature_names('tf_null'), mlops.feature_names('tf_null_text');
SELECT max(abs(a.estimate - b.estimate)) < 1e-12 AS same_fit
FROM (SELECT row_number() OVER () AS k, estimate FROM mlops.coefficients('tf_null')) a
JOIN (SELECT row_number() OVER () AS k, estimate FROM mlops.coefficients('tf_null_text')) b USING (k);
SELECT bool_and(mlops.predict('tf_null', n) = mlops.predict('tf_null_text', t)) AS same_scores
FROM tf_nulls n JOIN tf_nulls_text t USING (id);

-- NULL numbers: "drop" (the default) skips the row, as R's na.omit;
-- "mean", "median" and "constant" fill in the value learned at training
-- (or given), as a table filled by SQL does, and so does scoring
CREATE TABLE tf_na AS
SELECT id, mpg, CASE WHEN id IN (3, 10, 17, 24) THEN NULL ELSE wt END AS wt,
       CASE WHEN id IN (5, 20) THEN NULL ELSE hp END AS hp, cyl
FROM mtcars;
SELECT model, (metrics->>'n_train')::int AS n_train, (metrics->>'rows_skipped')::int AS skipped
FROM mlops.train('tf_drop', 'tf_na', 'mpg', 'linear', features => '{wt,hp,cyl}', test_size => 0);
SELECT count(*) AS terms,
       max(pg_temp.relerr(c.estimate, r.estimate)) < 1e-10 AS estimate_ok,
       max(pg_temp.relerr(c.std_error, r.std_error)) < 1e-10 AS std_error_ok
FROM mlops.coefficients('tf_drop') c JOIN r_coef r ON r.fit = 'mtcars_na' AND r.term = c.term;
SELECT count(*) FILTER (WHERE p IS NULL) AS null_scores,
       max(abs(p - r.fitted)) < 1e-10 AS fitted_ok
FROM (SELECT id, mlops.predict('tf_drop', t) AS p FROM tf_na t) s
LEFT JOIN r_fitted r ON r.fit = 'mtcars_na' AND r.row = s.id;
SELECT model, (metrics->>'n_train')::int AS n_train, (metrics->>'rows_skipped')::int AS skipped
FROM mlops.train('tf_mean', 'tf_na', 'mpg', 'linear', '{"impute": "mean"}',
                 features => '{wt,hp,cyl}', test_size => 0);
SELECT model FROM mlops.train('tf_mixed', 'tf_na', 'mpg', 'linear',
                              '{"impute": {"wt": "median", "hp": "constant"}, "impute_value": 100}',
                              features => '{wt,hp,cyl}', test_size => 0);
SELECT hyperparams->'impute' AS impute, hyperparams->'impute_value' AS impute_value,
       jsonb_path_query_array(features, '$[*] ? (@.impute != null)') AS imputed
FROM mlops.versions WHERE model IN ('tf_mean', 'tf_mixed') ORDER BY model;
CREATE VIEW tf_na_mean AS
SELECT id, mpg, coalesce(wt, (SELECT avg(wt) FROM tf_na)) AS wt,
       coalesce(hp, (SELECT avg(hp) FROM tf_na)) AS hp, cyl FROM tf_na;
CREATE VIEW tf_na_mixed AS
SELECT id, mpg, coalesce(wt, (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY wt) FROM tf_na)) AS wt,
       coalesce(hp, 100) AS hp, cyl FROM tf_na;
SELECT model FROM mlops.train('tf_mean_sql', 'tf_na_mean', 'mpg', 'linear', features => '{wt,hp,cyl}', test_size => 0);
SELECT model FROM mlops.train('tf_mixed_sql', 'tf_na_mixed', 'mpg', 'linear', features => '{wt,hp,cyl}', test_size => 0);
SELECT a.m, max(pg_temp.relerr(a.estimate, b.estimate)) < 1e-12 AS same_fit
FROM (SELECT m, term, estimate FROM unnest('{tf_mean,tf_mixed}'::text[]) m, mlops.coefficients(m)) a
JOIN (SELECT m, term, estimate FROM unnest('{tf_mean,tf_mixed}'::text[]) m,
      mlops.coefficients(m || '_sql')) b USING (m, term)
GROUP BY a.m ORDER BY a.m;
SELECT bool_and(abs(mlops.predict('tf_mean', t) - mlops.predict('tf_mean_sql', f)) < 1e-12) AS mean_scores,
       bool_and(abs(mlops.predict('tf_mixed', t) - mlops.predict('tf_mixed_sql', g)) < 1e-12) AS mixed_scores
FROM tf_na t JOIN tf_na_mean f USING (id) JOIN tf_na_mixed g USING (id);
SELECT pg_temp.try($$SELECT mlops.train('tf_e5', 'tf_na', 'mpg', 'linear', '{"impute": {"nope": "mean"}}', features => '{wt,hp,cyl}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e5', 'tf_na', 'mpg', 'linear', '{"impute": {"cyl": "mean"}}', features => '{wt,hp,cyl}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e5', 'tf_na', 'mpg', 'linear', '{"impute": "mode"}', features => '{wt,hp,cyl}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e5', 'tf_na', 'mpg', 'linear', '{"impute": "constant"}', features => '{wt,hp,cyl}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e5', 'tf_na', 'mpg', 'linear', '{"impute_value": 1}', features => '{wt,hp,cyl}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e5', 'tf_na', 'mpg', 'linear', '{"impute": 3}', features => '{wt,hp,cyl}')$$);
CREATE TABLE tf_na_all AS SELECT mpg, NULL::float8 AS w, cyl FROM mtcars;
SELECT pg_temp.try($$SELECT mlops.train('tf_e5', 'tf_na_all', 'mpg', 'linear', '{"impute": "mean"}', features => '{w,cyl}')$$);

-- dates and times are epoch seconds (a timestamp as if UTC), with parts as
-- categorical features when asked (timestamptz's in UTC whatever the
-- session's TimeZone); the same fits and scores as a view computing them
-- in SQL; fixed-length arrays are a feature per element
SET TimeZone = 'America/New_York';
CREATE TABLE tf_time AS
SELECT g AS id, date '2024-01-01' + (g * 37 % 300) AS d,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '5 hours 7 minutes' AS ts,
       timestamp '2023-06-01 12:00' + (g * 53 % 400) * interval '1 day 1 hour' AS lt,
       ARRAY[(g * 13 % 17) * 0.5, g % 7]::float8[] AS arr, ARRAY[g % 5, g % 3]::int[] AS iarr,
       (g % 7) * 2.0 + g * 0.01 + (g % 24) * 0.1 + (g * 7 % 11) AS y
FROM generate_series(1, 400) g;
CREATE VIEW tf_time_sql AS
SELECT id, y, extract(epoch FROM d)::float8 AS d, extract(epoch FROM ts)::float8 AS ts,
       extract(epoch FROM lt)::float8 AS lt,
       extract(dow FROM d)::int::text AS d_dow, lpad(extract(hour FROM ts AT TIME ZONE 'UTC')::int::text, 2, '0') AS ts_hour,
       lpad(extract(month FROM ts AT TIME ZONE 'UTC')::int::text, 2, '0') AS ts_month,
       extract(quarter FROM lt)::int::text AS lt_quarter,
       arr[1] AS arr1, arr[2] AS arr2, iarr[1] AS iarr1, iarr[2] AS iarr2
FROM tf_time;
SELECT model FROM mlops.train('tf_time', 'tf_time', 'y', 'linear',
    '{"date_parts": {"d": ["dow"], "ts": ["hour", "month"], "lt": ["quarter"]}}',
    features => '{d,ts,lt,arr,iarr}', test_size => 0);
SELECT model FROM mlops.train('tf_time_sql', 'tf_time_sql', 'y', 'linear',
    features => '{d,ts,lt,arr1,arr2,iarr1,iarr2,d_dow,ts_hour,ts_month,lt_quarter}', test_size => 0);
SELECT array_length(mlops.feature_names('tf_time'), 1) AS features,
       (mlops.feature_names('tf_time'))[1:8] AS first_eight;
SELECT jsonb_path_query_array(features, '$[*] ? (@.name == "ts")') AS ts,
       jsonb_path_query_array(features, '$[*] ? (@.name == "iarr")') AS iarr
FROM mlops.versions WHERE model = 'tf_time';
SELECT max(abs(mlops.predict('tf_time', t) - mlops.predict('tf_time_sql', v))) < 1e-9 AS same_scores
FROM tf_time t JOIN tf_time_sql v USING (id);
CREATE TEMP TABLE tf_time_ny AS SELECT id, mlops.predict('tf_time', t) AS p FROM tf_time t;
SET TimeZone = 'Asia/Tokyo';
SELECT bool_and(mlops.predict('tf_time', t) = n.p) AS timezone_invariant
FROM tf_time t JOIN tf_time_ny n USING (id);
RESET TimeZone;
SELECT model FROM mlops.train('tf_time2', 'tf_time', 'y', 'linear', '{"date_parts": ["hour", "dow"]}',
                              features => '{d,ts}', test_size => 0);
SELECT count(*) FILTER (WHERE f LIKE 'd.%') AS d_parts, count(*) FILTER (WHERE f LIKE 'ts.%') AS ts_parts
FROM unnest(mlops.feature_names('tf_time2')) f;
-- scoring: another length, another time type, a NULL element
SELECT pg_temp.try($$SELECT mlops.predict('tf_time', r) FROM (SELECT d, ts, lt, ARRAY[1, 2, 3]::float8[] AS arr, iarr FROM tf_time LIMIT 1) r$$);
SELECT pg_temp.try($$SELECT mlops.predict('tf_time', r) FROM (SELECT d, ts::timestamp AS ts, lt, arr, iarr FROM tf_time LIMIT 1) r$$);
SELECT mlops.predict('tf_time', r) IS NULL AS null_element
FROM (SELECT d, ts, lt, ARRAY[1, NULL]::float8[] AS arr, iarr FROM tf_time LIMIT 1) r;
-- errors
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_time', 'y', 'linear', '{"date_parts": {"d": ["hour"]}}', features => '{d}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_time', 'y', 'linear', '{"date_parts": {"arr": ["dow"]}}', features => '{d,arr}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_time', 'y', 'linear', '{"date_parts": {"nope": ["dow"]}}', features => '{d}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_time', 'y', 'linear', '{"date_parts": ["week"]}', features => '{d}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_time', 'y', 'linear', '{"date_parts": "dow"}', features => '{d}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_time', 'y', 'linear', '{"impute": {"arr": "mean"}}', features => '{arr}')$$);
UPDATE tf_time SET arr = ARRAY[1, 2, 3] WHERE id = 7;
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_time', 'y', 'linear', features => '{d,arr}')$$);
UPDATE tf_time SET arr = ARRAY[[1, 2], [3, 4]] WHERE id = 7;
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_time', 'y', 'linear', features => '{d,arr}')$$);
CREATE TABLE tf_textarr AS SELECT y, ARRAY['a', 'b'] AS tags FROM tf_time;
SELECT pg_temp.try($$SELECT mlops.train('tf_e6', 'tf_textarr', 'y', 'linear')$$);

-- scale: numeric, time and array features as (x - shift) / scale, learned
-- at training (standard: mean and population sd, as sklearn's
-- StandardScaler; minmax: least value and range), applied by the model to
-- rows and to the array form's raw values alike; least squares with an
-- intercept is invariant to it, a ridge fit equals one on a view scaled
-- by SQL; indicators are not scaled
SELECT model FROM mlops.train('tf_std', 'mtcars', 'mpg', 'linear', '{"scale": "standard"}',
                              features => '{wt,hp,cyl,am}', test_size => 0);
SELECT model FROM mlops.train('tf_minmax', 'mtcars', 'mpg', 'linear', '{"scale": "minmax"}',
                              features => '{wt,hp,cyl,am}', test_size => 0);
SELECT model FROM mlops.train('tf_raw', 'mtcars', 'mpg', 'linear', features => '{wt,hp,cyl,am}', test_size => 0);
SELECT hyperparams->'scale' AS scale, jsonb_path_query_array(features, '$[*].shift') AS shift,
       jsonb_path_query_array(features, '$[*].scale') AS scale
FROM mlops.versions WHERE model = 'tf_std';
SELECT abs((v.features->0->'shift'->>0)::float8 - avg(m.wt)) < 1e-12 AS mean_ok,
       abs((v.features->0->'scale'->>0)::float8 - stddev_pop(m.wt)) < 1e-12 AS sd_ok
FROM mlops.versions v, mtcars m WHERE v.model = 'tf_std' GROUP BY v.features;
SELECT max(abs(mlops.predict('tf_std', m) - mlops.predict('tf_raw', m))) < 1e-10 AS std_invariant,
       max(abs(mlops.predict('tf_minmax', m) - mlops.predict('tf_raw', m))) < 1e-10 AS minmax_invariant,
       max(abs(mlops.predict('tf_std', ARRAY[wt, hp, (cyl = '6')::int, (cyl = '8')::int, am::int])
               - mlops.predict('tf_std', m))) < 1e-12 AS array_form_scaled
FROM mtcars m;
SELECT max(abs(s.estimate - r.estimate * sd)) < 1e-9 AS coef_in_sd_units
FROM mlops.coefficients('tf_std') s JOIN mlops.coefficients('tf_raw') r USING (term),
     LATERAL (SELECT CASE term WHEN 'wt' THEN stddev_pop(wt) WHEN 'hp' THEN stddev_pop(hp) ELSE 1 END AS sd
              FROM mtcars) d
WHERE term <> '(Intercept)';
CREATE VIEW tf_scaled AS
SELECT id, mpg, (wt - avg(wt) OVER ()) / stddev_pop(wt) OVER () AS wt,
       (hp - avg(hp) OVER ()) / stddev_pop(hp) OVER () AS hp, cyl, am FROM mtcars;
SELECT model FROM mlops.train('tf_ridge_std', 'mtcars', 'mpg', 'linear', '{"alpha": 2, "scale": "standard"}',
                              features => '{wt,hp,cyl,am}', test_size => 0);
SELECT model FROM mlops.train('tf_ridge_sql', 'tf_scaled', 'mpg', 'linear', '{"alpha": 2}',
                              features => '{wt,hp,cyl,am}', test_size => 0);
SELECT max(abs(a.estimate - b.estimate)) < 1e-10 AS ridge_same_fit
FROM mlops.coefficients('tf_ridge_std') a JOIN mlops.coefficients('tf_ridge_sql') b USING (term);
-- k-means and PCA keep the scale of their own (none or standard)
SELECT pg_temp.try($$SELECT mlops.train('tf_e7', 'mtcars', NULL, 'kmeans', '{"k": 2, "scale": "minmax"}', features => '{wt,hp}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e7', 'mtcars', 'mpg', 'linear', '{"scale": "robust"}', features => '{wt,hp}')$$);

-- max_categories: the most frequent stay (cyl 8: 14 rows, 4: 11, 6: 7),
-- the rest pool into __other__, the same fit as a view doing it by hand;
-- a value pooled at training scores as __other__
SELECT model FROM mlops.train('tf_pool', 'mtcars', 'mpg', 'linear', '{"max_categories": 2}',
                              features => '{wt,cyl}', test_size => 0);
SELECT hyperparams->'max_categories' AS max_categories, hyperparams->'on_overflow' AS on_overflow,
       features->1 AS cyl
FROM mlops.versions WHERE model = 'tf_pool';
SELECT mlops.feature_names('tf_pool');
CREATE VIEW tf_pooled AS SELECT id, mpg, wt, CASE WHEN cyl = '6' THEN '~other' ELSE cyl END AS cyl FROM mtcars;
SELECT model FROM mlops.train('tf_pool_hand', 'tf_pooled', 'mpg', 'linear', features => '{wt,cyl}', test_size => 0);
SELECT max(abs(a.estimate - b.estimate)) < 1e-12 AS same_fit
FROM (SELECT row_number() OVER () AS k, estimate FROM mlops.coefficients('tf_pool')) a
JOIN (SELECT row_number() OVER () AS k, estimate FROM mlops.coefficients('tf_pool_hand')) b USING (k);
SELECT bool_and(mlops.predict('tf_pool', m) = mlops.predict('tf_pool_hand', p)) AS same_scores
FROM mtcars m JOIN tf_pooled p USING (id);
SELECT pg_temp.try($$SELECT mlops.train('tf_e1', 'mtcars', 'mpg', 'linear',
    '{"max_categories": 2, "on_overflow": "error"}', features => '{wt,cyl}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e1', 'mtcars', 'mpg', 'linear',
    '{"on_overflow": "drop"}', features => '{wt,cyl}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e1', 'mtcars', 'mpg', 'linear',
    '{"max_categories": 0}', features => '{wt,cyl}')$$);

-- penalised, distance-based and other families keep every level
SELECT model FROM mlops.train('tf_ridge', 'mtcars', 'mpg', 'linear', '{"alpha": 1}',
                              features => '{wt,cyl,am}', test_size => 0);
SELECT model FROM mlops.train('tf_l2', 'mtcars', 'am', 'logistic', '{"alpha": 1}',
                              features => '{hp,cyl}', test_size => 0);
SELECT model FROM mlops.train('tf_km', 'mtcars', NULL, 'kmeans', '{"k": 3}',
                              features => '{wt,cyl,vs}', deploy => 'never');
SELECT model FROM mlops.train('tf_nb', 'mtcars', 'am', 'naive_bayes',
                              features => '{wt,cyl}', test_size => 0);
SELECT m, mlops.feature_names(m) FROM unnest('{tf_ridge,tf_l2,tf_km@1,tf_nb}'::text[]) m;
SELECT count(DISTINCT mlops.predict('tf_km@1', m)) AS clusters,
       max(abs((SELECT sum(p) FROM unnest(mlops.predict_proba('tf_nb', m)) p) - 1)) < 1e-12 AS nb_proba_ok
FROM mtcars m;

-- a char(n) column: trailing blanks do not make categories of their own
CREATE TABLE tf_char AS SELECT id, mpg, wt, cyl::char(4) AS cyl FROM mtcars;
SELECT model FROM mlops.train('tf_char', 'tf_char', 'mpg', 'linear', features => '{wt,cyl}', test_size => 0);
SELECT mlops.feature_names('tf_char');

-- deploy => 'best' with typed columns: the deployed version is scored on
-- the rows the new version's split holds out, each reading the rows
-- through its own spec (a plain numeric version, a typed one), and the
-- scores on those rows go to the deployment's detail
CREATE TABLE tf_cmp AS SELECT m.*, (m.id * 7919) % 13 AS h FROM mtcars m CROSS JOIN generate_series(1, 6) g;
UPDATE tf_cmp SET mpg = mpg + ((h - 6) / 10.0);
SELECT version, deployed FROM mlops.train('tf_cmp', 'tf_cmp', 'mpg', 'linear', features => '{wt}');
SELECT version, deployed FROM mlops.train('tf_cmp', 'tf_cmp', 'mpg', 'linear', features => '{wt,cyl,am}');
SELECT version, deployed FROM mlops.train('tf_cmp', 'tf_cmp', 'mpg', 'linear', features => '{cyl}');
-- the scores to 12 digits: their last ones follow the BLAS kernels of the CPU
SELECT version, detail - '{relation,deployed,candidate}'::text[] AS detail,
       detail #>> '{deployed,version}' AS deployed, round((detail #>> '{deployed,score}')::numeric, 12) AS deployed_score,
       detail #>> '{candidate,version}' AS candidate, round((detail #>> '{candidate,score}')::numeric, 12) AS candidate_score
FROM mlops.deployments WHERE model = 'tf_cmp' ORDER BY deployed_at;
SELECT v.metrics->>'n' = d.detail->>'n' AS same_rows,
       (v.metrics->>'r2')::float8 = (d.detail->'candidate'->>'score')::float8 AS same_score
FROM mlops.versions v JOIN mlops.deployments d USING (model, version)
WHERE v.model = 'tf_cmp' AND v.version = 2;
SELECT version, deployed FROM mlops.train('tf_cmp', 'tf_cmp', 'mpg', 'linear', features => '{wt,cyl,am,hp}');
SELECT version FROM mlops.deployments WHERE model = 'tf_cmp' ORDER BY deployed_at DESC LIMIT 1;
-- mlops.deploy(model, 'best', relation, target) with typed regression
-- versions: each scored by its evaluation pass on the relation, through
-- its own spec, each score mlops.evaluate's r2 there
SELECT mlops.deploy('tf_cmp', 'best', 'tf_cmp', 'mpg') AS best;
SELECT (x->>'version')::int AS version, (x->>'n')::int AS n,
       (x->>'score')::float8 = (mlops.evaluate('tf_cmp@' || (x->>'version'), 'tf_cmp', 'mpg')->>'r2')::float8
       AS score_is_evaluate
FROM mlops.deployments d, jsonb_array_elements(d.detail->'versions') x
WHERE d.model = 'tf_cmp' AND d.detail ? 'versions'
ORDER BY d.deployed_at DESC, 1 LIMIT 4;
SELECT version FROM mlops.deployments WHERE model = 'tf_cmp' ORDER BY deployed_at DESC LIMIT 1;
-- mlops._held_out is the split training makes: on a plain row its count
-- is the held-out rows of a version trained with that test_size and seed
SELECT (metrics->>'n')::int = (SELECT count(*) FILTER (WHERE mlops._held_out(0.25, 0::bigint, mpg, wt, hp))
                               FROM mtcars) AS same_split
FROM mlops.train('tf_split', 'mtcars', 'mpg', 'linear', features => '{wt,hp}');
SELECT mlops._held_out(0, 0::bigint, 1.0::float8, 2.0::float8) AS no_test_split,
       mlops._held_out(0.5, 0::bigint, NULL::float8, 2.0::float8) IS NULL AS skipped_row;
SELECT pg_temp.try($$SELECT mlops._held_out(1, 0::bigint, 1.0::float8, 2.0::float8)$$);
-- the deployed version reads a column the new relation lacks: kept, with a NOTICE
CREATE VIEW tf_cmp_nocyl AS SELECT id, mpg, wt, am, hp FROM tf_cmp;
SELECT version, deployed FROM mlops.train('tf_cmp', 'tf_cmp_nocyl', 'mpg', 'linear', features => '{wt,am,hp}');

-- errors, each with its SQLSTATE
CREATE TABLE tf_bad AS SELECT id, mpg, wt, NULL::text AS empty, 'one'::text AS single,
       cyl, 1.0::float8 AS "cyl=6", current_date AS day FROM mtcars;
SELECT pg_temp.try($$SELECT mlops.train('tf_e2', 'tf_bad', 'mpg', 'linear', features => '{wt,empty}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e2', 'tf_bad', 'mpg', 'linear', features => '{wt,single}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e2', 'tf_bad', 'mpg', 'linear', features => '{wt,cyl,"cyl=6"}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e2', 'tf_bad', 'mpg', 'linear', features => '{wt,day}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e2', 'tf_bad', 'mpg', 'linear', features => '{wt,cyl,cyl}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e2', 'tf_bad', 'mpg', 'linear', features => '{wt,mpg}')$$);
SELECT pg_temp.try($$SELECT mlops.train('tf_e2', 'tf_bad', 'mpg', 'linear', features => '{wt,nope}')$$);
-- a value too long to be a category
CREATE TABLE tf_long AS SELECT mpg, wt, CASE WHEN id = 1 THEN repeat('x', 2000) ELSE cyl END AS cyl FROM mtcars;
SELECT pg_temp.try($$SELECT mlops.train('tf_e3', 'tf_long', 'mpg', 'linear', features => '{wt,cyl}')$$);
-- the feature spec argument of the internal aggregates is checked
SELECT pg_temp.try($$SELECT mlops._linear_train_state(true, 0, 0, NULL, '\x00'::bytea, mpg, cyl) FROM mtcars$$);
SELECT pg_temp.try($$SELECT mlops._linear_train_state(true, 0, 0, NULL, NULL::bytea, mpg, cyl) FROM mtcars$$);

SELECT mlops.drop_model(m) FROM unnest('{tf_split,tf_cmp,tf_std,tf_minmax,tf_raw,tf_ridge_std,tf_ridge_sql,tf_time,tf_time_sql,tf_time2,tf_drop,tf_mean,tf_mixed,tf_mean_sql,tf_mixed_sql,tf_lm,tf_glm,tf_enum,tf_iris,tf_null,tf_null_text,tf_pool,tf_pool_hand,tf_ridge,tf_l2,tf_km,tf_nb,tf_char}'::text[]) m;
DROP VIEW tf_cmp_nocyl, tf_scaled, tf_view, tf_nulls_text, tf_pooled, tf_na_mean, tf_na_mixed, tf_time_sql;
DROP TABLE tf_cmp, tf_time, tf_textarr, tf_na, tf_na_all, tf_enum, tf_other, tf_nulls, tf_char, tf_bad, tf_long;
DROP TYPE tf_gear;
