"""Grading: normalise a reply, match it against the rubric, flag compliance breaches."""

from coachbot.grading.grader import Grade, grade_reply

__all__ = ["Grade", "grade_reply"]
