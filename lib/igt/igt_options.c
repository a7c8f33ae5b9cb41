/* SPDX-License-Identifier: MIT */
/* The command line every test binary shares, and start-up before the first block. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "igt_device.h"
#include "igt_internal.h"
#include "igt_runnercomms.h"
#include "igt_version.h"

#define IGT_SVM_VERSION "0.1.0"

enum {
	OPT_LIST_SUBTESTS = 500,
	OPT_SHOW_TESTLIST,
	OPT_RUN_SUBTEST,
	OPT_DYNAMIC_SUBTEST,
	OPT_DESCRIBE,
	OPT_HELP_DESCRIPTION,
	OPT_DEBUG,
	OPT_DEVICE,
	OPT_VERSION,
	OPT_HELP = 'h',
};

static const struct option core_options[] = {
	{ "list-subtests", no_argument, NULL, OPT_LIST_SUBTESTS },
	{ "show-testlist", no_argument, NULL, OPT_SHOW_TESTLIST },
	{ "run-subtest", required_argument, NULL, OPT_RUN_SUBTEST },
	{ "dynamic-subtest", required_argument, NULL, OPT_DYNAMIC_SUBTEST },
	{ "describe", optional_argument, NULL, OPT_DESCRIBE },
	{ "help-description", no_argument, NULL, OPT_HELP_DESCRIPTION },
	{ "debug", optional_argument, NULL, OPT_DEBUG },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
};
#define NUM_CORE_OPTIONS (sizeof(core_options) / sizeof(core_options[0]))

static const char *extra_help;

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS]\n"
		"  --list-subtests\n"
		"  --show-testlist\n"
		"  --run-subtest <pattern>\n"
		"  --dynamic-subtest <pattern>\n"
		"  --describe[=<pattern>]\n"
		"  --help-description\n"
		"  --debug[=log-domain]\n"
		"  --device <filter>[;<filter>...]  (drm:PATH, pci:vendor=V,device=D,card=N, sys:PATH)\n"
		"  --version\n"
		"  --help|-h\n", igt_state.test_name);
	if (extra_help)
		fputs(extra_help, f);
}

void igt_usage_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (igt_comms_active()) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		if (f) {
			va_start(ap, fmt);
			vfprintf(f, fmt, ap);
			va_end(ap);
			fputc('\n', f);
			print_usage(f);
			fclose(f);
			igt_comms_log(IGT_COMMS_STDERR, text, len);
			free(text);
		}
		exit(IGT_EXIT_INVALID);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage(stderr);
	exit(IGT_EXIT_INVALID);
}

void igt_format_version(char *buf, size_t len)
{
	struct utsname u;

	uname(&u);
	snprintf(buf, len, "IGT-Version: %s-%s (%s) (%s: %s %s)\n", IGT_SVM_VERSION,
		 IGT_SVM_VERSION_HASH, u.machine, u.sysname, u.release, u.machine);
}

void igt_print_version(FILE *f)
{
	char line[512];

	igt_format_version(line, sizeof(line));
	fputs(line, f);
}

static void set_device_filter(const char *filters, const char *origin)
{
	char why[256];

	if (igt_device_filter_set(filters, why, sizeof(why)))
		igt_usage_error("Malformed device filter in %s: %s", origin, why);
}

/* Ours first, then the test's own; conflicting names are a programming error. */
static struct option *merge_options(const struct option *extra, char *shorts,
				    size_t shorts_len, const char *extra_shorts)
{
	size_t n_extra = 0;
	struct option *all;

	while (extra && extra[n_extra].name)
		n_extra++;
	all = calloc(NUM_CORE_OPTIONS + n_extra + 1, sizeof(*all));
	if (!all)
		abort();
	memcpy(all, core_options, sizeof(core_options));
	for (size_t i = 0; i < n_extra; i++) {
		for (size_t j = 0; j < NUM_CORE_OPTIONS; j++)
			if (!strcmp(extra[i].name, core_options[j].name) ||
			    extra[i].val == core_options[j].val) {
				fprintf(stderr, "test option --%s conflicts with a core option\n",
					extra[i].name);
				abort();
			}
		all[NUM_CORE_OPTIONS + i] = extra[i];
	}
	snprintf(shorts, shorts_len, ":h%s", extra_shorts ? extra_shorts : "");
	return all;
}

static void handle_exit_options(int opt)
{
	switch (opt) {
	case OPT_HELP:
		print_usage(stdout);
		exit(IGT_EXIT_SUCCESS);
	case OPT_VERSION:
		igt_print_version(stdout);
		exit(IGT_EXIT_SUCCESS);
	case OPT_HELP_DESCRIPTION:
		if (__igt_test_description)
			printf("%s\n", __igt_test_description);
		exit(IGT_EXIT_SUCCESS);
	}
}

