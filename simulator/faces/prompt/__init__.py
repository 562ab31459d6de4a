"""prompt_toolkit pieces shared by the faces that read SMTP from a learner (the console and
the course): completion, highlighting and the shape of a ``:`` command. Not a face itself:
it knows no face's own commands, each face hands its list in."""
