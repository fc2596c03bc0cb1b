import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contactToShared,
  sharedToContactCreate,
  sharedToContactUpdate,
} from '../../src/mapping/contact-shared.ts';
import {
  defineContactMapping,
  hubListRoles,
  hubToShared,
  isHubActive,
  listRolesToHubFlags,
  sharedToHubPatch,
} from '../../src/mapping/define-contact-mapping.ts';
import { checkEmail } from '../../src/mapping/eligibility.ts';
import { employeeContact } from '../../src/mapping/employee-contact.ts';
import { roleOfListName } from '../../src/mapping/list-roles.ts';
import { organizationContact } from '../../src/mapping/organization-contact.ts';
import { personContact } from '../../src/mapping/person-contact.ts';
import { defineMappingRegistry, MAPPINGS, rolesHeldBy } from '../../src/mapping/registry.ts';
import { contentHash } from '../../src/mapping/shared-contact.ts';

const person = {
  id: [{ id: 'p-1', provider: 'connec', realm: 'cld-1' }],
  group_id: 'cld-1',
  first_name: 'Ann',
  last_name: 'Lee',
  job_title: 'Buyer',
  email: { address: 'ann@example.com' },
  address_work: {
    billing: {
      line1: '1 Main St',
      line2: 'Floor 2',
      city: 'Sydney',
      region: 'NSW',
      postal_code: '2000',
      country: 'AU',
    },
    shipping: { line1: 'Dock 4', city: 'Sydney' },
  },
  phone_home: { landline: '+61 2 1111', mobile: '+61 400 222' },
  phone_work: { landline: '+61 2 3333' },
  is_customer: true,
  is_supplier: false,
  is_lead: true,
  status: 'ACTIVE',
  notes: 'kept by another app',
};

describe('person <-> contact', () => {
  it('maps every person field the test plan lists', () => {
    assert.deepEqual(hubToShared(personContact, person), {
      email: 'ann@example.com',
      first_name: 'Ann',
      last_name: 'Lee',
      job_title: 'Buyer',
      company_name: null,
      phone_home: '+61 2 1111',
      phone_mobile: '+61 400 222',
      phone_work: '+61 2 3333',
      address_work: {
        street: '1 Main St\nFloor 2',
        city: 'Sydney',
        state: 'NSW',
        postal_code: '2000',
        country: 'AU',
      },
    });
  });

  it('puts the contact in the lists its flags name', () => {
    assert.deepEqual(hubListRoles(personContact, person), ['customer', 'lead']);
    assert.deepEqual(hubListRoles(personContact, { ...person, is_lead: false, is_supplier: true }), [
      'customer',
      'supplier',
    ]);
  });

  it('knows an INACTIVE person leaves the lists', () => {
    assert.equal(isHubActive(personContact, person), true);
    assert.equal(isHubActive(personContact, { ...person, status: 'INACTIVE' }), false);
  });

  it('round-trips through a CC contact field by field', () => {
    const shared = hubToShared(personContact, person);
    const { body, truncated } = sharedToContactCreate({ ...shared, email: 'ann@example.com' }, ['list-c']);
    assert.deepEqual(truncated, []);
    assert.deepEqual(body.email_address, { address: 'ann@example.com' }, 'never a permission_to_send');
    assert.deepEqual(body.list_memberships, ['list-c']);
    assert.deepEqual(body.street_addresses, [
      {
        kind: 'work',
        street: '1 Main St\nFloor 2',
        city: 'Sydney',
        state: 'NSW',
        postal_code: '2000',
        country: 'AU',
      },
    ]);
    const asContact = {
      contact_id: 'c-1',
      ...body,
      phone_numbers: body.phone_numbers,
      street_addresses: body.street_addresses,
    };
    assert.deepEqual(contactToShared(asContact as never), shared);
  });

  it('writes back to the hub only the fields asked, keeping the rest of the record', () => {
    const patch = sharedToHubPatch(
      personContact,
      { last_name: 'Lee-Smith', phone_mobile: '+61 499' },
      person,
    );
    assert.deepEqual(patch, {
      last_name: 'Lee-Smith',
      phone_home: { landline: '+61 2 1111', mobile: '+61 499' },
    });
    const address = sharedToHubPatch(
      personContact,
      {
        address_work: { street: '9 New Rd', city: 'Perth', state: 'WA', postal_code: '6000', country: 'AU' },
      },
      person,
    );
    assert.deepEqual(address, {
      address_work: {
        billing: {
          line1: '9 New Rd',
          line2: null,
          city: 'Perth',
          region: 'WA',
          postal_code: '6000',
          country: 'AU',
        },
        shipping: { line1: 'Dock 4', city: 'Sydney' },
      },
    });
  });

  it('makes hub flags for a person created from a CC contact', () => {
    assert.deepEqual(listRolesToHubFlags(personContact, ['supplier']), {
      is_customer: false,
      is_supplier: true,
      is_lead: false,
    });
  });
});

