/*-------------------------------------------------------------------------
 *
 * featurespec.h
 *	  The feature spec: which columns a version reads, of which types, and
 *	  how each becomes features (a number, a 0/1 boolean, or one-hot
 *	  indicators of categories learned at training).  Its binary form is
 *	  a section of the artifact, and the argument that tells the training
 *	  aggregates how to encode a row; both decode here, frontend-safe.
 *	  Learning a spec and applying it to a row are in preprocess.c.
 *
 * IDENTIFICATION
 *	  include/featurespec.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MLOPS_FEATURESPEC_H
#define MLOPS_FEATURESPEC_H

#include "lib/stringinfo.h"

#include "mlops.h"

struct MlopsReader;

/* How a column becomes features. */
typedef enum MlopsColumnKind
{
	MLOPS_COLUMN_NUMERIC = 0,	/* its value, as a double */
	MLOPS_COLUMN_BOOLEAN,		/* one 0/1 feature */
	MLOPS_COLUMN_CATEGORICAL,	/* one-hot indicators */
	MLOPS_COLUMN_ARRAY			/* a number per element, of a fixed length */
} MlopsColumnKind;

/*
 * The family of compatible types a column had at training (after
 * unwrapping domains): scoring accepts any type of the same family.
 */
typedef enum MlopsTypeFamily
{
	MLOPS_TYPES_INTEGER = 0,	/* smallint, integer, bigint */
	MLOPS_TYPES_FLOAT,			/* real, double precision, numeric */
	MLOPS_TYPES_BOOLEAN,
	MLOPS_TYPES_TEXT,			/* text, varchar, char */
	MLOPS_TYPES_ENUM,
	MLOPS_TYPES_DATE,
	MLOPS_TYPES_TIMESTAMP,
	MLOPS_TYPES_TIMESTAMPTZ
} MlopsTypeFamily;

#define MLOPS_IS_TIME_FAMILY(f) \
	((f) == MLOPS_TYPES_DATE || (f) == MLOPS_TYPES_TIMESTAMP || (f) == MLOPS_TYPES_TIMESTAMPTZ)

/*
 * A part of a date or time, as a categorical feature of its own (in UTC
 * for timestamptz); NONE: the column itself, as epoch seconds.
 */
typedef enum MlopsDatePart
{
	MLOPS_PART_NONE = 0,
	MLOPS_PART_DOW,				/* day of the week, 0 = Sunday */
	MLOPS_PART_DAY,				/* of the month */
	MLOPS_PART_MONTH,
	MLOPS_PART_QUARTER,
	MLOPS_PART_HOUR
} MlopsDatePart;

#define MLOPS_PART_LAST MLOPS_PART_HOUR

/* categorical columns: what follows the listed categories */
#define MLOPS_SPEC_DROP_FIRST	0x01	/* the first is the reference: no feature */
#define MLOPS_SPEC_OTHER		0x02	/* a feature for pooled rarer values */
#define MLOPS_SPEC_NULL			0x04	/* a feature for NULL */
#define MLOPS_SPEC_FLAGS		0x07

/*
 * What a NULL in a numeric or boolean column becomes: the row is skipped
 * (drop), or the value learned at training (mean, median) or given
 * (constant) stands in for it, or it stays a missing value (NaN) for a
 * family that learns where missing values go (missing: tree models).
 */
typedef enum MlopsImpute
{
	MLOPS_IMPUTE_DROP = 0,
	MLOPS_IMPUTE_MEAN,
	MLOPS_IMPUTE_MEDIAN,
	MLOPS_IMPUTE_CONSTANT,
	MLOPS_IMPUTE_MISSING
} MlopsImpute;

/* whether the spec stores the value that stands in for NULL */
#define MLOPS_IMPUTE_HAS_VALUE(i) \
	((i) == MLOPS_IMPUTE_MEAN || (i) == MLOPS_IMPUTE_MEDIAN || (i) == MLOPS_IMPUTE_CONSTANT)

typedef struct MlopsSpecColumn
{
	char	   *name;			/* the column */
	char	   *type_name;		/* its type at training, for messages */
	MlopsColumnKind kind;
	MlopsTypeFamily family;
	uint8		flags;			/* categorical: MLOPS_SPEC_* */
	MlopsImpute impute;			/* numeric and boolean */
	double		impute_value;	/* mean, median, constant; NaN for missing */
	MlopsDatePart part;			/* a date or time column's categorical part */
	int			array_length;	/* an array column's elements */
	/* numeric, time and array columns with scale: (x - shift) / scale each */
	double	   *shift;			/* width values, or NULL: not scaled */
	double	   *scale;
	int			ncategories;
	char	  **categories;		/* in the column's order (collation, enum) */
	int			offset;			/* first feature; derived */
	int			width;			/* features; derived */
} MlopsSpecColumn;

typedef struct MlopsFeatureSpec
{
	int			ncolumns;
	MlopsSpecColumn *columns;
	int			nfeat;			/* features in all; derived */
	bool		scaled;			/* a column has a shift and scale; derived */
	/* at training: categories listed from a sample, unconfirmed; not stored */
	bool		sampled;
} MlopsFeatureSpec;

#define MLOPS_SPEC_MAGIC "MLOPSSPC"
#define MLOPS_SPEC_FORMAT 1

extern bool MlopsSpecLayout(MlopsFeatureSpec *spec, const char **error);
extern bool MlopsSpecReadsInPlace(const MlopsFeatureSpec *spec);
extern bool MlopsSpecIsPlain(const MlopsFeatureSpec *spec);
extern int	MlopsSpecOneHot(const MlopsFeatureSpec *spec, bool *mask);
extern char **MlopsSpecFeatureNames(const MlopsFeatureSpec *spec);
extern void MlopsSpecWrite(StringInfo buf, const MlopsFeatureSpec *spec);
extern bool MlopsSpecRead(struct MlopsReader *r, MlopsFeatureSpec *spec,
						  const char **error);
extern bytea *MlopsSpecEncode(const MlopsFeatureSpec *spec);
extern MlopsFeatureSpec *MlopsSpecDecode(const char *data, Size len,
										 const char **error);
extern const char *MlopsTypeFamilyName(MlopsTypeFamily family);
extern const char *MlopsImputeName(MlopsImpute impute);
extern const char *MlopsDatePartName(MlopsDatePart part);

#endif							/* MLOPS_FEATURESPEC_H */
