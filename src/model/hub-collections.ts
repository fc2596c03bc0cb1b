/** The Connec! collections the connector shares. */
export const HUB_COLLECTIONS = ['people', 'organizations', 'employees', 'company'] as const;
export type HubCollection = (typeof HUB_COLLECTIONS)[number];

/** Which way a collection flows. */
export const DIRECTIONS = ['both', 'hub_to_cc', 'cc_to_hub', 'off'] as const;
export type Direction = (typeof DIRECTIONS)[number];
