/*-------------------------------------------------------------------------
 *
 * featurespec.c
 *	  The feature spec's layout, encoded names and binary form.
 *
 * Binary form (little-endian; the start of the artifact's payload, and,
 * after a header of its own, the training aggregates' argument):
 *
 *	 u32 ntypes, the type names (each a u16 length and its bytes), u32
 *	 ncolumns, then per column: its name, u16 index of its type name, u8
 *	 kind | family << 2 | flags << 5, for a date or time column u8 part
 *	 (MlopsDatePart), then for a categorical column u32 ncategories and the
 *	 categories, for an array u32 length, for any other u8 impute
 *	 (MlopsImpute) and, unless drop, the f64 that stands in for NULL;
 *	 then for numeric, time and array columns u8 scaled and, if 1, the
 *	 f64 shift and scale of each of its features.
 *
 * A column's features: numeric and boolean one; categorical one per
 * category but the first when MLOPS_SPEC_DROP_FIRST (the reference
 * level, all zeros), then "__other__" with MLOPS_SPEC_OTHER, then NULL
 * with MLOPS_SPEC_NULL.  The features' names derive from the spec
 * (MlopsSpecFeatureNames), so the artifact does not store them.
 *
 * Frontend-safe: the artifact fuzzer links this file.
 *
 * IDENTIFICATION
 *	  src/featurespec.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"

#include "algorithm.h"
#include "artifact.h"
#include "featurespec.h"

/*
 * Do a column's kind, family and part go together?  A time family's
 * categorical column is one of its parts (a date has no hour); any other
 * column has none.
 */
static bool
PartMatches(const MlopsSpecColumn *c)
{
	if (c->kind == MLOPS_COLUMN_CATEGORICAL && MLOPS_IS_TIME_FAMILY(c->family))
		return c->part > MLOPS_PART_NONE && c->part <= MLOPS_PART_LAST &&
			!(c->family == MLOPS_TYPES_DATE && c->part == MLOPS_PART_HOUR);
	return c->part == MLOPS_PART_NONE;
}

static bool
KindMatchesFamily(MlopsColumnKind kind, MlopsTypeFamily family)
{
	switch (kind)
	{
		case MLOPS_COLUMN_NUMERIC:
			return family == MLOPS_TYPES_INTEGER || family == MLOPS_TYPES_FLOAT ||
				MLOPS_IS_TIME_FAMILY(family);
		case MLOPS_COLUMN_BOOLEAN:
			return family == MLOPS_TYPES_BOOLEAN;
		case MLOPS_COLUMN_CATEGORICAL:
			return family == MLOPS_TYPES_TEXT || family == MLOPS_TYPES_ENUM ||
				MLOPS_IS_TIME_FAMILY(family);
		case MLOPS_COLUMN_ARRAY:
			return family == MLOPS_TYPES_INTEGER || family == MLOPS_TYPES_FLOAT;
	}
	return false;
}

static int
CompareStrings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Are the n strings all different?  O(n log n): wide specs are decoded often. */
static bool
AllDistinct(char *const *strs, int n)
{
	char	  **sorted;
	bool		distinct = true;
	int			i;

	if (n < 2)
		return true;
	sorted = palloc(sizeof(char *) * n);
	memcpy(sorted, strs, sizeof(char *) * n);
	qsort(sorted, n, sizeof(char *), CompareStrings);
	for (i = 1; i < n && distinct; i++)
		distinct = strcmp(sorted[i - 1], sorted[i]) != 0;
	pfree(sorted);
	return distinct;
}

/* Is a scaled column's scaling usable: a number, finite, scales above 0? */
static bool
ScalingOk(const MlopsSpecColumn *c)
{
	int			n = c->kind == MLOPS_COLUMN_ARRAY ? c->array_length : 1;
	int			j;

	if (c->kind != MLOPS_COLUMN_NUMERIC && c->kind != MLOPS_COLUMN_ARRAY)
		return false;
	for (j = 0; j < n; j++)
		if (!isfinite(c->shift[j]) || !isfinite(c->scale[j]) || !(c->scale[j] > 0))
			return false;
	return true;
}

/*
 * Check a spec and derive each column's offset and width and the
 * feature count.  False, with *error, when it is not a valid spec.
 */
