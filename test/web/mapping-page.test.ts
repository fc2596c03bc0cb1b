import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMPANY_FIELD_PLACES } from '../../src/mapping/company-account.ts';
import { CC_CONTACT_FIELDS } from '../../src/mapping/contact-shared.ts';
import { MAPPINGS } from '../../src/mapping/registry.ts';
import { startWebTestApp, type WebTestApp } from '../helpers/web-app.ts';

/** The text of a table row of the page, tags stripped. */
const rowOf = (body: string, hubField: string) => {
  const row = new RegExp(`<tr data-field="${hubField.replace(/\./g, '\\.')}">([\\s\\S]*?)</tr>`).exec(
    body,
  )?.[1];
  return row
    ?.replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
};

describe('the mapping page: what maps to what, from the mapping registry', () => {
  let t: WebTestApp;
  let member: { cookie: string; location: string };
  before(async () => {
    t = await startWebTestApp();
    member = await t.signIn({ uid: 'usr-map', groupUid: 'cld-map', role: 'Member' });
  });
  after(async () => {
    await t.close();
  });

  const page = () =>
    t.app.inject({ method: 'GET', url: `${member.location}/mapping`, headers: { cookie: member.cookie } });

  it('lists every mapped field of every collection and of the company, with the field it feeds', async () => {
    const response = await page();
    assert.equal(response.statusCode, 200);
    for (const mapping of MAPPINGS.contacts) {
      const section = new RegExp(
        `<section class="card" id="mapping-${mapping.hubCollection}">([\\s\\S]*?)</section>`,
      ).exec(response.body)?.[1];
      assert.ok(section, `${mapping.hubCollection} has a section`);
      for (const [field, hubPath] of Object.entries(mapping.text)) {
        assert.match(section, new RegExp(`<code>${hubPath}</code>`), `${mapping.hubCollection}.${hubPath}`);
        assert.ok(section.includes(CC_CONTACT_FIELDS[field as keyof typeof CC_CONTACT_FIELDS]), field);
      }
      if (mapping.address) assert.ok(section.includes(mapping.address));
      for (const flag of Object.values(mapping.lists.flags ?? {})) assert.ok(section.includes(flag), flag);
    }
    for (const places of Object.values(COMPANY_FIELD_PLACES)) {
      assert.ok(response.body.includes(places.hub) && response.body.includes(places.cc), places.hub);
    }
    assert.match(response.body, /A contact created in Constant Contact becomes a person in Connec!/);
  });

  it('shows each field in the direction the settings and the mapping allow', async () => {
    assert.equal(rowOf((await page()).body, 'first_name'), 'first_name ⇄ Both ways first_name');
    const organizationId = member.location.split('/').pop()!;
    await t.repos.organizations.updateSettings(organizationId, {
      directions: { people: 'hub_to_cc', company: 'off' },
    });
    const body = (await page()).body;
    const people = /id="mapping-people">([\s\S]*?)<\/section>/.exec(body)![1]!;
    assert.match(rowOf(people, 'email.address')!, /→ To Constant Contact/);
    const employees = /id="mapping-employees">([\s\S]*?)<\/section>/.exec(body)![1]!;
    assert.match(
      rowOf(employees, 'email.address')!,
      /→ To Constant Contact/,
      'employees flow one way by their mapping',
    );
    const company = /id="mapping-company">([\s\S]*?)<\/section>/.exec(body)![1]!;
    assert.match(rowOf(company, 'name')!, /– Not shared/);
    assert.match(company, /Not shared<\/span>/, 'the heading says the company is not shared');
  });

  it('is for members of the organization only', async () => {
    const other = await t.signIn({ uid: 'usr-other-map', groupUid: 'cld-other-map' });
    const response = await t.app.inject({
      method: 'GET',
      url: `${member.location}/mapping`,
      headers: { cookie: other.cookie },
    });
    assert.equal(response.statusCode, 403);
  });
});
