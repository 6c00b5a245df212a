/*-------------------------------------------------------------------------
 *
 * artifact.c
 *	  Binary model format: encode a model, and decode one without ever
 *	  trusting it.
 *
 * Layout, every integer and double little-endian whatever the host:
 *
 *	 0	8  magic "MLOPSART"
 *	 8	2  format version (MLOPS_ARTIFACT_FORMAT)
 *	10	2  algorithm (MlopsAlgorithmRoutine.id)
 *	12	4  payload length in bytes
 *	16	4  CRC32C of the payload
 *	20	4  reserved, zero
 *	24	   payload: the feature spec (featurespec.c: the columns read and
 *		   how each becomes features, whose names derive from it), u32
 *		   nclasses, nclasses class labels (each a u16 length and its
 *		   bytes), u32 label kind (MlopsLabelKind), then the family's part,
 *		   whose layout its routine owns (algo->encode).
 *
 * A new family adds an id and its part; a change to an existing layout
 * bumps the format version, and the decoder keeps reading the old one
 * (0.1.0 is unreleased, so format 3, which added the feature spec,
 * replaced format 2 outright).
 *
 * The decoder checks every length against the bytes present with
 * overflow-safe arithmetic, the checksum before anything else, and every
 * double for finiteness; it reports what is wrong as a string so the
 * caller picks the SQLSTATE (data_corrupted for the catalog,
 * invalid_binary_representation for user input).
 *
 * The file also builds outside the server, with -DFRONTEND against
 * libpgcommon and libpgport (palloc, StringInfo, CRC32C, encoding
 * checks), as PostgreSQL's own pg_waldump builds backend files: the
 * decoder's fuzzer, test/fuzz, links it that way.  There is no database
 * encoding there, so feature names are checked as UTF-8.
 *
 * IDENTIFICATION
 *	  src/artifact.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "port/pg_crc32c.h"

#include "algorithm.h"
#include "artifact.h"
#include "featurespec.h"

/* little-endian writers */
void
MlopsPutU16(StringInfo buf, uint16 v)
{
	unsigned char b[2] = {v & 0xff, (v >> 8) & 0xff};

	appendBinaryStringInfo(buf, (char *) b, 2);
}

void
MlopsPutU32(StringInfo buf, uint32 v)
{
	unsigned char b[4];
	int			i;

	for (i = 0; i < 4; i++)
		b[i] = (v >> (8 * i)) & 0xff;
	appendBinaryStringInfo(buf, (char *) b, 4);
}

void
MlopsPutU64(StringInfo buf, uint64 v)
{
	unsigned char b[8];
	int			i;

	for (i = 0; i < 8; i++)
		b[i] = (v >> (8 * i)) & 0xff;
	appendBinaryStringInfo(buf, (char *) b, 8);
}

void
MlopsPutF64(StringInfo buf, double d)
{
	uint64		v;

	memcpy(&v, &d, sizeof(v));
	MlopsPutU64(buf, v);
}

/* nbytes little-endian bytes as an integer; an overrun sets r->ok = false */
uint64
MlopsGetLE(MlopsReader *r, int nbytes)
{
	uint64		v = 0;
	int			i;

	if (!r->ok || r->left < (Size) nbytes)
	{
		r->ok = false;
		return 0;
	}
	for (i = 0; i < nbytes; i++)
		v |= ((uint64) r->p[i]) << (8 * i);
	r->p += nbytes;
	r->left -= nbytes;
	return v;
}

