import type { InvitePreview } from '../api/types';
import { languageName } from '../domain/languages';
import { useI18n } from '../i18n/i18n';

/** The group an invite leads to: name, language, teacher, members, and what the teacher will see. */
export function GroupInvitePreview({ preview }: { preview: InvitePreview }) {
  const { t, lang } = useI18n();
  const { group, teacher } = preview;
  const teacherName = teacher.username ? `${teacher.first_name} (@${teacher.username})` : teacher.first_name;
  return (
    <section className="card invite-preview" aria-label={t('groups.join.title')} data-testid="invite-preview">
      <p className="section-title">{t('groups.join.title')}</p>
      <h2>{group.name}</h2>
      {group.description && <p className="group-description">{group.description}</p>}
      <div className="group-meta">
        <span>{languageName(group.language, lang)}</span>
        <span data-testid="preview-members">{t('groups.memberCount', { n: group.member_count, max: group.max_members })}</span>
      </div>
      <p>{t('groups.join.teacher', { name: teacherName })}</p>
      {preview.teacher_sees.length > 0 && (
        <>
          <p className="hint">{t('groups.join.teacherSees')}</p>
          <ul className="teacher-sees" data-testid="preview-teacher-sees">
            {preview.teacher_sees.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
