import { ConnectorError } from '../errors.ts';

/** The SAML Response was refused: unsigned, for another audience, expired, replayed or unreadable. */
export class SsoRejectedError extends ConnectorError {
  readonly code = 'SSO_REJECTED';
  override readonly httpStatus = 401;
}

/** The SSO request names a tenant the connector is not configured for. */
export class SsoUnknownTenantError extends ConnectorError {
  readonly code = 'SSO_UNKNOWN_TENANT';
  override readonly httpStatus = 404;
}

/** No valid session: the page must be opened from the platform dashboard. */
export class NotSignedInError extends ConnectorError {
  readonly code = 'WEB_NOT_SIGNED_IN';
  override readonly httpStatus = 401;
}

/** The signed-in user is not a member of the organization (or it was deleted). */
export class NotAMemberError extends ConnectorError {
  readonly code = 'WEB_NOT_A_MEMBER';
  override readonly httpStatus = 403;
}

/** A record's page names a record the organization does not have (removed, or another organization's). */
/** The organization was deleted on the platform (its data erased): nothing of it is shown any more. */
export class OrganizationGoneError extends ConnectorError {
  readonly code = 'WEB_ORGANIZATION_DELETED';
  override readonly httpStatus = 410;
}

export class RecordNotFoundError extends ConnectorError {
  readonly code = 'WEB_RECORD_NOT_FOUND';
  override readonly httpStatus = 404;
}

/** Only an Admin or Super Admin of the organization may do this. */
export class AdminOnlyError extends ConnectorError {
  readonly code = 'WEB_ADMIN_ONLY';
  override readonly httpStatus = 403;
}

/** A form was posted without the session's CSRF token. */
export class CsrfTokenInvalidError extends ConnectorError {
  readonly code = 'WEB_CSRF_INVALID';
  override readonly httpStatus = 403;
}

/** A form value is not one the page offers. */
export class FormInvalidError extends ConnectorError {
  readonly code = 'WEB_FORM_INVALID';
  override readonly httpStatus = 400;
}
