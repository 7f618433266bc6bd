"""nbgrader configuration of the dl4mir course.

Reference solutions with hidden tests live in ``solutions/<assignment>/``; the
student versions that ``nbgrader generate_assignment <assignment>`` produces
from them are committed in ``exercises/<assignment>/`` (tests/test_grading.py
checks that they are up to date). On the course JupyterHub, lecturers run
``nbgrader release_assignment`` and ``collect`` as usual, grade with
``mirlib grade`` (parallel and sandboxed; the limits are below), and then
``nbgrader generate_feedback`` and ``export`` (README, "For lecturers").
"""

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = "."
c.CourseDirectory.course_id = "dl4mir"   # the nbgrader exchange keeps courses apart by this id
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Autograding a notebook must finish within the course's 2-minute budget.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120

# Feedback shows each test's score and error, never the hidden tests themselves
# (nbgrader's own feedback quotes them: jupyter/nbgrader#917, #1363).
from mirlib.grading.feedback import HideHiddenTests  # noqa: E402
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]

# Students' submissions are graded by `mirlib grade ASSIGNMENT`, in parallel, each in a
# bubblewrap sandbox (no network; no view of solutions/, the gradebook or other
# students' work) with these limits per submission; the command line overrides them.
c.MirlibGrade.jobs = 2          # submissions graded at once
c.MirlibGrade.timeout = 120     # seconds of wall time per cell
c.MirlibGrade.cpu = 300         # CPU seconds per submission
c.MirlibGrade.memory = 4096     # MB of address space per kernel (TensorFlow needs ~3000)
c.MirlibGrade.processes = 256   # processes and threads per kernel
c.MirlibGrade.output = 2        # MB of printed output kept per submission
c.MirlibGrade.files = 100       # MB per file a submission writes
