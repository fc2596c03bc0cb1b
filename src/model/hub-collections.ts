/**
 * The name of a Connec! collection the connector shares, as in its API paths ("people", "company"). Which
 * ones it shares, and how, the mapping registry declares (src/mapping/registry.ts).
 */
export type HubCollection = string;

/** Which way a collection flows. */
export const DIRECTIONS = ['both', 'hub_to_cc', 'cc_to_hub', 'off'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** A direction as two switches: whether changes go to Constant Contact, and whether they come back. */
export function directionFlows(direction: Direction): { toCc: boolean; toHub: boolean } {
  return {
    toCc: direction === 'both' || direction === 'hub_to_cc',
    toHub: direction === 'both' || direction === 'cc_to_hub',
  };
}