void igt_parse_options(int *argc, char **argv, const char *extra_short_opts,
		       const struct option *extra_long_opts, const char *help_str,
		       igt_opt_handler_t handler, void *handler_data)
{
	char shorts[64];
	struct option *opts;
	const char *device = getenv("IGT_DEVICE");
	const char *device_origin = "IGT_DEVICE";
	int opt, idx;

	extra_help = help_str;
	opts = merge_options(extra_long_opts, shorts, sizeof(shorts), extra_short_opts);
	opterr = 0;
	while ((opt = getopt_long(*argc, argv, shorts, opts, &idx)) != -1) {
		switch (opt) {
		case OPT_LIST_SUBTESTS:
			/* As in IGT, a --run-subtest given earlier wins. */
			if (!igt_state.run_pattern)
				igt_state.mode = IGT_MODE_LIST;
			break;
		case OPT_SHOW_TESTLIST:
			igt_state.mode = IGT_MODE_TESTLIST;
			break;
		case OPT_RUN_SUBTEST:
			igt_state.run_pattern = optarg;
			break;
		case OPT_DYNAMIC_SUBTEST:
			igt_state.dynamic_pattern = optarg;
			break;
		case OPT_DESCRIBE:
			igt_state.mode = IGT_MODE_DESCRIBE;
			igt_state.describe_pattern = optarg;
			break;
		case OPT_DEBUG:
			igt_log_set_level(IGT_LOG_DEBUG);
			igt_log_set_debug_domain(optarg);
			break;
		case OPT_DEVICE:
			device = optarg;
			device_origin = "--device";
			break;
		case OPT_HELP:
		case OPT_VERSION:
		case OPT_HELP_DESCRIPTION:
			handle_exit_options(opt);
			break;
		case ':':
			igt_usage_error("Option %s needs an argument", argv[optind - 1]);
		case '?':
			igt_usage_error("Unknown option: %s", argv[optind - 1]);
		default:
			if (!handler || handler(opt, idx, handler_data) != IGT_OPT_HANDLER_SUCCESS)
				igt_usage_error("Invalid use of option %s", argv[optind - 1]);
		}
	}
	if (optind < *argc)
		igt_usage_error("Unexpected argument: %s", argv[optind]);
	free(opts);
	if (device)
		set_device_filter(device, device_origin);
}

static void common_start(void)
{
	int fd;

	igt_kmsg("%s: executing", igt_state.test_name);
	if (igt_comms_active()) {
		char version[512];

		igt_format_version(version, sizeof(version));
		igt_comms_version(version);
	} else {
		igt_print_version(stdout);
	}
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	/* Under memory pressure the OOM killer should pick the test, not the system. */
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1000", 4) < 0)
			igt_debug("could not raise oom_score_adj\n");
		close(fd);
	}
	igt_install_signal_handlers();
}

static void common_init(int *argc, char **argv, bool simple,
			const char *extra_short_opts,
			const struct option *extra_long_opts, const char *help_str,
			igt_opt_handler_t handler, void *handler_data)
{
	const char *slash = strrchr(argv[0], '/');

	setvbuf(stdout, NULL, _IOLBF, 0);
	igt_state.test_name = slash ? slash + 1 : argv[0];
	igt_state.simple = simple;
	igt_state.sentinel_on_stderr = getenv("IGT_SENTINEL_ON_STDERR") != NULL;
	igt_state.report_fixture_skips = getenv("IGT_REPORT_FIXTURE_SKIPS") != NULL;
	/* Bold result lines are for people watching a terminal. */
	igt_state.plain_output = getenv("IGT_PLAIN_OUTPUT") || !isatty(STDOUT_FILENO);
	errno = 0;
	clock_gettime(CLOCK_MONOTONIC, &igt_state.start);
	igt_mark_main_thread();
	/* Before anything can be logged, as a message may already need it. */
	igt_comms_init();
	igt_log_init();
	igt_parse_options(argc, argv, extra_short_opts, extra_long_opts, help_str,
			  handler, handler_data);
}

void igt_subtest_init_parse_opts(int *argc, char **argv,
				 const char *extra_short_opts,
				 const struct option *extra_long_opts,
				 const char *help_str,
				 igt_opt_handler_t handler, void *handler_data)
{
	common_init(argc, argv, false, extra_short_opts, extra_long_opts,
		    help_str, handler, handler_data);
	if (igt_state.mode == IGT_MODE_DESCRIBE && __igt_test_description)
		printf("%s\n", __igt_test_description);
	if (igt_state.mode == IGT_MODE_RUN)
		common_start();
}

void igt_simple_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t handler, void *handler_data)
{
	common_init(argc, argv, true, extra_short_opts, extra_long_opts,
		    help_str, handler, handler_data);
	switch (igt_state.mode) {
	case IGT_MODE_LIST:
		/* igt_runner reads exit 79 with no output as "no subtests". */
		exit(IGT_EXIT_INVALID);
	case IGT_MODE_TESTLIST:
		printf("igt@%s\n", igt_state.test_name);
		exit(IGT_EXIT_SUCCESS);
	case IGT_MODE_DESCRIBE:
		if (__igt_test_description)
			printf("%s\n", __igt_test_description);
		exit(IGT_EXIT_SUCCESS);
	case IGT_MODE_RUN:
		break;
	}
	if (igt_state.run_pattern)
		igt_usage_error("%s has no subtests; --run-subtest is invalid",
				igt_state.test_name);
	common_start();
}
