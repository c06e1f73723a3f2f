"""agentrt's benchmarks: each case run several times, interleaved; medians and same-run ratios."""
