import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { alertsFromConfig } from '../../src/alerts/alert-monitor.ts';
import { loadConfig } from '../../src/config/config.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import type { Repositories } from '../../src/db/repositories/index.ts';

function configErrorFor(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    return error.message;
  }
  assert.fail(`no configuration error for ${JSON.stringify(env)}`);
}

/** A logger writing its lines, parsed, into `lines`. */
function capturingLogger(lines: Record<string, unknown>[]) {
  return pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
}

describe('alert email settings', () => {
  it('are off by default, and say so once in the log', () => {
    const config = loadConfig({});
    assert.equal(config.alerts.smtpUrl, null);
    assert.deepEqual(config.alerts.from, {
      name: 'Constant Contact connector',
      address: 'noreply@localhost',
    });
    const lines: Record<string, unknown>[] = [];
    const alerts = alertsFromConfig(config, {} as Repositories, capturingLogger(lines));
    assert.equal(alerts.enabled, false);
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['alert emails are off: SMTP_URL is not set'],
    );
  });

  it('take an SMTP URL and a sender, with or without a name', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://alerts:p%40ss@smtp.example.com:465',
      ALERT_FROM: 'Ops Team <ops@example.com>',
      PUBLIC_URL: 'https://cc.example.com',
    });
    assert.equal(config.alerts.smtpUrl, 'smtps://alerts:p%40ss@smtp.example.com:465');
    assert.deepEqual(config.alerts.from, { name: 'Ops Team', address: 'ops@example.com' });
    assert.deepEqual(loadConfig({ ALERT_FROM: 'ops@example.com' }).alerts.from, {
      name: null,
      address: 'ops@example.com',
    });
    assert.equal(
      loadConfig({ PUBLIC_URL: 'https://cc.example.com' }).alerts.from.address,
      'noreply@cc.example.com',
      'the default sender is at the public host',
    );
    const lines: Record<string, unknown>[] = [];
    const alerts = alertsFromConfig(config, {} as Repositories, capturingLogger(lines));
    assert.equal(alerts.enabled, true);
    assert.deepEqual(lines, []);
  });

  it('stop the connector at start with one clear line on a bad value, never echoing the URL', () => {
    const secret = 'hunter2-password';
    const message = configErrorFor({ SMTP_URL: `http://alerts:${secret}@smtp.example.com` });
    assert.match(
      message,
      /^SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL with a host \(example: SMTP_URL=smtp:/,
    );
    assert.ok(!message.includes(secret));
    assert.match(configErrorFor({ SMTP_URL: 'smtp://' }), /^SMTP_URL: must be an smtp/);
    assert.match(
      configErrorFor({ ALERT_FROM: 'Ops <not an address>' }),
      /^ALERT_FROM="Ops <not an address>": must be an email address, or a name and an address in angle brackets \(example: ALERT_FROM=/,
    );
    assert.match(configErrorFor({ ALERT_FROM: 'ops' }), /^ALERT_FROM="ops": must be an email address/);
  });
});
