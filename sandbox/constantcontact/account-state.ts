import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { CcAccountSummary, SummaryWritableField } from './account-summary.ts';
import {
  type CcErrorEntry,
  ccError,
  conflictErrorKey,
  emailNotUnique,
  notFoundErrorKey,
  validationErrorKey,
} from './cc-errors.ts';
import type { CcKnobs } from './cc-knobs.ts';
import {
  type ContactWrite,
  contactScalarFields,
  type StoredContact,
  type StoredList,
  type StoredPhoneNumber,
  type StoredStreetAddress,
} from './contact-model.ts';
import { allContactIncludes, type CcContactResource, renderContact } from './contact-representation.ts';
import { ccLimits, validateContactWrite } from './contact-validation.ts';
import { CcCustomFields, type StoredCustomField, type StoredCustomFieldValue } from './custom-fields.ts';

/** The result of a change: the contact, or CC's HTTP status and error array. */
export type ContactOutcome =
  | { ok: true; contact: StoredContact }
  | { ok: false; status: number; errors: CcErrorEntry[] };

/** A contact as a test or the seeding describes it; `lists` are list names, created when missing. */
export interface CcContactInput extends Omit<ContactWrite, 'list_memberships'> {
  email: string;
  lists?: string[];
}

/** The knobs the account's rules read at each change (the emulator's live knobs object). */
export type CcAccountRules = Pick<CcKnobs, 'listMembershipsOnPut'>;

/** How a write treats the sub-resources it carries: a new contact, CC's PUT, or a partial change. */
type WriteKind = 'create' | 'put' | 'patch';

/** Thrown when a test's direct change is one CC's UI would refuse (the message says why). */
export class CcUserActionError extends Error {
  constructor(readonly errors: CcErrorEntry[]) {
    super(errors.map((e) => e.error_message).join(' '));
    this.name = 'CcUserActionError';
  }
}

/**
 * One CC account: its summary, lists and contacts, with CC's rules for changing them. The API routes, the
 * bulk activities, the /app page and tests (acting as the account's user in CC's UI) all go through it.
 */
export class CcAccount {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  summary: CcAccountSummary;
  /** The account's custom field definitions. */
  readonly customFields: CcCustomFields;
  readonly #clock: Clock;
  readonly #rules: CcAccountRules;
  readonly #contacts = new Map<string, StoredContact>();
  readonly #contactIdByEmail = new Map<string, string>();
  readonly #lists = new Map<string, StoredList>();
  #sequence = 0;

  constructor(input: {
    id: string;
    username: string;
    password: string;
    summary: CcAccountSummary;
    clock: Clock;
    rules: CcAccountRules;
  }) {
    this.id = input.id;
    this.username = input.username;
    this.password = input.password;
    this.summary = input.summary;
    this.#clock = input.clock;
    this.#rules = input.rules;
    this.customFields = new CcCustomFields(input.clock);
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }

  // ---- Lists -------------------------------------------------------------------------------------------

