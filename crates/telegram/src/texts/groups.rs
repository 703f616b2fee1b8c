//! What the bot says about teacher groups: an invite (with what the teacher will see), joining
//! and its refusals, and the teachers' weekly digest, in Russian and English.

use domain::InterfaceLanguage;

pub struct GroupTexts {
    /// `{group}`.
    pub invite: &'static str,
    /// `{teacher}`, `{language}`, `{members}`, `{max}`.
    pub invite_details: &'static str,
    pub teacher_sees: &'static str,
    pub stays_private: &'static str,
    pub join: &'static str,
    pub cancel: &'static str,
    pub open_group: &'static str,
    /// `{group}`.
    pub joined: &'static str,
    pub cancelled: &'static str,
    /// `{group}`.
    pub already_member: &'static str,
    pub expired: &'static str,
    pub unknown: &'static str,
    /// `{max}`.
    pub full: &'static str,
    /// `{name}`, `{week}`, `{groups}`.
    pub digest: &'static str,
    /// `{group}`, `{active}`, `{students}`, `{reviews}`, `{retention}`, `{exercises}`.
    pub digest_group: &'static str,
    pub no_retention: &'static str,
    pub open_groups: &'static str,
}

const RU: GroupTexts = GroupTexts {
    invite: "👥 <b>Приглашение в группу «{group}»</b>",
    invite_details: "Преподаватель: {teacher}\nЯзык: {language} · участников: {members} из {max}",
    teacher_sees: "<b>Преподаватель будет видеть:</b>",
    stays_private: "Ваши карточки, переписка с репетитором и ответы в упражнениях останутся только вашими.",
    join: "✅ Вступить",
    cancel: "Отмена",
    open_group: "👥 Открыть группу",
    joined: "🎉 Вы в группе «{group}». Колоды и темы группы — в приложении: учите их по своему расписанию.",
    cancelled: "Хорошо, вы не вступили в группу. Ссылка работает, пока не истечёт.",
    already_member: "Вы уже в группе «{group}».",
    expired: "⌛ Это приглашение больше не действует: истекло, исчерпано или отозвано. Попросите у преподавателя новую ссылку.",
    unknown: "Группа не найдена: ссылка неверна или группа в архиве.",
    full: "В группе нет свободных мест (предел — {max}). Напишите преподавателю.",
    digest: "📊 <b>{name}, ваши группы за неделю</b> ({week})\n\n{groups}",
    digest_group: "<b>{group}</b>: занимались {active} из {students}; повторений {reviews}, вспомнили {retention}; упражнений {exercises}",
    no_retention: "—",
    open_groups: "📊 Прогресс учеников",
};

const EN: GroupTexts = GroupTexts {
    invite: "👥 <b>Invitation to the group “{group}”</b>",
    invite_details: "Teacher: {teacher}\nLanguage: {language} · members: {members} of {max}",
    teacher_sees: "<b>The teacher will see:</b>",
    stays_private: "Your cards, your tutor chat and your exercise answers stay yours.",
    join: "✅ Join",
    cancel: "Cancel",
    open_group: "👥 Open the group",
    joined: "🎉 You are in “{group}”. The group's decks and topics are in the app: study them on your own schedule.",
    cancelled: "All right, you did not join. The link works until it expires.",
    already_member: "You are already in “{group}”.",
    expired: "⌛ This invitation no longer works: it expired, was used up or revoked. Ask your teacher for a new link.",
    unknown: "Group not found: the link is wrong or the group is archived.",
    full: "The group is full (at most {max}). Write to your teacher.",
    digest: "📊 <b>{name}, your groups this week</b> ({week})\n\n{groups}",
    digest_group: "<b>{group}</b>: {active} of {students} studied; {reviews} reviews, {retention} remembered; {exercises} exercises",
    no_retention: "—",
    open_groups: "📊 Students' progress",
};

pub fn group_texts(language: InterfaceLanguage) -> &'static GroupTexts {
    match language {
        InterfaceLanguage::Ru => &RU,
        InterfaceLanguage::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(template: &str) -> Vec<&str> {
        let mut names: Vec<&str> =
            template.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn both_languages_fill_the_same_placeholders() {
        let pick: [fn(&GroupTexts) -> &'static str; 7] = [
            |t| t.invite,
            |t| t.invite_details,
            |t| t.joined,
            |t| t.already_member,
            |t| t.full,
            |t| t.digest,
            |t| t.digest_group,
        ];
        let (ru, en) = (group_texts(InterfaceLanguage::Ru), group_texts(InterfaceLanguage::En));
        for field in pick {
            assert_eq!(placeholders(field(ru)), placeholders(field(en)), "{}", field(en));
        }
    }
}
