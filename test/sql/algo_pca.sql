--
-- The pca family: R's prcomp (center = TRUE, scale. = FALSE and TRUE) on
-- data/iris.csv (4 features) and data/diabetes.csv (10 features): the
-- explained variance, its ratio and the loadings (sign-normalised: the
-- largest-magnitude entry of each is positive), transform as the dot
-- product, the parallel pass against the serial one, n_components, the
-- separate-argument and array passes (MLOPS_MAX_ARGS_FEATURES = 90), and
-- the errors with their SQLSTATE.
--
-- The reference numbers are literals made by test/reference/pca.R (sklearn's
-- PCA agrees to 6e-15, test/reference/pca_sklearn.out); neither R nor
-- Python is needed to run this test.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
\cd :abs_srcdir/../data
CREATE TEMP TABLE iris (sepal_length float8, sepal_width float8,
						petal_length float8, petal_width float8, species text);
\copy iris FROM 'iris.csv' (FORMAT csv, HEADER)
CREATE TEMP TABLE diabetes (age float8, sex float8, bmi float8, bp float8,
							s1 float8, s2 float8, s3 float8, s4 float8,
							s5 float8, s6 float8, progression float8);
\copy diabetes FROM 'diabetes.csv' (FORMAT csv, HEADER)
\cd :abs_srcdir
SELECT (SELECT count(*) FROM iris) AS iris, (SELECT count(*) FROM diabetes) AS diabetes;
CREATE TEMP VIEW iris_x AS
	SELECT sepal_length, sepal_width, petal_length, petal_width FROM iris;
CREATE TEMP VIEW diabetes_x AS
	SELECT age, sex, bmi, bp, s1, s2, s3, s4, s5, s6 FROM diabetes;

-- r_pca_variance (dataset, scaled, component, explained_variance,
-- explained_variance_ratio), from test/reference/pca.out
CREATE TEMP TABLE r_var (dataset text, scaled boolean, component int,
						 explained_variance float8, explained_variance_ratio float8);
INSERT INTO r_var VALUES
	('iris', false, 1, 4.228241706034864, 0.92461872320172711),
	('iris', false, 2, 0.24267074792863341, 0.053066483117067832),
	('iris', false, 3, 0.078209500042919405, 0.017102609807929769),
	('iris', false, 4, 0.023835092973449434, 0.0052121838732753743),
	('iris', true, 1, 2.918497816531997, 0.72962445413299892),
	('iris', true, 2, 0.91403047146807026, 0.22850761786701745),
	('iris', true, 3, 0.14675687557131503, 0.036689218892828744),
	('iris', true, 4, 0.020714836428619224, 0.0051787091071548033),
	('diabetes', false, 1, 2056.0967897181531, 0.73249152371579207),
	('diabetes', false, 2, 270.06639958311712, 0.096212079861372909),
	('diabetes', false, 3, 209.71270924441393, 0.074710870959564427),
	('diabetes', false, 4, 121.16199144448554, 0.043164374446485423),
	('diabetes', false, 5, 90.282403496347982, 0.032163415473660188),
	('diabetes', false, 6, 46.116247482629127, 0.016429071119378601),
	('diabetes', false, 7, 13.141482139683498, 0.0046816980234185152),
	('diabetes', false, 8, 0.20873128049093709, 7.4361233604626828e-05),
	('diabetes', false, 9, 0.17684705039556139, 6.3002367425827872e-05),
	('diabetes', false, 10, 0.026954966943066188, 9.6027992974697832e-06),
	('diabetes', true, 1, 4.0242107501527782, 0.40242107501527818),
	('diabetes', true, 2, 1.4923196775986933, 0.14923196775986947),
	('diabetes', true, 3, 1.205966259125, 0.1205966259125001),
	('diabetes', true, 4, 0.95547640326411543, 0.095547640326411623),
	('diabetes', true, 5, 0.66218139126617326, 0.066218139126617379),
	('diabetes', true, 6, 0.60271707562012555, 0.060271707562012611),
	('diabetes', true, 7, 0.53656565231937781, 0.053656565231937826),
	('diabetes', true, 8, 0.43368203636558422, 0.04336820363655846),
	('diabetes', true, 9, 0.078320024461089766, 0.0078320024461089842),
	('diabetes', true, 10, 0.0085607298270529448, 0.00085607298270529522);
-- r_pca_rotation (dataset, scaled, component, feature, loading)
CREATE TEMP TABLE r_rot (dataset text, scaled boolean, component int,
						 feature text, loading float8);
