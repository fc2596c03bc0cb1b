import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AlertFacts,
  type AlertStep,
  afterSending,
  decideAlert,
  RUNS_FAILING_AFTER_MS,
} from '../../src/alerts/alert-decision.ts';
import { type AlertKind, type AlertState, QUIET_ALERT } from '../../src/model/alert.ts';

const HOUR = 60 * 60_000;
const T0 = new Date('2026-03-01T09:00:00.000Z');
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const iso = (hours: number) => at(hours).toISOString();

const healthy: AlertFacts = { deleted: false, linked: true, needsReconnect: null, failures: null };
const reconnect = (hours = 0): AlertFacts => ({
  ...healthy,
  needsReconnect: { reason: 'Constant Contact stopped accepting the authorization.', since: iso(hours) },
});
const failing = (fromHours: number, lastHours: number): AlertFacts => ({
  ...healthy,
  failures: {
    since: iso(fromHours),
    lastAt: iso(lastHours),
    lastError: { code: 'CC_UNAVAILABLE', message: 'Constant Contact did not answer.' },
  },
});

/**
 * Plays the decision as the monitor does: moves one at a time until there is none, every email going out
 * to `recipients` admins. Returns the emails sent and the final state.
 */
function settle(
  kind: AlertKind,
  start: AlertState | null,
  facts: AlertFacts,
  now: Date,
  recipients = 1,
): { sent: string[]; moves: string[]; state: AlertState | null } {
  let state = start;
  const sent: string[] = [];
  const moves: string[] = [];
  for (let i = 0; i < 10; i++) {
    const step: AlertStep | null = decideAlert(kind, state, facts, now);
    if (!step) return { sent, moves, state };
    if (step.do === 'save') {
      moves.push(step.why);
      state = step.next;
    } else {
      sent.push(step.email);
      moves.push(`${step.email}_sent`);
      state = afterSending(state ?? QUIET_ALERT, step.email, now, recipients);
    }
  }
  assert.fail('the decision never settles');
}

describe('alert decision: needs reconnect', () => {
  it('says nothing about a healthy organization and stores nothing', () => {
    assert.equal(decideAlert('needs_reconnect', null, healthy, at(0)), null);
    assert.equal(decideAlert('runs_failing', null, healthy, at(0)), null);
  });

  it('opens an episode, then sends the trouble email once', () => {
    const open = decideAlert('needs_reconnect', null, reconnect(0), at(0));
    assert.deepEqual(open, {
      do: 'save',
      why: 'open',
      next: { ...QUIET_ALERT, status: 'trouble', troubleSince: iso(0) },
    });
    assert.ok(open?.do === 'save');
    assert.deepEqual(decideAlert('needs_reconnect', open.next, reconnect(0), at(0)), {
      do: 'send',
      email: 'trouble',
    });
    const { sent, state } = settle('needs_reconnect', null, reconnect(0), at(0));
    assert.deepEqual(sent, ['trouble']);
    assert.equal(state?.troubleSentAt, iso(0));
    // Checked again, an hour or a week later, or after a restart reading the same state: nothing more.
    assert.equal(decideAlert('needs_reconnect', state, reconnect(0), at(1)), null);
    assert.equal(decideAlert('needs_reconnect', state, reconnect(0), at(24 * 7)), null);
  });

  it('sends the recovery email once the link is back, then nothing', () => {
    const told = settle('needs_reconnect', null, reconnect(0), at(0)).state;
    const { sent, moves, state } = settle('needs_reconnect', told, healthy, at(2));
    assert.deepEqual(moves, ['resolve', 'recovery_sent']);
    assert.deepEqual(sent, ['recovery']);
    assert.equal(state?.status, 'ok');
    assert.equal(decideAlert('needs_reconnect', state, healthy, at(3)), null);
  });

  it('keeps the trouble email owed while it cannot go, and sends no recovery without it', () => {
    // As if every send failed: the state after opening is kept, and each check asks to send again.
    const unsent: AlertState = { ...QUIET_ALERT, status: 'trouble', troubleSince: iso(0) };
    assert.deepEqual(decideAlert('needs_reconnect', unsent, reconnect(0), at(5)), {
      do: 'send',
      email: 'trouble',
    });
    assert.deepEqual(decideAlert('needs_reconnect', unsent, reconnect(0), at(50)), {
      do: 'send',
      email: 'trouble',
    });
    // Reconnected before the email could go: the episode ends quietly, no recovery email.
    const { sent, moves, state } = settle('needs_reconnect', unsent, healthy, at(6));
    assert.deepEqual(moves, ['resolve']);
    assert.deepEqual(sent, []);
    assert.equal(decideAlert('needs_reconnect', state, healthy, at(7)), null);
  });

  it('owes no recovery email when the trouble email reached no one', () => {
    const told = settle('needs_reconnect', null, reconnect(0), at(0), 0).state;
    assert.equal(told?.troubleRecipients, 0);
    const { sent } = settle('needs_reconnect', told, healthy, at(1));
    assert.deepEqual(sent, []);
  });

  it('starts a new episode with its own emails after a finished one', () => {
    const first = settle('needs_reconnect', null, reconnect(0), at(0)).state;
    const recovered = settle('needs_reconnect', first, healthy, at(1)).state;
    const second = settle('needs_reconnect', recovered, reconnect(30), at(30));
    assert.deepEqual(second.moves, ['open', 'trouble_sent']);
    assert.equal(second.state?.troubleSince, iso(30));
  });

  it('continues the episode when trouble is back before the recovery email went', () => {
    const told = settle('needs_reconnect', null, reconnect(0), at(0)).state!;
    const resolved: AlertState = { ...told, status: 'ok' };
    const { moves, sent, state } = settle('needs_reconnect', resolved, reconnect(3), at(3));
    assert.deepEqual(
      moves,
      ['resume'],
      'no second trouble email: the admins were told and not told otherwise',
    );
    assert.deepEqual(sent, []);
    assert.equal(state?.status, 'trouble');
    assert.deepEqual(settle('needs_reconnect', state, healthy, at(4)).sent, ['recovery']);
  });

  it('drops the episode without an email when the organization is disconnected or deleted', () => {
    const told = settle('needs_reconnect', null, reconnect(0), at(0)).state;
    for (const facts of [
      { ...healthy, linked: false },
      { ...healthy, linked: false, deleted: true },
    ]) {
      const { moves, sent, state } = settle('needs_reconnect', told, facts, at(1));
      assert.deepEqual(moves, ['dismiss']);
      assert.deepEqual(sent, []);
      assert.deepEqual(state, QUIET_ALERT);
    }
    // An organization moved to another account (unlinked, waiting for a reconnect) is in trouble.
    assert.deepEqual(settle('needs_reconnect', null, { ...reconnect(0), linked: false }, at(0)).sent, [
      'trouble',
    ]);
  });
});

