"""The IPython kernel that grading runs students' notebooks in.

``python -m mirlib.grading.kernel -f CONNECTION_FILE`` is ipykernel's own
launcher with two additions, both needed to grade a class safely:

* printed text is capped at ``$MIRLIB_GRADING_OUTPUT_MB`` (a submission
  printing gigabytes would otherwise fill the grader's memory); what comes
  after the cap is dropped, the cell shows a notice, and the marker file
  ``output`` appears in ``$MIRLIB_GRADING_MARKERS``;
* when the CPU-time limit is reached (``SIGXCPU``), the marker ``cpu`` is
  written before the kernel stops, so the grader can say why it died.
"""

import os
import signal
import sys

NOTICE = "\n[grader: output beyond {mb} MB dropped]\n"


def _mark(name):
    folder = os.environ.get("MIRLIB_GRADING_MARKERS")
    if folder:
        try:
            with open(os.path.join(folder, name), "w") as f:
                f.write(name)
        except OSError:
            pass


def cap_output(limit_mb):
    """Make every ipykernel output stream drop text beyond ``limit_mb`` MB in total."""
    from ipykernel.iostream import OutStream

    budget = {"left": int(limit_mb * 1024 * 1024), "noticed": False}
    write = OutStream.write

    def capped_write(self, string):
        if not isinstance(string, str):
            return write(self, string)
        if budget["left"] <= 0:
            if not budget["noticed"]:
                budget["noticed"] = True
                _mark("output")
                write(self, NOTICE.format(mb=limit_mb))
            return len(string)
        kept = string[:budget["left"]]
        budget["left"] -= len(kept)
        write(self, kept)
        return len(string)

    OutStream.write = capped_write


def _on_xcpu(signum, frame):
    _mark("cpu")
    os._exit(152)


def main():
    cap_output(float(os.environ.get("MIRLIB_GRADING_OUTPUT_MB", "2")))
    signal.signal(signal.SIGXCPU, _on_xcpu)
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    sys.exit(main())
