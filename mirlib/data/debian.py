"""Data from Debian packages: the installed copy, or the package from Debian's archive.

Some recordings the book uses are packaged by Debian (Hydrogen's drum kits,
CMU Sphinx's test recordings). CI and a fresh machine install the package
(``tools/install.sh``); elsewhere :func:`package_dir` downloads the same
``.deb`` from Debian's archive with pooch, checks its sha256 and unpacks the
folder that is needed. Nothing is ever copied into the repository.
"""

from __future__ import annotations

import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from .recordings import data_dir

__all__ = ["DebianData", "package_dir", "unpack_deb"]


@dataclass(frozen=True)
class DebianData:
    """A folder of a Debian package and where to find it.

    Attributes
    ----------
    package : str
        Debian package name, e.g. ``"hydrogen-drumkits"``.
    url : str
        Address of the ``.deb`` in Debian's archive.
    sha256 : str
        Its sha256 checksum (from Debian's Packages index).
    folder : str
        The folder inside the package, e.g. ``"usr/share/hydrogen/data/drumkits"``.
    marker : str
        A file inside ``folder`` that shows a complete copy.
    env : str
        Environment variable that may name another copy of ``folder``.
    system_dir : pathlib.Path or None
        Where the installed package keeps the folder (None: ``/folder``).
    """

    package: str
    url: str
    sha256: str
    folder: str
    marker: str
    env: str
    system_dir: Path | None = None

    def __post_init__(self):
        if self.system_dir is None:
            object.__setattr__(self, "system_dir", Path("/") / self.folder)


def package_dir(data, download=True):
    """The folder of a Debian package's data, downloading the package if needed.

    Looks in ``$ENV`` (``data.env``), then the installed package, then
    ``$MIRLIB_DATA_DIR/PACKAGE``; downloads and unpacks the ``.deb`` there
    otherwise (and deletes the ``.deb``).

    Parameters
    ----------
    data : DebianData
    download : bool
        Download when no copy is found.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    FileNotFoundError
        If ``$ENV`` is set but not a folder, or nothing is found and
        ``download`` is False.
    ValueError
        If the download does not match its sha256 (raised by pooch) or is not
        a Debian package.
    """
    env = os.environ.get(data.env)
    if env:
        if not Path(env).is_dir():
            raise FileNotFoundError(f"{data.env}={env} is not a folder")
        return Path(env)
    if (data.system_dir / data.marker).is_file():
        return data.system_dir
    target = data_dir() / data.package
    if (target / data.marker).is_file():
        return target
    if not download:
        raise FileNotFoundError(f"{data.package} not found: install Debian's {data.package}, set {data.env}, "
                                "or allow the download")
    import pooch

    deb = pooch.retrieve(data.url, known_hash=f"sha256:{data.sha256}", path=data_dir(), progressbar=False)
    unpack_deb(Path(deb), target, data.folder)
    Path(deb).unlink()          # the unpacked folder is what is looked for next time
    return target


def unpack_deb(deb, target, folder):
    """Unpack one folder of a ``.deb`` (an ar archive with a ``data.tar.*`` member).

    Parameters
    ----------
    deb : pathlib.Path
    target : pathlib.Path
        Where the folder's contents go.
    folder : str
        Path of the folder inside the package, without a leading slash.

    Raises
    ------
    ValueError
        If ``deb`` is not a Debian package or holds no data archive.
    """
    data = Path(deb).read_bytes()
    if not data.startswith(b"!<arch>\n"):
        raise ValueError(f"{deb} is not a Debian package")
    prefix = f"./{folder.strip('/')}/"
    pos = 8
    while pos + 60 <= len(data):
        name = data[pos:pos + 16].decode().strip().rstrip("/")
        size = int(data[pos + 48:pos + 58].decode().strip())
        body = data[pos + 60:pos + 60 + size]
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(body)) as tar:
                for member in tar.getmembers():
                    if member.isfile() and member.name.startswith(prefix):
                        member.name = member.name[len(prefix):]
                        tar.extract(member, target, filter="data")
            return
        pos += 60 + size + size % 2
    raise ValueError(f"{deb}: no data archive inside")
