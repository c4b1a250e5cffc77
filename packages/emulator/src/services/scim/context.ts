// What a SCIM handler gets: the API context, the IdP the key belongs to, and the absolute SCIM base URL.
import type { ApiCtx } from '../../http/context.js';

export const SCIM_BASE = '/api/v1/scim/v2';

export interface ScimCtx extends ApiCtx {
  idpId: string;
  /** `scheme://host[:port]/api/v1/scim/v2`, for `meta.location` and `$ref`. */
  base: string;
}
