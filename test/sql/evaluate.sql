--
-- mlops.evaluate, confusion_matrix and roc_curve against scikit-learn's
-- metrics (test/reference/metrics.py) on R's fits of the same data: the
-- versions here equal R's fits to 1e-10 in probability (algo_logistic)
-- and 1e-12 in prediction (reference), so every metric that counts
-- labels or ranks is equal to 1e-12, and log_loss and the regression
-- metrics to 1e-9.  That the metric code itself equals scikit-learn's to
-- 1e-12 on identical inputs, ties included, is test/unit's part.
--
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/include/try.sql
\i :abs_srcdir/include/datasets.sql
CREATE VIEW iris_vv AS SELECT * FROM iris WHERE species <> 'setosa';
CREATE FUNCTION pg_temp.relerr(a float8, b float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) / greatest(abs(b), 1e-300) $$;

CREATE TEMP TABLE sk_metric (name text, metric text, average text, value float8);
INSERT INTO sk_metric VALUES
	('breast_cancer', 'accuracy_score', '', 0.79613356766256593),
	('breast_cancer', 'balanced_accuracy_score', '', 0.77814333280481995),
	('breast_cancer', 'precision_score', 'macro', 0.78271555197421439),
	('breast_cancer', 'precision_score', 'weighted', 0.79480010026496573),
	('breast_cancer', 'precision_score', 'benign', 0.83013698630136989),
	('breast_cancer', 'precision_score', 'malignant', 0.73529411764705888),
	('breast_cancer', 'precision_score', 'binary, pos_label malignant', 0.73529411764705888),
	('breast_cancer', 'recall_score', 'macro', 0.77814333280481995),
	('breast_cancer', 'recall_score', 'weighted', 0.79613356766256593),
	('breast_cancer', 'recall_score', 'benign', 0.84873949579831931),
	('breast_cancer', 'recall_score', 'malignant', 0.70754716981132071),
	('breast_cancer', 'recall_score', 'binary, pos_label malignant', 0.70754716981132071),
	('breast_cancer', 'f1_score', 'macro', 0.78024451310462384),
	('breast_cancer', 'f1_score', 'weighted', 0.79530276742424211),
	('breast_cancer', 'f1_score', 'benign', 0.83933518005540164),
	('breast_cancer', 'f1_score', 'malignant', 0.72115384615384615),
	('breast_cancer', 'f1_score', 'binary, pos_label malignant', 0.72115384615384615),
	('breast_cancer', 'roc_auc_score', '', 0.88811373606046196),
	('breast_cancer', 'log_loss', '', 0.40439155926539799),
	('iris_vv', 'accuracy_score', '', 0.98),
	('iris_vv', 'balanced_accuracy_score', '', 0.98),
	('iris_vv', 'precision_score', 'macro', 0.98),
	('iris_vv', 'precision_score', 'weighted', 0.98),
	('iris_vv', 'precision_score', 'versicolor', 0.98),
	('iris_vv', 'precision_score', 'virginica', 0.98),
	('iris_vv', 'precision_score', 'binary, pos_label virginica', 0.98),
	('iris_vv', 'recall_score', 'macro', 0.98),
	('iris_vv', 'recall_score', 'weighted', 0.98),
	('iris_vv', 'recall_score', 'versicolor', 0.98),
	('iris_vv', 'recall_score', 'virginica', 0.98),
	('iris_vv', 'recall_score', 'binary, pos_label virginica', 0.98),
	('iris_vv', 'f1_score', 'macro', 0.98),
	('iris_vv', 'f1_score', 'weighted', 0.98),
	('iris_vv', 'f1_score', 'versicolor', 0.98),
	('iris_vv', 'f1_score', 'virginica', 0.98),
	('iris_vv', 'f1_score', 'binary, pos_label virginica', 0.98),
	('iris_vv', 'roc_auc_score', '', 0.99720000000000009),
	('iris_vv', 'log_loss', '', 0.059492733956794171),
	('wine', 'accuracy_score', '', 0.8033707865168539),
	('wine', 'balanced_accuracy_score', '', 0.79143291955120565),
	('wine', 'precision_score', 'macro', 0.79674199623352171),
	('wine', 'precision_score', 'weighted', 0.80164794007490636),
	('wine', 'precision_score', 'class_0', 0.81355932203389836),
	('wine', 'precision_score', 'class_1', 0.82666666666666666),
	('wine', 'precision_score', 'class_2', 0.75),
	('wine', 'recall_score', 'macro', 0.79143291955120565),
	('wine', 'recall_score', 'weighted', 0.8033707865168539),
	('wine', 'recall_score', 'class_0', 0.81355932203389836),
	('wine', 'recall_score', 'class_1', 0.87323943661971826),
	('wine', 'recall_score', 'class_2', 0.6875),
	('wine', 'f1_score', 'macro', 0.79342189829162502),
	('wine', 'f1_score', 'weighted', 0.80188849703207499),
	('wine', 'f1_score', 'class_0', 0.81355932203389847),
	('wine', 'f1_score', 'class_1', 0.84931506849315064),
	('wine', 'f1_score', 'class_2', 0.71739130434782605),
	('wine', 'roc_auc_score', 'ovr macro', 0.9256157569255733),
	('wine', 'roc_auc_score', 'ovr weighted', 0.92983062270700256),
	('wine', 'log_loss', '', 0.50819536768595996),
	('diabetes_lm', 'r2_score', '', 0.51774842222034989),
	('diabetes_lm', 'mean_squared_error', '', 2859.6963475867497),
	('diabetes_lm', 'root_mean_squared_error', 'sqrt(mse)', 53.476128764026569),
	('diabetes_lm', 'mean_absolute_error', '', 43.277452025315057),
	('diabetes_lm', 'explained_variance_score', '', 0.51774842222034989),
	('ties', 'roc_auc_score', '', 0.72857142857142854),
	('ties', 'log_loss', '', 0.63114059257893751);
