/*-------------------------------------------------------------------------
 *
 * fuzz_artifact.c
 *	  libFuzzer target for the artifact decoder (src/artifact.c) and the
 *	  feature spec decoder (src/featurespec.c).
 *
 * Built outside the server (-DFRONTEND, libpgcommon, libpgport) by
 * test/fuzz/run.sh.  Each input is decoded twice: as given, and with its
 * header's payload length and CRC32C recomputed, because a mutated
 * artifact almost never carries a matching checksum and would otherwise
 * never reach the payload checks.  A decoder may reject anything, but it
 * must say why; what it accepts must satisfy the invariants scoring
 * relies on (feature count in range, names non-empty, NUL-terminated,
 * short and valid UTF-8, a score that is not NaN) and re-encode to exactly the
 * bytes it came from, or two different artifacts would mean one model.
 * A broken invariant aborts, which libFuzzer reports as a finding.
 *
 * The decoder leaves its allocations to the caller's memory context when
 * it rejects an input, as backend code does.  So this file defines palloc,
 * palloc0, repalloc and pfree itself (the linker then leaves out
 * libpgcommon's fe_memutils.o, which would never free them): every chunk
 * is a separate malloc, so ASan sees each overrun exactly, and all of an
 * input's chunks are freed after it, as a per-call memory context reset
 * would.  Leak detection stays on for everything else.
 *
 * IDENTIFICATION
 *	  test/fuzz/fuzz_artifact.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mb/pg_wchar.h"
#include "port/pg_crc32c.h"

#include "algorithm.h"
#include "artifact.h"
#include "featurespec.h"

extern int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The per-input "memory context": a list of live chunks. */
typedef struct Chunk
{
	struct Chunk *prev;
	struct Chunk *next;			/* 16 bytes: what follows stays MAXALIGNed */
} Chunk;

static Chunk arena = {&arena, &arena};

static void *
Link(Chunk *c)
{
	if (c == NULL)
	{
		fprintf(stderr, "fuzz_artifact: out of memory\n");
		abort();
	}
	c->prev = arena.prev;
	c->next = &arena;
	arena.prev->next = c;
	arena.prev = c;
	return c + 1;
}

static Chunk *
Unlink(void *pointer)
{
	Chunk	   *c = (Chunk *) pointer - 1;

	c->prev->next = c->next;
	c->next->prev = c->prev;
	return c;
}

void *
palloc(Size size)
{
	return Link(malloc(sizeof(Chunk) + size));
}

void *
palloc0(Size size)
{
	return Link(calloc(1, sizeof(Chunk) + size));
}

void *
repalloc(void *pointer, Size size)
{
	return Link(realloc(Unlink(pointer), sizeof(Chunk) + size));
}

void
pfree(void *pointer)
{
	free(Unlink(pointer));
}

static void
ArenaReset(void)
{
	while (arena.next != &arena)
		free(Unlink(arena.next + 1));
}

static void
Fail(const char *what)
{
	fprintf(stderr, "fuzz_artifact: invariant broken: %s\n", what);
	abort();
}

static uint32
ReadU32(const unsigned char *p)
{
	return (uint32) p[0] | ((uint32) p[1] << 8) |
		((uint32) p[2] << 16) | ((uint32) p[3] << 24);
}

