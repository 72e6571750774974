/* fuzz_input.c - input_fdopen over a memfd or a pipe holding the bytes,
 * as they are (plain, or whatever gzip-looking data the fuzzer made), or
 * made into gzip by the harness: valid, truncated, followed by junk, two
 * members, or with a byte flipped.  input_read is called with a fuzzer-
 * chosen capacity, or (mode bit 0x40) the reader thread reads ahead and
 * input_next hands its slots over.  Or the bytes made into UTF-16 (either
 * order, with a byte-order mark or not).  Oracles: plain data and valid
 * gzip come back byte for byte without error (unless their first bytes
 * look like UTF-16); a truncated gzip ends in an error after a prefix of
 * the data; junk after a member is ignored with the data intact; UTF-16
 * comes back as glibc's iconv converts it, when iconv can. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "common.h"
#include "input.h"
#include "utf16.h"

static void gz(struct buf *out, const uint8_t *p, size_t n, int level)
{
	z_stream zs;
	unsigned char tmp[4096];
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	                 Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (unsigned char *)p;
	zs.avail_in = (uInt)n;
	do {
		zs.next_out = tmp;
		zs.avail_out = sizeof(tmp);
		ret = deflate(&zs, Z_FINISH);
		buf_add(out, tmp, sizeof(tmp) - zs.avail_out);
	} while (ret == Z_OK || (ret == Z_BUF_ERROR && zs.avail_out == 0));
	if (ret != Z_STREAM_END)
		abort();
	deflateEnd(&zs);
}

/* P[0..N) in ORDER as UTF-8 by iconv: 0, or -1 when iconv refuses it (an
 * unpaired surrogate, an odd length). */
static int by_iconv(const char *p, size_t n, int order, struct buf *out)
{
	iconv_t cd =
	    iconv_open("UTF-8", order == UTF16_LE ? "UTF-16LE" : "UTF-16BE");
	char *in = (char *)p, tmp[4096];
	size_t left = n;
	int rc = 0;

	if (cd == (iconv_t)-1)
		abort();
	while (left > 0) {
		char *o = tmp;
		size_t room = sizeof(tmp);
		size_t r = iconv(cd, &in, &left, &o, &room);

		buf_add(out, tmp, sizeof(tmp) - room);
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = -1;
			break;
		}
	}
	iconv_close(cd);
	return rc;
}

/* Whether some first bytes of P[0..N), as input reads them, make it
 * UTF-16: a mark, or 8 units of ASCII (so its first 16 bytes). */
static int looks_utf16(const char *p, size_t n)
{
	size_t bom;

	return utf16_detect((const unsigned char *)p, n < 16 ? n : 16, &bom) !=
	       UTF16_NONE;
}

/* An fd from which BYTES can be read: a memfd, or a pipe already filled
 * and closed at the writing end. */
