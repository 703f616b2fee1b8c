import { useMemo, useState, type FormEvent } from 'react';
import type { Me, MePatch } from '../api/types';
import { InterfaceLanguagePicker } from '../components/InterfaceLanguagePicker';
import { InlineError } from '../components/States';
import { asTimeZone, detectedTimeZone, rememberManualTimeZone, timeZones } from '../domain/timezone';
import { usePatchMe } from '../hooks/queries';
import { toInterfaceLanguage, useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';

/** Every setting `PATCH /api/me` takes, each with a value (the form never clears one). */
type Settings = { [K in keyof MePatch]-?: NonNullable<MePatch[K]> };

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

function settingsOf(me: Me): Settings {
  const { timezone, day_rollover_hour, reminders_enabled, reminder_hour, rating_buttons, interface_language } =
    me.user;
  return {
    timezone: asTimeZone(timezone),
    day_rollover_hour,
    reminders_enabled,
    reminder_hour,
    rating_buttons,
    interface_language: toInterfaceLanguage(interface_language),
  };
}

function settingsKey(me: Me): string {
  return JSON.stringify(settingsOf(me));
}

/** Only the fields that changed, so the PATCH says exactly what the user did. */
function changes(before: Settings, after: Settings): MePatch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof Settings)[]) {
    if (after[key] !== before[key]) patch[key] = after[key];
  }
  return patch as MePatch;
}

function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** Account settings saved with PATCH /api/me. */
export function SettingsForm({ me }: { me: Me }) {
  const { t } = useI18n();
  const saved = settingsOf(me);
  const [form, setForm] = useState<Settings>(saved);
  const [base, setBase] = useState<Settings>(saved);
  // Adopt server-side changes (such as the time zone sync) unless the user is editing.
  if (settingsKey(me) !== JSON.stringify(base)) {
    setBase(saved);
    if (Object.keys(changes(base, form)).length === 0) setForm(saved);
  }
  const patchMe = usePatchMe();
  const detected = detectedTimeZone();
  const zones = useMemo(() => timeZones(detected, saved.timezone), [detected, saved.timezone]);
  const patch = changes(saved, form);
  const dirty = Object.keys(patch).length > 0;
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => {
    patchMe.reset();
    setForm((current) => ({ ...current, [key]: value }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty) return;
    patchMe.mutate(patch, {
      onSuccess: (next) => {
        // A zone other than the device's is a deliberate choice the automatic sync must keep.
        if (patch.timezone) rememberManualTimeZone(patch.timezone === detected ? null : patch.timezone);
        setForm(settingsOf(next));
        haptics.notification('success');
      },
      onError: () => haptics.notification('error'),
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={t('settings.title')}>
      <label className="field field-inline">
        <span>{t('settings.reminders')}</span>
        <input
          type="checkbox"
          name="reminders_enabled"
          checked={form.reminders_enabled}
          onChange={(event) => set('reminders_enabled', event.target.checked)}
        />
      </label>
      <label className="field">
        <span>{t('settings.reminderHour')}</span>
        <select
          name="reminder_hour"
          className="input"
          value={form.reminder_hour}
          disabled={!form.reminders_enabled}
          onChange={(event) => set('reminder_hour', Number(event.target.value))}
        >
          {HOURS.map((hour) => (
            <option key={hour} value={hour}>
              {hourLabel(hour)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('settings.rolloverHour')}</span>
        <select
          name="day_rollover_hour"
          className="input"
          value={form.day_rollover_hour}
          onChange={(event) => set('day_rollover_hour', Number(event.target.value))}
        >
          {HOURS.map((hour) => (
            <option key={hour} value={hour}>
              {hourLabel(hour)}
            </option>
          ))}
        </select>
        <small className="hint">{t('settings.rolloverHint')}</small>
      </label>
      <fieldset className="field">
        <legend>{t('settings.ratingButtons')}</legend>
        <div className="segmented" role="radiogroup">
          {([3, 4] as const).map((count) => (
            <label key={count} className={`segment ${form.rating_buttons === count ? 'segment-selected' : ''}`}>
              <input
                type="radio"
                name="rating_buttons"
                value={count}
                checked={form.rating_buttons === count}
                onChange={() => set('rating_buttons', count)}
              />
              {t(count === 3 ? 'settings.ratingButtons3' : 'settings.ratingButtons4')}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>{t('settings.interfaceLanguage')}</legend>
        <InterfaceLanguagePicker
          name="settings_interface_language"
          value={form.interface_language}
          onChange={(lang) => set('interface_language', lang)}
        />
      </fieldset>
      <label className="field">
        <span>{t('settings.timezone')}</span>
        <select
          name="timezone"
          className="input"
          value={form.timezone}
          onChange={(event) => set('timezone', asTimeZone(event.target.value))}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
        <small className="hint">{t('settings.timezoneDetected', { zone: detected })}</small>
      </label>
      <InlineError error={patchMe.error} />
      {patchMe.isSuccess && !dirty && <p className="hint" role="status">{t('common.saved')}</p>}
      <button type="submit" className="button button-primary button-wide" disabled={!dirty || patchMe.isPending}>
        {t('common.save')}
      </button>
    </form>
  );
}
