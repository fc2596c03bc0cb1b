import assert from 'node:assert/strict';
import {
  type CcEmulator,
  type CcEmulatorOptions,
  type CcExchange,
  type CcKnobs,
  startConstantContactEmulator,
} from '../../sandbox/constantcontact/index.ts';
import { loadCcContract, validateCcRequest, validateCcResponse } from './cc-contract.ts';

export interface CcTestEmulator extends CcEmulator {
  /** Every contract problem seen so far, one line each. */
  contractProblems: string[];
  /** Fails (assert) when any request or response broke the swagger contract; call it in `after`/`afterEach`. */
  assertConformant(): void;
}

/** The problems one exchange has against the swagger file. */
export function contractProblemsOf(x: CcExchange, checkRequests: boolean): string[] {
  const problems = validateCcResponse({
    method: x.method,
    path: x.path,
    status: x.status,
    body: x.responseBody,
  });
  if (checkRequests) {
    problems.push(
      ...validateCcRequest({ method: x.method, path: x.path, query: x.query, body: x.requestBody }),
    );
  }
  return problems;
}

/**
 * `TEST_CC_LIST_MEMBERSHIPS=additive` runs a suite with the emulator reading a PUT's `list_memberships` as
 * additions (the spec does not settle it); tests that loop over both readings set the knob themselves.
 * Every emulator a test starts takes it: here, and the demo's (`startTestDemo`).
 */
export function listMembershipsFromEnv(): Partial<CcKnobs> {
  const mode = process.env.TEST_CC_LIST_MEMBERSHIPS;
  if (mode === undefined || mode === '') return {};
  if (mode !== 'replace' && mode !== 'additive') {
    throw new Error(`TEST_CC_LIST_MEMBERSHIPS must be replace or additive, not "${mode}".`);
  }
  return { listMembershipsOnPut: mode };
}

/**
 * Starts the emulator in-process on a free port with the contract check wired in: every response is
 * checked against the swagger file, and every request too unless `checkRequests` is false (for tests that
 * send CC a deliberately bad request). Assert `contractProblems` is empty, or call `assertConformant()`.
 */
export async function startCcEmulatorForTest(
  options: CcEmulatorOptions & { checkRequests?: boolean } = {},
): Promise<CcTestEmulator> {
  const { checkRequests = true, onExchange, ...rest } = options;
  loadCcContract();
  const contractProblems: string[] = [];
  const emulator = await startConstantContactEmulator({
    port: 0,
    activityStepMs: 5,
    ...rest,
    knobs: { ...listMembershipsFromEnv(), ...rest.knobs },
    onExchange(x) {
      contractProblems.push(...contractProblemsOf(x, checkRequests));
      onExchange?.(x);
    },
  });
  return Object.assign(emulator, {
    contractProblems,
    assertConformant() {
      assert.deepEqual(
        contractProblems,
        [],
        `Constant Contact contract problems:\n${contractProblems.join('\n')}`,
      );
    },
  });
}
