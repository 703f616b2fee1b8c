import { useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { isApiError } from '../api/errors';
import type { NewGroup } from '../api/types';
import { LanguagePicker } from '../components/LanguagePicker';
import { languageName } from '../domain/languages';
import { useBillingPlans } from '../billing/queries';
import { codeOf, groupErrorText } from '../groups/errors';
import { GROUP_DESCRIPTION_MAX, GROUP_NAME_MAX, validateGroupForm, type GroupFormValues } from '../groups/groups';
import { useCreateGroup } from '../groups/queries';
import { useFormSubmit } from '../hooks/useFormSubmit';
import { useMe, useProfiles } from '../hooks/queries';
import { useI18n } from '../i18n/i18n';
import { requestIdOf } from '../components/errorText';
import { haptics } from '../telegram/haptics';
import { PrimaryAction } from '../telegram/PrimaryAction';
import { activeProfileOf } from './Home';
import '../groups/Groups.css';

/** The most members a group of mine may have on my current plan, when the plans are known. */
function useMembersLimit(): number | null {
  const me = useMe();
  const plans = useBillingPlans();
  if (!me.data || !plans.data) return null;
  const limits = me.data.plan.name === 'premium' ? plans.data.limits.premium : plans.data.limits.free;
  return limits.group_members ?? null;
}

/** `/groups/new`: name, description, language (the active one by default), members at most. */
export function GroupCreateScreen() {
  const { t, lang } = useI18n();
  const id = useId();
  const navigate = useNavigate();
  const me = useMe();
  const profiles = useProfiles();
  const active = me.data && profiles.data ? activeProfileOf(me.data, profiles.data) : undefined;
  const maxAllowed = useMembersLimit();
  const [values, setValues] = useState<GroupFormValues>({ name: '', description: '', language: null, maxMembers: '' });
  const [picking, setPicking] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const create = useCreateGroup();
  const language = values.language ?? active?.language ?? null;
  const current = { ...values, language };
  const errors = validateGroupForm(current, maxAllowed);
  const { shown, submit } = useFormSubmit(errors, () => {
    const group: NewGroup = {
      name: current.name.trim(),
      language: current.language as NewGroup['language'],
      ...(current.description.trim() ? { description: current.description.trim() } : {}),
      ...(current.maxMembers.trim() ? { max_members: Number(current.maxMembers) } : {}),
    };
    create.mutate(group, {
      onSuccess: (detail) => {
        haptics.notification('success');
        navigate(`/groups/${detail.id}`, { replace: true });
      },
      onError: () => haptics.notification('error'),
    });
  });
  const change = (next: Partial<GroupFormValues>) => {
    create.reset();
    setValues({ ...values, ...next });
  };
  const limited = isApiError(create.error) && codeOf(create.error) === 'LIMIT_REACHED';
  const requestId = requestIdOf(create.error);

  return (
    <main className="screen group-new">
      <h1>{t('groups.new.title')}</h1>
      <form ref={formRef} className="form card" onSubmit={submit} noValidate aria-label={t('groups.new.title')}>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('groups.form.name')} *</label>
          <input
            id={`${id}-name`}
            name="name"
            className="input"
            value={values.name}
            maxLength={GROUP_NAME_MAX}
            aria-invalid={Boolean(shown.name)}
            aria-describedby={shown.name ? `${id}-name-error` : undefined}
            onChange={(event) => change({ name: event.target.value })}
          />
          {shown.name && (
            <small id={`${id}-name-error`} className="hint hint-warning">
              {t(shown.name)}
            </small>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>{t('groups.form.description')}</label>
          <textarea
            id={`${id}-description`}
            name="description"
            className="input"
            rows={2}
            value={values.description}
            aria-describedby={`${id}-description-hint`}
            aria-invalid={Boolean(shown.description)}
            onChange={(event) => change({ description: event.target.value })}
          />
          <small id={`${id}-description-hint`} className={shown.description ? 'hint hint-warning' : 'hint'}>
            {shown.description ? t(shown.description) : `${values.description.length}/${GROUP_DESCRIPTION_MAX}`}
          </small>
        </div>
        <div className="field">
          <span id={`${id}-language`}>{t('groups.form.language')} *</span>
          <div className="group-language-choice" aria-labelledby={`${id}-language`}>
            <strong data-testid="group-language">{language ? languageName(language, lang) : '—'}</strong>
            <button type="button" className="button button-small" onClick={() => setPicking(!picking)} aria-expanded={picking}>
              {t(picking ? 'groups.form.languageDone' : 'groups.form.languageChange')}
            </button>
          </div>
          {picking && (
            <LanguagePicker
              value={language}
              taken={[]}
              onChange={(code) => {
                change({ language: code });
                setPicking(false);
              }}
            />
          )}
          {shown.language && <small className="hint hint-warning">{t(shown.language)}</small>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-max`}>{t('groups.form.maxMembers')}</label>
          <input
            id={`${id}-max`}
            name="max_members"
            className="input"
            type="number"
            inputMode="numeric"
            min={2}
            max={maxAllowed ?? 1000}
            value={values.maxMembers}
            placeholder={maxAllowed ? String(maxAllowed) : undefined}
            aria-invalid={Boolean(shown.maxMembers)}
            aria-describedby={`${id}-max-hint`}
            onChange={(event) => change({ maxMembers: event.target.value })}
          />
          <small id={`${id}-max-hint`} className={shown.maxMembers ? 'hint hint-warning' : 'hint'}>
            {shown.maxMembers
              ? t(shown.maxMembers, { max: maxAllowed ?? 1000 })
              : maxAllowed
                ? t('groups.form.maxMembersHint', { max: maxAllowed })
                : t('groups.form.maxMembersHintUnknown')}
          </small>
        </div>
        {create.error !== null && (
          <div className="inline-error" role="alert" data-testid="group-create-error">
            <p>{groupErrorText(t, create.error)}</p>
            {limited && (
              <Link to="/profile/plan" className="button button-small" data-testid="group-upgrade">
                {t('groups.upgrade')}
              </Link>
            )}
            {requestId && !limited && <p className="hint">{t('common.error.requestId', { id: requestId })}</p>}
          </div>
        )}
      </form>
      <PrimaryAction
        text={t('groups.form.submit')}
        loading={create.isPending}
        onClick={() => formRef.current?.requestSubmit()}
      />
    </main>
  );
}
