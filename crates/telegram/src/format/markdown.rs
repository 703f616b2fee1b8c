//! The tutor's Markdown as Telegram HTML.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::html::escape;

/// Tutor Markdown (CommonMark + strikethrough) as Telegram HTML. Every piece of text is escaped;
/// raw HTML in the Markdown is shown as literal text. Headings → `<b>`; emphasis → `<i>`;
/// strong → `<b>`; strikethrough → `<s>`; inline code → `<code>`; code blocks → `<pre>`, or
/// `<pre><code class="language-x">` when a plain language name is given; block quotes →
/// `<blockquote>`; lists → "• item" / "1. item" lines, nested ones indented by two spaces per
/// level; links → `<a href>` for http, https and tg only (others: just the text); images → their
/// alt text; tables → one line per row, cells joined by " | ", header row bold; rules → "———".
/// Blocks are separated by one blank line; line breaks inside a paragraph are kept.
pub fn markdown_to_html(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let mut writer = Writer::default();
    for event in Parser::new_ext(markdown, options) {
        writer.event(event);
    }
    writer.out.trim().to_owned()
}

/// A break owed before the next thing written; written lazily so that nothing trails a block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    #[default]
    None,
    Line,
    Blank,
}

#[derive(Default)]
struct Writer {
    out: String,
    pending: Break,
    /// Just inside `<blockquote>`: the owed break is dropped there.
    fresh: bool,
    /// The next number of each open list (`None`: bullets).
    lists: Vec<Option<u64>>,
    /// The open item's marker, written with its first content.
    marker: Option<String>,
    /// The closing tag of each open span; `None` where the span emitted no tag.
    spans: Vec<Option<&'static str>>,
    /// Telegram allows neither nested block quotes nor entities inside a link's entity.
    quote_depth: usize,
    link_depth: usize,
    code_block: Option<&'static str>,
    html_block: Option<String>,
    cells: usize,
}