bool
MlopsSpecLayout(MlopsFeatureSpec *spec, const char **error)
{
	char	  **names;
	int			off = 0;
	int			i;

	if (spec->ncolumns < 1 || spec->ncolumns > MLOPS_MAX_FEATURES)
	{
		*error = "invalid column count";
		return false;
	}
	names = palloc(sizeof(char *) * spec->ncolumns);
	for (i = 0; i < spec->ncolumns; i++)
	{
		MlopsSpecColumn *c = &spec->columns[i];
		int			width;

		if (!KindMatchesFamily(c->kind, c->family) || !PartMatches(c) ||
			(c->flags & ~MLOPS_SPEC_FLAGS) != 0 ||
			(c->kind != MLOPS_COLUMN_CATEGORICAL && (c->flags != 0 || c->ncategories != 0)) ||
			(c->kind != MLOPS_COLUMN_NUMERIC && c->kind != MLOPS_COLUMN_BOOLEAN &&
			 c->impute != MLOPS_IMPUTE_DROP) ||
			c->impute > MLOPS_IMPUTE_MISSING ||
			(c->impute != MLOPS_IMPUTE_DROP && c->impute != MLOPS_IMPUTE_MISSING &&
			 !isfinite(c->impute_value)) ||
			(c->kind == MLOPS_COLUMN_ARRAY) != (c->array_length != 0))
		{
			*error = "invalid column encoding";
			return false;
		}
		if (c->shift != NULL && !ScalingOk(c))
		{
			*error = "invalid scaling";
			return false;
		}
		if (c->kind == MLOPS_COLUMN_ARRAY)
			width = c->array_length;
		else if (c->kind != MLOPS_COLUMN_CATEGORICAL)
			width = 1;
		else
			width = c->ncategories - ((c->flags & MLOPS_SPEC_DROP_FIRST) ? 1 : 0) +
				((c->flags & MLOPS_SPEC_OTHER) ? 1 : 0) + ((c->flags & MLOPS_SPEC_NULL) ? 1 : 0);
		if (width < 1 || width > MLOPS_MAX_FEATURES ||
			(c->kind == MLOPS_COLUMN_CATEGORICAL && c->ncategories < 1) ||
			off > MLOPS_MAX_FEATURES - width)
		{
			*error = "invalid column width";
			return false;
		}
		if (!AllDistinct(c->categories, c->ncategories))
		{
			*error = "duplicate category";
			return false;
		}
		/* a column, once per part */
		names[i] = psprintf("%d:%s", (int) c->part, c->name);
		c->offset = off;
		c->width = width;
		off += width;
	}
	if (!AllDistinct(names, spec->ncolumns))
	{
		*error = "duplicate column";
		return false;
	}
	pfree(names);
	spec->nfeat = off;
	spec->scaled = false;
	for (i = 0; i < spec->ncolumns; i++)
		spec->scaled |= spec->columns[i].shift != NULL;
	return true;
}

/*
 * Is every column a number (not a date or time), unscaled, its NULLs
 * skipped (or, with missing, left missing)?
 */
static bool
NumbersOnly(const MlopsFeatureSpec *spec, bool missing)
{
	int			i;

	for (i = 0; i < spec->ncolumns; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];

		if (c->kind != MLOPS_COLUMN_NUMERIC || MLOPS_IS_TIME_FAMILY(c->family) ||
			c->shift != NULL ||
			!(c->impute == MLOPS_IMPUTE_DROP || (missing && c->impute == MLOPS_IMPUTE_MISSING)))
			return false;
	}
	return true;
}

/*
 * Is every column a number, without imputation or scaling: one feature
 * each, named as the column, a row with a NULL skipped?
 */
bool
MlopsSpecIsPlain(const MlopsFeatureSpec *spec)
{
	return NumbersOnly(spec, false);
}

/*
 * Whether a row without NULLs is the spec's features as they are: plain
 * but for NULLs left missing (a tree model's numeric columns).
 */
bool
MlopsSpecReadsInPlace(const MlopsFeatureSpec *spec)
{
	return NumbersOnly(spec, true);
}

/*
 * The one-hot features of a spec's categorical columns (and date parts):
 * their count, and in mask (NULL: not wanted; else nfeat entries) which
 * features they are.  Each row has at most one of a column's set.
 */
int
MlopsSpecOneHot(const MlopsFeatureSpec *spec, bool *mask)
{
	int			n = 0;
	int			i;
	int			j;

	if (mask != NULL)
		memset(mask, 0, sizeof(bool) * spec->nfeat);
	for (i = 0; i < spec->ncolumns; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];

		/* scaled indicators would not be zero when unset */
		if (c->kind != MLOPS_COLUMN_CATEGORICAL || c->shift != NULL)
			continue;
		n += c->width;
		if (mask != NULL)
			for (j = 0; j < c->width; j++)
				mask[c->offset + j] = true;
	}
	return n;
}

