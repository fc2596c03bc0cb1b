import { defineContactMapping } from './define-contact-mapping.ts';

/** Connec! person <-> Constant Contact contact (test plan: "People"). */
export const personContact = defineContactMapping({
  hubCollection: 'people',
  entity: 'person',
  label: 'Person',
  collectionLabel: 'People',
  flows: { hubToCc: true, ccToHub: true },
  text: {
    email: 'email.address',
    first_name: 'first_name',
    last_name: 'last_name',
    job_title: 'job_title',
    phone_home: 'phone_home.landline',
    phone_mobile: 'phone_home.mobile',
    phone_work: 'phone_work.landline',
  },
  address: 'address_work.billing',
  lists: { flags: { customer: 'is_customer', supplier: 'is_supplier', lead: 'is_lead' } },
  status: 'status',
});