static int source(const char *p, size_t n, int use_pipe)
{
	int fd, pf[2];
	size_t off = 0;

	if (use_pipe && pipe(pf) == 0) {
		int cap = fcntl(pf[1], F_SETPIPE_SZ, 1 << 20);

		if (cap > 0 && (size_t)cap >= n) {
			while (off < n) {
				ssize_t w = write(pf[1], p + off, n - off);

				if (w <= 0)
					abort();
				off += (size_t)w;
			}
			close(pf[1]);
			return pf[0];
		}
		close(pf[0]);
		close(pf[1]);
	}
	fd = memfd_create("fuzz-input", 0);
	if (fd < 0)
		abort();
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = {data, size};
	unsigned mode = fz_byte(&f);
	unsigned use_pipe = mode & 0x80, ahead = mode & 0x40;
	size_t cap = 1 + fz_u16(&f) % 70000;
	unsigned aux = fz_u16(&f);
	const uint8_t *payload;
	size_t plen;
	struct buf file = {0}, got = {0};
	char *chunk;
	struct input *in;
	ssize_t r;
	int err = 0, fd;

	mode &= 0x3f;
	mode %= 7;
	payload = f.p;
	plen = f.n;
	switch (mode) {
	case 0: /* the bytes as they are */
		buf_add(&file, payload, plen);
		break;
	case 1: /* valid gzip */
	case 2: /* truncated gzip */
	case 3: /* gzip, then junk */
	case 5: /* gzip with a byte changed */
		if (mode == 3) {
			plen = f.n / 2;
		}
		gz(&file, payload, plen, (int)(aux % 10));
		if (mode == 2)
			file.len = file.len > 1 ? aux % file.len : 0;
		if (mode == 3)
			buf_add(&file, f.p + plen, f.n - plen);
		if (mode == 5 && file.len > 10)
			file.p[10 + aux % (file.len - 10)] ^=
			    (char)(1 + (aux >> 8) % 255);
		break;
	case 6: /* UTF-16: the payload's byte pairs as its units */
		if (aux & 1)
			buf_add(&file, aux & 2 ? "\xff\xfe" : "\xfe\xff", 2);
		if (aux & 2)
			buf_add(&file, payload, plen);
		else /* big-endian: the pairs turned round */
			for (size_t i = 0; i + 1 < plen; i += 2) {
				buf_addc(&file, (char)payload[i + 1]);
				buf_addc(&file, (char)payload[i]);
			}
		break;
	case 4: { /* two members */
		size_t cut = plen ? aux % (plen + 1) : 0;

		gz(&file, payload, cut, 6);
		gz(&file, payload + cut, plen - cut, 1);
		break;
	}
	}
	fd = source(file.p ? file.p : "", file.len, use_pipe != 0);
	in = input_fdopen(fd, "fuzz.gz");
	chunk = malloc(cap);
	if (chunk == NULL)
		abort();
	if (ahead && input_read_ahead(in) == 0) {
		const char *p;

		while ((r = input_next(in, &p)) > 0) {
			buf_add(&got, p, (size_t)r);
			FUZZ_CHECK(got.len <= 64 * file.len + (1 << 20),
			           "decompressed output grows without end");
		}
		if (r < 0)
			err = 1;
		r = input_next(in, &p);
		FUZZ_CHECK(r <= 0, "input_next gave %zd bytes after the end",
		           r);
	} else {
		while ((r = input_read(in, chunk, cap)) > 0) {
			FUZZ_CHECK((size_t)r <= cap, "read %zd bytes into %zu",
			           r, cap);
			buf_add(&got, chunk, (size_t)r);
			FUZZ_CHECK(got.len <= 64 * file.len + (1 << 20),
			           "decompressed output grows without end");
		}
		if (r < 0)
			err = 1;
		/* reading again after the end or an error stays there */
		r = input_read(in, chunk, cap);
		FUZZ_CHECK(r <= 0, "input_read gave %zd bytes after the end",
		           r);
	}
	if (mode == 0 && looks_utf16(file.p, file.len))
		mode = 6; /* bytes that look like UTF-16: checked as such */
	else if (mode != 6 && looks_utf16((const char *)payload, plen))
		mode = 99; /* gzip of UTF-16: decoded, not the payload */
	switch (mode) {
	case 0:
		if (file.len < 2 || (unsigned char)file.p[0] != 0x1f ||
		    (unsigned char)file.p[1] != 0x8b)
			FUZZ_CHECK(!err && got.len == file.len &&
			               (got.len == 0 ||
			                memcmp(got.p, file.p, got.len) == 0),
			           "plain bytes changed");
		break;
	case 1:
	case 4:
		FUZZ_CHECK(!err && got.len == plen &&
		               (plen == 0 || memcmp(got.p, payload, plen) == 0),
		           "valid gzip (mode %u) not read back: err %d, %zu of "
		           "%zu bytes",
		           mode, err, got.len, plen);
		break;
	case 2:
		if (file.len >= 2) {
			FUZZ_CHECK(err,
			           "truncated gzip (%zu bytes) not "
			           "reported",
			           file.len);
			FUZZ_CHECK(got.len <= plen &&
			               (got.len == 0 ||
			                memcmp(got.p, payload, got.len) == 0),
			           "truncated gzip: output not a prefix");
		}
		break;
	case 3: {
		size_t jl = f.n - plen;
		const uint8_t *j = f.p + plen;

		if (jl == 0 || j[0] != 0x1f)
			FUZZ_CHECK(!err && got.len == plen &&
			               (plen == 0 ||
			                memcmp(got.p, payload, plen) == 0),
			           "gzip then %zu bytes of junk: err %d, %zu "
			           "of %zu bytes",
			           jl, err, got.len, plen);
		break;
	}
	case 6: {
		size_t bom;
		int order = utf16_detect((const unsigned char *)file.p,
		                         file.len < 64 ? file.len : 64, &bom);
		struct buf want = {0};

		if (file.len >= 2 && (unsigned char)file.p[0] == 0x1f &&
		    (unsigned char)file.p[1] == 0x8b)
			break; /* read as gzip */
		if (order == UTF16_NONE) {
			FUZZ_CHECK(!err && got.len == file.len &&
			               (got.len == 0 ||
			                memcmp(got.p, file.p, got.len) == 0),
			           "bytes not UTF-16 changed");
		} else if (by_iconv(file.p + bom, file.len - bom, order,
		                    &want) == 0) {
			FUZZ_CHECK(!err && got.len == want.len &&
			               (got.len == 0 ||
			                memcmp(got.p, want.p, got.len) == 0),
			           "UTF-16 (%s, mark %zu) read otherwise than "
			           "iconv reads it: %zu bytes, iconv %zu",
			           order == UTF16_LE ? "LE" : "BE", bom,
			           got.len, want.len);
		}
		buf_free(&want);
		break;
	}
	}
	input_close(in);
	free(chunk);
	buf_free(&file);
	buf_free(&got);
	return 0;
}
