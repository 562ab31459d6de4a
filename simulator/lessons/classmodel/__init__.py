"""The class as ``serve`` keeps it: every student's session, the class's mistakes and
messages (model.py, messages.py), each student's progress in ``serve --lesson``
(students.py), and the lock that lets serve's log thread and a screen share them
(shared.py). Pure and synchronous, beside the course's tutor that observes the same
Exchanges; render/ turns it into fragments, text and pages.
"""