CREATE TEMP TABLE sk_confusion (name text, actual text, predicted text, n bigint);
INSERT INTO sk_confusion VALUES
	('breast_cancer', 'benign', 'benign', 303),
	('breast_cancer', 'benign', 'malignant', 54),
	('breast_cancer', 'malignant', 'benign', 62),
	('breast_cancer', 'malignant', 'malignant', 150),
	('iris_vv', 'versicolor', 'versicolor', 49),
	('iris_vv', 'versicolor', 'virginica', 1),
	('iris_vv', 'virginica', 'versicolor', 1),
	('iris_vv', 'virginica', 'virginica', 49),
	('wine', 'class_0', 'class_0', 48),
	('wine', 'class_0', 'class_1', 4),
	('wine', 'class_0', 'class_2', 7),
	('wine', 'class_1', 'class_0', 5),
	('wine', 'class_1', 'class_1', 62),
	('wine', 'class_1', 'class_2', 4),
	('wine', 'class_2', 'class_0', 6),
	('wine', 'class_2', 'class_1', 9),
	('wine', 'class_2', 'class_2', 33);
CREATE TEMP TABLE sk_roc (name text, drop_intermediate boolean, point int, threshold float8, fpr float8, tpr float8);
INSERT INTO sk_roc VALUES
	('breast_cancer', true, 1, 1.99849246341538, 0, 0),
	('breast_cancer', true, 2, 0.99849246341537989, 0, 0.0047169811320754715),
	('breast_cancer', true, 3, 0.98570146995384622, 0, 0.037735849056603772),
	('breast_cancer', true, 4, 0.9840929491365461, 0.0028011204481792717, 0.037735849056603772),
	('breast_cancer', true, 5, 0.96473876239582623, 0.0028011204481792717, 0.080188679245283015),
	('breast_cancer', true, 6, 0.95451586503376162, 0.0056022408963585435, 0.080188679245283015),
	('breast_cancer', true, 7, 0.93181165799672172, 0.0056022408963585435, 0.13207547169811321),
	('breast_cancer', true, 8, 0.93153385021432422, 0.0084033613445378148, 0.13207547169811321),
	('breast_cancer', true, 9, 0.91401802259498799, 0.0084033613445378148, 0.1650943396226415),
	('breast_cancer', true, 10, 0.90574511332972452, 0.011204481792717087, 0.1650943396226415),
	('breast_cancer', true, 11, 0.88916509304203517, 0.011204481792717087, 0.19339622641509435),
	('breast_cancer', true, 12, 0.88524448963210234, 0.014005602240896359, 0.19339622641509435),
	('breast_cancer', true, 13, 0.88049513370476085, 0.014005602240896359, 0.22169811320754718),
	('breast_cancer', true, 14, 0.87941642101248563, 0.01680672268907563, 0.22169811320754718),
	('breast_cancer', true, 15, 0.8787962406471439, 0.01680672268907563, 0.23113207547169812),
	('breast_cancer', true, 16, 0.87767591266670597, 0.019607843137254902, 0.23113207547169812),
	('breast_cancer', true, 17, 0.8136247343171561, 0.019607843137254902, 0.36792452830188677),
	('breast_cancer', true, 18, 0.81163180771931709, 0.022408963585434174, 0.36792452830188677),
	('breast_cancer', true, 19, 0.79693555848779352, 0.022408963585434174, 0.39622641509433965),
	('breast_cancer', true, 20, 0.79677668825283832, 0.025210084033613446, 0.39622641509433965),
	('breast_cancer', true, 21, 0.79195395745008135, 0.025210084033613446, 0.40094339622641512),
	('breast_cancer', true, 22, 0.79017790653905984, 0.028011204481792718, 0.40094339622641512),
	('breast_cancer', true, 23, 0.77943278886507827, 0.028011204481792718, 0.41509433962264153),
	('breast_cancer', true, 24, 0.77254114259879558, 0.03081232492997199, 0.41509433962264153),
	('breast_cancer', true, 25, 0.76983844520321487, 0.03081232492997199, 0.42924528301886794),
	('breast_cancer', true, 26, 0.76791298980414247, 0.033613445378151259, 0.42924528301886794),
	('breast_cancer', true, 27, 0.75663183289036906, 0.033613445378151259, 0.44811320754716982),
	('breast_cancer', true, 28, 0.75406842841630117, 0.036414565826330535, 0.44811320754716982),
	('breast_cancer', true, 29, 0.73925947902268518, 0.036414565826330535, 0.47169811320754718),
	('breast_cancer', true, 30, 0.7362982732438148, 0.042016806722689079, 0.47169811320754718),
	('breast_cancer', true, 31, 0.73486304666873459, 0.042016806722689079, 0.47641509433962265),
	('breast_cancer', true, 32, 0.73471753339735979, 0.044817927170868348, 0.47641509433962265),
	('breast_cancer', true, 33, 0.73341261299759242, 0.044817927170868348, 0.48113207547169812),
	('breast_cancer', true, 34, 0.73036798268235525, 0.047619047619047616, 0.48113207547169812),
	('breast_cancer', true, 35, 0.72541250822154102, 0.047619047619047616, 0.48584905660377359),
	('breast_cancer', true, 36, 0.72406330141501751, 0.050420168067226892, 0.48584905660377359),
	('breast_cancer', true, 37, 0.67813598927818863, 0.050420168067226892, 0.53773584905660377),
	('breast_cancer', true, 38, 0.67564351897112374, 0.056022408963585436, 0.53773584905660377),
	('breast_cancer', true, 39, 0.66966982136049835, 0.056022408963585436, 0.54245283018867929),
	('breast_cancer', true, 40, 0.66309528363995085, 0.058823529411764705, 0.54245283018867929),
	('breast_cancer', true, 41, 0.65771280302033153, 0.058823529411764705, 0.55188679245283023),
	('breast_cancer', true, 42, 0.64711429796784925, 0.061624649859943981, 0.55188679245283023),
	('breast_cancer', true, 43, 0.6470483850684372, 0.061624649859943981, 0.55660377358490565),
	('breast_cancer', true, 44, 0.64273968734619635, 0.070028011204481794, 0.55660377358490565),
	('breast_cancer', true, 45, 0.6394642549846592, 0.070028011204481794, 0.56132075471698117),
	('breast_cancer', true, 46, 0.63526603206408183, 0.075630252100840331, 0.56132075471698117),
	('breast_cancer', true, 47, 0.63385968438409124, 0.075630252100840331, 0.56603773584905659),
	('breast_cancer', true, 48, 0.63182537390980242, 0.078431372549019607, 0.56603773584905659),
	('breast_cancer', true, 49, 0.63106171976121328, 0.078431372549019607, 0.57547169811320753),
	('breast_cancer', true, 50, 0.60788253769526235, 0.089635854341736695, 0.57547169811320753),
	('breast_cancer', true, 51, 0.60530565997831109, 0.089635854341736695, 0.58490566037735847),
	('breast_cancer', true, 52, 0.60196139373861424, 0.092436974789915971, 0.58490566037735847),
	('breast_cancer', true, 53, 0.59653847996014808, 0.092436974789915971, 0.589622641509434),
	('breast_cancer', true, 54, 0.59641643875888595, 0.095238095238095233, 0.589622641509434),
	('breast_cancer', true, 55, 0.59396844229955936, 0.095238095238095233, 0.59905660377358494),
	('breast_cancer', true, 56, 0.59089163537986333, 0.10084033613445378, 0.59905660377358494),
	('breast_cancer', true, 57, 0.58688816346176398, 0.10084033613445378, 0.60377358490566035),
	('breast_cancer', true, 58, 0.58416119434666314, 0.10364145658263306, 0.60377358490566035),
	('breast_cancer', true, 59, 0.574942454635332, 0.10364145658263306, 0.62264150943396224),
	('breast_cancer', true, 60, 0.57487595287663795, 0.10644257703081232, 0.62264150943396224),
	('breast_cancer', true, 61, 0.57238345085437237, 0.10644257703081232, 0.62735849056603776),
	('breast_cancer', true, 62, 0.57038809879273333, 0.11204481792717087, 0.62735849056603776),
	('breast_cancer', true, 63, 0.56368095620840264, 0.11204481792717087, 0.6367924528301887),
	('breast_cancer', true, 64, 0.56003769270607773, 0.11764705882352941, 0.6367924528301887),
	('breast_cancer', true, 65, 0.55037862769254908, 0.11764705882352941, 0.660377358490566),
	('breast_cancer', true, 66, 0.54935907751367608, 0.12044817927170869, 0.660377358490566),
	('breast_cancer', true, 67, 0.53788138642146643, 0.12044817927170869, 0.66981132075471694),
	('breast_cancer', true, 68, 0.52517782474281283, 0.12605042016806722, 0.66981132075471694),
	('breast_cancer', true, 69, 0.52361519809143808, 0.12605042016806722, 0.67924528301886788),
	('breast_cancer', true, 70, 0.52108783803147429, 0.12885154061624648, 0.67924528301886788),
	('breast_cancer', true, 71, 0.51922598552929444, 0.12885154061624648, 0.68867924528301883),
	('breast_cancer', true, 72, 0.51865330250025132, 0.13725490196078433, 0.68867924528301883),
	('breast_cancer', true, 73, 0.51648810326121242, 0.13725490196078433, 0.69339622641509435),
	('breast_cancer', true, 74, 0.51404083875747419, 0.14005602240896359, 0.69339622641509435),
	('breast_cancer', true, 75, 0.51139753205047611, 0.14005602240896359, 0.70283018867924529),
	('breast_cancer', true, 76, 0.50523234648676585, 0.14565826330532214, 0.70283018867924529),
	('breast_cancer', true, 77, 0.50446556594318459, 0.14565826330532214, 0.70754716981132071),
	('breast_cancer', true, 78, 0.50196215229158758, 0.15126050420168066, 0.70754716981132071),
	('breast_cancer', true, 79, 0.48930937589343854, 0.15126050420168066, 0.71226415094339623),
	('breast_cancer', true, 80, 0.4866617143068484, 0.16246498599439776, 0.71226415094339623),
	('breast_cancer', true, 81, 0.4821588602041737, 0.16246498599439776, 0.71698113207547165),
	('breast_cancer', true, 82, 0.48118566705631621, 0.16526610644257703, 0.71698113207547165),
	('breast_cancer', true, 83, 0.47742571506505849, 0.16526610644257703, 0.73113207547169812),
	('breast_cancer', true, 84, 0.47071409316912066, 0.16806722689075632, 0.73113207547169812),
	('breast_cancer', true, 85, 0.46999908180948868, 0.16806722689075632, 0.73584905660377353),
	('breast_cancer', true, 86, 0.46881457302946916, 0.17086834733893558, 0.73584905660377353),
	('breast_cancer', true, 87, 0.46750061716650754, 0.17086834733893558, 0.74528301886792447),
	('breast_cancer', true, 88, 0.46691979972479891, 0.17366946778711484, 0.74528301886792447),
	('breast_cancer', true, 89, 0.46631356886298908, 0.17366946778711484, 0.75),
	('breast_cancer', true, 90, 0.46428889508120258, 0.17927170868347339, 0.75),
	('breast_cancer', true, 91, 0.45858370868823078, 0.17927170868347339, 0.75943396226415094),
	('breast_cancer', true, 92, 0.44980366463398119, 0.18207282913165265, 0.75943396226415094),
	('breast_cancer', true, 93, 0.44787239440754023, 0.18207282913165265, 0.76415094339622647),
	('breast_cancer', true, 94, 0.43855218828543635, 0.18487394957983194, 0.76415094339622647),
	('breast_cancer', true, 95, 0.4355334542743507, 0.18487394957983194, 0.76886792452830188),
	('breast_cancer', true, 96, 0.43391819996746783, 0.1876750700280112, 0.76886792452830188),
	('breast_cancer', true, 97, 0.4304480620549232, 0.1876750700280112, 0.77358490566037741),
	('breast_cancer', true, 98, 0.42275809287454669, 0.19607843137254902, 0.77358490566037741),
	('breast_cancer', true, 99, 0.42188321066151035, 0.19607843137254902, 0.77830188679245282),
	('breast_cancer', true, 100, 0.41673786874095065, 0.20728291316526612, 0.77830188679245282),
	('breast_cancer', true, 101, 0.41516874741683046, 0.20728291316526612, 0.78301886792452835),
	('breast_cancer', true, 102, 0.41019772420096556, 0.21008403361344538, 0.78301886792452835),
	('breast_cancer', true, 103, 0.40092060689095615, 0.21008403361344538, 0.79716981132075471),
	('breast_cancer', true, 104, 0.39836255440984042, 0.21568627450980393, 0.79716981132075471),
	('breast_cancer', true, 105, 0.39809699413375316, 0.21568627450980393, 0.80188679245283023),
	('breast_cancer', true, 106, 0.39239592312565447, 0.21848739495798319, 0.80188679245283023),
	('breast_cancer', true, 107, 0.38696304243327834, 0.21848739495798319, 0.80660377358490565),
	('breast_cancer', true, 108, 0.38408300847000715, 0.22128851540616246, 0.80660377358490565),
	('breast_cancer', true, 109, 0.37470857377208405, 0.22128851540616246, 0.82075471698113212),
	('breast_cancer', true, 110, 0.36118652535682544, 0.23249299719887956, 0.82075471698113212),
	('breast_cancer', true, 111, 0.34946092718977489, 0.23249299719887956, 0.83018867924528306),
	('breast_cancer', true, 112, 0.34441249451370559, 0.24089635854341737, 0.83018867924528306),
	('breast_cancer', true, 113, 0.33017609359546785, 0.24089635854341737, 0.85377358490566035),
	('breast_cancer', true, 114, 0.32767816831563534, 0.24649859943977592, 0.85377358490566035),
	('breast_cancer', true, 115, 0.32216124198135571, 0.24649859943977592, 0.85849056603773588),
	('breast_cancer', true, 116, 0.31184822765915549, 0.25770308123249297, 0.85849056603773588),
	('breast_cancer', true, 117, 0.30572263143208622, 0.25770308123249297, 0.8632075471698113),
	('breast_cancer', true, 118, 0.30537526971686607, 0.26050420168067229, 0.8632075471698113),
	('breast_cancer', true, 119, 0.3046291164281773, 0.26050420168067229, 0.86792452830188682),
	('breast_cancer', true, 120, 0.30416725597257493, 0.26610644257703081, 0.86792452830188682),
	('breast_cancer', true, 121, 0.30384727040629667, 0.26610644257703081, 0.87264150943396224),
	('breast_cancer', true, 122, 0.29197216382459446, 0.27170868347338933, 0.87264150943396224),
	('breast_cancer', true, 123, 0.2906002043680127, 0.27170868347338933, 0.87735849056603776),
	('breast_cancer', true, 124, 0.28662245678657722, 0.27450980392156865, 0.87735849056603776),
	('breast_cancer', true, 125, 0.28193408115358753, 0.27450980392156865, 0.88207547169811318),
	('breast_cancer', true, 126, 0.27470164852723561, 0.28011204481792717, 0.88207547169811318),
	('breast_cancer', true, 127, 0.27193649439952539, 0.28011204481792717, 0.8867924528301887),
	('breast_cancer', true, 128, 0.26951291586939041, 0.29131652661064428, 0.8867924528301887),
	('breast_cancer', true, 129, 0.26685857336752272, 0.29131652661064428, 0.89150943396226412),
	('breast_cancer', true, 130, 0.26330211100413958, 0.2969187675070028, 0.89150943396226412),
	('breast_cancer', true, 131, 0.26065683573427684, 0.2969187675070028, 0.90094339622641506),
	('breast_cancer', true, 132, 0.25316059829241783, 0.30532212885154064, 0.90094339622641506),
	('breast_cancer', true, 133, 0.25241757683467642, 0.30532212885154064, 0.90566037735849059),
	('breast_cancer', true, 134, 0.24644819760290446, 0.31092436974789917, 0.90566037735849059),
	('breast_cancer', true, 135, 0.24373660258111471, 0.31092436974789917, 0.910377358490566),
	('breast_cancer', true, 136, 0.24306177185875572, 0.31652661064425769, 0.910377358490566),
	('breast_cancer', true, 137, 0.24255090511655414, 0.31652661064425769, 0.91509433962264153),
	('breast_cancer', true, 138, 0.23971687089361612, 0.31932773109243695, 0.91509433962264153),
	('breast_cancer', true, 139, 0.23675642042894957, 0.31932773109243695, 0.92452830188679247),
	('breast_cancer', true, 140, 0.22682707869633925, 0.33333333333333331, 0.92452830188679247),
	('breast_cancer', true, 141, 0.21950462735022638, 0.33333333333333331, 0.93396226415094341),
	('breast_cancer', true, 142, 0.2147799505565039, 0.34173669467787116, 0.93396226415094341),
	('breast_cancer', true, 143, 0.2133471525587477, 0.34173669467787116, 0.93867924528301883),
	('breast_cancer', true, 144, 0.2046150629433782, 0.35014005602240894, 0.93867924528301883),
	('breast_cancer', true, 145, 0.20435131883455326, 0.35014005602240894, 0.94339622641509435),
	('breast_cancer', true, 146, 0.18288287146948107, 0.38095238095238093, 0.94339622641509435),
	('breast_cancer', true, 147, 0.18128201608526698, 0.38095238095238093, 0.94811320754716977),
	('breast_cancer', true, 148, 0.17769873093547384, 0.39215686274509803, 0.94811320754716977),
	('breast_cancer', true, 149, 0.17397581511789459, 0.39215686274509803, 0.95283018867924529),
	('breast_cancer', true, 150, 0.16593217328555365, 0.40896358543417366, 0.95283018867924529),
	('breast_cancer', true, 151, 0.16520886541482505, 0.40896358543417366, 0.95754716981132071),
	('breast_cancer', true, 152, 0.15351164499218159, 0.43137254901960786, 0.95754716981132071),
	('breast_cancer', true, 153, 0.15258487601401294, 0.43137254901960786, 0.96226415094339623),
	('breast_cancer', true, 154, 0.14632316477025589, 0.44537815126050423, 0.96226415094339623),
	('breast_cancer', true, 155, 0.14291388434255362, 0.44537815126050423, 0.96698113207547165),
	('breast_cancer', true, 156, 0.1410911550398958, 0.44817927170868349, 0.96698113207547165),
	('breast_cancer', true, 157, 0.13851398807753126, 0.44817927170868349, 0.97169811320754718),
	('breast_cancer', true, 158, 0.12402228086497423, 0.47619047619047616, 0.97169811320754718),
	('breast_cancer', true, 159, 0.12170865880667311, 0.47619047619047616, 0.97641509433962259),
	('breast_cancer', true, 160, 0.098444991862894418, 0.51820728291316531, 0.97641509433962259),
	('breast_cancer', true, 161, 0.097407658825785809, 0.51820728291316531, 0.98113207547169812),
	('breast_cancer', true, 162, 0.079399514292901777, 0.56582633053221287, 0.98113207547169812),
	('breast_cancer', true, 163, 0.078438050540538665, 0.56582633053221287, 0.98584905660377353),
	('breast_cancer', true, 164, 0.0744936860686716, 0.57422969187675066, 0.98584905660377353),
	('breast_cancer', true, 165, 0.072581710452764861, 0.57422969187675066, 0.99056603773584906),
	('breast_cancer', true, 166, 0.065019049554366493, 0.59943977591036413, 0.99056603773584906),
	('breast_cancer', true, 167, 0.06316840649829665, 0.59943977591036413, 0.99528301886792447),
	('breast_cancer', true, 168, 0.060588193663534413, 0.61064425770308128, 0.99528301886792447),
	('breast_cancer', true, 169, 0.059699766036726859, 0.61064425770308128, 1),
	('breast_cancer', true, 170, 0.00059020895945437559, 1, 1),
	('iris_vv', true, 1, 1.9999999999993932, 0, 0),
	('iris_vv', true, 2, 0.99999999999939315, 0, 0.02),
	('iris_vv', true, 3, 0.99971884967477243, 0, 0.62),
	('iris_vv', true, 4, 0.99961390791526594, 0, 0.66),
	('iris_vv', true, 5, 0.89081232663977772, 0, 0.92),
	('iris_vv', true, 6, 0.86762989188849293, 0.02, 0.92),
	('iris_vv', true, 7, 0.66914246408067957, 0.02, 0.98),
	('iris_vv', true, 8, 0.22483380061145125, 0.08, 0.98),
	('iris_vv', true, 9, 0.20487406048818377, 0.08, 1),
	('iris_vv', true, 10, 6.1638261786414532e-11, 1, 1),
	('ties', false, 1, 1.95, 0, 0),
	('ties', false, 2, 0.95, 0, 0.14285714285714285),
	('ties', false, 3, 0.92, 0, 0.2857142857142857),
	('ties', false, 4, 0.9, 0, 0.42857142857142855),
	('ties', false, 5, 0.8, 0.2, 0.5714285714285714),
	('ties', false, 6, 0.4, 0.6, 0.7142857142857143),
	('ties', false, 7, 0.35, 0.6, 0.8571428571428571),
	('ties', false, 8, 0.1, 1, 1),
	('ties', true, 1, 1.95, 0, 0),
	('ties', true, 2, 0.95, 0, 0.14285714285714285),
	('ties', true, 3, 0.9, 0, 0.42857142857142855),
	('ties', true, 4, 0.8, 0.2, 0.5714285714285714),
	('ties', true, 5, 0.4, 0.6, 0.7142857142857143),
	('ties', true, 6, 0.35, 0.6, 0.8571428571428571),
	('ties', true, 7, 0.1, 1, 1);

