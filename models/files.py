"""duban's own files are private to the account running it: folders 0700, files 0600.

The database holds channel URLs with their passwords, evidence files are the units' documents, the secret key
signs every link: none of them may be readable by other local users, whatever the process umask is.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents with mode 0700 (folders that already exist are left as they
    are: they may be the user's own); returns ``path``."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # another process made it first
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is filtered by the umask; chmod is not
    path.mkdir(parents=True, exist_ok=True)  # raises if path exists but is not a folder
    return path


def create_private(path: Path) -> int:
    """Create ``path`` (which must not exist) for writing with mode 0600; returns the open file descriptor."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    return fd


def make_private(path: Path) -> None:
    """Take read and write access away from group and others on an existing file of duban's (best effort: a
    file owned by another account is left alone)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except OSError:
        pass
