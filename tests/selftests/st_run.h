/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct st_buf {
	char *data;
	size_t len, cap;
};

struct st_result {
	struct st_buf out, err;
	int status;		/* exit code, or -signal */
	bool timed_out;
};

/* Runs @path with @args (NULL-terminated) and extra "K=V" @env entries. */
int st_run(const char *path, const char *const *args, const char *const *env,
	   int timeout_s, struct st_result *r);
void st_normalise(struct st_buf *b);
void st_buf_free(struct st_buf *b);
