import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import {
  type CcErrorEntry,
  ccError,
  conflictErrorKey,
  notFoundErrorKey,
  validationErrorKey,
} from './cc-errors.ts';

/** CC's limits on custom fields, as the swagger gives them. */
export const customFieldLimits = {
  /** "A user can configure up to 100 custom_fields in their account." */
  perAccount: 100,
  /** ContactCustomField arrays hold "up to 25 custom_field subresources". */
  perContact: 25,
  labelLength: 50,
  typeLength: 20,
  valueLength: 255,
  /** Choices of a select field: 100 for a dropdown, 20 for radio or checkbox display types. */
  choices: 100,
  choicesRadioOrCheckbox: 20,
} as const;

/** The types CC's custom field guide lists. */
export const customFieldTypes = [
  'string',
  'text_area',
  'date',
  'datetime',
  'number',
  'currency',
  'boolean',
  'single_select',
  'multi_select',
] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

const selectTypes: ReadonlySet<string> = new Set(['single_select', 'multi_select']);

export interface StoredCustomFieldChoice {
  choice_id: number;
  choice_label: string;
  display_order?: number;
  created_at: string;
  updated_at: string;
}

/** A custom field definition of one account (the swagger's `CustomField`). */
export interface StoredCustomField {
  custom_field_id: string;
  label: string;
  /** Made from the label at creation (blanks become underscores); the key of `cf:` import columns. */
  name: string;
  type: CustomFieldType;
  metadata?: Record<string, unknown>;
  version?: number;
  choices?: StoredCustomFieldChoice[];
  created_at: string;
  updated_at: string;
}

/** A contact's value for one custom field (the swagger's `ContactCustomField`). */
export interface StoredCustomFieldValue {
  custom_field_id: string;
  value?: string;
  choice_ids?: string[];
}

export interface CustomFieldInput {
  label?: string | null;
  type?: string | null;
  metadata?: Record<string, unknown> | null;
  version?: number | null;
  choices?: Array<{
    choice_id?: number | null;
    choice_label?: string | null;
    display_order?: number | null;
  }> | null;
}

export type CustomFieldOutcome =
  | { ok: true; field: StoredCustomField }
  | { ok: false; status: number; errors: CcErrorEntry[] };

function invalid(message: string): CcErrorEntry {
  return ccError(validationErrorKey, message);
}

function nameOf(label: string): string {
  return label.trim().replace(/\s+/g, '_');
}

/**
 * The custom field definitions of one CC account, with CC's rules: at most 100, unique labels, the types
 * CC documents, and choices only for select types. Deleting a definition removes its values from contacts
 * (the account does that part).
 */
export class CcCustomFields {
  readonly #clock: Clock;
  readonly #fields = new Map<string, StoredCustomField>();
  #nextChoiceId = 1;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Definitions in creation order. */
  all(): StoredCustomField[] {
    return [...this.#fields.values()];
  }

  get(customFieldId: string): StoredCustomField | undefined {
    return this.#fields.get(customFieldId);
  }

  /** By label or name, any case. */
  find(labelOrName: string): StoredCustomField | undefined {
    const wanted = labelOrName.trim().toLowerCase();
    return this.all().find((f) => f.label.toLowerCase() === wanted || f.name.toLowerCase() === wanted);
  }

  create(input: CustomFieldInput): CustomFieldOutcome {
    const errors: CcErrorEntry[] = [];
    const label = input.label?.trim() ?? '';
    const type = input.type ?? '';
    errors.push(...labelErrors(label));
    if (!(customFieldTypes as readonly string[]).includes(type)) {
      errors.push(invalid(`type must be one of ${customFieldTypes.join(', ')}.`));
    }
    errors.push(...choiceErrors(type, input));
    if (errors.length > 0) return { ok: false, status: 400, errors };
    if (this.#fields.size >= customFieldLimits.perAccount) {
      return {
        ok: false,
        status: 400,
        errors: [invalid(`An account can have at most ${customFieldLimits.perAccount} custom fields.`)],
      };
    }
    const taken = this.#labelTaken(label, null);
    if (taken) return taken;
    const now = this.#clock.now().toISOString();
    const field: StoredCustomField = {
      custom_field_id: randomUUID(),
      label,
      name: nameOf(label),
      type: type as CustomFieldType,
      created_at: now,
      updated_at: now,
    };
    if (input.metadata) field.metadata = { ...input.metadata };
    if (input.version != null) field.version = input.version;
    if (selectTypes.has(type)) field.choices = this.#choices(input.choices ?? [], [], now);
    this.#fields.set(field.custom_field_id, field);
    return { ok: true, field };
  }

  /**
   * PUT: the label is required (the spec's PUT overwrites what it omits, and a field cannot lose its label);
   * given choices replace a select field's choices. The type and the name stay.
   */
  update(customFieldId: string, input: CustomFieldInput): CustomFieldOutcome {
    const field = this.#fields.get(customFieldId);
    if (!field) return notFound(customFieldId);
    const label = input.label?.trim() ?? '';
    const errors = [
      ...labelErrors(label),
      ...choiceErrors(field.type, { ...input, metadata: field.metadata }),
    ];
    if (errors.length > 0) return { ok: false, status: 400, errors };
    const taken = this.#labelTaken(label, customFieldId);
    if (taken) return taken;
    const now = this.#clock.now().toISOString();
    field.label = label;
    if (selectTypes.has(field.type) && input.choices) {
      field.choices = this.#choices(input.choices, field.choices ?? [], now);
    }
    field.updated_at = now;
    return { ok: true, field };
  }

  delete(customFieldId: string): CustomFieldOutcome {
    const field = this.#fields.get(customFieldId);
    if (!field) return notFound(customFieldId);
    this.#fields.delete(customFieldId);
    return { ok: true, field };
  }

  /** CC's checks on the custom field values of a contact write (empty when valid). */
  validateValues(values: readonly StoredCustomFieldValue[]): CcErrorEntry[] {
    const errors: CcErrorEntry[] = [];
    if (values.length > customFieldLimits.perContact) {
      errors.push(invalid(`A contact can have at most ${customFieldLimits.perContact} custom_fields.`));
    }
    const seen = new Set<string>();
    for (const v of values) {
      const field = this.#fields.get(v.custom_field_id);
      if (!field) {
        errors.push(invalid(`custom_fields contains an unknown custom_field_id "${v.custom_field_id}".`));
        continue;
      }
      if (seen.has(v.custom_field_id)) {
        errors.push(invalid(`custom_fields names the custom field "${field.label}" twice.`));
      }
      seen.add(v.custom_field_id);
      errors.push(...valueErrors(field, v));
    }
    return errors;
  }

  #labelTaken(label: string, exceptId: string | null): CustomFieldOutcome | null {
    const holder = this.find(label) ?? this.find(nameOf(label));
    if (!holder || holder.custom_field_id === exceptId) return null;
    return {
      ok: false,
      status: 409,
      errors: [ccError(conflictErrorKey, `The custom field label "${label}" is already in use.`)],
    };
  }