impl Writer {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some(block) = &mut self.html_block {
                    block.push_str(&text);
                } else if self.code_block.is_some() {
                    self.out.push_str(&escape(&text));
                } else {
                    self.text(&text);
                }
            }
            Event::Code(code) if self.link_depth == 0 => {
                self.flush();
                self.out.push_str("<code>");
                self.out.push_str(&escape(&code));
                self.out.push_str("</code>");
            }
            Event::Html(html) | Event::InlineHtml(html) => match &mut self.html_block {
                Some(block) => block.push_str(&html),
                None => self.text(&html),
            },
            Event::Code(text) | Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text),
            Event::FootnoteReference(label) => self.text(&format!("[^{label}]")),
            Event::SoftBreak | Event::HardBreak => self.owe(Break::Line),
            Event::Rule => {
                self.text("———");
                self.owe(Break::Blank);
            }
            Event::TaskListMarker(done) => self.text(if done { "☑ " } else { "☐ " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { .. } | Tag::Strong => self.open("b"),
            Tag::TableHead => {
                self.cells = 0;
                self.open("b");
            }
            Tag::Emphasis => self.open("i"),
            Tag::Strikethrough => self.open("s"),
            Tag::Link { dest_url, .. } => {
                if self.link_depth == 0 && allowed_link(&dest_url) {
                    self.flush();
                    self.out.push_str(&format!("<a href=\"{}\">", escape(&dest_url)));
                    self.spans.push(Some("a"));
                } else {
                    self.spans.push(None);
                }
                self.link_depth += 1;
            }
            // The alt text follows as ordinary text.
            Tag::Image { .. } | Tag::Superscript | Tag::Subscript => self.spans.push(None),
            Tag::BlockQuote(_) => {
                if self.quote_depth == 0 {
                    self.flush();
                    self.out.push_str("<blockquote>");
                    self.fresh = true;
                }
                self.quote_depth += 1;
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                let language = match &kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().filter(|l| plain_language(l)),
                    CodeBlockKind::Indented => None,
                };
                if let Some(language) = language {
                    self.out.push_str(&format!("<pre><code class=\"language-{language}\">"));
                    self.code_block = Some("</code></pre>");
                } else {
                    self.out.push_str("<pre>");
                    self.code_block = Some("</pre>");
                }
            }
            Tag::HtmlBlock => self.html_block = Some(String::new()),
            Tag::List(start) => {
                self.lists.push(start);
                self.owe(Break::Line);
            }
            Tag::Item => {
                self.owe(Break::Line);
                let marker = match self.lists.last_mut() {
                    Some(Some(number)) => {
                        let marker = format!("{number}. ");
                        *number += 1;
                        marker
                    }
                    _ => "• ".to_owned(),
                };
                // An item that opens with a list of its own ("1. - word") has not shown its
                // marker yet: both go on the line, or the outer number would be lost.
                let outer = self.marker.take().unwrap_or_default();
                self.marker = Some(format!("{outer}{marker}"));
            }
            Tag::TableRow => self.cells = 0,
            Tag::TableCell => {
                if self.cells > 0 {
                    self.text(" | ");
                }
                self.cells += 1;
            }
            Tag::Paragraph
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.close();
                self.owe(Break::Blank);
            }
            TagEnd::TableHead => {
                self.close();
                self.owe(Break::Line);
            }
            TagEnd::Strong | TagEnd::Emphasis | TagEnd::Strikethrough | TagEnd::Image => self.close(),
            TagEnd::Superscript | TagEnd::Subscript => self.close(),
            TagEnd::Link => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.close();
            }
            TagEnd::BlockQuote(_) => {
                self.quote_depth = self.quote_depth.saturating_sub(1);
                if self.quote_depth == 0 {
                    self.out.push_str("</blockquote>");
                    self.fresh = false;
                }
                self.owe(Break::Blank);
            }
            TagEnd::CodeBlock => {
                // The fence's last newline is not part of what the tutor meant to show.
                while self.out.ends_with('\n') {
                    self.out.pop();
                }
                self.out.push_str(self.code_block.take().unwrap_or("</pre>"));
                self.owe(Break::Blank);
            }
            TagEnd::HtmlBlock => {
                let block = self.html_block.take().unwrap_or_default();
                self.text(block.trim_end());
                self.owe(Break::Blank);
            }
            TagEnd::List(_) => {
                self.lists.pop();
                self.owe(Break::Blank);
            }
            TagEnd::Item => {
                // An empty item still shows its marker, without a trailing space.
                if let Some(marker) = self.marker.take() {
                    self.marker = Some(marker.trim_end().to_owned());
                    self.flush();
                }
                // Items follow one another line by line even in a loose list.
                self.pending = Break::Line;
            }
            TagEnd::TableRow => self.owe(Break::Line),
            TagEnd::TableCell => {}
            TagEnd::Paragraph
            | TagEnd::Table
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.owe(Break::Blank),
        }
    }

    fn owe(&mut self, brk: Break) {
        self.pending = self.pending.max(brk);
    }

    /// Writes the owed break, the indentation inside lists and a pending item marker.
    fn flush(&mut self) {
        let brk = std::mem::take(&mut self.pending);
        let broke = brk != Break::None && !self.fresh && !self.out.is_empty();
        self.fresh = false;
        if broke {
            self.out.push_str(if brk == Break::Blank { "\n\n" } else { "\n" });
        }
        let depth = self.lists.len();
        if let Some(marker) = self.marker.take() {
            self.out.push_str(&" ".repeat(2 * depth.saturating_sub(1)));
            self.out.push_str(&marker);
        } else if broke {
            self.out.push_str(&" ".repeat(2 * depth));
        }
    }

    fn text(&mut self, text: &str) {
        if !text.is_empty() {
            self.flush();
            self.out.push_str(&escape(text));
        }
    }

    /// Opens a span; one already open with the same tag (strong in a heading) adds none.
    fn open(&mut self, tag: &'static str) {
        if self.spans.contains(&Some(tag)) {
            self.spans.push(None);
        } else {
            self.flush();
            self.out.push_str(&format!("<{tag}>"));
            self.spans.push(Some(tag));
        }
    }

    fn close(&mut self) {
        if let Some(Some(tag)) = self.spans.pop() {
            self.out.push_str(&format!("</{tag}>"));
        }
    }
}

/// Telegram makes links of these schemes only; `javascript:` and the like stay plain text.
fn allowed_link(url: &str) -> bool {
    url.split_once(':')
        .is_some_and(|(scheme, _)| ["http", "https", "tg"].iter().any(|s| scheme.eq_ignore_ascii_case(s)))
}

fn plain_language(language: &str) -> bool {
    language.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
}

#[cfg(test)]
mod tests {
    use super::super::checker::assert_valid;
    use super::*;

    fn html(markdown: &str) -> String {
        let html = markdown_to_html(markdown);
        assert_valid(&html);
        html
    }

    #[test]
    fn inline_styles() {
        assert_eq!(
            html("*курсив* _тоже_ **жирный** __и так__ ~~зачёркнутый~~"),
            "<i>курсив</i> <i>тоже</i> <b>жирный</b> <b>и так</b> <s>зачёркнутый</s>"
        );
        assert_eq!(html("***оба***"), "<i><b>оба</b></i>");
        assert_eq!(html("`a < b && c`"), "<code>a &lt; b &amp;&amp; c</code>");
    }

    /// Found by the property test: the outer number was dropped when the item began with a list.
    #[test]
    fn an_item_that_opens_with_a_list_keeps_its_marker() {
        assert_eq!(html("1. - A"), "1. • A");
        assert_eq!(html("- 1. A\n- B"), "• 1. A\n• B");
    }

    #[test]
    fn headings_are_bold_paragraphs() {
        assert_eq!(html("# Заголовок\nТекст"), "<b>Заголовок</b>\n\nТекст");
        assert_eq!(html("## **Жирный** в заголовке"), "<b>Жирный в заголовке</b>");
        assert_eq!(html("Setext\n======\n\nпосле"), "<b>Setext</b>\n\nпосле");
    }