static void
WriteU32(unsigned char *p, uint32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

/*
 * What every accepted model must satisfy: a known family, features and
 * classes in range with valid names, finite scores on two probe vectors
 * (the family checked what its prediction reads), and re-encoding to
 * exactly the bytes it came from.
 */
static void
CheckModel(const MlopsModel *m, const unsigned char *data, size_t size)
{
	double	   *x;
	int			i;
	bytea	   *again;

	if (m->algo == NULL || MlopsAlgorithmById(m->algo->id) != m->algo)
		Fail("unknown algorithm accepted");
	if (m->nfeat < 1 || m->nfeat > MLOPS_MAX_FEATURES)
		Fail("feature count out of range");
	if (m->nclasses < 0 || m->nclasses == 1 || m->nclasses > MLOPS_MAX_CLASSES)
		Fail("class count out of range");
	if (m->spec == NULL || m->spec->nfeat != m->nfeat)
		Fail("feature spec missing or of another width");
	for (i = 0; i < m->nfeat + m->nclasses; i++)
	{
		bool		is_name = i < m->nfeat;
		const char *s = is_name ? m->feature_names[i] : m->classes[i - m->nfeat];
		size_t		len = strnlen(s, MLOPS_MAX_NAME_LEN + 2 + MLOPS_MAX_LABEL_LEN);

		/* a categorical column's features are "column=category" */
		if ((is_name && (len < 1 || len > MLOPS_MAX_NAME_LEN + 1 + MLOPS_MAX_LABEL_LEN)) ||
			(!is_name && len > MLOPS_MAX_LABEL_LEN))
			Fail("feature name or class label empty, too long or not terminated");
		if (pg_encoding_verifymbstr(PG_UTF8, s, (int) len) != (int) len)
			Fail("feature name or class label not valid UTF-8");
	}

	x = palloc0(sizeof(double) * m->nfeat);
	if (isnan(MlopsPredict(m, x)))
		Fail("NaN score at the origin");
	if (m->nclasses > 0)
	{
		double		c = MlopsPredict(m, x);
		double	   *p;
		double		sum = 0;

		if (m->algo->predict_vector == NULL || m->algo->outputs(m) != m->nclasses)
			Fail("classifier without one probability per class");
		if (!(c >= 0 && c < m->nclasses && c == floor(c)))
			Fail("predicted class out of range");
		p = palloc(sizeof(double) * m->nclasses);
		m->algo->predict_vector(m, x, p);
		for (i = 0; i < m->nclasses; i++)
		{
			if (!(p[i] >= 0 && p[i] <= 1))
				Fail("class probability outside [0, 1]");
			sum += p[i];
		}
		if (fabs(sum - 1) > 1e-9)
			Fail("class probabilities do not sum to 1");
	}
	for (i = 0; i < m->nfeat; i++)
		x[i] = 1.0 / (i + 1);
	if (isnan(MlopsPredict(m, x)))
		Fail("NaN score on a small vector");

	again = MlopsArtifactEncode(m);
	if (VARSIZE(again) - VARHDRSZ != size ||
		memcmp(VARDATA(again), data, size) != 0)
		Fail("re-encoding differs from the accepted artifact");
	if (MlopsArtifactChecksum(again) != ReadU32(data + 16))
		Fail("MlopsArtifactChecksum differs from the header");
	pfree(again);
}

/*
 * The input as a feature spec (the training aggregates' argument): one
 * accepted has columns whose widths add up, and re-encodes to the bytes
 * it came from.
 */
static void
DecodeSpec(const unsigned char *data, size_t size)
{
	const char *error = NULL;
	MlopsFeatureSpec *spec = MlopsSpecDecode((const char *) data, size, &error);
	bytea	   *again;
	int			total = 0;
	int			i;

	if (spec == NULL)
	{
		if (error == NULL)
			Fail("spec rejected without a reason");
		return;
	}
	for (i = 0; i < spec->ncolumns; i++)
	{
		if (spec->columns[i].offset != total || spec->columns[i].width < 1)
			Fail("spec columns do not tile the features");
		total += spec->columns[i].width;
	}
	if (total != spec->nfeat || total > MLOPS_MAX_FEATURES)
		Fail("spec width out of range");
	(void) MlopsSpecFeatureNames(spec);
	again = MlopsSpecEncode(spec);
	if (VARSIZE(again) - VARHDRSZ != size || memcmp(VARDATA(again), data, size) != 0)
		Fail("re-encoding differs from the accepted spec");
}

static void
DecodeOne(const unsigned char *data, size_t size)
{
	const char *error = NULL;
	MlopsModel *m;

	m = MlopsArtifactDecode((const char *) data, size, &error);
	if (m == NULL)
	{
		if (error == NULL)
			Fail("rejected without a reason");
		return;
	}
	if (error != NULL)
		Fail("accepted with an error set");
	CheckModel(m, data, size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy;
	pg_crc32c	crc;

	/* exact-size heap copy, so ASan sees any read past the end */
	copy = malloc(size > 0 ? size : 1);
	if (size > 0)
		memcpy(copy, data, size);
	DecodeOne(copy, size);
	DecodeSpec(copy, size);

	if (size >= MLOPS_ARTIFACT_HEADER)
	{
		INIT_CRC32C(crc);
		COMP_CRC32C(crc, copy + MLOPS_ARTIFACT_HEADER,
					size - MLOPS_ARTIFACT_HEADER);
		FIN_CRC32C(crc);
		if (ReadU32(copy + 12) != size - MLOPS_ARTIFACT_HEADER ||
			ReadU32(copy + 16) != crc)
		{
			WriteU32(copy + 12, (uint32) (size - MLOPS_ARTIFACT_HEADER));
			WriteU32(copy + 16, crc);
			DecodeOne(copy, size);
		}
	}
	free(copy);
	ArenaReset();
	return 0;
}
