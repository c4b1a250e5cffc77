// The discovery endpoints (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes and /Schemas, describing what
// this service does (PATCH yes; bulk, sort, ETags and password changes no; filters up to 100 results a page).
export const SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  list: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  config: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const MAX_RESULTS = 100;

export function serviceProviderConfig(base: string): Record<string, unknown> {
  return {
    schemas: [SCHEMAS.config],
    documentationUri: 'https://www.rfc-editor.org/rfc/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'An API key of subType externalClient whose sub is SCIM\\<IdP ID>',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string): Record<string, unknown>[] {
  return [
    {
      schemas: [SCHEMAS.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A user of the Qlik Cloud tenant',
      schema: SCHEMAS.user,
      schemaExtensions: [{ schema: SCHEMAS.enterprise, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [SCHEMAS.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A group of the Qlik Cloud tenant',
      schema: SCHEMAS.group,
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
}

interface Attribute {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned?: 'always' | 'never' | 'default' | 'request';
  uniqueness?: 'none' | 'server' | 'global';
  subAttributes?: Attribute[];
}

function attr(a: Attribute): Record<string, unknown> {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued ?? false,
    required: a.required ?? false,
    caseExact: a.caseExact ?? false,
    mutability: a.mutability ?? 'readWrite',
    returned: a.returned ?? 'default',
    uniqueness: a.uniqueness ?? 'none',
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(attr) } : {}),
  };
}

const str = (name: string, extra: Partial<Attribute> = {}): Attribute => ({ name, type: 'string', ...extra });
const multi = (name: string, subs: Attribute[], extra: Partial<Attribute> = {}): Attribute => ({
  name,
  type: 'complex',
  multiValued: true,
  subAttributes: subs,
  ...extra,
});

const USER_ATTRIBUTES: Attribute[] = [
  str('userName', { required: true, uniqueness: 'server' }),
  {
    name: 'name',
    type: 'complex',
    subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map(
      (n) => str(n),
    ),
  },
  str('displayName'),
  str('nickName'),
  str('title'),
  str('userType'),
  str('preferredLanguage'),
  str('locale'),
  str('timezone'),
  { name: 'active', type: 'boolean' },
  multi('emails', [str('value'), str('display'), str('type'), { name: 'primary', type: 'boolean' }]),
  multi('phoneNumbers', [str('value'), str('type'), { name: 'primary', type: 'boolean' }]),
  multi(
    'groups',
    [
      str('value', { mutability: 'readOnly' }),
      { name: '$ref', type: 'reference', mutability: 'readOnly' },
      str('display', { mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
  multi('roles', [str('value'), str('display'), str('type'), { name: 'primary', type: 'boolean' }]),
];

const ENTERPRISE_ATTRIBUTES: Attribute[] = [
  str('employeeNumber'),
  str('costCenter'),
  str('organization'),
  str('division'),
  str('department'),
  {
    name: 'manager',
    type: 'complex',
    subAttributes: [str('value'), { name: '$ref', type: 'reference' }, str('displayName', { mutability: 'readOnly' })],
  },
];

const GROUP_ATTRIBUTES: Attribute[] = [
  str('displayName', { required: true, uniqueness: 'server' }),
  multi('members', [
    str('value', { mutability: 'immutable', caseExact: true }),
    { name: '$ref', type: 'reference', mutability: 'immutable' },
    str('display', { mutability: 'readOnly' }),
    str('type', { mutability: 'immutable' }),
  ]),
];

export function schemaResources(base: string): Record<string, unknown>[] {
  const schema = (id: string, name: string, attributes: Attribute[]): Record<string, unknown> => ({
    schemas: [SCHEMAS.schema],
    id,
    name,
    attributes: attributes.map(attr),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` },
  });
  return [
    schema(SCHEMAS.user, 'User', USER_ATTRIBUTES),
    schema(SCHEMAS.enterprise, 'EnterpriseUser', ENTERPRISE_ATTRIBUTES),
    schema(SCHEMAS.group, 'Group', GROUP_ATTRIBUTES),
  ];
}

export function listResponse(resources: unknown[], total: number, startIndex: number): Record<string, unknown> {
  return {
    schemas: [SCHEMAS.list],
    totalResults: total,
    Resources: resources,
    startIndex,
    itemsPerPage: resources.length,
  };
}
