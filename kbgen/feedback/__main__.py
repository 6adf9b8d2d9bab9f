"""``python -m kbgen.feedback serve|report``: the same commands as ``kbgen feedback``."""

from kbgen.feedback.commands import feedback_group

feedback_group(prog_name="python -m kbgen.feedback")
