import { useMemo, useState } from 'react';
import { languageOptions, searchLanguages, type LanguageOption } from '../domain/languages';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';

interface Props {
  value: string | null;
  onChange: (code: string) => void;
  /** Languages the user already learns: shown but not selectable. */
  taken: string[];
}

/** Popular languages first, then every ISO 639-1 language with a search box. */
export function LanguagePicker({ value, onChange, taken }: Props) {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState('');
  const { popular, all } = useMemo(() => languageOptions(lang), [lang]);
  const found = useMemo(() => searchLanguages(all, query, lang), [all, query, lang]);

  const option = (item: LanguageOption) => {
    const isTaken = taken.includes(item.code);
    const selected = value === item.code;
    return (
      <li key={item.code}>
        <button
          type="button"
          className={`language-option ${selected ? 'language-option-selected' : ''}`}
          aria-pressed={selected}
          disabled={isTaken}
          data-code={item.code}
          onClick={() => {
            haptics.selection();
            onChange(item.code);
          }}
        >
          <span>{item.name}</span>
          {isTaken && <span className="hint">{t('wizard.language.alreadyAdded')}</span>}
        </button>
      </li>
    );
  };

  return (
    <div className="language-picker">
      {!query && (
        <section>
          <h3 className="section-title">{t('wizard.language.popular')}</h3>
          <ul className="language-grid">{popular.map(option)}</ul>
        </section>
      )}
      <section>
        <h3 className="section-title">{t('wizard.language.all')}</h3>
        <input
          type="search"
          className="input"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder={t('wizard.language.search')}
          aria-label={t('wizard.language.search')}
        />
        {found.length === 0 ? (
          <p className="hint">{t('wizard.language.nothingFound')}</p>
        ) : (
          <ul className="language-list">{found.map(option)}</ul>
        )}
      </section>
    </div>
  );
}
