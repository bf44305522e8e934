"""Web pages saved from a news site as lines of text: the article and its headline, not
the menus, share buttons, related news or footer. Called by `engine.extract.documents`."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from engine.extract.document_errors import require_text

_SKIP_WORDS = """script style noscript template nav header footer aside form button select iframe svg
    canvas figure figcaption menu dialog object embed head"""
_SKIP = frozenset(_SKIP_WORDS.split())
_BLOCK_WORDS = """p div h1 h2 h3 h4 h5 h6 li tr br section article main blockquote pre table ul
    ol dd dt dl hr address"""
_BLOCK = frozenset(_BLOCK_WORDS.split())
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:menu|nav|navbar|breadcrumbs?|share|social|comments?|related|relate|"
    r"footer|header|sidebar|banner|ads?|advert\w*|tags?|subscribe|newsletter|popup|cookie|"
    r"login|search|toolbar|most-?read|trending)(?:$|[\s_-])",
    re.IGNORECASE,
)


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def html_text(page: str, name: str) -> str:
    """The article of a saved news page: the <article> (or <main>) with the most text,
    else the element whose own paragraphs hold the most text; menus, headers, footers,
    share buttons, related links and scripts left out. The page's headline (<h1>) comes
    first when it stands outside the article."""
    import tinyhtml5  # type: ignore[import-untyped]

    root = tinyhtml5.parse(page, namespace_html_elements=False)
    body = root.find("body")
    if body is None:
        body = root
    candidates = [e for e in body.iter() if e.tag in ("article", "main") and not _chrome(e)]
    if candidates:
        best = max(candidates, key=lambda e: len(_plain(e)))
    else:
        best = max(
            (e for e in body.iter() if isinstance(e.tag, str) and not _chrome(e)),
            key=_paragraph_weight,
            default=body,
        )
        if _paragraph_weight(best) == 0:
            best = body
    lines: list[str] = []
    heading = body.find(".//h1")
    if heading is not None and not any(h is heading for h in best.iter("h1")):
        lines.append(_plain(heading))
    lines.append(_render(best))
    text = "\n".join(lines)
    require_text(name, text)
    return text


def _chrome(element: Element) -> bool:
    marks = f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}"
    return element.tag in _SKIP or bool(_CHROME.search(marks))


def _plain(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _paragraph_weight(element: Element) -> int:
    return sum(len(_plain(p)) for p in element if p.tag == "p")


def _render(element: Element) -> str:
    """The element's text with a line break around each block, nothing from the parts
    that are not the article."""
    parts: list[str] = []
    parents = {id(child): node for node in element.iter() for child in node}

    def walk(node: Element) -> None:
        if not isinstance(node.tag, str) or (node is not element and _chrome(node)):
            if node.tail:
                parts.append(node.tail)
            return
        block = node.tag in _BLOCK
        if block:
            parts.append("\n")
        if node.tag in ("td", "th"):  # a table row stays one line, as from Word
            row = parents.get(id(node))
            if row is not None and next(c for c in row if c.tag in ("td", "th")) is not node:
                parts.append(" | ")
        if node.tag == "li":
            parent = parents.get(id(node))
            if parent is not None and parent.tag == "ol":
                items = [c for c in parent if c.tag == "li"]
                parts.append(f"{items.index(node) + 1}. ")
            else:
                parts.append("- ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail and node is not element:
            parts.append(node.tail)

    walk(element)
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n"))