SELECT count(*) AS trained FROM (
	SELECT * FROM mlops.train('breast_cancer', 'bc', 'diagnosis', 'logistic', test_size => 0,
		features => '{mean_texture,mean_smoothness,mean_symmetry,mean_fractal_dimension}')
	UNION ALL
	SELECT * FROM mlops.train('iris_vv', 'iris_vv', 'species', 'logistic', test_size => 0,
		features => '{sepal_length,sepal_width,petal_length,petal_width}')
	UNION ALL
	SELECT * FROM mlops.train('wine', 'wine', 'cultivar', 'logistic', test_size => 0,
		features => '{alcohol,malic_acid,ash}')
	UNION ALL
	SELECT * FROM mlops.train('diabetes_lm', 'diabetes', 'progression', 'linear', test_size => 0,
		features => '{age,sex,bmi,bp,s1,s2,s3,s4,s5,s6}')) t;

CREATE TABLE ev AS
SELECT 'breast_cancer' AS name, mlops.evaluate('breast_cancer', 'bc', 'diagnosis') AS m
UNION ALL SELECT 'iris_vv', mlops.evaluate('iris_vv', 'iris_vv', 'species')
UNION ALL SELECT 'wine', mlops.evaluate('wine', 'wine', 'cultivar')
UNION ALL SELECT 'diabetes_lm', mlops.evaluate('diabetes_lm', 'diabetes', 'progression');
SELECT name, m->>'n' AS n, m->>'score_metric' AS score_metric, m->>'version' AS version,
       m->>'evaluated_on' LIKE '%.' || CASE name WHEN 'breast_cancer' THEN 'bc' WHEN 'diabetes_lm' THEN 'diabetes' ELSE name END AS evaluated_on_ok
