/*-------------------------------------------------------------------------
 *
 * xgb_json.h
 *	  The trees of XGBoost's JSON model, read in one pass of PostgreSQL's
 *	  JSON parser.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_XGB_JSON_H
#define MLOPS_XGB_JSON_H

/* One tree's node arrays, as XGBoost's JSON lists them (nnodes each). */
typedef struct XgbJsonTree
{
	int32		nnodes;
	int32	   *left;			/* left_children: -1 for a leaf */
	int32	   *right;			/* right_children */
	int32	   *feature;		/* split_indices */
	float	   *condition;		/* split_conditions: a leaf's value */
	int32	   *default_left;	/* default_left: 0 or 1 */
} XgbJsonTree;

typedef struct XgbJsonModel
{
	int32		ntrees;
	XgbJsonTree *trees;			/* in the model's order */
	int32	   *tree_info;		/* each tree's group (class) */
	int32		ntree_info;
	float		base_score;
	bool		has_base_score;
} XgbJsonModel;

extern void XgbReadJsonModel(const char *json, Size len, XgbJsonModel *out);

#endif							/* MLOPS_XGB_JSON_H */