describe('organization -> contact', () => {
  it('maps name, email, phone and address', () => {
    const org = {
      name: 'Acme Pty Ltd',
      email: { address: 'hello@acme.example' },
      phone: { landline: '+61 2 5555' },
      address: { billing: { line1: '5 Market St', city: 'Sydney', country: 'AU' } },
      is_supplier: true,
      status: 'ACTIVE',
    };
    const shared = hubToShared(organizationContact, org);
    assert.equal(shared.company_name, 'Acme Pty Ltd');
    assert.equal(shared.email, 'hello@acme.example');
    assert.equal(shared.phone_work, '+61 2 5555');
    assert.deepEqual(shared.address_work, {
      street: '5 Market St',
      city: 'Sydney',
      state: null,
      postal_code: null,
      country: 'AU',
    });
    assert.equal(shared.first_name, null);
    assert.deepEqual(hubListRoles(organizationContact, org), ['supplier']);
  });
});

describe('employee -> contact', () => {
  it('maps the person fields and always lists the contact in "Employee list", hub to CC only', () => {
    const employee = {
      first_name: 'Eve',
      last_name: 'Ng',
      job_title: 'Chef',
      email: { address: 'eve@example.com' },
    };
    const shared = hubToShared(employeeContact, employee);
    assert.deepEqual(
      [shared.first_name, shared.last_name, shared.job_title, shared.email],
      ['Eve', 'Ng', 'Chef', 'eve@example.com'],
    );
    assert.deepEqual(hubListRoles(employeeContact, employee), ['employee']);
    assert.deepEqual(employeeContact.flows, { hubToCc: true, ccToHub: false });
  });
});

describe('mapping declarations', () => {
  it('cover people, organizations and employees once each', () => {
    assert.deepEqual(
      MAPPINGS.contacts.map((m) => m.hubCollection),
      ['people', 'organizations', 'employees'],
    );
  });

  it('declare what goes where: primacy, labels, and the collection contacts born in CC go to', () => {
    assert.deepEqual(
      ['employees', 'organizations', 'people', 'company'].map(MAPPINGS.primacyRank),
      [2, 1, 0, 3],
      'people before organizations before employees',
    );
    assert.deepEqual(['people', 'organizations', 'employees', 'company'].map(MAPPINGS.recordLabel), [
      'Person',
      'Organization',
      'Employee',
      'Company',
    ]);
    assert.equal(MAPPINGS.ccBorn.mapping.hubCollection, 'people');
    assert.equal(MAPPINGS.ccBorn.defaultRole, 'customer');
    assert.deepEqual(rolesHeldBy(MAPPINGS.ccBorn.mapping), ['customer', 'supplier', 'lead']);
    assert.deepEqual(rolesHeldBy(employeeContact), ['employee']);
  });

  it('give each collection and the company the labels and default direction the page shows', () => {
    assert.deepEqual(MAPPINGS.collections, ['people', 'organizations', 'employees', 'company']);
    assert.deepEqual(MAPPINGS.collections.map(MAPPINGS.collectionLabel), [
      'People',
      'Organizations',
      'Employees',
      'Company profile',
    ]);
    assert.deepEqual(
      MAPPINGS.collections.map((c) => MAPPINGS.directionOf({}, c)),
      ['both', 'both', 'hub_to_cc', 'both'],
      'every way the mapping flows; employees go from the hub to CC only',
    );
    assert.equal(MAPPINGS.directionOf({ employees: 'off' }, 'employees'), 'off', 'an admin choice wins');
  });

  it('make a registry that is checked when declared', () => {
    const ccBorn = { mapping: personContact, defaultRole: 'customer' } as const;
    assert.throws(
      () => defineMappingRegistry({ contacts: [personContact, personContact], ccBorn }),
      /share one hub collection/,
    );
    assert.throws(
      () =>
        defineMappingRegistry({
          contacts: [
            personContact,
            defineContactMapping({ ...organizationContact, hubCollection: 'company' }),
          ],
          ccBorn,
        }),
      /company profile, not a contact collection/,
    );
    assert.throws(
      () => defineMappingRegistry({ contacts: [organizationContact], ccBorn }),
      /Contacts created in CC go to people: a registered mapping that flows from CC/,
    );
    assert.throws(
      () =>
        defineMappingRegistry({
          contacts: [employeeContact],
          ccBorn: { mapping: employeeContact, defaultRole: 'employee' },
        }),
      /a registered mapping that flows from CC/,
    );
    assert.throws(
      () =>
        defineMappingRegistry({
          contacts: [personContact],
          ccBorn: { mapping: personContact, defaultRole: 'employee' },
        }),
      /people records cannot hold the role "employee"/,
    );
    assert.throws(
      () => MAPPINGS.contactMappingFor('invoices'),
      /No contact mapping for the hub collection "invoices"/,
    );
  });

  it('are checked when declared', () => {
    assert.throws(
      () =>
        defineContactMapping({ ...personContact, text: { ...personContact.text, job_title: 'Job Title!' } }),
      /"Job Title!" is not a dotted hub field path/,
    );
    assert.throws(
      () => defineContactMapping({ ...personContact, text: { first_name: 'first_name' } }),
      /email field is required/,
    );
  });

  it('find the connector lists by name, whatever the case', () => {
    assert.equal(roleOfListName('customer LIST'), 'customer');
    assert.equal(roleOfListName('Newsletter'), null);
  });
});