describe('alert decision: runs failing', () => {
  it('waits until the failures began 24 hours ago', () => {
    assert.equal(decideAlert('runs_failing', null, failing(0, 23), at(23)), null);
    assert.equal(decideAlert('runs_failing', null, failing(0, 23.9), at(23.99)), null);
    const { sent, state } = settle('runs_failing', null, failing(0, 23.9), at(24));
    assert.deepEqual(sent, ['trouble']);
    assert.equal(state?.troubleSince, iso(0));
    assert.equal(RUNS_FAILING_AFTER_MS, 24 * HOUR);
  });

  it('needs a failure within the last 24 hours: old failures with no run since are not news', () => {
    assert.equal(decideAlert('runs_failing', null, failing(0, 1), at(30)), null);
    assert.equal(
      decideAlert('runs_failing', null, failing(0, 6), at(30)),
      null,
      'the last failure is 24 h old',
    );
    assert.deepEqual(settle('runs_failing', null, failing(0, 5), at(30)).sent, []);
    assert.deepEqual(settle('runs_failing', null, failing(0, 7), at(30)).sent, ['trouble']);
  });

  it('stays in trouble while runs keep failing, and recovers when one succeeds', () => {
    const told = settle('runs_failing', null, failing(0, 24), at(24)).state;
    assert.equal(decideAlert('runs_failing', told, failing(0, 40), at(40)), null);
    assert.equal(
      decideAlert('runs_failing', told, failing(0, 40), at(100)),
      null,
      'no run for days: still failing',
    );
    const { moves, sent } = settle('runs_failing', told, healthy, at(41));
    assert.deepEqual(moves, ['resolve', 'recovery_sent']);
    assert.deepEqual(sent, ['recovery']);
  });

  it('sees a success between two checks even when runs failed again after it', () => {
    const told = settle('runs_failing', null, failing(0, 24), at(24)).state;
    // A run succeeded at 30 h (unseen), and a new streak began at 31 h.
    const { moves, sent } = settle('runs_failing', told, failing(31, 32), at(33));
    assert.deepEqual(moves, ['resolve', 'recovery_sent']);
    assert.deepEqual(sent, ['recovery']);
  });

  it('leaves a failing organization that needs a reconnect to the reconnect email', () => {
    const both: AlertFacts = { ...failing(0, 24), needsReconnect: reconnect(20).needsReconnect };
    assert.deepEqual(settle('runs_failing', null, both, at(25)).sent, []);
    assert.deepEqual(settle('needs_reconnect', null, both, at(25)).sent, ['trouble']);
  });

  it('drops the episode without an email when the organization is disconnected', () => {
    const told = settle('runs_failing', null, failing(0, 24), at(24)).state;
    const { moves, sent } = settle('runs_failing', told, { ...failing(0, 24), linked: false }, at(25));
    assert.deepEqual(moves, ['dismiss']);
    assert.deepEqual(sent, []);
  });

  it('never sends a recovery email for an episode that did not send its trouble email', () => {
    // Every sequence of facts over a week, checked hourly: each recovery follows a trouble email.
    const sequences: AlertFacts[][] = [
      [failing(0, 1), failing(0, 24), healthy, failing(30, 31), failing(30, 60), healthy],
      [reconnect(0), healthy, reconnect(5), healthy],
      [failing(0, 20), healthy, failing(22, 40), { ...healthy, linked: false }],
    ];
    for (const kind of ['needs_reconnect', 'runs_failing'] as const) {
      for (const sequence of sequences) {
        let state: AlertState | null = null;
        const emails: string[] = [];
        sequence.forEach((facts, i) => {
          const result = settle(kind, state, facts, at(i * 12 + 24));
          emails.push(...result.sent);
          state = result.state;
        });
        let open = false;
        for (const email of emails) {
          if (email === 'trouble') {
            assert.equal(open, false, `${kind}: a second trouble email in one episode: ${emails}`);
            open = true;
          } else {
            assert.equal(open, true, `${kind}: a recovery email without a trouble email: ${emails}`);
            open = false;
          }
        }
      }
    }
  });
});
