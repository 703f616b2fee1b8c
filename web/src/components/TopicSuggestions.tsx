import type { Topic, TopicSuggestion, TopicSuggestions as Suggestions } from '../api/types';
import { isApiError } from '../api/errors';
import { hasTopicNamed } from '../exercises/topics';
import { useCreateTopic } from '../hooks/exerciseQueries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { InlineError, Skeleton } from './States';

interface Props {
  pending: boolean;
  error: unknown;
  data: Suggestions | undefined;
  topics: readonly Topic[];
  onRetry: () => void;
  onClose: () => void;
}

/** The LLM's 5–7 topics for the profile; one tap adds one. */
export function TopicSuggestions({ pending, error, data, topics, onRetry, onClose }: Props) {
  const { t } = useI18n();
  const notConfigured = isApiError(error) && error.code === 'LLM_NOT_CONFIGURED';
  return (
    <section className="card suggestions" aria-label={t('topics.suggestions')} data-testid="topic-suggestions">
      <div className="row row-between">
        <p className="section-title">{t('topics.suggestions')}</p>
        <button type="button" className="link-button" onClick={onClose}>
          {t('topics.suggestionsHide')}
        </button>
      </div>
      {pending && <Skeleton lines={5} label={t('topics.suggesting')} />}
      {pending && <p className="hint">{t('topics.suggesting')}</p>}
      {notConfigured && <p className="hint">{t('topics.suggestUnavailable')}</p>}
      {Boolean(error) && !notConfigured && (
        <>
          <InlineError error={error} />
          <button type="button" className="button" onClick={onRetry}>
            {t('common.retry')}
          </button>
        </>
      )}
      {data && (
        <>
          <p className="hint">{t('topics.suggestionsHint')}</p>
          <ul className="suggestion-list">
            {data.suggestions.map((suggestion) => (
              <li key={suggestion.name}>
                <SuggestionButton suggestion={suggestion} topics={topics} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function SuggestionButton({ suggestion, topics }: { suggestion: TopicSuggestion; topics: readonly Topic[] }) {
  const { t } = useI18n();
  const create = useCreateTopic();
  const added = create.isSuccess;
  const exists = !added && (hasTopicNamed(topics, suggestion.name) || (isApiError(create.error) && create.error.code === 'CONFLICT'));
  let state = `+ ${t('topics.suggestion.add')}`;
  let stateName = 'idle';
  if (create.isPending) state = '…';
  else if (added) [state, stateName] = [`✓ ${t('topics.suggestion.added')}`, 'added'];
  else if (exists) [state, stateName] = [t('topics.suggestion.exists'), 'exists'];
  else if (create.isError) [state, stateName] = [t('topics.suggestion.failed'), 'failed'];
  return (
    <button
      type="button"
      className={`suggestion suggestion-${stateName}`}
      data-suggestion={suggestion.name}
      data-state={stateName}
      disabled={create.isPending || added || exists}
      aria-busy={create.isPending}
      onClick={() =>
        create.mutate(
          {
            name: suggestion.name,
            kind: suggestion.kind,
            ...(suggestion.description ? { description: suggestion.description } : {}),
          },
          {
            onSuccess: () => haptics.notification('success'),
            onError: () => haptics.notification('error'),
          },
        )
      }
    >
      <span className="suggestion-head">
        <strong className="suggestion-name">{suggestion.name}</strong>
        <span className="badge">{t(`topics.kind.${suggestion.kind}`)}</span>
      </span>
      {suggestion.description && <span className="suggestion-description">{suggestion.description}</span>}
      <span className="suggestion-state">{state}</span>
    </button>
  );
}
