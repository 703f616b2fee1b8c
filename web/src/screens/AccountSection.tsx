import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ConfirmPanel } from '../components/ConfirmPanel';
import { InlineError } from '../components/States';
import { useI18n } from '../i18n/i18n';
import { useApi } from '../session/SessionProvider';
import { haptics } from '../telegram/haptics';
import { saveFile } from '../telegram/saveFile';

export const EXPORT_FILE_NAME = 'lang-agent-export.json';
/** Dispatched on window once the account is gone: the shell stops and says so. */
export const ACCOUNT_DELETED_EVENT = 'la:account-deleted';

/** Export my data (`GET /api/me/export`) and delete my account (`DELETE /api/me`, confirmed). */
export function AccountSection() {
  const { t } = useI18n();
  const client = useApi();
  const [confirming, setConfirming] = useState(false);
  const exportData = useMutation({
    mutationFn: () => api.exportMe(client),
    onSuccess: (blob) => {
      saveFile(blob, EXPORT_FILE_NAME);
      haptics.notification('success');
    },
    onError: () => haptics.notification('error'),
  });
  const erase = useMutation({
    mutationFn: () => api.deleteMe(client),
    onSuccess: () => {
      haptics.notification('success');
      window.dispatchEvent(new Event(ACCOUNT_DELETED_EVENT));
    },
    onError: () => haptics.notification('error'),
  });

  return (
    <section className="card account" aria-label={t('account.title')} data-testid="account">
      <p className="section-title">{t('account.title')}</p>
      <p className="hint">{t('account.exportHint')}</p>
      <button
        type="button"
        className="button button-wide"
        data-testid="export-me"
        disabled={exportData.isPending}
        onClick={() => exportData.mutate()}
      >
        {exportData.isPending ? t('common.loading') : t('account.export')}
      </button>
      {exportData.isSuccess && (
        <p className="hint" role="status">
          {t('account.exported', { name: EXPORT_FILE_NAME })}
        </p>
      )}
      <InlineError error={exportData.error} />
      {confirming ? (
        <ConfirmPanel
          text={t('account.deleteConfirm')}
          confirmLabel={t('account.deleteYes')}
          pending={erase.isPending}
          onConfirm={() => erase.mutate()}
          onCancel={() => setConfirming(false)}
        />
      ) : (
        <button
          type="button"
          className="button button-wide button-danger-outline"
          data-testid="delete-me"
          onClick={() => setConfirming(true)}
        >
          {t('account.delete')}
        </button>
      )}
      <InlineError error={erase.error} />
    </section>
  );
}

/** Shown instead of the app once the account is erased: nothing else may sign in again. */
export function AccountDeleted() {
  const { t } = useI18n();
  return (
    <main className="screen" data-testid="account-deleted">
      <section className="card state" role="status">
        <h1>{t('account.deleted.title')}</h1>
        <p>{t('account.deleted.text')}</p>
      </section>
    </main>
  );
}
