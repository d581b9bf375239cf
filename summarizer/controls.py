"""Control characters out of article and model text, so none reaches a terminal, a file or a chat.

An article (or a model repeating it) may carry terminal escape sequences: ``ESC [2J`` clears the
screen, ``ESC ]52;c;…`` writes the reader's clipboard, ``ESC ]8;;URL`` hides a link. Text keeps only
newlines and tabs; carriage returns become newlines (``\\r\\n`` one newline), everything else in C0 and
C1 (ESC, BEL, backspace, DEL, ``\\x9b`` CSI…) is removed when the text is read.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` with line breaks normalised and every control character but newline and tab removed.

    >>> strip_controls("Biden\\x1b[2J said\\r\\nno\\x1b]52;c;aGk=\\x07")
    'Biden[2J said\\nno]52;c;aGk='
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


__all__ = ["strip_controls"]