FROM ev ORDER BY name;

-- each of scikit-learn's numbers, read from the same key of evaluate's
-- document (per class, macro, weighted, binary for the second class)
CREATE TEMP VIEW ours AS
SELECT s.name, s.metric, s.average, s.value AS sklearn,
       (CASE
        WHEN s.metric = 'accuracy_score' THEN e.m->'accuracy'
        WHEN s.metric = 'balanced_accuracy_score' THEN e.m->'balanced_accuracy'
        WHEN s.metric = 'roc_auc_score' AND s.average IN ('', 'ovr macro') THEN e.m->'roc_auc'
        WHEN s.metric = 'log_loss' THEN e.m->'log_loss'
        WHEN s.metric = 'r2_score' THEN e.m->'r2'
        WHEN s.metric = 'root_mean_squared_error' THEN e.m->'rmse'
        WHEN s.metric = 'mean_absolute_error' THEN e.m->'mae'
        WHEN s.metric = 'explained_variance_score' THEN e.m->'explained_variance'
        WHEN s.average LIKE 'binary%' THEN e.m->(replace(s.metric, '_score', '') || '_binary')
        WHEN s.average IN ('macro', 'weighted') THEN e.m->replace(s.metric, '_score', '')->s.average
        ELSE e.m->replace(s.metric, '_score', '')->'per_class'->s.average
        END)::text::float8 AS ours
