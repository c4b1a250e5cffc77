// Query flags and bodies that several of Qlik's list pages declare with the same texts, declared once: the cursors
// and sort of the G2 list pages (groups, roles, identity providers), their RFC 7644 --filter, and the `… filter` verbs
// of users and groups (their --next/--prev texts speak of users on both of Qlik's pages).
import { allowedValues } from '../cmdutil/flags.js';
import type { ObjectBody, QueryParam } from './operation.js';

/** --next and --prev as the G2 list pages give them. */
export const CURSOR_QUERY = [
  { flag: { name: 'next', type: 'string', usage: 'The next page cursor.' } },
  { flag: { name: 'prev', type: 'string', usage: 'The previous page cursor.' } },
] as const satisfies readonly QueryParam[];

/** --sort by any field of the resource (groups, roles). */
export const FIELD_SORT_QUERY = {
  flag: {
    name: 'sort',
    type: 'string',
    usage:
      'Optional resource field name to sort on, eg. name. Can be prefixed with +/- to determine order, defaults to (+) ascending.',
  },
} as const satisfies QueryParam;

/** --filter in RFC 7644's syntax; the groups page also says it cannot be combined with deprecated fields. */
export function scimFilterQuery(deprecatedFields: boolean): QueryParam {
  return {
    flag: {
      name: 'filter',
      type: 'string',
      usage: `The advanced filtering to use for the query. Refer to [RFC 7644](https://datatracker.ietf.org/doc/rfc7644/) for the syntax. ${deprecatedFields ? 'Cannot be combined with any of the fields marked as deprecated. ' : ''}All conditional statements within this query parameter are case insensitive.`,
    },
  };
}

const NAME_SORTS = ['name', '+name', '-name'];

/** The query of `user filter` and `group filter`: --next, --prev and --sort by name. */
export const FILTER_VERB_QUERY = [
  {
    flag: {
      name: 'next',
      type: 'string',
      usage: 'Get users with IDs that are higher than the target user ID. Cannot be used in conjunction with prev.',
    },
  },
  {
    flag: {
      name: 'prev',
      type: 'string',
      usage: 'Get users with IDs that are lower than the target user ID. Cannot be used in conjunction with next.',
    },
  },
  {
    flag: {
      name: 'sort',
      type: 'string',
      choices: NAME_SORTS,
      usage: `The field to sort by, with +/- prefix indicating sort order${allowedValues(NAME_SORTS)}`,
    },
  },
] as const satisfies readonly QueryParam[];

/** The body of `user filter` and `group filter`: --filter. */
export const FILTER_VERB_BODY = {
  kind: 'object',
  fields: [
    {
      flag: {
        name: 'filter',
        type: 'string',
        usage:
          'The advanced filtering to be applied the query. All conditional statements within this query parameter are case insensitive.',
      },
    },
  ],
} as const satisfies ObjectBody;