/*
 * The features' names, in order: a numeric or boolean column's name, an
 * array's "column[1]", ..., and for a categorical one "column=category",
 * "column=__other__" and "column IS NULL" (a part of a date or time:
 * "column.part=value", ...).
 */
char **
MlopsSpecFeatureNames(const MlopsFeatureSpec *spec)
{
	char	  **names = palloc(sizeof(char *) * spec->nfeat);
	int			n = 0;
	int			i;
	int			j;

	for (i = 0; i < spec->ncolumns; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];

		const char *base = c->part == MLOPS_PART_NONE ? c->name :
			psprintf("%s.%s", c->name, MlopsDatePartName(c->part));

		if (c->kind == MLOPS_COLUMN_ARRAY)
		{
			for (j = 0; j < c->array_length; j++)
				names[n++] = psprintf("%s[%d]", c->name, j + 1);
			continue;
		}
		if (c->kind != MLOPS_COLUMN_CATEGORICAL)
		{
			names[n++] = psprintf("%s", c->name);
			continue;
		}
		for (j = (c->flags & MLOPS_SPEC_DROP_FIRST) ? 1 : 0; j < c->ncategories; j++)
			names[n++] = psprintf("%s=%s", base, c->categories[j]);
		if (c->flags & MLOPS_SPEC_OTHER)
			names[n++] = psprintf("%s=__other__", base);
		if (c->flags & MLOPS_SPEC_NULL)
			names[n++] = psprintf("%s IS NULL", base);
	}
	Assert(n == spec->nfeat);
	return names;
}

/*
 * A column's kind, type family and flags in one byte: bits 0-1, 2-4 and
 * 5-7.
 */
#define PACK(c) ((c)->kind | ((c)->family << 2) | ((c)->flags << 5))

/* A numeric or array column's scaling: u8 scaled, then shift, scale pairs. */
static void
WriteScaling(StringInfo buf, const MlopsSpecColumn *c)
{
	unsigned char scaled = c->shift != NULL;
	int			n = c->kind == MLOPS_COLUMN_ARRAY ? c->array_length : 1;
	int			j;

	appendBinaryStringInfo(buf, (char *) &scaled, 1);
	for (j = 0; scaled && j < n; j++)
	{
		MlopsPutF64(buf, c->shift[j]);
		MlopsPutF64(buf, c->scale[j]);
	}
}

static bool
ReadScaling(MlopsReader *r, MlopsSpecColumn *c)
{
	uint64		scaled = MlopsGetLE(r, 1);
	int			n = c->kind == MLOPS_COLUMN_ARRAY ? c->array_length : 1;
	int			j;

	if (!r->ok || scaled > 1)
		return false;
	if (scaled == 0)
		return true;
	/* 16 bytes a feature: reject before palloc */
	if (r->left < (Size) n * 16)
		return false;
	c->shift = palloc(sizeof(double) * n);
	c->scale = palloc(sizeof(double) * n);
	for (j = 0; j < n; j++)
	{
		c->shift[j] = MlopsGetF64(r);
		c->scale[j] = MlopsGetF64(r);
	}
	return r->ok;
}

/* Append the spec's binary form. */
void
MlopsSpecWrite(StringInfo buf, const MlopsFeatureSpec *spec)
{
	const char **types = palloc(sizeof(char *) * spec->ncolumns);
	uint16	   *type_of = palloc(sizeof(uint16) * spec->ncolumns);
	int			ntypes = 0;
	int			i;
	int			j;

	/* the type names, each once: a wide table has few types */
	for (i = 0; i < spec->ncolumns; i++)
	{
		for (j = 0; j < ntypes; j++)
			if (strcmp(types[j], spec->columns[i].type_name) == 0)
				break;
		if (j == ntypes)
			types[ntypes++] = spec->columns[i].type_name;
		type_of[i] = (uint16) j;
	}
	MlopsPutU32(buf, ntypes);
	for (j = 0; j < ntypes; j++)
		MlopsPutString(buf, types[j]);
	MlopsPutU32(buf, spec->ncolumns);
	for (i = 0; i < spec->ncolumns; i++)
	{
		const MlopsSpecColumn *c = &spec->columns[i];
		unsigned char packed = (unsigned char) PACK(c);

		MlopsPutString(buf, c->name);
		MlopsPutU16(buf, type_of[i]);
		appendBinaryStringInfo(buf, (char *) &packed, 1);
		if (MLOPS_IS_TIME_FAMILY(c->family))
		{
			unsigned char part = (unsigned char) c->part;

			appendBinaryStringInfo(buf, (char *) &part, 1);
		}
		if (c->kind == MLOPS_COLUMN_ARRAY)
			MlopsPutU32(buf, c->array_length);
		else if (c->kind != MLOPS_COLUMN_CATEGORICAL)
		{
			unsigned char impute = (unsigned char) c->impute;

			appendBinaryStringInfo(buf, (char *) &impute, 1);
			if (MLOPS_IMPUTE_HAS_VALUE(c->impute))
				MlopsPutF64(buf, c->impute_value);
		}
		else
		{
			MlopsPutU32(buf, c->ncategories);
			for (j = 0; j < c->ncategories; j++)
				MlopsPutString(buf, c->categories[j]);
		}
		if (c->kind == MLOPS_COLUMN_NUMERIC || c->kind == MLOPS_COLUMN_ARRAY)
			WriteScaling(buf, c);
	}
	pfree(types);
	pfree(type_of);
}

