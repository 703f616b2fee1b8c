//! Anki fields are HTML: cards here are plain text. Tags are dropped (line breaks and blocks
//! become newlines), entities decoded, media references (`[sound:…]`, `<img>`) removed, since
//! media are not imported, and cloze deletions (`{{c1::answer::hint}}`) become their answers.

/// The text a learner sees in an Anki field (a cloze shown as its answer).
pub fn to_text(html: &str) -> String {
    tidy(&uncloze(&strip_html(html)))
}

/// Anki's cloze deletions as their answers: `{{c1::Hund}}` is `Hund`, `{{c2::Hund::Tier}}` is
/// `Hund` (the hint goes), nested clozes (`{{c1::der {{c2::Hund}}}}`) too. Markup that is not a
/// complete cloze (`{{c1::` without its `}}`, `{{Front}}`) stays as it is.
pub fn uncloze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{c") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let from = rest.get(start..).unwrap_or_default();
        match cloze_at(from) {
            Some((answer, after)) => {
                out.push_str(&uncloze(answer));
                rest = after;
            }
            None => {
                out.push_str("{{c");
                rest = from.get(3..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// A cloze at the start of `text` (`{{c<number>::answer}}` or `{{c<number>::answer::hint}}`):
/// its answer, nested clozes left in, and what follows it. The answer ends at the first `::`
/// outside nested braces, the cloze at the `}}` that closes it.
fn cloze_at(text: &str) -> Option<(&str, &str)> {
    let after_c = text.strip_prefix("{{c")?;
    let number = after_c.len() - after_c.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if number == 0 {
        return None;
    }
    let inner = after_c.get(number..)?.strip_prefix("::")?;
    let bytes = inner.as_bytes();
    let (mut at, mut depth, mut answer_end) = (0, 0usize, None);
    // Only ASCII bytes are matched, so every position cut at is a character boundary.
    while at < bytes.len() {
        let here = bytes.get(at..).unwrap_or_default();
        if here.starts_with(b"{{") {
            depth += 1;
            at += 2;
        } else if here.starts_with(b"}}") {
            if depth == 0 {
                let answer = inner.get(..answer_end.unwrap_or(at))?;
                return Some((answer, inner.get(at + 2..)?));
            }
            depth -= 1;
            at += 2;
        } else if depth == 0 && answer_end.is_none() && here.starts_with(b"::") {
            answer_end = Some(at);
            at += 2;
        } else {
            at += 1;
        }
    }
    None
}

/// Tags dropped (line breaks and blocks as newlines), entities decoded, media references gone.
fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some((tag, after)) = split_tag(rest)
        {
            let name = tag_name(tag);
            if matches!(name.as_str(), "script" | "style") && !tag.starts_with("</") {
                // Their content is never text; skip to the closing tag (or the end).
                let close = format!("</{name}");
                rest = match after.to_ascii_lowercase().find(&close) {
                    Some(at) => after.get(at..).and_then(|s| split_tag(s).map(|(_, a)| a)).unwrap_or(""),
                    None => "",
                };
                continue;
            }
            if matches!(name.as_str(), "br" | "div" | "p" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                && !out.is_empty()
                && !out.ends_with('\n')
            {
                out.push('\n');
            }
            rest = after;
        } else if c == '&'
            && let Some((decoded, after)) = entity(rest)
        {
            out.push(decoded);
            rest = after;
        } else if rest.starts_with("[sound:")
            && let Some(end) = rest.find(']')
        {
            rest = rest.get(end + 1..).unwrap_or("");
        } else {
            out.push(c);
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
    }
    out
}

/// `<…>` at the start of `text`, if it is a tag (a letter, `/` or `!` after `<`), and what
/// follows it. A lone `<` ("a < b") is text.
fn split_tag(text: &str) -> Option<(&str, &str)> {
    let second = text.chars().nth(1)?;
    if !(second.is_ascii_alphabetic() || second == '/' || second == '!') {
        return None;
    }
    let end = text.find('>')?;
    Some((text.get(..=end)?, text.get(end + 1..)?))
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// HTML's names of U+00A0…U+00FF in order (older Anki decks write `&auml;`, `&eacute;`, …).
const LATIN_1: &str = "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn \
    sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde \
    Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde \
    Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil \
    egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave \
    uacute ucirc uuml yacute thorn yuml";

/// A character reference at the start of `text` (`&amp;`, `&#233;`, `&#xE9;`) and what
/// follows it; an unknown one stays as it is.
fn entity(text: &str) -> Option<(char, &str)> {
    let end = text.char_indices().take(12).find(|(_, c)| *c == ';').map(|(at, _)| at)?;
    let name = text.get(1..end)?;
    let decoded = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        char::from_u32(code).filter(|c| *c != '\0')?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "ndash" => '–',
            "mdash" => '—',
            "hellip" => '…',
            "laquo" => '«',
            "raquo" => '»',
            other => LATIN_1
                .split(' ')
                .position(|n| n == other)
                .and_then(|at| u32::try_from(at).ok())
                .and_then(|at| char::from_u32(0xa0 + at))?,
        }
    };
    Some((decoded, text.get(end + 1..)?))
}

/// No-break spaces as spaces, no spaces at line ends, at most one empty line, trimmed.
fn tidy(text: &str) -> String {
    let lines: Vec<String> = text.replace(['\u{a0}', '\r'], " ").lines().map(|l| l.trim_end().to_owned()).collect();
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in lines {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::{to_text, uncloze};

    #[test]
    fn tags_entities_and_media_go_line_breaks_stay() {
        assert_eq!(to_text("<b>der</b> Hund&nbsp;&amp; Katze"), "der Hund & Katze");
        assert_eq!(to_text("собака<br>пёс<br/><i>Der Hund schläft.</i>"), "собака\nпёс\nDer Hund schläft.");
        assert_eq!(to_text("<div>one</div><div>two</div>"), "one\ntwo");
        assert_eq!(to_text("Hund [sound:hund.mp3]<img src=\"hund.jpg\">"), "Hund");
        assert_eq!(to_text("caf&#233; &#xE9; &lt;b&gt; &unknown; a < b"), "café é <b> &unknown; a < b");
        assert_eq!(to_text("M&auml;dchen &Uuml;bung Stra&szlig;e &yuml;&laquo;"), "Mädchen Übung Straße ÿ«");
        assert_eq!(to_text("<style>.x{}</style>x<script>alert(1)</script>y"), "xy");
        assert_eq!(to_text("&#0; &#99999999; & ;"), "&#0; &#99999999; & ;");
        assert_eq!(to_text("<unterminated"), "<unterminated");
    }

    #[test]
    fn a_cloze_is_its_answer() {
        assert_eq!(to_text("{{c1::der Hund}} bellt"), "der Hund bellt");
        assert_eq!(to_text("Der {{c2::Hund::Tier}} bellt, die {{c1::Katze}} nicht"), "Der Hund bellt, die Katze nicht");
        // HTML and entities inside the cloze and the hint, as Anki's editor writes them.
        assert_eq!(to_text("{{c1::<b>caf&eacute;</b>::<i>ein Ort</i>}}<br>кофейня"), "café\nкофейня");
        assert_eq!(to_text("{{c10::Straße}}"), "Straße");
        // Nested clozes, and a hint holding braces of its own.
        assert_eq!(to_text("{{c1::der {{c2::alte::Adjektiv}} Hund}}"), "der alte Hund");
        assert_eq!(to_text("{{c1::Hund::{{Hinweis}}}}!"), "Hund!");
        assert_eq!(to_text("{{c1::}}leer"), "leer");
    }

    #[test]
    fn what_is_no_complete_cloze_stays() {
        assert_eq!(to_text("{{c1::offen"), "{{c1::offen");
        assert_eq!(to_text("{{Front}} {{cx::a}} {{c::a}} {{c1:a}}"), "{{Front}} {{cx::a}} {{c::a}} {{c1:a}}");
        assert_eq!(to_text("{{c1::a}} {{c2::b"), "a {{c2::b");
        assert_eq!(uncloze("a }} b {{ c"), "a }} b {{ c");
    }
}
