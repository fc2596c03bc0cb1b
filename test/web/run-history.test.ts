import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCounts, type SyncRun } from '../../src/model/sync-run.ts';
import { renderRunHistory } from '../../src/web/views/run-history.ts';

const run = (notices: string[]): SyncRun => ({
  id: 'run-1',
  organizationId: 'org-1',
  trigger: 'schedule',
  status: 'succeeded',
  startedAt: '2026-05-01T10:00:00.000Z',
  finishedAt: '2026-05-01T10:00:03.000Z',
  counts: emptyCounts(),
  progress: null,
  error: null,
  notices,
  ccCalls: 3,
  moreWork: false,
});

describe('the run history on the connector page', () => {
  it("shows a run's notices in its outcome, escaped", () => {
    const page = renderRunHistory([
      run(['The list "Customer list" was deleted in Constant Contact: the connector re-created it.']),
    ]).toString();
    assert.match(
      page,
      /succeeded<\/span><br>The list &quot;Customer list&quot; was deleted in Constant Contact: the connector re-created it\.<\/td>/,
    );
  });

  it('shows nothing more for a run without notices', () => {
    assert.match(renderRunHistory([run([])]).toString(), /succeeded<\/span><\/td>/);
  });
});
