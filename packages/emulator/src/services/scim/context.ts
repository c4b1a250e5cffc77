// What a SCIM handler gets: the API context, the IdP the key belongs to, and the absolute SCIM base URL.
import type { ApiCtx } from '../../http/context.js';
import { scimErrors } from './errors.js';

export const SCIM_BASE = '/api/v1/scim/v2';

export interface ScimCtx extends ApiCtx {
  idpId: string;
  /** `scheme://host[:port]/api/v1/scim/v2`, for `meta.location` and `$ref`. */
  base: string;
}

/** The JSON body (application/scim+json or application/json), or 400 invalidSyntax. */
export async function readScimJson(ctx: ScimCtx): Promise<unknown> {
  const text = await ctx.readText();
  if (text.trim() === '') throw scimErrors.badRequest('invalidSyntax', 'A JSON request body is required');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw scimErrors.badRequest(
      'invalidSyntax',
      `The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
