"""Read and check the office's department directory YAML, reporting errors with file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apprise
import yaml

from models import KIND_GROUP, KIND_OFFICE, KIND_UNIT
from tasks.directory.channels import mask_url
from tasks.errors import ConfigError


@dataclass
class DirectoryEntry:
    """One department, group or the office as written in the directory file."""

    name: str
    kind: str = KIND_UNIT
    aliases: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    head_channels: list[str] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    level: str | None = None
    parent: str | None = None
    line: int = 0


def _lines(root: yaml.Node | None, key: str) -> list[int]:
    """The 1-based line of each item under top-level ``key`` (sequence items or mapping keys)."""
    if not isinstance(root, yaml.MappingNode):
        return []
    for key_node, value in root.value:
        if key_node.value == key:
            if isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
            if isinstance(value, yaml.MappingNode):
                return [k.start_mark.line + 1 for k, _ in value.value]
            return [value.start_mark.line + 1]
    return []


def _strings(value: Any, where: str, what: str) -> list[str]:
    """A list of non-empty strings (a single string is accepted as a one-item list)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {what} must be a list of names/URLs")
    return [v.strip() for v in value]


def _entry(raw: Any, kind: str, where: str) -> DirectoryEntry:
    """Check one department mapping and turn it into an entry."""
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise ConfigError(f"{where}: each department needs a 'name'")
    unknown = set(raw) - {"name", "aliases", "channels", "head_channels", "contacts", "level", "parent"}
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    channels = _strings(raw.get("channels"), where, "channels")
    head = _strings(raw.get("head_channels"), where, "head_channels")
    name = raw["name"].strip()
    for url in channels + head:
        if "://" not in url:
            raise ConfigError(f"{where}: channel '{mask_url(url)}' of {name} is not an apprise URL (scheme://…)")
        if apprise.Apprise.instantiate(url) is None:  # apprise's own parser: caught now, not at the first sweep
            raise ConfigError(f"{where}: channel '{mask_url(url)}' of {name} cannot be used: apprise does not "
                              "know the service or cannot parse the URL (see the apprise wiki for its form)")
    contacts = raw.get("contacts") or []
    if not isinstance(contacts, list) or not all(isinstance(c, dict) for c in contacts):
        raise ConfigError(f"{where}: contacts must be a list of mappings (name, phone, email …)")
    level, parent = raw.get("level"), raw.get("parent")
    return DirectoryEntry(name=name, kind=kind, aliases=_strings(raw.get("aliases"), where, "aliases"),
                          channels=channels, head_channels=head, contacts=contacts,
                          level=str(level) if level is not None else None,
                          parent=str(parent).strip() if parent else None)


def read_directory_file(path: Path) -> tuple[list[DirectoryEntry], dict[str, list[str]]]:
    """Entries (office, units, groups) and group members (canonical names) of a directory file."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such directory file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; give the directory file itself (e.g. departments.yaml)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the directory file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the directory file must be UTF-8 text") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f", line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{at}: malformed YAML: {exc.problem or exc.context}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with 'departments' (and 'groups', 'coordination_office')")
    unknown = set(data) - {"coordination_office", "departments", "groups"}
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    entries: list[DirectoryEntry] = []
    if data.get("coordination_office") is not None:
        line = _lines(root, "coordination_office")[0]
        entries.append(_entry(data["coordination_office"], KIND_OFFICE, f"{path}, line {line}"))
    raw_departments = data.get("departments") or []
    if not isinstance(raw_departments, list):
        raise ConfigError(f"{path}: 'departments' must be a list")
    for raw, line in zip(raw_departments, _lines(root, "departments"), strict=False):
        entries.append(_entry(raw, KIND_UNIT, f"{path}, line {line}"))
    raw_groups = data.get("groups") or {}
    if not isinstance(raw_groups, dict):
        raise ConfigError(f"{path}: 'groups' must map a group name to its member list")
    group_lines = dict(zip(raw_groups, _lines(root, "groups"), strict=False))
    for name in raw_groups:
        entries.append(DirectoryEntry(name=str(name).strip(), kind=KIND_GROUP, line=group_lines.get(name, 0)))
    return entries, _check(path, entries, raw_groups, group_lines)


def _check(path: Path, entries: list[DirectoryEntry], raw_groups: dict[Any, Any], group_lines: dict[Any, int]
           ) -> dict[str, list[str]]:
    """Names and aliases unique, parents known, group members known; members as canonical names."""
    canonical: dict[str, str] = {}
    for entry in entries:
        for name in [entry.name, *entry.aliases]:
            if name in canonical:
                raise ConfigError(f"{path}: the name '{name}' is used twice ({canonical[name]} and {entry.name})")
            canonical[name] = entry.name
    for entry in entries:
        if entry.parent and entry.parent not in canonical:
            raise ConfigError(f"{path}: parent '{entry.parent}' of {entry.name} is not in the directory")
        if entry.parent:
            entry.parent = canonical[entry.parent]
    groups: dict[str, list[str]] = {}
    for name, members in raw_groups.items():
        where = f"{path}, line {group_lines.get(name, '?')}"
        members_list = _strings(members, where, f"members of group {name}")
        resolved = []
        for member in members_list:
            if member not in canonical:
                raise ConfigError(f"{where}: member '{member}' of group {name} is not a department in the directory")
            if canonical[member] not in resolved:
                resolved.append(canonical[member])
        groups[str(name).strip()] = resolved
    return groups
