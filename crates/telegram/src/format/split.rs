//! Splitting Telegram HTML into messages Telegram accepts, without breaking tags.

use super::html::{Token, tokenize};

/// Splits Telegram HTML into parts whose visible text is at most `limit` UTF-16 units each.
/// Prefers a blank line, then a sentence end, then a space, and only as a last resort a cut
/// inside a word (never inside an entity or a character, nor before a combining mark). Every
/// part is balanced: tags open at a split are closed at the end of the part and reopened, with
/// their attributes, at the start of the next. Whitespace at split points is trimmed; there are
/// no empty parts. A single character wider than `limit` still goes out, alone.
pub fn split_html(html: &str, limit: usize) -> Vec<String> {
    let tokens = tokenize(html);
    let atoms = atoms(&tokens);
    let end = atoms.iter().rev().find(|a| !a.ch.is_whitespace()).map_or(0, |a| a.end);
    let mut parts = Vec::new();
    let mut open = Vec::new();
    let mut from = 0;
    let mut first = first_visible(&atoms, 0);
    while let Some(f) = first {
        let base = atoms.get(f).map_or(0, |a| a.start);
        let cut = (end.saturating_sub(base) > limit).then(|| choose_cut(&atoms, f, limit));
        let to = cut.and_then(|k| atoms.get(k)).map_or(tokens.len(), |a| a.token);
        parts.extend(build_part(tokens.get(from..to).unwrap_or_default(), &mut open));
        let Some(k) = cut else { break };
        from = to;
        first = first_visible(&atoms, k);
    }
    parts
}

/// A visible character: which token it is and where it lies in UTF-16 units.
struct Atom {
    token: usize,
    ch: char,
    start: usize,
    end: usize,
}

fn atoms(tokens: &[Token<'_>]) -> Vec<Atom> {
    let mut position = 0;
    let mut atoms = Vec::new();
    for (token, item) in tokens.iter().enumerate() {
        if let Token::Text { ch, units, .. } = *item {
            atoms.push(Atom { token, ch, start: position, end: position + units });
            position += units;
        }
    }
    atoms
}

fn first_visible(atoms: &[Atom], from: usize) -> Option<usize> {
    atoms.iter().skip(from).position(|a| !a.ch.is_whitespace()).map(|at| at + from)
}

/// The atom the next part starts with, for a part starting at atom `first` that must be cut.
fn choose_cut(atoms: &[Atom], first: usize, limit: usize) -> usize {
    let base = atoms.get(first).map_or(0, |a| a.start);
    // The latest cut of each priority that still fills enough of the part: a blank line may
    // end a part a third full, a sentence end or a space half full. Failing those, the latest
    // break anywhere, and only then a cut inside a word.
    let mut best = [None; 5];
    let mut latest_break = None;
    let mut last_fitting = None;
    for (k, atom) in atoms.iter().enumerate().skip(first + 1) {
        let units = atom.start - base;
        if units > limit {
            break;
        }
        last_fitting = Some(k);
        let Some(priority) = priority(atoms, k) else { continue };
        if priority > 0 {
            latest_break = Some(k);
        }
        let threshold = match priority {
            4 => limit / 3,
            0 => 0,
            _ => limit / 2,
        };
        if let Some(slot) = best.get_mut(priority).filter(|_| units >= threshold) {
            *slot = Some(k);
        }
    }
    let good = best.iter().skip(1).rev().flatten().next().copied();
    good.or(latest_break).or(best[0]).or(last_fitting).unwrap_or(first + 1)
}

/// How good a cut before atom `k` is: 4 a blank line, 3 a line break, 2 a sentence end, 1 a
/// space, 0 inside a word; `None` where it would tear a mark from its base character.
fn priority(atoms: &[Atom], k: usize) -> Option<usize> {
    let ch = |i: usize| atoms.get(i).map(|a| a.ch);
    let cur = ch(k)?;
    let prev = k.checked_sub(1).and_then(ch);
    let before_prev = k.checked_sub(2).and_then(ch);
    let ends_sentence = |c: Option<char>| c.is_some_and(|c| matches!(c, '.' | '!' | '?' | '…'));
    let closes = |c: Option<char>| c.is_some_and(|c| matches!(c, ')' | '"' | '»' | '”' | '\''));
    let sentence_end = ends_sentence(prev) || (closes(prev) && ends_sentence(before_prev));
    if cur == '\n' {
        Some(if ch(k + 1) == Some('\n') { 4 } else { 3 })
    } else if cur.is_whitespace() {
        Some(if sentence_end { 2 } else { 1 })
    } else if prev == Some('…') {
        Some(2)
    } else if joins_previous(cur) || prev == Some('\u{200D}') {
        None
    } else {
        Some(0)
    }
}

/// Characters shown as part of the one before them: combining marks (Russian stress marks
/// among them), variation selectors, skin tones, tag characters and the zero-width joiner.
fn joins_previous(ch: char) -> bool {
    matches!(ch,
        '\u{0300}'..='\u{036F}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
}

/// An open tag in effect at the current position.
#[derive(Clone, Copy)]
struct Open<'a> {
    name: &'a str,
    raw: &'a str,
}

/// One part from `tokens`, which start inside the tags `open` (updated to those open after).
fn build_part<'a>(tokens: &[Token<'a>], open: &mut Vec<Open<'a>>) -> Option<String> {
    let mut pieces: Vec<Token<'a>> = open.iter().map(|o| Token::Open { name: o.name, raw: o.raw }).collect();
    for &token in tokens {
        match token {
            Token::Open { name, raw } => {
                open.push(Open { name, raw });
                pieces.push(token);
            }
            // Closing a tag closes those opened inside it, so even misnested input comes out
            // balanced; a closing tag that matches nothing open is dropped.
            Token::Close { name } => {
                if let Some(at) = open.iter().rposition(|o| o.name.eq_ignore_ascii_case(name)) {
                    pieces.extend(open.drain(at..).rev().map(|o| Token::Close { name: o.name }));
                }
            }
            Token::Void { .. } | Token::Text { .. } => pieces.push(token),
        }
    }
    pieces.extend(open.iter().rev().map(|o| Token::Close { name: o.name }));
    if !trim(&mut pieces) {
        return None;
    }
    Some(render(&drop_empty(pieces)))
}

