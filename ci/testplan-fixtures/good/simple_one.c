// SPDX-License-Identifier: MIT
/* Fixture for ci/testplan-selftest: a simple test (igt_simple_main). */

/**
 * TEST: Simple test
 * Category: Info
 * Functionality: probe
 *
 * SUBTEST:
 * Description: Prints what the device
 *   supports
 */

#include "igt.h"

igt_simple_main
{
}
