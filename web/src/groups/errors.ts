import { isApiError } from '../api/errors';
import { errorText } from '../components/errorText';
import type { MessageKey, Translate } from '../i18n/i18n';

/** The code of an API error, if it is one. */
export function codeOf(error: unknown): string | undefined {
  return isApiError(error) ? error.code : undefined;
}

/** The sentence for a groups route's error: the group codes here, anything else as elsewhere. */
export function groupErrorText(t: Translate, error: unknown): string {
  if (!isApiError(error)) return errorText(t, error);
  const limit = error.details?.limit;
  const max = error.detailNumber('max') ?? '?';
  let key: MessageKey | undefined;
  switch (error.code) {
    case 'GROUP_NOT_FOUND':
      key = 'groups.notFound';
      break;
    case 'INVITE_EXPIRED':
      key = 'groups.join.expired';
      break;
    case 'ALREADY_MEMBER':
      key = 'groups.join.already';
      break;
    case 'FORBIDDEN':
      key = 'groups.forbidden';
      break;
    case 'LIMIT_REACHED':
      if (limit === 'groups') key = 'groups.limit.groups';
      else if (limit === 'group_members') key = 'groups.limit.members';
      break;
    case 'CONFLICT':
      if (error.details?.field === 'name') key = 'groups.form.nameTaken';
      break;
  }
  return key ? t(key, { max }) : errorText(t, error);
}
