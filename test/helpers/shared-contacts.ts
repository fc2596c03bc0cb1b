import type { SharedContact } from '../../src/mapping/shared-contact.ts';

/** A contact as both sides share it: the starting point of the planner's table tests. */
export const ann: SharedContact = {
  email: 'ann@example.com',
  first_name: 'Ann',
  last_name: 'Lee',
  job_title: 'Buyer',
  company_name: null,
  phone_home: null,
  phone_mobile: null,
  phone_work: null,
  address_work: null,
};
