import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCounts, type SyncRun } from '../../src/model/sync-run.ts';
import { localTimes } from '../../src/time-text.ts';
import { type ProgressState, renderProgress } from '../../src/web/views/sync-progress.ts';

const running = (progress: Record<string, number>): ProgressState => {
  const run: SyncRun = {
    id: 'run-1',
    organizationId: 'org-1',
    trigger: 'manual',
    status: 'running',
    startedAt: '2026-05-01T10:00:00.000Z',
    finishedAt: null,
    counts: emptyCounts(),
    progress,
    error: null,
    notices: [],
    ccCalls: null,
    moreWork: false,
  };
  return {
    organizationId: 'org-1',
    running: run,
    latest: null,
    awaitingSince: null,
    now: new Date('2026-05-01T10:00:05.000Z'),
    times: localTimes(null, new Date('2026-05-01T10:00:05.000Z')),
    linked: true,
    csrfToken: 'csrf',
    nextPollAt: null,
  };
};

describe('the live progress of a run', () => {
  it('counts Connec! records and Constant Contact contacts apart, each with its noun', () => {
    const text = renderProgress(running({ people: 5, organizations: 2, contacts: 1 })).toString();
    assert.match(text, /7 Connec! records and 1 Constant Contact contact processed so far\./);
    assert.match(text, /<li>People in Connec!: <strong>5<\/strong><\/li>/);
    assert.match(text, /<li>Constant Contact contacts: <strong>1<\/strong><\/li>/);
  });

  it('says nothing was processed before the first page is read', () => {
    assert.match(renderProgress(running({})).toString(), /nothing processed so far\./);
  });
});