double
MlopsGetF64(MlopsReader *r)
{
	uint64		v = MlopsGetLE(r, 8);
	double		d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

static uint32
PayloadCrc(const char *data, Size len)
{
	pg_crc32c	crc;

	INIT_CRC32C(crc);
	COMP_CRC32C(crc, data, len);
	FIN_CRC32C(crc);
	return crc;
}

/* Is name[0 .. len) valid in the encoding feature names are stored in? */
static bool
NameEncodingOk(const char *name, int len)
{
#ifdef FRONTEND
	return pg_encoding_verifymbstr(PG_UTF8, name, len) == len;
#else
	return pg_verify_mbstr(GetDatabaseEncoding(), name, len, true);
#endif
}

/* Append a length-prefixed string (a name, a class label, a category). */
void
MlopsPutString(StringInfo buf, const char *str)
{
	size_t		len = strlen(str);

	Assert(len <= PG_UINT16_MAX);
	MlopsPutU16(buf, (uint16) len);
	appendBinaryStringInfo(buf, str, len);
}

/* A model that cannot be encoded: a bug of its family, never bad input. */
static void
EncodeFailed(const char *why)
{
#ifdef FRONTEND
	fprintf(stderr, "cannot encode the model: %s\n", why);
	abort();
#else
	elog(ERROR, "cannot encode the model: %s", why);
#endif
}

/*
 * The spec of a model that names none: every feature a double precision
 * column of its name (what a model built outside mlops.train reads).
 */
static const MlopsFeatureSpec *
PlainSpec(const MlopsModel *model)
{
	MlopsFeatureSpec *spec = palloc0(sizeof(MlopsFeatureSpec));
	const char *error;
	int			i;

	spec->ncolumns = model->nfeat;
	spec->columns = palloc0(sizeof(MlopsSpecColumn) * model->nfeat);
	for (i = 0; i < model->nfeat; i++)
	{
		spec->columns[i].name = model->feature_names[i];
		spec->columns[i].type_name = "double precision";
		spec->columns[i].kind = MLOPS_COLUMN_NUMERIC;
		spec->columns[i].family = MLOPS_TYPES_FLOAT;
	}
	if (!MlopsSpecLayout(spec, &error))
		EncodeFailed(error);
	return spec;
}

/* Serialize a model into a new artifact. */
bytea *
MlopsArtifactEncode(const MlopsModel *model)
{
	StringInfoData payload;
	StringInfoData out;
	const MlopsFeatureSpec *spec;
	char	  **names;
	int			i;
	bytea	   *result;

	spec = model->spec ? model->spec : PlainSpec(model);
	names = MlopsSpecFeatureNames(spec);
	for (i = 0; i < model->nfeat; i++)
		if (spec->nfeat != model->nfeat || strcmp(names[i], model->feature_names[i]) != 0)
			EncodeFailed("the model's features are not those of its spec");
	initStringInfo(&payload);
	MlopsSpecWrite(&payload, spec);
	MlopsPutU32(&payload, model->nclasses);
	for (i = 0; i < model->nclasses; i++)
		MlopsPutString(&payload, model->classes[i]);
	MlopsPutU32(&payload, (uint32) model->label_kind);
	model->algo->encode(model, &payload);

	initStringInfo(&out);
	appendBinaryStringInfo(&out, MLOPS_ARTIFACT_MAGIC, 8);
	MlopsPutU16(&out, MLOPS_ARTIFACT_FORMAT);
	MlopsPutU16(&out, model->algo->id);
	MlopsPutU32(&out, (uint32) payload.len);
	MlopsPutU32(&out, PayloadCrc(payload.data, payload.len));
	MlopsPutU32(&out, 0);
	appendBinaryStringInfo(&out, payload.data, payload.len);

	result = palloc(VARHDRSZ + out.len);
	SET_VARSIZE(result, VARHDRSZ + out.len);
	memcpy(VARDATA(result), out.data, out.len);
	pfree(payload.data);
	pfree(out.data);
	return result;
}

/* The CRC32C stored in an artifact's header (the catalog keeps a copy). */
uint32
MlopsArtifactChecksum(const bytea *artifact)
{
	MlopsReader r;

	r.p = (const unsigned char *) VARDATA_ANY(artifact) + 16;
	r.left = VARSIZE_ANY_EXHDR(artifact) >= MLOPS_ARTIFACT_HEADER ? 4 : 0;
	r.ok = true;
	return (uint32) MlopsGetLE(&r, 4);
}

/*
 * A length-prefixed string of minlen to maxlen bytes, without NUL and
 * valid in the names' encoding, as a new string; NULL when it is not.
 */
char *
MlopsGetString(MlopsReader *r, int minlen, int maxlen)
{
	uint16		len = (uint16) MlopsGetLE(r, 2);
	char	   *str;

	if (!r->ok || len < minlen || len > maxlen || r->left < len)
		return NULL;
	str = palloc(len + 1);
	memcpy(str, r->p, len);
	str[len] = '\0';
	r->p += len;
	r->left -= len;
	if (strlen(str) != len || !NameEncodingOk(str, len))
		return NULL;
	return str;
}

/*
 * Numeric and boolean classes as numbers: numeric labels are integers in
 * increasing order, as training stores them, and boolean ones exactly
 * "false" and "true".  False when they are not.
 */
static bool
ClassValues(MlopsModel *m)
{
	int			i;

	if (m->label_kind != MLOPS_LABEL_NUMERIC && m->label_kind != MLOPS_LABEL_BOOLEAN)
		return true;
	m->class_values = palloc(sizeof(double) * m->nclasses);
	for (i = 0; i < m->nclasses; i++)
	{
		const char *s = m->classes[i];
		char	   *end;

		if (m->label_kind == MLOPS_LABEL_BOOLEAN)
		{
			if (m->nclasses != 2 || strcmp(s, i ? "true" : "false") != 0)
				return false;
			m->class_values[i] = i;
			continue;
		}
		errno = 0;
		m->class_values[i] = strtod(s, &end);
		if (*s == '\0' || *end != '\0' || errno != 0 ||
			m->class_values[i] != floor(m->class_values[i]) ||
			(i > 0 && !(m->class_values[i] > m->class_values[i - 1])))
			return false;
	}
	return true;
}

/* The part of the payload every family has: features and classes. */
static bool
DecodeCommon(MlopsReader *r, MlopsModel *m, const char **error)
{
	uint32		nclasses;
	int			i;

	m->spec = palloc0(sizeof(MlopsFeatureSpec));
	if (!MlopsSpecRead(r, m->spec, error))
		return false;
	m->nfeat = m->spec->nfeat;
	m->feature_names = MlopsSpecFeatureNames(m->spec);
	nclasses = (uint32) MlopsGetLE(r, 4);
	if (!r->ok || nclasses == 1 || nclasses > MLOPS_MAX_CLASSES ||
		r->left < (Size) nclasses * 2)
	{
		*error = "invalid class count";
		return false;
	}
	m->nclasses = (int) nclasses;
	m->classes = nclasses ? palloc(sizeof(char *) * m->nclasses) : NULL;
	for (i = 0; i < m->nclasses; i++)
		if ((m->classes[i] = MlopsGetString(r, 0, MLOPS_MAX_LABEL_LEN)) == NULL)
		{
			*error = "invalid class label";
			return false;
		}
	m->label_kind = (MlopsLabelKind) MlopsGetLE(r, 4);
	if (!r->ok || (m->nclasses == 0) != (m->label_kind == MLOPS_LABEL_NONE) ||
		m->label_kind > MLOPS_LABEL_TEXT || !ClassValues(m))
	{
		*error = "invalid class labels";
		return false;
	}
	return true;
}

/*
 * Decode an artifact.  Returns NULL and sets *error when it is not a valid
 * artifact; never reads outside data[0 .. len).
 */
MlopsModel *
MlopsArtifactDecode(const char *data, Size len, const char **error)
{
	MlopsReader r;
	MlopsModel *m;
	uint16		format;
	uint16		algorithm;
	uint32		plen;
	uint32		crc;
	uint32		reserved;

	*error = NULL;
	if (len < MLOPS_ARTIFACT_HEADER ||
		memcmp(data, MLOPS_ARTIFACT_MAGIC, 8) != 0)
	{
		*error = "not an mlops model (bad magic)";
		return NULL;
	}
	r.p = (const unsigned char *) data + 8;
	r.left = len - 8;
	r.ok = true;
	format = (uint16) MlopsGetLE(&r, 2);
	algorithm = (uint16) MlopsGetLE(&r, 2);
	plen = (uint32) MlopsGetLE(&r, 4);
	crc = (uint32) MlopsGetLE(&r, 4);
	reserved = (uint32) MlopsGetLE(&r, 4);
	if (format != MLOPS_ARTIFACT_FORMAT)
	{
		*error = "unsupported model format version";
		return NULL;
	}
	/* else two different artifacts would decode to one model */
	if (reserved != 0)
	{
		*error = "reserved header bytes are not zero";
		return NULL;
	}
	if ((Size) plen != len - MLOPS_ARTIFACT_HEADER)
	{
		*error = "payload length does not match the artifact size";
		return NULL;
	}
	if (PayloadCrc(data + MLOPS_ARTIFACT_HEADER, plen) != crc)
	{
		*error = "checksum mismatch";
		return NULL;
	}
	m = palloc0(sizeof(MlopsModel));
	m->algo = MlopsAlgorithmById(algorithm);
	if (m->algo == NULL)
	{
		*error = "unknown algorithm";
		return NULL;
	}
	if (!DecodeCommon(&r, m, error) || !m->algo->decode(&r, m, error))
		return NULL;
	if (r.left != 0)
	{
		*error = "trailing bytes after the payload";
		return NULL;
	}
	return m;
}
