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
 *	10	2  algorithm (MlopsAlgorithm)
 *	12	4  payload length in bytes
 *	16	4  CRC32C of the payload
 *	20	4  reserved, zero
 *	24	   payload, whose layout the algorithm owns
 *
 * Linear payload: u32 nfeat, u8 fit_intercept, 3 zero bytes, f64 intercept,
 * f64 coef[nfeat], f64 std_error[nparams], f64 sigma, i64 df_resid, then
 * nfeat names as (u16 length, bytes).  A new algorithm adds an id and a
 * payload; a change to an existing payload bumps the format version, and
 * the decoder keeps reading the old one.
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

#include "artifact.h"

/* little-endian writers */
static void
PutU16(StringInfo buf, uint16 v)
{
	unsigned char b[2] = {v & 0xff, (v >> 8) & 0xff};

	appendBinaryStringInfo(buf, (char *) b, 2);
}

static void
PutU32(StringInfo buf, uint32 v)
{
	unsigned char b[4];
	int			i;

	for (i = 0; i < 4; i++)
		b[i] = (v >> (8 * i)) & 0xff;
	appendBinaryStringInfo(buf, (char *) b, 4);
}

static void
PutU64(StringInfo buf, uint64 v)
{
	unsigned char b[8];
	int			i;

	for (i = 0; i < 8; i++)
		b[i] = (v >> (8 * i)) & 0xff;
	appendBinaryStringInfo(buf, (char *) b, 8);
}

static void
PutF64(StringInfo buf, double d)
{
	uint64		v;

	memcpy(&v, &d, sizeof(v));
	PutU64(buf, v);
}

/* A bounded little-endian reader; any overrun sets ok = false. */
typedef struct Reader
{
	const unsigned char *p;
	Size		left;
	bool		ok;
} Reader;

static uint64
GetLE(Reader *r, int nbytes)
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

static double
GetF64(Reader *r)
{
	uint64		v = GetLE(r, 8);
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

/* Serialize a model into a new artifact. */
bytea *
MlopsArtifactEncode(const MlopsModel *model)
{
	StringInfoData payload;
	StringInfoData out;
	int			nparams = model->nfeat + (model->fit_intercept ? 1 : 0);
	int			i;
	bytea	   *result;

	Assert(model->algorithm == MLOPS_ALGO_LINEAR);

	initStringInfo(&payload);
	PutU32(&payload, model->nfeat);
	PutU32(&payload, model->fit_intercept ? 1 : 0);
	PutF64(&payload, model->intercept);
	for (i = 0; i < model->nfeat; i++)
		PutF64(&payload, model->coef[i]);
	for (i = 0; i < nparams; i++)
		PutF64(&payload, model->std_error[i]);
	PutF64(&payload, model->sigma);
	PutU64(&payload, (uint64) model->df_resid);
	for (i = 0; i < model->nfeat; i++)
	{
		size_t		len = strlen(model->feature_names[i]);

		Assert(len <= MLOPS_MAX_NAME_LEN);
		PutU16(&payload, (uint16) len);
		appendBinaryStringInfo(&payload, model->feature_names[i], len);
	}

	initStringInfo(&out);
	appendBinaryStringInfo(&out, MLOPS_ARTIFACT_MAGIC, 8);
	PutU16(&out, MLOPS_ARTIFACT_FORMAT);
	PutU16(&out, (uint16) model->algorithm);
	PutU32(&out, (uint32) payload.len);
	PutU32(&out, PayloadCrc(payload.data, payload.len));
	PutU32(&out, 0);
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
	Reader		r;

	r.p = (const unsigned char *) VARDATA_ANY(artifact) + 16;
	r.left = VARSIZE_ANY_EXHDR(artifact) >= MLOPS_ARTIFACT_HEADER ? 4 : 0;
	r.ok = true;
	return (uint32) GetLE(&r, 4);
}

static MlopsModel *
DecodeLinear(Reader *r, const char **error)
{
	MlopsModel *m = palloc0(sizeof(MlopsModel));
	uint32		nfeat;
	uint32		flags;
	int			nparams;
	int			i;

	m->algorithm = MLOPS_ALGO_LINEAR;
	nfeat = (uint32) GetLE(r, 4);
	flags = (uint32) GetLE(r, 4);
	if (!r->ok || nfeat < 1 || nfeat > MLOPS_MAX_FEATURES || flags > 1)
	{
		*error = "invalid linear model header";
		return NULL;
	}
	/* each feature needs at least 8 + 8 + 2 bytes: reject before palloc */
	if (r->left < (Size) nfeat * 18)
	{
		*error = "payload shorter than its feature count";
		return NULL;
	}
	m->nfeat = (int) nfeat;
	m->fit_intercept = (flags == 1);
	nparams = m->nfeat + (m->fit_intercept ? 1 : 0);
	m->coef = palloc(sizeof(double) * m->nfeat);
	m->std_error = palloc(sizeof(double) * nparams);
	m->feature_names = palloc(sizeof(char *) * m->nfeat);

	m->intercept = GetF64(r);
	if (!isfinite(m->intercept) || (!m->fit_intercept && m->intercept != 0))
		r->ok = false;
	for (i = 0; i < m->nfeat; i++)
	{
		m->coef[i] = GetF64(r);
		if (!isfinite(m->coef[i]))
			r->ok = false;
	}
	for (i = 0; i < nparams; i++)
	{
		m->std_error[i] = GetF64(r);
		if (isinf(m->std_error[i]) || m->std_error[i] < 0)
			r->ok = false;
	}
	m->sigma = GetF64(r);
	if (isinf(m->sigma) || m->sigma < 0)
		r->ok = false;
	m->df_resid = (int64) GetLE(r, 8);
	if (m->df_resid < 0)
		r->ok = false;
	if (!r->ok)
	{
		*error = "invalid linear model coefficients";
		return NULL;
	}
	for (i = 0; i < m->nfeat; i++)
	{
		uint16		len = (uint16) GetLE(r, 2);
		char	   *name;

		if (!r->ok || len == 0 || len > MLOPS_MAX_NAME_LEN || r->left < len)
		{
			*error = "invalid feature name";
			return NULL;
		}
		name = palloc(len + 1);
		memcpy(name, r->p, len);
		name[len] = '\0';
		r->p += len;
		r->left -= len;
		if (strlen(name) != len || !NameEncodingOk(name, len))
		{
			*error = "invalid feature name";
			return NULL;
		}
		m->feature_names[i] = name;
	}
	if (r->left != 0)
	{
		*error = "trailing bytes after the payload";
		return NULL;
	}
	return m;
}

/*
 * Decode an artifact.  Returns NULL and sets *error when it is not a valid
 * artifact; never reads outside data[0 .. len).
 */
MlopsModel *
MlopsArtifactDecode(const char *data, Size len, const char **error)
{
	Reader		r;
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
	format = (uint16) GetLE(&r, 2);
	algorithm = (uint16) GetLE(&r, 2);
	plen = (uint32) GetLE(&r, 4);
	crc = (uint32) GetLE(&r, 4);
	reserved = (uint32) GetLE(&r, 4);
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
	switch (algorithm)
	{
		case MLOPS_ALGO_LINEAR:
			return DecodeLinear(&r, error);
		default:
			*error = "unknown algorithm";
			return NULL;
	}
}
