"""The data-subject request workflow, in one folder, with calls running one way:

    machine      states, transitions, guards (imports no model)
    lifecycle    the one door: fires the transitions, audit, outbox emails
    recipients   Art. 19 notices of a rectification, a restriction and its lift to customers
    restriction  faces withheld from searches (GDPR Art. 18), and lifting them after notice
    intake       form, email confirmation, status-page grants, lost links, follow-up erasure
    matching     the store search
    review       match decisions, identity assessment, finish / reopen review
    access       the access draft
    documents    the final documents, issued once from the final facts
    erasure      the erasure, its re-check and the Art. 19 notices
    approval     approval (with the erasure confirmation)
    rights       rectification, restriction, objection: the decision (Art. 16, 18, 21)
    handling     refusal, withdrawal, extension, messages, escalation, reminders
    suppression  withdrawal of the suppression consent
    sweep        re-sends lost work

Every module may call the ones above it, never one below; only lifecycle changes a status.
Import the modules themselves (this package imports nothing, so models.py can import machine).
"""
