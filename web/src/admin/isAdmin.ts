import type { Me } from '../api/types';

/** Whether Me says the user is an admin now (checked against ADMIN_TELEGRAM_IDS on each request). */
export function isAdmin(me: Me | undefined): boolean {
  return me?.is_admin === true;
}
