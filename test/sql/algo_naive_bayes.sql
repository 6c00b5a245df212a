--
-- The naive_bayes family: scikit-learn's GaussianNB on data/iris.csv
-- (all 150 rows, test_size 0): every row's class probabilities, the
-- predicted classes, a control that must fail, the same fit in a forced
-- parallel plan, the pass's state, hyperparameter and data errors.
--
-- The reference numbers are literals made by test/reference/naive_bayes.py
-- (sklearn 1.2.1); neither Python nor sklearn is needed to run this test.
-- Some probabilities are subnormal (the smallest 1.5e-312), so those below
-- 1e-300 are compared absolutely and through their logarithm, the others
-- to 1e-10 relative.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
\i :abs_srcdir/include/pass_state.sql
\cd :abs_srcdir/../data
CREATE TEMP TABLE iris (id serial, sepal_length float8, sepal_width float8,
						petal_length float8, petal_width float8, species text);
\copy iris (sepal_length, sepal_width, petal_length, petal_width, species) FROM 'iris.csv' (FORMAT csv, HEADER)
\cd :abs_srcdir
SELECT species, count(*) FROM iris GROUP BY species ORDER BY species;

-- -- sk_gnb_prob (row, class, probability, log_probability), from
-- test/reference/naive_bayes.out
CREATE TEMP TABLE sk_prob (id int, class text, probability float8,
						   log_probability float8);
