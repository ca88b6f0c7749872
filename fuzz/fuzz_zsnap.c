/* fuzz/fuzz_zsnap.c - libFuzzer target for zone snapshots: a random
 * zone is changed by random journal steps (zsnap_apply on the overlay);
 * after each step the snapshot must hold exactly what a snapshot built
 * from scratch from the same records holds (names, empty
 * non-terminals, RRsets, counts, cuts) */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/dname.h"
#include "common/wire.h"
#include "server/plugins/sql/zsnap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			__builtin_trap();                                      \
	} while (0)

static const char *const names[] = { "example.org.", "a.example.org.",
	"b.a.example.org.", "c.b.a.example.org.", "x.example.org.",
	"y.x.example.org.", "*.example.org.", "*.a.example.org.",
	"sub.example.org.", "ns.sub.example.org.", "d.example.org.",
	"e.d.example.org.", "q.c.b.a.example.org.", "z.example.org.",
	"w.z.example.org.", "v.w.z.example.org." };
#define NNAMES (sizeof(names) / sizeof(names[0]))
static const uint16_t types[] = { TYPE_A, TYPE_AAAA, TYPE_NS, TYPE_CNAME,
	TYPE_DNAME, TYPE_TXT };
#define NTYPES (sizeof(types) / sizeof(types[0]))

static uint8_t wnames[NNAMES][DNAME_MAX];
static uint8_t apex[DNAME_MAX];
static uint8_t soa[64];
static size_t soalen;

/* The model: which (name, type, value) records exist. */
static bool have[NNAMES][NTYPES][4];

static void
rdata_of(uint16_t type, int v, uint8_t *out, uint16_t *len)
{
	switch (type) {
	case TYPE_A:
		out[0] = 192, out[1] = 0, out[2] = 2, out[3] = (uint8_t)v;
		*len = 4;
		return;
	case TYPE_AAAA:
		memset(out, 0, 16);
		out[15] = (uint8_t)v;
		*len = 16;
		return;
	case TYPE_TXT:
		out[0] = 1;
		out[1] = (uint8_t)('a' + v);
		*len = 2;
		return;
	default: /* a name */
		memcpy(out, wnames[v], dname_len(wnames[v]));
		*len = (uint16_t)dname_len(wnames[v]);
		return;
	}
}

static struct zsnap *
build_model(void)
{
	struct zsnap_builder *b = zsnap_builder_new(apex);
	uint8_t rd[DNAME_MAX];
	uint16_t len;

	CHECK(b != NULL);
	CHECK(zsnap_builder_add(
	          b, apex, TYPE_SOA, 300, soa, (uint16_t)soalen) == 0);
	for (size_t n = 0; n < NNAMES; n++)
		for (size_t t = 0; t < NTYPES; t++)
			for (int v = 0; v < 4; v++) {
				if (!have[n][t][v])
					continue;
				rdata_of(types[t], v, rd, &len);
				CHECK(zsnap_builder_add(b, wnames[n], types[t],
				          60, rd, len) == 0);
			}
	return zsnap_builder_finish(b);
}

static int
body_cmp(const void *a, const void *b)
{
	const uint8_t *const *x = a, *const *y = b;
	size_t lx = 10u + wire_get16(*x + 8), ly = 10u + wire_get16(*y + 8);
	int c = memcmp(*x, *y, lx < ly ? lx : ly);

	return c != 0 ? c : (lx > ly) - (lx < ly);
}

/* Same RRs in an RRset, in any order. */
static void
same_set(const struct zrrset *a, const struct zrrset *b)
{
	const uint8_t *va[8], *vb[8], *p, *q;

	CHECK(a->type == b->type && a->count == b->count && a->len == b->len);
	CHECK(a->count <= 8);
	p = a->body;
	q = b->body;
	for (unsigned i = 0; i < a->count; i++) {
		va[i] = p;
		vb[i] = q;
		p += 10u + wire_get16(p + 8);
		q += 10u + wire_get16(q + 8);
	}
	qsort(va, a->count, sizeof(va[0]), body_cmp);
	qsort(vb, b->count, sizeof(vb[0]), body_cmp);
	for (unsigned i = 0; i < a->count; i++)
		CHECK(body_cmp(&va[i], &vb[i]) == 0);
}

static void
compare(const struct zsnap *got, const struct zsnap *want)
{
	CHECK(got->records == want->records);
	CHECK(got->nodes == want->nodes);
	CHECK(got->ncuts == want->ncuts);
	CHECK(got->has_soa == want->has_soa && got->serial == want->serial);
	for (size_t n = 0; n < NNAMES; n++) {
		const uint8_t *w = wnames[n];
		size_t len = dname_len(w);

		/* the name and every ancestor down to the apex */
		while (len >= dname_len(apex)) {
			const struct znode *a = zsnap_find(got, w, len);
			const struct znode *b = zsnap_find(want, w, len);

			CHECK((a == NULL) == (b == NULL));
			if (a != NULL) {
				CHECK(a->nrrsets == b->nrrsets);
				CHECK(a->nchildren == b->nchildren);
				CHECK(a->flags == b->flags);
				for (unsigned i = 0; i < a->nrrsets; i++) {
					struct zrrset x, y;

					znode_rrset_at(a, i, &x);
					znode_rrset_at(b, i, &y);
					same_set(&x, &y);
				}
			}
			if (len == dname_len(apex))
				break;
			len -= 1u + w[0];
			w += 1 + w[0];
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	struct zsnap *z, *fresh;
	struct zchange ch[64];
	uint8_t rds[64][DNAME_MAX];
	size_t i = 0;

	if (!init) {
		for (size_t n = 0; n < NNAMES; n++)
			CHECK(dname_from_str(wnames[n], names[n]) > 0);
		CHECK(dname_from_str(apex, "example.org.") > 0);
		memcpy(soa, wnames[0], dname_len(wnames[0]));
		soalen = dname_len(wnames[0]);
		memcpy(soa + soalen, wnames[0], dname_len(wnames[0]));
		soalen += dname_len(wnames[0]);
		memset(soa + soalen, 0, 20);
		soa[soalen + 3] = 1;
		soalen += 20;
		init = true;
	}
	memset(have, 0, sizeof(have));
	/* the initial zone: up to 16 records */
	for (; i < size && i < 16 && data[i] != 0xff; i++)
		have[data[i] % NNAMES][(data[i] / NNAMES) % NTYPES]
		    [(data[i] >> 6) & 3] = true;
	if ((z = build_model()) == NULL)
		return 0;
	/* steps of up to 64 changes, separated by 0xff */
	while (i < size) {
		size_t n = 0;

		i++;
		for (; i + 1 < size && data[i] != 0xff && n < 64; i += 2) {
			size_t nm = data[i] % NNAMES,
			       t = (data[i] / NNAMES) % NTYPES;
			int v = data[i + 1] & 3;
			bool add = (data[i + 1] & 4) != 0;
			uint16_t len;

			rdata_of(types[t], v, rds[n], &len);
			ch[n] = (struct zchange){ add, wnames[nm], types[t], 60,
				rds[n], len };
			have[nm][t][v] = add;
			n++;
		}
		{
			struct zsnap *z2 = zsnap_apply(z, ch, n);

			CHECK(z2 != NULL);
			zsnap_unref(z);
			z = z2;
		}
		fresh = build_model();
		CHECK(fresh != NULL);
		compare(z, fresh);
		zsnap_unref(fresh);
	}
	zsnap_unref(z);
	return 0;
}