  /** Lists in creation order. */
  storedLists(): StoredList[] {
    return [...this.#lists.values()];
  }

  storedList(listId: string): StoredList | undefined {
    return this.#lists.get(listId);
  }

  findListByName(name: string): StoredList | undefined {
    const wanted = name.trim().toLowerCase();
    return this.storedLists().find((l) => l.name.toLowerCase() === wanted);
  }

  /** Creates a list; CC refuses a second list with the same name (case-insensitive) with 409. */
  addList(input: {
    name: string;
    favorite?: boolean;
    description?: string;
  }): { ok: true; list: StoredList } | { ok: false; status: number; errors: CcErrorEntry[] } {
    const name = input.name.trim();
    if (!name) return { ok: false, status: 400, errors: [ccError(validationErrorKey, 'name is required.')] };
    if (this.findListByName(name)) {
      return {
        ok: false,
        status: 409,
        errors: [ccError(conflictErrorKey, `The list name "${name}" is already in use.`)],
      };
    }
    const now = this.#now();
    const list: StoredList = {
      list_id: randomUUID(),
      name,
      favorite: input.favorite ?? false,
      created_at: now,
      updated_at: now,
    };
    if (input.description !== undefined) list.description = input.description;
    this.#lists.set(list.list_id, list);
    return { ok: true, list };
  }

  /**
   * PUT /v3/contact_lists/{id}: the list takes the body's name, favorite and description (a PUT replaces
   * all three); the name stays unique across the account's other lists (409).
   */
  replaceList(
    listId: string,
    input: { name: string; favorite?: boolean; description?: string },
  ): { ok: true; list: StoredList } | { ok: false; status: number; errors: CcErrorEntry[] } {
    const list = this.#lists.get(listId);
    if (!list)
      return { ok: false, status: 404, errors: [ccError(notFoundErrorKey, `List ${listId} was not found.`)] };
    const name = input.name.trim();
    if (!name) return { ok: false, status: 400, errors: [ccError(validationErrorKey, 'name is required.')] };
    const holder = this.findListByName(name);
    if (holder && holder.list_id !== listId) {
      // PUT declares no 409 (POST does): a taken name is a data validation error here.
      return {
        ok: false,
        status: 400,
        errors: [ccError(validationErrorKey, `The list name "${name}" is already in use.`)],
      };
    }
    list.name = name;
    list.favorite = input.favorite ?? false;
    if (input.description !== undefined) list.description = input.description;
    else delete list.description;
    list.updated_at = this.#now();
    return { ok: true, list };
  }

  /**
   * Deletes a list and its memberships (the end of CC's asynchronous list delete). `touchContacts` moves
   * the former members' `updated_at`, as a membership change does (see the `listDeleteTouchesContacts`
   * knob). Returns how many contacts left the list; false when the list does not exist.
   */
  removeList(listId: string, touchContacts: boolean): number | false {
    if (!this.#lists.delete(listId)) return false;
    const now = this.#now();
    let members = 0;
    for (const contact of this.#contacts.values()) {
      if (!contact.list_memberships.includes(listId)) continue;
      contact.list_memberships = contact.list_memberships.filter((id) => id !== listId);
      if (touchContacts) contact.updated_at = now;
      members += 1;
    }
    return members;
  }

  /**
   * The contact gave explicit permission (a sign-up form): CC sets `permission_to_send` to explicit, even
   * for a contact that had unsubscribed, since the contact acts themself.
   */
  grantExplicitPermission(contactId: string): void {
    const contact = this.#contacts.get(contactId);
    if (!contact || contact.email_address.permission_to_send === 'explicit') return;
    const email = contact.email_address;
    const now = this.#now();
    email.permission_to_send = 'explicit';
    email.updated_at = now;
    delete email.opt_out_source;
    delete email.opt_out_date;
    delete email.opt_out_reason;
    contact.updated_at = now;
  }

  membershipCount(listId: string, activeOnly = false): number {
    let count = 0;
    for (const c of this.#contacts.values()) {
      if (c.deleted_at) continue;
      if (activeOnly && c.email_address.permission_to_send === 'unsubscribed') continue;
      if (c.list_memberships.includes(listId)) count += 1;
    }
    return count;
  }

  // ---- Contacts ----------------------------------------------------------------------------------------

  /** Every contact, deleted ones included, in creation order. */
  storedContacts(): StoredContact[] {
    return [...this.#contacts.values()];
  }

  storedContact(contactId: string): StoredContact | undefined {
    return this.#contacts.get(contactId);
  }

  storedContactByEmail(email: string): StoredContact | undefined {
    const id = this.#contactIdByEmail.get(email.trim().toLowerCase());
    return id ? this.#contacts.get(id) : undefined;
  }

  #unknownLists(listIds: readonly string[]): CcErrorEntry[] {
    return listIds
      .filter((id) => !this.#lists.has(id))
      .map((id) => ccError(validationErrorKey, `list_memberships contains an unknown list_id "${id}".`));
  }

  /** POST /v3/contacts: a new contact; 409 when the email exists, deleted contacts included. */
  createContact(write: ContactWrite, createSource: string): ContactOutcome {
    const errors = [
      ...validateContactWrite(write, { requireEmail: true }),
      ...this.#unknownLists(write.list_memberships ?? []),
      ...this.customFields.validateValues(write.custom_fields ?? []),
    ];
    if (errors.length > 0) return { ok: false, status: 400, errors };
    const email = write.email!.trim();
    const existing = this.storedContactByEmail(email);
    if (existing) return { ok: false, status: 409, errors: [emailNotUnique] };
    const now = this.#now();
    const permission = write.permission_to_send ?? 'implicit';
    const contact: StoredContact = {
      contact_id: randomUUID(),
      email_address: {
        address: email,
        permission_to_send: permission,
        created_at: now,
        updated_at: now,
        opt_in_source: createSource === 'Contact' ? 'Contact' : 'Account',
        opt_in_date: now,
        confirm_status: 'off',
      },
      create_source: createSource,
      update_source: createSource,
      created_at: now,
      updated_at: now,
      phone_numbers: [],
      street_addresses: [],
      list_memberships: [],
      custom_fields: [],
      sequence: ++this.#sequence,
    };
    if (permission === 'unsubscribed') this.#markOptedOut(contact, 'Account', undefined, now);
    this.#applyFields(contact, write, 'create', now);
    this.#contacts.set(contact.contact_id, contact);
    this.#contactIdByEmail.set(email.toLowerCase(), contact.contact_id);
    return { ok: true, contact };
  }

  /**
   * PUT /v3/contacts/{id}: top-level fields the body omits are cleared, while the sub-resources it omits
   * (phones, addresses, lists, custom fields) stay, as the spec says; the ones it carries replace the
   * contact's, except lists under the `additive` knob, which are only added. A deleted contact is revived.
   * The email can change unless another contact holds it (409).
   */
  replaceContact(contactId: string, write: ContactWrite, updateSource: string): ContactOutcome {
    const contact = this.#contacts.get(contactId);
    if (!contact) return notFound(contactId);
    const errors = [
      ...validateContactWrite(write, { requireEmail: true }),
      ...this.#unknownLists(write.list_memberships ?? []),
      ...this.customFields.validateValues(write.custom_fields ?? []),
    ];
    if (errors.length > 0) return { ok: false, status: 400, errors };
    const emailConflict = this.#emailTakenByAnother(contact, write.email!);
    if (emailConflict) return emailConflict;
    if (
      this.#rules.listMembershipsOnPut === 'additive' &&
      new Set([...contact.list_memberships, ...(write.list_memberships ?? [])]).size >
        ccLimits.listMemberships
    ) {
      return {
        ok: false,
        status: 400,
        errors: [
          ccError(
            validationErrorKey,
            `A contact can be a member of at most ${ccLimits.listMemberships} lists.`,
          ),
        ],
      };
    }
    const now = this.#now();
    this.#changeEmail(contact, write.email!.trim(), now);
    // CC never re-subscribes through a PUT: an unsubscribed address stays unsubscribed.
    if (
      write.permission_to_send &&
      write.permission_to_send !== 'unsubscribed' &&
      contact.email_address.permission_to_send !== 'unsubscribed' &&
      write.permission_to_send !== contact.email_address.permission_to_send
    ) {
      contact.email_address.permission_to_send = write.permission_to_send;
      contact.email_address.updated_at = now;
    }
    this.#applyFields(contact, write, 'put', now);
    delete contact.deleted_at;
    contact.update_source = updateSource;
    contact.updated_at = now;
    return { ok: true, contact };
  }

  /**
   * A partial change, as the user makes in CC's UI or a bulk import makes: only the given fields change.
   * Revives a deleted contact.
   */
  patchContact(contactId: string, write: ContactWrite, updateSource: string): ContactOutcome {
    const contact = this.#contacts.get(contactId);
    if (!contact) return notFound(contactId);
    const errors = [
      ...validateContactWrite(write, { requireEmail: false }),
      ...this.#unknownLists(write.list_memberships ?? []),
      ...this.customFields.validateValues(write.custom_fields ?? []),
    ];
    if (errors.length > 0) return { ok: false, status: 400, errors };
    const now = this.#now();
    if (write.email !== undefined) {
      const emailConflict = this.#emailTakenByAnother(contact, write.email);
      if (emailConflict) return emailConflict;
      this.#changeEmail(contact, write.email.trim(), now);
    }
    this.#applyFields(contact, write, 'patch', now);
    delete contact.deleted_at;
    contact.update_source = updateSource;
    contact.updated_at = now;
    return { ok: true, contact };
  }

  /** DELETE /v3/contacts/{id}: a soft delete; the contact leaves every list and keeps its email taken. */
  deleteContact(contactId: string): ContactOutcome {
    const contact = this.#contacts.get(contactId);
    if (!contact || contact.deleted_at) return notFound(contactId);
    const now = this.#now();
    contact.deleted_at = now;
    contact.updated_at = now;
    contact.list_memberships = [];
    return { ok: true, contact };
  }

  /**
   * The contact unsubscribes (from an email's link, or the user unsubscribes them in CC's UI). Only the
   * email address's timestamps move: the contact's `updated_at` stays, which is why pollers need
   * `optout_after`.
   */
  optOutContact(contactId: string, reason?: string, source = 'Contact'): ContactOutcome {
    const contact = this.#contacts.get(contactId);
    if (!contact || contact.deleted_at) return notFound(contactId);
    if (contact.email_address.permission_to_send !== 'unsubscribed') {
      this.#markOptedOut(contact, source, reason, this.#now());
    }
    return { ok: true, contact };
  }

  /** Adds memberships up to CC's 50-list cap; returns the lists that could not be added. */
  addMemberships(contactId: string, listIds: readonly string[]): string[] {
    const contact = this.#contacts.get(contactId);
    if (!contact || contact.deleted_at) return [...listIds];
    const refused: string[] = [];
    let changed = false;
    for (const listId of listIds) {
      if (contact.list_memberships.includes(listId)) continue;
      if (!this.#lists.has(listId) || contact.list_memberships.length >= ccLimits.listMemberships) {
        refused.push(listId);
        continue;
      }
      contact.list_memberships.push(listId);
      changed = true;
    }
    if (changed) contact.updated_at = this.#now();
    return refused;
  }

  removeMemberships(contactId: string, listIds: readonly string[]): void {
    const contact = this.#contacts.get(contactId);
    if (!contact) return;
    const before = contact.list_memberships.length;
    contact.list_memberships = contact.list_memberships.filter((id) => !listIds.includes(id));
    if (contact.list_memberships.length !== before) contact.updated_at = this.#now();
  }

  #emailTakenByAnother(contact: StoredContact, email: string): ContactOutcome | null {
    const holder = this.storedContactByEmail(email);
    if (!holder || holder.contact_id === contact.contact_id) return null;
    return { ok: false, status: 409, errors: [emailNotUnique] };
  }

  #changeEmail(contact: StoredContact, email: string, now: string): void {
    if (contact.email_address.address.toLowerCase() === email.toLowerCase()) {
      contact.email_address.address = email;
      return;
    }
    this.#contactIdByEmail.delete(contact.email_address.address.toLowerCase());
    this.#contactIdByEmail.set(email.toLowerCase(), contact.contact_id);
    contact.email_address.address = email;
    contact.email_address.updated_at = now;
  }

  #markOptedOut(contact: StoredContact, source: string, reason: string | undefined, now: string): void {
    const email = contact.email_address;
    email.permission_to_send = 'unsubscribed';
    email.opt_out_source = source;
    email.opt_out_date = now;
    email.updated_at = now;
    if (reason) email.opt_out_reason = reason;
    else delete email.opt_out_reason;
  }