INSERT INTO r_rot VALUES
	('iris', false, 1, 'sepal_length', 0.36138659178536858),
	('iris', false, 1, 'sepal_width', -0.084522514064568677),
	('iris', false, 1, 'petal_length', 0.85667060594983524),
	('iris', false, 1, 'petal_width', 0.35828919715155078),
	('iris', false, 2, 'sepal_length', 0.65658877128684168),
	('iris', false, 2, 'sepal_width', 0.73016143478502704),
	('iris', false, 2, 'petal_length', -0.17337266279585672),
	('iris', false, 2, 'petal_width', -0.075481019917463463),
	('iris', false, 3, 'sepal_length', -0.58202985130606544),
	('iris', false, 3, 'sepal_width', 0.59791083010008506),
	('iris', false, 3, 'petal_length', 0.076236075820963228),
	('iris', false, 3, 'petal_width', 0.54583143202007545),
	('iris', false, 4, 'sepal_length', 0.3154871929039757),
	('iris', false, 4, 'sepal_width', -0.31972310366612894),
	('iris', false, 4, 'petal_length', -0.47983898699463451),
	('iris', false, 4, 'petal_width', 0.75365742526404556),
	('iris', true, 1, 'sepal_length', 0.52106591467011987),
	('iris', true, 1, 'sepal_width', -0.26934744250594267),
	('iris', true, 1, 'petal_length', 0.58041309579629452),
	('iris', true, 1, 'petal_width', 0.56485653577936124),
	('iris', true, 2, 'sepal_length', 0.37741761556456704),
	('iris', true, 2, 'sepal_width', 0.92329565954071469),
	('iris', true, 2, 'petal_length', 0.024491609085586098),
	('iris', true, 2, 'petal_width', 0.066941986968058587),
	('iris', true, 3, 'sepal_length', 0.71956635270081704),
	('iris', true, 3, 'sepal_width', -0.24438177951439924),
	('iris', true, 3, 'petal_length', -0.14212636933390382),
	('iris', true, 3, 'petal_width', -0.6342727371109228),
	('iris', true, 4, 'sepal_length', -0.26128627995245268),
	('iris', true, 4, 'sepal_width', 0.12350961958551906),
	('iris', true, 4, 'petal_length', 0.80144924633598802),
	('iris', true, 4, 'petal_width', -0.52359713456619095),
	('diabetes', false, 1, 'age', 0.081910647312874479),
	('diabetes', false, 1, 'sex', 0.0010961296342436152),
	('diabetes', false, 1, 'bmi', 0.027661816677220685),
	('diabetes', false, 1, 'bp', 0.080046876069391329),
	('diabetes', false, 1, 's1', 0.74776789057701931),
	('diabetes', false, 1, 's2', 0.64659096013944728),
	('diabetes', false, 1, 's3', -0.021600462103896028),
	('diabetes', false, 1, 's4', 0.017713701136377175),
	('diabetes', false, 1, 's5', 0.0053329628080823598),
	('diabetes', false, 1, 's6', 0.089840315620756186),
	('diabetes', false, 2, 'age', 0.43316460105229604),
	('diabetes', false, 2, 'sex', 0.01127838719360745),
	('diabetes', false, 2, 'bmi', 0.12193496006679788),
	('diabetes', false, 2, 'bp', 0.62158804032747561),
	('diabetes', false, 2, 's1', -0.16715723819534617),
	('diabetes', false, 2, 's2', -0.016997358057879847),
	('diabetes', false, 2, 's3', -0.46303674848969101),
	('diabetes', false, 2, 's4', 0.031290005812871606),
	('diabetes', false, 2, 's5', 0.012801462268456227),
	('diabetes', false, 2, 's6', 0.4089315042876297),
	('diabetes', false, 3, 'age', 0.33827068564703355),
	('diabetes', false, 3, 'sex', -0.0070391272169616553),
	('diabetes', false, 3, 'bmi', -0.025851558273013799),
	('diabetes', false, 3, 'bp', 0.31244922868062835),
	('diabetes', false, 3, 's1', 0.34572587135563598),
	('diabetes', false, 3, 's2', -0.46462809747578537),
	('diabetes', false, 3, 's3', 0.66837681025717288),
	('diabetes', false, 3, 's4', -0.043286011413488062),
	('diabetes', false, 3, 's5', 0.0033462560623037326),
	('diabetes', false, 3, 's6', 0.056678801679186333),
	('diabetes', false, 4, 'age', 0.8245318347048407),
	('diabetes', false, 4, 'sex', 0.0011394784634703289),
	('diabetes', false, 4, 'bmi', -0.061997859055774866),
	('diabetes', false, 4, 'bp', -0.51948113678186925),
	('diabetes', false, 4, 's1', -0.11884236398202382),
	('diabetes', false, 4, 's2', 0.11786729578763289),
	('diabetes', false, 4, 's3', -0.022098850552912854),
	('diabetes', false, 4, 's4', -0.00063258972145254584),
	('diabetes', false, 4, 's5', -0.0069253240338283482),
	('diabetes', false, 4, 's6', -0.13374843092838151),
	('diabetes', false, 5, 'age', -0.10500129842001563),
	('diabetes', false, 5, 'sex', -0.0023854241592381514),
	('diabetes', false, 5, 'bmi', 0.036702446598415983),
	('diabetes', false, 5, 'bp', -0.46964270131363506),
	('diabetes', false, 5, 's1', 0.15183887902520996),
	('diabetes', false, 5, 's2', -0.22280026833227654),
	('diabetes', false, 5, 's3', -0.029285907913566243),
	('diabetes', false, 5, 's4', 0.011187142856413982),
	('diabetes', false, 5, 's5', 0.013364604138832342),
	('diabetes', false, 5, 's6', 0.83258709252200591),
	('diabetes', false, 6, 'age', -0.017033866385312457),
	('diabetes', false, 6, 'sex', 0.00095768204324909545),
	('diabetes', false, 6, 'bmi', -0.10303784406592106),
	('diabetes', false, 6, 'bp', 0.11678719973126322),
	('diabetes', false, 6, 's1', -0.50129547646074957),
	('diabetes', false, 6, 's2', 0.54704421012405191),
	('diabetes', false, 6, 's3', 0.5583216414211829),
	('diabetes', false, 6, 's4', -0.058817039010014213),
	('diabetes', false, 6, 's5', -0.050723291968046043),
	('diabetes', false, 6, 's6', 0.32732706679216811),
	('diabetes', false, 7, 'age', 0.0070531226734745177),
	('diabetes', false, 7, 'sex', -0.020117455661058371),
	('diabetes', false, 7, 'bmi', 0.98359973961296343),
	('diabetes', false, 7, 'bp', -0.073974704717512274),
	('diabetes', false, 7, 's1', -0.057010577593464146),
	('diabetes', false, 7, 's2', 0.045012623902296392),
	('diabetes', false, 7, 's3', 0.13326862064328868),
	('diabetes', false, 7, 's4', -0.018261714213434723),
	('diabetes', false, 7, 's5', -0.0010900485508270085),
	('diabetes', false, 7, 's6', -0.056862033074927688),
	('diabetes', false, 8, 'age', -0.0025338799216887173),
	('diabetes', false, 8, 'sex', 0.78351227004220148),
	('diabetes', false, 8, 'bmi', 0.018420364879841916),
	('diabetes', false, 8, 'bp', -0.0035576124995730946),
	('diabetes', false, 8, 's1', -0.012294186447682631),
	('diabetes', false, 8, 's2', -0.0012090151733952711),
	('diabetes', false, 8, 's3', 0.057973170327634237),
	('diabetes', false, 8, 's4', 0.61750294987543852),
	('diabetes', false, 8, 's5', -0.030069595068052225),
	('diabetes', false, 8, 's6', -0.0047502450982278765),
	('diabetes', false, 9, 'age', 0.002638552382440709),
	('diabetes', false, 9, 'sex', -0.62089514530172041),
	('diabetes', false, 9, 'bmi', -0.0065089380564724167),
	('diabetes', false, 9, 'bp', 0.0068251912719943207),
	('diabetes', false, 9, 's1', -0.02101755393728235),
	('diabetes', false, 9, 's2', 0.0051621499412729125),
	('diabetes', false, 9, 's3', 0.053901325886168548),
	('diabetes', false, 9, 's4', 0.78095723648714854),
	('diabetes', false, 9, 's5', -0.03354608567781673),
	('diabetes', false, 9, 's6', -0.00015390841793418188),
	('diabetes', false, 10, 'age', -0.00084659473494751777),
	('diabetes', false, 10, 'sex', 0.0026777915288689019),
	('diabetes', false, 10, 'bmi', -0.0063766009205188066),
	('diabetes', false, 10, 'bp', -0.00078745107749854945),
	('diabetes', false, 10, 's1', -0.032503284208668257),
	('diabetes', false, 10, 's2', 0.030127702954000708),
	('diabetes', false, 10, 's3', 0.036152227591464366),
	('diabetes', false, 10, 's4', 0.041362985853496133),
	('diabetes', false, 10, 's5', 0.99748000026030736),
	('diabetes', false, 10, 's6', -0.0015679744595586125),
	('diabetes', true, 1, 'age', 0.21643089648897426),
	('diabetes', true, 1, 'sex', 0.18696687908602555),
	('diabetes', true, 1, 'bmi', 0.30316216313887745),
	('diabetes', true, 1, 'bp', 0.27173773048440564),
	('diabetes', true, 1, 's1', 0.34325510837891765),
	('diabetes', true, 1, 's2', 0.35186068241775997),
	('diabetes', true, 1, 's3', -0.28243681319974911),
	('diabetes', true, 1, 's4', 0.42883369801333143),
	('diabetes', true, 1, 's5', 0.37861801599069911),
	('diabetes', true, 1, 's6', 0.32218295508497052),
	('diabetes', true, 2, 'age', 0.044367212393234677),
	('diabetes', true, 2, 'sex', -0.386547203855163),
	('diabetes', true, 2, 'bmi', -0.15628128429437382),
	('diabetes', true, 2, 'bp', -0.13826600177995363),
	('diabetes', true, 2, 's1', 0.57302690884158081),
	('diabetes', true, 2, 's2', 0.45594185472401266),
	('diabetes', true, 2, 's3', 0.50623906890118486),
	('diabetes', true, 2, 's4', -0.068180716045890793),
	('diabetes', true, 2, 's5', -0.02618699595415212),
	('diabetes', true, 2, 's6', -0.084948842028672145),
	('diabetes', true, 3, 'age', 0.49466786271356455),
	('diabetes', true, 3, 'sex', -0.10686423950538183),
	('diabetes', true, 3, 'bmi', 0.16752691180232124),
	('diabetes', true, 3, 'bp', 0.51357083923105784),
	('diabetes', true, 3, 's1', -0.068579097123463675),
	('diabetes', true, 3, 's2', -0.2696889722141988),
	('diabetes', true, 3, 's3', 0.38603190919780239),
	('diabetes', true, 3, 's4', -0.38067992420584723),
	('diabetes', true, 3, 's5', 0.063630106983046761),
	('diabetes', true, 3, 's6', 0.27684219765716511),
	('diabetes', true, 4, 'age', 0.41401221809869254),
	('diabetes', true, 4, 'sex', 0.67985980548154912),
	('diabetes', true, 4, 'bmi', -0.4998246260509977),
	('diabetes', true, 4, 'bp', 0.019662457685324191),
	('diabetes', true, 4, 's1', 0.068395996428540204),
	('diabetes', true, 4, 's2', 0.16777391160610036),
	('diabetes', true, 4, 's3', 0.076020435773418757),
	('diabetes', true, 4, 's4', -0.0079210265494688032),
	('diabetes', true, 4, 's5', -0.26442689402281538),
	('diabetes', true, 4, 's6', -0.08708461267037286),
	('diabetes', true, 5, 'age', 0.68687555269359479),
	('diabetes', true, 5, 'sex', -0.37346404335502265),
	('diabetes', true, 5, 'bmi', -0.12933268958106048),
	('diabetes', true, 5, 'bp', -0.48687440964923367),
	('diabetes', true, 5, 's1', -0.1291799164118354),
	('diabetes', true, 5, 's2', -0.11672218142831833),
	('diabetes', true, 5, 's3', -0.24500100563593105),
	('diabetes', true, 5, 's4', 0.14364598782625421),
	('diabetes', true, 5, 's5', 0.1516389393862666),
	('diabetes', true, 5, 's6', -0.031422907349286155),
	('diabetes', true, 6, 'age', -0.22581534383292978),
	('diabetes', true, 6, 'sex', 0.041705419064290754),
	('diabetes', true, 6, 'bmi', -0.40315117046572918),
	('diabetes', true, 6, 'bp', -0.27278326893439248),
	('diabetes', true, 6, 's1', 0.0053981895622887376),
	('diabetes', true, 6, 's2', -0.13326155281694857),
	('diabetes', true, 6, 's3', 0.10635401871568838),
	('diabetes', true, 6, 's4', -0.033935884782465807),
	('diabetes', true, 6, 's5', 0.17873088430186893),
	('diabetes', true, 6, 's6', 0.80506594634592377),
	('diabetes', true, 7, 'age', -0.10953009382229115),
	('diabetes', true, 7, 'sex', -0.067622210848973754),
	('diabetes', true, 7, 'bmi', -0.51987438261722119),
	('diabetes', true, 7, 'bp', 0.32065477937367032),
	('diabetes', true, 7, 's1', 0.073643560106267006),
	('diabetes', true, 7, 's2', -0.23053450345622406),
	('diabetes', true, 7, 's3', -0.007547946612934872),
	('diabetes', true, 7, 's4', 0.071244065721682098),
	('diabetes', true, 7, 's5', 0.6473018867689444),
	('diabetes', true, 7, 's6', -0.35726682139287347),
	('diabetes', true, 8, 'age', -0.014937106234437924),
	('diabetes', true, 8, 'sex', -0.44293339725915615),
	('diabetes', true, 8, 'bmi', -0.39292228428929116),
	('diabetes', true, 8, 'bp', 0.47736014485384642),
	('diabetes', true, 8, 's1', -0.12941088957476532),
	('diabetes', true, 8, 's2', 0.19132499550292645),
	('diabetes', true, 8, 's3', -0.32463515975769042),
	('diabetes', true, 8, 's4', 0.18058688918979621),
	('diabetes', true, 8, 's5', -0.44968431936251119),
	('diabetes', true, 8, 's6', 0.16660800773193007),
	('diabetes', true, 9, 'age', 0.0080999539834381452),
	('diabetes', true, 9, 'sex', -0.0021057392543637242),
	('diabetes', true, 9, 'bmi', 0.042377056410939896),
	('diabetes', true, 9, 'bp', 0.027194089214624444),
	('diabetes', true, 9, 's1', -0.042037622133852856),
	('diabetes', true, 9, 's2', -0.35931639016970712),
	('diabetes', true, 9, 's3', 0.48124682823619308),
	('diabetes', true, 9, 's4', 0.77381670355677501),
	('diabetes', true, 9, 's5', -0.18945999479489017),
	('diabetes', true, 9, 's6', -0.015274268283047105),
	('diabetes', true, 10, 'age', 0.0032625334326290803),
	('diabetes', true, 10, 'sex', 0.0036604532853926632),
	('diabetes', true, 10, 'bmi', 0.0082473686863925276),
	('diabetes', true, 10, 'bp', -0.0032222557551012088),
	('diabetes', true, 10, 's1', 0.70977509269519456),
	('diabetes', true, 10, 's2', -0.56319487710792537),
	('diabetes', true, 10, 's3', -0.31744538411762446),
	('diabetes', true, 10, 's4', -0.090596113641186762),
	('diabetes', true, 10, 's5', -0.26446617959311292),
	('diabetes', true, 10, 's6', 0.0026106073647936892);

