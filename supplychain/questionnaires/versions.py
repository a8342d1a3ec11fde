"""Older questionnaire versions kept as changes, not copies.

An archived version is a list of changes that turn the next newer version's data back into it:

    - set: sections.pay.questions.pay_method.text.lv     # replace or add a value
      value: "..."
    - remove: sections.pay.questions.pay_method.explain   # take a key or a list item out
    - insert: sections.pay.questions                      # put an item into a list
      after: pay_frequency                                #   (no `after`: at the start)
      value: {id: late_pay, type: yes_no, ...}

A path is dotted. On a mapping a step is a key; on a list it is an item's `id` (sections,
questions, columns) or `value` (options), or a position written `[0]`. The changes work on the
plain data read from the files, before validation, so the data they rebuild can be compared
with the archived version's own: `digest` is what a patch file records and the loader checks.
Pure: plain data in, plain data out, no files.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from typing import Any

OPERATIONS = ("set", "remove", "insert")
_POSITION = re.compile(r"\[(\d+)\]")
_PART = re.compile(r"([^\[\]]*)((?:\[\d+\])*)")


class PatchError(ValueError):
    """A change that cannot be applied; index is its place in the list of changes."""

    def __init__(self, index: int, message: str):
        super().__init__(f"changes[{index}]: {message}")
        self.index = index
        self.message = message


def digest(data: Any) -> str:
    """SHA-256 of data as canonical JSON: equal data, equal digest, whatever the file's layout."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Paths ----------------------------------------------------------------------------------------


def split_path(path: str) -> list[str]:
    """'sections.pay.risks[0].ilo' -> ['sections', 'pay', 'risks', '[0]', 'ilo']"""
    steps: list[str] = []
    for part in path.split("."):
        found = _PART.fullmatch(part)
        if not found or not part:
            raise ValueError(f"not a path: {path!r}")
        steps += [found.group(1)] if found.group(1) else []
        steps += [f"[{n}]" for n in _POSITION.findall(found.group(2))]
    return steps


def item_key(item: Any) -> str | None:
    """The name that picks item out of its list: its id, or an option's value."""
    if isinstance(item, dict):
        for name in ("id", "value"):
            key = item.get(name)
            if isinstance(key, str | int) and not isinstance(key, bool):
                return str(key)
    return None


def _list_index(items: list[Any], step: str) -> int | None:
    found = _POSITION.fullmatch(step)
    if found:
        index = int(found.group(1))
        return index if index < len(items) else None
    return next((i for i, item in enumerate(items) if item_key(item) == step), None)


def _child(node: Any, step: str, path: str) -> Any:
    if isinstance(node, dict) and step in node:
        return node[step]
    if isinstance(node, list):
        index = _list_index(node, step)
        if index is not None:
            return node[index]
    raise LookupError(f"{path}: no {step!r} there")


def _parent(data: Any, path: str) -> tuple[Any, str]:
    steps = split_path(path)
    node = data
    for step in steps[:-1]:
        node = _child(node, step, path)
    return node, steps[-1]


# Applying -------------------------------------------------------------------------------------


def _set(data: Any, path: str, value: Any) -> None:
    node, last = _parent(data, path)
    if isinstance(node, dict):
        node[last] = value
        return
    index = _list_index(node, last) if isinstance(node, list) else None
    if index is None:
        raise LookupError(f"{path}: no {last!r} there")
    node[index] = value


def _remove(data: Any, path: str) -> None:
    node, last = _parent(data, path)
    if isinstance(node, dict) and last in node:
        del node[last]
        return
    index = _list_index(node, last) if isinstance(node, list) else None
    if index is None:
        raise LookupError(f"{path}: no {last!r} there")
    del node[index]


def _insert(data: Any, path: str, value: Any, after: Any) -> None:
    items = data
    for step in split_path(path):
        items = _child(items, step, path)
    if not isinstance(items, list):
        raise LookupError(f"{path}: not a list")
    if after is None:
        items.insert(0, value)
        return
    index = _list_index(items, str(after))
    if index is None:
        raise LookupError(f"{path}: no {after!r} to insert after")
    items.insert(index + 1, value)


