import { defineContactMapping } from './define-contact-mapping.ts';

/** Connec! employee -> Constant Contact contact in "Employee list" (test plan: "Employee"), hub to CC only. */
export const employeeContact = defineContactMapping({
  hubCollection: 'employees',
  entity: 'employee',
  label: 'Employee',
  collectionLabel: 'Employees',
  flows: { hubToCc: true, ccToHub: false },
  text: {
    email: 'email.address',
    first_name: 'first_name',
    last_name: 'last_name',
    job_title: 'job_title',
    phone_home: 'phone_home.landline',
    phone_mobile: 'phone_home.mobile',
  },
  address: 'address_work.billing',
  lists: { fixed: ['employee'] },
});
