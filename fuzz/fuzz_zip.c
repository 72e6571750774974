/* fuzz_zip.c - export_zip, the reader of the Teams admin center's
 * Calls.Export.<id>.zip, on the input as a zip file (a memfd reached by
 * its /proc path), each .csv member run through the pipeline as main.c
 * does, with output for a terminal.  Oracles: AddressSanitizer on the
 * member names and data; what reaches the terminal is terminal-safe,
 * member names included. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"
#include "export.h"
#include "run.h"

static void zbegin(void *ctx, const char *name)
{
	run_begin(ctx, name, 0, 0);
}

static void zfeed(void *ctx, const char *p, size_t n)
{
	run_feed(ctx, p, n);
}

static void zend(void *ctx)
{
	run_end(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-zip", 0);
	char path[64];
	size_t off = 0;
	struct run_opts o;
	struct run r;
	char *out = NULL;
	size_t outn = 0;
	FILE *fp;

	fuzz_load_patterns();
	diag_quiet(1);
	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fp = open_memstream(&out, &outn);
	memset(&o, 0, sizeof(o));
	o.mode = OUT_ANNOTATED;
	o.summary = SUM_TEXT;
	o.tty = 1;
	o.format = EXPORT_FORMAT;
	run_init(&r, &o, &fz_fs, &fz_kb, fp);
	if (export_is_zip(path))
		(void)export_zip(path, zbegin, zfeed, zend, &r);
	run_finish(&r);
	run_free(&r);
	fclose(fp);
	if (!fz_ignored("zip-name-tty"))
		fz_check_terminal_safe("zip output", out ? out : "", outn);
	free(out);
	close(fd);
	return 0;
}