INSERT INTO sk_prob VALUES
	(1, 'setosa', 1, 0),
	(1, 'versicolor', 1.3578426545097532e-18, -41.140634517073266),
	(1, 'virginica', 7.1128351163031529e-26, -57.905311502975003),
	(2, 'setosa', 1, 0),
	(2, 'versicolor', 1.514807692698792e-17, -38.728658085506787),
	(2, 'virginica', 2.3482005143175651e-25, -56.710978028610889),
	(3, 'setosa', 1, 0),
	(3, 'versicolor', 1.0730417898500775e-18, -41.376034264264476),
	(3, 'virginica', 2.340267744749112e-26, -59.016947074188188),
	(4, 'setosa', 1, 0),
	(4, 'versicolor', 1.4661954252662699e-17, -38.761275681225698),
	(4, 'virginica', 2.954927222148742e-25, -56.481153303010842),
	(5, 'setosa', 1, 0),
	(5, 'versicolor', 4.5329191684323184e-19, -42.237750626891177),
	(5, 'virginica', 2.8838997539694689e-26, -58.80806895839919),
	(6, 'setosa', 0.99999999999998546, -1.4654943925052066e-14),
	(6, 'versicolor', 1.490942447540786e-14, -31.83678286678461),
	(6, 'virginica', 1.7575206753947178e-21, -47.79038284414775),
	(7, 'setosa', 1, 0),
	(7, 'versicolor', 1.1026269121967189e-17, -39.046251146081318),
	(7, 'virginica', 2.7114468852071652e-25, -56.567144926456116),
	(8, 'setosa', 1, 0),
	(8, 'versicolor', 6.5364461216200054e-18, -39.569138062602647),
	(8, 'virginica', 2.7733630834007434e-25, -56.544566631555902),
	(9, 'setosa', 1, 0),
	(9, 'versicolor', 9.4222705213232177e-18, -39.20345558236049),
	(9, 'virginica', 1.2044316080359172e-25, -57.378619563767408),
	(10, 'setosa', 1, 0),
	(10, 'versicolor', 3.4234833379537674e-18, -40.215873121288219),
	(10, 'virginica', 1.2075064654998993e-25, -57.376069863869624),
	(11, 'setosa', 1, 0),
	(11, 'versicolor', 4.3809048190825647e-18, -39.9692763911399),
	(11, 'virginica', 5.0683042673681174e-25, -55.941621027223576),
	(12, 'setosa', 1, 0),
	(12, 'versicolor', 1.6576694278744835e-17, -38.638533924116096),
	(12, 'virginica', 7.2474872756257985e-25, -55.583972498730517),
	(13, 'setosa', 1, 0),
	(13, 'versicolor', 1.2757311929885288e-18, -41.203012174965053),
	(13, 'virginica', 3.2871889768747834e-26, -58.677179632611647),
	(14, 'setosa', 1, 0),
	(14, 'versicolor', 7.737421829864633e-20, -44.005633324685093),
	(14, 'virginica', 1.8620791955980936e-27, -61.548103800344215),
	(15, 'setosa', 1, 0),
	(15, 'versicolor', 2.4352638681011622e-19, -42.859061651500078),
	(15, 'virginica', 8.2362792359096163e-26, -57.75866372494287),
	(16, 'setosa', 1, 0),
	(16, 'versicolor', 3.0407439812650449e-17, -38.031844364743023),
	(16, 'virginica', 1.6621139962485285e-23, -52.451366854981408),
	(17, 'setosa', 1, 0),
	(17, 'versicolor', 5.4261088465558168e-17, -37.452724306679713),
	(17, 'virginica', 4.6066135968312382e-24, -53.734549222476808),
	(18, 'setosa', 1, 0),
	(18, 'versicolor', 2.3342791822747222e-17, -38.296243438817271),
	(18, 'virginica', 8.1542095587773101e-25, -55.466093020664466),
	(19, 'setosa', 0.99999999999999423, -5.773159728050814e-15),
	(19, 'versicolor', 6.0680909688333404e-15, -32.735732341968983),
	(19, 'virginica', 1.0274862862752008e-21, -48.327171632266577),
	(20, 'setosa', 1, 0),
	(20, 'versicolor', 8.5455867913944084e-18, -39.301116688952227),
	(20, 'virginica', 6.7896270292021834e-25, -55.649231314214518),
	(21, 'setosa', 0.99999999999999889, -1.1102230246251565e-15),
	(21, 'versicolor', 1.1350622714356982e-15, -34.412088880781276),
	(21, 'virginica', 7.6527525337716073e-23, -50.924391747403945),
	(22, 'setosa', 0.99999999999999933, -6.6613381477509392e-16),
	(22, 'versicolor', 6.2298933729644382e-16, -35.012002270345825),
	(22, 'virginica', 2.9026793571548451e-23, -51.893822912158249),
	(23, 'setosa', 1, 0),
	(23, 'versicolor', 1.896454773994073e-20, -45.411715625108307),
	(23, 'virginica', 9.4881705776401041e-28, -62.222336783489084),
	(24, 'setosa', 0.99999999998006039, -1.9939605522267811e-11),
	(24, 'versicolor', 1.9939808538743353e-11, -24.638302953309392),
	(24, 'virginica', 3.6804919874042559e-19, -42.446070331412621),
	(25, 'setosa', 0.99999999999999023, -9.7699626167013776e-15),
	(25, 'versicolor', 1.0005887897550242e-14, -32.235602685430294),
	(25, 'virginica', 6.1553415254673304e-22, -48.839551800287424),
	(26, 'setosa', 0.99999999999999967, -4.4408920985006262e-16),
	(26, 'versicolor', 3.4984178374754443e-16, -35.589050668048742),
	(26, 'virginica', 6.6228508595079326e-24, -53.371516311178247),
	(27, 'setosa', 0.99999999999998246, -1.7541523789077473e-14),
	(27, 'versicolor', 1.7572187259182448e-14, -31.672459012173849),
	(27, 'virginica', 4.1070673784889792e-22, -49.244162805261205),
	(28, 'setosa', 1, 0),
	(28, 'versicolor', 7.2652922956913372e-18, -39.463423144274365),
	(28, 'virginica', 4.3670859296166833e-25, -56.0905313735052),
	(29, 'setosa', 1, 0),
	(29, 'versicolor', 4.1133103643834795e-18, -40.032303528122746),
	(29, 'virginica', 1.8073568683752885e-25, -56.972761840556728),
	(30, 'setosa', 1, 0),
	(30, 'versicolor', 4.6724023665867825e-17, -37.602273216096037),
	(30, 'virginica', 1.2788493885586721e-24, -55.016081473380652),
	(31, 'setosa', 1, 0),
	(31, 'versicolor', 1.0771016298002388e-16, -36.767087730393939),
	(31, 'virginica', 2.3860946026495855e-24, -54.39238425991055),
	(32, 'setosa', 0.99999999999997824, -2.1760371282653068e-14),
	(32, 'versicolor', 2.1782032478334143e-14, -31.457690963195308),
	(32, 'virginica', 6.126727164866545e-22, -48.844211343088162),
	(33, 'setosa', 1, 0),
	(33, 'versicolor', 6.5878134831011888e-21, -46.469065452572188),
	(33, 'virginica', 3.14606961423493e-27, -61.02364357859198),
	(34, 'setosa', 1, 0),
	(34, 'versicolor', 3.0488690192257354e-20, -44.936931151398483),
	(34, 'virginica', 1.3626057847519084e-26, -59.557813533118882),
	(35, 'setosa', 1, 0),
	(35, 'versicolor', 3.0484035108380964e-17, -38.029328566390987),
	(35, 'virginica', 6.3234845169872978e-25, -55.720356921004061),
	(36, 'setosa', 1, 0),
	(36, 'versicolor', 1.2972747348930639e-18, -41.186265967633659),
	(36, 'virginica', 2.8799944605112224e-26, -58.809424047132786),
	(37, 'setosa', 1, 0),
	(37, 'versicolor', 3.5974810777529399e-18, -40.16629777395967),
	(37, 'virginica', 2.4510234282910454e-25, -56.668121661684573),
	(38, 'setosa', 1, 0),
	(38, 'versicolor', 3.6538082527073492e-20, -44.755931879298906),
	(38, 'virginica', 3.813842004997266e-27, -60.831160429532872),
	(39, 'setosa', 1, 0),
	(39, 'versicolor', 2.119769204285704e-18, -40.695224457038194),
	(39, 'virginica', 3.1390096222575584e-26, -58.723305074600596),
	(40, 'setosa', 1, 0),
	(40, 'versicolor', 9.514885544772559e-18, -39.193674202142695),
	(40, 'virginica', 4.2390071907310618e-25, -56.120298236154866),
	(41, 'setosa', 1, 0),
	(41, 'versicolor', 6.1045478733123735e-18, -39.637497627498107),
	(41, 'virginica', 1.9069087913711297e-25, -56.919143827708538),
	(42, 'setosa', 0.99999999999999922, -8.8817841970012523e-16),
	(42, 'versicolor', 8.1663402355733106e-16, -34.741340630975316),
	(42, 'virginica', 2.0201174708055736e-24, -54.558886568270708),
	(43, 'setosa', 1, 0),
	(43, 'versicolor', 6.7133519082270621e-19, -41.845018401402392),
	(43, 'virginica', 1.5385003825754597e-26, -59.436404253397427),
	(44, 'setosa', 0.9999999999300675, -6.993250423192876e-11),
	(44, 'versicolor', 6.9932948991654175e-11, -23.383484204479103),
	(44, 'virginica', 1.7279610515632756e-18, -40.899589543369565),
	(45, 'setosa', 0.99999999999919353, -8.0646600508771371e-13),
	(45, 'versicolor', 8.0664116537891493e-13, -27.845897478094404),
	(45, 'virginica', 7.4489761103409439e-20, -44.043625271788045),
	(46, 'setosa', 0.99999999999999989, -2.2204460492503131e-16),
	(46, 'versicolor', 1.952840435088167e-16, -36.172076541811833),
	(46, 'virginica', 1.9734712034916925e-24, -54.582248207435548),
	(47, 'setosa', 1, 0),
	(47, 'versicolor', 2.3421616318384574e-18, -40.595457396650154),
	(47, 'virginica', 3.0484670281786181e-25, -56.449988474296362),
	(48, 'setosa', 1, 0),
	(48, 'versicolor', 2.3074257961287704e-18, -40.610399144705696),
	(48, 'virginica', 5.378119772534449e-26, -58.184873589414515),
	(49, 'setosa', 1, 0),
	(49, 'versicolor', 2.6387621732789245e-18, -40.476221740448253),
	(49, 'virginica', 2.7956602408162509e-25, -56.536559024023404),
	(50, 'setosa', 1, 0),
	(50, 'versicolor', 3.5819270711737796e-18, -40.170630730267881),
	(50, 'virginica', 1.1170961175371109e-25, -57.453894758746259),
	(51, 'setosa', 3.2138093542663014e-109, -249.81431818807368),
	(51, 'versicolor', 0.80403766553968226, -0.21810916321431728),
	(51, 'virginica', 0.19596233446031797, -1.6298328093396823),
	(52, 'setosa', 7.2734779459457032e-102, -232.87944491127618),
	(52, 'versicolor', 0.94516963939356213, -0.056390855013070507),
	(52, 'virginica', 0.054830360606437867, -2.9035112127787999),
	(53, 'setosa', 1.8714285887848073e-123, -282.5912643478415),
	(53, 'versicolor', 0.45615131664942282, -0.78493068975522107),
	(53, 'virginica', 0.54384868335057701, -0.60908422642419691),
	(54, 'setosa', 4.2626981780931322e-71, -162.03363926765411),
	(54, 'versicolor', 0.99996875114438766, -3.1249343868111623e-05),
	(54, 'virginica', 3.1248855612493693e-05, -10.373527802852609),
	(55, 'setosa', 1.0332309412412573e-107, -246.34391422157091),
	(55, 'versicolor', 0.95244181117395676, -0.048726264478406112),
	(55, 'virginica', 0.047558188826043221, -3.0458012897593059),
	(56, 'setosa', 2.8793671080770859e-91, -208.47767294659968),
	(56, 'versicolor', 0.99911962743435023, -0.00088076032117323511),
	(56, 'virginica', 0.00088037256564978399, -7.0351653700312644),
	(57, 'setosa', 2.2473055101900734e-115, -263.98755374676279),
	(57, 'versicolor', 0.65895228458536892, -0.41710415288957003),
	(57, 'virginica', 0.34104771541463103, -1.0757328835854723),
	(58, 'setosa', 5.0677531174865121e-35, -78.967580707511672),
	(58, 'versicolor', 0.99999976679309077, -2.3320693642858714e-07),
	(58, 'virginica', 2.3320690963323518e-07, -15.271339753263932),
	(59, 'setosa', 6.8946966755407851e-99, -226.02517168807771),
	(59, 'versicolor', 0.99031630915551883, -0.0097308826866044917),
	(59, 'virginica', 0.0096836908444812748, -4.6373121647776205),
	(60, 'setosa', 1.9453762479575792e-70, -160.51550110754062),
	(60, 'versicolor', 0.99990974639170593, -9.0257681396144207e-05),
	(60, 'virginica', 9.0253608294122001e-05, -9.3128869804522019),
	(61, 'setosa', 1.074993064785575e-41, -94.333674602559313),
	(61, 'versicolor', 0.99999976493177301, -2.3506825463925907e-07),
	(61, 'virginica', 2.3506822702927002e-07, -15.26339003715508),
	(62, 'setosa', 8.3960178710459096e-88, -200.49973065300085),
	(62, 'versicolor', 0.99623828630816913, -0.0037688067303547346),
	(62, 'virginica', 0.0037617136918309912, -5.5828806563075375),
	(63, 'setosa', 2.7459948672430465e-61, -139.44754723446863),
	(63, 'versicolor', 0.99999398367516013, -6.0163429380644118e-06),
	(63, 'virginica', 6.0163248401638939e-06, -12.021033976736588),
	(64, 'setosa', 8.0355324998882179e-106, -241.99014658783165),
	(64, 'versicolor', 0.98609082455505181, -0.01400681446855323),
	(64, 'virginica', 0.013909175444948175, -4.2752065526651695),
	(65, 'setosa', 3.5946607056242068e-56, -127.66531560046796),
	(65, 'versicolor', 0.9999753873594156, -2.4612943480439853e-05),
	(65, 'virginica', 2.4612640584592831e-05, -10.612250402096894),
	(66, 'setosa', 1.9548882871706877e-94, -215.77266569174782),
	(66, 'versicolor', 0.98003700257876492, -0.020164950296891249),
	(66, 'virginica', 0.01996299742123489, -3.9138748479688621),
	(67, 'setosa', 1.3611026069995474e-99, -227.64762909469422),
	(67, 'versicolor', 0.99068727265520784, -0.0093563619058938396),
	(67, 'virginica', 0.00931272734479229, -4.6763732827108466),
	(68, 'setosa', 1.0752761703482084e-63, -144.99028332738959),
	(68, 'versicolor', 0.99998366271909489, -1.6337414360023672e-05),
	(68, 'virginica', 1.6337280905203479e-05, -11.022060889649932),
	(69, 'setosa', 5.6974684535453447e-103, -235.42624263315852),
	(69, 'versicolor', 0.99469710783290666, -0.0053170024052486831),
	(69, 'virginica', 0.0053028921670932525, -5.2395029153553576),
	(70, 'setosa', 1.9475355432934065e-59, -135.18595573732415),
	(70, 'versicolor', 0.99999300635684085, -6.9936676148074639e-06),
	(70, 'virginica', 6.9936431590023715e-06, -11.870508941642383),
	(71, 'setosa', 2.5915380282501682e-130, -298.38381055646249),
	(71, 'versicolor', 0.15449408494388256, -1.8675994685300958),
	(71, 'virginica', 0.84550591505611739, -0.16782011474116398),
	(72, 'setosa', 4.5040061002937272e-72, -164.28115945031792),
	(72, 'versicolor', 0.99980702615286299, -0.00019299246898563105),
	(72, 'virginica', 0.00019297384713713069, -8.5529558853027989),
	(73, 'setosa', 1.2178567966016442e-121, -278.41570366248067),
	(73, 'versicolor', 0.92707705205961566, -0.075718597065130844),
	(73, 'virginica', 0.072922947940384203, -2.6183519029402218),
	(74, 'setosa', 1.4666222234609155e-97, -222.96779207081119),
	(74, 'versicolor', 0.99815651944747397, -0.0018451818539988452),
	(74, 'virginica', 0.0018434805525261065, -6.2960998895585707),
	(75, 'setosa', 5.9902319184088538e-85, -193.92960277551856),
	(75, 'versicolor', 0.99846081583672552, -0.0015403699241112179),
	(75, 'virginica', 0.0015391841632745032, -6.4765027670386486),
	(76, 'setosa', 3.306854945968802e-94, -215.24700117112752),
	(76, 'versicolor', 0.98747108163655239, -0.012608067054338257),
	(76, 'virginica', 0.012528918363447579, -4.3797158375474696),
	(77, 'setosa', 8.2687614457467874e-114, -260.38221586822374),
	(77, 'versicolor', 0.91284444388455321, -0.091189792000210712),
	(77, 'virginica', 0.087155556115446953, -2.4400607555721181),
	(78, 'setosa', 1.1698812222279229e-138, -317.5998406089854),
	(78, 'versicolor', 0.075269131588514074, -2.5866851672878357),
	(78, 'virginica', 0.92473086841148611, -0.078252536873431477),
	(79, 'setosa', 4.7901456950078952e-101, -230.99453356494402),
	(79, 'versicolor', 0.98648026836678282, -0.013611955375070206),
	(79, 'virginica', 0.013519731633217192, -4.3036050581784382),
	(80, 'setosa', 2.0345467463918136e-42, -95.99830084070895),
	(80, 'versicolor', 0.99999876205789229, -1.2379428739883735e-06),
	(80, 'virginica', 1.2379421078548333e-06, -13.602060147432729),
	(81, 'setosa', 9.5786466789253771e-56, -126.68522889091054),
	(81, 'versicolor', 0.99999644748168603, -3.552524624250708e-06),
	(81, 'virginica', 3.5525183139402728e-06, -12.54785382176247),
	(82, 'setosa', 9.2582678180603109e-49, -110.60115258623281),
	(82, 'versicolor', 0.99999865076076444, -1.3492401458314873e-06),
	(82, 'virginica', 1.3492392354856756e-06, -13.515969653626103),
	(83, 'setosa', 1.8494068029930309e-63, -144.44799591798369),
	(83, 'versicolor', 0.99997234760731069, -2.7652775023812026e-05),
	(83, 'virginica', 2.7652392689285141e-05, -10.495798298865168),
	(84, 'setosa', 2.1406973140994879e-135, -310.0878559305292),
	(84, 'versicolor', 0.61215984474275353, -0.49076184635228604),
	(84, 'virginica', 0.3878401552572468, -0.94716199522870159),
	(85, 'setosa', 4.2865056001715132e-99, -226.50045235080754),
	(85, 'versicolor', 0.99247663775445438, -0.0075518054842771409),
	(85, 'virginica', 0.0075233622455456312, -4.8897421338225646),
	(86, 'setosa', 9.1877072575450567e-105, -239.55356834144592),
	(86, 'versicolor', 0.87610755105083893, -0.13226642040980963),
	(86, 'virginica', 0.123892448949161, -2.0883414369244955),
	(87, 'setosa', 1.2618788968829156e-112, -257.65692861708419),
	(87, 'versicolor', 0.79929475191412325, -0.22402550022418577),
	(87, 'virginica', 0.20070524808587653, -1.6059178746135174),
	(88, 'setosa', 7.756210593502156e-90, -205.18416448011837),
	(88, 'versicolor', 0.9993854174721204, -0.0006147714611355326),
	(88, 'virginica', 0.00061458252787980098, -7.3945673371135721),
	(89, 'setosa', 6.7300084716353888e-74, -168.4847204791167),
	(89, 'versicolor', 0.9997962698859002, -0.00020375086989865565),
	(89, 'virginica', 0.00020373011409998345, -8.4987144101157277),
	(90, 'setosa', 8.5259187423798191e-71, -161.34043081484734),
	(90, 'versicolor', 0.99995523353674354, -4.4767465304573761e-05),
	(90, 'virginica', 4.4766463256531963e-05, -10.0140512868991),
	(91, 'setosa', 1.1318656021962146e-82, -188.68811037875432),
	(91, 'versicolor', 0.99987367967765983, -0.00012632830142411677),
	(91, 'virginica', 0.00012632032234022127, -8.9766896362451174),
	(92, 'setosa', 5.508700619782035e-101, -230.85476561922533),
	(92, 'versicolor', 0.98937146718875713, -0.010685419103702243),
	(92, 'virginica', 0.010628532811242862, -4.5442131195558106),
	(93, 'setosa', 2.3068584484363723e-67, -153.43731461071002),
	(93, 'versicolor', 0.99996622867956708, -3.377189069686537e-05),
	(93, 'virginica', 3.377132043301149e-05, -10.295898623560959),
	(94, 'setosa', 2.6141945456432607e-35, -79.629522217858835),
	(94, 'versicolor', 0.99999979751207857, -2.024879419693093e-07),
	(94, 'virginica', 2.0248792192655516e-07, -15.412585596985775),
	(95, 'setosa', 1.6346408735053731e-78, -179.11021412254496),
	(95, 'versicolor', 0.99983232862183646, -0.00016768543658063351),
	(95, 'virginica', 0.00016767137816373604, -8.6935045765473173),
	(96, 'setosa', 4.6909192700105742e-74, -168.84566831190909),
	(96, 'versicolor', 0.99984987486249499, -0.00015013640741146084),
	(96, 'virginica', 0.00015012513750511979, -8.8040413616270286),
	(97, 'setosa', 2.2411724088437716e-78, -178.79463812778769),
	(97, 'versicolor', 0.99971494664980731, -0.00028509398562137633),
	(97, 'virginica', 0.00028505335019277583, -8.1628342015553077),
	(98, 'setosa', 3.798795548153073e-84, -192.08246375602261),
	(98, 'versicolor', 0.99899236292284421, -0.001008145084682277),
	(98, 'virginica', 0.0010076370771558308, -6.9001472166679605),
	(99, 'setosa', 1.392384181433822e-30, -68.746535273578687),
	(99, 'versicolor', 0.99999976868310292, -2.3131692383770996e-07),
	(99, 'virginica', 2.3131689723921862e-07, -15.279477217030035),
	(100, 'setosa', 1.2825568882526058e-74, -170.14244122716838),
	(100, 'versicolor', 0.99984716001319651, -0.00015285166802458949),
	(100, 'virginica', 0.00015283998680354051, -8.7861190217272398),
	(101, 'setosa', 3.2324518072371566e-254, -583.68337269775554),
	(101, 'versicolor', 6.3538103115958551e-11, -23.479381340917147),
	(101, 'virginica', 0.99999999993646194, -6.3538063699297709e-11),
	(102, 'setosa', 1.0694769812321954e-152, -349.92576440871079),
	(102, 'versicolor', 0.025012163568870475, -3.6883930296826652),
	(102, 'virginica', 0.97498783643112941, -0.025330283517360996),
	(103, 'setosa', 9.2975722878225955e-221, -506.64155222992304),
	(103, 'versicolor', 1.6791538112359292e-07, -15.599805668222579),
	(103, 'virginica', 0.99999983208461873, -1.6791539536598066e-07),
	(104, 'setosa', 8.1932660220520505e-177, -405.45424885988206),
	(104, 'versicolor', 0.0019946237364408281, -6.2172998497159524),
	(104, 'virginica', 0.99800537626355912, -0.0019966156475488273),
	(105, 'setosa', 3.5316972740539222e-218, -500.70177170313127),
	(105, 'versicolor', 2.3054340767235172e-07, -15.282826672619874),
	(105, 'virginica', 0.99999976945659252, -2.3054343412098888e-07),
	(106, 'setosa', 4.6603547921256932e-273, -627.0666388064858),
	(106, 'versicolor', 2.4097699463945418e-10, -22.146319644921867),
	(106, 'virginica', 0.99999999975902298, -2.4097701611935918e-10),
	(107, 'setosa', 2.234637019775573e-109, -250.17769632873419),
	(107, 'versicolor', 0.97351434465329745, -0.026842719144085869),
	(107, 'virginica', 0.026485655346702722, -3.6311520002214452),
	(108, 'setosa', 9.7917532190669801e-229, -525.01044577248524),
	(108, 'versicolor', 1.3401814700923696e-06, -13.522705527728585),
	(108, 'virginica', 0.99999865981852987, -1.3401823681924441e-06),
	(109, 'setosa', 7.9699122513400216e-192, -440.02066437198476),
	(109, 'versicolor', 0.00049290178484903777, -7.6152006231415479),
	(109, 'virginica', 0.99950709821515105, -0.00049302330086575807),
	(110, 'setosa', 9.7731047345315322e-266, -610.20800053839412),
	(110, 'versicolor', 1.4056840270464352e-12, -27.290497079626473),
	(110, 'virginica', 0.99999999999859401, -1.4059864383852982e-12),
	(111, 'setosa', 4.8951370644503912e-162, -371.43054278853577),
	(111, 'versicolor', 0.00041288411561468853, -7.7923435961084557),
	(111, 'virginica', 0.99958711588438554, -0.00041296937573020998),
	(112, 'setosa', 1.946504389682199e-166, -381.56309029377894),
	(112, 'versicolor', 0.0027774217775344725, -5.8862321997509515),
	(112, 'virginica', 0.99722257822246563, -0.0027812859700531156),
	(113, 'setosa', 5.6557552329546991e-194, -444.96883438883151),
	(113, 'versicolor', 4.8071186199686177e-06, -12.245412692850021),
	(113, 'virginica', 0.99999519288138017, -4.8071301741448025e-06),
	(114, 'setosa', 5.0234166299953264e-154, -352.98399401530025),
	(114, 'versicolor', 0.012880707015730136, -4.3520246672868375),
	(114, 'virginica', 0.98711929298427015, -0.012964382633028126),
	(115, 'setosa', 3.3984573947066833e-190, -436.26784604764214),
	(115, 'versicolor', 1.0425368490628423e-06, -13.773853537075269),
	(115, 'virginica', 0.99999895746315104, -1.0425373924149994e-06),
	(116, 'setosa', 3.6219600256506622e-195, -447.71707781097899),
	(116, 'versicolor', 4.5095178606836114e-07, -14.611905407663169),
	(116, 'virginica', 0.99999954904821386, -4.5095188783150775e-07),
	(117, 'setosa', 1.0526432347786897e-171, -393.69074653461581),
	(117, 'versicolor', 0.0018719658050006074, -6.280766167653077),
	(117, 'virginica', 0.9981280341949994, -0.0018737201226786127),
	(118, 'setosa', 2.3714965860925644e-287, -659.97840046251281),
	(118, 'versicolor', 1.6457493218317532e-12, -27.132825320635241),
	(118, 'virginica', 0.9999999999983552, -1.6449064332846319e-12),
	(119, 'setosa', 1.5372372868675067e-312, -717.97656217837414),
	(119, 'versicolor', 6.4740686128488296e-13, -28.065801455258942),
	(119, 'virginica', 0.99999999999935252, -6.4748206796139129e-13),
	(120, 'setosa', 6.3108651499541354e-126, -288.28344894233686),
	(120, 'versicolor', 0.95813536187126924, -0.042766214676095871),
	(120, 'virginica', 0.041864638128730806, -3.1733137671292333),
	(121, 'setosa', 7.8916299682324057e-222, -509.1080879445617),
	(121, 'versicolor', 1.1711689678382954e-08, -18.262678376118188),
	(121, 'virginica', 0.99999998828831027, -1.1711689840154804e-08),
	(122, 'setosa', 3.5613750045291451e-148, -339.51244705559793),
	(122, 'versicolor', 0.013762597106932071, -4.2858007210503608),
	(122, 'virginica', 0.98623740289306783, -0.013858179635622303),
	(123, 'setosa', 1.9949277704996897e-274, -630.21770763594543),
	(123, 'versicolor', 7.5824041021817295e-10, -21.000020616695789),
	(123, 'virginica', 0.99999999924175953, -7.5824058143325601e-10),
	(124, 'setosa', 7.670476470370258e-138, -315.71936409842868),
	(124, 'versicolor', 0.12998672834746289, -2.040322923372957),
	(124, 'virginica', 0.87001327165253706, -0.13924681267682937),
	(125, 'setosa', 4.9228438518601033e-205, -470.43605768159284),
	(125, 'versicolor', 9.71777952307603e-07, -13.844138502711287),
	(125, 'virginica', 0.99999902822204756, -9.717784246188188e-07),
	(126, 'setosa', 3.7163387097951356e-207, -475.32237528393978),
	(126, 'versicolor', 7.3990199309195397e-06, -11.814163008292965),
	(126, 'virginica', 0.99999260098006915, -7.3990473037355287e-06),
	(127, 'setosa', 3.3363556421042699e-132, -302.73635318905428),
	(127, 'versicolor', 0.1999282198114766, -1.6097968777970748),
	(127, 'virginica', 0.80007178018852332, -0.22305383010362378),
	(128, 'setosa', 1.6179583861751128e-136, -312.67040754818311),
	(128, 'versicolor', 0.10748353243446042, -2.2304176298048759),
	(128, 'virginica', 0.89251646756553982, -0.11371031444473534),
	(129, 'setosa', 5.6435040380761772e-198, -454.18134325688084),
	(129, 'versicolor', 1.0946781419433688e-05, -11.42246507920721),
	(129, 'virginica', 0.99998905321858067, -1.0946841335846003e-05),
	(130, 'setosa', 1.540906180998846e-182, -418.63811625232734),
	(130, 'versicolor', 0.00070180571674467349, -7.2618539490166558),
	(130, 'virginica', 0.9992981942832555, -0.00070205209765772381),
	(131, 'setosa', 2.2113195104018493e-222, -510.38030124378975),
	(131, 'versicolor', 9.0623844074833074e-07, -13.913963385895197),
	(131, 'virginica', 0.99999909376155915, -9.0623885151686068e-07),
	(132, 'setosa', 2.2367136616734284e-252, -579.44643576122439),
	(132, 'versicolor', 2.9673051558441353e-10, -21.938196743956148),
	(132, 'virginica', 0.99999999970326936, -2.9673064005919514e-10),
	(133, 'setosa', 1.6867211797041367e-205, -471.50715754968769),
	(133, 'versicolor', 1.5078822877571685e-06, -13.404804349941701),
	(133, 'virginica', 0.9999984921177123, -1.5078834245674244e-06),
	(134, 'setosa', 2.6838258262863244e-131, -300.65140385855216),
	(134, 'versicolor', 0.71264514421552927, -0.3387716764059463),
	(134, 'virginica', 0.2873548557844709, -1.2470373956694387),
	(135, 'setosa', 6.8072330503153405e-154, -352.68011859034192),
	(135, 'versicolor', 0.48619928540280422, -0.72113668686095522),
	(135, 'virginica', 0.51380071459719601, -0.66591980349923219),
	(136, 'setosa', 6.0811434865886177e-254, -583.05142086874105),
	(136, 'versicolor', 8.9857864637705285e-11, -23.132791975781601),
	(136, 'virginica', 0.9999999999101421, -8.985789889948137e-11),
	(137, 'setosa', 3.9060808569821538e-220, -505.20618592573754),
	(137, 'versicolor', 6.5884881952440474e-09, -18.837941923666172),
	(137, 'virginica', 0.99999999341151213, -6.5884879774102956e-09),
	(138, 'setosa', 5.02789443182382e-171, -392.12704960753155),
	(138, 'versicolor', 0.0019022760045302107, -6.2647042125948724),
	(138, 'virginica', 0.99809772399546981, -0.0019040876293672238),
	(139, 'setosa', 4.7522628750235365e-131, -300.08002628287159),
	(139, 'versicolor', 0.19318385565263782, -1.6441129235698364),
	(139, 'virginica', 0.80681614434736215, -0.21465946275602521),
	(140, 'setosa', 1.4036521297719854e-188, -432.5469199787949),
	(140, 'versicolor', 5.231264579715463e-06, -12.160857515670127),
	(140, 'virginica', 0.99999476873542015, -5.2312782630181687e-06),
	(141, 'setosa', 8.0206197894681129e-223, -511.39446003829744),
	(141, 'versicolor', 5.0144657601337755e-09, -19.110938949595145),
	(141, 'virginica', 0.99999999498553438, -5.0144657315343011e-09),
	(142, 'setosa', 3.8725285887592116e-187, -429.22950471409769),
	(142, 'versicolor', 4.6779805299148014e-07, -14.575229144858264),
	(142, 'virginica', 0.99999953220194704, -4.6779816242903394e-07),
	(143, 'setosa', 1.0694769812321954e-152, -349.92576440871079),
	(143, 'versicolor', 0.025012163568870475, -3.6883930296826652),
	(143, 'virginica', 0.97498783643112941, -0.025330283517360996),
	(144, 'setosa', 7.0768824780639711e-234, -536.84807827783095),
	(144, 'versicolor', 4.4255602227427062e-09, -19.235868962490478),
	(144, 'virginica', 0.99999999557444019, -4.4255599185305527e-09),
	(145, 'setosa', 3.5689882985990808e-237, -544.4403848737079),
	(145, 'versicolor', 1.6460269309222581e-10, -22.527486466384275),
	(145, 'virginica', 0.99999999983539756, -1.6460255380934541e-10),
	(146, 'setosa', 1.5655662793898611e-191, -439.34550516345314),
	(146, 'versicolor', 5.8550796194373893e-07, -14.350786055463542),
	(146, 'virginica', 0.99999941449203811, -5.8550813331059715e-07),
	(147, 'setosa', 1.060620349890717e-149, -343.02632488342653),
	(147, 'versicolor', 0.025445762319512181, -3.671206059888755),
	(147, 'virginica', 0.97455423768048777, -0.025775104651050817),
	(148, 'setosa', 7.9885932215138988e-168, -384.75628094611818),
	(148, 'versicolor', 0.00037016686159609249, -7.9015566766989611),
	(148, 'virginica', 0.99962983313840403, -0.00037023539026059815),
	(149, 'setosa', 1.4437856171745476e-199, -457.84716494092697),
	(149, 'versicolor', 2.4602043461229107e-07, -15.217851236934326),
	(149, 'virginica', 0.99999975397956542, -2.4602046488908513e-07),
	(150, 'setosa', 3.2598824319148094e-146, -334.99573244623218),
	(150, 'versicolor', 0.056005009154248768, -2.8823141430643138),
	(150, 'virginica', 0.94399499084575134, -0.057634419158181682);

