import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PlatformEmulator } from '../../sandbox/platform/index.ts';
import { ManualClock } from '../../sandbox/shared/clock.ts';
import {
  type BatchOperation,
  ConnecClient,
  type ConnecClientOptions,
} from '../../src/connec/connec-client.ts';
import {
  ConnecBadRequestError,
  ConnecNotFoundError,
  ConnecUnauthorizedError,
  ConnecUnavailableError,
} from '../../src/connec/errors.ts';
import { buildFilter } from '../../src/connec/filter.ts';
import { connecIdOf, findOwnId, withOwnId } from '../../src/connec/ids.ts';
import { GROUP_A, GROUP_B, startTestPlatform, TEST_TENANT } from '../helpers/platform-emulator.ts';

const REALM = 'cc-account-42';

describe('ConnecClient against the platform emulator', () => {
  let platform: PlatformEmulator;
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  // Injected faults follow this script: each value below the error rate fails a request.
  const faultScript: number[] = [];
  const client = (groupId: string, options: Partial<ConnecClientOptions> = {}) =>
    new ConnecClient({
      tenant: platform.tenant(TEST_TENANT.id),
      groupId,
      retryBaseDelayMs: 2,
      timeoutMs: 2000,
      ...options,
    });

  before(async () => {
    platform = await startTestPlatform({ clock, random: () => faultScript.shift() ?? 1 });
    const seeding = client(GROUP_B);
    for (let i = 0; i < 25; i++) {
      clock.set(new Date(Date.parse('2026-03-01T00:00:00Z') + i * 1000));
      await seeding.create('people', { first_name: `C${i}`, last_name: 'Paged', is_customer: i % 5 !== 0 });
    }
  });
  after(() => platform.close());

  it('lists with a filter, page by page, to the end', async () => {
    platform.requestLog.clear();
    const pages = [];
    const filter = buildFilter([
      ['is_customer', 'eq', true],
      ['updated_at', 'gt', new Date('2026-03-01T00:00:02Z')],
    ]);
    for await (const page of client(GROUP_B).pages('people', {
      filter,
      orderBy: 'updated_at asc',
      pageSize: 7,
    })) {
      pages.push(page);
    }
    assert.deepEqual(
      pages.map((p) => [p.skip, p.records.length, p.total]),
      [
        [0, 7, 18],
        [7, 7, 18],
        [14, 4, 18],
      ],
    );
    const names = pages.flatMap((p) => p.records.map((r) => r.first_name));
    assert.equal(names[0], 'C3');
    assert.equal(names.includes('C5'), false);
    assert.equal(
      platform.requestLog.count((e) => e.endpoint === 'GET /api/v2/:group/:collection'),
      3,
    );
  });

  it('yields nothing for an empty result, without error', async () => {
    const pages = [];
    for await (const page of client(GROUP_B).pages('employees')) pages.push(page);
    assert.deepEqual(
      pages.map((p) => p.records.length),
      [0],
    );
  });

  it("upserts with the connector's own id and finds it again", async () => {
    const connec = client(GROUP_A);
    const created = await connec.create('people', {
      id: withOwnId([], 'cc-1', REALM),
      first_name: 'Own',
      email: { address: 'own@example.com' },
    });
    assert.equal(findOwnId(created.id, REALM), 'cc-1');
    assert.equal(findOwnId(created.id, 'another-account'), undefined);
    const again = await connec.create('people', { id: withOwnId([], 'cc-1', REALM), last_name: 'Again' });
    assert.equal(connecIdOf(again.id), connecIdOf(created.id));
    const updated = await connec.update('people', connecIdOf(created.id)!, { job_title: 'CEO' });
    assert.equal(updated.job_title, 'CEO');
    assert.equal((await connec.get('people', connecIdOf(created.id)!)).last_name, 'Again');
    const company = await connec.updateCompany({ timezone: 'Europe/Paris' });
    assert.equal(company.timezone, 'Europe/Paris');
    assert.equal((await connec.getCompany()).name, 'Alpha Bikes');
  });

  it("finds Connec!'s own id under the organization's channel, and reads the record's channel and type", async () => {
    const connec = client(GROUP_A);
    const created = await connec.create('people', { first_name: 'Channel', last_name: 'Reader' });
    const own = created.id.find((e) => e.provider === 'connec')!;
    assert.equal(own.realm, 'org-aaaa');
    assert.notEqual(own.realm, GROUP_A, 'the realm is not the group id');
    assert.equal(created.channel_id, 'org-aaaa');
    assert.equal(created.resource_type, 'people');
    const read = await connec.get('people', connecIdOf(created.id)!);
    assert.equal(read.last_name, 'Reader');
    assert.equal((await connec.getCompany()).resource_type, 'company');
  });

  it('reads an answer served as application/vnd.api+json as JSON', async () => {
    const body = {
      people: [
        { id: [{ id: 'c-9', provider: 'connec', realm: 'org-9' }], group_id: 'cld-9', last_name: 'Api' },
      ],
    };
    const jsonApi = new ConnecClient({
      tenant: platform.tenant(TEST_TENANT.id),
      groupId: 'cld-9',
      fetch: async () =>
        new Response(JSON.stringify(body), { headers: { 'content-type': 'application/vnd.api+json' } }),
    });
    const [person] = await jsonApi.list('people');
    assert.equal(person?.last_name, 'Api');
    assert.equal(connecIdOf(person?.id), 'c-9');
  });

  it('batches in chunks of 100 with per-operation results', async () => {
    platform.requestLog.clear();
    const operations: BatchOperation[] = Array.from({ length: 150 }, (_, i) => ({
      collection: 'people' as const,
      record: { id: withOwnId([], `batch-${i}`, REALM), first_name: `B${i}` },
    }));
    operations[120] = {
      collection: 'people',
      record: {
        id: withOwnId([], 'batch-bad', REALM),
        first_name: '',
        is_customer: 'yes' as unknown as boolean,
      },
    };
    const results = await client(GROUP_A).batch([
      ...operations,
      { collection: 'organizations', connecId: 'missing', record: { name: 'Nobody' } },
    ]);
    assert.equal(
      platform.requestLog.count((e) => e.endpoint === 'POST /batch'),
      2,
    );
    assert.equal(results.length, 151);
    assert.equal(results.filter((r) => r.ok).length, 149);
    const bad = results[120]!;
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.error instanceof ConnecBadRequestError && /is_customer/.test(bad.error.message));
    const missing = results[150]!;
    assert.ok(!missing.ok && missing.error instanceof ConnecNotFoundError);
    const first = results[0]!;
    assert.ok(first.ok && findOwnId(first.record.id, REALM) === 'batch-0');
  });

  it('retries after an injected 5xx and succeeds', async () => {
    platform.knobs.errorRate = 0.5;
    faultScript.push(0, 0);
    platform.requestLog.clear();
    try {
      const people = await client(GROUP_A).list('people', { pageSize: 1000 });
      assert.ok(people.length > 0);
      assert.deepEqual(
        platform.requestLog.entries.map((e) => e.status),
        [503, 503, 200],
      );
    } finally {
      platform.knobs.errorRate = 0;
    }
  });

  it('gives up with CONNEC_UNAVAILABLE after the retries', async () => {
    platform.knobs.errorRate = 0.5;
    faultScript.push(0, 0, 0);
    try {
      await assert.rejects(client(GROUP_A, { maxRetries: 2 }).getCompany(), (error: unknown) => {
        assert.ok(error instanceof ConnecUnavailableError);
        assert.equal(error.code, 'CONNEC_UNAVAILABLE');
        assert.match(error.message, /3 attempts/);
        return true;
      });
    } finally {
      platform.knobs.errorRate = 0;
    }
  });

  it("waits before each retry on its clock as the shared back-off says, and at least Connec!'s Retry-After", async () => {
    const waits: number[] = [];
    const manual = {
      now: () => 0,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
    };
    const failures = [
      new Response('busy', { status: 503 }),
      new Response('slow down', { status: 429, headers: { 'retry-after': '7' } }),
    ];
    const flaky = client(GROUP_A, {
      retryBaseDelayMs: 1_000,
      clock: manual,
      fetch: async (input, init) => failures.shift() ?? fetch(input, init),
    });
    assert.equal((await flaky.getCompany()).name, 'Alpha Bikes');
    assert.equal(waits.length, 2, 'no real wait: both went through the clock');
    assert.ok(waits[0]! >= 500 && waits[0]! <= 1_000, `first retry within [base/2, base]: ${waits[0]}`);
    assert.equal(waits[1], 7_000, "Connec!'s Retry-After outlasts the back-off");
  });

  it("stops at once when the job's signal aborts, in flight or waiting to retry, and sends nothing more", async () => {
    const stop = new Error('the job was stopped');
    platform.knobs.latencyMs = 5_000;
    try {
      const inFlight = new AbortController();
      const startedAt = Date.now();
      const reading = client(GROUP_A, { signal: inFlight.signal }).getCompany();
      setTimeout(() => inFlight.abort(stop), 50);
      await assert.rejects(reading, (error) => error === stop);
      assert.ok(Date.now() - startedAt < 1_000, 'the request in flight was dropped');
    } finally {
      platform.knobs.latencyMs = 0;
    }

    platform.knobs.errorRate = 0.5;
    faultScript.push(0);
    platform.requestLog.clear();
    try {
      const backingOff = new AbortController();
      const startedAt = Date.now();
      const reading = client(GROUP_A, { signal: backingOff.signal, retryBaseDelayMs: 5_000 }).getCompany();
      setTimeout(() => backingOff.abort(stop), 100);
      await assert.rejects(reading, (error) => error === stop);
      assert.ok(Date.now() - startedAt < 1_000, 'the wait before the retry was cut short');
      assert.deepEqual(
        platform.requestLog.entries.map((e) => e.status),
        [503],
        'no retry after the stop',
      );
      await assert.rejects(client(GROUP_A, { signal: backingOff.signal }).getCompany(), (e) => e === stop);
      assert.equal(platform.requestLog.entries.length, 1, 'an aborted client sends nothing');
    } finally {
      platform.knobs.errorRate = 0;
    }
  });

  it('retries dropped connections and reports an unreachable host', async () => {
    platform.knobs.dropRate = 0.5;
    faultScript.push(0);
    try {
      assert.equal((await client(GROUP_A).getCompany()).name, 'Alpha Bikes');
    } finally {
      platform.knobs.dropRate = 0;
    }
    const nowhere = new ConnecClient({
      tenant: { ...platform.tenant(TEST_TENANT.id), connecHost: 'http://127.0.0.1:9' },
      groupId: GROUP_A,
      maxRetries: 1,
      retryBaseDelayMs: 1,
    });
    await assert.rejects(nowhere.getCompany(), ConnecUnavailableError);
  });

  it('turns a refused filter, wrong credentials and an unknown group into typed errors', async () => {
    const iterate = async (c: ConnecClient, filter?: string) => {
      for await (const _ of c.pages('people', filter ? { filter } : {})) {
        // draining
      }
    };
    await assert.rejects(
      iterate(client(GROUP_A), "first_name eq 'a' or last_name eq 'b'"),
      (error: unknown) => {
        assert.ok(error instanceof ConnecBadRequestError);
        assert.equal(error.code, 'CONNEC_BAD_REQUEST');
        assert.equal(error.status, 400);
        assert.match(error.detail, /'or'/);
        return true;
      },
    );
    const wrongKey = client(GROUP_A, { tenant: { ...platform.tenant(TEST_TENANT.id), apiKey: 'wrong' } });
    await assert.rejects(iterate(wrongKey), (error: unknown) => {
      assert.ok(error instanceof ConnecUnauthorizedError);
      assert.match(error.message, /tenant "acme"/);
      return true;
    });
    await assert.rejects(iterate(client('cld-unknown')), ConnecNotFoundError);
  });
});
