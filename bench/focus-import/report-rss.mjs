// Preloaded into benchmark child processes: reports peak RSS (includes DuckDB's native memory) on exit.
process.on('exit', () => {
  process.stderr.write(`\nPEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
