/*-------------------------------------------------------------------------
 *
 * mlops.h
 *	  Types and limits shared by every mlops module.
 *
 * IDENTIFICATION
 *	  include/mlops.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_H
#define MLOPS_H

/* A model never has more features than a table has columns. */
#define MLOPS_MAX_FEATURES 1600

/*
 * Up to this many features, training passes the row to its aggregates as
 * separate arguments (a function takes at most FUNC_MAX_ARGS = 100, and
 * the passes need the state, five options and the target besides);
 * beyond it, as an array.
 */
#define MLOPS_MAX_ARGS_FEATURES 90

/* Longest model name: names are identifiers, like relation names. */
#define MLOPS_MAX_NAME_LEN (NAMEDATALEN - 1)

/* Longest class label stored in a version, in bytes, and most classes. */
#define MLOPS_MAX_LABEL_LEN 1024
#define MLOPS_MAX_CLASSES 1000

/* Most clusters a clustering model has. */
#define MLOPS_MAX_CLUSTERS 10000

struct MlopsAlgorithmRoutine;
struct MlopsFeatureSpec;

/*
 * What a classifier's classes are, as stored with it: mlops.predict
 * returns a numeric or boolean class (boolean as 0/1) as its value, and a
 * text class (text, varchar, enum...) as its index in the class list.
 */
typedef enum MlopsLabelKind
{
	MLOPS_LABEL_NONE = 0,		/* not a classifier */
	MLOPS_LABEL_NUMERIC,
	MLOPS_LABEL_BOOLEAN,
	MLOPS_LABEL_TEXT
} MlopsLabelKind;

/*
 * A decoded model, as scoring and the inspection functions see it: what
 * every family has (its features and, for classifiers, its classes), and
 * the family's own part.  Lives in one memory context (the cache's), so
 * freeing that context frees it.
 */
typedef struct MlopsModel
{
	const struct MlopsAlgorithmRoutine *algo;
	int			nfeat;
	char	  **feature_names;	/* nfeat names, in feature order */
	int			nclasses;		/* 0 unless a classifier */
	char	  **classes;		/* nclasses labels, in class order */
	MlopsLabelKind label_kind;
	double	   *class_values;	/* numeric and boolean labels as numbers */
	struct MlopsFeatureSpec *spec;	/* the columns read, and how */
	void	   *payload;		/* the family's (algo->decode) */
} MlopsModel;

/* mlops.c */
extern int	mlops_model_cache_size;

#endif							/* MLOPS_H */