/* Read a spec's binary form and check it (MlopsSpecLayout). */
bool
MlopsSpecRead(MlopsReader *r, MlopsFeatureSpec *spec, const char **error)
{
	uint32		ntypes = (uint32) MlopsGetLE(r, 4);
	char	  **types;
	uint32		next_type = 0;
	uint32		ncol;
	int			i;
	int			j;

	/* each name needs at least 3 bytes: reject before palloc */
	if (!r->ok || ntypes < 1 || ntypes > MLOPS_MAX_FEATURES || r->left < (Size) ntypes * 3)
	{
		*error = "invalid type count";
		return false;
	}
	types = palloc(sizeof(char *) * ntypes);
	for (j = 0; j < (int) ntypes; j++)
		if ((types[j] = MlopsGetString(r, 1, MLOPS_MAX_LABEL_LEN)) == NULL)
		{
			*error = "invalid type name";
			return false;
		}
	if (!AllDistinct(types, ntypes))
	{
		*error = "duplicate type name";
		return false;
	}
	ncol = (uint32) MlopsGetLE(r, 4);
	/* each column needs at least 6 bytes */
	if (!r->ok || ncol < 1 || ncol > MLOPS_MAX_FEATURES || r->left < (Size) ncol * 6)
	{
		*error = "invalid column count";
		return false;
	}
	spec->ncolumns = (int) ncol;
	spec->columns = palloc0(sizeof(MlopsSpecColumn) * ncol);
	for (i = 0; i < spec->ncolumns; i++)
	{
		MlopsSpecColumn *c = &spec->columns[i];
		uint32		type;
		uint32		packed;
		uint32		ncat;

		if ((c->name = MlopsGetString(r, 1, MLOPS_MAX_NAME_LEN)) == NULL)
		{
			*error = "invalid column name";
			return false;
		}
		type = (uint32) MlopsGetLE(r, 2);
		packed = (uint32) MlopsGetLE(r, 1);
		/* in order of first use, as MlopsSpecWrite lists them */
		if (!r->ok || type > next_type || type >= ntypes)
		{
			*error = "invalid column type";
			return false;
		}
		if (type == next_type)
			next_type++;
		c->type_name = types[type];
		c->kind = (MlopsColumnKind) (packed & 0x03);
		c->family = (MlopsTypeFamily) ((packed >> 2) & 0x07);
		c->flags = (uint8) (packed >> 5);
		if (MLOPS_IS_TIME_FAMILY(c->family))
			c->part = (MlopsDatePart) MlopsGetLE(r, 1);
		if (c->kind == MLOPS_COLUMN_ARRAY)
		{
			uint32		len = (uint32) MlopsGetLE(r, 4);

			if (!r->ok || len < 1 || len > MLOPS_MAX_FEATURES)
			{
				*error = "invalid array length";
				return false;
			}
			c->array_length = (int) len;
		}
		else if (c->kind != MLOPS_COLUMN_CATEGORICAL)
		{
			c->impute = (MlopsImpute) MlopsGetLE(r, 1);
			if (MLOPS_IMPUTE_HAS_VALUE(c->impute))
				c->impute_value = MlopsGetF64(r);
			else if (c->impute == MLOPS_IMPUTE_MISSING)
				c->impute_value = NAN;
			if (!r->ok)
			{
				*error = "invalid imputation";
				return false;
			}
		}
		if (c->kind == MLOPS_COLUMN_NUMERIC || c->kind == MLOPS_COLUMN_ARRAY)
		{
			if (!ReadScaling(r, c))
			{
				*error = "invalid scaling";
				return false;
			}
			continue;
		}
		/* scaled indicators would not be zero when unset */
		if (c->kind != MLOPS_COLUMN_CATEGORICAL || c->shift != NULL)
			continue;
		ncat = (uint32) MlopsGetLE(r, 4);
		/* each category needs at least 2 bytes */
		if (!r->ok || ncat > MLOPS_MAX_FEATURES + 1 || r->left < (Size) ncat * 2)
		{
			*error = "invalid category count";
			return false;
		}
		c->ncategories = (int) ncat;
		c->categories = ncat ? palloc(sizeof(char *) * ncat) : NULL;
		for (j = 0; j < c->ncategories; j++)
			if ((c->categories[j] = MlopsGetString(r, 0, MLOPS_MAX_LABEL_LEN)) == NULL)
			{
				*error = "invalid category";
				return false;
			}
	}
	if (next_type != ntypes)
	{
		*error = "unused type name";
		return false;
	}
	return MlopsSpecLayout(spec, error);
}