CREATE FUNCTION pg_temp.relerr(a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT CASE WHEN a = b THEN 0 ELSE abs(a - b) / abs(b) END $$;

-- the default var_smoothing (1e-9); priors are the class frequencies
SELECT model, version, algorithm, deployed FROM mlops.train('nb_iris', 'iris', 'species', 'naive_bayes',
	features => '{sepal_length,sepal_width,petal_length,petal_width}', test_size => 0);
SELECT hyperparams, n_train, n_test FROM mlops.versions WHERE model = 'nb_iris';
-- sklearn's epsilon is 3.0955026666666677e-09 and its accuracy 0.96
SELECT metrics->>'evaluated_on' AS evaluated_on, metrics->'n_train' AS n_train,
	   metrics->'rows_skipped' AS rows_skipped,
	   pg_temp.relerr((metrics->>'epsilon')::float8, 3.0955026666666677e-09) < 1e-14 AS epsilon_ok,
	   round((metrics->>'accuracy')::numeric, 12) AS accuracy,
	   round((metrics->>'log_loss')::numeric, 10) AS log_loss,
	   metrics->>'score_metric' AS score_metric
FROM mlops.versions WHERE model = 'nb_iris';
SELECT mlops.classes('nb_iris');
SELECT pg_temp.try($$SELECT * FROM mlops.coefficients('nb_iris')$$);

-- every probability of every row against predict_proba: to 1e-10
-- relative, the ones below 1e-300 to 1e-310 absolutely, every logarithm
-- to 1e-12 (measured: 4.5e-13 relative at most, 1.3e-14 for probabilities
-- above 1e-3, 4.5e-13 in the logarithm, a few ulps of joint log
-- likelihoods near -700, 1.4e-15 absolutely; the subnormal one equal);
-- sklearn's predict (its most probable class) against predict_label and
-- predict (a text class's index)
CREATE TEMP TABLE nb_out AS
SELECT i.id, c.class, c.k, p.p
FROM iris i, unnest(mlops.classes('nb_iris')) WITH ORDINALITY c(class, k),
	 LATERAL (SELECT (mlops.predict_proba('nb_iris', i))[c.k] AS p) p;
CREATE FUNCTION pg_temp.compare(tab regclass) RETURNS TABLE (
	n bigint, normal bigint, tiny bigint, normal_ok boolean, tiny_ok boolean,
	log_within_1e_12 boolean, abs_within_1e_14 boolean)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format($q$
		SELECT count(*),
			   count(*) FILTER (WHERE s.probability >= 1e-300),
			   count(*) FILTER (WHERE s.probability < 1e-300),
			   bool_and(pg_temp.relerr(o.p, s.probability) < 1e-10) FILTER (WHERE s.probability >= 1e-300),
			   bool_and(abs(o.p - s.probability) < 1e-310 AND o.p > 0) FILTER (WHERE s.probability < 1e-300),
			   bool_and(o.p > 0 AND abs(ln(o.p) - s.log_probability) < 1e-12),
			   max(abs(o.p - s.probability)) < 1e-14
		FROM %s o JOIN sk_prob s USING (id, class)$q$, tab);
END $$;
SELECT * FROM pg_temp.compare('nb_out');
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE mlops.predict_label('nb_iris', i) = s.class) AS label_agrees,
	   count(*) FILTER (WHERE mlops.predict('nb_iris', i) = s.k - 1) AS index_agrees,
	   count(*) FILTER (WHERE s.class = i.species) AS sklearn_correct
FROM iris i
JOIN LATERAL (SELECT s.class, c.k FROM sk_prob s
			  JOIN unnest(mlops.classes('nb_iris')) WITH ORDINALITY c(class, k) USING (class)
			  WHERE s.id = i.id ORDER BY s.probability DESC LIMIT 1) s ON true;
-- the probabilities sum to 1 and the array form scores as the row form
SELECT bool_and(abs((SELECT sum(v) FROM unnest(mlops.predict_proba('nb_iris', i)) v) - 1) < 1e-15) AS sums_to_1,
	   bool_and(mlops.predict_proba('nb_iris', ARRAY[sepal_length, sepal_width, petal_length, petal_width])
				= mlops.predict_proba('nb_iris', i)) AS array_form_same
FROM iris i;

-- control: var_smoothing 1e-3 moves the probabilities by more than 1e-10,
-- so the same comparison fails
SELECT version FROM mlops.train('nb_ctl', 'iris', 'species', 'naive_bayes',
	hyperparams => '{"var_smoothing": 1e-3}',
	features => '{sepal_length,sepal_width,petal_length,petal_width}', test_size => 0);
CREATE TEMP TABLE nb_ctl_out AS
SELECT i.id, c.class, (mlops.predict_proba('nb_ctl', i))[c.k] AS p
FROM iris i, unnest(mlops.classes('nb_ctl')) WITH ORDINALITY c(class, k);
SELECT normal_ok, tiny_ok FROM pg_temp.compare('nb_ctl_out');

-- a held-out split: the pass counts the test rows, the metrics are theirs
SELECT version FROM mlops.train('nb_split', 'iris', 'species', 'naive_bayes',
	features => '{sepal_length,sepal_width,petal_length,petal_width}', test_size => 0.3);
SELECT metrics->>'evaluated_on' AS evaluated_on,
	   (metrics->>'n_train')::int + (metrics->>'n')::int AS n_total,
	   n_train = (metrics->>'n_train')::int AS n_train_stored,
	   n_test = (metrics->>'n')::int AS n_test_stored,
	   n_test BETWEEN 30 AND 60 AS about_30_percent
FROM mlops.versions WHERE model = 'nb_split';

-- parallel: iris 100 times (means, variances and priors unchanged), the
-- pass in a forced parallel plan equals the serial fit to 1e-12 and both
-- sklearn's probabilities to 1e-10
CREATE TABLE iris100 AS SELECT i.* FROM iris i, generate_series(1, 100) g;
ANALYZE iris100;
SELECT version FROM mlops.train('nb_serial', 'iris100', 'species', 'naive_bayes',
	features => '{sepal_length,sepal_width,petal_length,petal_width}', test_size => 0);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT mlops._naive_bayes_state(3, 0::float8, 0::bigint, NULL::text[],
	(array_position(mlops.classes('nb_iris'), species) - 1)::float8,
	sepal_length, sepal_width, petal_length, petal_width) FROM iris100;
SELECT version FROM mlops.train('nb_parallel', 'iris100', 'species', 'naive_bayes',
	features => '{sepal_length,sepal_width,petal_length,petal_width}', test_size => 0);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT (SELECT metrics->'n_train' FROM mlops.versions WHERE model = 'nb_parallel') AS n_train,
	   bool_and(pg_temp.relerr(a.v, b.v) < 1e-12 OR abs(a.v - b.v) < 1e-310) AS parallel_equals_serial
FROM iris i,
	 LATERAL unnest(mlops.predict_proba('nb_parallel', i), mlops.predict_proba('nb_serial', i)) AS a(v, w),
	 LATERAL (SELECT a.w AS v) b;
CREATE TEMP TABLE nb_par_out AS
SELECT i.id, c.class, (mlops.predict_proba('nb_parallel', i))[c.k] AS p
FROM iris i, unnest(mlops.classes('nb_parallel')) WITH ORDINALITY c(class, k);
SELECT * FROM pg_temp.compare('nb_par_out');
DROP TABLE iris100;

-- the pass's state: NULL over no rows; a row with a NULL is skipped and
-- counted; the text form is exact; a merge of two partial states counts
-- every row of both
SELECT mlops._naive_bayes_state(3, 0::float8, 0::bigint, NULL::text[], 0::float8, 1::float8)
FROM iris WHERE false;
CREATE TEMP TABLE nb_states AS
SELECT id <= 75 AS first_half,
	   mlops._naive_bayes_state(3, 0::float8, 0::bigint, '{sl,sw}'::text[],
			(array_position(mlops.classes('nb_iris'), species) - 1)::float8,
			sepal_length, CASE WHEN id % 50 = 7 THEN NULL ELSE sepal_width END) AS s
FROM iris GROUP BY id <= 75;
-- header fields of the text form: nfeat, K, rows, skipped, doubles
CREATE FUNCTION pg_temp.hdr(s mlops.pass_state, byte int, len int) RETURNS bigint
LANGUAGE sql AS $$ SELECT ('x' || lpad(substr(s::text, 2 * byte + 1, 2 * len), 16, '0'))::bit(64)::bigint $$;
SELECT first_half, pg_temp.hdr(s, 12, 4) AS nfeat, pg_temp.hdr(s, 16, 4) AS classes,
	   pg_temp.hdr(s, 32, 8) AS nrows, pg_temp.hdr(s, 40, 8) AS nskipped,
	   pg_temp.hdr(s, 56, 4) AS ndoubles,
	   s::text::mlops.pass_state::text = s::text AS text_round_trip
FROM nb_states ORDER BY first_half;
CREATE AGGREGATE pg_temp.nb_merge(mlops.pass_state) (
	SFUNC = mlops._naive_bayes_combine, STYPE = mlops.pass_state);
SELECT pg_temp.hdr(m, 32, 8) AS nrows, pg_temp.hdr(m, 40, 8) AS nskipped
FROM (SELECT pg_temp.nb_merge(s ORDER BY first_half) AS m FROM nb_states) t;

-- crafted states: the header, the length, the class counts are checked
-- before a byte of the body is used
SELECT pg_temp.try(format('SELECT %L::mlops.pass_state',
	pg_temp.pass_state(4, 1, 0, 2, ARRAY[3, 0, 0, 0], 0, 0, 0, 26)));
SELECT pg_temp.try(format('SELECT %L::mlops.pass_state',
	pg_temp.pass_state(4, 1, 0, 2, ARRAY[1, 0, 0, 0], 0, 0, 0, 9)));
SELECT pg_temp.try(format('SELECT %L::mlops.pass_state',
	pg_temp.pass_state(4, 2, 0, 2, ARRAY[3, 0, 0, 0], 0, 0, 0, 27)));
SELECT pg_temp.try(format('SELECT %L::mlops.pass_state',
	pg_temp.pass_state(4, 1, 0, -1, ARRAY[3, 0, 0, 0], 5, 0, 0, 0)));
SELECT pg_temp.try(format('SELECT pg_temp.nb_merge(s) FROM (VALUES (%L::mlops.pass_state)) v(s)',
	pg_temp.pass_state(4, 1, 0, 2, ARRAY[3, 0, 0, 0], 0, 0, 0, 27, '3fe0000000000000')));
SELECT pg_temp.try(format('SELECT pg_temp.nb_merge(s) FROM (VALUES (%L::mlops.pass_state)) v(s)',
	pg_temp.pass_state(4, 1, 0, 2, ARRAY[3, 0, 0, 0], 2, 0, 0, 27, '3ff0000000000000')));
SELECT pg_temp.try(format('SELECT pg_temp.nb_merge(s) FROM (VALUES (%L::mlops.pass_state), (%L::mlops.pass_state)) v(s)',
	pg_temp.pass_state(4, 1, 0, 2, ARRAY[3, 0, 0, 0], 0, 0, 0, 27),
	pg_temp.pass_state(4, 1, 0, 2, ARRAY[4, 0, 0, 0], 0, 0, 0, 36)));
SELECT pg_temp.try(format('SELECT pg_temp.nb_merge(s) FROM (VALUES (%L::mlops.pass_state), (%L::mlops.pass_state)) v(s)',
	pg_temp.pass_state(4, 1, 0, 2, ARRAY[3, 0, 0, 0], 0, 0, 0, 27),
	pg_temp.pass_state(4, 1, 0, 1, ARRAY[3, 0, 0, 0], 0, 0, 0, 15)));
-- a linear state is not a naive Bayes state
SELECT pg_temp.try(format('SELECT pg_temp.nb_merge(s) FROM (VALUES (%L::mlops.pass_state)) v(s)',
	pg_temp.linear_state(true, 1, 0, 0)));

-- the support functions' own checks
SELECT pg_temp.try($$SELECT mlops._naive_bayes_combine(NULL, NULL)$$);
SELECT pg_temp.try($$SELECT mlops._naive_bayes_state(1, 0::float8, 0::bigint, NULL::text[], 0::float8, x) FROM (VALUES (1::float8)) v(x)$$);
SELECT pg_temp.try($$SELECT mlops._naive_bayes_state(3, 0::float8, 0::bigint, NULL::text[], 3::float8, x) FROM (VALUES (1::float8)) v(x)$$);
SELECT pg_temp.try($$SELECT mlops._naive_bayes_state(3, 0::float8, 0::bigint, NULL::text[], 0.5::float8, x) FROM (VALUES (1::float8)) v(x)$$);
SELECT pg_temp.try($$SELECT mlops._naive_bayes_state(NULL::int, 0::float8, 0::bigint, NULL::text[], 0::float8, x) FROM (VALUES (1::float8)) v(x)$$);
SELECT pg_temp.try($$SELECT mlops._naive_bayes_state(3, 0::float8, 0::bigint, '{a,b}'::text[], 0::float8, x) FROM (VALUES ('NaN'::float8)) v(x)$$);
SELECT pg_temp.try($$SELECT mlops._naive_bayes_state(3, 0::float8, 0::bigint, NULL::text[], 0::float8, x::int) FROM (VALUES (1)) v(x)$$);
SELECT pg_temp.try($$SELECT mlops._naive_bayes_state(x, 0::float8, 3, 0::float8, 0::bigint, NULL::text[]) FROM (VALUES ('{1,2}'::float8[]), ('{1,2,3}')) v(x)$$);

-- errors of mlops.train
CREATE TEMP VIEW setosa AS SELECT * FROM iris WHERE species = 'setosa';
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'setosa', 'species', 'naive_bayes', test_size => 0)$$);
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'iris', 'species', 'naive_bayes', hyperparams => '{"var_smoothing": -1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'iris', 'species', 'naive_bayes', hyperparams => '{"alpha": 1}')$$);
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'iris', 'species', 'naive_bayes', hyperparams => '{"var_smoothing": "NaN"}')$$);
CREATE TEMP TABLE nb_num (x float8, y float8);
INSERT INTO nb_num VALUES (1, 0), (2, 1), (3, 1.5), (4, 0);
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'nb_num', 'y', 'naive_bayes')$$);
-- a column constant within a class: variance 0 is an error with
-- var_smoothing 0, and epsilon with the default
CREATE TEMP TABLE nb_const AS
SELECT id, sepal_length,
	   CASE species WHEN 'setosa' THEN 3 ELSE sepal_width END AS width, species FROM iris;
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'nb_const', 'species', 'naive_bayes',
	features => '{sepal_length,width}', hyperparams => '{"var_smoothing": 0}', test_size => 0)$$);