  #applyFields(contact: StoredContact, write: ContactWrite, kind: WriteKind, now: string): void {
    const target = contact as unknown as Record<string, unknown>;
    for (const field of contactScalarFields) {
      const value = write[field];
      if (value !== undefined && value !== '') target[field] = value;
      else if (kind === 'put' || value === '') delete target[field];
    }
    if (write.phone_numbers !== undefined) {
      contact.phone_numbers = write.phone_numbers.map(
        (p): StoredPhoneNumber => ({
          phone_number_id: randomUUID(),
          phone_number: p.phone_number,
          kind: p.kind ?? 'other',
          created_at: now,
          updated_at: now,
        }),
      );
    }
    if (write.street_addresses !== undefined) {
      contact.street_addresses = write.street_addresses.map((a): StoredStreetAddress => {
        const address: StoredStreetAddress = {
          street_address_id: randomUUID(),
          kind: a.kind,
          created_at: now,
          updated_at: now,
        };
        for (const f of ['street', 'city', 'state', 'postal_code', 'country'] as const) {
          if (a[f] !== undefined) address[f] = a[f];
        }
        return address;
      });
    }
    if (write.list_memberships !== undefined) {
      const additive = kind === 'put' && this.#rules.listMembershipsOnPut === 'additive';
      const kept = additive ? contact.list_memberships : [];
      contact.list_memberships = [...new Set([...kept, ...write.list_memberships])];
    }
    if (write.custom_fields !== undefined) {
      // A partial change (CC's UI, an import) touches only the fields it names; a PUT's set replaces.
      const byId = new Map(
        kind === 'patch' ? contact.custom_fields.map((f) => [f.custom_field_id, f] as const) : [],
      );
      for (const value of write.custom_fields) {
        if (hasValue(value)) byId.set(value.custom_field_id, copyValue(value));
        else byId.delete(value.custom_field_id);
      }
      contact.custom_fields = [...byId.values()];
    }
  }

  /** DELETE /v3/contact_custom_fields/{id}: the definition goes, and its values leave every contact. */
  deleteCustomField(customFieldId: string) {
    const outcome = this.customFields.delete(customFieldId);
    if (!outcome.ok) return outcome;
    for (const contact of this.#contacts.values()) {
      contact.custom_fields = contact.custom_fields.filter((f) => f.custom_field_id !== customFieldId);
    }
    return outcome;
  }

  // ---- The account's user, acting in CC's UI (tests and seeding) ---------------------------------------

  /** Creates a contact as the user would in CC's UI; list names are created when missing. */
  createContactAsUser(input: CcContactInput): CcContactResource {
    const { lists, ...write } = input;
    const outcome = this.createContact(
      { ...write, list_memberships: this.#listIdsFor(lists ?? []) },
      'Account',
    );
    if (!outcome.ok) throw new CcUserActionError(outcome.errors);
    return renderContact(outcome.contact, allContactIncludes);
  }

  /** Changes only the given fields, as an edit in CC's UI does; moves `updated_at`. */
  updateContactAsUser(contactId: string, patch: Partial<CcContactInput>): CcContactResource {
    const { lists, ...write } = patch;
    const outcome = this.patchContact(
      contactId,
      lists === undefined ? write : { ...write, list_memberships: this.#listIdsFor(lists) },
      'Account',
    );
    if (!outcome.ok) throw new CcUserActionError(outcome.errors);
    return renderContact(outcome.contact, allContactIncludes);
  }

  /**
   * Sets custom field values as the user does on the contact's page in CC's UI, by field label; a missing
   * field is created (type `string`) first, and '' clears a value. Other fields keep their values.
   */
  setCustomFieldsAsUser(contactIdOrEmail: string, values: Record<string, string>): CcContactResource {
    const custom_fields = Object.entries(values).map(([label, value]) => ({
      custom_field_id: this.#customFieldFor(label).custom_field_id,
      value,
    }));
    return this.updateContactAsUser(this.#resolveContactId(contactIdOrEmail), { custom_fields });
  }

  /** Creates a custom field as the user would in CC's settings. */
  createCustomFieldAsUser(input: { label: string; type?: string }): StoredCustomField {
    const outcome = this.customFields.create({ label: input.label, type: input.type ?? 'string' });
    if (!outcome.ok) throw new CcUserActionError(outcome.errors);
    return { ...outcome.field };
  }

  #customFieldFor(label: string): StoredCustomField {
    return this.customFields.find(label) ?? this.createCustomFieldAsUser({ label });
  }

  #listIdsFor(names: readonly string[]): string[] {
    return names.map((name) => {
      const existing = this.findListByName(name);
      if (existing) return existing.list_id;
      const created = this.addList({ name });
      if (!created.ok) throw new CcUserActionError(created.errors);
      return created.list.list_id;
    });
  }

  /** The contact unsubscribes (see optOutContact); accepts a contact id or an email address. */
  optOut(contactIdOrEmail: string, reason?: string): CcContactResource {
    const outcome = this.optOutContact(this.#resolveContactId(contactIdOrEmail), reason);
    if (!outcome.ok) throw new CcUserActionError(outcome.errors);
    return renderContact(outcome.contact, allContactIncludes);
  }

  /** Deletes a contact as the user would in CC's UI (soft, like the API). */
  deleteContactAsUser(contactIdOrEmail: string): void {
    const outcome = this.deleteContact(this.#resolveContactId(contactIdOrEmail));
    if (!outcome.ok) throw new CcUserActionError(outcome.errors);
  }

  /** A contact with every sub-resource, by id or email; undefined when unknown. */
  contact(contactIdOrEmail: string): CcContactResource | undefined {
    const stored = this.storedContact(contactIdOrEmail) ?? this.storedContactByEmail(contactIdOrEmail);
    return stored ? renderContact(stored, allContactIncludes) : undefined;
  }

  /** Contacts with every sub-resource, in creation order; deleted ones only when asked for. */
  contacts(options: { includeDeleted?: boolean } = {}): CcContactResource[] {
    return this.storedContacts()
      .filter((c) => options.includeDeleted || !c.deleted_at)
      .map((c) => renderContact(c, allContactIncludes));
  }

  /** Creates a list as the user would in CC's UI. */
  createList(name: string): StoredList {
    const outcome = this.addList({ name });
    if (!outcome.ok) throw new CcUserActionError(outcome.errors);
    return { ...outcome.list };
  }

  /** Deletes a list (by id or name) as the user would in CC's UI; its contacts stay, outside it. */
  deleteListAsUser(listIdOrName: string, options: { touchContacts?: boolean } = {}): void {
    const list = this.storedList(listIdOrName) ?? this.findListByName(listIdOrName);
    if (!list)
      throw new CcUserActionError([ccError(notFoundErrorKey, `List ${listIdOrName} was not found.`)]);
    this.removeList(list.list_id, options.touchContacts ?? true);
  }

  #resolveContactId(contactIdOrEmail: string): string {
    return this.storedContactByEmail(contactIdOrEmail)?.contact_id ?? contactIdOrEmail;
  }

  /** Applies a partial summary change as the account owner would in CC's settings. */
  updateSummary(
    patch: Partial<Pick<CcAccountSummary, SummaryWritableField | 'physical_address' | 'company_logo'>>,
  ): void {
    this.summary = { ...this.summary, ...patch };
  }
}

function notFound(contactId: string): ContactOutcome {
  return {
    ok: false,
    status: 404,
    errors: [ccError(notFoundErrorKey, `Contact ${contactId} was not found.`)],
  };
}

function hasValue(value: StoredCustomFieldValue): boolean {
  return (value.value ?? '') !== '' || (value.choice_ids?.length ?? 0) > 0;
}

function copyValue(value: StoredCustomFieldValue): StoredCustomFieldValue {
  const copy: StoredCustomFieldValue = { custom_field_id: value.custom_field_id };
  if (value.value !== undefined && value.value !== '') copy.value = value.value;
  if (value.choice_ids?.length) copy.choice_ids = [...value.choice_ids];
  return copy;
}
