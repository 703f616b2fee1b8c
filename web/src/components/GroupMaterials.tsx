import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Deck, GroupDetail, Material, Topic } from '../api/types';
import { useTopics } from '../hooks/exerciseQueries';
import { useDecks } from '../hooks/deckQueries';
import { llmAvailable, useMe } from '../hooks/queries';
import { groupErrorText } from '../groups/errors';
import { roleOf, sortMaterials } from '../groups/groups';
import { useCopyDeck, useMaterials, useShareMaterial, useUnshareMaterial } from '../groups/queries';
import { useI18n } from '../i18n/i18n';
import { haptics } from '../telegram/haptics';
import { ErrorState, Skeleton } from './States';

/**
 * Decks and topics shared with the group. A teacher shares one of theirs from a picker and
 * unshares; a student studies a deck, copies it, or practises a topic.
 */
export function GroupMaterials({ group }: { group: GroupDetail }) {
  const { t } = useI18n();
  const materials = useMaterials(group.id);
  const teacher = roleOf(group.role) === 'teacher';
  const [picking, setPicking] = useState(false);
  if (materials.isPending) return <Skeleton lines={4} />;
  if (materials.isError) return <ErrorState error={materials.error} onRetry={() => materials.refetch()} />;
  const list = sortMaterials(materials.data);
  const canShare = teacher && !group.archived_at;
  return (
    <section className="group-section" aria-label={t('groups.tab.materials')} data-testid="group-materials">
      {list.length === 0 ? (
        <div className="state state-empty" data-testid="materials-empty">
          <p>{t(teacher ? 'groups.materials.empty.teacher' : 'groups.materials.empty.student')}</p>
          {canShare && !picking && (
            <button type="button" className="button button-primary" onClick={() => setPicking(true)} data-testid="materials-add">
              {t('groups.materials.add')}
            </button>
          )}
        </div>
      ) : (
        <ul className="material-list">
          {list.map((material) =>
            teacher ? (
              <TeacherMaterial key={material.id} group={group} material={material} />
            ) : (
              <StudentMaterial key={material.id} group={group} material={material} />
            ),
          )}
        </ul>
      )}
      {canShare && picking && <MaterialPicker group={group} shared={materials.data} onClose={() => setPicking(false)} />}
      {canShare && !picking && list.length > 0 && (
        <button type="button" className="button button-wide" onClick={() => setPicking(true)} data-testid="materials-add">
          + {t('groups.materials.add')}
        </button>
      )}
    </section>
  );
}

function MaterialHead({ material }: { material: Material }) {
  const { t } = useI18n();
  const name = material.deck?.name ?? material.topic?.name ?? '';
  const description = material.deck?.description ?? material.topic?.description;
  return (
    <>
      <span className="material-head">
        <span>{name}</span>
        <span className="badge">{t(material.kind === 'deck' ? 'groups.materials.kind.deck' : 'groups.materials.kind.topic')}</span>
        {material.topic && <span className="badge">{t(`topics.kind.${material.topic.kind}`)}</span>}
      </span>
      {description && <p className="hint group-description">{description}</p>}
    </>
  );
}

function TeacherMaterial({ group, material }: { group: GroupDetail; material: Material }) {
  const { t } = useI18n();
  const unshare = useUnshareMaterial(group.id);
  return (
    <li className="card material-row" data-material={material.deck?.name ?? material.topic?.name}>
      <MaterialHead material={material} />
      {material.deck && <p className="hint">{t('groups.materials.cards', { n: material.deck.card_count })}</p>}
      {!group.archived_at && (
        <div className="material-actions">
          <button
            type="button"
            className="button button-small button-danger-outline"
            disabled={unshare.isPending}
            onClick={() => unshare.mutate(material.id)}
            data-testid="material-unshare"
          >
            {t('groups.materials.unshare')}
          </button>
        </div>
      )}
      {unshare.error !== null && (
        <p className="inline-error" role="alert">
          {groupErrorText(t, unshare.error)}
        </p>
      )}
    </li>
  );
}

