/* main.c - options, the knowledge and format directories, and the loop
 * over inputs.  No stage knows who consumes it; this file wires them. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "explain.h"
#include "export.h"
#include "follow.h"
#include "format.h"
#include "import.h"
#include "json.h"
#include "input.h"
#include "kb.h"
#include "run.h"
#include "util.h"

#ifndef SIPWHY_VERSION
#define SIPWHY_VERSION "0.1"
#endif
#ifndef SIPWHY_DATADIR
#define SIPWHY_DATADIR "/usr/local/share/sipwhy/patterns"
#endif

static int this_year(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static void usage(FILE *fp)
{
	/* the man page's synopsis, in its order */
	fputs("usage: sipwhy [-q] [-o annotated|failures|json|summary]\n"
	      "              [-s text|markdown|json|none] [-F format] "
	      "[-K dir] [--year YYYY]\n"
	      "              [--color=auto|always|never] [-f [--from-start]]"
	      "\n"
	      "              [--summary-every secs] [--since time] "
	      "[--until time]\n"
	      "              [--status list] [--ms-code list] [--peer text] "
	      "[--kind list]\n"
	      "              [--call id] [file ...]\n"
	      "       sipwhy explain code|phrase ...\n"
	      "       sipwhy [-K dir] kb check [dir ...]\n"
	      "       sipwhy kb import article.md ...\n"
	      "       sipwhy [-s summary] merge summary.json ...\n"
	      "       sipwhy formats\n"
	      "       sipwhy -h | -V\n",
	      fp);
}

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The shipped patterns: the installed directory; else, for a relocated
 * install, ../share/sipwhy/patterns from the executable; else patterns/
 * beside the executable when it runs from its build tree. */
static char *shipped_dir(void)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;
	struct buf b = {0};

	if (is_dir(SIPWHY_DATADIR))
		return xstrdup(SIPWHY_DATADIR);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			buf_printf(&b, "%s/../share/sipwhy/patterns", exe);
			if (is_dir(b.p))
				return b.p;
			buf_clear(&b);
			buf_printf(&b, "%s/patterns", exe);
			if (is_dir(b.p))
				return b.p;
			buf_free(&b);
		}
	}
	return NULL;
}

static int load_dir(const char *dir, struct formats *fs, struct kb *kb,
                    int required)
{
	struct buf f = {0};
	int rc = 0;

	if (!is_dir(dir)) {
		if (required)
			diag_say("%s: error: not a directory", dir);
		return required ? -1 : 0;
	}
	if (kb_load_dir(kb, dir) < 0)
		rc = -1;
	buf_printf(&f, "%s/formats", dir);
	if (is_dir(f.p) && formats_load_dir(fs, f.p) < 0)
		rc = -1;
	buf_free(&f);
	return rc;
}

static int load_patterns(const char **user, size_t nuser, struct formats *fs,
                         struct kb *kb)
{
	char *ship = shipped_dir();
	const char *env = getenv("SIPWHY_PATTERNS");
	size_t i;
	int rc = 0;

	if (ship == NULL && nuser == 0 && (env == NULL || *env == '\0')) {
		diag_say("error: cannot find the patterns directory (looked "
		         "in %s and beside the program); use -K DIR or "
		         "SIPWHY_PATTERNS",
		         SIPWHY_DATADIR);
		return -1;
	}
	if (ship && load_dir(ship, fs, kb, 1) < 0)
		rc = -1;
	free(ship);
	if (env && *env) {
		char *copy = xstrdup(env), *s, *save = NULL;

		for (s = strtok_r(copy, ":", &save); s;
		     s = strtok_r(NULL, ":", &save))
			if (load_dir(s, fs, kb, 1) < 0)
				rc = -1;
		free(copy);
	}
	for (i = 0; i < nuser; i++)
		if (load_dir(user[i], fs, kb, 1) < 0)
			rc = -1;
	if (rc == 0 && fs->n == 0) {
		diag_say("error: no log formats were loaded");
		rc = -1;
	}
	return rc;
}

/* sipwhy kb check [DIR...]: every table and format of DIR, or of every
 * directory sipwhy would load, read strictly. */
