"""An nbgrader exchange in which students cannot read each other's submissions.

nbgrader's default exchange (a folder all users share) writes a submission
into ``<exchange>/<course>/inbound/`` as a folder everybody may write to
(``0777``) holding files everybody may read (``0644``); only its unlisted,
randomised name hides it (jupyter/nbgrader#978, #1225). A student who learns
the name, from a shared screen or a log line, can read, replace or delete
another student's work.

:class:`PrivateSubmit` submits as nbgrader does and then closes the
submission to everybody but its author and the course's graders: the inbound
folder is set-group-id (``2733``, as nbgrader creates it), so a submission
belongs to the graders' group; its folders become ``2770`` and ``2750`` and
its files ``0640``. The graders read and delete it through that group;
other students get *permission denied*, even knowing the name. The course
JupyterHub selects it in its global ``nbgrader_config.py``::

    c.ExchangeFactory.submit = "mirlib.grading.exchange.PrivateSubmit"

and creates the inbound folder owned by the grader account and its group
(``deploy/local/start.sh``).
"""

from __future__ import annotations

import os
import secrets
import stat

from nbgrader.exchange.default.submit import ExchangeSubmit

__all__ = ["PrivateSubmit", "SUBMISSION_DIR_MODE", "SUBMISSION_FILE_MODE", "close_submission"]

#: a submission's top folder: author and graders may read, write and delete
SUBMISSION_DIR_MODE = 0o2770
#: folders and files inside a submission: the graders may read them
SUBMISSION_SUBDIR_MODE = 0o2750
SUBMISSION_FILE_MODE = 0o640


def close_submission(path):
    """Restrict a submitted folder to its owner and its group.

    Parameters
    ----------
    path : str or os.PathLike
        A submission folder in the exchange's inbound folder.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    NotADirectoryError
        If ``path`` is not a folder.
    """
    path = os.fspath(path)
    if not os.path.isdir(path):
        if os.path.exists(path):
            raise NotADirectoryError(f"not a submission folder: {path}")
        raise FileNotFoundError(f"no such submission folder: {path}")
    for dirname, _, filenames in os.walk(path, topdown=False):
        for filename in filenames:
            os.chmod(os.path.join(dirname, filename), SUBMISSION_FILE_MODE)
        os.chmod(dirname, SUBMISSION_DIR_MODE if dirname == path else SUBMISSION_SUBDIR_MODE)


class PrivateSubmit(ExchangeSubmit):
    """``nbgrader submit`` through the shared exchange, readable by graders only.

    Same behaviour and options as nbgrader's ``ExchangeSubmit``; afterwards the
    submission is closed with :func:`close_submission`. Without a set-group-id
    inbound folder (an exchange nbgrader created on its own) the graders could
    not read the closed submission, so the submission fails with a message
    naming the folder instead.
    """

    def copy_files(self):
        inbound = self.inbound_path
        if not os.stat(inbound).st_mode & stat.S_ISGID:
            self.fail(f"The exchange's inbound folder {inbound} is not set-group-id (chmod 2733, group of the "
                      "graders): a private submission would be unreadable to the graders. Ask your instructor.")
        super().copy_files()
        close_submission(os.path.join(self.inbound_path, self.assignment_filename))

    def do_copy(self, src, dest):
        """Copy a submission into the inbound folder so that all of it belongs to the graders' group.

        nbgrader copies with ``shutil.copytree``, which ends by copying the
        source folder's mode onto the new folder: that clears the set-group-id
        bit it inherited from the inbound folder (a student outside the
        graders' group cannot set it again), and the files nbgrader writes
        afterwards (``timestamp.txt``) would belong to the student's group.
        So the copy is made inside a folder that keeps the bit, then moved up.
        """
        if os.path.dirname(os.path.abspath(dest)) != os.path.abspath(self.inbound_path):
            return super().do_copy(src, dest)
        os.mkdir(dest)        # the graders' group and the set-group-id bit, from the inbound folder
        staging = os.path.join(dest, f".copy-{secrets.token_hex(8)}")
        super().do_copy(src, staging)
        for name in os.listdir(staging):
            os.rename(os.path.join(staging, name), os.path.join(dest, name))
        os.rmdir(staging)