function StudentMaterial({ group, material }: { group: GroupDetail; material: Material }) {
  const { t } = useI18n();
  const me = useMe();
  const copy = useCopyDeck(group.id);
  const { deck, topic } = material;
  return (
    <li className="card material-row" data-material={deck?.name ?? topic?.name}>
      <MaterialHead material={material} />
      <p className="hint">{t('groups.materials.from', { name: material.shared_by.first_name })}</p>
      {deck && (
        <>
          <p className="hint" data-testid="material-counts">
            {t('groups.materials.cards', { n: deck.card_count })} ·{' '}
            {t('groups.materials.todo', { due: deck.due_now, new: deck.new_available })}
          </p>
          <div className="material-actions">
            <Link
              to={`/study?deck=${encodeURIComponent(deck.id)}&group=${encodeURIComponent(group.id)}`}
              className="button button-primary button-small"
              data-testid="material-study"
            >
              {t('groups.materials.study')}
            </Link>
            <button
              type="button"
              className="button button-small"
              disabled={copy.isPending || copy.isSuccess}
              aria-busy={copy.isPending}
              onClick={() =>
                copy.mutate(material.id, {
                  onSuccess: () => haptics.notification('success'),
                  onError: () => haptics.notification('error'),
                })
              }
              data-testid="material-copy"
            >
              {t('groups.materials.copy')}
            </button>
          </div>
          {copy.data && (
            <p className="copy-status" role="status" data-testid="material-copied">
              {t('groups.materials.copied', { name: copy.data.name })}{' '}
              <Link to={`/cards/${copy.data.id}`}>{t('groups.materials.openCopy')}</Link>
            </p>
          )}
          {copy.error !== null && (
            <p className="inline-error" role="alert">
              {groupErrorText(t, copy.error)}
            </p>
          )}
        </>
      )}
      {topic && (
        <div className="material-actions">
          {llmAvailable(me.data) ? (
            <Link
              to={`/exercises/session?topic=${encodeURIComponent(topic.id)}&group=${encodeURIComponent(group.id)}`}
              className="button button-primary button-small"
              data-testid="material-practise"
            >
              {t('groups.materials.practise')}
            </Link>
          ) : (
            <>
              <button type="button" className="button button-primary button-small" disabled>
                {t('groups.materials.practise')}
              </button>
              <p className="hint">{t('exercises.llmUnavailable')}</p>
            </>
          )}
        </div>
      )}
    </li>
  );
}

type PickTab = 'decks' | 'topics';

/** The teacher's own decks and topics (active language), those already shared marked. */
function MaterialPicker({ group, shared, onClose }: { group: GroupDetail; shared: Material[]; onClose: () => void }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<PickTab>('decks');
  const decks = useDecks();
  const topics = useTopics();
  const share = useShareMaterial(group.id);
  // Decks and topics may have been made elsewhere (the bot, another device) since they were cached.
  const { refetch: refetchDecks } = decks;
  const { refetch: refetchTopics } = topics;
  useEffect(() => {
    void refetchDecks();
    void refetchTopics();
  }, [refetchDecks, refetchTopics]);
  const sharedDecks = new Set(shared.map((m) => m.deck?.id).filter(Boolean));
  const sharedTopics = new Set(shared.map((m) => m.topic?.id).filter(Boolean));
  const query = tab === 'decks' ? decks : topics;

  const row = (item: Deck | Topic, isShared: boolean, request: { deck_id: string } | { topic_id: string }) => (
    <li key={item.id} className="picker-row" data-pick={item.name}>
      <span>{item.name}</span>
      {isShared ? (
        <span className="hint">{t('groups.materials.alreadyShared')}</span>
      ) : (
        <button
          type="button"
          className="button button-small"
          disabled={share.isPending}
          onClick={() =>
            share.mutate(request, {
              onSuccess: () => haptics.notification('success'),
              onError: () => haptics.notification('error'),
            })
          }
        >
          {t('groups.materials.shareOne')}
        </button>
      )}
    </li>
  );

  return (
    <section className="card group-section" aria-label={t('groups.materials.add')} data-testid="material-picker">
      <p className="section-title">{t('groups.materials.add')}</p>
      <div className="segmented tabs" role="tablist" aria-label={t('groups.materials.add')}>
        {(['decks', 'topics'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={`segment ${tab === name ? 'segment-selected' : ''}`}
            onClick={() => setTab(name)}
          >
            {t(name === 'decks' ? 'groups.materials.pick.decks' : 'groups.materials.pick.topics')}
          </button>
        ))}
      </div>
      <p className="hint">{t('groups.materials.pick.hint')}</p>
      {query.isPending && <Skeleton lines={3} />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {tab === 'decks' && decks.isSuccess && (
        decks.data.length === 0 ? (
          <p className="hint">
            {t('groups.materials.noDecks')} <Link to="/cards">{t('groups.materials.toDecks')}</Link>
          </p>
        ) : (
          <ul className="picker-list">
            {decks.data.map((deck) => row(deck, sharedDecks.has(deck.id), { deck_id: deck.id }))}
          </ul>
        )
      )}
      {tab === 'topics' && topics.isSuccess && (
        topics.data.length === 0 ? (
          <p className="hint">
            {t('groups.materials.noTopics')} <Link to="/exercises">{t('groups.materials.toTopics')}</Link>
          </p>
        ) : (
          <ul className="picker-list">
            {topics.data.map((topic) => row(topic, sharedTopics.has(topic.id), { topic_id: topic.id }))}
          </ul>
        )
      )}
      {share.error !== null && (
        <p className="inline-error" role="alert">
          {groupErrorText(t, share.error)}
        </p>
      )}
      <button type="button" className="link-button" onClick={onClose}>
        {t('groups.materials.pick.close')}
      </button>
    </section>
  );
}
