// qlik user invite: POST /api/v1/users/actions/invite (207, one result per invitee, printed as an array). Help texts
// from Qlik's page (qlik.dev user-invite.md, generation G3, last_updated 2026-06-03). The --invitees-* flags make one
// invitee; -f FILE gives several.
import { bodyFlag, defineOperation } from '../../api/operation.js';

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
      bodyFlag(
        'invitees-email',
        'string',
        'Email address for this invitee. Example - "foo@qlik.com".',
        'invitees[].email',
      ),
      bodyFlag(
        'invitees-language',
        'string',
        "Optional ISO 639-1 2 letter code for invite language. Defaults to 'en' when missing or not found.",
        'invitees[].language',
      ),
      bodyFlag(
        'invitees-name',
        'string',
        'Optional display name for this invitee. Example - "Elvis Presley".',
        'invitees[].name',
      ),
      bodyFlag(
        'invitees-resend',
        'bool',
        'Flag - when true invite message is sent to inactive or invited users. Typically used to force email resend to users who are not yet active.',
        'invitees[].resend',
      ),
    ],
  },
});
