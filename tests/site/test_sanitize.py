"""Raw HTML in articles passes an allowlist: formatting stays, anything that runs code goes."""

from __future__ import annotations

import pytest

from kbgen.site.sanitize import clean


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>vor</p><script>alert(1)</script><p>nach</p>", "<p>vor</p><p>nach</p>"),
        ("<p onclick=\"steal()\" onmouseover='x()'>Text</p>", "<p>Text</p>"),
        ('<img src="a.png" alt="A" onerror="alert(1)">', '<img src="a.png" alt="A">'),
        ('<iframe src="https://evil.example/"></iframe><p>x</p>', "<p>x</p>"),
        ('<p style="position:fixed;top:0">x</p>', "<p>x</p>"),
        ("<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
        ('<object data="x.swf"></object><embed src="x.swf"><p>x</p>', "<p>x</p>"),
        ('<form action="https://evil.example/"><button>Senden</button></form>', "Senden"),
        ('<svg onload="alert(1)"><circle r="1"/></svg>', ""),
        ("<p>a<!-- interne Notiz -->b</p>", "<p>ab</p>"),
    ],
)
def test_active_content_is_removed(html: str, expected: str) -> None:
    assert clean(html) == expected


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_script_urls_are_removed_from_links(href: str) -> None:
    out = clean(f'<a href="{href}">Klick</a>')
    assert "href" not in out
    assert "Klick" in out


@pytest.mark.parametrize(
    "href",
    [
        "https://example.com/",
        "http://example.com/",
        "mailto:a@b.de",
        "tel:+49401234567",
        "../versand/lieferzeit/",
        "#anker",
        "lieferzeit/",
    ],
)
def test_ordinary_links_are_kept(href: str) -> None:
    assert f'href="{href}"' in clean(f'<a href="{href}">Link</a>')


def test_external_links_cannot_reach_the_opener() -> None:
    out = clean('<a href="https://example.com/" target="_blank">x</a>')
    assert "noopener" in out


@pytest.mark.parametrize(
    "html",
    [
        '<table><thead><tr><th scope="col">Zone</th></tr></thead>'
        '<tbody><tr><td colspan="2">4,95 €</td></tr></tbody></table>',
        '<details class="note" open=""><summary>Mehr</summary><p>Text</p></details>',
        "<p>Drücken Sie <kbd>Strg</kbd>+<kbd>C</kbd>.</p>",
        '<div class="admonition warning"><p class="admonition-title">Achtung</p><p>x</p></div>',
        '<h2 id="versand">Versand</h2>',
        '<ol start="3"><li>drei</li></ol>',
        "<dl><dt>Begriff</dt><dd>Erklärung</dd></dl>",
        '<p><abbr title="Umsatzsteuer">USt.</abbr> <mark>neu</mark> <sub>2</sub><sup>3</sup></p>',
        '<figure><img src="a.png" alt="A" width="100"><figcaption>Bild</figcaption></figure>',
        '<pre><code class="language-bash">kbgen build</code></pre>',
        "<blockquote><p>Zitat</p></blockquote>",
    ],
)
def test_formatting_is_kept(html: str) -> None:
    assert clean(html) == html


def test_task_list_checkboxes_are_kept() -> None:
    html = (
        '<li class="task-list-item">'
        '<label><input type="checkbox" disabled="" checked=""></label></li>'
    )
    assert clean(f"<ul>{html}</ul>") == f"<ul>{html}</ul>"