/// Drops whitespace before the first and after the last visible non-space character, across
/// tags; `false` when nothing visible is left.
fn trim(pieces: &mut Vec<Token<'_>>) -> bool {
    let solid = |t: &Token<'_>| matches!(t, Token::Text { .. }) && !t.is_space();
    let (Some(lead), Some(trail)) = (pieces.iter().position(solid), pieces.iter().rposition(solid)) else {
        return false;
    };
    let mut index = 0;
    pieces.retain(|t| {
        let keep = !(t.is_space() && (index < lead || index > trail));
        index += 1;
        keep
    });
    true
}

/// Removes elements left empty (a tag opened just before a split, or trimmed bare).
fn drop_empty(pieces: Vec<Token<'_>>) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::with_capacity(pieces.len());
    for token in pieces {
        if let (Token::Close { name }, Some(Token::Open { name: opened, .. })) = (token, out.last())
            && opened.eq_ignore_ascii_case(name)
        {
            out.pop();
            continue;
        }
        out.push(token);
    }
    out
}

fn render(pieces: &[Token<'_>]) -> String {
    let mut out = String::new();
    for token in pieces {
        match *token {
            Token::Open { raw, .. } | Token::Void { raw } | Token::Text { raw, .. } => out.push_str(raw),
            Token::Close { name } => {
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::checker::checked_split as split;
    use super::super::{escape, visible_len};

    #[test]
    fn short_and_empty_text() {
        assert_eq!(split("<b>Привет</b>, &lt;мир&gt;!", 4096), ["<b>Привет</b>, &lt;мир&gt;!"]);
        assert_eq!(split("abc", 3), ["abc"]);
        assert!(split("", 10).is_empty());
        assert!(split(" \n\n <b> </b>\n", 10).is_empty());
        assert_eq!(split("\n  <i> текст </i> \n", 100), ["<i>текст</i>"]);
    }

    #[test]
    fn prefers_paragraphs_then_sentences_then_spaces() {
        let html = "Первый абзац. Второе.\n\nВторой абзац тут. И ещё одно предложение.";
        assert_eq!(split(html, 45), ["Первый абзац. Второе.", "Второй абзац тут. И ещё одно предложение."]);
        assert_eq!(
            split("Раз два три четыре. Пять шесть семь восемь", 30),
            ["Раз два три четыре.", "Пять шесть семь восемь"]
        );
        assert_eq!(split("Ну что… посмотрим дальше", 12), ["Ну что…", "посмотрим", "дальше"]);
        assert_eq!(split("Он сказал «да.» Потом ушёл домой", 22), ["Он сказал «да.»", "Потом ушёл домой"]);
        assert_eq!(split("один два три четыре", 10), ["один два", "три четыре"]);
        assert_eq!(split("строка раз\nстрока два\nстрока три", 25), ["строка раз\nстрока два", "строка три"]);
    }

    #[test]
    fn a_word_longer_than_the_limit_is_cut() {
        assert_eq!(split(&"а".repeat(25), 10), ["а".repeat(10), "а".repeat(10), "а".repeat(5)]);
        assert_eq!(split("да <b>сверхдлинноеслово</b>", 8), ["да", "<b>сверхдли</b>", "<b>нноеслов</b>", "<b>о</b>"]);
    }

    #[test]
    fn entities_and_characters_are_never_cut() {
        assert_eq!(split(&"&amp;".repeat(7), 3), ["&amp;&amp;&amp;", "&amp;&amp;&amp;", "&amp;"]);
        assert_eq!(split("ab😀cd", 3), ["ab", "😀c", "d"]);
        assert_eq!(split("a😀😀", 2), ["a", "😀", "😀"]);
        // Wider than the limit: it goes out alone rather than never.
        assert_eq!(split("😀😀", 1), ["😀", "😀"]);
        // An entity Telegram does not know is shown as written, so it is cut like text.
        assert_eq!(super::split_html("&a;", 2), ["&a", ";"]);
        // A stress mark stays on its vowel; a joined emoji stays whole when it can.
        assert_eq!(split("мол\u{301}око", 3), ["мо", "л\u{301}о", "ко"]);
        assert_eq!(split("ab👍🏽", 4), ["ab", "👍🏽"]);
        let emoji = split("😀".repeat(9).as_str(), 5);
        assert_eq!(emoji.iter().map(|p| visible_len(p)).collect::<Vec<_>>(), [4, 4, 4, 4, 2]);
    }

    #[test]
    fn tags_are_closed_and_reopened_with_attributes() {
        let html = "<b>жирный <i>курсив <a href=\"https://x.org/?a&amp;b\">ссылка длинная</a></i> хвост</b>";
        assert_eq!(
            split(html, 20),
            [
                "<b>жирный <i>курсив <a href=\"https://x.org/?a&amp;b\">ссылка</a></i></b>",
                "<b><i><a href=\"https://x.org/?a&amp;b\">длинная</a></i> хвост</b>",
            ]
        );
        let code = "<pre><code class=\"language-rust\">let a = 1;\nlet b = 2;\nlet c = 3;</code></pre>";
        assert_eq!(
            split(code, 22),
            [
                "<pre><code class=\"language-rust\">let a = 1;\nlet b = 2;</code></pre>",
                "<pre><code class=\"language-rust\">let c = 3;</code></pre>",
            ]
        );
        assert_eq!(
            split("<blockquote>раз. два</blockquote>", 5),
            ["<blockquote>раз.</blockquote>", "<blockquote>два</blockquote>"]
        );
    }

    #[test]
    fn a_tag_opening_at_the_split_moves_to_the_next_part() {
        assert_eq!(split("раз два. <b>три</b>", 8), ["раз два.", "<b>три</b>"]);
        assert_eq!(split("раз два <u>три</u>", 7), ["раз два", "<u>три</u>"]);
    }

    #[test]
    fn malformed_input_still_comes_out_balanced() {
        assert_eq!(split("<b>a <i>b</b> c</i> d", 100), ["<b>a <i>b</i></b> c d"]);
        assert_eq!(split("<b>не закрыт", 100), ["<b>не закрыт</b>"]);
        assert_eq!(split(&escape("a < b && c > \"d\""), 7), ["a &lt; b", "&amp;&amp; c &gt;", "&quot;d&quot;"]);
    }
}
