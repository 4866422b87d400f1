// Preloaded into benchmark child processes: reports peak RSS (includes DuckDB's native memory) and CPU time on exit.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nPEAK_RSS_KB=${u.maxRSS}\nCPU_MS=${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
});