    #[test]
    fn paragraphs_and_line_breaks() {
        assert_eq!(
            html("\n\n  Первый\nвторая строка  \n\n\n\nВторой абзац.\n\n"),
            "Первый\nвторая строка\n\nВторой абзац."
        );
        assert_eq!(html("жёсткий  \nперенос"), "жёсткий\nперенос");
        assert_eq!(html(""), "");
        assert_eq!(html("   \n\n "), "");
    }

    #[test]
    fn code_blocks() {
        assert_eq!(
            html("```rust\nfn main() {\n    x < y;\n}\n```"),
            "<pre><code class=\"language-rust\">fn main() {\n    x &lt; y;\n}</code></pre>"
        );
        assert_eq!(html("```\n<b>нет</b>\n```"), "<pre>&lt;b&gt;нет&lt;/b&gt;</pre>");
        assert_eq!(html("```c++ title=x\ny\n```"), "<pre><code class=\"language-c++\">y</code></pre>");
        assert_eq!(html("```c#\ny\n```"), "<pre>y</pre>");
        assert_eq!(html("```\"><script>\ny\n```"), "<pre>y</pre>");
        assert_eq!(html("Код:\n\n    let x = 1;\n    x\n\nПосле"), "Код:\n\n<pre>let x = 1;\nx</pre>\n\nПосле");
    }

    #[test]
    fn block_quotes_do_not_nest() {
        assert_eq!(html("> цитата\n> строка\n\nпосле"), "<blockquote>цитата\nстрока</blockquote>\n\nпосле");
        assert_eq!(html("> a\n>\n> > b\n\nc"), "<blockquote>a\n\nb</blockquote>\n\nc");
        assert_eq!(html("> - пункт\n> - ещё"), "<blockquote>• пункт\n• ещё</blockquote>");
    }

    #[test]
    fn lists() {
        assert_eq!(html("- один\n- два\n* три"), "• один\n• два\n\n• три");
        assert_eq!(html("Слова:\n\n3. red\n4. blue"), "Слова:\n\n3. red\n4. blue");
        assert_eq!(html("- a\n  - b\n    1. c\n    2. d\n- e"), "• a\n  • b\n    1. c\n    2. d\n• e");
        assert_eq!(
            html("- свободный\n\n- список\n\n  второй абзац\n\nпосле"),
            "• свободный\n• список\n\n  второй абзац\n\nпосле"
        );
        assert_eq!(html("1. строка\n   продолжение"), "1. строка\n  продолжение");
        assert_eq!(html("- **жирный** пункт"), "• <b>жирный</b> пункт");
        assert_eq!(html("-\n- b"), "•\n• b");
    }

    #[test]
    fn links_only_for_safe_schemes() {
        assert_eq!(
            html("[сайт](https://example.com/?a=1&b=\"2\")"),
            "<a href=\"https://example.com/?a=1&amp;b=&quot;2&quot;\">сайт</a>"
        );
        assert_eq!(
            html("[чат](tg://resolve?domain=durov) и <http://x.org>"),
            "<a href=\"tg://resolve?domain=durov\">чат</a> и <a href=\"http://x.org\">http://x.org</a>"
        );
        assert_eq!(html("[нажми](javascript:alert(1))"), "нажми");
        assert_eq!(html("[файл](file:///etc/passwd) [отн](/relative) <mailto:a@b.c>"), "файл отн mailto:a@b.c");
        assert_eq!(html("[**жирная** `код`](https://x.org)"), "<a href=\"https://x.org\"><b>жирная</b> код</a>");
    }

    #[test]
    fn images_tables_and_rules() {
        assert_eq!(html("![кот на <диване>](https://x.org/cat.png)"), "кот на &lt;диване&gt;");
        assert_eq!(
            html("Таблица:\n\n| слово | перевод |\n|---|:-:|\n| cat | кот |\n| | пусто |\n\nпосле"),
            "Таблица:\n\n<b>слово | перевод</b>\ncat | кот\n | пусто\n\nпосле"
        );
        assert_eq!(html("до\n\n---\n\nпосле"), "до\n\n———\n\nпосле");
    }

    #[test]
    fn raw_html_is_literal() {
        assert_eq!(html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(html("<div>\nблок\n</div>\n\nтекст"), "&lt;div&gt;\nблок\n&lt;/div&gt;\n\nтекст");
        assert_eq!(
            html("Это <b>не жирный</b> и <a href=\"x\">не ссылка</a>"),
            "Это &lt;b&gt;не жирный&lt;/b&gt; и &lt;a href=&quot;x&quot;&gt;не ссылка&lt;/a&gt;"
        );
        assert_eq!(html("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
    }

    #[test]
    fn stray_markup_characters_stay() {
        assert_eq!(
            html("snake_case, 2 * 3 = 6, [скобка, _одна, *звезда, ] и [ref]"),
            "snake_case, 2 * 3 = 6, [скобка, _одна, *звезда, ] и [ref]"
        );
        assert_eq!(html("**не закрыт и _тоже"), "**не закрыт и _тоже");
        assert_eq!(html("&amp; &copy; &#1046;"), "&amp; © Ж");
    }
}
