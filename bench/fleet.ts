// Plans a simulated UTC day of polls for a fleet of N organizations (95% idle, 5% busy in their business
// hours) on the CC budget of the configuration (CC_DAILY_LIMIT, CC_PRIORITY_RESERVE, POLL_MIN, POLL_MAX).
// `npm run bench -- fleet 2000`.
import { loadConfig } from '../src/config/config.ts';
import { percentile, simulateFleetDay } from '../test/helpers/fleet-simulation.ts';

const organizations = Number(process.argv[2] ?? 2_000);
if (!Number.isInteger(organizations) || organizations < 1) {
  console.error(
    `"${process.argv[2]}" is not a number of organizations (example: npm run bench -- fleet 2000).`,
  );
  process.exit(1);
}
const { ccBudget, polling } = loadConfig();
const day = simulateFleetDay({
  organizations,
  perDay: ccBudget.perDay,
  reserveShare: ccBudget.priorityReserve,
  bounds: polling,
});

const lag = day.busyLagMinutes;
const gaps = day.idlePollGapHours;
const gapsWithin = (from: number, to: number) => gaps.filter((h) => h > from && h <= to).length;
const reserve = Math.floor(day.limit * ccBudget.priorityReserve);
const pollCeilingBy10 = Math.floor((10 / 24) * (day.limit - reserve));
console.log(
  [
    `${day.organizations} organizations (${day.busyOrganizations} busy), 3 tenants, one simulated UTC day`,
    `  calls used / limit:        ${day.callsUsed} / ${day.limit} (polls ${day.pollCalls}, priority ${day.priorityCalls})`,
    `  organizations never polled: ${day.neverPolled}`,
    `  busy CC-to-hub lag:        p50 ${lag.length ? percentile(lag, 0.5).toFixed(1) : '-'} min, p95 ${percentile(lag, 0.95).toFixed(1)} min, max ${(lag.at(-1) ?? 0).toFixed(1)} min (${lag.length} changes)`,
    `  idle poll intervals:       ${gapsWithin(0, 1)} up to 1 h, ${gapsWithin(1, 6)} 1-6 h, ${gapsWithin(6, 12)} 6-12 h, ${gapsWithin(12, 24)} 12-24 h, ${gapsWithin(24, Number.POSITIVE_INFINITY)} over 24 h (median ${percentile(gaps, 0.5).toFixed(2)} h)`,
    `  reserve left at 24:00:     ${day.reserveLeft} of ${reserve} (${day.callsLeft} calls left in the day)`,
    `  calls spent by 10:00 UTC:  ${day.callsBy10} (polls ${day.pollCallsBy10}, pace ceiling ${pollCeilingBy10})`,
    `  priority runs:             ${day.priorityRuns}, held back for budget: ${day.priorityHeldBack}`,
  ].join('\n'),
);