/* The spec as the training aggregates' argument: a header, then the spec. */
bytea *
MlopsSpecEncode(const MlopsFeatureSpec *spec)
{
	StringInfoData buf;
	bytea	   *result;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, MLOPS_SPEC_MAGIC, 8);
	MlopsPutU16(&buf, MLOPS_SPEC_FORMAT);
	MlopsSpecWrite(&buf, spec);
	result = palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(result, VARHDRSZ + buf.len);
	memcpy(VARDATA(result), buf.data, buf.len);
	pfree(buf.data);
	return result;
}

/* Decode that argument; NULL with *error when it is not a valid spec. */
MlopsFeatureSpec *
MlopsSpecDecode(const char *data, Size len, const char **error)
{
	MlopsReader r;
	MlopsFeatureSpec *spec;

	*error = NULL;
	if (len < 10 || memcmp(data, MLOPS_SPEC_MAGIC, 8) != 0)
	{
		*error = "not a feature spec (bad magic)";
		return NULL;
	}
	r.p = (const unsigned char *) data + 8;
	r.left = len - 8;
	r.ok = true;
	if (MlopsGetLE(&r, 2) != MLOPS_SPEC_FORMAT)
	{
		*error = "unsupported feature spec format";
		return NULL;
	}
	spec = palloc0(sizeof(MlopsFeatureSpec));
	if (!MlopsSpecRead(&r, spec, error))
		return NULL;
	if (r.left != 0)
	{
		*error = "trailing bytes after the feature spec";
		return NULL;
	}
	return spec;
}

const char *
MlopsImputeName(MlopsImpute impute)
{
	switch (impute)
	{
		case MLOPS_IMPUTE_DROP:
			return "drop";
		case MLOPS_IMPUTE_MEAN:
			return "mean";
		case MLOPS_IMPUTE_MEDIAN:
			return "median";
		case MLOPS_IMPUTE_CONSTANT:
			return "constant";
		case MLOPS_IMPUTE_MISSING:
			return "missing";
	}
	return "unknown";
}

const char *
MlopsDatePartName(MlopsDatePart part)
{
	switch (part)
	{
		case MLOPS_PART_NONE:
			return "epoch";
		case MLOPS_PART_DOW:
			return "dow";
		case MLOPS_PART_DAY:
			return "day";
		case MLOPS_PART_MONTH:
			return "month";
		case MLOPS_PART_QUARTER:
			return "quarter";
		case MLOPS_PART_HOUR:
			return "hour";
	}
	return "unknown";
}

const char *
MlopsTypeFamilyName(MlopsTypeFamily family)
{
	switch (family)
	{
		case MLOPS_TYPES_INTEGER:
			return "integer";
		case MLOPS_TYPES_FLOAT:
			return "floating-point";
		case MLOPS_TYPES_BOOLEAN:
			return "boolean";
		case MLOPS_TYPES_TEXT:
			return "text";
		case MLOPS_TYPES_ENUM:
			return "enum";
		case MLOPS_TYPES_DATE:
			return "date";
		case MLOPS_TYPES_TIMESTAMP:
			return "timestamp";
		case MLOPS_TYPES_TIMESTAMPTZ:
			return "timestamptz";
	}
	return "unknown";
}
