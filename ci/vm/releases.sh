# shellcheck shell=bash
# The kernel releases the VM harness builds and boots, one line each (sourced
# by build-kernel, fetch-source, run and the self-tests; not run).
#
#   release  Debian package with its source  where that package comes from
#            (installed: ci/install-deps apt-get installs it; a suite name:
#            fetch-source downloads it from that suite of the machine's mirror)
#   modules  the loadable modules built beside the bzImage (kbuild paths)
readonly VM_RELEASE_TABLE='
6.12  linux-source-6.12  installed         -
7.3   linux-source-7.3   trixie-backports  drivers/gpu/drm/drm_gpusvm_helper.ko
'
# shellcheck disable=SC2034  # used by the scripts that source this
readonly VM_DEFAULT_RELEASE=6.12

# vm_releases: the valid releases, space-separated.
vm_releases() { awk 'NF { printf "%s%s", sep, $1; sep = " " } END { print "" }' <<<"$VM_RELEASE_TABLE"; }

# vm_release_line RELEASE: RELEASE's line; fails for an unknown release.
vm_release_line() { awk -v r="$1" 'NF && $1 == r { print; found = 1 } END { exit !found }' <<<"$VM_RELEASE_TABLE"; }

# vm_release_package RELEASE, vm_release_origin RELEASE, vm_release_modules
# RELEASE (space-separated, empty for none): its columns.
vm_release_package() { vm_release_line "$1" | awk '{ print $2 }'; }
vm_release_origin() { vm_release_line "$1" | awk '{ print $3 }'; }
vm_release_modules() { vm_release_line "$1" | awk '{ $1 = $2 = $3 = ""; sub(/^ +/, ""); if ($0 != "-") print }'; }

# vm_release_check RELEASE: silent for a valid release; else the usage
# error's sentence on stdout and a failure.
vm_release_check() {
	vm_release_line "$1" >/dev/null && return 0
	echo "unknown release '$1' (valid: $(vm_releases))"
	return 1
}
