import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { GroupDetail, GroupPatch } from '../api/types';
import { groupErrorText } from '../groups/errors';
import { GROUP_DESCRIPTION_MAX, GROUP_NAME_MAX } from '../groups/groups';
import { useArchiveGroup, usePatchGroup } from '../groups/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { ConfirmPanel } from './ConfirmPanel';

/** A teacher edits the name, description and member limit; the owner archives the group. */
export function GroupSettings({ group }: { group: GroupDetail }) {
  const { t } = useI18n();
  const id = useId();
  const navigate = useNavigate();
  const patch = usePatchGroup(group.id);
  const archive = useArchiveGroup(group.id);
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? '');
  const [maxMembers, setMaxMembers] = useState(String(group.max_members));
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState(false);
  const nameInvalid = !name.trim();
  const max = Number(maxMembers);
  const maxInvalid = !Number.isInteger(max) || max < 2 || max > 1000;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (nameInvalid || maxInvalid) return;
    // Only what changed is sent.
    const changes: GroupPatch = {};
    if (name.trim() !== group.name) changes.name = name.trim();
    const nextDescription = description.trim() || null;
    if (nextDescription !== (group.description ?? null)) changes.description = nextDescription;
    if (max !== group.max_members) changes.max_members = max;
    if (Object.keys(changes).length === 0) return;
    patch.mutate(changes, {
      onSuccess: () => {
        setSaved(true);
        haptics.notification('success');
      },
      onError: () => haptics.notification('error'),
    });
  };

  return (
    <section className="group-section" aria-label={t('groups.tab.settings')} data-testid="group-settings">
      <form className="card form" onSubmit={submit} noValidate aria-label={t('groups.edit')}>
        <p className="section-title">{t('groups.edit')}</p>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('groups.form.name')} *</label>
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            maxLength={GROUP_NAME_MAX}
            aria-invalid={nameInvalid}
            onChange={(event) => {
              setSaved(false);
              setName(event.target.value);
            }}
          />
          {nameInvalid && <small className="hint hint-warning">{t('groups.form.nameRequired')}</small>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>{t('groups.form.description')}</label>
          <textarea
            id={`${id}-description`}
            className="input"
            rows={2}
            maxLength={GROUP_DESCRIPTION_MAX}
            value={description}
            onChange={(event) => {
              setSaved(false);
              setDescription(event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-max`}>{t('groups.form.maxMembers')}</label>
          <input
            id={`${id}-max`}
            className="input"
            type="number"
            inputMode="numeric"
            min={2}
            max={1000}
            value={maxMembers}
            aria-invalid={maxInvalid}
            onChange={(event) => {
              setSaved(false);
              setMaxMembers(event.target.value);
            }}
          />
          {maxInvalid && <small className="hint hint-warning">{t('groups.form.maxMembersRange', { max: 1000 })}</small>}
        </div>
        {patch.error !== null && (
          <p className="inline-error" role="alert">
            {groupErrorText(t, patch.error)}
          </p>
        )}
        {saved && (
          <p className="copy-status" role="status">
            ✓ {t('groups.edit.saved')}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={patch.isPending} aria-busy={patch.isPending}>
          {t('groups.edit.save')}
        </button>
      </form>
      <div className="card group-section">
        {group.is_owner ? (
          confirming ? (
            <ConfirmPanel
              text={t('groups.archiveConfirm', { name: group.name })}
              confirmLabel={t('groups.archive')}
              pending={archive.isPending}
              onCancel={() => setConfirming(false)}
              onConfirm={() =>
                archive.mutate(undefined, {
                  onSuccess: () => {
                    haptics.notification('success');
                    navigate('/groups', { replace: true });
                  },
                  onError: () => haptics.notification('error'),
                })
              }
            />
          ) : (
            <button type="button" className="button button-wide button-danger-outline" onClick={() => setConfirming(true)} data-testid="group-archive">
              {t('groups.archive')}
            </button>
          )
        ) : (
          <p className="hint">{t('groups.archiveOwnerOnly')}</p>
        )}
        {archive.error !== null && (
          <p className="inline-error" role="alert">
            {groupErrorText(t, archive.error)}
          </p>
        )}
      </div>
    </section>
  );
}
