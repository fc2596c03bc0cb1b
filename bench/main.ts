// `npm run bench -- [first-sync|fleet] [arguments]`: runs the benchmark named by the first argument, the first
// sync by default, so `npm run bench` and `npm run bench -- 20000` work as they always did.
const BENCHMARKS: Record<string, string> = { 'first-sync': './first-sync.ts', fleet: './fleet.ts' };

const [first, ...rest] = process.argv.slice(2);
const named = first !== undefined && first in BENCHMARKS;
if (first !== undefined && !named && !/^\d+$/.test(first)) {
  console.error(`Unknown benchmark "${first}": use one of ${Object.keys(BENCHMARKS).join(', ')}.`);
  process.exit(1);
}
// Each benchmark reads its own arguments from process.argv.
process.argv = [...process.argv.slice(0, 2), ...(named ? rest : process.argv.slice(2))];
await import(BENCHMARKS[named ? first : 'first-sync']!);