static int cmd_kb_check(int ndirs, char **dirs, const char **user, size_t nuser)
{
	const char **list = NULL;
	size_t n = 0, i;
	int rc = 0, nfiles = 0;
	char *ship = NULL;

	if (ndirs > 0) {
		for (i = 0; i < (size_t)ndirs; i++) {
			list = xrealloc(list, (n + 1) * sizeof(*list));
			list[n++] = dirs[i];
		}
	} else {
		const char *env = getenv("SIPWHY_PATTERNS");

		ship = shipped_dir();
		if (ship) {
			list = xrealloc(list, (n + 1) * sizeof(*list));
			list[n++] = ship;
		}
		if (env && *env) {
			char *copy = xstrdup(env), *s, *save = NULL;

			/* the copy lives until exit: list points into it */
			for (s = strtok_r(copy, ":", &save); s;
			     s = strtok_r(NULL, ":", &save)) {
				list = xrealloc(list, (n + 1) * sizeof(*list));
				list[n++] = s;
			}
		}
		for (i = 0; i < nuser; i++) {
			list = xrealloc(list, (n + 1) * sizeof(*list));
			list[n++] = user[i];
		}
	}
	for (i = 0; i < n; i++) {
		struct kb kb;
		struct formats fs = {0};
		struct buf f = {0};
		int before = nfiles;

		memset(&kb, 0, sizeof(kb));
		if (!is_dir(list[i])) {
			diag_say("%s: error: not a directory", list[i]);
			rc = 1;
			continue;
		}
		if (kb_check_dir(&kb, list[i], &nfiles) < 0)
			rc = 1;
		buf_printf(&f, "%s/formats", list[i]);
		if (is_dir(f.p)) {
			if (formats_load_dir(&fs, f.p) < 0)
				rc = 1;
			nfiles += (int)fs.n;
		}
		printf("%s: %d files checked\n", list[i], nfiles - before);
		buf_free(&f);
		formats_free(&fs);
		kb_free(&kb);
	}
	if (n == 0) {
		diag_say("kb check: no patterns directory");
		rc = 2;
	}
	printf("kb check: %s\n",
	       rc ? "problems found (see above)" : "no problems");
	free(list);
	free(ship);
	return rc;
}

/* sipwhy merge: the summary of several runs' JSON summaries, as one run
 * over all their inputs would have written it. */
static int cmd_merge(struct run *r, int n, char **files)
{
	int i, rc = 0;

	for (i = 0; i < n; i++) {
		FILE *fp =
		    strcmp(files[i], "-") ? fopen(files[i], "rb") : stdin;
		char *line = NULL, *found = NULL;
		size_t cap = 0;
		ssize_t len;
		struct jv *v;
		struct buf why = {0};
		char err[128];

		if (fp == NULL) {
			diag_error(files[i], "cannot open: %s",
			           strerror(errno));
			rc = 2;
			continue;
		}
		/* the last summary object: alone, the last line of -o json,
		   or on a marker line after a log */
		while ((len = getline(&line, &cap, fp)) > 0) {
			char *p = line;

			if (strncmp(p, MARKER " ", strlen(MARKER) + 1) == 0)
				p += strlen(MARKER) + 1;
			if (strncmp(p, "{\"event\":\"summary\"", 18) == 0) {
				free(found);
				found = xstrdup(p);
			}
		}
		free(line);
		if (fp != stdin)
			fclose(fp);
		if (found == NULL) {
			diag_error(files[i], "no JSON summary (write one with "
			                     "-o summary -s json)");
			rc = 2;
			continue;
		}
		v = json_parse(found, strlen(found), err, sizeof(err));
		if (v == NULL || summary_merge_json(r->sum, v, &why) < 0) {
			diag_error(files[i], "not a sipwhy summary: %s",
			           v ? why.p : err);
			rc = 2;
		}
		buf_free(&why);
		json_free(v);
		free(found);
	}
	run_summary(r);
	if (rc)
		return rc;
	return summary_totals(r->sum)->failed +
	               summary_totals(r->sum)->canceled +
	               summary_totals(r->sum)->timeout +
	               summary_totals(r->sum)->dropped
	           ? 1
	           : 0;
}

