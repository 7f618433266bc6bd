"""nbgrader configuration of the dl4mir course.

Reference solutions with hidden tests live in ``solutions/<assignment>/``; the
student versions that ``nbgrader generate_assignment <assignment>`` produces
from them are committed in ``exercises/<assignment>/`` (tests/test_grading.py
checks that they are up to date). On the course JupyterHub, lecturers run
``nbgrader collect``, ``autograde`` and ``export`` as usual.
"""

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Autograding a notebook must finish within the course's 2-minute budget.
c.ExecutePreprocessor.timeout = 120
c.Execute.timeout = 120

# Keep the gradebook out of the repository root.
c.CourseDirectory.db_url = "sqlite:///.nbgrader/gradebook.db"
