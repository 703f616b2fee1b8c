// Shapes of the api-server contract (docs/api.md).

export type Level = 'A1' | 'A2' | 'B1' | 'B2' | 'C1' | 'C2';
export type Goal =
  | 'travel'
  | 'work'
  | 'study'
  | 'exams'
  | 'conversation'
  | 'culture'
  | 'relocation'
  | 'hobby';
export type InterfaceLanguage = 'ru' | 'en';

export interface User {
  id: string;
  telegram_id: number;
  first_name: string;
  last_name: string | null;
  username: string | null;
  language_code: string | null;
  photo_url: string | null;
  timezone: string;
  day_rollover_hour: number;
  reminders_enabled: boolean;
  reminder_hour: number;
  rating_buttons: 3 | 4;
  interface_language: InterfaceLanguage;
  is_admin: boolean;
  created_at: string;
}

export interface Session {
  access_token: string;
  refresh_token: string;
  expires_at: string;
  user: User;
}

export interface Me {
  user: User;
  plan: { name: 'free' | 'premium' | string; premium_until: string | null };
  limits: { profiles: { used: number; max: number } };
  active_profile_id: string | null;
}

export type MePatch = Partial<
  Pick<
    User,
    | 'timezone'
    | 'day_rollover_hour'
    | 'reminders_enabled'
    | 'reminder_hour'
    | 'rating_buttons'
    | 'interface_language'
  >
>;

export interface Profile {
  id: string;
  language: string;
  current_level: Level;
  target_level: Level;
  goals: Goal[];
  interface_language: InterfaceLanguage;
  is_active: boolean;
  new_cards_per_day: number;
  desired_retention: number;
  created_at: string;
  updated_at: string;
}

export interface NewProfile {
  language: string;
  current_level: Level;
  target_level: Level;
  goals: Goal[];
  interface_language: InterfaceLanguage;
}

export type ProfilePatch = Partial<
  Pick<
    Profile,
    | 'current_level'
    | 'target_level'
    | 'goals'
    | 'interface_language'
    | 'new_cards_per_day'
    | 'desired_retention'
  >
>;

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    request_id?: string;
  };
}
