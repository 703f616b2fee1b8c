import { useI18n } from '../i18n/i18n';

interface Props {
  text: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
}

/** An in-page "are you sure" with a destructive button, as the profile editor uses. */
export function ConfirmPanel({ text, confirmLabel, onConfirm, onCancel, pending = false }: Props) {
  const { t } = useI18n();
  return (
    <div className="confirm" role="alertdialog" aria-label={text}>
      <p>{text}</p>
      <div className="row">
        <button type="button" className="button button-danger" onClick={onConfirm} disabled={pending}>
          {confirmLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
