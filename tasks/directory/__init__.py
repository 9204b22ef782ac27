"""The department directory: units, their aliases, groups (各相关部门) and notification channels.

Owns reading and checking the office's directory YAML (``directory_file``) and resolving the
names documents use to real units, expanding groups to their members (``departments``).
"""

from tasks.directory.departments import (
    UnitResolver,
    coordination_office,
    expand_members,
    list_departments,
    load_directory,
    resolve_units,
)

__all__ = ["UnitResolver", "coordination_office", "expand_members", "list_departments", "load_directory",
           "resolve_units"]
