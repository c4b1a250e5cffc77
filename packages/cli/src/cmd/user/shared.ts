// What the user verbs share.
import type { FlagSpec } from '../../cmdutil/flags.js';

export const fieldsFlag = {
  name: 'fields',
  type: 'string',
  usage:
    "A comma-delimited string of the requested fields per entity. If the 'links' value is omitted, then the entity HATEOAS link will also be omitted.",
} as const satisfies FlagSpec;
