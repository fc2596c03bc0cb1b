import type { CollectionOverview, FieldFlow, MappingOverview } from '../../mapping/mapping-overview.ts';
import type { Organization } from '../../model/organization.ts';
import { html, type SafeHtml } from '../html.ts';
import { DIRECTION_LABELS } from './settings.ts';

const FLOW_WORDS: Record<FieldFlow, { arrow: string; words: string }> = {
  both: { arrow: '⇄', words: 'Both ways' },
  to_cc: { arrow: '→', words: 'To Constant Contact' },
  to_hub: { arrow: '←', words: 'To Connec!' },
  none: { arrow: '–', words: 'Not shared' },
};

function collection(overview: CollectionOverview): SafeHtml {
  const rows = overview.fields.map(
    (f) =>
      html`<tr data-field="${f.hub}"><td data-label="Connec! field"><code>${f.hub}</code></td><td class="flow" data-label="Goes"><span aria-hidden="true">${FLOW_WORDS[f.flow].arrow}</span> ${FLOW_WORDS[f.flow].words}</td><td data-label="Constant Contact field"><code>${f.cc}</code></td></tr>`,
  );
  const lists = overview.lists.map(
    (l) =>
      html`<li>${l.when === 'always' ? 'Always' : html`When <code>${l.when.replace(/ is true$/, '')}</code> is true`}: in “${l.list}”</li>`,
  );
  return html`<section class="card" id="mapping-${overview.collection}">
<h2>${overview.label} <span class="muted">· ${DIRECTION_LABELS[overview.direction]}</span></h2>
<div class="table-wrap"><table class="responsive">
<caption class="visually-hidden">${overview.label}: Connec! fields and the Constant Contact fields they feed</caption>
<thead><tr><th scope="col">Connec! field</th><th scope="col">Goes</th><th scope="col">Constant Contact field</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${lists.length > 0 ? html`<h3>Lists</h3><ul>${lists}</ul>` : ''}
${overview.inactive ? html`<p>When <code>${overview.inactive.replace(/ is INACTIVE$/, '')}</code> is INACTIVE, the contact leaves the connector's lists.</p>` : ''}
</section>`;
}

/** What maps to what, generated from the mapping registry and the organization's directions. */
export function renderMapping(organization: Organization, overview: MappingOverview, base: string): SafeHtml {
  return html`<h1>What maps to what</h1>
<p class="muted">${organization.name} · the fields the connector shares, in the directions your settings allow. <a href="${base}">Back to the connector page</a></p>
<p>A contact created in Constant Contact becomes a ${overview.ccBorn.label.toLowerCase()} in Connec!, in the role of the connector's lists it is in, or a customer (“${overview.ccBorn.defaultList}”) when in none.</p>
${overview.contacts.map(collection)}
${collection(overview.company)}`;
}