describe('writing to Constant Contact', () => {
  it('cuts long fields to CC limits and says which', () => {
    const shared = {
      ...hubToShared(personContact, person),
      first_name: 'F'.repeat(60),
      email: 'ann@example.com',
    };
    const { body, truncated } = sharedToContactCreate(shared, []);
    assert.equal(body.first_name, 'F'.repeat(50));
    assert.deepEqual(truncated, ['first_name']);
  });

  it('keeps what the connector does not manage on a full update, and never sends a permission', () => {
    const existing = {
      contact_id: 'c-1',
      email_address: { address: 'ann@example.com', permission_to_send: 'unsubscribed' },
      first_name: 'Ann',
      birthday_month: 4,
      birthday_day: 2,
      custom_fields: [{ custom_field_id: 'cf-1', value: 'gold' }],
      phone_numbers: [
        { kind: 'home', phone_number: 'old' },
        { kind: 'other', phone_number: '+1 555' },
      ],
      street_addresses: [{ kind: 'home', street: '2 Home St', city: 'Bondi' }],
      list_memberships: ['newsletter', 'list-customer'],
    };
    const shared = { ...hubToShared(personContact, person), email: 'ann@example.com' };
    const { body } = sharedToContactUpdate(
      shared,
      existing as never,
      ['list-lead'],
      new Set(['list-customer', 'list-lead']),
    );
    assert.deepEqual(body.email_address, { address: 'ann@example.com' });
    assert.equal(body.birthday_month, 4);
    assert.deepEqual(body.custom_fields, [{ custom_field_id: 'cf-1', value: 'gold' }]);
    assert.equal(body.phone_numbers?.length, 3, 'at most three phones');
    assert.deepEqual(
      body.phone_numbers?.map((p) => p.kind),
      ['home', 'mobile', 'work'],
    );
    assert.deepEqual(
      body.street_addresses?.map((a) => a.kind),
      ['work', 'home'],
    );
    assert.deepEqual(
      body.list_memberships,
      ['list-lead', 'newsletter'],
      'our lists follow the roles; others stay',
    );
    assert.equal(body.update_source, 'Account');
  });
});

describe('eligibility', () => {
  const cases: Array<[string | null, string | null]> = [
    ['ann@example.com', null],
    ['  Ann.Lee+news@sub.example.co.uk ', null],
    [null, 'no email'],
    ['   ', 'no email'],
    ['ann.example.com', 'invalid email: no "@" between a name and a domain'],
    ['ann@', 'invalid email: no "@" between a name and a domain'],
    ['ann@localhost', 'invalid email: "localhost" is not a valid domain'],
    ['an n@example.com', 'invalid email: "an n" is not a valid name before "@"'],
    ['ann..lee@example.com', 'invalid email: "ann..lee" is not a valid name before "@"'],
    [`${'a'.repeat(70)}@example.com`, 'invalid email: longer than 80 characters'],
  ];
  for (const [email, reason] of cases) {
    it(`${JSON.stringify(email)} is ${reason ?? 'eligible'}`, () => {
      const result = checkEmail(email);
      if (reason === null) assert.equal(result.eligible, true);
      else assert.deepEqual(result, { eligible: false, reason });
    });
  }
});

describe('content hashes', () => {
  it('are equal for equal content in any key order, and differ otherwise', () => {
    assert.equal(contentHash({ a: 1, b: { c: 2, d: null } }), contentHash({ b: { d: null, c: 2 }, a: 1 }));
    assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
  });
});
