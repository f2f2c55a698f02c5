# bench-ratio.awk summarises BenchmarkVersusParse output (go test -bench
# VersusParse -count N): per article fixture the median extract+render and
# html.Parse times over the runs and their ratio, then the ratio of totals.
/^BenchmarkVersusParse\// {
	name = $1
	sub(/^BenchmarkVersusParse\//, "", name)
	sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "extract-ms/op") ex[name] = ex[name] " " $i
		if ($(i+1) == "parse-ms/op") pa[name] = pa[name] " " $i
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
	printf "%-52s %12s %12s %8s\n", "article fixture (median of runs)", "extract ms", "parse ms", "ratio"
	for (i = 1; i <= n; i++) {
		e = median(ex[order[i]]); p = median(pa[order[i]])
		te += e; tp += p
		printf "%-52s %12.3f %12.3f %8.2f\n", order[i], e, p, e / p
	}
	printf "%-52s %12.3f %12.3f %8.2f\n", "TOTAL (" n " pages, ratio of totals)", te, tp, te / tp
}
