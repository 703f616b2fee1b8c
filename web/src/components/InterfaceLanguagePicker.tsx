import type { InterfaceLanguage } from '../api/types';
import { useI18n } from '../i18n/i18n';

const OPTIONS: InterfaceLanguage[] = ['ru', 'en'];

export function InterfaceLanguagePicker({
  name,
  value,
  onChange,
}: {
  name: string;
  value: InterfaceLanguage;
  onChange: (lang: InterfaceLanguage) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="segmented" role="radiogroup">
      {OPTIONS.map((lang) => (
        <label key={lang} className={`segment ${value === lang ? 'segment-selected' : ''}`}>
          <input
            type="radio"
            name={name}
            value={lang}
            checked={value === lang}
            onChange={() => onChange(lang)}
          />
          {t(`uiLang.${lang}`)}
        </label>
      ))}
    </div>
  );
}
