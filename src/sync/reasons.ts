/** Why a record is not shared, in the words the user reads on the "Not shared" list. */
export const NO_ROLE = 'not a customer, supplier, lead or employee, so it belongs in none of the lists';
export const EXISTED_BEFORE_SHARING = 'existed before sharing started (historical data is not shared)';
export const HARD_DELETED =
  'inactive in its app, so its contact was deleted in Constant Contact (hard deletes are on)';
export const DELETED_IN_CC = 'deleted in Constant Contact; it is no longer shared (Retry shares it again)';
