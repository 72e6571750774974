/* input.h - a byte source over a file or stdin: plain bytes pass through,
 * gzip (detected by its magic bytes, every concatenated member) is inflated. */
#ifndef SIPWHY_INPUT_H
#define SIPWHY_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct input;

/* Opens PATH ("-" is stdin).  NULL with the diagnostic issued on failure. */
struct input *input_open(const char *path);
/* Wraps an open descriptor; NAME is used in diagnostics.  Takes the fd. */
struct input *input_fdopen(int fd, const char *name);
/* Reads up to CAP decompressed bytes: > 0 bytes, 0 at the end, -1 after a
 * read or decompression error (diagnostic issued; bytes before the damage
 * were returned by earlier calls). */
ssize_t input_read(struct input *in, char *buf, size_t cap);
/* The next bytes, read ahead by a second thread once input_read_ahead has
 * started it (else read here): > 0 bytes at *P, valid until the next call,
 * 0 at the end, -1 after an error.  Diagnostics of the reads come out when
 * their bytes are handed over, so they keep their place in stderr. */
ssize_t input_next(struct input *in, const char **p);
/* The offsets of the line breaks in the chunk input_next gave last, found
 * by the reader thread (N of them); NULL without one. */
const uint32_t *input_breaks(const struct input *in, size_t *n);
/* Starts the reader thread: for regular files, whose reads never wait on
 * a writer.  Use input_next, not input_read, afterwards.  0 or -1. */
int input_read_ahead(struct input *in);
const char *input_name(const struct input *in);
int input_is_gzip(const struct input *in);
uint64_t input_raw_bytes(const struct input *in); /* bytes read from the fd */
int input_fd(const struct input *in);
/* Where the bytes handed over begin in the file, when they are the
 * file's own (a regular file, neither gzip nor UTF-16: decided by the
 * first read); else -1.  They can then be read again with pread. */
off_t input_verbatim(const struct input *in);
void input_close(struct input *in);

#endif
