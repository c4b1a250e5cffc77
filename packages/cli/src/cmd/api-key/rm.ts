import { apiKeyIds } from '../../api/candidates.js';
import { argCompletion, defineOperation } from '../../api/operation.js';

export const rmOperation = defineOperation({
  use: 'rm <api-keyId>',
  short: 'Delete or revoke an API key',
  long:
    'Deletes or revokes an API key for a given API key ID. When the owner of the API key sends the request, the key will be deleted and removed from the tenant. When a user assigned the `TenantAdmin` role sends the request, the key will be disabled and marked as revoked.\n\n' +
    // Added by this CLI, after Qlik's text:
    'This CLI then says on stderr whether the key was deleted or revoked.',
  method: 'DELETE',
  path: '/api/v1/api-keys/{api-keyId}',
  completeArgs: argCompletion(apiKeyIds),
  output: 'none',
  // The 204 does not say which happened; a follow-up read does (404: deleted; status revoked: revoked).
  async describeResult({ http, args, goneAfterRetry }) {
    const id = args['api-keyId'] ?? '';
    // An earlier attempt lost its answer and the retry found nothing: do not claim this run deleted it.
    if (goneAfterRetry)
      return `API key ${id} is gone: an earlier attempt whose answer was lost removed it, or it never existed`;
    try {
      const res = await http.attempt({ method: 'GET', path: `/api/v1/api-keys/${encodeURIComponent(id)}` });
      if (res.status === 404) return `API key ${id} deleted`;
      if (res.status === 200 && (JSON.parse(res.text) as { status?: unknown }).status === 'revoked')
        return `API key ${id} revoked`;
    } catch {
      // The removal itself succeeded; only the description is unavailable.
    }
    return `API key ${id} deleted or revoked`;
  },
});
