//! What the bot says about plans and Telegram Stars: `/premium`, checkout refusals, the thanks
//! after a payment and the premium-expiry warnings, in Russian and English.

use domain::InterfaceLanguage;

pub struct BillingTexts {
    /// `{plan}`, `{until}` (a line, or empty), `{profiles}`, `{cards}`, `{messages}`.
    pub overview: &'static str,
    pub plan_free: &'static str,
    pub plan_premium: &'static str,
    /// `{date}`.
    pub until: &'static str,
    pub unlimited: &'static str,
    pub open_plan: &'static str,
    pub invoice_hint: &'static str,
    /// `{title}`, `{stars}`.
    pub subscription_offer: &'static str,
    /// `{stars}`.
    pub subscribe: &'static str,
    /// `{date}`.
    pub thanks: &'static str,
    pub refused_unknown: &'static str,
    pub refused_payer: &'static str,
    pub refused_price: &'static str,
    pub refused_error: &'static str,
    pub expiry_title: &'static str,
    /// `{date}`, `{days}`.
    pub expiry_text: &'static str,
    pub extend: &'static str,
}

const RU: BillingTexts = BillingTexts {
    overview: "⭐ <b>Ваш план: {plan}</b>{until}\n\nЯзыков: {profiles} · карточек: {cards} · сообщений репетитору в день: {messages}",
    plan_free: "бесплатный",
    plan_premium: "Премиум",
    until: "\nДействует до {date}",
    unlimited: "без ограничений",
    open_plan: "⭐ Планы в приложении",
    invoice_hint: "Оплата — звёздами Telegram. Выберите счёт ниже:",
    subscription_offer: "<b>{title}</b>\n{stars} ⭐ каждые 30 дней. Подписка продлевается сама; отменить её можно в настройках Telegram.",
    subscribe: "Оформить подписку · {stars} ⭐",
    thanks: "🎉 Спасибо! Премиум действует до {date}.",
    refused_unknown: "Этот счёт устарел. Откройте /premium и оплатите новый.",
    refused_payer: "Этот счёт выставлен другому пользователю. Откройте /premium, чтобы получить свой.",
    refused_price: "Цена изменилась. Откройте /premium и оплатите новый счёт.",
    refused_error: "Не удалось проверить оплату. Попробуйте через минуту.",
    expiry_title: "Премиум скоро закончится",
    expiry_text: "⭐ Премиум закончится {date} (через {days}). Продлите его, чтобы сохранить лимиты.",
    extend: "⭐ Продлить",
};

const EN: BillingTexts = BillingTexts {
    overview: "⭐ <b>Your plan: {plan}</b>{until}\n\nLanguages: {profiles} · cards: {cards} · tutor messages a day: {messages}",
    plan_free: "free",
    plan_premium: "Premium",
    until: "\nActive until {date}",
    unlimited: "unlimited",
    open_plan: "⭐ Plans in the app",
    invoice_hint: "Pay with Telegram Stars. Pick an invoice below:",
    subscription_offer: "<b>{title}</b>\n{stars} ⭐ every 30 days. The subscription renews itself; cancel it any time in Telegram's settings.",
    subscribe: "Subscribe · {stars} ⭐",
    thanks: "🎉 Thank you! Premium is active until {date}.",
    refused_unknown: "This invoice is out of date. Open /premium and pay a new one.",
    refused_payer: "This invoice was made for someone else. Open /premium to get yours.",
    refused_price: "The price has changed. Open /premium and pay a new invoice.",
    refused_error: "The payment could not be checked. Try again in a minute.",
    expiry_title: "Premium ends soon",
    expiry_text: "⭐ Premium ends on {date} (in {days}). Extend it to keep your limits.",
    extend: "⭐ Extend",
};

pub fn billing_texts(language: InterfaceLanguage) -> &'static BillingTexts {
    match language {
        InterfaceLanguage::Ru => &RU,
        InterfaceLanguage::En => &EN,
    }
}
