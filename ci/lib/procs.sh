# shellcheck shell=bash
# Process helpers shared by the harness scripts (sourced, not run).

# kill_tree PID SIG: PID and every process below it, children first seen
# before the parent is signalled (so none is reparented out of reach).
kill_tree() {
	local pid=$1 sig=$2 child
	for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
		kill_tree "$child" "$sig"
	done
	kill -"$sig" "$pid" 2>/dev/null || true
}

# stop_tree PID [GRACE_S]: SIGTERM to PID's tree, SIGKILL to what is left
# after GRACE_S (default 10) seconds.  make, given SIGTERM, stops its jobs
# and deletes the targets they were writing.
stop_tree() {
	local pid=$1 grace=${2:-10} i
	kill_tree "$pid" TERM
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill_tree "$pid" KILL
}

# group_alive PGID: some process of group PGID, other than a zombie, lives.
group_alive() {
	ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# stop_group PGID [GRACE_S]: SIGTERM to every process of group PGID (a job
# started with job control on, so the leader of its own group), SIGKILL to
# what is left after GRACE_S (default 10) seconds; returns once none lives.
# A group reaches processes a walk of the tree misses: those forked while the
# walk runs and those whose parent died first (make outliving its shell).
stop_group() {
	local pgid=$1 grace=${2:-10} i
	kill -TERM -- -"$pgid" 2>/dev/null || return 0
	for ((i = 0; i < grace * 10; i++)); do
		group_alive "$pgid" || return 0
		sleep 0.1
	done
	kill -KILL -- -"$pgid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		group_alive "$pgid" || return 0
		sleep 0.1
	done
}

# duration S: "4m05s" or "38s".
duration() {
	if [ "$1" -ge 60 ]; then printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); else printf '%ds' "$1"; fi
}

# build_ticker LABEL LOG OWNER_PID WORKER_PID [INTERVAL_S]: while both are
# alive, prints every INTERVAL_S (default IGT_SVM_PROGRESS_S or 20) seconds
# how far a kbuild log got.  Meant to run in the background.
build_ticker() {
	local label=$1 log=$2 owner=$3 worker=$4 interval=${5:-${IGT_SVM_PROGRESS_S:-20}}
	local start=$SECONDS compiled last
	while sleep "$interval" && kill -0 "$owner" 2>/dev/null && kill -0 "$worker" 2>/dev/null; do
		compiled=$(grep -c '^  CC ' "$log" 2>/dev/null || true)
		last=$(grep -E '^  [A-Z0-9_]+ +[^ ]' "$log" 2>/dev/null | tail -n 1 | sed 's/^ *//' || true)
		echo "$label: building for $(duration $((SECONDS - start))): ${compiled:-0} files compiled," \
			"last: ${last:-(configuring)}; log: $log"
	done
}
