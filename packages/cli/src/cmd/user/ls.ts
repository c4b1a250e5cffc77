// qlik user ls: the users of the tenant, with Qlik's flags and cursor paging through links.next.
import { defineOperation } from '../../api/operation.js';
import { allowedValues, type FlagSpec } from '../../cmdutil/flags.js';
import { fieldsFlag } from './shared.js';

const SORTS = [
  'name',
  '_id',
  'id',
  'tenantId',
  'clientId',
  'status',
  'subject',
  'email',
  'inviteExpiry',
  'createdAt',
].flatMap((s) => [s, `+${s}`, `-${s}`]);

/**
 * Parameters Qlik deprecated, still accepted and still shown, marked "(Deprecated)", as Qlik's page shows them. The
 * page (qlik.dev, 2025-06-18) is cut off after --filter: --email and --endingBefore are its lines; the texts of the
 * others are inferred from older users specs (their parameter descriptions, as Qlik's generator words them).
 */
const deprecated = (name: string, usage: string): { flag: FlagSpec } => ({
  flag: { name, type: 'string', usage: `(Deprecated) ${usage}` },
});

export const userLsOperation = defineOperation({
  use: 'ls',
  short: 'List users',
  long: 'Returns a list of users using cursor-based pagination.',
  method: 'GET',
  path: '/api/v1/users',
  output: 'list',
  paging: { pageMax: 100 },
  query: [
    { flag: fieldsFlag },
    {
      flag: {
        name: 'filter',
        type: 'string',
        usage:
          'The advanced filtering to use for the query. Refer to [RFC 7644](https://datatracker.ietf.org/doc/rfc7644/) for the syntax. Cannot be combined with any of the fields marked as deprecated. All conditional statements within this query parameter are case insensitive.\n\nThe following fields support the ˋeqˋ operator: ˋidˋ, ˋsubjectˋ, ˋnameˋ, ˋemailˋ, ˋstatusˋ, ˋclientIdˋ, ˋassignedRoles.idˋ ˋassignedRoles.nameˋ, ˋassignedGroups.idˋ, ˋassignedGroupsAssignedRoles.nameˋ\n\nAdditionally, the following fields support the ˋcoˋ operator: ˋnameˋ, ˋemailˋ, ˋsubjectˋ\n\nQueries may be rate limited if they differ greatly from these examples:\n\nˋˋˋ\n(id eq "62716ab404a7bd8626af9bd6" or id eq "62716ac4c7e500e13ff5fa22") and (status eq "active" or status eq "disabled")\nˋˋˋ\n\nˋˋˋ\nname co "query" or email co "query" or subject co "query" or id eq "query" or assignedRoles.name eq "query"\nˋˋˋ\n\nAny filters for status must be grouped together and applied to the whole query.\n\nValid:\n\nˋˋˋ\n(name eq "Bob" or name eq "Alice") and (status eq "active" or status eq "disabled")\nˋˋˋ\n\nInvalid:\n\nˋˋˋ\nname eq "Bob" or name eq "Alice" and (status eq "active" or status eq "disabled")\nˋˋˋ',
      },
    },
    {
      flag: {
        name: 'next',
        type: 'string',
        usage: 'Get users that come after this cursor value when sorted. Cannot be used in conjunction with ˋprevˋ.',
      },
    },
    {
      flag: {
        name: 'prev',
        type: 'string',
        usage: 'Get users that come before this cursor value when sorted. Cannot be used in conjunction with ˋnextˋ.',
      },
    },
    {
      flag: {
        name: 'sort',
        type: 'string',
        choices: SORTS,
        usage: `The field to sort by, with +/- prefix indicating sort order${allowedValues(SORTS)}`,
      },
    },
    {
      flag: {
        name: 'totalResults',
        type: 'bool',
        usage:
          'Whether to return a total match count in the result. Defaults to false. It will trigger an extra DB query to count, reducing the efficiency of the endpoint.',
      },
    },
    deprecated(
      'email',
      'The email to filter by. Deprecated. Use the new ˋfilterˋ parameter to provide an advanced query filter.',
    ),
    deprecated(
      'endingBefore',
      'Get users with IDs that are lower than the target user ID. Cannot be used in conjunction with startingAfter. Deprecated. Use ˋprevˋ instead.',
    ),
    deprecated('role', 'The role to filter by. Deprecated.'),
    deprecated('sortBy', 'The user parameter to sort by. Deprecated. Use ˋsortˋ instead.'),
    deprecated('sortOrder', 'The sort order, asc or desc. Deprecated. Use ˋsortˋ instead.'),
    deprecated(
      'startingAfter',
      'Get users with IDs that are higher than the target user ID. Cannot be used in conjunction with endingBefore. Deprecated. Use ˋnextˋ instead.',
    ),
    deprecated(
      'status',
      'The status to filter by. Supports multiple values delimited by commas. Deprecated. Use the new ˋfilterˋ parameter to provide an advanced query filter.',
    ),
    deprecated(
      'subject',
      'The subject to filter by. Deprecated. Use the new ˋfilterˋ parameter to provide an advanced query filter.',
    ),
    deprecated('tenantId', 'The tenant ID to filter by. Deprecated.'),
  ],
});
