import { useMemo, useState, type FormEvent } from 'react';
import type { Me, MePatch } from '../api/types';
import { InterfaceLanguagePicker } from '../components/InterfaceLanguagePicker';
import { InlineError } from '../components/States';
import { asTimeZone, detectedTimeZone, searchZones, timeZones, zoneCity, zoneOptions } from '../domain/timezone';
import { usePatchMe } from '../hooks/queries';
import { toInterfaceLanguage, useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';

/**
 * Every setting `PATCH /api/me` takes, each with a value (the form never clears one). The
 * zone set here is a choice (`timezone`); the detected one and "follow the device" are sent
 * apart.
 */
type SettingsPatch = Omit<MePatch, 'detected_timezone' | 'follow_device_timezone'>;
type Settings = { [K in keyof SettingsPatch]-?: NonNullable<SettingsPatch[K]> };

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
  const { t, lang } = useI18n();
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
  const options = useMemo(
    () => zoneOptions(timeZones(detected, saved.timezone), new Date(), lang),
    [detected, saved.timezone, lang],
  );
  const [zoneQuery, setZoneQuery] = useState('');
  const shownZones = searchZones(options, zoneQuery, form.timezone);
  const manual = me.user.timezone_source === 'manual';
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
          aria-describedby="reminders-hint"
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
      <p className="hint settings-hint" id="reminders-hint" data-testid="reminders-hint">
        {t('settings.remindersHint')}
      </p>
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
      <fieldset className="field">
        <legend>{t('settings.timezone')}</legend>
        <input
          type="search"
          className="input"
          name="timezone_search"
          value={zoneQuery}
          onChange={(event) => setZoneQuery(event.target.value)}
          placeholder={t('settings.timezoneSearch')}
          aria-label={t('settings.timezoneSearch')}
        />
        <select
          name="timezone"
          className="input"
          aria-label={t('settings.timezone')}
          value={form.timezone}
          onChange={(event) => set('timezone', asTimeZone(event.target.value))}
        >
          {shownZones.map((option) => (
            <option key={option.zone} value={option.zone}>
              {option.label}
            </option>
          ))}
        </select>
        {zoneQuery.trim() !== '' && searchZones(options, zoneQuery, '').length === 0 && (
          <small className="hint">{t('settings.timezoneNothing')}</small>
        )}
        <small className="hint" data-testid="timezone-source">
          {manual ? t('settings.timezoneManual') : t('settings.timezoneDevice')}{' '}
          {t('settings.timezoneDetected', { zone: zoneCity(detected, lang) })}
        </small>
        {manual && (
          <button
            type="button"
            className="button button-small"
            data-testid="timezone-follow"
            disabled={patchMe.isPending}
            onClick={() =>
              patchMe.mutate(
                { detected_timezone: asTimeZone(detected), follow_device_timezone: true },
                { onSuccess: (next) => setForm(settingsOf(next)) },
              )
            }
          >
            {t('settings.timezoneFollow', { zone: zoneCity(detected, lang) })}
          </button>
        )}
      </fieldset>
      <InlineError error={patchMe.error} />
      {patchMe.isSuccess && !dirty && <p className="hint" role="status">{t('common.saved')}</p>}
      <button type="submit" className="button button-primary button-wide" disabled={!dirty || patchMe.isPending}>
        {t('common.save')}
      </button>
    </form>
  );
}