def _check(change: Any, index: int) -> tuple[str, str]:
    """The operation and path of one change, or PatchError saying what is wrong with it."""
    if not isinstance(change, dict):
        raise PatchError(index, "a change must be a mapping such as {set: path, value: ...}")
    named = [op for op in OPERATIONS if op in change]
    if len(named) != 1:
        raise PatchError(index, "a change has exactly one of set, remove, insert")
    op = named[0]
    allowed = {op, "value"} | ({"after"} if op == "insert" else set())
    allowed -= {"value"} if op == "remove" else set()
    stray = sorted(str(k) for k in change if k not in allowed)
    if stray:
        raise PatchError(index, f"{op} does not take {', '.join(stray)}")
    if op != "remove" and "value" not in change:
        raise PatchError(index, f"{op} needs a value")
    if not isinstance(change[op], str):
        raise PatchError(index, f"{op}: the path must be text, such as sections.pay.title")
    return op, change[op]


def apply(data: Any, changes: list[Any]) -> Any:
    """A copy of data with the changes made in order; PatchError names the first that fails."""
    out = copy.deepcopy(data)
    for index, change in enumerate(changes):
        op, path = _check(change, index)
        value = copy.deepcopy(change.get("value"))
        try:
            if op == "set":
                _set(out, path, value)
            elif op == "remove":
                _remove(out, path)
            else:
                _insert(out, path, value, change.get("after"))
        except (LookupError, ValueError) as exc:
            raise PatchError(index, f"{op} {exc}") from None
    return out


# Writing --------------------------------------------------------------------------------------


def changes_between(newer: Any, older: Any, path: str = "") -> list[dict[str, Any]]:
    """The changes that turn newer into older (so that apply(newer, result) == older)."""
    if newer == older and digest(newer) == digest(older):  # digest: 1 and true differ
        return []
    if isinstance(newer, dict) and isinstance(older, dict):
        return _mapping_changes(newer, older, path)
    if isinstance(newer, list) and isinstance(older, list) and _keyed(newer) and _keyed(older):
        keyed = _list_changes(newer, older, path)
        if keyed is not None:
            return keyed
    if isinstance(newer, list) and isinstance(older, list) and _same_places(newer, older):
        # Mappings without ids (a question's risks) in the same places: item by item, so that
        # a translation added to one explanation is one change, not the whole list again.
        places = zip(newer, older, strict=True)
        return [c for i, (n, o) in enumerate(places) for c in changes_between(n, o, f"{path}[{i}]")]
    if not path:
        raise ValueError("a questionnaire's data is a mapping")
    return [{"set": path, "value": older}]


def _join(path: str, step: str) -> str:
    return f"{path}.{step}" if path else step


def _mapping_changes(newer: dict[Any, Any], older: dict[Any, Any], path: str) -> list[Any]:
    changes: list[Any] = []
    for key in older:
        if key in newer:
            changes += changes_between(newer[key], older[key], _join(path, str(key)))
        else:
            changes.append({"set": _join(path, str(key)), "value": older[key]})
    changes += [{"remove": _join(path, str(key))} for key in newer if key not in older]
    return changes


def _same_places(newer: list[Any], older: list[Any]) -> bool:
    """Two lists of mappings of one length, compared place by place."""
    return len(newer) == len(older) and all(isinstance(i, dict) for i in [*newer, *older])


def _keyed(items: list[Any]) -> bool:
    """Every item has an id (or value) of its own, unique in the list."""
    keys = [item_key(item) for item in items]
    return None not in keys and len(set(keys)) == len(keys)


def _list_changes(newer: list[Any], older: list[Any], path: str) -> list[Any] | None:
    """Item by item, or None when the items kept have changed order (then the whole list)."""
    new_keys = [item_key(item) for item in newer]
    old_keys = [item_key(item) for item in older]
    kept = [k for k in old_keys if k in new_keys]
    if kept != [k for k in new_keys if k in old_keys]:
        return None
    changes: list[Any] = [{"remove": _join(path, str(k))} for k in new_keys if k not in old_keys]
    by_key = dict(zip(new_keys, newer, strict=True))
    previous = None
    for key, item in zip(old_keys, older, strict=True):
        if key in by_key:
            changes += changes_between(by_key[key], item, _join(path, str(key)))
        else:
            insert = {"insert": path, "value": item}
            changes.append(insert if previous is None else {**insert, "after": previous})
        previous = key
    return changes
