"""Walking the landing zone without leaving it: no symbolic links followed, no `..`, nothing outside the root.

Agencies write into the landing zone, so its contents are not trusted: a link to `/etc/passwd` or to
another agency's folder, or a dataset name like `../../secrets`, must not make the lake read a file
that was never delivered there. Each such entry is reported as rejected, with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


class UnsafeLandingPath(ValueError):
    """A landing folder named by configuration that would leave the landing zone."""


def plain_component(name: str) -> str:
    """`name` if it is one ordinary path component (an agency or dataset folder), else UnsafeLandingPath."""
    parts = PurePosixPath(name).parts
    if len(parts) != 1 or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise UnsafeLandingPath(f"{name!r} is not a plain folder name inside the landing zone")
    return name


def inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def landing_files(landing: Path, base: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Regular files under `base` (sorted, hidden ones left out) and the entries refused, with why.

    Symbolic links (to files or folders) are refused, not followed, and so is anything that resolves
    outside `landing`.
    """
    if not base.exists() and not base.is_symlink():
        return [], []
    if base.is_symlink() or not inside(base, landing):
        return [], [(base, "the dataset folder is a symbolic link or lies outside the landing zone; not followed")]
    files, refused = [], []
    for folder, dirs, names in os.walk(base, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs):
            if (here / name).is_symlink():
                refused.append((here / name, "a symbolic link to a folder, not a delivery folder; not followed"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (here / d).is_symlink())
        for name in sorted(names):
            path = here / name
            if name.startswith("."):
                continue
            if path.is_symlink():
                refused.append((path, "a symbolic link, not a delivered file; not followed"))
            elif not path.is_file() or not inside(path, landing):
                refused.append((path, "not a regular file inside the landing zone"))
            else:
                files.append(path)
    return sorted(files), refused
