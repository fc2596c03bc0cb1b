import { MAPPINGS } from '../../mapping/registry.ts';
import { DIRECTIONS, type Direction } from '../../model/hub-collections.ts';
import { CONFLICT_WINNERS, type ConflictWinner, type Organization } from '../../model/organization.ts';
import type { LocalTimes } from '../../time-text.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatDate } from './format.ts';

export const DIRECTION_LABELS: Record<Direction, string> = {
  both: 'Both ways',
  hub_to_cc: 'From Connec! to Constant Contact only',
  cc_to_hub: 'From Constant Contact to Connec! only',
  off: 'Not shared',
};

export const WINNER_LABELS: Record<ConflictWinner, string> = {
  newest: 'The most recent change',
  hub: 'Connec! (your other apps)',
  cc: 'Constant Contact',
};

export function renderSettings(
  organization: Organization,
  options: { canChange: boolean; csrfToken: string; base: string; times: LocalTimes },
): SafeHtml {
  const { settings } = organization;
  const disabled = !options.canChange;
  const directions = MAPPINGS.collections.map((collection) => {
    const id = `direction-${collection}`;
    const chosen = MAPPINGS.directionOf(settings.directions, collection);
    return html`<div class="field"><label for="${id}">${MAPPINGS.collectionLabel(collection)}</label>
<select id="${id}" name="direction_${collection}">${DIRECTIONS.map(
      (d) => html`<option value="${d}"${chosen === d ? html` selected` : ''}>${DIRECTION_LABELS[d]}</option>`,
    )}</select></div>`;
  });
  const winners = CONFLICT_WINNERS.map(
    (w) =>
      html`<label class="radio"><input type="radio" name="conflict_winner" value="${w}"${settings.conflictWinner === w ? html` checked` : ''}> ${WINNER_LABELS[w]}</label>`,
  );
  const historical = settings.shareHistorical
    ? html`<p><strong>Historical data is shared.</strong> Records that existed before the connection are shared too; this cannot be turned off.</p>`
    : html`<p>Only records created after the connection (${formatDate(options.times, settings.sharingStartsAt)}) are shared. Records that existed before are matched by email and linked, never duplicated.</p>
<p><a class="button secondary" href="${options.base}/historical">Review sharing historical data…</a></p>`;
  return html`${
    disabled
      ? html`<p class="notice info" data-read-only="yes">Only an Admin or Super Admin of this organization can change these settings. You can see them here.</p>`
      : ''
  }
<form method="post" action="${options.base}/settings">
<input type="hidden" name="_csrf" value="${options.csrfToken}">
<fieldset${disabled ? html` disabled` : ''}>
<legend>What is shared, and which way</legend>
${directions}
<p><a href="${options.base}/mapping">See what maps to what, field by field</a></p>
</fieldset>
<fieldset${disabled ? html` disabled` : ''}>
<legend>When a field changed on both sides, keep</legend>
${winners}
</fieldset>
<fieldset${disabled ? html` disabled` : ''}>
<legend>Deletions</legend>
<label class="radio"><input type="checkbox" name="hard_deletes" value="yes"${settings.hardDeletes ? html` checked` : ''}> Delete the Constant Contact contact when its record is deleted in Connec!</label>
<p class="muted">Unticked, the contact only leaves the connector's lists and keeps its history in Constant Contact.</p>
</fieldset>
${disabled ? '' : html`<button type="submit">Save settings</button>`}
</form>
<h3>Historical data</h3>
${historical}`;
}