CREATE FUNCTION pg_temp.relerr(a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT CASE WHEN a = b THEN 0 ELSE abs(a - b) / abs(b) END $$;

-- the four fits: every component, scale none and standard
SELECT t.model, t.algorithm, t.deployed, (t.metrics->>'n')::int AS n,
	   t.metrics->>'n_components' AS n_components,
	   t.metrics->>'score_metric' AS score_metric,
	   round((t.metrics->>'score')::numeric, 12) AS score
FROM (VALUES ('pc_iris', 'iris_x', 'none'), ('pc_iris_std', 'iris_x', 'standard'),
			 ('pc_diab', 'diabetes_x', 'none'), ('pc_diab_std', 'diabetes_x', 'standard')) v(m, rel, sc),
	 LATERAL mlops.train(v.m, v.rel::regclass, NULL, 'pca',
						 jsonb_build_object('scale', v.sc)) t
ORDER BY 1;
SELECT model, task, algorithm FROM mlops.models WHERE model LIKE 'pc\_%' ORDER BY 1;
SELECT hyperparams FROM mlops.versions WHERE model = 'pc_iris_std';

-- explained variance and ratio against prcomp, to 1e-10 relative
CREATE TEMP VIEW fits AS
	SELECT * FROM (VALUES ('pc_iris', 'iris', false), ('pc_iris_std', 'iris', true),
				   ('pc_diab', 'diabetes', false), ('pc_diab_std', 'diabetes', true)) v(model, dataset, scaled);
SELECT f.model, count(*) AS components,
	   max(pg_temp.relerr(c.explained_variance, r.explained_variance)) < 1e-10 AS variance_ok,
	   max(pg_temp.relerr(c.explained_variance_ratio, r.explained_variance_ratio)) < 1e-10 AS ratio_ok
FROM fits f
	 CROSS JOIN LATERAL (SELECT DISTINCT component, explained_variance, explained_variance_ratio
						 FROM mlops.components(f.model)) c
	 JOIN r_var r ON r.dataset = f.dataset AND r.scaled = f.scaled AND r.component = c.component
GROUP BY f.model ORDER BY 1;
-- the same from the metrics' arrays
SELECT f.model,
	   max(pg_temp.relerr(e.v::float8, r.explained_variance)) < 1e-10 AS metrics_variance_ok,
	   max(pg_temp.relerr(q.v::float8, r.explained_variance_ratio)) < 1e-10 AS metrics_ratio_ok,
	   max(pg_temp.relerr((v.metrics->>'score')::float8, 1)) < 1e-12 AS all_components_score_1
FROM fits f JOIN mlops.versions v ON v.model = f.model
	 CROSS JOIN LATERAL jsonb_array_elements_text(v.metrics->'explained_variance') WITH ORDINALITY e(v, i)
	 JOIN LATERAL jsonb_array_elements_text(v.metrics->'explained_variance_ratio') WITH ORDINALITY q(v, i) ON q.i = e.i
	 JOIN r_var r ON r.dataset = f.dataset AND r.scaled = f.scaled AND r.component = e.i
GROUP BY f.model ORDER BY 1;
-- total variance: the trace (iris: sum of the variances; scaled: the feature count)
SELECT model, round((metrics->>'total_variance')::numeric, 10) AS total_variance
FROM mlops.versions WHERE model LIKE 'pc\_%' ORDER BY 1;

-- loadings against prcomp's, both sign-normalised, to 1e-10
SELECT f.model, count(*) AS loadings,
	   max(abs(c.loading - r.loading)) < 1e-10 AS loadings_ok
FROM fits f CROSS JOIN LATERAL mlops.components(f.model) c
	 JOIN r_rot r ON r.dataset = f.dataset AND r.scaled = f.scaled
					 AND r.component = c.component AND r.feature = c.feature
GROUP BY f.model ORDER BY 1;
SELECT component, feature, round(loading::numeric, 6) AS loading,
	   round(explained_variance::numeric, 6) AS explained_variance,
	   round(explained_variance_ratio::numeric, 6) AS explained_variance_ratio
FROM mlops.components('pc_iris') ORDER BY 1, 2;

-- transform: ((x - mean) / sd) . loading, the mean and sd from SQL, to 1e-12
-- of the scores' magnitude; row and array forms agree exactly
CREATE TEMP VIEW iris_long AS
	SELECT i.ctid::text AS r, f.feature, f.x
	FROM iris i CROSS JOIN LATERAL (VALUES ('sepal_length', i.sepal_length),
		('sepal_width', i.sepal_width), ('petal_length', i.petal_length),
		('petal_width', i.petal_width)) f(feature, x);
CREATE TEMP VIEW iris_stats AS
	SELECT feature, avg(x) AS mean, stddev_samp(x) AS sd FROM iris_long GROUP BY feature;
SELECT m.model, count(*) AS scores,
	   max(abs(s.score - d.dot)) / max(abs(d.dot)) < 1e-12 AS transform_is_dot,
	   bool_and(s.score = s.by_array) AS array_is_row
FROM (VALUES ('pc_iris', false), ('pc_iris_std', true)) m(model, scaled)
	 CROSS JOIN LATERAL (
		SELECT i.ctid::text AS r, c AS component, t.v AS score, a.v AS by_array
		FROM iris i,
			 unnest(mlops.transform(m.model, i)) WITH ORDINALITY t(v, c),
			 unnest(mlops.transform(m.model, ARRAY[i.sepal_length, i.sepal_width,
				 i.petal_length, i.petal_width])) WITH ORDINALITY a(v, c2)
		WHERE a.c2 = t.c) s
	 JOIN LATERAL (
		SELECT l.r, c.component, sum((l.x - st.mean) / CASE WHEN m.scaled THEN st.sd ELSE 1 END
									 * c.loading) AS dot
		FROM iris_long l JOIN iris_stats st USING (feature)
			 JOIN mlops.components(m.model) c USING (feature)
		GROUP BY l.r, c.component) d ON d.r = s.r AND d.component = s.component
GROUP BY m.model ORDER BY 1;
SELECT array_length(mlops.transform('pc_diab', d), 1) AS outputs,
	   (SELECT array_agg(round(v::numeric, 6)) FROM unnest(mlops.transform('pc_diab', d)) v) AS scores
FROM diabetes d ORDER BY age, sex, bmi LIMIT 2;

-- n_components: the first k of the full fit, ratio summing to the score
CREATE TEMP VIEW measurements AS SELECT * FROM iris_x;
SELECT t.metrics->>'n_components' AS n_components,
	   round((t.metrics->>'score')::numeric, 12) AS score,
	   jsonb_array_length(t.metrics->'explained_variance') AS variances
FROM mlops.train('pc', 'measurements', NULL, 'pca', '{"n_components": 2}') t;
SELECT count(*) AS loadings, count(DISTINCT component) AS components,
	   bool_and(abs(c.loading - f.loading) < 1e-14) AS same_as_full
FROM mlops.components('pc') c JOIN mlops.components('pc_iris') f USING (component, feature);
SELECT array_length(mlops.transform('pc', ARRAY[5.1, 3.5, 1.4, 0.2]), 1) AS outputs,
	   mlops.transform('pc', ARRAY[5.1, 3.5, 1.4, 0.2]) =
	   (mlops.transform('pc_iris', ARRAY[5.1, 3.5, 1.4, 0.2]))[1:2] AS first_two;
SELECT hyperparams FROM mlops.versions WHERE model = 'pc';

-- rows holding a NULL are skipped and counted
CREATE TEMP TABLE iris_nulls AS SELECT * FROM iris_x;
UPDATE iris_nulls SET sepal_width = NULL WHERE petal_length > 6.5;
SELECT (t.metrics->>'n')::int AS n, t.metrics->>'rows_skipped' AS rows_skipped
FROM mlops.train('pc_nulls', 'iris_nulls', NULL, 'pca') t;

-- the pass in parallel (partial states merged by Chan's formula) equals
-- the serial one to 1e-12, on a table big enough for every worker (not a
-- temporary one, which only the leader can scan)
CREATE TABLE diab_big AS
	SELECT age + g * 0.25 AS age, sex, bmi - g * 0.01 AS bmi, bp, s1, s2, s3, s4, s5, s6
	FROM diabetes, generate_series(1, 60) g;
SET max_parallel_workers_per_gather = 0;
SELECT (t.metrics->>'n')::int AS n FROM mlops.train('pc_serial', 'diab_big', NULL, 'pca',
	'{"scale": "standard"}') t;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT mlops._pca_train_state('{age,sex,bmi,bp,s1,s2,s3,s4,s5,s6}'::text[],
	age, sex, bmi, bp, s1, s2, s3, s4, s5, s6) FROM diab_big;
SELECT (t.metrics->>'n')::int AS n FROM mlops.train('pc_parallel', 'diab_big', NULL, 'pca',
	'{"scale": "standard"}') t;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
-- (variances to 1e-12 of the largest: the merge order of the workers'
-- states, which varies with their timing, moves the smallest by more
-- than 1e-12 of itself)
SELECT count(*) AS loadings,
	   max(abs(p.explained_variance - s.explained_variance)) /
	   max(s.explained_variance) < 1e-12 AS variance_same,
	   max(abs(p.loading - s.loading)) < 1e-12 AS loadings_same
FROM mlops.components('pc_parallel') p JOIN mlops.components('pc_serial') s
	 USING (component, feature);
SELECT max(abs(a - b)) / max(abs(b)) < 1e-12 AS transform_same
FROM diab_big d,
	 unnest(mlops.transform('pc_parallel', d), mlops.transform('pc_serial', d)) u(a, b);

-- 95 features, past the 90 the pass takes as separate arguments: the array
-- pass; every component, the ratios summing to 1
SELECT setseed(0.31);
DO $$
BEGIN
	EXECUTE 'CREATE TEMP TABLE pc_wide AS SELECT '
		|| (SELECT string_agg(format('round((random() * 2 - 1)::numeric, 3)::float8 AS x%s', j), ', ')
			FROM generate_series(1, 95) j)
		|| ' FROM generate_series(1, 300)';
END $$;
UPDATE pc_wide SET x2 = x1 * 3 + x2 * 0.01;
SELECT (t.metrics->>'n')::int AS n, t.metrics->>'n_components' AS n_components,
	   round((t.metrics->>'score')::numeric, 10) AS score
FROM mlops.train('pc_wide', 'pc_wide', NULL, 'pca') t;
SELECT count(*) AS loadings, count(DISTINCT component) AS components,
	   min(explained_variance) >= 0 AS variance_non_negative
FROM mlops.components('pc_wide');
-- the first component is mostly x1 and x2 (x2 = 3 x1 + noise)
SELECT feature, round(loading::numeric, 2) AS loading
FROM mlops.components('pc_wide') WHERE component = 1 AND abs(loading) > 0.3 ORDER BY 1;
SELECT count(*) AS rows, bool_and(array_length(mlops.transform('pc_wide', w), 1) = 95) AS outputs
FROM pc_wide w;

-- a constant column: fine unscaled (a zero variance), an error scaled
CREATE TEMP TABLE iris_const AS SELECT *, 2.5::float8 AS k FROM iris_x;
SELECT round((t.metrics->>'score')::numeric, 12) AS score,
	   (t.metrics->'explained_variance'->>4)::float8 AS last_variance
FROM mlops.train('pc_const', 'iris_const', NULL, 'pca') t;
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_const', NULL, 'pca', '{"scale": "standard"}')$$);

-- errors, with their SQLSTATE
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_x', NULL, 'pca', '{"n_components": 5}')$$);
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_x', NULL, 'pca', '{"n_components": 0}')$$);
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_x', NULL, 'pca', '{"n_components": 1.5}')$$);
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_x', NULL, 'pca', '{"n_components": "2"}')$$);
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_x', NULL, 'pca', '{"scale": "unit"}')$$);
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_x', NULL, 'pca', '{"scale": true}')$$);
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_x', NULL, 'pca', '{"center": false}')$$);
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris', 'petal_width', 'pca')$$);
CREATE TEMP TABLE iris_one AS SELECT * FROM iris_x LIMIT 1;
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_one', NULL, 'pca')$$);
CREATE TABLE iris_none AS SELECT * FROM iris_x WHERE false;
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_none', NULL, 'pca')$$);
INSERT INTO iris_none VALUES (1, NULL, 1, 1), (2, 2, NULL, 2);
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_none', NULL, 'pca')$$);
CREATE TEMP TABLE iris_nan AS SELECT * FROM iris_x;
UPDATE iris_nan SET petal_length = 'NaN' WHERE sepal_length = 5.0;
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_nan', NULL, 'pca')$$);
UPDATE iris_nan SET petal_length = 1.4, sepal_width = '-Infinity' WHERE sepal_length = 5.0;
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_nan', NULL, 'pca')$$);
CREATE TEMP TABLE iris_huge AS SELECT sepal_length * 1e200 AS a, sepal_width AS b FROM iris_x;
SELECT pg_temp.try($$SELECT mlops.train('pc_bad', 'iris_huge', NULL, 'pca')$$);
SELECT count(*) AS bad_models FROM mlops.models WHERE model = 'pc_bad';

-- what a decomposition does not do
SELECT pg_temp.try($$SELECT mlops.predict('pc_iris', ARRAY[5.1, 3.5, 1.4, 0.2])$$);
SELECT pg_temp.try($$SELECT * FROM mlops.coefficients('pc_iris')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.centers('pc_iris')$$);
SELECT pg_temp.try($$SELECT mlops.predict_proba('pc_iris', ARRAY[5.1, 3.5, 1.4, 0.2])$$);
SELECT pg_temp.try($$SELECT mlops.transform('pc_iris', ARRAY[5.1, 3.5, 1.4])$$);
SELECT pg_temp.try($$SELECT mlops.transform('pc_iris', ARRAY[5.1, 3.5, 'NaN', 0.2])$$);
SELECT mlops.transform('pc_iris', NULL::float8[]) IS NULL AS strict_null;
-- auto keeps the model's task
SELECT algorithm FROM mlops.train('pc_iris', 'iris_x', NULL);

-- the support functions checked: a crafted state is an error
SELECT pg_temp.try($$SELECT mlops._pca_train_state('{a}'::text[], x) FROM (VALUES (1::float8)) v(x)$$) AS one_row;
SELECT pg_temp.try($$SELECT mlops._pca_combine(NULL, NULL)$$);
SELECT pg_temp.try($$SELECT mlops._pca_train_state(ARRAY[x, x], '{a,b}') FROM (VALUES (1::float8), (2)) v(x)$$) AS by_array;
SELECT pg_temp.try($$SELECT mlops._pca_train_state(ARRAY[x], NULL) FROM (VALUES (1::float8), (NULL)) v(x)$$) AS skipped;
SELECT pg_temp.try($$SELECT mlops._pca_train_state(CASE WHEN x = 1 THEN ARRAY[x] ELSE ARRAY[x, x] END, NULL)
	FROM (VALUES (1::float8), (2)) v(x)$$) AS widths_differ;
SELECT pg_temp.try($$SELECT mlops._pca_train_state('{a}'::text[], x::int) FROM (VALUES (1)) v(x)$$) AS not_float8;
DROP TABLE diab_big, iris_none;
