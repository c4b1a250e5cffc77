// The tenants service's errors (string status, as tenants.yml shows it).
import { errors as edge, stringStatusError, type ApiError } from '../../shared/errors.js';

export const errors = {
  ...edge,
  tenantNotFound: (): ApiError => stringStatusError(404, 'TENANTS-8', 'Not found', 'Tenant was not found'),
};
