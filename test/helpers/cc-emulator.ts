import assert from 'node:assert/strict';
import {
  type CcEmulator,
  type CcEmulatorOptions,
  type CcExchange,
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