SELECT version, metrics->'n_train' AS n_train
FROM mlops.train('nb_const', 'nb_const', 'species', 'naive_bayes',
	features => '{sepal_length,width}', test_size => 0);
SELECT mlops.predict_label('nb_const', ARRAY[5.0, 3]) AS at_setosa_width,
	   round((mlops.predict_proba('nb_const', ARRAY[5.0, 3.0001]))[1]::numeric, 6) AS setosa_prob_just_off;
-- with var_smoothing 0 and no constant column the fit is sklearn's too
SELECT version FROM mlops.train('nb_vs0', 'iris', 'species', 'naive_bayes',
	features => '{sepal_length,sepal_width,petal_length,petal_width}',
	hyperparams => '{"var_smoothing": 0}', test_size => 0);
SELECT metrics->'epsilon' AS epsilon FROM mlops.versions WHERE model = 'nb_vs0';
-- a class whose rows all have a NULL feature; every row skipped; NaN
CREATE TABLE nb_nulls (lab text, x float8);
INSERT INTO nb_nulls VALUES ('a', 1), ('a', 2), ('b', 3), ('b', 5), ('c', NULL);
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'nb_nulls', 'lab', 'naive_bayes', test_size => 0)$$);
DELETE FROM nb_nulls WHERE lab = 'c';
SELECT metrics->'n_train' AS n_train, metrics->'rows_skipped' AS rows_skipped
FROM mlops.train('nb_nulls', 'nb_nulls', 'lab', 'naive_bayes', test_size => 0);
UPDATE nb_nulls SET x = NULL;
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'nb_nulls', 'lab', 'naive_bayes', test_size => 0)$$);
UPDATE nb_nulls SET x = 'NaN' WHERE lab = 'b';
SELECT pg_temp.try($$SELECT mlops.train('nb_err', 'nb_nulls', 'lab', 'naive_bayes', test_size => 0)$$);

