// SPDX-License-Identifier: MIT
/* Fixture: a catalog file whose subtest inherits the binary's Functionality. */

/**
 * SUBTEST: teardown
 * Description: Closes the device with pages on it
 */
