// The commands of Qlik's CLI that this qlik does not implement, each with the way round. The list is the qlik-cli
// reference of qlik.dev (its navigation: https://qlik.dev/toolkits/qlik-cli/<group>/…), read in December 2026, less
// what this qlik implements; `qrs` is Qlik's client-managed Repository API command (qlik.dev
// toolkits/qlik-cli/qlik-cli-qrs-get-started). A word in the list answers in one line instead of Cobra's
// "unknown command"; any other word still gets Cobra's suggestions.

/** `"qlik raw get <path>" reaches the same API`. */
const raw = (path: string, method = 'get'): string => `"qlik raw ${method} ${path}" reaches the same API`;
const ANY_API = '"qlik raw <get|put|patch|post|delete> v1/<resource>" reaches its APIs';

/** Top-level commands of Qlik's CLI, by name: the way round. */
const TOP: Readonly<Record<string, string>> = {
  alias: 'a shell alias or function does the same',
  analytics: ANY_API,
  app: raw('v1/apps'),
  assistant: raw('v1/assistants'),
  audit: raw('v1/audits'),
  automation: raw('v1/automations'),
  'automation-connection': raw('v1/automation-connections'),
  'automation-connector': raw('v1/automation-connectors'),
  'automl-deployment': raw('v1/automl-deployments'),
  'automl-prediction': raw('v1/automl-predictions'),
  banner: raw('v1/banners'),
  brand: raw('v1/brands'),
  collection: raw('v1/collections'),
  condition: raw('v1/conditions'),
  connectivity: ANY_API,
  consumption: raw('v1/consumption/executions'),
  core: ANY_API,
  'csp-origin': raw('v1/csp-origins'),
  'data-alert': raw('v1/data-alerts'),
  'data-asset': raw('v1/data-assets'),
  'data-connection': raw('v1/data-connections'),
  'data-credential': raw('v1/data-credentials'),
  'data-file': raw('v1/data-files'),
  'data-governance': ANY_API,
  'data-quality': ANY_API,
  'data-set': raw('v1/data-sets'),
  'data-source': raw('v1/data-sources'),
  'data-store': raw('v1/data-stores'),
  'di-project': raw('v1/di-projects'),
  'direct-access-agent': ANY_API,
  encryption: raw('v1/encryption/keyproviders'),
  extension: raw('v1/extensions'),
  glossary: raw('v1/glossaries'),
  item: raw('v1/items'),
  knowledgebase: raw('v1/knowledgebases'),
  license: raw('v1/licenses/overview'),
  'lineage-graph': ANY_API,
  ml: raw('v1/ml/deployments'),
  note: raw('v1/notes/settings'),
  notification: raw('v1/notifications'),
  'oauth-client': raw('v1/oauth-clients'),
  qrs: 'it reaches the Repository API of Qlik Sense client-managed, which this qlik does not speak',
  question: raw('v1/questions/actions/filter', 'post'),
  quota: raw('v1/quotas'),
  reload: raw('v1/reloads'),
  'reload-task': raw('v1/reload-tasks'),
  report: raw('v1/reports', 'post'),
  'report-template': raw('v1/report-templates'),
  scheduling: ANY_API,
  'sharing-task': raw('v1/sharing-tasks'),
  space: raw('v1/spaces'),
  spec: '"qlik raw <get|put|patch|post|delete> <path>" reaches any endpoint without a spec',
  status: 'it is an engine (websocket) command, and this qlik speaks only REST',
  task: raw('v1/tasks'),
  'tenant-settings': ANY_API,
  theme: raw('v1/themes'),
  transport: raw('v1/transports/email-config'),
  'ui-config': raw('v1/ui-config/pinned-links'),
  update: 'update this qlik with the package manager that installed it',
  'web-integration': raw('v1/web-integrations'),
  'web-notification': raw('v1/web-notifications'),
  webhook: raw('v1/webhooks'),
  workflows: raw('v1/automations'),
};

/** Subcommands of groups this qlik implements in part, by their path below `qlik`. */
const SUB: Readonly<Record<string, string>> = {
  'context login': '"qlik context init" sets up a context with an API key or OAuth client credentials',
  'tenant create': raw('v1/tenants', 'post'),
  'tenant deactivate': raw('v1/tenants/<tenantId>/actions/deactivate', 'post'),
  'tenant edit': raw('v1/tenants/<tenantId>', 'patch'),
  'tenant get': raw('v1/tenants/<tenantId>'),
  'tenant patch': raw('v1/tenants/<tenantId>', 'patch'),
  'tenant reactivate': raw('v1/tenants/<tenantId>/actions/reactivate', 'post'),
};

/** Every command path (below `qlik`) of Qlik's CLI that this qlik answers for instead of implementing. */
export const NOT_IMPLEMENTED: readonly string[] = [...Object.keys(TOP), ...Object.keys(SUB)];

/**
 * The one-line answer for `path` (below the root, e.g. `app` or `tenant create`) when it is a command of Qlik's CLI
 * that this qlik does not implement; undefined otherwise.
 */
export function notImplementedAnswer(root: string, path: string): string | undefined {
  const around = Object.hasOwn(TOP, path) ? TOP[path] : Object.hasOwn(SUB, path) ? SUB[path] : undefined;
  return around === undefined
    ? undefined
    : `"${root} ${path}" is a command of Qlik's CLI that this qlik does not implement; ${around}`;
}