DROP TABLE nb_nulls;

-- rows far from every class: finite probabilities; beyond double
-- precision (every joint log likelihood -Infinity) the nearest class in
-- standardised distance, virginica's variances being the largest
SELECT mlops.predict_proba('nb_iris', ARRAY[1e100, 0, 0, 0]) AS far,
	   mlops.predict_proba('nb_iris', ARRAY[1e308, -1e308, 1e308, 1e308]) AS beyond_double,
	   mlops.predict_label('nb_iris', ARRAY[1e308, -1e308, 1e308, 1e308]) AS beyond_label,
	   mlops.predict_label('nb_iris', ARRAY[-1e308, 1e308, -1e308, -1e308]) AS other_side;

-- a model wider than the separate-argument pass (an array per row), with
-- integer classes: mlops.predict returns the class value
SELECT setseed(0.42);
DO $$
BEGIN
	EXECUTE 'CREATE TEMP TABLE nb_wide AS SELECT (g % 3) * 10 AS lab, '
		|| (SELECT string_agg(format('(g %% 3) * %s + random() AS f%s', j % 4, j), ', ')
			FROM generate_series(1, 95) j)
		|| ' FROM generate_series(1, 60) g';
END $$;
SELECT version, metrics->'n_train' AS n_train, metrics->'accuracy' AS accuracy
FROM mlops.train('nb_wide', 'nb_wide', 'lab', 'naive_bayes', test_size => 0);
SELECT mlops.classes('nb_wide'),
	   array_agg(DISTINCT mlops.predict('nb_wide', w)) AS predicted
