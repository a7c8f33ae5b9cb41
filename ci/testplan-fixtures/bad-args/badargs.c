// SPDX-License-Identifier: MIT
/* Fixture for ci/testplan-selftest: wildcards and tables that do not match. */

/**
 * TEST: Bad arg tables
 * Functionality: none
 */

/**
 * SUBTEST: no-table-%s
 * Description: Its wildcard has no arg[1] table
 */

/**
 * SUBTEST: count-%d
 * Description: %arg[1] pages, %arg[2] times
 *
 * arg[1].values: 2, many
 *
 * arg[3]:
 * @x: never used
 */

igt_main
{
}
