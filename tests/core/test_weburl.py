"""newsdesk.core.weburl: which URLs may become a link."""

import pytest

from newsdesk.core.weburl import web_url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "\x00javascript:alert(1)",
        "\x0e\x7fjavascript:alert(1)",
        "java\tscript:alert(1)",
        "jav\r\nascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:image/svg+xml;base64,PHN2Zz4=",
        "vbscript:msgbox(1)",
        "\tVbScRiPt:msgbox(1)",
        "ftp://example.org/file",
        "mailto:someone@example.org",
        "//example.org/protocol-relative",
        "/relative/path",
        "http:/one-slash.example",
        "http://",
        "https://example.org:notaport/x",
        "https://exa\x00mple.org/",
        "https://example.org/\x85next-line",
        "",
        None,
        42,
    ],
)
def test_anything_but_an_absolute_web_url_is_refused(url):
    assert web_url(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
        ("  HTTP://Example.org/x\n", "http://Example.org/x"),
        ("\x01https://example.org/", "https://example.org/"),
        ("https://exam\tple.org/pa\nth", "https://example.org/path"),
        ("https://[2001:db8::1]:8443/", "https://[2001:db8::1]:8443/"),
        ("https://example.org/caf\u00e9", "https://example.org/caf\u00e9"),
    ],
)
def test_a_web_url_is_kept_as_a_browser_would_read_it(url, expected):
    assert web_url(url) == expected
