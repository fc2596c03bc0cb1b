import type { CcCall } from './http-transport.ts';
import type {
  CcAccountExtraField,
  CcAccountSummary,
  CcAccountSummaryPut,
  CcPhysicalAddress,
} from './types.ts';

/** The account summary of one organization's CC account (the "company" of the hub). */
export class CcAccountApi {
  readonly #call: CcCall;

  constructor(call: CcCall) {
    this.#call = call;
  }

  /** `GET /v3/account/summary`; the address and logo come only when asked for in `extraFields`. */
  getSummary(
    extraFields: CcAccountExtraField[] = ['physical_address', 'company_logo'],
    signal?: AbortSignal,
  ): Promise<CcAccountSummary> {
    return this.#call({
      method: 'GET',
      path: '/v3/account/summary',
      query: { extra_fields: extraFields },
      signal,
    });
  }

  /** `PUT /v3/account/summary`: updates the fields sent (not the address, which has its own endpoint). */
  updateSummary(summary: CcAccountSummaryPut, signal?: AbortSignal): Promise<CcAccountSummaryPut> {
    return this.#call({ method: 'PUT', path: '/v3/account/summary', body: summary, signal });
  }

  /** `PUT /v3/account/summary/physical_address`. */
  updatePhysicalAddress(address: CcPhysicalAddress, signal?: AbortSignal): Promise<CcPhysicalAddress> {
    return this.#call({ method: 'PUT', path: '/v3/account/summary/physical_address', body: address, signal });
  }
}
