// A simulated fleet run through the poll planner on a virtual clock, one plan a minute, as the scheduler
// will. Shared by test/jobs/poll-planner.test.ts and `npm run bench -- fleet N`.
//
// The fleet: organizations across three tenants in three time zones; a few are busy (their users change
// contacts in Constant Contact during business hours, 09:00-17:00 local time, and edit the hub, which
// notifies the connector), the rest idle. Days 1 and 2 warm the planner up from an established fleet
// (every organization last polled some time yesterday, at the longest interval); day 3 is measured, and the
// clock goes on until every change of day 3 has been read.
import type { PollBounds } from '../../src/jobs/poll-interval.ts';
import { DAY_MS, utcDayStart } from '../../src/jobs/poll-pacing.ts';
import {
  afterPoll,
  afterPriorityRun,
  newPollState,
  type OrganizationPollState,
  planPolls,
} from '../../src/jobs/poll-planner.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface FleetScenario {
  organizations: number;
  /** CC calls per UTC day. */
  perDay: number;
  reserveShare?: number;
  /** Share of the organizations that are busy. */
  busyShare?: number;
  /** CC contact changes an hour in a busy organization during its business hours. */
  busyChangesPerHour?: number;
  /** Connec! notifications an hour in a busy organization during its business hours. */
  busyNotificationsPerHour?: number;
  /** At 23:00 UTC of the measured day this share of all organizations is notified at once. */
  lateBurstShare?: number;
  bounds?: PollBounds;
  seed?: number;
}

export interface FleetDayFigures {
  organizations: number;
  busyOrganizations: number;
  limit: number;
  callsUsed: number;
  pollCalls: number;
  priorityCalls: number;
  /** Organizations whose CC side was not read once in the measured day (by a poll or a priority run). */
  neverPolled: number;
  /** Minutes from each change made in CC in the measured day to the poll that read it, sorted. */
  busyLagMinutes: number[];
  /** Hours between consecutive polls of idle organizations, for the polls of the measured day. */
  idlePollGapHours: number[];
  /** Today's reserve not used by priority work at 24:00. */
  reserveLeft: number;
  /** Calls left in the day at 24:00. */
  callsLeft: number;
  callsBy10: number;
  pollCallsBy10: number;
  priorityRuns: number;
  /** Priority runs that found no budget left when they arrived. */
  priorityHeldBack: number;
}

/** A small seeded generator (mulberry32): the same scenario gives the same day. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TENANTS = [
  { id: 'americas', utcOffsetHours: -5, share: 0.5 },
  { id: 'europe', utcOffsetHours: 1, share: 0.3 },
  { id: 'asia-pacific', utcOffsetHours: 10, share: 0.2 },
] as const;

interface SimulatedOrganization {
  utcOffsetHours: number;
  busy: boolean;
  /** Times of CC changes not read yet. */
  unread: number[];
  lastAccountReadAt: number;
  polledOnMeasuredDay: boolean;
}

/** A poll reads the contact changes since its cursor (one call a page of 500) and the account at most hourly. */
function poll(org: SimulatedOrganization, now: number): number {
  const pages = Math.max(1, Math.ceil(org.unread.length / 500));
  const readsAccount = now - org.lastAccountReadAt >= HOUR_MS;
  if (readsAccount) org.lastAccountReadAt = now;
  org.unread = [];
  return pages + (readsAccount ? 1 : 0);
}

const PRIORITY_RUN_CALLS = 3;

