import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultPlatformKnobs, type PlatformEmulator } from '../../../sandbox/platform/index.ts';
import { startTestPlatform } from '../../helpers/platform-emulator.ts';

describe('knobs of the platform emulator', () => {
  let platform: PlatformEmulator;
  before(async () => {
    platform = await startTestPlatform({ knobs: { samlSigning: 'both' } });
  });
  after(() => platform.close());

  const put = async (body: unknown) => {
    const response = await fetch(`${platform.url}/sandbox/knobs`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('defaults to signing both, and not notifying a connector of its own writes', () => {
    assert.equal(defaultPlatformKnobs.samlSigning, 'both');
    assert.equal(defaultPlatformKnobs.notifyOwnWrites, false);
  });

  it('changes knobs while running through PUT /sandbox/knobs', async () => {
    const { status, body } = await put({ samlSigning: 'assertion', notifyOwnWrites: true, latencyMs: 0 });
    assert.equal(status, 200);
    assert.equal(body.samlSigning, 'assertion');
    assert.equal(platform.knobs.samlSigning, 'assertion');
    assert.equal(platform.knobs.notifyOwnWrites, true);
    await put({ samlSigning: 'both', notifyOwnWrites: false });
  });

  it('refuses a wrong or unknown knob with 400 naming it, and changes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ samlSigning: 'neither' }, /samlSigning must be one of response, assertion, both/],
      [{ notifyOwnWrites: 'yes' }, /notifyOwnWrites must be true or false/],
      [{ errorRate: 2 }, /errorRate must be a number from 0 to 1/],
      [{ samlSign: 'response' }, /unknown knob "samlSign"/],
      [[1], /knobs must be a JSON object/],
      [{ notifyOwnWrites: true, samlSigning: 'neither' }, /samlSigning/],
    ];
    for (const [body, message] of cases) {
      const response = await put(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const error = response.body.error as { code: string; message: string };
      assert.equal(error.code, 'INVALID_KNOB');
      assert.match(error.message, message);
    }
    assert.equal(platform.knobs.samlSigning, 'both');
    assert.equal(platform.knobs.notifyOwnWrites, false, 'a refused change leaves every knob as it was');
  });

  it('refuses a wrong knob given at start', async () => {
    await assert.rejects(
      startTestPlatform({ knobs: { samlSigning: 'sideways' as 'both' } }),
      /samlSigning must be one of/,
    );
  });
});
