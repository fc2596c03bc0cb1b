import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEMO_GROUPS, sandboxGroupId } from '../../sandbox/demo-seed.ts';
import { demoInstructions, startDemo } from '../../src/demo/start-demo.ts';
import { createLogger } from '../../src/logger.ts';
import { demoTestConfig, freePort } from '../helpers/connector-demo.ts';

describe('the demo of `npm start`', () => {
  it('seeds SANDBOX_ORGS organizations and CC accounts, writes their logins, and prints where to sign in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'start-demo-'));
    const config = demoTestConfig(dataDir, await freePort(), { SANDBOX_ORGS: '3' });
    const factsFile = join(dataDir, 'sandbox.json');
    const demo = await startDemo({
      config,
      logger: createLogger('silent'),
      sandboxFile: factsFile,
      // What `TEST_CC_LIST_MEMBERSHIPS` asks of the demos tests start.
      ccKnobs: { listMembershipsOnPut: 'additive' },
    });
    try {
      assert.equal(demo.cc.knobs.listMembershipsOnPut, 'additive');
      assert.equal(demo.cc.accounts.all().length, 3);
      assert.ok(demo.platform.records(sandboxGroupId(3), 'people').length > 0);
      const facts = JSON.parse(readFileSync(factsFile, 'utf8')) as {
        platform: { organizations: string[] };
        constantContact: { logins: { username: string; organization: string }[] };
      };
      assert.deepEqual(facts.platform.organizations, [
        DEMO_GROUPS.bakery,
        DEMO_GROUPS.bikes,
        sandboxGroupId(3),
      ]);
      assert.deepEqual(
        facts.constantContact.logins.map((l) => l.username),
        ['owner@demo-bakery.example', 'owner@demo-bikes.example', 'owner@sandbox-org-3.example'],
      );
      const instructions = demoInstructions(demo, factsFile);
      assert.match(instructions, /sign in as {2}owner@demo-bakery\.example \/ cc-demo-password/);
      assert.match(instructions, /owner@demo-bikes\.example \/ cc-demo-password for "Demo Bikes"/);
      assert.match(instructions, /owner@sandbox-org-3\.example \/ cc-demo-password for "Sandbox Org 3"/);
    } finally {
      await demo.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
