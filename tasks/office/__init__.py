"""The coordination office's own people: accounts and roles (管理员 / 查看), login throttling and the
audit trail of what each account did.

Modules inside ``tasks/`` import from the submodules (``tasks.office.accounts``), never from this package.
"""