FROM sk_metric s JOIN ev e USING (name);
SELECT name, count(*) AS metrics,
       max(pg_temp.relerr(ours, sklearn)) FILTER (WHERE metric NOT IN ('log_loss', 'r2_score', 'root_mean_squared_error', 'mean_absolute_error', 'explained_variance_score')) < 1e-12 AS counted_ok,
       coalesce(max(pg_temp.relerr(ours, sklearn)) FILTER (WHERE metric IN ('log_loss', 'r2_score', 'root_mean_squared_error', 'mean_absolute_error', 'explained_variance_score')) < 1e-9, true) AS continuous_ok
FROM ours WHERE ours IS NOT NULL GROUP BY name ORDER BY name;
-- what is not compared: the weighted one-vs-rest AUC (evaluate gives the
-- macro one, as the issue asks) and the MSE (evaluate gives its root)
SELECT name, metric, average FROM ours WHERE ours IS NULL ORDER BY 1, 2, 3;

-- confusion matrices: every pair, zeros included, as scikit-learn's
SELECT s.name, count(*) AS pairs, bool_and(c.n = s.n) AS counts_ok
FROM sk_confusion s
JOIN (SELECT 'breast_cancer' AS name, * FROM mlops.confusion_matrix('breast_cancer', 'bc', 'diagnosis')
      UNION ALL SELECT 'iris_vv', * FROM mlops.confusion_matrix('iris_vv', 'iris_vv', 'species')
      UNION ALL SELECT 'wine', * FROM mlops.confusion_matrix('wine', 'wine', 'cultivar')) c
  USING (name, actual, predicted)
