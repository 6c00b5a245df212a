-- The demo of `make demo`: every statement here also runs in the readme test.
\pset footer off
CREATE EXTENSION mlops;

\echo '== Load the diabetes data set (442 patients, 10 measurements, disease progression)'
CREATE TABLE diabetes (age float8, sex float8, bmi float8, bp float8,
                       s1 float8, s2 float8, s3 float8, s4 float8, s5 float8,
                       s6 float8, progression float8);
\copy diabetes FROM 'data/diabetes.csv' WITH (FORMAT csv, HEADER)

\echo '== Train version 1 (ordinary least squares, 25% held out for testing)'
SELECT model, version, algorithm, deployed,
       round((metrics->>'r2')::numeric, 4) AS test_r2,
       round((metrics->>'rmse')::numeric, 2) AS test_rmse,
       round((metrics->>'mae')::numeric, 2) AS test_mae
FROM mlops.train('diabetes', 'diabetes', 'progression', 'linear');

\echo '== Coefficients with standard errors'
SELECT term, round(estimate::numeric, 4) AS estimate,
       round(std_error::numeric, 4) AS std_error,
       round(p_value::numeric, 4) AS p_value
FROM mlops.coefficients('diabetes');

\echo '== Score rows with the deployed version'
SELECT age, bmi, progression,
       round(mlops.predict('diabetes', d)::numeric, 1) AS predicted
FROM diabetes d LIMIT 5;

\echo '== Train version 2 (ridge, alpha = 1000) and deploy it whatever its score'
SELECT model, version, deployed, round((metrics->>'r2')::numeric, 4) AS test_r2
FROM mlops.train('diabetes', 'diabetes', 'progression', 'linear',
                 hyperparams => '{"alpha": 1000}', deploy => 'always');

SELECT model, deployed_version, versions FROM mlops.models;

\echo '== Roll back to version 1'
SELECT mlops.rollback('diabetes') AS now_serving;
SELECT model, version, deployed_by, reason FROM mlops.deployments;
