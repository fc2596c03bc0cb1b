import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accountToShared,
  companyToShared,
  sharedToAccountPut,
  sharedToCompanyPatch,
  sharedToPhysicalAddress,
} from '../../src/mapping/company-account.ts';

const company = {
  name: 'Demo Bakery',
  timezone: 'Australia/Sydney',
  email: { address: 'hello@bakery.example' },
  website: { url: 'https://bakery.example' },
  address: {
    billing: { line1: '1 Flour St', city: 'Sydney', region: 'NSW', postal_code: '2000', country: 'au' },
  },
  logo: { logo: 'https://cdn.example/logo.png' },
  currency: 'AUD',
};

const summary = {
  organization_name: 'Demo Bakery',
  time_zone_id: 'Australia/Sydney',
  contact_email: 'hello@bakery.example',
  website: 'https://bakery.example',
  first_name: 'Owner',
  physical_address: {
    address_line1: '1 Flour St',
    city: 'Sydney',
    state_name: 'NSW',
    postal_code: '2000',
    country_code: 'AU',
  },
  company_logo: { url: 'https://cdn.example/logo.png' },
};

describe('company <-> account summary', () => {
  it('reads the same company from both sides', () => {
    assert.deepEqual(companyToShared(company), accountToShared(summary));
    assert.deepEqual(companyToShared(company), {
      name: 'Demo Bakery',
      timezone: 'Australia/Sydney',
      email: 'hello@bakery.example',
      website: 'https://bakery.example',
      logo_url: 'https://cdn.example/logo.png',
      address: {
        line1: '1 Flour St',
        line2: null,
        city: 'Sydney',
        state: 'NSW',
        postal_code: '2000',
        country: 'AU',
      },
    });
  });

  it('writes the account summary from the company, keeping what the hub does not hold', () => {
    const shared = { ...companyToShared(company), name: 'Demo Bakery & Co' };
    const put = sharedToAccountPut(shared, summary);
    assert.equal(put.organization_name, 'Demo Bakery & Co');
    assert.equal(put.time_zone_id, 'Australia/Sydney');
    assert.equal(put.first_name, 'Owner');
    assert.ok(!('physical_address' in put) && !('company_logo' in put), 'those have their own endpoints');
  });

  it('writes the physical address with a state code in the US and Canada, a state name elsewhere', () => {
    const au = sharedToPhysicalAddress(companyToShared(company).address);
    assert.deepEqual(au, {
      address_line1: '1 Flour St',
      city: 'Sydney',
      country_code: 'AU',
      postal_code: '2000',
      state_name: 'NSW',
    });
    const us = sharedToPhysicalAddress({
      line1: '1 Main',
      line2: null,
      city: 'Austin',
      state: 'TX',
      postal_code: null,
      country: 'US',
    });
    assert.equal(us?.state_code, 'TX');
    assert.equal(
      sharedToPhysicalAddress({
        line1: null,
        line2: null,
        city: 'X',
        state: null,
        postal_code: null,
        country: 'US',
      }),
      null,
    );
    assert.equal(
      sharedToPhysicalAddress({
        line1: '1',
        line2: null,
        city: 'X',
        state: null,
        postal_code: null,
        country: 'Australia',
      }),
      null,
      'CC needs a two-letter country',
    );
  });

  it('writes back to the hub company only what changed, keeping its other data', () => {
    const patch = sharedToCompanyPatch(
      { website: 'https://new.example', logo_url: 'https://cdn.example/new.png' },
      company,
    );
    assert.deepEqual(patch, {
      website: { url: 'https://new.example' },
      logo: { logo: 'https://cdn.example/new.png' },
    });
  });
});