GROUP BY s.name ORDER BY s.name;
SELECT count(*) AS wine_pairs, sum(n) AS wine_rows FROM mlops.confusion_matrix('wine', 'wine', 'cultivar');

-- ROC curves (drop_intermediate): the same points; thresholds are our
-- probabilities, equal to R's to 1e-10
SELECT s.name, count(*) AS points,
       bool_and(abs(c.fpr - s.fpr) < 1e-15 AND abs(c.tpr - s.tpr) < 1e-15) AS rates_ok,
       max(abs(c.threshold - s.threshold)) < 1e-9 AS thresholds_ok
FROM (SELECT 'breast_cancer' AS name, row_number() OVER () AS point, *
      FROM mlops.roc_curve('breast_cancer', 'bc', 'diagnosis')
      UNION ALL
      SELECT 'iris_vv', row_number() OVER (), * FROM mlops.roc_curve('iris_vv', 'iris_vv', 'species')) c
JOIN sk_roc s USING (name, point)
WHERE s.drop_intermediate
GROUP BY s.name ORDER BY s.name;
SELECT name, count(*) AS sklearn_points FROM sk_roc WHERE drop_intermediate GROUP BY name ORDER BY name;

-- evaluate reads the relation as the caller, scores it with the version
-- asked for, and refuses what it cannot measure
CREATE TEMP TABLE bc_other AS SELECT * FROM bc;
UPDATE bc_other SET diagnosis = 'unknown' WHERE id = 7;
SELECT pg_temp.try($$SELECT mlops.evaluate('breast_cancer', 'bc_other', 'diagnosis')$$);
SELECT pg_temp.try($$SELECT mlops.evaluate('breast_cancer', 'bc', 'no_such_column')$$);
SELECT pg_temp.try($$SELECT mlops.evaluate('breast_cancer', 'iris', 'species')$$);
SELECT pg_temp.try($$SELECT mlops.evaluate('breast_cancer', 'bc', NULL)$$);
SELECT pg_temp.try($$SELECT mlops.evaluate(NULL, 'bc', 'diagnosis')$$);
SELECT pg_temp.try($$SELECT mlops.evaluate('no_such_model', 'bc', 'diagnosis')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.roc_curve('wine', 'wine', 'cultivar')$$);
SELECT pg_temp.try($$SELECT * FROM mlops.confusion_matrix('diabetes_lm', 'diabetes', 'progression')$$);
SELECT pg_temp.try($$SELECT mlops.evaluate('breast_cancer', 'pg_class', 'relname')$$);
-- a NULL label or feature skips the row, as training does
UPDATE bc_other SET diagnosis = NULL WHERE id = 7;
UPDATE bc_other SET mean_texture = NULL WHERE id = 8;
SELECT (m->>'n')::int AS n, (m->>'rows_skipped')::int AS skipped
FROM mlops.evaluate('breast_cancer', 'bc_other', 'diagnosis') m;
CREATE ROLE ev_reader;
GRANT SELECT ON ev TO ev_reader;
GRANT USAGE ON SCHEMA mlops TO ev_reader;
SELECT mlops.grant('breast_cancer', 'predict', 'ev_reader');
SET ROLE ev_reader;
-- without SELECT on the relation, and on a model it may not score
SELECT pg_temp.try($$SELECT mlops.evaluate('breast_cancer', 'bc', 'diagnosis')$$);
SELECT pg_temp.try($$SELECT mlops.evaluate('wine', 'wine', 'cultivar')$$);
RESET ROLE;
GRANT SELECT (mean_texture, mean_smoothness, mean_symmetry, mean_fractal_dimension, diagnosis)
	ON bc TO ev_reader;
