"""Answering data-subject requests (issue 6): matching, review, access packages, erasure."""
