"""Data are text: the one helper that puts user- or file-supplied strings into Markdown-rendered elements.

Streamlit renders captions, notices, markdown and metric labels as Markdown, so a stored value such as
``![t](http://…)`` would load an image and ``[点此](http://…)`` would become a link; ``186****4887`` would
lose its stars to italics. :func:`plain` backslash-escapes the punctuation Markdown acts on (CommonMark
shows an escaped character literally), which also stops ``:red[…]`` directives and ``$…$`` maths; bare URLs and
e-mail addresses get an invisible word joiner (U+2060) so that they are not linked;
``-``, ``+``, ``#`` and ``1.`` are escaped only where they would open a list or heading.
Use it for every value inside such an element; plain-text elements (tables, option labels) need nothing.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_{}\[\]()<>!|~$@:&])")  # emphasis, links, images, code, HTML, maths, directives, autolinks
_BULLET_OR_HEADING = re.compile(r"^(\s*)([-+#=])")  # would open a list or heading at the start of a line
_ORDERED_ITEM = re.compile(r"^(\s*\d+)\.")  # "1." would open a numbered list
# GFM turns bare URLs and e-mail addresses into links after escapes are resolved, so a backslash cannot stop
# it; an invisible word joiner inside "://", "www." and "@" does (the text looks the same).
_AUTOLINK = re.compile(r"(?i)(:(?=//)|\bwww(?=\.)|@)")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def plain(value: object) -> str:
    """``value`` as Markdown that shows exactly its characters (line breaks become spaces)."""
    text = _AUTOLINK.sub("\\1\u2060", _LINE_BREAKS.sub(" ", "" if value is None else str(value)))
    text = _INLINE.sub(r"\\\1", text)
    return _ORDERED_ITEM.sub(r"\1\\.", _BULLET_OR_HEADING.sub(r"\1\\\2", text))