SET ROLE ev_reader;
SELECT (mlops.evaluate('breast_cancer', 'bc', 'diagnosis'))->>'accuracy' =
       (SELECT m->>'accuracy' FROM ev WHERE name = 'breast_cancer') AS same_with_column_privileges;
RESET ROLE;
SELECT mlops.revoke('breast_cancer', 'predict', 'ev_reader');
REVOKE ALL ON bc FROM ev_reader;
REVOKE ALL ON ev FROM ev_reader;
REVOKE USAGE ON SCHEMA mlops FROM ev_reader;
DROP ROLE ev_reader;

-- a parallel evaluation merges the workers' states into what a serial
-- one computes (the first merged state used to stay in memory that the
-- next worker's state overwrote: its rows counted twice, the other's lost)
CREATE TABLE ev_big AS
SELECT g AS id, (g % 17)::float8 AS x1, ((g * 7) % 11)::float8 AS x2,
       CASE WHEN (g % 17) + ((g * 7) % 11) + abs(hashint4(g)) % 9 > 16 THEN 'hi'
            WHEN g % 3 = 0 THEN 'mid' ELSE 'lo' END AS label3,
       (g % 17) + ((g * 7) % 11) + abs(hashint4(g)) % 9 > 16 AS label2
FROM generate_series(1, 100000) g;
ALTER TABLE ev_big SET (parallel_workers = 2);
ANALYZE ev_big;
SELECT model, algorithm FROM mlops.train('ev_nb3', 'ev_big', 'label3', 'naive_bayes', features => '{x1,x2}')
UNION ALL
SELECT model, algorithm FROM mlops.train('ev_lg2', 'ev_big', 'label2', 'logistic', features => '{x1,x2}')
UNION ALL
SELECT model, algorithm FROM mlops.train('ev_km', 'ev_big', NULL, 'kmeans', '{"k": 3, "n_init": 2}',
                                         features => '{x1,x2}');
