/* SPDX-License-Identifier: MIT */
/*
 * Subtest name matching as igt_runner users write it: RFC 3977 wildmat, i.e.
 * a comma-separated list of glob patterns (*, ?, [set], [^set], \x), where
 * a leading '!' negates and the last pattern that matches decides.
 */
#include <stdbool.h>
#include <string.h>

#include "igt_internal.h"

/* Matches a bracket set at *pp against c; advances *pp past the ']'. */
static bool match_set(const char **pp, char c)
{
	const char *p = *pp + 1;
	bool negate = false, found = false;

	if (*p == '^' || *p == '!') {
		negate = true;
		p++;
	}
	/* A ']' right after the opening bracket is a literal. */
	if (*p == ']') {
		found |= c == ']';
		p++;
	}
	for (; *p && *p != ']'; p++) {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			found |= c >= p[0] && c <= p[2];
			p += 2;
		} else {
			found |= c == *p;
		}
	}
	*pp = *p ? p + 1 : p;
	return found != negate;
}

/* Glob match of name against pattern[0..len). */
static bool glob(const char *pat, const char *end, const char *name)
{
	while (pat < end) {
		switch (*pat) {
		case '*':
			while (pat < end && *pat == '*')
				pat++;
			if (pat == end)
				return true;
			for (; *name; name++)
				if (glob(pat, end, name))
					return true;
			return false;
		case '?':
			if (!*name)
				return false;
			pat++;
			name++;
			break;
		case '[':
			if (!*name || !match_set(&pat, *name))
				return false;
			name++;
			break;
		case '\\':
			if (pat + 1 < end)
				pat++;
			/* fall through */
		default:
			if (*pat != *name)
				return false;
			pat++;
			name++;
		}
	}
	return !*name;
}

bool igt_wildmat_list(const char *name, const char *patterns)
{
	bool result = false;
	const char *p = patterns;

	while (*p) {
		const char *end = strchr(p, ',');
		bool negate = *p == '!';

		if (!end)
			end = p + strlen(p);
		if (glob(p + negate, end, name))
			result = !negate;
		p = *end ? end + 1 : end;
	}
	return result;
}
