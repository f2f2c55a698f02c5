# bench-ratio.awk summarises BenchmarkVersusParse output (go test -bench
# VersusParse -count N): per article fixture the median extract+render and
# html.Parse times over the runs and their ratio, then the ratio of totals;
# the same in the CPU time of the measuring thread when reported.
/^BenchmarkVersusParse\// {
	name = $1
	sub(/^BenchmarkVersusParse\//, "", name)
	sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "extract-ms/op") ex[name] = ex[name] " " $i
		if ($(i+1) == "parse-ms/op") pa[name] = pa[name] " " $i
		if ($(i+1) == "extract-cpu-ms/op") ec[name] = ec[name] " " $i
		if ($(i+1) == "parse-cpu-ms/op") pc[name] = pc[name] " " $i
	}
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
}
function median(s,    a, k, i, j, t) {
	k = split(s, a, " ")
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	if (k % 2) return a[(k + 1) / 2]
	return (a[k / 2] + a[k / 2 + 1]) / 2
}
END {
	if (n == 0) { print "no BenchmarkVersusParse lines"; exit 1 }
	printf "%-50s %10s %10s %6s %10s %10s %6s\n", "article fixture (median of runs)", "extract ms", "parse ms", "ratio", "ext cpu", "parse cpu", "ratio"
	for (i = 1; i <= n; i++) {
		k = order[i]
		e = median(ex[k]); p = median(pa[k]); te += e; tp += p
		c = (k in ec) ? median(ec[k]) : 0; d = (k in pc) ? median(pc[k]) : 0; tc += c; td += d
		printf "%-50s %10.3f %10.3f %6.2f %10.3f %10.3f %6.2f\n", k, e, p, e / p, c, d, (d > 0 ? c / d : 0)
	}
	printf "%-50s %10.3f %10.3f %6.2f %10.3f %10.3f %6.2f\n", "TOTAL (" n " pages, ratio of totals)", te, tp, te / tp, tc, td, (td > 0 ? tc / td : 0)
}
