import { defineContactMapping } from './define-contact-mapping.ts';

/**
 * Connec! organization (a customer, supplier or lead company) <-> Constant Contact contact. Edits made in
 * CC to a linked contact come back to the organization; a contact created in CC becomes a person, never an
 * organization.
 */
export const organizationContact = defineContactMapping({
  hubCollection: 'organizations',
  entity: 'organization',
  label: 'Organization',
  collectionLabel: 'Organizations',
  flows: { hubToCc: true, ccToHub: true },
  text: {
    email: 'email.address',
    company_name: 'name',
    phone_work: 'phone.landline',
  },
  address: 'address.billing',
  lists: { flags: { customer: 'is_customer', supplier: 'is_supplier', lead: 'is_lead' } },
  status: 'status',
});