function inBusinessHours(now: number, utcOffsetHours: number): boolean {
  const localHour = ((((now + utcOffsetHours * HOUR_MS) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  return localHour >= 9 && localHour < 17;
}

export function simulateFleetDay(scenario: FleetScenario): FleetDayFigures {
  const bounds = scenario.bounds ?? { minMs: 15 * MINUTE_MS, maxMs: 24 * HOUR_MS };
  const reserveShare = scenario.reserveShare ?? 0.25;
  const busyShare = scenario.busyShare ?? 0.05;
  const changesPerHour = scenario.busyChangesPerHour ?? 4;
  const notificationsPerHour = scenario.busyNotificationsPerHour ?? 0.5;
  const rand = random(scenario.seed ?? 7);
  const cost = { estimatedCalls: 2, chunkCalls: 25 };

  const firstDay = Date.UTC(2026, 0, 5);
  const measuredDay = firstDay + 2 * DAY_MS;
  const states: OrganizationPollState[] = [];
  const orgs: SimulatedOrganization[] = [];
  const busyCount = Math.round(scenario.organizations * busyShare);
  const busyIndexes = new Set<number>();
  while (busyIndexes.size < busyCount) busyIndexes.add(Math.floor(rand() * scenario.organizations));
  for (let i = 0; i < scenario.organizations; i++) {
    const pick = i / scenario.organizations;
    const tenant = pick < TENANTS[0].share ? TENANTS[0] : pick < 0.8 ? TENANTS[1] : TENANTS[2];
    const lastPolledAt = firstDay - Math.floor(rand() * 24 * 60) * MINUTE_MS;
    states.push({
      ...newPollState(`org-${i}`, tenant.id, bounds),
      lastPolledAt,
      intervalMs: bounds.maxMs,
    });
    orgs.push({
      utcOffsetHours: tenant.utcOffsetHours,
      busy: busyIndexes.has(i),
      unread: [],
      lastAccountReadAt: lastPolledAt,
      polledOnMeasuredDay: false,
    });
  }

  let day = firstDay;
  let usedToday = 0;
  let pollCallsToday = 0;
  let priorityCallsToday = 0;
  const figures: FleetDayFigures = {
    organizations: scenario.organizations,
    busyOrganizations: busyCount,
    limit: scenario.perDay,
    callsUsed: 0,
    pollCalls: 0,
    priorityCalls: 0,
    neverPolled: 0,
    busyLagMinutes: [],
    idlePollGapHours: [],
    reserveLeft: 0,
    callsLeft: 0,
    callsBy10: 0,
    pollCallsBy10: 0,
    priorityRuns: 0,
    priorityHeldBack: 0,
  };
  const measuredEnd = measuredDay + DAY_MS;
  const unreadFromMeasuredDay = () =>
    orgs.some((o) => o.unread.some((t) => t >= measuredDay && t < measuredEnd));

  const readChanges = (org: SimulatedOrganization, now: number) => {
    for (const changedAt of org.unread) {
      if (changedAt >= measuredDay && changedAt < measuredEnd) {
        figures.busyLagMinutes.push((now - changedAt) / MINUTE_MS);
      }
    }
  };

  const priorityRun = (i: number, now: number) => {
    const measured = now >= measuredDay && now < measuredEnd;
    if (measured) figures.priorityRuns++;
    if (scenario.perDay - usedToday < PRIORITY_RUN_CALLS) {
      if (measured) figures.priorityHeldBack++;
      return;
    }
    // A sync run reads both sides: its organization's CC side is polled too.
    const org = orgs[i]!;
    if (measured) org.polledOnMeasuredDay = true;
    const changesFound = org.unread.length > 0;
    const earliestChangeAt = Math.min(...org.unread);
    readChanges(org, now);
    org.unread = [];
    usedToday += PRIORITY_RUN_CALLS;
    priorityCallsToday += PRIORITY_RUN_CALLS;
    states[i] = afterPriorityRun(states[i]!, { now, changesFound, earliestChangeAt }, bounds);
  };

  for (let now = firstDay; now <= measuredEnd || unreadFromMeasuredDay(); now += MINUTE_MS) {
    if (utcDayStart(now) !== day) {
      if (day === measuredDay) {
        figures.callsUsed = usedToday;
        figures.pollCalls = pollCallsToday;
        figures.priorityCalls = priorityCallsToday;
        figures.callsLeft = scenario.perDay - usedToday;
        figures.reserveLeft = Math.max(0, Math.floor(scenario.perDay * reserveShare) - priorityCallsToday);
        figures.neverPolled = orgs.filter((o) => !o.polledOnMeasuredDay).length;
      }
      day = utcDayStart(now);
      usedToday = 0;
      pollCallsToday = 0;
      priorityCallsToday = 0;
    }
    if (now === measuredDay + 10 * HOUR_MS) {
      figures.callsBy10 = usedToday;
      figures.pollCallsBy10 = pollCallsToday;
    }

    // What users did in the minute before `now`.
    for (let i = 0; i < orgs.length; i++) {
      const org = orgs[i]!;
      if (!org.busy || !inBusinessHours(now, org.utcOffsetHours)) continue;
      if (rand() < changesPerHour / 60) org.unread.push(now - Math.floor(rand() * MINUTE_MS));
      if (rand() < notificationsPerHour / 60) priorityRun(i, now);
    }
    if (now === measuredDay + 23 * HOUR_MS) {
      const burst = Math.round(orgs.length * (scenario.lateBurstShare ?? 0.05));
      for (let i = 0; i < burst; i++) priorityRun(Math.floor(rand() * orgs.length), now);
    }

    const plan = planPolls({
      now,
      organizations: states,
      budget: { perDay: scenario.perDay, usedToday, reserveShare },
      bounds,
      cost,
      priorityWaitingCalls: 0,
    });
    for (const grant of plan.grants) {
      const i = Number(grant.organizationId.slice(4));
      const org = orgs[i]!;
      const previousPoll = states[i]!.lastPolledAt;
      if (now >= measuredDay && now < measuredEnd) {
        org.polledOnMeasuredDay = true;
        if (!org.busy && previousPoll !== null) figures.idlePollGapHours.push((now - previousPoll) / HOUR_MS);
      }
      readChanges(org, now);
      const changesFound = org.unread.length > 0;
      const earliestChangeAt = Math.min(...org.unread);
      const calls = poll(org, now);
      usedToday += calls;
      pollCallsToday += calls;
      states[i] = afterPoll(
        grant.state,
        { now, changesFound, earliestChangeAt, callsSpent: calls, moreWork: false },
        bounds,
      );
    }
  }
  figures.busyLagMinutes.sort((a, b) => a - b);
  figures.idlePollGapHours.sort((a, b) => a - b);
  return figures;
}

/** The value below which `share` of the sorted values fall (nearest rank). */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}
