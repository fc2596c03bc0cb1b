// Measures a first sync with historical data: N hub people to Constant Contact, then a run with no change.
// Prints wall time, records per second and the CC requests spent, per endpoint. `npm run bench -- 20000`.
import { GROUP_A, testSeed } from '../test/helpers/platform-emulator.ts';
import { startSyncHarness } from '../test/helpers/sync-harness.ts';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);

for (const n of sizes.length ? sizes : [1_000, 5_000, 20_000]) {
  const seed = testSeed();
  seed.hubRecords = Array.from({ length: n }, (_, i) => ({
    groupId: GROUP_A,
    collection: 'people' as const,
    record: {
      first_name: `F${i}`,
      last_name: `L${i}`,
      email: { address: `p${i}@bench.example` },
      is_customer: true,
    },
  }));
  const h = await startSyncHarness({ seed, options: { hubPageSize: 1000 } });
  try {
    await h.repos.organizations.updateSettings(h.organization.id, { shareHistorical: true });
    const started = performance.now();
    const first = await h.sync('first_link');
    const firstMs = performance.now() - started;
    const firstCalls = h.cc.requestLog.count();
    const byEndpoint = h.cc.requestLog.countByEndpoint();
    h.cc.requestLog.clear();
    const quietStart = performance.now();
    const quiet = await h.sync();
    const quietMs = performance.now() - quietStart;
    const quietWrites = h.cc.requestLog.count((e) => e.method !== 'GET');
    console.log(
      [
        `${n} records: first sync ${first.status} in ${(firstMs / 1000).toFixed(1)} s (${Math.round(n / (firstMs / 1000))} records/s), ${firstCalls} CC requests`,
        `  ${JSON.stringify(byEndpoint)}`,
        `  quiet run ${quiet.status} in ${(quietMs / 1000).toFixed(1)} s, ${h.cc.requestLog.count()} CC requests, ${quietWrites} writes`,
      ].join('\n'),
    );
  } finally {
    await h.close();
  }
}