  #choices(
    input: NonNullable<CustomFieldInput['choices']>,
    existing: readonly StoredCustomFieldChoice[],
    now: string,
  ): StoredCustomFieldChoice[] {
    return input.map((c) => {
      const kept = c.choice_id != null ? existing.find((e) => e.choice_id === c.choice_id) : undefined;
      const choice: StoredCustomFieldChoice = {
        choice_id: kept?.choice_id ?? this.#nextChoiceId++,
        choice_label: c.choice_label ?? '',
        created_at: kept?.created_at ?? now,
        updated_at: now,
      };
      if (c.display_order != null) choice.display_order = c.display_order;
      return choice;
    });
  }
}

function labelErrors(label: string): CcErrorEntry[] {
  if (!label) return [invalid('label is required.')];
  if (label.length > customFieldLimits.labelLength) {
    return [invalid(`label exceeds the maximum length of ${customFieldLimits.labelLength}.`)];
  }
  return [];
}

function choiceErrors(type: string, input: CustomFieldInput): CcErrorEntry[] {
  const choices = input.choices ?? [];
  if (!selectTypes.has(type)) {
    return choices.length > 0
      ? [invalid('choices are allowed only for single_select and multi_select.')]
      : [];
  }
  const display = input.metadata?.display_type;
  const max =
    display === 'radio' || display === 'checkbox'
      ? customFieldLimits.choicesRadioOrCheckbox
      : customFieldLimits.choices;
  const errors: CcErrorEntry[] = [];
  if (choices.length > max)
    errors.push(invalid(`A ${String(display ?? 'dropdown')} field has at most ${max} choices.`));
  for (const c of choices) {
    if (!c.choice_label || c.choice_label.length > 255) {
      errors.push(invalid('choices.choice_label must have 1 to 255 characters.'));
    }
  }
  return errors;
}

function valueErrors(field: StoredCustomField, v: StoredCustomFieldValue): CcErrorEntry[] {
  const where = `custom field "${field.label}"`;
  if (selectTypes.has(field.type)) {
    const ids = v.choice_ids ?? [];
    const known = new Set((field.choices ?? []).map((c) => String(c.choice_id)));
    const errors = ids
      .filter((id) => !known.has(id))
      .map((id) => invalid(`choice_ids of ${where} contains an unknown choice "${id}".`));
    if (field.type === 'single_select' && ids.length > 1) errors.push(invalid(`${where} takes one choice.`));
    return errors;
  }
  const value = v.value ?? '';
  if (value.length > customFieldLimits.valueLength) {
    return [invalid(`The value of ${where} exceeds the maximum length of ${customFieldLimits.valueLength}.`)];
  }
  if (value === '') return [];
  switch (field.type) {
    case 'number':
    case 'currency':
      return Number.isFinite(Number(value)) ? [] : [invalid(`The value of ${where} must be a number.`)];
    case 'boolean':
      return value === 'true' || value === 'false'
        ? []
        : [invalid(`The value of ${where} must be true or false.`)];
    case 'date':
    case 'datetime':
      return Number.isNaN(Date.parse(value)) ? [invalid(`The value of ${where} must be a date.`)] : [];
    default:
      return [];
  }
}

function notFound(customFieldId: string): CustomFieldOutcome {
  return {
    ok: false,
    status: 404,
    errors: [ccError(notFoundErrorKey, `Custom field ${customFieldId} was not found.`)],
  };
}

/** A definition in the swagger's `CustomField` shape. */
export function renderCustomField(field: StoredCustomField): Record<string, unknown> {
  const out: Record<string, unknown> = {
    custom_field_id: field.custom_field_id,
    label: field.label,
    name: field.name,
    type: field.type,
    created_at: field.created_at,
    updated_at: field.updated_at,
  };
  if (field.metadata) out.metadata = { ...field.metadata };
  if (field.version !== undefined) out.version = field.version;
  if (field.choices) {
    out.choices = field.choices.map((c) => ({ custom_field_id: field.custom_field_id, ...c }));
  }
  return out;
}
