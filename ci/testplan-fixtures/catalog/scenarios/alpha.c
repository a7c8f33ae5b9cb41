// SPDX-License-Identifier: MIT
/* Fixture: a catalog file, SUBTEST blocks only, wildcards over memory kinds. */

/**
 * SUBTEST: gpu-read-%s
 * Description: The device reads %arg[1]
 * Functionality: gpu read
 *
 * arg[1]:
 * @malloc: malloc'd memory
 * @stack:  the stack
 */
