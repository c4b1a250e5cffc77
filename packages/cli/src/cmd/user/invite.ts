// qlik user invite: POST /api/v1/users/actions/invite (207, one result per invitee, printed as an array). Help texts
// from Qlik's page (qlik.dev user-invite.md, generation G3, last_updated 2026-06-03). The --invitees-* flags make one
// invitee; -f FILE gives several.
import { defineOperation } from '../../api/operation.js';

export const userInviteOperation = defineOperation({
  use: 'invite',
  short: 'Invite one or more users by email address',
  long: 'Invite one or more users by email address.',
  page: 'G3',
  method: 'POST',
  path: '/api/v1/users/actions/invite',
  output: 'list',
  body: {
    kind: 'object',
    fields: [
      {
        flag: {
          name: 'invitees-email',
          type: 'string',
          usage: 'Email address for this invitee. Example - "foo@qlik.com".',
        },
        field: 'invitees[].email',
      },
      {
        flag: {
          name: 'invitees-language',
          type: 'string',
          usage: "Optional ISO 639-1 2 letter code for invite language. Defaults to 'en' when missing or not found.",
        },
        field: 'invitees[].language',
      },
      {
        flag: {
          name: 'invitees-name',
          type: 'string',
          usage: 'Optional display name for this invitee. Example - "Elvis Presley".',
        },
        field: 'invitees[].name',
      },
      {
        flag: {
          name: 'invitees-resend',
          type: 'bool',
          usage:
            'Flag - when true invite message is sent to inactive or invited users. Typically used to force email resend to users who are not yet active.',
        },
        field: 'invitees[].resend',
      },
    ],
  },
});