FROM nb_wide w;

-- a big relation's classes are listed from a block sample, and the fit
-- pass counts the rows of other labels: here a rare class lies in blocks
-- the sample skips (shown), so training lists every row's classes and
-- starts again, for naive Bayes and logistic alike
CREATE TABLE nb_rare AS
SELECT x, CASE WHEN g <= 100 THEN 'rare' WHEN x + hashint8(g)::float8 / 4294967296.0 > 0.5 THEN 'b' ELSE 'a' END AS lab
FROM (SELECT g, (g % 1000) / 1000.0 + CASE WHEN g <= 100 THEN 5 ELSE 0 END AS x
      FROM generate_series(1, 90000) g) s;
ANALYZE nb_rare;
SELECT count(*) FILTER (WHERE lab = 'rare') AS rare_in_sample, count(DISTINCT lab) AS sampled_classes
FROM nb_rare TABLESAMPLE SYSTEM ((SELECT 100 * 20000 / reltuples FROM pg_class WHERE relname = 'nb_rare')) REPEATABLE (0);
SELECT metrics->'n_train' AS n_train, metrics->'rows_skipped' AS skipped
FROM mlops.train('nb_rare', 'nb_rare', 'lab', 'naive_bayes', test_size => 0);
SELECT mlops.classes('nb_rare'), mlops.predict_label('nb_rare', ARRAY[5.5]) AS far_right;
SELECT metrics->'n_train' AS n_train, metrics->'rows_skipped' AS skipped, metrics->'converged' AS converged
FROM mlops.train('lg_rare', 'nb_rare', 'lab', 'logistic', test_size => 0, hyperparams => '{"alpha": 1}');
SELECT mlops.classes('lg_rare'), mlops.predict_label('lg_rare', ARRAY[5.5]) AS far_right;
DROP TABLE nb_rare;