/* sipwhy --call ID FILE...: two passes, so the inputs must be files. */
static int cmd_call(const struct run_opts *o, const struct formats *fs,
                    const struct kb *kb, const char *id, int n, char **files)
{
	struct story *st = story_new(id);
	struct run r;
	int pass, i, rc;
	FILE *null = fopen("/dev/null", "w");

	if (n == 0) {
		diag_say("--call reads its inputs twice: give files, "
		         "not the standard input");
		story_free(st);
		if (null)
			fclose(null);
		return 2;
	}
	for (pass = 1; pass <= 2; pass++) {
		run_init(&r, o, fs, kb, null ? null : stdout);
		r.story = st;
		r.story_pass = pass;
		for (i = 0; i < n; i++) {
			struct input *in;

			if (strcmp(files[i], "-") == 0) {
				diag_say("--call: the standard input "
				         "cannot be read twice");
				continue;
			}
			if ((in = input_open(files[i])) == NULL)
				continue;
			if (pass == 2)
				diag_quiet(1); /* said on the first pass */
			run_input(&r, in);
			input_close(in);
		}
		run_finish(&r); /* the call's INVITE may have timed out */
		rc = r.story_failed;
		run_free(&r);
	}
	if (null)
		fclose(null);
	if (story_print(st, stdout, o->summary == SUM_MARKDOWN) == 0) {
		diag_say("no message of the call %s was found", id);
		story_free(st);
		return 2;
	}
	story_free(st);
	fflush(stdout);
	return diag_errors() ? 2 : rc ? 1 : 0;
}

static int cmd_formats(const struct formats *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		printf("%-22s %s\n", fs->v[i]->name, fs->v[i]->description);
	printf("%-22s %s\n", EXPORT_FORMAT,
	       "Teams admin center Direct Routing export (CSV, or the zip "
	       "holding it; built in)");
	return 0;
}

static void zip_begin(void *ctx, const char *name)
{
	run_begin(ctx, name, 0, 0);
}

static void zip_feed(void *ctx, const char *p, size_t n)
{
	run_feed(ctx, p, n);
}

static void zip_end(void *ctx)
{
	run_end(ctx);
}

