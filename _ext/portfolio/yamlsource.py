"""YAML data files of the site (``news.yaml``, ``cv.yaml``) read as node trees, so that every problem can
name its line; a file that is not YAML is one problem at the line YAML stopped, never an exception."""

from __future__ import annotations

import yaml


def compose(text: str) -> tuple[yaml.Node | None, tuple[int, str] | None]:
    """The file's root node (None for an empty file), or the line and message of why it is not YAML."""
    try:
        return yaml.compose(text), None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, e.g. a control character
        line = text.count("\n", 0, error.position) + 1
        return None, (line, f"not valid YAML: character U+{error.character:04X} is not allowed")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, (mark.line + 1 if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}")


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1
