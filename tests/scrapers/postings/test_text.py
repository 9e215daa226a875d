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


def test_a_lone_surrogate_in_markup_is_read_not_refused() -> None:
    # lxml raised UnicodeEncodeError on it, so the whole posting was skipped as unreadable.
    assert html_to_text("<p>Build \ud800 robots</p>") == "Build \ufffd robots"


def test_indented_list_items_keep_their_text_on_the_bullet() -> None:
    # Lever's `lists[].content`: each `<li>` holds an indented `<p>`; it left "-\n" before.
    html = (
        "<li>\n    <p>Ship Python services</p>\n  </li>\n  <li>\n    <p>Own Postgres</p>\n  </li>"
    )
    assert html_to_text(html) == "- Ship Python services\n- Own Postgres"
