from scrapers.postings.text import cut, html_to_text


def test_entity_escaped_html_is_unescaped_then_stripped() -> None:
    escaped = "&lt;p&gt;Fish &amp;amp; chips&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Python&lt;/li&gt;&lt;li&gt;Go&lt;/li&gt;&lt;/ul&gt;"
    assert html_to_text(escaped) == "Fish & chips\n- Python\n- Go"


def test_scripts_comments_and_spaces_are_dropped() -> None:
    markup = "<div>  A&nbsp;&nbsp;b <br>c<!-- hidden --><script>alert(1)</script><style>p{}</style></div>"
    assert html_to_text(markup) == "A b\nc"


def test_plain_text_passes_through_with_entities_decoded() -> None:
    assert html_to_text("R&amp;D   team") == "R&D team"


def test_cap_cuts_at_a_word_and_marks_it() -> None:
    text = "word " * 100
    out = cut(text.strip(), 52)
    assert len(out) <= 52 and out.endswith("…") and not out[:-1].endswith("wor")
    assert html_to_text("<p>" + text + "</p>", 200).endswith("…")
