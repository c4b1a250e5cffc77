// The JSON of an IdP (identity-providers.yml's IDPOIDC / IDPSAML / IDPJWTAuth), the QLIK-IDP-POPTS hash of
// its pending options, and the list page.
import { createHash } from 'node:crypto';
import { isoMs } from '../../shared/clock.js';
import type { IdpRecord } from './store.js';

export function presentIdp(idp: IdpRecord): Record<string, unknown> {
  return {
    id: idp.id,
    tenantIds: [idp.tenantId],
    protocol: idp.protocol,
    provider: idp.provider,
    interactive: idp.interactive,
    active: idp.active,
    ...(idp.description === undefined ? {} : { description: idp.description }),
    ...(idp.options === undefined ? {} : { options: idp.options }),
    ...(idp.pendingOptions === undefined ? {} : { pendingOptions: idp.pendingOptions }),
    ...(idp.pendingState === undefined ? {} : { pendingState: idp.pendingState }),
    ...(idp.pendingState === undefined
      ? {}
      : { pendingResult: { status: idp.pendingState === 'verified' ? 'success' : 'pending' } }),
    clockToleranceSec: idp.clockToleranceSec,
    ...(idp.createNewUsersOnLogin === undefined ? {} : { createNewUsersOnLogin: idp.createNewUsersOnLogin }),
    ...(idp.postLogoutRedirectUri === undefined ? {} : { postLogoutRedirectUri: idp.postLogoutRedirectUri }),
    ...(idp.meta === undefined ? {} : { meta: idp.meta }),
    created: isoMs(idp.created),
    lastUpdated: isoMs(idp.lastUpdated),
  };
}

/**
 * QLIK-IDP-POPTS: "a unique string representing a hash of the current configuration being tested", typed as a
 * UUID: the SHA-256 of the pending options laid out as a version-4-shaped UUID.
 */
export function pendingOptionsHash(idp: IdpRecord): string | undefined {
  if (idp.pendingOptions === undefined) return undefined;
  const hex = createHash('sha256')
    .update(JSON.stringify([idp.id, idp.pendingOptions]))
    .digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function poptsHeaders(idp: IdpRecord): Record<string, string> | undefined {
  const hash = pendingOptionsHash(idp);
  return hash === undefined ? undefined : { 'qlik-idp-popts': hash };
}
