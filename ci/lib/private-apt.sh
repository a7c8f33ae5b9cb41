# shellcheck shell=bash
# A private apt: packages from another Debian suite, fetched through the
# machine's own mirror without changing the machine's apt configuration
# (sourced by ci/igt/fetch-igt and ci/vm/fetch-source, not run).
#
# apt runs with its own sources list, lists, archive cache and an empty dpkg
# status under one directory; the mirror is read from /etc/apt, so no host
# name is ever written in the repository.

readonly PRIVATE_APT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# private_apt_mirror: the machine's first Debian mirror (the first non-security
# URIs: of /etc/apt/sources.list.d/*.sources, else the first deb line of
# /etc/apt/sources.list); fails when there is none.
private_apt_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	if [ -r /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:/ && $i !~ /security/) { print $i; exit } }' /etc/apt/sources.list)
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	fi
	return 1
}

# private_apt_setup DIR MIRROR SUITE [ARCH]: DIR's sources list (SUITE main
# on MIRROR, verified with Debian's archive keyring), empty status, and the
# directories apt wants.  Sets the array private_apt_opts: the options that
# make apt-get and apt-cache use DIR and nothing of the machine's, for
# packages of ARCH (default amd64).
private_apt_setup() {
	local dir=$1 mirror=$2 suite=$3 arch=${4:-amd64}
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/prefs.d"
	echo "deb [signed-by=$PRIVATE_APT_KEYRING] $mirror $suite main" >"$dir/sources.list"
	: >"$dir/status"
	private_apt_opts=(
		-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o Dir::State::Lists="$dir/lists" -o Dir::State::status="$dir/status"
		-o Dir::Cache="$dir/cache" -o Dir::Etc::Preferences=/dev/null
		-o Dir::Etc::PreferencesParts="$dir/prefs.d" -o APT::Architecture="$arch"
		-o APT::Architectures="$arch" -o APT::Sandbox::User=root
		-o Debug::NoLocking=1 -o APT::Install-Recommends=0 -o APT::Install-Suggests=0
	)
}

# private_apt_candidate PACKAGE: the version the private lists serve (empty
# when none).
private_apt_candidate() {
	local v
	v=$(apt-cache "${private_apt_opts[@]}" policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	[ "$v" = "(none)" ] || echo "$v"
}