CREATE FUNCTION pg_temp.ev_all() RETURNS TABLE (model text, m jsonb) LANGUAGE sql AS $$
SELECT 'ev_nb3', mlops.evaluate('ev_nb3', 'ev_big', 'label3')
UNION ALL SELECT 'ev_lg2', mlops.evaluate('ev_lg2', 'ev_big', 'label2')
UNION ALL SELECT 'ev_km', mlops.evaluate('ev_km', 'ev_big', NULL)
$$;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE ev_serial AS SELECT * FROM pg_temp.ev_all();
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT s.model, (s.m->>'n')::int AS serial_n, (p.m->>'n')::int AS parallel_n,
       (SELECT bool_and(CASE WHEN jsonb_typeof(v) = 'number'
                             THEN abs(v::text::float8 - (p.m->k)::text::float8)
                                  <= 1e-9 * greatest(1, abs(v::text::float8))
                             ELSE true END)
        FROM jsonb_each(s.m) e(k, v)) AS same_metrics
FROM ev_serial s JOIN pg_temp.ev_all() p USING (model) ORDER BY s.model;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE ev_big, ev_serial;

-- this suite's models go, so that every suite starts without models
SELECT count(*) > 0 AS dropped FROM (SELECT mlops.drop_model(model) FROM mlops.models) d;
SELECT count(*) AS models_left FROM mlops.models;