/* Calls.Export.<id>.zip: each CSV member is an input of its own. */
static void zip_input(struct run *r, const char *path)
{
	export_zip(path, zip_begin, zip_feed, zip_end, r);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"summary", required_argument, NULL, 's'},
	    {"format", required_argument, NULL, 'F'},
	    {"patterns", required_argument, NULL, 'K'},
	    {"color", required_argument, NULL, 'C'},
	    {"colour", required_argument, NULL, 'C'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"year", required_argument, NULL, 'Y'},
	    {"follow", no_argument, NULL, 'f'},
	    {"since", required_argument, NULL, 1001},
	    {"until", required_argument, NULL, 1002},
	    {"status", required_argument, NULL, 1003},
	    {"ms-code", required_argument, NULL, 1004},
	    {"peer", required_argument, NULL, 1005},
	    {"kind", required_argument, NULL, 1006},
	    {"call", required_argument, NULL, 1007},
	    {"from-start", no_argument, NULL, 'B'},
	    {"summary-every", required_argument, NULL, 'E'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0}};
	struct run_opts o;
	struct formats fs = {0};
	struct kb kb;
	struct run r;
	const char **user = NULL;
	size_t nuser = 0;
	const char *color = "auto", *nocolor;
	int c, i, status, summary_set = 0, follow = 0;
	const char *call = NULL;
	struct follow_opts fo = {0, 0, 500};
	struct stat st;
	static char outbuf[1 << 20];

	memset(&o, 0, sizeof(o));
	memset(&kb, 0, sizeof(kb));
	o.mode = OUT_ANNOTATED;
	o.summary = SUM_TEXT;
	while ((c = getopt_long(argc, argv, "+o:s:F:K:fqhV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'o':
			if (strcmp(optarg, "annotated") == 0)
				o.mode = OUT_ANNOTATED;
			else if (strcmp(optarg, "failures") == 0)
				o.mode = OUT_FAILURES;
			else if (strcmp(optarg, "json") == 0)
				o.mode = OUT_JSON;
			else if (strcmp(optarg, "summary") == 0)
				o.mode = OUT_SUMMARY;
			else {
				diag_say("-o: unknown output '%s'", optarg);
				usage(stderr);
				return 2;
			}
			break;
		case 's':
			summary_set = 1;
			if (strcmp(optarg, "text") == 0)
				o.summary = SUM_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o.summary = SUM_JSON;
			else if (strcmp(optarg, "markdown") == 0 ||
			         strcmp(optarg, "md") == 0)
				o.summary = SUM_MARKDOWN;
			else if (strcmp(optarg, "none") == 0)
				o.summary = SUM_NONE;
			else {
				diag_say("-s: unknown summary '%s'", optarg);
				usage(stderr);
				return 2;
			}
			break;
		case 'F':
			o.format = optarg;
			break;
		case 'K':
			user = xrealloc(user, (nuser + 1) * sizeof(*user));
			user[nuser++] = optarg;
			break;
		case 'C':
			color = optarg;
			if (strcmp(color, "auto") && strcmp(color, "always") &&
			    strcmp(color, "never")) {
				fprintf(
				    stderr,
				    "%s: --color: use auto, always or never\n",
				    progname);
				return 2;
			}
			break;
		case 'q':
			diag_quiet(1);
			break;
		case 'f':
			follow = 1;
			break;
		case 1001:
		case 1002:
			/* a log stamp without a year takes this year (or
			   --year, given before) */
			if (filter_time(optarg, o.year ? o.year : this_year(),
			                c == 1001 ? &o.filter.since
			                          : &o.filter.until) < 0) {
				diag_say("--%s: give a time such as "
				         "2025-11-21T08:31:27 or 'Nov 21 "
				         "08:31:27'",
				         c == 1001 ? "since" : "until");
				return 2;
			}
			break;
		case 1003:
		case 1004:
		case 1006:
			if (filter_list(&o.filter,
			                c == 1003   ? 's'
			                : c == 1004 ? 'm'
			                            : 'k',
			                optarg) < 0) {
				diag_say("--%s: %s",
				         c == 1003   ? "status"
				         : c == 1004 ? "ms-code"
				                     : "kind",
				         c == 1003
				             ? "give statuses or classes, "
				               "such as 4xx,503"
				         : c == 1004 ? "give Microsoft codes, "
				                       "such as 560487,10037"
				                     : "give failed, canceled, "
				                       "timeout or dropped");
				return 2;
			}
			break;
		case 1005:
			o.filter.peer = optarg;
			break;
		case 1007:
			call = optarg;
			break;
		case 'B':
			fo.from_start = 1;
			break;
		case 'E': {
			char *e;
			long v = strtol(optarg, &e, 10);

			if (*e || v < 1 || v > 86400) {
				diag_say("--summary-every: give seconds, "
				         "1 to 86400");
				return 2;
			}
			fo.summary_every = (int)v;
			break;
		}
		case 'Y': {
			char *e;
			long y = strtol(optarg, &e, 10);

			if (*e || y < 1970 || y > 9999) {
				fprintf(
				    stderr,
				    "%s: --year: give a year such as 2025\n",
				    progname);
				return 2;
			}
			o.year = (int)y;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("sipwhy %s\n", SIPWHY_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (o.mode == OUT_SUMMARY && o.summary == SUM_NONE) {
		diag_say("-o summary with -s none prints nothing");
		return 2;
	}
	if (call && follow) {
		diag_say("--call reads whole files twice: it cannot follow "
		         "(-f)");
		return 2;
	}
	if (o.mode == OUT_JSON && summary_set &&
	    (o.summary == SUM_TEXT || o.summary == SUM_MARKDOWN)) {
		/* JSON Lines stay JSON: a summary asked for in text would not
		   be the one written */
		diag_say("-o json ends with a JSON summary; use -s json or "
		         "-s none");
		return 2;
	}
	o.tty = isatty(STDOUT_FILENO);
	/* NO_COLOR, set and not empty, turns off the default colour;
	   --color=always still asks for it (no-color.org) */
	nocolor = getenv("NO_COLOR");
	o.color = strcmp(color, "always") == 0 ||
	          (strcmp(color, "auto") == 0 && o.tty &&
	           (nocolor == NULL || *nocolor == '\0'));
	if (optind + 1 < argc && strcmp(argv[optind], "kb") == 0 &&
	    strcmp(argv[optind + 1], "check") == 0) {
		status = cmd_kb_check(argc - optind - 2, argv + optind + 2,
		                      user, nuser);
		free(user);
		return status;
	}
	if (optind + 1 < argc && strcmp(argv[optind], "kb") == 0 &&
	    strcmp(argv[optind + 1], "import") == 0) {
		free(user);
		if (optind + 2 == argc) {
			diag_say("kb import: give the article files "
			         "(Markdown)");
			return 2;
		}
		status = import_articles(argc - optind - 2, argv + optind + 2,
		                         stdout);
		fflush(stdout);
		return status;
	}
	if (optind < argc && strcmp(argv[optind], "kb") == 0) {
		diag_say("kb: use 'sipwhy kb check [dir ...]' or 'sipwhy kb "
		         "import article.md ...'");
		free(user);
		return 2;
	}
	if (load_patterns(user, nuser, &fs, &kb) < 0) {
		free(user);
		formats_free(&fs);
		kb_free(&kb);
		return 2;
	}
	free(user);
	if (optind < argc && strcmp(argv[optind], "explain") == 0) {
		if (optind + 1 == argc) {
			diag_say("explain: give a code, such as 560487, "
			         "480, q850:31, 480/10037 or a phrase");
			status = 2;
		} else {
			status = explain_args(&kb, argc - optind - 1,
			                      argv + optind + 1, stdout);
		}
		formats_free(&fs);
		kb_free(&kb);
		return status;
	}
	if (optind < argc && strcmp(argv[optind], "merge") == 0) {
		if (o.summary == SUM_NONE) {
			diag_say("merge: -s none prints nothing");
			return 2;
		}
		o.mode = OUT_SUMMARY;
		run_init(&r, &o, &fs, &kb, stdout);
		status = cmd_merge(&r, argc - optind - 1, argv + optind + 1);
		run_free(&r);
		formats_free(&fs);
		kb_free(&kb);
		return status;
	}
	if (optind < argc && strcmp(argv[optind], "formats") == 0) {
		status = cmd_formats(&fs);
		formats_free(&fs);
		kb_free(&kb);
		return status;
	}
	if (o.format && formats_find(&fs, o.format) == NULL &&
	    strcmp(o.format, EXPORT_FORMAT) != 0) {
		diag_say("-F: unknown format '%s' (see 'sipwhy formats')",
		         o.format);
		formats_free(&fs);
		kb_free(&kb);
		return 2;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (call) {
		status =
		    cmd_call(&o, &fs, &kb, call, argc - optind, argv + optind);
		formats_free(&fs);
		kb_free(&kb);
		return status;
	}
	run_init(&r, &o, &fs, &kb, stdout);
	r.names = argc - optind > 1;
	follow_signals();
	if (follow ||
	    (optind == argc && fstat(0, &st) == 0 && !S_ISREG(st.st_mode))) {
		/* live: files followed like tail -F, or a pipe on stdin read
		   as it comes, each annotation written when it is due */
		follow_run(&r, argc - optind, argv + optind, &fo);
		optind = argc;
	} else if (optind == argc) {
		struct input *in = input_open("-");

		run_input(&r, in);
		input_close(in);
	}
	for (i = optind; i < argc && !follow_stop; i++) {
		struct input *in;

		if (strcmp(argv[i], "-") != 0 && export_is_zip(argv[i])) {
			zip_input(&r, argv[i]);
			continue;
		}
		in = input_open(argv[i]);

		if (in == NULL)
			continue;
		run_input(&r, in);
		input_close(in);
	}
	run_finish(&r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			diag_error(NULL, "write error: %s", strerror(errno));
	}
	status = run_status(&r);
	run_free(&r);
	formats_free(&fs);
	kb_free(&kb);
	return status;
}
